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

// Format is a webhook's body.
type Format int

// Webhook formats.
const (
	// FormatJSON posts the Payload.
	FormatJSON Format = iota
	// FormatSlack posts {"text": ...} in Slack's mrkdwn, which Slack,
	// Mattermost, Rocket.Chat and Discord's /slack endpoint accept.
	FormatSlack
)

// Webhook POSTs events to a URL. The URL may be a credential (Slack's
// is): it never appears in an error.
type Webhook struct {
	URL    string
	Format Format
	// Timeout bounds one delivery (default 10 s).
	Timeout time.Duration
	// Client sends the request; nil uses a client that follows no
	// redirects.
	Client *http.Client
	// UserAgent is sent as User-Agent.
	UserAgent string
}

var _ Sender = (*Webhook)(nil)

var noRedirects = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// Send posts one event. A non-2xx answer is an error naming the status.
func (w *Webhook) Send(ctx context.Context, e Event) error {
	var body []byte
	var err error
	if w.Format == FormatSlack {
		body, err = encode(map[string]string{"text": SlackText(e)})
	} else {
		body, err = encode(PayloadOf(e))
	}
	if err != nil {
		return fmt.Errorf("encoding: %w", err)
	}
	body = redact.Bytes(body) // the payload leaves the process: no secret in it
	return poster{what: "the webhook", url: w.URL, timeout: w.Timeout, client: w.Client, agent: w.UserAgent}.post(ctx, body)
}

// SlackText is the event as a Slack message: an icon, the event line in
// bold, the evidence, the advice and the vendor's link. Slack's control
// characters (&, <, >) are escaped.
func SlackText(e Event) string {
	icon := ":large_yellow_circle:"
	switch {
	case e.Kind == Closed:
		icon = ":white_check_mark:"
	case e.Finding.Severity == correlate.SeverityCritical:
		icon = ":red_circle:"
	case e.Finding.Severity == correlate.SeverityInfo:
		icon = ":large_blue_circle:"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s *%s*", icon, slackEscape(e.Text()))
	if e.Kind != Closed {
		if d := termtext.Line(e.Finding.Detail); d != "" {
			b.WriteString("\n" + slackEscape(d))
		}
		for _, a := range e.Finding.Advice {
			if a = termtext.Line(a); a != "" {
				b.WriteString("\n→ " + slackEscape(a))
			}
		}
	}
	fmt.Fprintf(&b, "\n_vendorwatch · overall %s · %s_", e.Overall, e.At.UTC().Format("2006-01-02 15:04 UTC"))
	return b.String()
}

var slackEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

func slackEscape(s string) string { return slackEscaper.Replace(s) }
