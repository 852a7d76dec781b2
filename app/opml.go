package app

import (
	"fmt"
	"io"
	"os"

	"github.com/vendorwatch/vendorwatch/config"
	"github.com/vendorwatch/vendorwatch/providers/catalog"
)

// ImportOPML prints, as config YAML, the vendors of the status feeds in an
// OPML file, leaving out those the config at configPath already watches.
// It returns how many feeds it read and how many vendors it printed.
func ImportOPML(w io.Writer, file, configPath string) (feeds, printed int, err error) {
	f, err := os.Open(file)
	if err != nil {
		return 0, 0, err
	}
	defer f.Close()
	list, err := catalog.ParseOPML(f)
	if err != nil {
		return 0, 0, fmt.Errorf("%s: %w", file, err)
	}
	existing := map[string]bool{}
	if path, err := config.Locate(configPath); err == nil && path != "" {
		if cfg, err := config.Load(path, catalog.Builtin()); err == nil {
			for _, v := range cfg.Vendors {
				existing[v.ID] = true
			}
		}
	}
	printed, err = catalog.WriteImport(w, file, list, catalog.Builtin(), existing)
	return len(list), printed, err
}
