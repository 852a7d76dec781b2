// Package statuspage reads vendor status pages into one normalized model,
// observe.Status: Atlassian Statuspage and its look-alikes, incident.io,
// Better Stack, Instatus, status.io, Google Cloud, Slack, RSS and Atom
// feeds, and HTML pages. It is pure: bytes go in, a Status comes out.
// Fetching, retries and autodetection live in providers/statusread; this
// package knows the formats and their vocabularies, and is the only home
// of the HTML and feed parsers (goquery, gofeed).
package statuspage

import (
	"strings"

	"github.com/vendorwatch/vendorwatch/observe"
)

// ComponentState maps a Statuspage or incident.io component status
// ("degraded_performance", "full_outage", ...) to a State.
func ComponentState(status string) observe.State {
	switch strings.ToLower(strings.TrimSpace(status)) {
	case "operational", "ok", "up", "available":
		return observe.Operational
	case "under_maintenance", "maintenance", "undermaintenance":
		return observe.UnderMaintenance
	case "degraded_performance", "degraded", "degradedperformance":
		return observe.Degraded
	case "partial_outage", "partialoutage", "minoroutage":
		return observe.PartialOutage
	case "major_outage", "full_outage", "majoroutage", "downtime":
		return observe.MajorOutage
	}
	return observe.Unknown
}

// IndicatorState maps a Statuspage page indicator (none, minor, major,
// critical, maintenance) to a State: the same words as an incident's
// impact.
func IndicatorState(indicator string) observe.State { return observe.ImpactState(indicator) }
