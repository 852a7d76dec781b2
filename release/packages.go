package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/goreleaser/nfpm/v2"
	_ "github.com/goreleaser/nfpm/v2/deb" // registers the deb packager
	"github.com/goreleaser/nfpm/v2/files"
	_ "github.com/goreleaser/nfpm/v2/rpm" // registers the rpm packager
)

// packageFormats are the Linux packages a release builds, each for every
// linux target.
var packageFormats = []string{"deb", "rpm"}

// packageInput is what goes into one target's deb and rpm, all as files on
// disk, which is how nfpm reads them.
type packageInput struct {
	binary   string   // the linux binary
	unit     string   // the packaged systemd unit (packagedUnit)
	config   string   // config.example.yaml, installed as /etc/vendorwatch/config.yaml
	readme   string   // README.md
	manPages []string // docs/man/*.1, if the checkout has them
	scripts  string   // packaging/nfpm, with the maintainer scripts
}

// packageInfo describes the vendorwatch package for nfpm: the binary in
// /usr/bin, the unit where packages put units, the example config as a
// config file that upgrades never overwrite, and the scripts that create
// the service's user.
func packageInfo(m meta, t target, in packageInput) *nfpm.Info {
	file := func(src, dst string, mode os.FileMode) *files.Content {
		return &files.Content{Source: src, Destination: dst, FileInfo: &files.ContentFileInfo{Mode: mode, MTime: m.date}}
	}
	contents := files.Contents{
		file(in.binary, "/usr/bin/vendorwatch", 0o755),
		file(in.unit, "/usr/lib/systemd/system/vendorwatch.service", 0o644),
		file(in.readme, "/usr/share/doc/vendorwatch/README.md", 0o644),
		file(in.config, "/usr/share/doc/vendorwatch/config.example.yaml", 0o644),
		{
			Source: in.config, Destination: "/etc/vendorwatch/config.yaml", Type: files.TypeConfigNoReplace,
			FileInfo: &files.ContentFileInfo{Mode: 0o644, MTime: m.date},
		},
		{Destination: "/etc/vendorwatch/keys", Type: files.TypeDir, FileInfo: &files.ContentFileInfo{Mode: 0o700, MTime: m.date}},
	}
	for _, p := range in.manPages {
		contents = append(contents, file(p, "/usr/share/man/man1/"+filepath.Base(p), 0o644))
	}
	info := &nfpm.Info{
		Name:        "vendorwatch",
		Arch:        t.arch,
		Platform:    "linux",
		Version:     m.version,
		Release:     "1",
		Section:     "net",
		Priority:    "optional",
		Maintainer:  "vendorwatch maintainers <vendorwatch@users.noreply.github.com>",
		Description: "Is it us or them? Vendor status pages, probes of our own API keys and findings for on-call engineers.",
		Vendor:      "vendorwatch",
		Homepage:    "https://github.com/vendorwatch/vendorwatch",
		MTime:       m.date,
		Overridables: nfpm.Overridables{
			Contents: contents,
			Umask:    0o022,
			Scripts: nfpm.Scripts{
				PostInstall: filepath.Join(in.scripts, "postinstall.sh"),
				PreRemove:   filepath.Join(in.scripts, "preremove.sh"),
				PostRemove:  filepath.Join(in.scripts, "postremove.sh"),
			},
			RPM: nfpm.RPM{
				// The host name would otherwise make every build differ.
				BuildHost: "vendorwatch-release",
				Summary:   "Is it us or them? Vendor status, key probes and findings",
				Group:     "Applications/System",
				Requires:  nfpm.RPMRequires{Post: []string{"shadow-utils"}},
			},
		},
	}
	return nfpm.WithDefaults(info)
}

// buildPackage writes one package of format for t into dir and returns
// its file name.
func buildPackage(format string, m meta, t target, in packageInput, dir string) (string, error) {
	packager, err := nfpm.Get(format)
	if err != nil {
		return "", err
	}
	info := packageInfo(m, t, in)
	if err := nfpm.Validate(info); err != nil {
		return "", fmt.Errorf("%s for %s: %w", format, t, err)
	}
	name := packager.ConventionalFileName(info)
	err = writeFile(filepath.Join(dir, name), func(w io.Writer) error {
		info.Target = filepath.Join(dir, name)
		return packager.Package(info, w)
	})
	if err != nil {
		return "", fmt.Errorf("%s for %s: %w", format, t, err)
	}
	return name, nil
}
