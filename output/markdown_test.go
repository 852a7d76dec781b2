package output

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/vendorwatch/vendorwatch/correlate"
)

func hm(s string) time.Time {
	t, err := time.Parse("2006-01-02 15:04", "2026-05-21 "+s)
	if err != nil {
		panic(err)
	}
	return t
}

func sampleIncident() IncidentReport {
	ev := func(at, vendor, name string, kind correlate.EventKind, text, url string) correlate.Event {
		return correlate.Event{At: hm(at), Vendor: vendor, VendorName: name, Kind: kind, Text: text, URL: url}
	}
	return IncidentReport{
		Since: hm("10:00"), Until: hm("14:00"),
		Findings: []correlate.FindingRecord{
			{Finding: correlate.Finding{ID: "key_revoked:openai:prod", Kind: correlate.KindKeyRevoked, Severity: correlate.SeverityCritical,
				Vendors: []string{"openai"}, Keys: []string{"prod"}, Title: "OpenAI key prod revoked",
				Detail: "OpenAI rejects key prod (sk-proj-…MxYA): invalid_key (HTTP 401 invalid_api_key) at 10:57 UTC, while OpenAI answers and reports no incident.",
				Advice: []string{"Look in your mail for OpenAI's notice that the key leaked and was disabled.", "Rotate: create a new key and store it in your secret manager."},
				Since:  hm("10:57")}, Worst: correlate.SeverityCritical, Opened: hm("10:57"), Closed: hm("12:20")},
			{Finding: correlate.Finding{ID: "vendor_outage:vapi:", Kind: correlate.KindVendorOutage, Severity: correlate.SeverityCritical,
				Vendors: []string{"vapi"}, Keys: []string{}, Title: "VAPI outage: Vapi API | dashboard <b>down</b> (investigating)",
				Detail: "Our requests to VAPI's API have failed 4 times in a row since 12:35 UTC.", Advice: []string{"It is them."},
				Since: hm("12:35"), LeadMinutes: 10}, Worst: correlate.SeverityCritical, Opened: hm("12:46")},
		},
		Timeline: []correlate.Event{
			ev("10:57", "openai", "OpenAI", correlate.EventKeyChanged, "Key prod (sk-proj-…MxYA): ok → invalid_key (HTTP 401 invalid_api_key)", ""),
			ev("10:57", "openai", "OpenAI", correlate.EventFindingOpened, "Critical opened: OpenAI key prod revoked", ""),
			ev("12:45", "vapi", "VAPI", correlate.EventIncidentOpened, "Incident opened: Vapi API | dashboard <b>down</b> [click](javascript:alert(1))", "https://status.vapi.ai/incident/901977"),
			ev("12:45", "vapi", "VAPI", correlate.EventIncidentUpdated, "Update: *we* are `investigating`", "https://status.vapi.ai/incident/901977"),
			ev("13:00", "vapi", "VAPI", correlate.EventIncidentResolved, "Incident resolved: evil link", "javascript:alert(1)"),
		},
	}
}

func TestMarkdownReport(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteMarkdown(&buf, sampleIncident()); err != nil {
		t.Fatal(err)
	}
	md := buf.String()
	golden(t, "incident.golden.md", buf.Bytes())
	for _, want := range []string{
		"# Incident report: 2026-05-21 10:00 to 14:00 UTC",
		"| Time (2026-05-21) | Vendor | Event |",
		"| 10:57 | OpenAI | Key prod (sk-proj-…MxYA): ok → invalid_key (HTTP 401 invalid_api_key) |",
		"](https://status.vapi.ai/incident/901977) |",
		"vendorwatch saw VAPI's outage 10 minutes before VAPI's status page posted it.",
		"2026-05-21 10:57 to 12:20, 1h23m",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("report lacks %q", want)
		}
	}
	for _, bad := range []string{"<b>", "[click](javascript", "(javascript:alert(1)) |", "Vapi API | dashboard", "`investigating`"} {
		if strings.Contains(md, bad) {
			t.Errorf("remote text not escaped: %q in the report", bad)
		}
	}
	// Every table row has exactly three cells.
	for _, line := range strings.Split(md, "\n") {
		if strings.HasPrefix(line, "| ") {
			if n := strings.Count(strings.ReplaceAll(line, `\|`, ""), "|"); n != 4 {
				t.Errorf("row with %d separators: %s", n, line)
			}
		}
	}
}

func TestMarkdownEmpty(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteMarkdown(&buf, IncidentReport{Since: hm("10:00"), Until: hm("11:00"), Vendors: []string{"vapi"}}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"vendors vapi", "Nothing went wrong that vendorwatch noticed.", "No findings in this window.", "Nothing was recorded in this window."} {
		if !strings.Contains(buf.String(), want) {
			t.Errorf("empty report lacks %q:\n%s", want, buf.String())
		}
	}
}

func TestIncidentJSON(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteIncidentJSON(&buf, sampleIncident()); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Since    time.Time `json:"since"`
		Findings []struct {
			ID     string `json:"id"`
			Worst  string `json:"worst"`
			Closed string `json:"closed"`
		} `json:"findings"`
		Timeline []struct {
			Kind string `json:"kind"`
			URL  string `json:"url"`
		} `json:"timeline"`
	}
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if !doc.Since.Equal(hm("10:00")) || len(doc.Findings) != 2 || doc.Findings[0].Closed != "2026-05-21T12:20:00Z" || doc.Findings[1].Closed != "" ||
		len(doc.Timeline) != 5 || doc.Timeline[2].Kind != "incident_opened" {
		t.Errorf("json = %s", buf.String())
	}
}

// A report of a damaged history says at its head that it is incomplete
// and what is missing, in Markdown and in JSON; a complete one says
// nothing of it.
func TestIncompleteReport(t *testing.T) {
	r := sampleIncident()
	var complete bytes.Buffer
	if err := WriteMarkdown(&complete, r); err != nil {
		t.Fatal(err)
	}
	var js bytes.Buffer
	if err := WriteIncidentJSON(&js, r); err != nil || strings.Contains(complete.String(), "Incomplete") || strings.Contains(js.String(), "unreadable") {
		t.Errorf("a complete report mentions damage: %v", err)
	}
	r.Unreadable = []string{"12 events of openai recorded between 2026-05-21 10:57 UTC and 2026-05-21 11:30 UTC could not be read (rows 495 to 506 of the events table)", "a | b"}
	var md bytes.Buffer
	if err := WriteMarkdown(&md, r); err != nil {
		t.Fatal(err)
	}
	head, _, _ := strings.Cut(md.String(), "## Summary")
	for _, want := range []string{"> **Incomplete:** the history database is damaged", "> - 12 events of openai recorded between", `> - a \| b`} {
		if !strings.Contains(head, want) {
			t.Errorf("the report's head lacks %q:\n%s", want, head)
		}
	}
	js.Reset()
	var doc struct{ Unreadable []string }
	if err := WriteIncidentJSON(&js, r); err != nil || json.Unmarshal(js.Bytes(), &doc) != nil || len(doc.Unreadable) != 2 {
		t.Errorf("json unreadable = %v, %v", doc.Unreadable, err)
	}
}
