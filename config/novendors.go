package config

import (
	"errors"
	"fmt"
)

// ErrNoVendors is the error of a config that lists no vendor: a program
// that ran on it would check nothing and call that healthy.
var ErrNoVendors = errors.New("no vendors")

// RequireVendors returns an error wrapping ErrNoVendors, with what to do
// about it, when the config at file lists no vendor; nil otherwise. Parse
// accepts such a config (a fragment that only sets serve: or notify: is
// valid on its own); the program refuses to run on it.
func (c *Config) RequireVendors(file string) error {
	if len(c.Vendors) > 0 {
		return nil
	}
	return fmt.Errorf("config %s has %w: run `vendorwatch init` to write one, list some with `vendorwatch catalog`, or see docs/configuration.md", file, ErrNoVendors)
}
