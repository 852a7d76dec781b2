package notify

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/vendorwatch/vendorwatch/correlate"
	"github.com/vendorwatch/vendorwatch/internal/redact"
)

// chatReceiver answers as the service does (Discord 204, a Teams
// workflow 202) and keeps the decoded bodies.
func chatReceiver(t *testing.T, status int) (*httptest.Server, *[]map[string]any) {
	var got []map[string]any
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		noNotifyKey(t, "a chat message", string(b))
		var m map[string]any
		if r.Method != http.MethodPost || r.Header.Get("Content-Type") != "application/json" || json.Unmarshal(b, &m) != nil {
			t.Errorf("not a JSON POST: %s", b)
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		got = append(got, m)
		w.WriteHeader(status)
	}))
	t.Cleanup(srv.Close)
	return srv, &got
}

func leakyRevoked() Event {
	redact.Register(notifyKey)
	e := openedEvent()
	e.Finding.Detail += " (echoed " + notifyKey + ")"
	return e
}

// A Discord message is one embed as Discord's "Execute Webhook" documents
// it: title, description, colour, ISO 8601 timestamp, fields within
// their limits, a footer, and no mentions.
func TestDiscordEmbed(t *testing.T) {
	srv, got := chatReceiver(t, http.StatusNoContent)
	if err := (&Chat{URL: srv.URL + "/api/webhooks/1/tok", Service: Discord}).Send(context.Background(), leakyRevoked()); err != nil {
		t.Fatal(err)
	}
	var msg struct {
		Username string `json:"username"`
		Embeds   []struct {
			Title, Description, Timestamp string
			Color                         int
			Fields                        []struct {
				Name, Value string
				Inline      bool
			}
			Footer struct{ Text string }
		}
		AllowedMentions struct{ Parse []string } `json:"allowed_mentions"`
	}
	b, _ := json.Marshal((*got)[0])
	if err := json.Unmarshal(b, &msg); err != nil || len(msg.Embeds) != 1 {
		t.Fatalf("body %s: %v", b, err)
	}
	em := msg.Embeds[0]
	if em.Title != "Critical opened: OpenAI key prod revoked" || em.Color != 0xE01E5A || em.Timestamp != "2026-05-21T10:57:00Z" ||
		!strings.Contains(em.Description, "sk-proj-…MxYA") || em.Footer.Text != "vendorwatch · overall critical" {
		t.Errorf("embed = %+v", em)
	}
	if len(em.Fields) != 3 || em.Fields[0].Name != "Advice" || !strings.HasPrefix(em.Fields[0].Value, "→ Look in your mail") ||
		em.Fields[1].Value != "openai" || em.Fields[2].Value != "prod" {
		t.Errorf("fields = %+v", em.Fields)
	}
	if msg.AllowedMentions.Parse == nil || len(msg.AllowedMentions.Parse) != 0 {
		t.Errorf("mentions are not disabled: %s", b)
	}
}

// A Teams Workflows message carries one Adaptive Card attachment, as the
// "Post to a channel when a webhook request is received" workflow
// expects.
func TestTeamsAdaptiveCard(t *testing.T) {
	srv, got := chatReceiver(t, http.StatusAccepted)
	e := leakyRevoked()
	if err := (&Chat{URL: srv.URL + "/workflows/abc", Service: Teams}).Send(context.Background(), e); err != nil {
		t.Fatal(err)
	}
	closed := e
	closed.Kind = Closed
	if err := (&Chat{URL: srv.URL + "/workflows/abc", Service: Teams}).Send(context.Background(), closed); err != nil {
		t.Fatal(err)
	}
	var msg struct {
		Type        string
		Attachments []struct {
			ContentType string  `json:"contentType"`
			ContentURL  *string `json:"contentUrl"`
			Content     struct {
				Schema  string `json:"$schema"`
				Type    string
				Version string
				Body    []map[string]any
			}
		}
	}
	b, _ := json.Marshal((*got)[0])
	if err := json.Unmarshal(b, &msg); err != nil || msg.Type != "message" || len(msg.Attachments) != 1 {
		t.Fatalf("body %s: %v", b, err)
	}
	a := msg.Attachments[0]
	if a.ContentType != "application/vnd.microsoft.card.adaptive" || a.Content.Type != "AdaptiveCard" || a.Content.Version != "1.4" ||
		a.Content.Schema != "http://adaptivecards.io/schemas/adaptive-card.json" {
		t.Fatalf("attachment = %+v", a)
	}
	body := a.Content.Body
	if body[0]["text"] != "Critical opened: OpenAI key prod revoked" || body[0]["color"] != "Attention" || body[0]["weight"] != "Bolder" {
		t.Errorf("title block = %v", body[0])
	}
	last := body[len(body)-1]
	if last["type"] != "FactSet" || !strings.Contains(string(b), `"title":"Vendors","value":"openai"`) {
		t.Errorf("facts = %v", last)
	}
	b2, _ := json.Marshal((*got)[1])
	if !strings.Contains(string(b2), `"color":"Good"`) || strings.Contains(string(b2), "Look in your mail") {
		t.Errorf("a close is green and carries no advice: %s", b2)
	}
}

// A chat webhook's URL is a credential: an error never shows it.
func TestChatErrorHidesTheURL(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusNotFound)
		io.WriteString(w, `{"message": "Unknown Webhook `+r.URL.Path+`", "code": 10015}`)
	}))
	defer srv.Close()
	err := (&Chat{URL: srv.URL + "/api/webhooks/123/s3cretTok", Service: Discord}).Send(context.Background(), openedEvent())
	if err == nil || !strings.Contains(err.Error(), "Discord answered HTTP 404") || strings.Contains(err.Error(), "s3cretTok") {
		t.Fatalf("err = %v", err)
	}
}

func TestEventColors(t *testing.T) {
	e := openedEvent()
	e.Finding.Severity = correlate.SeverityWarning
	if eventColor(e) != 0xECB22E {
		t.Errorf("warning colour %x", eventColor(e))
	}
}
