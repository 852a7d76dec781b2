package statuspage

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/vendorwatch/vendorwatch/observe"
)

// A real page in CET (aquafadas.statuspage.io, rendered 2021-01-23): its
// incident began "Dec 31, 10:00 CET", which is 09:00 UTC of the year
// before the page's, under any TZ of the reader. Not parallel: it sets
// time.Local.
func TestHTMLTimesInPageZone(t *testing.T) {
	page := readFixture(t, "aquafadas__statuspage_page_degraded_incident.html")
	withLocal(t, func(t *testing.T) {
		st, err := ReadHTML(page, "", "")
		if err != nil {
			t.Fatal(err)
		}
		in := st.Incidents[0]
		if got := in.StartedAt.Format(time.RFC3339); got != "2020-12-31T09:00:00Z" {
			t.Errorf("started_at = %s, want 2020-12-31T09:00:00Z (Dec 31, 10:00 CET)", got)
		}
		if got := in.UpdatedAt.Format(time.RFC3339); got != "2021-01-05T07:05:00Z" {
			t.Errorf("updated_at = %s, want 2021-01-05T07:05:00Z (Jan 5, 08:05 CET)", got)
		}
	})
}

// An update's <br>s are line breaks: a sentence and the link after it
// never run together ("…From Fastlyhttps://…"), in the update's body
// and in the one-line latest update that --once and the dashboard show.
func TestHTMLUpdateLineBreaks(t *testing.T) {
	t.Parallel()
	st, err := ReadHTML(readFixture(t, "fastly__statuspage_page_update_links.html"), "", "")
	if err != nil {
		t.Fatal(err)
	}
	var in *observe.Incident
	for i := range st.Incidents {
		if st.Incidents[i].ID == "mjtrykb6rg3g" {
			in = &st.Incidents[i]
		}
	}
	if in == nil {
		t.Fatalf("incident mjtrykb6rg3g not read: %+v", st.Incidents)
	}
	want := "A COVID-19 Business Continuity Update From Fastly\n\nhttps://www.fastly.com/blog/covid-19-update\n\nQuestions can be directed to support@fastly.com"
	if in.Updates[0].Body != want {
		t.Errorf("body = %q\nwant   %q", in.Updates[0].Body, want)
	}
	if !strings.Contains(in.LatestUpdate, "From Fastly https://www.fastly.com/blog/covid-19-update Questions") {
		t.Errorf("latest update = %q", in.LatestUpdate)
	}
	if got := in.StartedAt.Format(time.RFC3339); got != "2020-03-16T04:38:00Z" {
		t.Errorf("started_at = %s", got)
	}
}

// Scheduled maintenances on a page are read with their windows: the
// start from the page's Unix time, the end from the printed window in
// the page's zone (CET, learnt from the start), under any TZ.
func TestHTMLScheduledMaintenances(t *testing.T) {
	page := readFixture(t, "scalepoint__statuspage_page_scheduled_maintenance_cet.html")
	withLocal(t, func(t *testing.T) {
		st, err := ReadHTML(page, "", "")
		if err != nil {
			t.Fatal(err)
		}
		if st.State != observe.Operational || len(st.Maintenances) != 4 {
			t.Fatalf("state %s, %d maintenances: %+v", st.State, len(st.Maintenances), st.Maintenances)
		}
		m := st.Maintenances[0]
		if m.ID != "jw2747vymzyz" || m.Status != "scheduled" || m.Title != "Scheduled Maintenance - ClaimShop Settlement Tool" ||
			m.URL != "https://9dqdt8lbjm0b.statuspage.io/incidents/jw2747vymzyz" {
			t.Errorf("maintenance = %+v", m)
		}
		// "Jan 30, 22:00 - Jan 31, 06:00 CET"
		if s, e := m.StartsAt.Format(time.RFC3339), m.EndsAt.Format(time.RFC3339); s != "2021-01-30T21:00:00Z" || e != "2021-01-31T05:00:00Z" {
			t.Errorf("window = %s – %s, want 2021-01-30T21:00:00Z – 2021-01-31T05:00:00Z", s, e)
		}
		if m.Active(time.Date(2021, 1, 23, 12, 0, 0, 0, time.UTC)) || !m.Active(time.Date(2021, 1, 31, 0, 0, 0, 0, time.UTC)) {
			t.Error("the window is not where its dates say")
		}
	})
}

// A window printed within one day ("Jan 24, 00:00-03:00 UTC") and one
// that passes midnight or New Year are read in the page's zone; a
// scheduled window is ahead of the page, never a year behind.
func TestHTMLWindow(t *testing.T) {
	t.Parallel()
	ref := time.Date(2021, 12, 20, 0, 0, 0, 0, time.UTC)
	tests := []struct{ in, start, end string }{
		{"Jan 24, 00:00-03:00 UTC", "2022-01-24T00:00:00Z", "2022-01-24T03:00:00Z"},
		{"Dec 31, 22:00 - Jan 1, 06:00 CET", "2021-12-31T21:00:00Z", "2022-01-01T05:00:00Z"},
		{"Dec 24, 22:00-02:00 PST", "2021-12-25T06:00:00Z", "2021-12-25T10:00:00Z"},
	}
	for _, tt := range tests {
		s, e := htmlWindow(tt.in, pageClock{ref: ref, ahead: true})
		if s.Format(time.RFC3339) != tt.start || e.Format(time.RFC3339) != tt.end {
			t.Errorf("%q = %s – %s, want %s – %s", tt.in, s.Format(time.RFC3339), e.Format(time.RFC3339), tt.start, tt.end)
		}
	}
}

// A maintenance in progress is listed among a page's unresolved
// incidents; it is read as a maintenance, with its start, not as an
// incident.
func TestHTMLMaintenanceInProgress(t *testing.T) {
	t.Parallel()
	st, err := ReadHTML(readFixture(t, "github__statuspage_page_maintenance_in_progress_built.html"), "", "")
	if err != nil {
		t.Fatal(err)
	}
	if st.State != observe.UnderMaintenance || len(st.Incidents) != 0 || len(st.Maintenances) != 1 {
		t.Fatalf("state %s, incidents %+v, maintenances %+v", st.State, st.Incidents, st.Maintenances)
	}
	m := st.Maintenances[0]
	if m.ID != "nwjwwhj118sf" || m.Status != "in_progress" || m.StartsAt.Format(time.RFC3339) != "2025-05-29T21:30:00Z" {
		t.Errorf("maintenance = %+v", m)
	}
	if len(m.Components) != 1 || m.Components[0] != "Codespaces" {
		t.Errorf("components = %q, want the one under maintenance", m.Components)
	}
	if !m.Active(time.Date(2025, 5, 30, 10, 0, 0, 0, time.UTC)) {
		t.Error("not active while in progress")
	}
}

// A login wall is never a status: a private Statuspage page (whose body
// still says status-major), a page only its team may see, and the
// single sign-on page a private page sends a visitor to are each
// ErrLoginRequired, which reads as unknown, with "requires a login".
func TestHTMLLoginWalls(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ file, selector, says string }{
		{"walls/anzgcis__statuspage_page_login_required.html", "", "Authentication Required To View This Page"},
		{"walls/overnightprints__statuspage_page_inactive.html", "", "only its team members can view it"},
		{"walls/bardenproduce__okta_signin_redirect.html", "", `sign-in page: "Barden Produce - Sign In"`},
		{"walls/bardenproduce__okta_signin_redirect.html", ".status-text", `sign-in page`},
		{"walls/anzgcis__statuspage_page_login_required.html", ".page-status .status", "Authentication Required"},
	} {
		st, err := ReadHTML(readFixture(t, tt.file), tt.selector, "")
		if st != nil || !errors.Is(err, ErrLoginRequired) || !errors.Is(err, ErrWrongFormat) {
			t.Errorf("%s (selector %q): %v, %v", tt.file, tt.selector, st, err)
			continue
		}
		if msg := err.Error(); !strings.Contains(msg, "the page requires a login") || !strings.Contains(msg, tt.says) {
			t.Errorf("%s: error %q does not say why", tt.file, msg)
		}
	}
	// The same wall where the API's JSON was due.
	if _, _, err := ReadStatuspage(readFixture(t, "walls/anzgcis__statuspage_page_login_required.html")); !errors.Is(err, ErrLoginRequired) {
		t.Errorf("summary.json answered by the wall: %v", err)
	}
	// Real status pages are not walls.
	for _, f := range []string{"aquafadas__statuspage_page_degraded_incident.html", "python-infra__statuspage_page_unresolved_incident.html",
		"textexpander__statuspage_page_operational.html", "scalepoint__statuspage_page_scheduled_maintenance_cet.html", "fastly__statuspage_page_update_links.html"} {
		if _, err := ReadHTML(readFixture(t, f), "", ""); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
}

// An HTML source that is not Statuspage HTML is an error on that source
// that says what to do.
func TestHTMLNotStatuspage(t *testing.T) {
	t.Parallel()
	_, err := ReadHTML([]byte(`<!DOCTYPE html><html><head><title>Acme</title></head><body><h1>Acme status</h1><p>All good</p></body></html>`), "", "")
	if !errors.Is(err, ErrWrongFormat) || errors.Is(err, ErrLoginRequired) || !strings.Contains(err.Error(), "not an Atlassian Statuspage page") || !strings.Contains(err.Error(), "selector:") {
		t.Errorf("err = %v", err)
	}
}

// HTML update text keeps its words and links apart, whatever the markup
// between them.
func TestHTMLTextSeparates(t *testing.T) {
	t.Parallel()
	tests := map[string]string{
		`From Fastly<br /><br /><a href="https://www.fastly.com/blog">https://www.fastly.com/blog</a>`: "From Fastly\n\nhttps://www.fastly.com/blog",
		`<p>First.</p><p>Second.</p>`:                      "First.\n\nSecond.",
		`Affected:<ul><li>API</li><li>Web</li></ul>`:       "Affected:\n\n- API\n- Web",
		`<table><tr><td>EU</td><td>down</td></tr></table>`: "EU down",
		`<h5>Impact</h5>Calls fail`:                        "Impact\nCalls fail",
	}
	for in, want := range tests {
		if got := HTMLText(in); got != want {
			t.Errorf("HTMLText(%q) = %q, want %q", in, got, want)
		}
	}
}
