#!/bin/sh
# preremove of the vendorwatch deb and rpm: stop the service before its
# binary goes. An upgrade (deb: upgrade, rpm: 1) leaves it running; the
# new package's files replace the old ones and a restart picks them up.
set -e
case "$1" in
remove | 0)
	if [ -z "${DPKG_ROOT:-}" ] && [ -d /run/systemd/system ]; then
		systemctl disable --now vendorwatch.service >/dev/null 2>&1 || true
	fi
	;;
esac
