// Package loopback tells whether a host is this machine: where vendorwatch
// may send a key or a token over plain HTTP (tests, the demo, a local
// serve), and where serve may listen without a token.
package loopback

import (
	"net"
	"strings"
)

// Host reports whether host (a name or an IP address, without a port) is
// this machine: localhost or a loopback address.
func Host(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
