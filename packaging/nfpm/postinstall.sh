#!/bin/sh
# postinstall of the vendorwatch deb and rpm: the system user the service
# runs as, then systemd told about the unit. The service is not started:
# it needs the keys and the token first (see the unit's header).
set -e

# dpkg --root and rpm --root installs run this outside the target system;
# DPKG_ROOT (or an explicit VENDORWATCH_ROOT) then names that root.
root="${DPKG_ROOT:-${VENDORWATCH_ROOT:-}}"

nologin=/usr/sbin/nologin
[ -x "$root$nologin" ] || nologin=/sbin/nologin
[ -x "$root$nologin" ] || nologin=/bin/false

has_entry() {
	# $1: passwd or group, $2: name. getent sees only the running
	# system's databases, so read the target root's file directly.
	grep -q "^$2:" "$root/etc/$1" 2>/dev/null
}

if [ -n "$root" ]; then
	set -- --prefix "$root"
else
	set --
fi
if ! has_entry group vendorwatch; then
	groupadd "$@" --system vendorwatch
fi
if ! has_entry passwd vendorwatch; then
	useradd "$@" --system --gid vendorwatch --home-dir /var/lib/vendorwatch \
		--no-create-home --shell "$nologin" --comment "vendorwatch serve" vendorwatch
fi

if [ -z "$root" ] && [ -d /run/systemd/system ]; then
	systemctl daemon-reload || true
fi

if [ -z "$root" ]; then
	echo "vendorwatch: edit /etc/vendorwatch/config.yaml, put the keys in /etc/vendorwatch/keys/, then: systemctl enable --now vendorwatch"
fi
