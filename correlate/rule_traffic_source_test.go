package correlate

import (
	"strings"
	"testing"

	"github.com/vendorwatch/vendorwatch/observe"
)

// Issue 19: stopping Prometheus degrades only this signal. One finding
// for the Prometheus, confirming at first, UNKNOWN, never about a vendor;
// what the traffic had concluded stands while it cannot be read.
func TestTrafficSourceDown(t *testing.T) {
	refused := "dial tcp 127.0.0.1:9090: connect: connection refused"
	anthropic := func(tm string) *vb {
		return vendorAt("anthropic", "Anthropic").reach(observe.ResultReachable, 401, at(tm))
	}

	t.Run("Prometheus stops: one finding for it, the vendors stay ok", func(t *testing.T) {
		reps, _ := runScenario(t, []step{
			{"12:00", []*vb{openaiWorks("12:00").traffic(at("12:00"), 12, clean, base), anthropic("12:00").traffic(at("12:00"), 3, clean, base)}, nil, LevelOK, "OK"},
			{"12:01", []*vb{openaiWorks("12:01").trafficDown(at("12:01"), observe.ResultNetworkError, refused),
				anthropic("12:01").trafficDown(at("12:01"), observe.ResultNetworkError, refused)}, nil, LevelOK,
				"UNKNOWN: Prometheus cannot be read: our traffic is not known (confirming)"},
			{"12:02", []*vb{openaiWorks("12:02").trafficDown(at("12:02"), observe.ResultNetworkError, refused),
				anthropic("12:02").trafficDown(at("12:02"), observe.ResultNetworkError, refused)},
				[]string{"opened traffic_source_down "}, LevelWarning, "UNKNOWN: Prometheus cannot be read"},
			{"12:03", []*vb{openaiWorks("12:03").traffic(at("12:03"), 12, clean, base), anthropic("12:03").traffic(at("12:03"), 3, clean, base)}, nil, LevelOK, "OK, recovering from: Prometheus"},
		})
		f := find(t, reps[2], KindTrafficSourceDown)
		if len(f.Vendors) != 0 || !strings.Contains(f.Detail, "the traffic queries for all 2 vendors failed: network_error (dial tcp 127.0.0.1:9090: connect: connection refused)") {
			t.Errorf("finding %+v", f)
		}
		for _, v := range reps[2].Vendors {
			if v.Level != LevelOK {
				t.Errorf("%s is %s while only Prometheus is down", v.ID, v.Level)
			}
		}
	})
	t.Run("one vendor's query refused: its own finding, its level unchanged", func(t *testing.T) {
		reps, _ := runScenario(t, []step{
			{"12:01", []*vb{openaiWorks("12:01").trafficDown(at("12:01"), observe.ResultMisconfigured, "bad_data: parse error at char 5"),
				anthropic("12:01").traffic(at("12:01"), 3, clean, base)}, nil, LevelOK, "UNKNOWN: Our traffic to OpenAI cannot be read from Prometheus (confirming)"},
			{"12:02", []*vb{openaiWorks("12:02").trafficDown(at("12:02"), observe.ResultMisconfigured, "bad_data: parse error at char 5"),
				anthropic("12:02").traffic(at("12:02"), 3, clean, base)},
				[]string{"opened traffic_source_down openai"}, LevelWarning, "UNKNOWN: Our traffic to OpenAI cannot be read"},
		})
		f := find(t, reps[1], KindTrafficSourceDown)
		if !strings.Contains(strings.Join(f.Advice, " "), "fix traffic: requests or errors") {
			t.Errorf("advice %q", f.Advice)
		}
		if v, _ := reps[1].Vendor("openai"); v.Level != LevelOK {
			t.Errorf("openai is %s", v.Level)
		}
	})
	t.Run("remote text in the error is cleaned", func(t *testing.T) {
		reps, _ := runScenario(t, []step{
			{"12:01", []*vb{openaiWorks("12:01").trafficDown(at("12:01"), observe.ResultVendorError, "HTTP 503: \x1b[31mdown\x1b[0m\nnow")}, nil, LevelOK, "UNKNOWN"},
		})
		if f := find(t, reps[0], KindTrafficSourceDown); strings.ContainsAny(f.Detail, "\x1b\n") {
			t.Errorf("detail %q", f.Detail)
		}
	})
	t.Run("what our traffic concluded stands while Prometheus is down", func(t *testing.T) {
		reps, _ := runScenario(t, []step{
			{"12:01", []*vb{openaiWorks("12:01").traffic(at("12:01"), 12, observe.TrafficErrors{Auth: 0.5}, base)},
				[]string{"opened traffic_auth_errors openai"}, LevelCritical, "US: OpenAI rejects 50%"},
			{"12:02", []*vb{openaiWorks("12:02").trafficDown(at("12:02"), observe.ResultTimeout, "context deadline exceeded")}, nil, LevelCritical, "US: OpenAI rejects 50%"},
			{"12:03", []*vb{openaiWorks("12:03").trafficDown(at("12:03"), observe.ResultTimeout, "context deadline exceeded")},
				[]string{"opened traffic_source_down "}, LevelCritical, "US: OpenAI rejects 50% of our production requests while our probe key works (+1 more)"},
		})
		if f := find(t, reps[2], KindTrafficAuthErrors); f.State != StateOpen {
			t.Errorf("auth finding %s while the traffic cannot be read", f.State)
		}
	})
	t.Run("the same read assessed twice confirms nothing", func(t *testing.T) {
		snap := snapAt(at("12:01"), openaiWorks("12:01").trafficDown(at("12:01"), observe.ResultTimeout, "timeout"))
		r, mem := Assess(snap, Memory{})
		snap.GeneratedAt = at("12:02") // another vendor's check finished; no new traffic read
		r, _ = Assess(snap, mem)
		if f := find(t, r, KindTrafficSourceDown); f.State != StatePending {
			t.Errorf("state %s after one read", f.State)
		}
	})
}
