package history

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vendorwatch/vendorwatch/correlate"
	"github.com/vendorwatch/vendorwatch/internal/fixture"
	"github.com/vendorwatch/vendorwatch/observe"
)

// at is a time of the incident log's day (2026-05-21), in UTC.
var at = fixture.At

func vendorResult(id, name string, st observe.State) observe.VendorResult {
	v := observe.VendorResult{ID: id, Name: name, Keys: []observe.KeyResult{}}
	v.Status = observe.Status{State: st, Description: strings.ReplaceAll(string(st), "_", " "), PageURL: "https://status." + id + ".test",
		Sources: []observe.Source{{URL: "https://status." + id + ".test/api/v2/summary.json", OK: st != observe.Unknown}}}
	if st == observe.Unknown {
		v.Status.Sources[0].Error = "HTTP 502 Bad Gateway"
	}
	return v
}

func snapshot(t time.Time, vs ...observe.VendorResult) observe.Snapshot {
	return observe.Snapshot{GeneratedAt: t, Vendors: vs}
}

func lines(evs []correlate.Event) []string {
	var out []string
	for _, e := range evs {
		out = append(out, fmt.Sprintf("%s %s %s: %s", e.At.Format("15:04"), e.Vendor, e.Kind, e.Text))
	}
	return out
}

func TestCommitRecordsTransitions(t *testing.T) {
	s := open(t, t.TempDir(), Options{})
	vapi := func(st observe.State, ins ...observe.Incident) observe.VendorResult {
		v := vendorResult("vapi", "VAPI", st)
		v.Status.Incidents = ins
		return v
	}
	openai := func(tm time.Time, r observe.Result, fp string, reach observe.Result) observe.VendorResult {
		v := vendorResult("openai", "OpenAI", observe.Operational)
		v.Reachability = &observe.Reachability{Result: reach, HTTPStatus: 401, CheckedAt: tm}
		v.Keys = []observe.KeyResult{{Name: "prod", Fingerprint: fp, Result: r, HTTPStatus: 401, Code: "invalid_api_key", CheckedAt: tm}}
		if r == observe.ResultOK {
			v.Keys[0].HTTPStatus, v.Keys[0].Code = 200, ""
		}
		return v
	}
	in := observe.Incident{ID: "901977", Title: "Vapi API and dashboard down", Status: "investigating", Impact: "critical", StartedAt: at("12:45"),
		URL: "https://status.vapi.ai/incident/901977", Updates: []observe.Update{{Status: "investigating", Body: "We are investigating issues with the API.", At: at("12:45")}}}
	identified := in
	identified.Status = "identified"
	identified.Updates = append([]observe.Update{{Status: "identified", Body: "A database failover \x1b[31mis\x1b[0m in progress.", At: at("13:02")}}, in.Updates...)

	var got []string
	commit := func(tm string, vs ...observe.VendorResult) {
		got = append(got, lines(assess(t, s, snapshot(at(tm), vs...)))...)
	}
	commit("10:50", openai(at("10:50"), observe.ResultOK, "sk-proj-…MxYA", observe.ResultReachable), vapi(observe.Operational))
	commit("10:57", openai(at("10:57"), observe.ResultInvalidKey, "sk-proj-…MxYA", observe.ResultReachable), vapi(observe.Operational))
	commit("11:30", openai(at("11:30"), observe.ResultTimeout, "sk-proj-…MxYA", observe.ResultTimeout), vapi(observe.Unknown))
	commit("12:20", openai(at("12:20"), observe.ResultOK, "sk-proj-…Q2rT", observe.ResultReachable), vapi(observe.Operational))
	commit("12:46", openai(at("12:46"), observe.ResultOK, "sk-proj-…Q2rT", observe.ResultReachable), vapi(observe.MajorOutage, in))
	commit("13:05", openai(at("13:05"), observe.ResultOK, "sk-proj-…Q2rT", observe.ResultReachable), vapi(observe.PartialOutage, identified))
	commit("13:40", openai(at("13:40"), observe.ResultOK, "sk-proj-…Q2rT", observe.ResultReachable), vapi(observe.Operational))
	commit("13:41", openai(at("13:41"), observe.ResultOK, "sk-proj-…Q2rT", observe.ResultReachable), vapi(observe.Operational))

	want := []string{
		"10:57 openai key_changed: Key prod (sk-proj-…MxYA): ok → invalid_key (HTTP 401 invalid_api_key)",
		"10:57 openai finding_opened: Critical opened: OpenAI key prod revoked",
		// 11:30: VAPI's page unreadable once is pending: no finding yet.
		"12:20 openai key_changed: Key prod replaced (sk-proj-…MxYA → sk-proj-…Q2rT): invalid_key → ok (HTTP 200)",
		// 12:20: the revoked key's episode is closing; the next check closes it.
		"12:45 vapi incident_opened: Incident opened: Vapi API and dashboard down (investigating, impact critical)",
		"12:45 vapi incident_updated: Vapi API and dashboard down — investigating: We are investigating issues with the API.",
		"12:46 vapi vendor_state: Status page: operational → major outage (major outage)",
		"12:46 openai finding_closed: Closed: OpenAI key prod revoked (open 1h23m, recovered 12:20)",
		"12:46 vapi finding_opened: Critical opened: VAPI: Vapi API and dashboard down (investigating)",
		"13:02 vapi incident_updated: Vapi API and dashboard down — identified: A database failover is in progress.",
		"13:05 vapi vendor_state: Status page: major outage → partial outage (partial outage)",
		"13:40 vapi vendor_state: Status page: partial outage → operational (operational)",
		"13:40 vapi incident_resolved: Incident resolved: Vapi API and dashboard down",
		"13:41 vapi finding_closed: Closed: VAPI: Vapi API and dashboard down (identified) (open 54m, recovered 13:40)",
	}
	// Events come back from Commit per check; the timeline sorts them all.
	tl, err := s.Timeline(context.Background(), Query{})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(lines(tl), want) {
		t.Errorf("timeline:\n%s\nwant:\n%s", strings.Join(lines(tl), "\n"), strings.Join(want, "\n"))
	}
	if len(got) != len(want) {
		t.Errorf("Commit returned %d events, the timeline holds %d", len(got), len(want))
	}
	for _, e := range tl {
		if e.Kind == correlate.EventIncidentOpened && e.URL != "https://status.vapi.ai/incident/901977" {
			t.Errorf("incident event without its link: %+v", e)
		}
	}
}

func TestObserveFirstSightIsQuiet(t *testing.T) {
	healthy := vendorResult("github", "GitHub", observe.Operational)
	healthy.Keys = []observe.KeyResult{{Name: "ci", Result: observe.ResultOK}}
	healthy.Reachability = &observe.Reachability{Result: observe.ResultReachable}
	evs, b := changes(baseline{}, correlate.Report{GeneratedAt: at("09:00"), Vendors: []correlate.VendorReport{{VendorResult: healthy}}})
	if len(evs) != 0 {
		t.Errorf("a healthy first sight made events: %v", lines(evs))
	}
	if b.Vendors["github"].State != observe.Operational || b.Vendors["github"].Keys["ci"].Result != observe.ResultOK {
		t.Errorf("baseline = %+v", b)
	}
	down := vendorResult("github", "GitHub", observe.MajorOutage)
	evs, _ = changes(baseline{}, correlate.Report{GeneratedAt: at("09:00"), Vendors: []correlate.VendorReport{{VendorResult: down}}})
	if len(evs) != 1 || evs[0].Text != "Status page: major outage (major outage)" {
		t.Errorf("first sight of an outage: %v", lines(evs))
	}
}

func TestTimelineQuery(t *testing.T) {
	s := open(t, t.TempDir(), Options{})
	// Each recovery is confirmed by a check a minute later, which closes
	// the episode.
	for _, c := range []struct {
		at string
		st observe.State
	}{{"10:00", observe.Degraded}, {"11:00", observe.Operational}, {"11:01", observe.Operational},
		{"12:00", observe.MajorOutage}, {"13:00", observe.Operational}, {"13:01", observe.Operational}} {
		assess(t, s, snapshot(at(c.at), vendorResult("github", "GitHub", c.st), vendorResult("vapi", "VAPI", c.st)))
	}
	tests := []struct {
		name string
		q    Query
		want int
	}{
		{"all", Query{}, 16},
		{"since", Query{Since: at("12:00")}, 8},
		{"until is exclusive", Query{Until: at("11:00")}, 4},
		{"window", Query{Since: at("11:00"), Until: at("12:00")}, 4},
		{"vendor", Query{Vendors: []string{"vapi"}}, 8},
		{"limit keeps the newest", Query{Limit: 3}, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			evs, err := s.Timeline(context.Background(), tt.q)
			if err != nil || len(evs) != tt.want {
				t.Fatalf("%d events (%v), want %d:\n%s", len(evs), err, tt.want, strings.Join(lines(evs), "\n"))
			}
			if !slices.IsSortedFunc(evs, func(a, b correlate.Event) int { return a.At.Compare(b.At) }) {
				t.Error("not in time order")
			}
			if tt.q.Limit > 0 && !evs[len(evs)-1].At.Equal(at("13:01")) {
				t.Errorf("limit dropped the newest: %v", lines(evs))
			}
		})
	}
	fs, err := s.Findings(context.Background(), Query{Since: at("12:30"), Vendors: []string{"vapi"}})
	if err != nil || len(fs) != 1 || fs[0].Kind != correlate.KindVendorOutage || !fs[0].Closed.Equal(at("13:00")) || fs[0].Worst != correlate.SeverityCritical {
		t.Errorf("findings = %+v, %v", fs, err)
	}
}
