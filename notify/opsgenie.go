package notify

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/vendorwatch/vendorwatch/correlate"
	"github.com/vendorwatch/vendorwatch/internal/redact"
	"github.com/vendorwatch/vendorwatch/internal/termtext"
)

// OpsgenieURL is the Alert API's base for accounts in the US region;
// EU accounts use https://api.eu.opsgenie.com.
const OpsgenieURL = "https://api.opsgenie.com"

// Opsgenie creates an Opsgenie alert when a finding opens and closes it
// when the finding closes, telling the two apart by the alert's alias,
// the finding's episode id (DedupKey). Opsgenie keeps one open alert per
// alias: a later create for the same finding (an escalation) adds to its
// count rather than opening another. The API key is a credential: it
// never appears in an error.
type Opsgenie struct {
	// APIKey is the key of an API integration ("GenieKey").
	APIKey string
	// URL is the API's base (default OpsgenieURL).
	URL string
	// Source names the machine that saw the finding (default
	// "vendorwatch").
	Source    string
	Timeout   time.Duration
	Client    *http.Client
	UserAgent string
}

var _ Sender = (*Opsgenie)(nil)

// ogAlert is the body of a create-alert request.
type ogAlert struct {
	Message     string            `json:"message"`
	Alias       string            `json:"alias"`
	Description string            `json:"description,omitempty"`
	Tags        []string          `json:"tags,omitempty"`
	Details     map[string]string `json:"details,omitempty"`
	Entity      string            `json:"entity,omitempty"`
	Source      string            `json:"source,omitempty"`
	Priority    string            `json:"priority"`
}

// ogClose is the body of a close-alert request.
type ogClose struct {
	Source string `json:"source,omitempty"`
	User   string `json:"user,omitempty"`
	Note   string `json:"note,omitempty"`
}

// The Alert API's limits on a create request's fields.
const (
	ogMessageMax     = 130
	ogDescriptionMax = 15000
)

// Send creates the finding's alert (opened, escalated, eased) or closes
// it (closed).
func (o *Opsgenie) Send(ctx context.Context, e Event) error {
	base := strings.TrimRight(o.URL, "/")
	if base == "" {
		base = OpsgenieURL
	}
	source := o.Source
	if source == "" {
		source = "vendorwatch"
	}
	alias := DedupKey(e.Finding)
	var target string
	var body any
	if e.Kind == Closed {
		target = base + "/v2/alerts/" + url.PathEscape(alias) + "/close?identifierType=alias"
		body = ogClose{Source: source, User: "vendorwatch", Note: termtext.Line(e.Text())}
	} else {
		target = base + "/v2/alerts"
		body = o.alert(e, alias, source)
	}
	raw, err := encode(body)
	if err != nil {
		return fmt.Errorf("encoding: %w", err)
	}
	raw = redact.Bytes(raw) // the alert leaves the process: no key in it
	if !json.Valid(raw) {
		return fmt.Errorf("encoding: the redacted alert is not JSON")
	}
	return poster{what: "Opsgenie", url: target, secrets: []string{o.APIKey}, timeout: o.Timeout, client: o.Client, agent: o.UserAgent,
		header: http.Header{"Authorization": {"GenieKey " + o.APIKey}}}.post(ctx, raw)
}

// alert describes the finding: the event line as message, the evidence
// and advice as description, the severity as priority.
func (o *Opsgenie) alert(e Event, alias, source string) ogAlert {
	f := e.Finding
	var desc strings.Builder
	desc.WriteString(termtext.Line(f.Detail))
	for _, a := range f.Advice {
		if a = termtext.Line(a); a != "" {
			desc.WriteString("\n→ " + a)
		}
	}
	tags := []string{"vendorwatch", string(f.Kind)}
	tags = append(tags, f.Vendors...)
	a := ogAlert{
		Message: termtext.Clip(e.Text(), ogMessageMax), Alias: alias, Description: termtext.Clip(desc.String(), ogDescriptionMax),
		Tags: tags, Source: source, Priority: ogPriority(f.Severity),
		Details: map[string]string{"finding_id": f.Key(), "kind": string(f.Kind), "event": "finding_" + string(e.Kind),
			"overall": string(e.Overall), "vendors": strings.Join(f.Vendors, ","), "keys": strings.Join(f.Keys, ",")},
	}
	if len(f.Vendors) > 0 {
		a.Entity = f.Vendors[0]
	}
	if !f.Since.IsZero() {
		a.Details["since"] = f.Since.UTC().Format(time.RFC3339)
	}
	return a
}

// ogPriority maps a finding's severity to an Opsgenie priority: critical
// P1, warning P3, info P5.
func ogPriority(s correlate.Severity) string {
	switch s {
	case correlate.SeverityCritical:
		return "P1"
	case correlate.SeverityInfo:
		return "P5"
	}
	return "P3"
}
