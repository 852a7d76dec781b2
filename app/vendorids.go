package app

import (
	"slices"

	"github.com/vendorwatch/vendorwatch/config"
	"github.com/vendorwatch/vendorwatch/history"
	"github.com/vendorwatch/vendorwatch/providers/catalog"
)

// CheckVendorIDs returns an error, with the closest known id as a
// suggestion, when one of ids (given by flag: "--vendor") names a vendor
// this machine does not know. Known are the config's vendors (or the
// built-in default ones when there is no config file) and those of the
// state dir's latest snapshot, so a vendor since removed from the config
// can still be asked about while it is recent. When neither can be read
// nothing is checked: the command itself will say what is wrong.
func CheckVendorIDs(o Options, flag string, ids []string) error {
	if len(ids) == 0 {
		return nil
	}
	known := knownVendorIDs(o)
	return catalog.CheckIDs(flag, ids, known, "in the config or the latest check")
}

// knownVendorIDs lists the vendor ids of the config and of the latest
// snapshot.
func knownVendorIDs(o Options) []string {
	var ids []string
	cat := catalog.Builtin()
	var cfg *config.Config
	if path, err := config.Locate(o.ConfigPath); err == nil && path == "" {
		cfg = catalog.DefaultConfig(cat)
	} else if err == nil {
		cfg, _ = config.Load(path, cat)
	}
	if cfg != nil {
		for _, v := range cfg.Vendors {
			ids = append(ids, v.ID)
		}
	}
	if rep := ReadSnapshot(StateDir(o.StateDir), history.SnapshotFile); rep != nil {
		for _, v := range rep.Vendors {
			if !slices.Contains(ids, v.ID) {
				ids = append(ids, v.ID)
			}
		}
	}
	return ids
}
