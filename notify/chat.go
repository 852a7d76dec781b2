package notify

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/vendorwatch/vendorwatch/correlate"
	"github.com/vendorwatch/vendorwatch/internal/redact"
	"github.com/vendorwatch/vendorwatch/internal/termtext"
)

// Chat posts events to a chat service's incoming webhook in the
// service's own rich format: a Discord embed or a Microsoft Teams
// Workflows Adaptive Card. The URL is a credential: it never appears in
// an error.
type Chat struct {
	URL     string
	Service ChatService
	Timeout time.Duration
	Client  *http.Client
	// UserAgent is sent as User-Agent.
	UserAgent string
}

// ChatService is the format a Chat posts.
type ChatService int

// The chat services.
const (
	// Discord posts an embed to a Discord channel webhook.
	Discord ChatService = iota
	// Teams posts an Adaptive Card to a Teams Workflows webhook ("Post to
	// a channel when a webhook request is received"), which replaced the
	// Office 365 connectors Microsoft retired.
	Teams
)

var _ Sender = (*Chat)(nil)

// Send posts one event.
func (c *Chat) Send(ctx context.Context, e Event) error {
	var v any
	what := "Discord"
	switch c.Service {
	case Teams:
		v, what = teamsMessage(e), "Teams"
	default:
		v = discordMessage(e)
	}
	body, err := encode(v)
	if err != nil {
		return fmt.Errorf("encoding: %w", err)
	}
	body = redact.Bytes(body) // the message leaves the process: no key in it
	return poster{what: what, url: c.URL, timeout: c.Timeout, client: c.Client, agent: c.UserAgent}.post(ctx, body)
}

// eventColor is the colour of an event: green for a close, else by
// severity (red, amber, blue).
func eventColor(e Event) int {
	switch {
	case e.Kind == Closed:
		return 0x2EB67D
	case e.Finding.Severity == correlate.SeverityCritical:
		return 0xE01E5A
	case e.Finding.Severity == correlate.SeverityInfo:
		return 0x36C5F0
	}
	return 0xECB22E
}

// The limits of a Discord embed's fields.
const (
	discordTitleMax = 256
	discordDescMax  = 4096
	discordValueMax = 1024
)

type discordMsg struct {
	Username string         `json:"username"`
	Embeds   []discordEmbed `json:"embeds"`
	// AllowedMentions is empty so that no text in a finding pings anyone.
	AllowedMentions struct {
		Parse []string `json:"parse"`
	} `json:"allowed_mentions"`
}

type discordEmbed struct {
	Title       string         `json:"title"`
	Description string         `json:"description,omitempty"`
	Color       int            `json:"color"`
	Timestamp   string         `json:"timestamp"`
	Fields      []discordField `json:"fields,omitempty"`
	Footer      struct {
		Text string `json:"text"`
	} `json:"footer"`
}

type discordField struct {
	Name   string `json:"name"`
	Value  string `json:"value"`
	Inline bool   `json:"inline"`
}

// discordMessage is the event as one Discord embed: the event line as
// title, the evidence as description, advice, vendors and keys as
// fields, the severity as colour. Mentions are disabled.
func discordMessage(e Event) discordMsg {
	f := e.Finding
	em := discordEmbed{Title: termtext.Clip(e.Text(), discordTitleMax), Color: eventColor(e), Timestamp: e.At.UTC().Format(time.RFC3339)}
	em.Footer.Text = "vendorwatch · overall " + string(e.Overall)
	if e.Kind != Closed {
		em.Description = termtext.Clip(termtext.Line(f.Detail), discordDescMax)
		if advice := lines(f.Advice); advice != "" {
			em.Fields = append(em.Fields, discordField{Name: "Advice", Value: termtext.Clip(advice, discordValueMax)})
		}
	}
	if len(f.Vendors) > 0 {
		em.Fields = append(em.Fields, discordField{Name: "Vendors", Value: termtext.Clip(strings.Join(f.Vendors, ", "), discordValueMax), Inline: true})
	}
	if len(f.Keys) > 0 {
		em.Fields = append(em.Fields, discordField{Name: "Keys", Value: termtext.Clip(strings.Join(f.Keys, ", "), discordValueMax), Inline: true})
	}
	m := discordMsg{Username: "vendorwatch", Embeds: []discordEmbed{em}}
	m.AllowedMentions.Parse = []string{}
	return m
}

// lines joins the cleaned, non-empty lines of ss, each after an arrow.
func lines(ss []string) string {
	var out []string
	for _, s := range ss {
		if s = termtext.Line(s); s != "" {
			out = append(out, "→ "+s)
		}
	}
	return strings.Join(out, "\n")
}

// teamsMessage is the event as a Teams Workflows message holding one
// Adaptive Card (version 1.4, which Teams renders): the event line in
// bold, coloured by severity, the evidence, the advice, and the facts.
func teamsMessage(e Event) map[string]any {
	f := e.Finding
	color := "Warning"
	switch {
	case e.Kind == Closed:
		color = "Good"
	case f.Severity == correlate.SeverityCritical:
		color = "Attention"
	case f.Severity == correlate.SeverityInfo:
		color = "Accent"
	}
	body := []map[string]any{{"type": "TextBlock", "text": e.Text(), "weight": "Bolder", "size": "Medium", "color": color, "wrap": true}}
	if e.Kind != Closed {
		if d := termtext.Line(f.Detail); d != "" {
			body = append(body, map[string]any{"type": "TextBlock", "text": d, "wrap": true})
		}
		if a := lines(f.Advice); a != "" {
			body = append(body, map[string]any{"type": "TextBlock", "text": strings.ReplaceAll(a, "\n", "\n\n"), "wrap": true})
		}
	}
	facts := []map[string]string{{"title": "Overall", "value": string(e.Overall)}, {"title": "At", "value": e.At.UTC().Format("2006-01-02 15:04 UTC")}}
	if len(f.Vendors) > 0 {
		facts = append(facts, map[string]string{"title": "Vendors", "value": strings.Join(f.Vendors, ", ")})
	}
	if len(f.Keys) > 0 {
		facts = append(facts, map[string]string{"title": "Keys", "value": strings.Join(f.Keys, ", ")})
	}
	body = append(body, map[string]any{"type": "FactSet", "facts": facts})
	card := map[string]any{
		"$schema": "http://adaptivecards.io/schemas/adaptive-card.json", "type": "AdaptiveCard", "version": "1.4", "body": body,
	}
	return map[string]any{"type": "message", "attachments": []map[string]any{{
		"contentType": "application/vnd.microsoft.card.adaptive", "contentUrl": nil, "content": card,
	}}}
}
