package notify

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/vendorwatch/vendorwatch/correlate"
	"github.com/vendorwatch/vendorwatch/internal/redact"
	"github.com/vendorwatch/vendorwatch/internal/termtext"
)

// PagerDutyURL is the Events API v2 endpoint.
const PagerDutyURL = "https://events.pagerduty.com/v2/enqueue"

// PagerDuty sends events to PagerDuty's Events API v2: an opened or
// escalated finding triggers an alert, a closed one resolves it, and the
// finding's episode id is the dedup_key, so one finding is one PagerDuty
// alert from open to close. The routing key is a credential: it never
// appears in an error.
type PagerDuty struct {
	// RoutingKey is the integration key of the service's Events API v2
	// integration.
	RoutingKey string
	// URL is the endpoint (default PagerDutyURL); tests point it at a fake.
	URL string
	// Source is the payload's source, the machine that saw the finding
	// (default "vendorwatch").
	Source  string
	Timeout time.Duration
	Client  *http.Client
	// UserAgent is sent as User-Agent.
	UserAgent string
}

var _ Sender = (*PagerDuty)(nil)

// pdEvent is the body of an Events API v2 request.
type pdEvent struct {
	RoutingKey  string     `json:"routing_key"`
	EventAction string     `json:"event_action"`
	DedupKey    string     `json:"dedup_key"`
	Payload     *pdPayload `json:"payload,omitempty"`
	Client      string     `json:"client,omitempty"`
	Links       []pdLink   `json:"links,omitempty"`
}

type pdPayload struct {
	Summary       string         `json:"summary"`
	Source        string         `json:"source"`
	Severity      string         `json:"severity"`
	Timestamp     string         `json:"timestamp"`
	Component     string         `json:"component,omitempty"`
	Group         string         `json:"group,omitempty"`
	Class         string         `json:"class"`
	CustomDetails map[string]any `json:"custom_details"`
}

type pdLink struct {
	Href string `json:"href"`
	Text string `json:"text"`
}

// pdSummaryMax is the longest summary PagerDuty keeps.
const pdSummaryMax = 1024

// Send triggers (opened, escalated, eased) or resolves (closed) the
// finding's alert.
func (p *PagerDuty) Send(ctx context.Context, e Event) error {
	ev := pdEvent{EventAction: "trigger", DedupKey: DedupKey(e.Finding), Client: "vendorwatch"}
	if e.Kind == Closed {
		ev.EventAction = "resolve"
	} else {
		ev.Payload = p.payload(e)
	}
	// The event leaves the process: no key in it. The routing key is
	// added after redaction, which must not blank it.
	clean, err := json.Marshal(ev)
	if err != nil {
		return fmt.Errorf("encoding: %w", err)
	}
	if err := json.Unmarshal(redact.Bytes(clean), &ev); err != nil {
		return fmt.Errorf("encoding: %w", err)
	}
	ev.RoutingKey = p.RoutingKey
	body, err := encode(ev)
	if err != nil {
		return fmt.Errorf("encoding: %w", err)
	}
	url := p.URL
	if url == "" {
		url = PagerDutyURL
	}
	return poster{what: "PagerDuty", url: url, secrets: []string{p.RoutingKey}, timeout: p.Timeout, client: p.Client, agent: p.UserAgent}.post(ctx, body)
}

// payload is the trigger's description of the finding: the event line as
// summary, the severity mapped to PagerDuty's, the first vendor as
// component and the evidence in custom_details.
func (p *PagerDuty) payload(e Event) *pdPayload {
	f := e.Finding
	source := p.Source
	if source == "" {
		source = "vendorwatch"
	}
	pl := &pdPayload{
		Summary: termtext.Clip(e.Text(), pdSummaryMax), Source: source, Severity: pdSeverity(f.Severity),
		Timestamp: e.At.UTC().Format(time.RFC3339), Class: string(f.Kind), Group: "vendorwatch",
		CustomDetails: map[string]any{
			"finding_id": f.Key(), "kind": string(f.Kind), "event": "finding_" + string(e.Kind),
			"detail": termtext.Line(f.Detail), "advice": nonNil(f.Advice), "vendors": nonNil(f.Vendors),
			"keys": nonNil(f.Keys), "overall": string(e.Overall),
		},
	}
	if len(f.Vendors) > 0 {
		pl.Component = f.Vendors[0]
	}
	if !f.Since.IsZero() {
		pl.CustomDetails["since"] = f.Since.UTC().Format(time.RFC3339)
	}
	if e.From != "" {
		pl.CustomDetails["previous_severity"] = string(e.From)
	}
	return pl
}

// pdSeverity maps a finding's severity to PagerDuty's: critical,
// warning or info (PagerDuty's "error" has no counterpart).
func pdSeverity(s correlate.Severity) string {
	switch s {
	case correlate.SeverityCritical:
		return "critical"
	case correlate.SeverityInfo:
		return "info"
	}
	return "warning"
}

// dedupMax is the longest dedup_key PagerDuty accepts.
const dedupMax = 255

// DedupKey is the finding's episode id as an alert's de-duplication key
// (PagerDuty's dedup_key, Opsgenie's alias): the same while the finding
// lasts, so its close resolves the alert its open raised. An id too long
// for the receivers keeps its start and ends in a hash of the whole.
func DedupKey(f correlate.Finding) string {
	id := "vendorwatch:" + f.Key()
	if len(id) <= dedupMax {
		return id
	}
	sum := sha256.Sum256([]byte(id))
	h := hex.EncodeToString(sum[:8])
	return id[:dedupMax-len(h)-1] + "~" + h
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
