package app

import (
	"slices"

	"github.com/vendorwatch/vendorwatch/correlate"
	"github.com/vendorwatch/vendorwatch/providers/catalog"
)

// configCatalog is the catalog a config is loaded against, which also
// knows the finding kinds a notifier may route (config.KindChecker):
// correlate's.
type configCatalog struct{ *catalog.Catalog }

// FindingKind implements config.KindChecker.
func (configCatalog) FindingKind(kind string) (bool, string) {
	known := make([]string, 0, len(correlate.Kinds))
	for _, k := range correlate.Kinds {
		known = append(known, string(k))
	}
	if slices.Contains(known, kind) {
		return true, ""
	}
	return false, catalog.Closest(kind, known)
}
