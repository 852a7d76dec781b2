package main

import (
	"os"
	"strings"
	"testing"
)

// TestPackagedUnit checks the unit the packages ship against the docs'
// unit it is made from: the packaged binary and user, the hardening kept.
func TestPackagedUnit(t *testing.T) {
	t.Parallel()
	doc, err := os.ReadFile("../docs/vendorwatch.service")
	if err != nil {
		t.Fatal(err)
	}
	unit, err := packagedUnit(string(doc))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"ExecStart=/usr/bin/vendorwatch serve --config ${CONFIGURATION_DIRECTORY}/config.yaml",
		"\nUser=vendorwatch\n", "\nGroup=vendorwatch\n",
		"\nStateDirectory=vendorwatch\n", "\nNoNewPrivileges=yes\n", "\nProtectSystem=strict\n",
		"\n[Install]\nWantedBy=multi-user.target\n",
	} {
		if !strings.Contains(unit, want) {
			t.Errorf("the packaged unit lacks %q", want)
		}
	}
	for _, gone := range []string{"/usr/local/bin", "DynamicUser=yes", "sudo cp vendorwatch.service"} {
		if strings.Contains(unit, gone) {
			t.Errorf("the packaged unit still has %q", gone)
		}
	}
	if strings.Count(unit, "[Service]") != 1 {
		t.Error("the packaged unit has no single [Service] section")
	}
}

// TestPackagedUnitRefusesAnotherUnit checks that a docs unit the
// transformation no longer fits stops the build rather than shipping a
// unit that runs the binary from the wrong place.
func TestPackagedUnitRefusesAnotherUnit(t *testing.T) {
	t.Parallel()
	for name, doc := range map[string]string{
		"no [Unit]":      "[Service]\nExecStart=/usr/local/bin/vendorwatch serve\nDynamicUser=yes\n",
		"another path":   "# x\n[Unit]\nDescription=x\n[Service]\nExecStart=/opt/vendorwatch serve\nDynamicUser=yes\n",
		"no DynamicUser": "# x\n[Unit]\nDescription=x\n[Service]\nExecStart=/usr/local/bin/vendorwatch serve\n",
	} {
		if _, err := packagedUnit(doc); err == nil {
			t.Errorf("%s: packagedUnit accepted it", name)
		}
	}
}
