package notify

import (
	"context"
	"slices"
	"testing"

	"github.com/vendorwatch/vendorwatch/correlate"
	"github.com/vendorwatch/vendorwatch/observe"
)

// vapiAt is VAPI observed at hh:mm: its keyless request and key answer
// with result (HTTP status), and its page states state with an open
// incident unless it is operational.
func vapiAt(hhmm string, result observe.Result, status int, state observe.State) observe.VendorResult {
	t := at(hhmm)
	v := observe.VendorResult{ID: "vapi", Name: "VAPI",
		Reachability: &observe.Reachability{Result: result, HTTPStatus: status, CheckedAt: t},
		Keys:         []observe.KeyResult{{Name: "prod", Fingerprint: "…91ab", Result: result, HTTPStatus: status, CheckedAt: t}}}
	v.Status = observe.Status{State: state, Description: "All Systems Operational", PageURL: "https://status.vapi.ai", CheckedAt: t,
		Sources: []observe.Source{{URL: "https://status.vapi.ai/index.json", Format: "betterstack", OK: true}}}
	if state != observe.Operational {
		v.Status.Description = "Major Outage"
		v.Status.Incidents = []observe.Incident{{ID: "901977", Title: "Voice calls dropped", Status: "investigating", Impact: "critical",
			StartedAt: at("12:45"), UpdatedAt: at("12:45"), URL: "https://status.vapi.ai/incident/901977"}}
	}
	return v
}

func openaiAt(hhmm string) observe.VendorResult {
	t := at(hhmm)
	v := observe.VendorResult{ID: "openai", Name: "OpenAI", Reachability: &observe.Reachability{Result: observe.ResultReachable, HTTPStatus: 401, CheckedAt: t},
		Keys: []observe.KeyResult{{Name: "prod", Fingerprint: "sk-proj-…Q2rT", Result: observe.ResultOK, HTTPStatus: 200, CheckedAt: t}}}
	v.Status = observe.Status{State: observe.Operational, Description: "All Systems Operational", CheckedAt: t,
		Sources: []observe.Source{{URL: "https://status.openai.com/api/v2/summary.json", Format: "statuspage", OK: true}}}
	return v
}

// An outage and its recovery, as the notifier with its defaults (opened,
// escalated, closed; a 10-minute quiet period) sees them through
// correlate: a one-check blip sends nothing; VAPI failing while its page
// is silent opens once, its posted outage is the same episode escalated,
// the recovery check sends nothing, and the close is sent once, whether
// the page resolves with the probes or lags behind them.
func TestOutageThenRecoveryNotifiesOnce(t *testing.T) {
	ok, bad, down := observe.ResultOK, observe.ResultVendorError, observe.MajorOutage
	type step struct {
		at     string
		result observe.Result
		status int
		page   observe.State
	}
	outage := []step{
		{"12:20", bad, 502, observe.Operational}, // a blip: pending, then forgotten
		{"12:21", ok, 200, observe.Operational},
		{"12:35", bad, 502, observe.Operational}, // pending
		{"12:36", bad, 502, observe.Operational}, // opens: vendor_outage_unreported
		{"12:40", bad, 502, observe.Operational},
		{"12:46", bad, 502, down}, // the page posts: escalated, one episode
		{"13:00", observe.ResultTimeout, 0, down},
	}
	tests := []struct {
		name     string
		recovery []step
		want     []string
	}{
		{"the page resolves with the probes", []step{
			{"13:30", ok, 200, observe.Operational}, // the recovery check: closing, nothing sent
			{"13:31", ok, 200, observe.Operational}, // closed; the quiet period starts
			{"13:35", ok, 200, observe.Operational},
			{"13:41", ok, 200, observe.Operational}, // closed for 10 minutes: sent
			{"13:50", ok, 200, observe.Operational},
		}, []string{"opened warning@12:36", "escalated critical@12:46", "closed critical@13:41"}},
		{"the page lags behind the probes", []step{
			{"13:30", ok, 200, down}, // our keys work, the page still says outage: eased, not sent
			{"13:35", ok, 200, down},
			{"13:40", ok, 200, observe.Operational}, // closing
			{"13:41", ok, 200, observe.Operational}, // closed
			{"13:51", ok, 200, observe.Operational}, // sent
			// The close carries the episode's last open version: eased to a
			// warning when our keys worked again.
		}, []string{"opened warning@12:36", "escalated critical@12:46", "closed warning@13:51"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := &recorder{}
			d := New([]Notifier{{Name: "team", Sender: rec}}, Options{})
			mem := correlate.Memory{}
			d.Observe(report("12:00"))
			for _, s := range append(slices.Clone(outage), tt.recovery...) {
				snap := observe.Snapshot{GeneratedAt: at(s.at), Vendors: []observe.VendorResult{vapiAt(s.at, s.result, s.status, s.page), openaiAt(s.at)}}
				var rep correlate.Report
				rep, mem = correlate.Assess(snap, mem)
				d.Observe(rep)
			}
			if err := d.Close(context.Background()); err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(rec.got, tt.want) {
				t.Errorf("sent %q\nwant %q", rec.got, tt.want)
			}
		})
	}
}
