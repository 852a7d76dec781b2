package statuspage

import (
	"fmt"
	"strings"
)

// Format names a status page format as written in the config's format: key.
type Format string

// The formats vendorwatch knows. Auto means "find out".
const (
	Auto        Format = ""
	Statuspage  Format = "statuspage"
	IncidentIO  Format = "incidentio"
	BetterStack Format = "betterstack"
	Instatus    Format = "instatus"
	StatusIO    Format = "statusio"
	Google      Format = "google"
	Slack       Format = "slack"
	Stripe      Format = "stripe"
	Feed        Format = "rss"
	HTML        Format = "html"
)

// Formats lists every format a config may name, in documentation order.
var Formats = []Format{Statuspage, IncidentIO, BetterStack, Instatus, StatusIO, Google, Slack, Stripe, Feed, HTML}

// ParseFormat checks a config value. The empty string is Auto; "atom" is
// accepted as a synonym of "rss".
func ParseFormat(s string) (Format, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	if s == "" {
		return Auto, nil
	}
	if s == "atom" {
		return Feed, nil
	}
	for _, f := range Formats {
		if string(f) == s {
			return f, nil
		}
	}
	names := make([]string, len(Formats))
	for i, f := range Formats {
		names[i] = string(f)
	}
	return Auto, fmt.Errorf("unknown format %q (known: %s)", s, strings.Join(names, ", "))
}
