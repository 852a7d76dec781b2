package correlate

import (
	"strings"
	"testing"
	"time"

	"github.com/vendorwatch/vendorwatch/observe"
)

// clean is traffic without errors; base a typical day-earlier baseline.
var (
	clean = observe.TrafficErrors{}
	base  = &observe.TrafficErrors{Auth: 0.002, Vendor: 0.004, Network: 0.001, Client: 0.01}
)

// traffic gives the vendor our production traffic read at t over 5
// minutes: rate requests a second failing by errs, against baseline (nil:
// none a day earlier), with the default thresholds as the config sets
// them.
func (b *vb) traffic(t time.Time, rate float64, errs observe.TrafficErrors, baseline *observe.TrafficErrors) *vb {
	b.v.Traffic = &observe.Traffic{Result: observe.ResultOK, CheckedAt: t, Window: 5 * time.Minute, Series: 3, Rate: rate,
		Errors: errs, Baseline: baseline, Thresholds: observe.TrafficThresholds{MinRate: 0.1, MinRatio: 0.05, Rise: 3}}
	return b
}

// trafficDown gives the vendor a traffic signal that failed at t.
func (b *vb) trafficDown(t time.Time, r observe.Result, err string) *vb {
	b.v.Traffic = &observe.Traffic{Result: r, Error: err, CheckedAt: t, Window: 5 * time.Minute}
	return b
}

// openaiWorks is OpenAI with its page operational and our probe key prod
// working at t.
func openaiWorks(tm string) *vb {
	return vendorAt("openai", "OpenAI").reach(observe.ResultReachable, 401, at(tm)).key("prod", false, observe.ResultOK, 200, "", at(tm))
}

func TestTrafficRises(t *testing.T) {
	th := observe.TrafficThresholds{MinRate: 0.1, MinRatio: 0.05, Rise: 3}
	for _, c := range []struct {
		name     string
		rate     float64
		auth     float64
		baseline *observe.TrafficErrors
		th       observe.TrafficThresholds
		want     bool
	}{
		{"a rise against a quiet baseline", 12, 0.30, base, th, true},
		{"a quiet vendor does not flap: below the minimum rate", 0.05, 0.5, base, th, false},
		{"below the minimum ratio", 12, 0.04, base, th, false},
		{"how we always are: as high a day earlier", 12, 0.30, &observe.TrafficErrors{Auth: 0.25}, th, false},
		{"exactly three times the baseline", 12, 0.30, &observe.TrafficErrors{Auth: 0.10}, th, true},
		{"a zero baseline asks only for the minimum ratio", 12, 0.05, &observe.TrafficErrors{}, th, true},
		{"no baseline a day earlier", 12, 0.06, nil, th, true},
		{"no thresholds carried: the defaults (0.1 rps, 5%, 3x)", 12, 0.06, nil, observe.TrafficThresholds{}, true},
		{"the defaults keep the minimum rate", 0.09, 0.5, nil, observe.TrafficThresholds{}, false},
		{"configured thresholds: a stricter ratio", 12, 0.06, nil, observe.TrafficThresholds{MinRate: 1, MinRatio: 0.1, Rise: 2}, false},
		{"configured thresholds: a smaller rise", 12, 0.20, &observe.TrafficErrors{Auth: 0.1}, observe.TrafficThresholds{MinRate: 1, MinRatio: 0.1, Rise: 2}, true},
	} {
		tr := &observe.Traffic{Result: observe.ResultOK, Rate: c.rate, Errors: observe.TrafficErrors{Auth: c.auth}, Baseline: c.baseline, Thresholds: c.th}
		if got := rises(tr, classAuth); got != c.want {
			t.Errorf("%s: rises = %v, want %v", c.name, got, c.want)
		}
	}
}

// Issue 19: a deploy ships an old key to one service. Our probe key works,
// and our calls get 401: it is us. A mild rise waits for a second look; a
// severe one opens at once; the holders of the key are named.
func TestTrafficAuthErrorsWhileTheProbeKeyWorks(t *testing.T) {
	auth := func(r float64) observe.TrafficErrors { return observe.TrafficErrors{Auth: r} }
	held := func(b *vb) *vb {
		b.v.Keys[0].Holders = []observe.Holder{serviceHolder("voice-backend"), secretHolder("gcp:openai-prod")}
		return b
	}
	t.Run("mild: confirming, then open, then recovering", func(t *testing.T) {
		reps, _ := runScenario(t, []step{
			{"12:00", []*vb{openaiWorks("12:00").traffic(at("12:00"), 12, clean, base)}, nil, LevelOK, "OK"},
			{"12:01", []*vb{held(openaiWorks("12:01")).traffic(at("12:01"), 12, auth(0.08), base)}, nil, LevelOK,
				"US: OpenAI rejects 8% of our production requests while our probe key works (confirming)"},
			{"12:02", []*vb{held(openaiWorks("12:02")).traffic(at("12:02"), 12, auth(0.09), base)},
				[]string{"opened traffic_auth_errors openai"}, LevelWarning, "US: OpenAI rejects 9% of our production requests while our probe key works"},
			{"12:03", []*vb{held(openaiWorks("12:03")).traffic(at("12:03"), 12, clean, base)}, nil, LevelOK, "OK, recovering from: OpenAI rejects"},
			{"12:04", []*vb{held(openaiWorks("12:04")).traffic(at("12:04"), 12, clean, base)},
				[]string{"closed traffic_auth_errors openai"}, LevelOK, "OK"},
		})
		f := find(t, reps[2], KindTrafficAuthErrors)
		if f.Severity != SeverityWarning || len(f.Holders) != 2 || !strings.Contains(f.Detail, "Held by: voice-backend (our service), gcp:openai-prod (secret store).") ||
			!strings.Contains(f.Detail, "9% of our requests to OpenAI (12 a second) got 401/403 over the last 5 minutes (0.2% a day earlier at this hour), while our probe key works (keyless reachable (HTTP 401), 1 of 1 key ok)") ||
			!strings.Contains(f.Detail, "It is us") || !strings.Contains(strings.Join(f.Advice, " "), "Check the key each holder uses: voice-backend (our service)") {
			t.Errorf("12:02 finding = %+v", f)
		}
	})
	t.Run("severe: open at once and critical", func(t *testing.T) {
		reps, _ := runScenario(t, []step{
			{"12:01", []*vb{openaiWorks("12:01").traffic(at("12:01"), 12, auth(0.5), base)},
				[]string{"opened traffic_auth_errors openai"}, LevelCritical, "US: OpenAI rejects 50% of our production requests"},
		})
		if f := find(t, reps[0], KindTrafficAuthErrors); f.Severity != SeverityCritical {
			t.Errorf("severity %s", f.Severity)
		}
	})
	t.Run("a blip seen once is forgotten", func(t *testing.T) {
		runScenario(t, []step{
			{"12:01", []*vb{openaiWorks("12:01").traffic(at("12:01"), 12, auth(0.08), base)}, nil, LevelOK, "US: OpenAI rejects 8% of our production requests while our probe key works (confirming)"},
			{"12:02", []*vb{openaiWorks("12:02").traffic(at("12:02"), 12, clean, base)}, nil, LevelOK, "OK"},
		})
	})
	t.Run("the probe key is dead too: the key finding leads with our traffic as evidence", func(t *testing.T) {
		dead := func(tm string) *vb {
			return vendorAt("openai", "OpenAI").reach(observe.ResultReachable, 401, at(tm)).key("prod", false, observe.ResultInvalidKey, 401, "invalid_api_key", at(tm))
		}
		reps, _ := runScenario(t, []step{
			{"12:01", []*vb{dead("12:01").traffic(at("12:01"), 12, auth(0.6), base)}, []string{"opened key_revoked openai"}, LevelCritical, "KEY: OpenAI key prod revoked"},
		})
		if f := find(t, reps[0], KindKeyRevoked); !strings.Contains(f.Detail, "Our production traffic shows it too: 60% of our requests to OpenAI") {
			t.Errorf("key_revoked detail %q", f.Detail)
		}
	})
	t.Run("one episode: our 401s, then the dead key, then a service still on the old key", func(t *testing.T) {
		dead := func(tm string) *vb {
			return vendorAt("openai", "OpenAI").reach(observe.ResultReachable, 401, at(tm)).key("prod", false, observe.ResultInvalidKey, 401, "invalid_api_key", at(tm))
		}
		rotated := func(tm string) *vb {
			b := openaiWorks(tm)
			b.v.Keys[0].Fingerprint = "sk-proj-…Q7rT"
			return b
		}
		runScenario(t, []step{
			{"10:50", []*vb{openaiWorks("10:50").traffic(at("10:50"), 12, auth(0.5), base)}, []string{"opened traffic_auth_errors openai"}, LevelCritical, "US: OpenAI rejects 50%"},
			{"10:57", []*vb{dead("10:57").traffic(at("10:57"), 12, auth(0.9), base)}, []string{"updated key_revoked openai"}, LevelCritical, "KEY: OpenAI key prod revoked"},
			{"11:05", []*vb{rotated("11:05").traffic(at("11:05"), 12, auth(0.3), base)}, []string{"updated traffic_auth_errors openai"}, LevelCritical, "US: OpenAI rejects 30%"},
			{"11:20", []*vb{rotated("11:20").traffic(at("11:20"), 12, clean, base)}, nil, LevelOK, "OK, recovering from: OpenAI rejects 30%"},
			{"11:21", []*vb{rotated("11:21").traffic(at("11:21"), 12, clean, base)}, []string{"closed traffic_auth_errors openai"}, LevelOK, "OK"},
		})
	})
	t.Run("no key probed and nothing on the page: still us", func(t *testing.T) {
		reps, _ := runScenario(t, []step{{"12:01", []*vb{vendorAt("openai", "OpenAI").traffic(at("12:01"), 12, auth(0.5), base)},
			[]string{"opened traffic_auth_errors openai"}, LevelCritical, "US: OpenAI rejects 50% of our production requests (401/403)"}})
		f := find(t, reps[0], KindTrafficAuthErrors)
		if !strings.Contains(f.Detail, "while no key of ours is probed to compare") || strings.Contains(strings.Join(f.Advice, " "), "Do not rotate") {
			t.Errorf("finding %+v", f)
		}
	})
	t.Run("an incident about authentication while our probe key works: still us, with the caveat", func(t *testing.T) {
		b := openaiWorks("12:01").page(observe.Degraded, "Degraded", incident("a0", "Elevated authentication errors on the API", "minor", at("11:50"))).
			traffic(at("12:01"), 12, auth(0.5), base)
		reps, _ := runScenario(t, []step{{"12:01", []*vb{b}, []string{"opened traffic_auth_errors openai", "opened vendor_incident openai"}, LevelCritical, "US: OpenAI rejects 50%"}})
		if f := find(t, reps[0], KindTrafficAuthErrors); !strings.Contains(f.Detail, "OpenAI reports trouble that may concern authentication") {
			t.Errorf("detail %q", f.Detail)
		}
	})
	t.Run("an incident about authentication with no key probed: the vendor's evidence", func(t *testing.T) {
		noKey := vendorAt("openai", "OpenAI").page(observe.PartialOutage, "Partial System Outage",
			incident("a1", "Elevated authentication errors on the API", "major", at("11:50"))).traffic(at("12:01"), 12, auth(0.6), base)
		reps, _ := runScenario(t, []step{{"12:01", []*vb{noKey}, []string{"opened vendor_outage openai"}, LevelCritical, "THEM: OpenAI"}})
		if f := find(t, reps[0], KindVendorOutage); !strings.Contains(f.Detail, "Our production traffic gets rejected too") {
			t.Errorf("vendor_outage detail %q", f.Detail)
		}
	})
}

// Issue 19: a probe of GET /v1/models works while chat completions fail
// for 30% of our calls: them, unreported and partial.
func TestTrafficVendorErrorsUnreported(t *testing.T) {
	fivexx := func(r float64) observe.TrafficErrors { return observe.TrafficErrors{Vendor: r} }
	t.Run("mild: confirming, then open", func(t *testing.T) {
		reps, _ := runScenario(t, []step{
			{"12:30", []*vb{openaiWorks("12:30").traffic(at("12:30"), 12, clean, base)}, nil, LevelOK, "OK"},
			{"12:35", []*vb{openaiWorks("12:35").traffic(at("12:35"), 12, fivexx(0.12), base)}, nil, LevelOK,
				"THEM: OpenAI failing 12% of our requests (5xx), unreported: its status page says operational (confirming)"},
			{"12:36", []*vb{openaiWorks("12:36").traffic(at("12:36"), 12, fivexx(0.12), base)},
				[]string{"opened traffic_vendor_errors openai"}, LevelWarning, "THEM: OpenAI failing 12% of our requests (5xx), unreported"},
		})
		f := find(t, reps[2], KindTrafficVendorErrors)
		if !strings.Contains(f.Detail, `while its status page says "All Systems Operational" and our probes pass`) ||
			!strings.Contains(f.Detail, "a partial outage OpenAI has not posted. The probes are too light to see it") {
			t.Errorf("detail %q", f.Detail)
		}
	})
	t.Run("one episode: our traffic first, then our probes, then the page", func(t *testing.T) {
		vapi := func(tm string, probes bool, errs observe.TrafficErrors) *vb {
			b := vendorAt("vapi", "VAPI")
			if probes {
				b.reach(observe.ResultReachable, 401, at(tm)).key("prod", false, observe.ResultOK, 200, "", at(tm))
			} else {
				b.reach(observe.ResultVendorError, 502, at(tm)).key("prod", false, observe.ResultVendorError, 500, "", at(tm))
			}
			return b.traffic(at(tm), 4, errs, base)
		}
		posted := func(b *vb) *vb {
			return b.page(observe.MajorOutage, "Major System Outage", incident("901977", "Vapi API and dashboard down", "critical", at("12:45")))
		}
		runScenario(t, []step{
			{"12:33", []*vb{vapi("12:33", true, fivexx(0.08)), openaiWorks("12:33")}, nil, LevelOK, "THEM: VAPI failing 8% of our requests (5xx), unreported: its status page says operational (confirming)"},
			{"12:34", []*vb{vapi("12:34", true, fivexx(0.09)), openaiWorks("12:34")}, []string{"opened traffic_vendor_errors vapi"}, LevelWarning, "THEM: VAPI failing 9%"},
			// Our probes fail too: the same episode, never a recovery.
			{"12:35", []*vb{vapi("12:35", false, fivexx(0.6)), openaiWorks("12:35")}, []string{"updated vendor_outage_unreported vapi"}, LevelWarning, "THEM: VAPI failing, but its status page says operational"},
			{"12:46", []*vb{posted(vapi("12:46", false, fivexx(0.9))), openaiWorks("12:46")}, []string{"escalated vendor_outage vapi"}, LevelCritical, "THEM: VAPI outage: Vapi API and dashboard down"},
		})
	})
	t.Run("severe: open at once, critical", func(t *testing.T) {
		runScenario(t, []step{
			{"12:35", []*vb{openaiWorks("12:35").traffic(at("12:35"), 12, fivexx(0.3), base)},
				[]string{"opened traffic_vendor_errors openai"}, LevelCritical, "THEM: OpenAI failing 30% of our requests (5xx), unreported"},
		})
	})
	t.Run("our probes fail too: the outage finding gets our traffic as evidence", func(t *testing.T) {
		down := func(tm string) *vb {
			return vendorAt("openai", "OpenAI").page(observe.MajorOutage, "Major System Outage", incident("b2", "API errors", "critical", at("12:30"))).
				reach(observe.ResultVendorError, 502, at(tm)).key("prod", false, observe.ResultVendorError, 500, "", at(tm)).traffic(at(tm), 12, fivexx(0.7), base)
		}
		reps, _ := runScenario(t, []step{{"12:35", []*vb{down("12:35")}, []string{"opened vendor_outage openai"}, LevelCritical, "THEM: OpenAI outage"}})
		if f := find(t, reps[0], KindVendorOutage); !strings.Contains(f.Detail, "Our production traffic shows it too: 70%") || has(reps[0], KindTrafficVendorErrors) {
			t.Errorf("outage %+v, all %v", f, allKinds(reps[0].Findings))
		}
	})
	t.Run("an incident on the page that hurts our traffic is raised", func(t *testing.T) {
		minor := openaiWorks("12:35").page(observe.Degraded, "Degraded", incident("c3", "Elevated errors on GPT-4o", "minor", at("12:30"))).
			traffic(at("12:35"), 12, fivexx(0.15), base)
		reps, _ := runScenario(t, []step{{"12:35", []*vb{minor}, []string{"opened vendor_incident openai"}, LevelWarning, "THEM: OpenAI: Elevated errors on GPT-4o"}})
		f := find(t, reps[0], KindVendorIncident)
		if f.Severity != SeverityWarning || !strings.HasSuffix(f.Title, "; it affects our traffic") || strings.Contains(strings.Join(f.Advice, " "), "Your keys work; watch") {
			t.Errorf("incident %+v", f)
		}
	})
}

// Issue 19: the page shows an incident that does not touch our region or
// our models: them, not affecting us, lowered to info. The noise control.
func TestTrafficNotAffectingUs(t *testing.T) {
	major := func(b *vb) *vb {
		return b.page(observe.MajorOutage, "Major System Outage", incident("d4", "EU region unavailable", "critical", at("12:00")))
	}
	t.Run("our keys work and our traffic is clean", func(t *testing.T) {
		reps, _ := runScenario(t, []step{
			{"12:05", []*vb{major(openaiWorks("12:05")).traffic(at("12:05"), 12, clean, base)}, []string{"opened vendor_incident openai"}, LevelOK, "OK"},
		})
		f := find(t, reps[0], KindVendorIncident)
		if f.Severity != SeverityInfo || !strings.HasSuffix(f.Title, "; not affecting us") ||
			!strings.Contains(f.Detail, "Not affecting us: our production traffic is healthy, 12 requests a second with 0% errors over the last 5 minutes.") ||
			!strings.HasPrefix(f.Advice[0], "Not affecting us") {
			t.Errorf("incident %+v", f)
		}
	})
	t.Run("no key probed: the page's outage is lowered too", func(t *testing.T) {
		reps, _ := runScenario(t, []step{
			{"12:05", []*vb{major(vendorAt("openai", "OpenAI")).traffic(at("12:05"), 12, clean, base)}, []string{"opened vendor_incident openai"}, LevelOK, "OK"},
		})
		if f := find(t, reps[0], KindVendorIncident); f.Severity != SeverityInfo {
			t.Errorf("incident %+v", f)
		}
	})
	t.Run("without our traffic the page decides, as before", func(t *testing.T) {
		runScenario(t, []step{
			{"12:05", []*vb{major(vendorAt("openai", "OpenAI"))}, []string{"opened vendor_outage openai"}, LevelCritical, "THEM: OpenAI: EU region unavailable"},
		})
	})
	t.Run("too little traffic to tell: nothing lowered", func(t *testing.T) {
		runScenario(t, []step{
			{"12:05", []*vb{major(vendorAt("openai", "OpenAI")).traffic(at("12:05"), 0.02, clean, base)}, []string{"opened vendor_outage openai"}, LevelCritical, "THEM: OpenAI: EU region unavailable"},
		})
	})
	t.Run("our own probes fail: never lowered", func(t *testing.T) {
		failing := major(vendorAt("openai", "OpenAI")).reach(observe.ResultVendorError, 502, at("12:05")).
			key("prod", false, observe.ResultVendorError, 500, "", at("12:05")).traffic(at("12:05"), 12, clean, base)
		runScenario(t, []step{{"12:05", []*vb{failing}, []string{"opened vendor_outage openai"}, LevelCritical, "THEM: OpenAI outage"}})
	})
	t.Run("Prometheus down a short while: not affecting us stands; longer: the page decides again", func(t *testing.T) {
		down := func(tm string) *vb {
			return major(openaiWorks(tm)).trafficDown(at(tm), observe.ResultNetworkError, "connection refused")
		}
		reps, _ := runScenario(t, []step{
			{"12:05", []*vb{major(openaiWorks("12:05")).traffic(at("12:05"), 12, clean, base)}, []string{"opened vendor_incident openai"}, LevelOK, "OK"},
			{"12:06", []*vb{down("12:06")}, nil, LevelOK, "UNKNOWN: Prometheus cannot be read"},
			{"12:20", []*vb{down("12:20")}, []string{"opened traffic_source_down "}, LevelWarning, "UNKNOWN: Prometheus cannot be read"},
			{"12:21", []*vb{down("12:21")}, []string{"escalated vendor_incident openai"}, LevelWarning, "THEM: OpenAI: EU region unavailable (investigating); your keys work (+1 more)"},
		})
		if f := find(t, reps[2], KindVendorIncident); f.Severity != SeverityInfo ||
			!strings.Contains(f.Detail, "Not affecting us: our production traffic was healthy (as last read at 12:05 UTC; Prometheus cannot be read now).") {
			t.Errorf("12:20 incident %+v", f)
		}
	})
	t.Run("the incident that starts to hurt us is raised back", func(t *testing.T) {
		runScenario(t, []step{
			{"12:05", []*vb{major(openaiWorks("12:05")).traffic(at("12:05"), 12, clean, base)}, []string{"opened vendor_incident openai"}, LevelOK, "OK"},
			{"12:06", []*vb{major(openaiWorks("12:06")).traffic(at("12:06"), 12, observe.TrafficErrors{Vendor: 0.3}, base)},
				[]string{"escalated vendor_incident openai"}, LevelWarning, "THEM: OpenAI: EU region unavailable (investigating); your keys work; it affects our traffic"},
		})
	})
}

// Our requests get no answer while the vendor answers us here: us,
// between our services and the vendor.
func TestTrafficNetworkErrors(t *testing.T) {
	network := observe.TrafficErrors{Network: 0.1}
	reps, _ := runScenario(t, []step{
		{"12:10", []*vb{openaiWorks("12:10").traffic(at("12:10"), 12, network, base)}, nil, LevelOK, "US: Our services cannot reach OpenAI for 10% of requests, while it answers us here (confirming)"},
		{"12:11", []*vb{openaiWorks("12:11").traffic(at("12:11"), 12, network, base)},
			[]string{"opened traffic_network_errors openai"}, LevelWarning, "US: Our services cannot reach OpenAI"},
	})
	if f := find(t, reps[1], KindTrafficNetworkErrors); !strings.Contains(f.Detail, "between our services and OpenAI: their egress, DNS, proxy or NAT") {
		t.Errorf("detail %q", f.Detail)
	}
	// Without a probe nothing says the vendor answers us here.
	runScenario(t, []step{{"12:10", []*vb{vendorAt("openai", "OpenAI").traffic(at("12:10"), 12, network, base)}, nil, LevelOK, "OK"}})
}

// Our 429s rise: our volume or quota, linked to the key's findings.
func TestTrafficThrottled(t *testing.T) {
	limited := func(tm string) *vb {
		return vendorAt("openai", "OpenAI").reach(observe.ResultReachable, 401, at(tm)).key("prod", false, observe.ResultRateLimited, 429, "rate_limit_exceeded", at(tm)).
			traffic(at(tm), 40, observe.TrafficErrors{Throttled: 0.25}, base)
	}
	reps, _ := runScenario(t, []step{
		{"12:20", []*vb{limited("12:20")}, []string{"opened traffic_throttled openai"}, LevelCritical, "US: OpenAI throttles 25% of our requests (429)"},
		{"12:21", []*vb{limited("12:21")}, []string{"opened rate_limited openai"}, LevelCritical, "US: OpenAI throttles 25% of our requests (429) (+1 more)"},
	})
	if f := find(t, reps[1], KindTrafficThrottled); !strings.Contains(f.Detail, "See also: OpenAI key prod rate limited") {
		t.Errorf("detail %q", f.Detail)
	}
}
