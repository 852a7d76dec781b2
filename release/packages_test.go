package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestPackages builds the deb and the rpm from a stand-in binary twice:
// the two builds must be the same bytes. With dpkg-deb on the machine
// (Debian's dpkg package) the deb's control data and files are checked as
// dpkg reads them; without it that part is skipped.
func TestPackages(t *testing.T) {
	t.Parallel()
	stage := t.TempDir()
	manPage := filepath.Join(stage, "vendorwatch.1")
	writeTestFile(t, manPage, ".TH VENDORWATCH 1\n")
	in, err := stagePackageInput("..", stage, []string{manPage})
	if err != nil {
		t.Fatal(err)
	}
	in.binary = filepath.Join(stage, "vendorwatch")
	if err := os.WriteFile(in.binary, []byte("#!/bin/sh\necho vendorwatch v1.2.3\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	m := testMeta()
	tg := target{"linux", "amd64"}
	built := map[string]string{}
	for _, format := range packageFormats {
		a, b := filepath.Join(stage, "a"), filepath.Join(stage, "b")
		for _, d := range []string{a, b} {
			if err := os.MkdirAll(d, 0o755); err != nil {
				t.Fatal(err)
			}
		}
		name, err := buildPackage(format, m, tg, in, a)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := buildPackage(format, m, tg, in, b); err != nil {
			t.Fatal(err)
		}
		if sha(t, filepath.Join(a, name)) != sha(t, filepath.Join(b, name)) {
			t.Errorf("two builds of %s differ", name)
		}
		built[format] = filepath.Join(a, name)
	}
	if filepath.Base(built["deb"]) != "vendorwatch_1.2.3-1_amd64.deb" || filepath.Base(built["rpm"]) != "vendorwatch-1.2.3-1.x86_64.rpm" {
		t.Errorf("package names %s and %s", filepath.Base(built["deb"]), filepath.Base(built["rpm"]))
	}

	dpkgDeb, err := exec.LookPath("dpkg-deb")
	if err != nil {
		t.Skip("dpkg-deb is not installed: the deb's contents are not checked")
	}
	deb := built["deb"]
	out := runTool(t, dpkgDeb, "--field", deb, "Package", "Version", "Architecture")
	for _, want := range []string{"Package: vendorwatch", "Version: 1.2.3-1", "Architecture: amd64"} {
		if !strings.Contains(out, want) {
			t.Errorf("dpkg-deb --field: %q lacks %q", out, want)
		}
	}
	contents := runTool(t, dpkgDeb, "--contents", deb)
	listed := map[string]string{} // path → mode and owner
	for _, line := range strings.Split(strings.TrimSpace(contents), "\n") {
		f := strings.Fields(line)
		listed[f[len(f)-1]] = f[0] + " " + f[1]
	}
	for path, want := range map[string]string{
		"./usr/bin/vendorwatch":                        "-rwxr-xr-x root/root",
		"./usr/lib/systemd/system/vendorwatch.service": "-rw-r--r-- root/root",
		"./etc/vendorwatch/config.yaml":                "-rw-r--r-- root/root",
		"./etc/vendorwatch/keys/":                      "drwx------ root/root",
		"./usr/share/doc/vendorwatch/README.md":        "-rw-r--r-- root/root",
		"./usr/share/man/man1/vendorwatch.1":           "-rw-r--r-- root/root",
	} {
		if listed[path] != want {
			t.Errorf("dpkg-deb --contents: %s is %q, want %q:\n%s", path, listed[path], want, contents)
		}
	}
	control := filepath.Join(stage, "control")
	runTool(t, dpkgDeb, "--control", deb, control)
	conffiles, err := os.ReadFile(filepath.Join(control, "conffiles"))
	if err != nil || strings.TrimSpace(string(conffiles)) != "/etc/vendorwatch/config.yaml" {
		t.Errorf("conffiles %q (%v), want /etc/vendorwatch/config.yaml alone", conffiles, err)
	}
	for _, script := range []string{"postinst", "prerm", "postrm"} {
		if _, err := os.Stat(filepath.Join(control, script)); err != nil {
			t.Errorf("the deb has no %s: %v", script, err)
		}
	}
}

func runTool(t *testing.T, name string, args ...string) string {
	t.Helper()
	out, err := exec.Command(name, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return string(out)
}
