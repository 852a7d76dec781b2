package statuspage

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/vendorwatch/vendorwatch/observe"
)

// Every reader turns a body of the wrong shape into ErrWrongFormat with a
// sentence a human understands, never a panic, an empty "operational" or
// an outage.
func TestReadersRejectWrongBodies(t *testing.T) {
	bodies := []struct {
		name, body, says string
	}{
		{"empty", "", "an empty body"},
		{"blank", " \r\n\t ", "an empty body"},
		{"html page", "<!DOCTYPE html><html><head><title>Moved</title></head><body>We moved!</body></html>", "HTML"},
		{"truncated json", `{"page":{"id":"x"},"status":{"indicator":"no`, "JSON"},
		{"other json", `{"hello":"world"}`, "JSON"},
		{"json array of strings", `["a","b"]`, ""},
		{"binary", "\x00\x01\x02\xff\xfe garbage", ""},
	}
	for _, f := range Formats {
		for _, b := range bodies {
			if f == HTML && b.name == "html page" {
				continue // an HTML page is HTML; it just is not a Statuspage one (below)
			}
			t.Run(string(f)+"/"+b.name, func(t *testing.T) {
				st, err := Parse(f, []byte(b.body))
				if !errors.Is(err, ErrWrongFormat) {
					t.Fatalf("Parse = %+v, %v; want ErrWrongFormat", st, err)
				}
				if b.says != "" && !strings.Contains(err.Error(), b.says) {
					t.Errorf("error %q does not say %q", err, b.says)
				}
				if strings.ContainsAny(err.Error(), "\x00\x01\xff") {
					t.Errorf("error echoes raw bytes: %q", err)
				}
			})
		}
	}
	t.Run("html/not a statuspage page", func(t *testing.T) {
		_, err := Parse(HTML, []byte("<html><body><h1>Hello</h1></body></html>"))
		if !errors.Is(err, ErrWrongFormat) || !strings.Contains(err.Error(), "selector") {
			t.Fatalf("err = %v, want a wrong-format error that suggests selector:", err)
		}
	})
	t.Run("rss/malformed xml", func(t *testing.T) {
		_, err := Parse(Feed, []byte(`<?xml version="1.0"?><rss><channel><item><title>x</title>`))
		if !errors.Is(err, ErrWrongFormat) {
			t.Fatalf("err = %v, want ErrWrongFormat", err)
		}
	})
}

// Remote text with terminal escape sequences, control characters, bidi
// overrides, HTML and Markdown comes out as plain, safe text in every
// format.
func TestReadersSanitize(t *testing.T) {
	// evil is JSON-escaped: the JSON readers decode it to raw control
	// characters; the feed gets the raw bytes.
	const evil = `API \u001b]8;;http://evil\u0007down\u001b[2J \u202eetirw\r\nnow`
	const rawEvil = "API \u001b]8;;http://evil\u0007down\u001b[2J \u202eetirw\r\nnow"
	const want = "API down etirw now"
	cases := []struct {
		format Format
		body   string
	}{
		{Slack, `{"status":"active","active_incidents":[{"id":"1","title":"` + evil + `","type":"outage","status":"active","notes":[{"body":"<b>bold</b> \u001b[31mred"}]}]}`},
		{Instatus, `{"page":{"name":"x","url":"https://x.test","status":"HASISSUES"},"activeIncidents":[{"id":"1","name":"` + evil + `","status":"INVESTIGATING","impact":"MAJOROUTAGE"}]}`},
		{IncidentIO, `{"page_title":"x","page_url":"https://x.test","ongoing_incidents":[{"id":"1","name":"` + evil + `","status":"investigating","current_worst_impact":"full_outage","updates":[{"message_string":"**bold** \u001b[31mred","to_status":"investigating","published_at":"2026-05-21T12:35:00Z"}]}]}`},
		{BetterStack, `{"data":{"id":"1","type":"status_page","attributes":{"aggregate_state":"downtime"}},"included":[{"id":"2","type":"status_report","attributes":{"title":"` + evil + `","aggregate_state":"downtime","starts_at":"2026-05-21T12:35:00Z"}}]}`},
		{StatusIO, `{"result":{"status_overall":{"status":"x","status_code":500},"status":[],"incidents":[{"_id":"1","name":"` + evil + `","messages":[{"details":"<p>bold</p>","state":100,"status":500,"datetime":"2026-05-21T12:35:00Z"}]}]}}`},
		{Google, `[{"id":"1","begin":"2026-05-21T12:35:00+00:00","external_desc":"` + evil + `","status_impact":"SERVICE_OUTAGE","affected_products":[{"title":"Gemini API"}]}]`},
		{Feed, `<?xml version="1.0"?><rss version="2.0"><channel><title>x</title><item><title><![CDATA[` + rawEvil + `]]></title><guid>1</guid><description>&lt;b&gt;Investigating&lt;/b&gt; now</description></item></channel></rss>`},
	}
	for _, tt := range cases {
		t.Run(string(tt.format), func(t *testing.T) {
			st, err := Parse(tt.format, []byte(tt.body))
			if err != nil {
				t.Fatal(err)
			}
			if len(st.Incidents) != 1 {
				t.Fatalf("incidents = %+v", st.Incidents)
			}
			in := st.Incidents[0]
			wantTitle := want
			if tt.format == Google {
				wantTitle = "API down etirw" // a description's first line is its title
			}
			if in.Title != wantTitle {
				t.Errorf("title = %q, want %q", in.Title, wantTitle)
			}
			assertClean(t, st)
			for _, u := range in.Updates {
				if strings.ContainsAny(u.Body, "<>*\x1b") {
					t.Errorf("update body still holds markup: %q", u.Body)
				}
			}
		})
	}
}

func TestMarkdownText(t *testing.T) {
	tests := []struct{ in, want string }{
		{"# Incident Report\n## What Happened\nText", "Incident Report\nWhat Happened\nText"},
		{"**Service availability:** Large outage", "Service availability: Large outage"},
		{"an `apply_config` change", "an apply_config change"},
		{"see [the RCA](https://status.vapi.ai/incident/1)", "see the RCA (https://status.vapi.ai/incident/1)"},
		{"| Time | Event |\n|------|-------|\n| 6:44 AM | change |", "Time | Event\n6:44 AM | change"},
		{"- one\n* two", "- one\n- two"},
		{"worker_not_available and snake_case stay", "worker_not_available and snake_case stay"},
		{"\\#1 escaped", "#1 escaped"},
		{"<b>html</b> &amp; md", "html & md"},
		{"evil \x1b[31mred\x1b[0m", "evil red"},
	}
	for _, tt := range tests {
		if got := MarkdownText(tt.in); got != tt.want {
			t.Errorf("MarkdownText(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestDropStale(t *testing.T) {
	now := time.Date(2026, 5, 21, 12, 0, 0, 0, time.UTC)
	st := &observe.Status{Incidents: []observe.Incident{
		{ID: "fresh", UpdatedAt: now.Add(-time.Hour)},
		{ID: "old", UpdatedAt: now.Add(-72 * time.Hour)},
		{ID: "timeless"},
		{ID: "old but stated", Status: "investigating", UpdatedAt: now.Add(-72 * time.Hour)},
		{ID: "forgotten", Status: "monitoring", UpdatedAt: now.Add(-30 * 24 * time.Hour)},
		{ID: "resolved long ago", Status: "resolved", UpdatedAt: now.Add(-30 * 24 * time.Hour)},
	}}
	DropStale(st, now, 24*time.Hour, 7*24*time.Hour)
	var ids []string
	for _, in := range st.Incidents {
		ids = append(ids, in.ID)
	}
	if strings.Join(ids, ",") != "fresh,old but stated,resolved long ago" {
		t.Errorf("kept %v", ids)
	}
}

// Google and Slack list components only inside incidents: a filter on a
// component decides the state from the incidents that touch it.
func TestFilterWithoutComponentList(t *testing.T) {
	st, err := Parse(Google, []byte(`[
	 {"id":"a","begin":"2026-05-21T12:00:00+00:00","external_desc":"BigQuery errors","status_impact":"SERVICE_OUTAGE","affected_products":[{"title":"BigQuery"}]},
	 {"id":"b","begin":"2026-05-21T12:00:00+00:00","external_desc":"Gemini slow","status_impact":"SERVICE_DISRUPTION","affected_products":[{"title":"Gemini API"}]}]`))
	if err != nil {
		t.Fatal(err)
	}
	if st.State != observe.MajorOutage {
		t.Fatalf("unfiltered state = %s", st.State)
	}
	gemini := *st
	Filter(&gemini, []string{"Gemini API"})
	if gemini.State != observe.PartialOutage || len(gemini.Incidents) != 1 {
		t.Errorf("gemini = %s, %d incidents; want partial_outage from its own incident", gemini.State, len(gemini.Incidents))
	}
	vertex := *st
	Filter(&vertex, []string{"Vertex AI"})
	if vertex.State != observe.Operational || len(vertex.Incidents) != 0 {
		t.Errorf("vertex = %s, %d incidents; want operational", vertex.State, len(vertex.Incidents))
	}
}
