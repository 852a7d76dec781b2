package history

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vendorwatch/vendorwatch/correlate"
	"github.com/vendorwatch/vendorwatch/providers"
	"github.com/vendorwatch/vendorwatch/statuspage"
)

func at(hhmm string) time.Time {
	t, err := time.Parse("2006-01-02 15:04", "2026-05-21 "+hhmm)
	if err != nil {
		panic(err)
	}
	return t
}

func vendorResult(id, name string, st statuspage.State) providers.VendorResult {
	v := providers.VendorResult{ID: id, Name: name, Keys: []providers.KeyResult{}}
	v.Status = statuspage.Status{State: st, Description: strings.ReplaceAll(string(st), "_", " "), PageURL: "https://status." + id + ".test",
		Sources: []statuspage.Source{{URL: "https://status." + id + ".test/api/v2/summary.json", OK: st != statuspage.Unknown}}}
	if st == statuspage.Unknown {
		v.Status.Sources[0].Error = "HTTP 502 Bad Gateway"
	}
	return v
}

func snapshot(t time.Time, vs ...providers.VendorResult) providers.Snapshot {
	return providers.Snapshot{GeneratedAt: t, Vendors: vs}
}

func lines(evs []Event) []string {
	var out []string
	for _, e := range evs {
		out = append(out, fmt.Sprintf("%s %s %s: %s", e.At.Format("15:04"), e.Vendor, e.Kind, e.Text))
	}
	return out
}

func TestCommitRecordsTransitions(t *testing.T) {
	s := open(t, t.TempDir(), Options{})
	vapi := func(st statuspage.State, ins ...statuspage.Incident) providers.VendorResult {
		v := vendorResult("vapi", "VAPI", st)
		v.Status.Incidents = ins
		return v
	}
	openai := func(tm time.Time, r providers.Result, fp string, reach providers.Result) providers.VendorResult {
		v := vendorResult("openai", "OpenAI", statuspage.Operational)
		v.Reachability = &providers.Reachability{Result: reach, HTTPStatus: 401, CheckedAt: tm}
		v.Keys = []providers.KeyResult{{Name: "prod", Fingerprint: fp, Result: r, HTTPStatus: 401, Code: "invalid_api_key", CheckedAt: tm}}
		if r == providers.ResultOK {
			v.Keys[0].HTTPStatus, v.Keys[0].Code = 200, ""
		}
		return v
	}
	in := statuspage.Incident{ID: "901977", Title: "Vapi API and dashboard down", Status: "investigating", Impact: "critical", StartedAt: at("12:45"),
		URL: "https://status.vapi.ai/incident/901977", Updates: []statuspage.Update{{Status: "investigating", Body: "We are investigating issues with the API.", At: at("12:45")}}}
	identified := in
	identified.Status = "identified"
	identified.Updates = append([]statuspage.Update{{Status: "identified", Body: "A database failover \x1b[31mis\x1b[0m in progress.", At: at("13:02")}}, in.Updates...)

	var got []string
	commit := func(tm string, vs ...providers.VendorResult) {
		got = append(got, lines(assess(t, s, snapshot(at(tm), vs...)))...)
	}
	commit("10:50", openai(at("10:50"), providers.ResultOK, "sk-proj-…MxYA", providers.ResultReachable), vapi(statuspage.Operational))
	commit("10:57", openai(at("10:57"), providers.ResultInvalidKey, "sk-proj-…MxYA", providers.ResultReachable), vapi(statuspage.Operational))
	commit("11:30", openai(at("11:30"), providers.ResultTimeout, "sk-proj-…MxYA", providers.ResultTimeout), vapi(statuspage.Unknown))
	commit("12:20", openai(at("12:20"), providers.ResultOK, "sk-proj-…Q2rT", providers.ResultReachable), vapi(statuspage.Operational))
	commit("12:46", openai(at("12:46"), providers.ResultOK, "sk-proj-…Q2rT", providers.ResultReachable), vapi(statuspage.MajorOutage, in))
	commit("13:05", openai(at("13:05"), providers.ResultOK, "sk-proj-…Q2rT", providers.ResultReachable), vapi(statuspage.PartialOutage, identified))
	commit("13:40", openai(at("13:40"), providers.ResultOK, "sk-proj-…Q2rT", providers.ResultReachable), vapi(statuspage.Operational))

	want := []string{
		"10:57 openai key_changed: Key prod (sk-proj-…MxYA): ok → invalid_key (HTTP 401 invalid_api_key)",
		"10:57 openai finding_opened: Critical opened: OpenAI key prod revoked",
		"11:30 vapi finding_opened: Warning opened: VAPI status page unreadable",
		"12:20 openai key_changed: Key prod replaced (sk-proj-…MxYA → sk-proj-…Q2rT): invalid_key → ok (HTTP 200)",
		"12:20 openai finding_closed: Closed: OpenAI key prod revoked (open 1h23m)",
		"12:20 vapi finding_closed: Closed: VAPI status page unreadable (open 50m)",
		"12:45 vapi incident_opened: Incident opened: Vapi API and dashboard down (investigating, impact critical)",
		"12:45 vapi incident_updated: Vapi API and dashboard down — investigating: We are investigating issues with the API.",
		"12:46 vapi vendor_state: Status page: operational → major outage (major outage)",
		"12:46 vapi finding_opened: Critical opened: VAPI: Vapi API and dashboard down (investigating)",
		"13:02 vapi incident_updated: Vapi API and dashboard down — identified: A database failover is in progress.",
		"13:05 vapi vendor_state: Status page: major outage → partial outage (partial outage)",
		"13:40 vapi vendor_state: Status page: partial outage → operational (operational)",
		"13:40 vapi incident_resolved: Incident resolved: Vapi API and dashboard down",
		"13:40 vapi finding_closed: Closed: VAPI: Vapi API and dashboard down (identified) (open 54m)",
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
		if e.Kind == EventIncidentOpened && e.URL != "https://status.vapi.ai/incident/901977" {
			t.Errorf("incident event without its link: %+v", e)
		}
	}
}

func TestObserveFirstSightIsQuiet(t *testing.T) {
	healthy := vendorResult("github", "GitHub", statuspage.Operational)
	healthy.Keys = []providers.KeyResult{{Name: "ci", Result: providers.ResultOK}}
	healthy.Reachability = &providers.Reachability{Result: providers.ResultReachable}
	evs, b := observe(baseline{}, correlate.Report{GeneratedAt: at("09:00"), Vendors: []correlate.VendorReport{{VendorResult: healthy}}})
	if len(evs) != 0 {
		t.Errorf("a healthy first sight made events: %v", lines(evs))
	}
	if b.Vendors["github"].State != statuspage.Operational || b.Vendors["github"].Keys["ci"].Result != providers.ResultOK {
		t.Errorf("baseline = %+v", b)
	}
	down := vendorResult("github", "GitHub", statuspage.MajorOutage)
	evs, _ = observe(baseline{}, correlate.Report{GeneratedAt: at("09:00"), Vendors: []correlate.VendorReport{{VendorResult: down}}})
	if len(evs) != 1 || evs[0].Text != "Status page: major outage (major outage)" {
		t.Errorf("first sight of an outage: %v", lines(evs))
	}
}

func TestTimelineQuery(t *testing.T) {
	s := open(t, t.TempDir(), Options{})
	for i, st := range []statuspage.State{statuspage.Degraded, statuspage.Operational, statuspage.MajorOutage, statuspage.Operational} {
		tm := at("10:00").Add(time.Duration(i) * time.Hour)
		assess(t, s, snapshot(tm, vendorResult("github", "GitHub", st), vendorResult("vapi", "VAPI", st)))
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
			if !slices.IsSortedFunc(evs, func(a, b Event) int { return a.At.Compare(b.At) }) {
				t.Error("not in time order")
			}
			if tt.q.Limit > 0 && !evs[len(evs)-1].At.Equal(at("13:00")) {
				t.Errorf("limit dropped the newest: %v", lines(evs))
			}
		})
	}
	fs, err := s.Findings(context.Background(), Query{Since: at("12:30"), Vendors: []string{"vapi"}})
	if err != nil || len(fs) != 1 || fs[0].Kind != correlate.KindVendorOutage || !fs[0].Closed.Equal(at("13:00")) || fs[0].Worst != correlate.SeverityCritical {
		t.Errorf("findings = %+v, %v", fs, err)
	}
}
