#!/bin/sh
# postremove of the vendorwatch deb and rpm: systemd forgets the unit. The
# vendorwatch user, /etc/vendorwatch and the history in /var/lib/vendorwatch
# stay: a reinstall finds them as they were.
set -e
if [ -z "${DPKG_ROOT:-}" ] && [ -d /run/systemd/system ]; then
	systemctl daemon-reload >/dev/null 2>&1 || true
fi
