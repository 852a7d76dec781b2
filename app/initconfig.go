package app

import (
	"cmp"
	"fmt"
	"os"

	"github.com/vendorwatch/vendorwatch/config"
	"github.com/vendorwatch/vendorwatch/providers/catalog"
)

// InitPath is where `vendorwatch init` writes: the --config flag, else
// $VENDORWATCH_CONFIG, else the default path, the same order every
// command reads in (config.Locate), so the dashboard finds the file init
// wrote.
func InitPath(flag string) (string, error) {
	if p := cmp.Or(flag, os.Getenv(config.EnvConfig)); p != "" {
		return p, nil
	}
	p, err := config.DefaultPath()
	if err != nil {
		return "", fmt.Errorf("no home directory for the default config path: give --config PATH: %w", err)
	}
	return p, nil
}

// ValidateConfig checks a config before it is written, as check-config
// would check the file: every problem at once, then the vendors it
// resolves to.
func ValidateConfig(data []byte, path string) error {
	cat := catalog.Builtin()
	cfg, err := config.Parse(data, path, true, cat)
	if err != nil {
		return err
	}
	if _, err := catalog.Resolve(cfg, cat, nil); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}
