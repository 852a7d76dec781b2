// Package setup writes a first config: it finds the keys in the
// conventional environment variables and the secret-manager tools on the
// PATH, offers the catalog's vendors by category, asks who holds which
// key, and renders the answers as a commented YAML file that holds
// references only, never a key. `vendorwatch init` is its one user; the
// interactive form is form.go, the rest is plain data in and out.
package setup

import (
	"os"
	"os/exec"
	"slices"

	"github.com/vendorwatch/vendorwatch/providers/catalog"
	"github.com/vendorwatch/vendorwatch/providers/probe"
	"github.com/vendorwatch/vendorwatch/readiness"
)

// Env is what setup may learn about the machine: environment variables
// and the programs on the PATH. Tests give a fake one.
type Env struct {
	Getenv   func(string) string
	LookPath func(string) (string, error)
}

// System is the real environment of the process.
func System() Env { return Env{Getenv: os.Getenv, LookPath: exec.LookPath} }

// FoundKey is a key found in a conventional variable, shown by its
// fingerprint only.
type FoundKey struct {
	catalog.EnvKey
	// Fingerprint is the key as vendors show it (sk-proj-…MxYA).
	Fingerprint string
}

// Tool is a secret manager's command-line tool found on the PATH.
type Tool struct {
	// Command is the program (op, gcloud, firebase, vault).
	Command string
	// Store is the secret store it reads (1Password).
	Store string
}

// Found is what Detect saw on this machine.
type Found struct {
	Keys   []FoundKey
	Admins []catalog.EnvAdmin
	Tools  []Tool
}

// tools are the secret-manager CLIs init offers cmd: references for, in
// the order it offers them.
var tools = []string{"op", "gcloud", "firebase", "vault"}

// Detect reads the conventional key variables of the catalog's vendors
// and looks for the secret managers' tools on the PATH. The keys
// themselves are read only to take their fingerprints.
func Detect(cat *catalog.Catalog, env Env) Found {
	var f Found
	keys, admins := cat.KeysInEnv(env.Getenv)
	for _, k := range keys {
		f.Keys = append(f.Keys, FoundKey{EnvKey: k, Fingerprint: probe.Fingerprint(env.Getenv(k.Env))})
	}
	f.Admins = admins
	for _, name := range tools {
		if _, err := env.LookPath(name); err != nil {
			continue
		}
		store, _ := readiness.StoreOfCommand(name)
		f.Tools = append(f.Tools, Tool{Command: name, Store: store.Name})
	}
	return f
}

// KeysOf are the found keys of one vendor.
func (f Found) KeysOf(vendor string) []FoundKey {
	var out []FoundKey
	for _, k := range f.Keys {
		if k.Vendor == vendor {
			out = append(out, k)
		}
	}
	return out
}

// AdminOf is the admin key variable found for a vendor, or "".
func (f Found) AdminOf(vendor string) string {
	for _, a := range f.Admins {
		if a.Vendor == vendor {
			return a.Env
		}
	}
	return ""
}

// Vendors lists the vendors with a key or an admin key found, in the
// order found, once each.
func (f Found) Vendors() []string {
	var out []string
	add := func(id string) {
		if !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	for _, k := range f.Keys {
		add(k.Vendor)
	}
	for _, a := range f.Admins {
		add(a.Vendor)
	}
	return out
}
