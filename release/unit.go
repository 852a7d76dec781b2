package main

import (
	"errors"
	"fmt"
	"strings"
)

// packagedUnit turns docs/vendorwatch.service, written for a binary
// installed by hand, into the unit the deb and rpm packages ship: the
// binary in /usr/bin, and the static vendorwatch user the postinstall
// script creates instead of a dynamic one (a static group is what lets
// Prometheus read a unix socket, and what owns /var/lib/vendorwatch
// across upgrades). The comment block of installation steps gives way to
// the packaged ones; everything else, the hardening included, stays as
// the docs have it, so there is one unit to maintain. Each change must
// find what it replaces: an edit of the docs unit that breaks the
// assumptions fails the build instead of shipping a wrong unit.
func packagedUnit(doc string) (string, error) {
	body, ok := strings.CutPrefix(doc[strings.Index(doc, "\n[Unit]")+1:], "[Unit]")
	if !strings.Contains(doc, "\n[Unit]") || !ok {
		return "", errors.New("docs/vendorwatch.service has no [Unit] section")
	}
	replacements := []struct{ old, new string }{
		{"/usr/local/bin/vendorwatch", "/usr/bin/vendorwatch"},
		{"\nDynamicUser=yes\n", "\nUser=vendorwatch\nGroup=vendorwatch\n"},
	}
	for _, r := range replacements {
		if !strings.Contains(body, r.old) {
			return "", fmt.Errorf("docs/vendorwatch.service no longer has %q: update release/unit.go", strings.TrimSpace(r.old))
		}
		body = strings.ReplaceAll(body, r.old, r.new)
	}
	return packagedUnitHeader + "[Unit]" + body, nil
}

const packagedUnitHeader = `# systemd unit for ` + "`vendorwatch serve`" + `, as the deb and rpm packages install it.
#
# The package created the vendorwatch system user and /etc/vendorwatch/config.yaml
# (the example config). Before starting the service:
#
#   sudoedit /etc/vendorwatch/config.yaml
#   sudo install -d -m 0700 /etc/vendorwatch/keys
#   sudo install -m 0600 /dev/stdin /etc/vendorwatch/keys/openai-prod   # paste the key, then Ctrl-D
#   sudo install -m 0600 /dev/stdin /etc/vendorwatch/keys/token         # the serve token
#   sudo systemctl enable --now vendorwatch
#   journalctl -u vendorwatch -f
#
# Keys reach the service as systemd credentials (LoadCredential= below): refer to
# them in the config as secret: file:/run/credentials/vendorwatch.service/NAME.
# Change the credentials or the listen address with a drop-in, not by editing
# this file (a package upgrade replaces it):
#
#   sudo systemctl edit vendorwatch
#
# The history and snapshot.json live in /var/lib/vendorwatch. The unit with
# every option explained is docs/vendorwatch.service in the source.

`
