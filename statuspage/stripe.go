package statuspage

import (
	"encoding/json"
	"slices"
	"strings"

	"github.com/vendorwatch/vendorwatch/internal/termtext"
	"github.com/vendorwatch/vendorwatch/observe"
)

// Stripe's status page (status.stripe.com) is its own application, not a
// hosted platform. Its page loads https://status.stripe.com/current/full:
// one JSON object with the overall state in "UptimeStatus" (up, degraded,
// down; "pending" and "paused" also appear), a "message" and the
// components in "uptimeData", each a {key, title, warning} where a warning
// that is not null means trouble. Older copies of the same document name
// the state "overallStatus", and the older /current answer gave
// "largestatus" with a map of "statuses" per component (api, dashboard,
// stripejs, checkoutjs, webhooks, emails). This is how the status apps
// stts (Stripe.swift) and others read it; readStripe reads all three
// spellings.

type stripeDoc struct {
	UptimeStatus  *string `json:"UptimeStatus"`
	OverallStatus *string `json:"overallStatus"`
	LargeStatus   *string `json:"largestatus"`
	Message       any     `json:"message"`
	UptimeData    []struct {
		Key     any    `json:"key"`
		Title   string `json:"title"`
		Warning any    `json:"warning"`
	} `json:"uptimeData"`
	Statuses map[string]any `json:"statuses"`
}

// stripeState maps Stripe's state words. "pending" and "paused" are read
// as maintenance, as stts reads them: neither is an outage, and neither
// says all is well.
func stripeState(s string) observe.State {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "up", "operational", "ok":
		return observe.Operational
	case "degraded", "minor", "warning":
		return observe.Degraded
	case "down", "major", "outage":
		return observe.MajorOutage
	case "pending", "paused", "maintenance":
		return observe.UnderMaintenance
	}
	return observe.Unknown
}

// parseStripe reads Stripe's /current/full (or the older /current).
func parseStripe(data []byte) (*observe.Status, error) {
	const want = "Stripe's /current/full"
	var doc stripeDoc
	if err := decodeJSON(data, &doc, want); err != nil {
		return nil, err
	}
	var word *string
	for _, w := range []*string{doc.UptimeStatus, doc.OverallStatus, doc.LargeStatus} {
		if w != nil {
			word = w
			break
		}
	}
	if word == nil {
		return nil, wrongFormat(want, data)
	}
	st := &observe.Status{State: stripeState(*word), PageURL: "https://status.stripe.com"}
	st.Claims = st.State.Known()
	for _, c := range doc.UptimeData {
		name := termtext.Line(c.Title)
		if name == "" {
			name = termtext.Line(jsonText(c.Key))
		}
		if name == "" {
			continue
		}
		state := observe.Operational
		if c.Warning != nil && c.Warning != false && c.Warning != "" {
			state = observe.Degraded
		}
		st.Components = append(st.Components, observe.Component{Name: name, State: state})
	}
	if len(st.Components) == 0 {
		keys := make([]string, 0, len(doc.Statuses))
		for k := range doc.Statuses {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			if name := termtext.Line(k); name != "" {
				st.Components = append(st.Components, observe.Component{Name: name, State: stripeState(jsonText(doc.Statuses[k]))})
			}
		}
	}
	st.Description = termtext.Line(jsonText(doc.Message))
	if st.Description == "" {
		st.Description = describeState(st.State)
	}
	return st, nil
}

// jsonText is a decoded JSON value as text: a string as it is, a number
// or a boolean spelled out, anything else empty.
func jsonText(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case float64, bool, json.Number:
		b, _ := json.Marshal(x)
		return string(b)
	}
	return ""
}
