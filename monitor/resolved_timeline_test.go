package monitor

import (
	"context"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vendorwatch/vendorwatch/correlate"
	"github.com/vendorwatch/vendorwatch/history"
	"github.com/vendorwatch/vendorwatch/internal/termtext"
	"github.com/vendorwatch/vendorwatch/observe"
)

// The VAPI outage of 2026-05-21, its recovery, and the day after, when the
// resolved incident is cut to its newest update and its latest line is
// clipped (statuspage.SettleResolved, applied by the status reader), beside
// an unrelated incident open on OpenAI's page throughout. At each check:
// the verdict, what is recorded (what serve would notify), and, the day
// after, nothing new: the cut changes what the report shows of an old
// incident, never a finding, a level or the timeline.
func TestResolvedIncidentCutADayLaterAnnouncesNothing(t *testing.T) {
	day := 24 * time.Hour
	steps := []struct {
		name     string
		snap     observe.Snapshot
		word     correlate.Word
		level    correlate.Level
		recorded []correlate.EventKind // recorded at this check, at least these
		quiet    bool                  // nothing recorded
	}{
		{"12:46 VAPI down, posted", snapAt(at("12:46"), vapiTimeline("12:46", 0, "open"), openaiWithIncident("12:46", 0)), correlate.WordThem, correlate.LevelCritical,
			[]correlate.EventKind{correlate.EventIncidentOpened}, false},
		{"13:31 VAPI back, incident resolved", snapAt(at("13:31"), vapiTimeline("13:31", 0, "resolved"), openaiWithIncident("13:31", 0)), "", "",
			[]correlate.EventKind{correlate.EventIncidentResolved}, false},
		{"13:32 VAPI's recovery confirmed", snapAt(at("13:32"), vapiTimeline("13:32", 0, "resolved"), openaiWithIncident("13:32", 0)), correlate.WordThem, correlate.LevelWarning,
			[]correlate.EventKind{correlate.EventFindingClosed}, false},
		{"13:33 unchanged", snapAt(at("13:33"), vapiTimeline("13:33", 0, "resolved"), openaiWithIncident("13:33", 0)), correlate.WordThem, correlate.LevelWarning, nil, true},
		{"a day later, the incident cut to its newest update", snapAt(at("13:33").Add(day), vapiTimeline("13:33", day, "cut"), openaiWithIncident("13:33", day)),
			correlate.WordThem, correlate.LevelWarning, nil, true},
	}
	m := New(nil, openStore(t, t.TempDir(), history.Options{}))
	var prev correlate.Report
	for i, s := range steps {
		rep, evs, err := m.Record(context.Background(), s.snap)
		if err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		if s.word != "" && (rep.Verdict.Word != s.word || rep.Overall != s.level) {
			t.Errorf("%s: verdict %s, overall %s; want %s, %s", s.name, rep.Verdict.Word, rep.Overall, s.word, s.level)
		}
		for _, k := range s.recorded {
			if !hasEvent(evs, "vapi", k) {
				t.Errorf("%s: no VAPI %s recorded: %+v", s.name, k, evs)
			}
		}
		if s.quiet && len(evs) > 0 {
			t.Errorf("%s: recorded %+v; want nothing", s.name, evs)
		}
		if i >= 3 && (rep.Verdict != prev.Verdict || rep.Overall != prev.Overall || !reflect.DeepEqual(findingKinds(rep), findingKinds(prev))) {
			t.Errorf("%s: verdict %+v, overall %s, findings %v; was %+v, %s, %v", s.name, rep.Verdict, rep.Overall, findingKinds(rep), prev.Verdict, prev.Overall, findingKinds(prev))
		}
		if i >= 1 && rep.Overall == correlate.LevelCritical {
			t.Errorf("%s: still critical after VAPI recovered: %+v", s.name, rep.Verdict)
		}
		prev = rep
	}
	v, ok := prev.Vendor("vapi")
	if !ok || len(v.Status.Incidents) != 1 || len(v.Status.Incidents[0].Updates) != 1 || v.Status.Incidents[0].UpdatesOmitted != 2 {
		t.Errorf("the day after, the report shows VAPI's incident as %+v; want its newest update and 2 omitted", v.Status.Incidents)
	}
}

// resolvedReport is VAPI's resolution on 2026-05-21: a long incident
// report, so that a day later its line (LatestUpdate) is clipped too, the
// update kept whole.
var resolvedReport = "Calls and the dashboard are back.\nIncident report\n" + strings.Repeat("A configuration change to the call router dropped calls. ", 20)

// vapiTimeline is VAPI at hhmm of the incident log's day, day later:
// incident "open" (down, posted), "resolved" (back, incident resolved),
// "cut" (back, the resolved incident cut to its newest update, as
// statuspage.SettleResolved leaves it a day later), or "" (back, nothing
// posted).
func vapiTimeline(hhmm string, day time.Duration, incident string) observe.VendorResult {
	ups := []observe.Update{
		{Status: "resolved", Body: resolvedReport, At: at("13:30")},
		{Status: "monitoring", Body: "A fix is out.", At: at("13:10")},
		{Status: "investigating", Body: "We are investigating.", At: at("12:45")},
	}
	v := vapiAt(hhmm, incident != "")
	for i := range v.Keys {
		v.Keys[i].CheckedAt = v.Keys[i].CheckedAt.Add(day)
	}
	v.Reachability.CheckedAt = v.Reachability.CheckedAt.Add(day)
	if incident == "open" {
		return v
	}
	v.Keys[0].Result, v.Keys[0].HTTPStatus = observe.ResultOK, 200
	v.Reachability.Result, v.Reachability.HTTPStatus = observe.ResultReachable, 401
	v.Status.State = observe.Operational
	if incident != "" {
		in := &v.Status.Incidents[0]
		in.Status, in.ResolvedAt, in.Updates, in.LatestUpdate = "resolved", at("13:30"), ups, termtext.Line(resolvedReport)
		if incident == "cut" {
			in.Updates, in.UpdatesOmitted = ups[:1], len(ups)-1
			in.LatestUpdate = termtext.Clip(in.LatestUpdate, 500)
		}
	}
	return v
}

// openaiWithIncident is OpenAI at hhmm, day later, with an incident of
// its own open on its page throughout, unrelated to VAPI's outage.
func openaiWithIncident(hhmm string, day time.Duration) observe.VendorResult {
	v := openaiAt(hhmm)
	v.Reachability.CheckedAt = v.Reachability.CheckedAt.Add(day)
	v.Status.State = observe.Degraded
	v.Status.Incidents = []observe.Incident{{ID: "oai-1", Title: "Elevated errors on image generation", Status: "investigating", Impact: "minor",
		StartedAt: at("12:00"), URL: "https://status.openai.com/incidents/oai-1"}}
	return v
}

// snapAt is snap at any time, not only on the incident log's day.
func snapAt(t time.Time, vs ...observe.VendorResult) observe.Snapshot {
	return observe.Snapshot{GeneratedAt: t, Vendors: vs}
}

func hasEvent(evs []correlate.Event, vendor string, kind correlate.EventKind) bool {
	return slices.ContainsFunc(evs, func(e correlate.Event) bool { return e.Vendor == vendor && e.Kind == kind })
}

// findingKinds lists a report's findings as kind, severity and ID.
func findingKinds(r correlate.Report) []string {
	var out []string
	for _, f := range r.Findings {
		out = append(out, string(f.Kind)+"/"+string(f.Severity)+"/"+f.ID)
	}
	return out
}
