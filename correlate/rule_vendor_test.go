package correlate

import (
	"slices"
	"strings"
	"testing"

	"github.com/vendorwatch/vendorwatch/observe"
)

func TestProbeState(t *testing.T) {
	t1 := at("12:00")
	tests := []struct {
		name string
		b    *vb
		want probeState
	}{
		{"nothing probed", vendorAt("x", "X"), probesNone},
		{"secret missing only", vendorAt("x", "X").key("prod", false, observe.ResultNoSecret, 0, "", t1), probesNone},
		{"keyless reachable", vendorAt("x", "X").reach(observe.ResultReachable, 401, t1), probesReachable},
		{"a key works", vendorAt("x", "X").reach(observe.ResultReachable, 401, t1).key("a", false, observe.ResultInvalidKey, 401, "", t1).key("b", false, observe.ResultOK, 200, "", t1), probesWorking},
		{"keys rejected", vendorAt("x", "X").reach(observe.ResultReachable, 401, t1).key("a", false, observe.ResultInvalidKey, 401, "", t1), probesAnswering},
		{"keyless fails", vendorAt("x", "X").reach(observe.ResultVendorError, 502, t1), probesFailing},
		{"keyless fails, key rejected", vendorAt("x", "X").reach(observe.ResultTimeout, 0, t1).key("a", false, observe.ResultInvalidKey, 401, "", t1), probesFailing},
		{"keyless fails, key works", vendorAt("x", "X").reach(observe.ResultTimeout, 0, t1).key("a", false, observe.ResultOK, 200, "", t1), probesWorking},
		{"edge answers, every keyed request fails", vendorAt("x", "X").reach(observe.ResultReachable, 401, t1).key("a", false, observe.ResultVendorError, 500, "", t1), probesFailing},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := probeStateOf(tt.b.build()); got != tt.want {
				t.Errorf("probeState = %d, want %d", got, tt.want)
			}
		})
	}
}

func TestVendorOutage(t *testing.T) {
	t1 := at("12:45")
	down := func(st observe.State, desc string, in ...observe.Incident) *vb {
		return vendorAt("vapi", "VAPI").page(st, desc, in...).reach(observe.ResultVendorError, 502, t1).key("prod", false, observe.ResultTimeout, 0, "", t1)
	}
	other := vendorAt("openai", "OpenAI").reach(observe.ResultReachable, 401, t1)
	tests := []struct {
		name string
		b    *vb
		sev  Severity
	}{
		{"major incident", down(observe.MajorOutage, "Major outage", incident("901977", "Vapi API and dashboard down", "critical", t1)), SeverityCritical},
		{"partial outage without incident", down(observe.PartialOutage, "Partial System Outage"), SeverityCritical},
		{"only degraded", down(observe.Degraded, "Minor Service Outage"), SeverityWarning},
		{"minor incident while operational", down(observe.Operational, "All Systems Operational", incident("1", "Elevated latency", "minor", t1)), SeverityWarning},
		{"maintenance", down(observe.UnderMaintenance, "Under maintenance"), SeverityWarning},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, _ := Assess(snapAt(t1, tt.b, other), Memory{})
			if got := kinds(r.Findings); !slices.Equal(got, []Kind{KindVendorOutage}) {
				t.Fatalf("findings = %v", got)
			}
			f := r.Findings[0]
			if f.Severity != tt.sev {
				t.Errorf("severity = %s, want %s", f.Severity, tt.sev)
			}
			if !strings.Contains(f.Detail, "keyless vendor_error (HTTP 502), key prod timeout") {
				t.Errorf("detail lacks the probe evidence: %s", f.Detail)
			}
			if !strings.Contains(strings.Join(f.Advice, " "), "Do not rotate keys") {
				t.Errorf("advice: %q", f.Advice)
			}
		})
	}
	t.Run("quotes the incident and its link", func(t *testing.T) {
		r, _ := Assess(snapAt(t1, tests[0].b, other), Memory{})
		f := r.Findings[0]
		if f.Title != "VAPI outage: Vapi API and dashboard down (investigating)" {
			t.Errorf("title = %q", f.Title)
		}
		for _, want := range []string{`"Vapi API and dashboard down"`, "https://status.example.test/incident/901977", `latest update: "We are investigating."`} {
			if !strings.Contains(f.Detail, want) {
				t.Errorf("detail lacks %q: %s", want, f.Detail)
			}
		}
		if !strings.Contains(f.Advice[0], "https://status.example.test/incident/901977") {
			t.Errorf("advice[0] = %q", f.Advice[0])
		}
	})
}

func TestVendorOutageUnreported(t *testing.T) {
	failing := func(tm string) *vb {
		return vendorAt("vapi", "VAPI").reach(observe.ResultVendorError, 502, at(tm)).key("prod", false, observe.ResultVendorError, 500, "", at(tm))
	}
	fine := func(tm string) *vb { return vendorAt("openai", "OpenAI").reach(observe.ResultReachable, 401, at(tm)) }
	netDown := func(tm string) *vb {
		return vendorAt("openai", "OpenAI").pageDown("timed out").reach(observe.ResultTimeout, 0, at(tm))
	}

	t.Run("one failed check is not yet an outage", func(t *testing.T) {
		reps, _ := steps(snapAt(at("12:35"), failing("12:35"), fine("12:35")))
		if len(kinds(reps[0].Findings)) != 0 || reps[0].Overall != LevelOK {
			t.Errorf("findings = %v", kinds(reps[0].Findings))
		}
		// Confirming, never healthy: the failure shows as pending.
		if f := find(t, reps[0], KindVendorOutageUnreported); f.State != StatePending {
			t.Errorf("state %s, want pending", f.State)
		}
	})
	t.Run("two failed checks while the page is silent", func(t *testing.T) {
		reps, mem := steps(snapAt(at("12:35"), failing("12:35"), fine("12:35")), snapAt(at("12:36"), failing("12:36"), fine("12:36")))
		f := find(t, reps[1], KindVendorOutageUnreported)
		if f.Severity != SeverityWarning || !f.Since.Equal(at("12:35")) {
			t.Errorf("severity %s since %s", f.Severity, f.Since)
		}
		if !strings.Contains(f.Detail, `twice in a row since 12:35 UTC`) || !strings.Contains(f.Detail, `"All Systems Operational"`) {
			t.Errorf("detail = %s", f.Detail)
		}
		if u := mem.Vendors["vapi"].Unreported; u == nil || !u.FirstFailure.Equal(at("12:35")) || !u.Flagged.Equal(at("12:36")) {
			t.Errorf("memory = %+v", u)
		}
	})
	t.Run("not when no other vendor answers", func(t *testing.T) {
		reps, _ := steps(snapAt(at("12:35"), failing("12:35"), netDown("12:35")), snapAt(at("12:36"), failing("12:36"), netDown("12:36")))
		for _, f := range reps[1].Findings {
			if f.Kind == KindVendorOutageUnreported && f.Vendors[0] == "vapi" {
				t.Errorf("VAPI blamed while nothing else answers: %s", f.Detail)
			}
		}
	})
	// A config of one vendor has no other vendor to ask: the vendor's own page, read from another host, shows that our
	// network works. Without it, the vendor is not blamed.
	t.Run("the only vendor checked", func(t *testing.T) {
		for _, tc := range []struct {
			name  string
			b     func(tm string) *vb
			proof string
		}{
			{"its page answers", failing, "and its status page answers."},
			{"its page does not answer either", func(tm string) *vb { return failing(tm).pageDown("timed out") }, ""},
			{"nothing answers", func(tm string) *vb {
				return vendorAt("vapi", "VAPI").pageDown("timed out").reach(observe.ResultTimeout, 0, at(tm)).key("prod", false, observe.ResultTimeout, 0, "", at(tm))
			}, ""},
		} {
			t.Run(tc.name, func(t *testing.T) {
				reps, _ := steps(snapAt(at("12:35"), tc.b("12:35")), snapAt(at("12:36"), tc.b("12:36")))
				if tc.proof == "" {
					if has(reps[1], KindVendorOutageUnreported) || reps[1].Verdict.Word == WordThem {
						t.Errorf("VAPI blamed while nothing shows our network works: %v", kinds(reps[1].Findings))
					}
					return
				}
				if f := find(t, reps[0], KindVendorOutageUnreported); f.State != StatePending {
					t.Errorf("first check: %s, want pending", f.State)
				}
				f := find(t, reps[1], KindVendorOutageUnreported)
				if f.State != StateOpen || reps[1].Overall != LevelWarning || reps[1].Verdict.Word != WordThem {
					t.Errorf("second check: %s, overall %s, verdict %s", f.State, reps[1].Overall, reps[1].Verdict)
				}
				if !strings.HasSuffix(f.Detail, tc.proof) || slices.ContainsFunc(f.Advice, func(s string) bool { return strings.Contains(s, "Other vendors") }) {
					t.Errorf("the finding cites other vendors or not its proof %q: %s %q", tc.proof, f.Detail, f.Advice)
				}
			})
		}
	})
	t.Run("the vendor posts: outage with the detection lead", func(t *testing.T) {
		posted := failing("12:45").page(observe.MajorOutage, "Major outage", incident("901977", "Vapi API and dashboard down", "critical", at("12:45")))
		reps, mem := steps(
			snapAt(at("12:35"), failing("12:35"), fine("12:35")),
			snapAt(at("12:36"), failing("12:36"), fine("12:36")),
			snapAt(at("12:40"), failing("12:40"), fine("12:40")),
			snapAt(at("12:46"), posted, fine("12:46")),
		)
		last := reps[3]
		if has(last, KindVendorOutageUnreported) {
			t.Errorf("unreported still open: %v", kinds(last.Findings))
		}
		f := find(t, last, KindVendorOutage)
		if f.LeadMinutes != 10 || !f.Since.Equal(at("12:35")) {
			t.Errorf("lead %d since %s", f.LeadMinutes, f.Since)
		}
		if !strings.Contains(f.Detail, "vendorwatch saw it 10 minutes before VAPI posted it (first failure 12:35 UTC, posted 12:45 UTC)") {
			t.Errorf("detail = %s", f.Detail)
		}
		ch := Changes(Memory{Open: map[string]OpenFinding{}}, mem)
		if len(ch) != 1 || ch[0].Finding.LeadMinutes != 10 {
			t.Errorf("changes = %+v", ch)
		}
	})
	t.Run("recovery forgets the lead", func(t *testing.T) {
		_, mem := steps(
			snapAt(at("12:35"), failing("12:35"), fine("12:35")),
			snapAt(at("12:36"), failing("12:36"), fine("12:36")),
			snapAt(at("12:37"), vendorAt("vapi", "VAPI").reach(observe.ResultReachable, 401, at("12:37")), fine("12:37")),
		)
		open := mem.Open[vendorEpisode("vapi")]
		if vm := mem.Vendors["vapi"]; vm.Unreported != nil || vm.FailStreak != 0 || len(mem.Open) != 1 || open.State != StateClosing {
			t.Errorf("memory = %+v open %v; want the episode closing", vm, mem.Open)
		}
	})
}

func TestVendorIncident(t *testing.T) {
	t1 := at("14:00")
	in := incident("x1", "Elevated errors for multiple models", "major", t1)
	tests := []struct {
		name  string
		b     *vb
		kind  Kind
		sev   Severity
		title string
	}{
		{"keys work, minor trouble", vendorAt("anthropic", "Anthropic").page(observe.Degraded, "Minor", in).key("prod", false, observe.ResultOK, 200, "", t1),
			KindVendorIncident, SeverityInfo, "Anthropic: Elevated errors for multiple models (investigating); your keys work"},
		{"keys work, partial outage", vendorAt("anthropic", "Anthropic").page(observe.PartialOutage, "Partial", in).key("prod", false, observe.ResultOK, 200, "", t1),
			KindVendorIncident, SeverityWarning, "Anthropic: Elevated errors for multiple models (investigating); your keys work"},
		// A key that works does not make every key work: the dead one has
		// its own finding, and this one must not say otherwise.
		{"one key of two works", vendorAt("anthropic", "Anthropic").page(observe.Degraded, "Minor", in).key("prod", false, observe.ResultOK, 200, "", t1).
			key("batch", false, observe.ResultQuotaExceeded, 400, "invalid_request_error", t1),
			KindVendorIncident, SeverityInfo, "Anthropic: Elevated errors for multiple models (investigating); 1 of 2 keys work"},
		{"status only, partial outage", vendorAt("anthropic", "Anthropic").page(observe.PartialOutage, "Partial", in),
			KindVendorOutage, SeverityCritical, "Anthropic: Elevated errors for multiple models (investigating)"},
		{"status only, degraded", vendorAt("cloudflare", "Cloudflare").page(observe.Degraded, "Minor Service Outage"),
			KindVendorIncident, SeverityWarning, "Cloudflare reports degraded"},
		{"status only, incident while operational", vendorAt("github", "GitHub").page(observe.Operational, "All Systems Operational", incident("g", "Elevated errors on Fable 5", "minor", t1)),
			KindVendorIncident, SeverityInfo, "GitHub: Elevated errors on Fable 5 (investigating)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, _ := Assess(snapAt(t1, tt.b), Memory{})
			f := find(t, r, tt.kind)
			if f.Severity != tt.sev || f.Title != tt.title {
				t.Errorf("got %s %q, want %s %q", f.Severity, f.Title, tt.sev, tt.title)
			}
			failing := slices.ContainsFunc(tt.b.v.Keys, func(k observe.KeyResult) bool { return k.Result != observe.ResultOK })
			if failing && slices.ContainsFunc(append(f.Advice, f.Detail), func(s string) bool {
				return strings.Contains(strings.ToLower(s), "your keys work") || strings.Contains(s, "Our own requests still succeed")
			}) {
				t.Errorf("a vendor with a failing key is said to accept our keys: %s %q", f.Detail, f.Advice)
			}
		})
	}
}

func TestStatusSourceDown(t *testing.T) {
	t1 := at("12:45")
	tests := []struct {
		name   string
		b      *vb
		sev    Severity
		detail string
	}{
		{"unreachable", vendorAt("vapi", "VAPI").pageDown("dial: connect: connection refused").reach(observe.ResultReachable, 401, t1), SeverityWarning, "(unreachable)"},
		{"failing page", vendorAt("vapi", "VAPI").pageDown("HTTP 503 Service Unavailable").reach(observe.ResultReachable, 401, t1), SeverityWarning, "(the status page itself is failing)"},
		{"changed format", vendorAt("vapi", "VAPI").pageDown("statuspage: not a Statuspage document").reach(observe.ResultReachable, 401, t1), SeverityWarning, "(the answer is not in the expected format)"},
		{"slow", func() *vb {
			b := vendorAt("vapi", "VAPI").reach(observe.ResultReachable, 401, t1)
			b.v.Status.Sources[0].LatencyMS = 7200
			return b
		}(), SeverityInfo, "took over 5 s"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, _ := Assess(snapAt(t1, tt.b), Memory{})
			f := find(t, r, KindStatusSourceDown)
			if f.Severity != tt.sev || !strings.Contains(f.Detail, tt.detail) {
				t.Errorf("%s %q", f.Severity, f.Detail)
			}
			if len(r.Findings) != 1 {
				t.Errorf("a page problem made other findings: %v", kinds(r.Findings))
			}
		})
	}
}

// Remote text reaches findings only as one clean line.
func TestFindingsQuoteRemoteTextSafely(t *testing.T) {
	t1 := at("12:45")
	in := incident("x", "API down\x1b[2J\x1b]0;pwned\x07\nnext line", "critical", t1)
	in.LatestUpdate = "ok\u202etxt.exe"
	b := vendorAt("vapi", "VAPI").page(observe.MajorOutage, "Major\x1b[31m outage").reach(observe.ResultVendorError, 502, t1)
	b.v.Status.Incidents = []observe.Incident{in}
	r, _ := Assess(snapAt(t1, b, vendorAt("openai", "OpenAI").reach(observe.ResultReachable, 401, t1)), Memory{})
	for _, f := range r.Findings {
		for _, s := range append([]string{f.Title, f.Detail}, f.Advice...) {
			if strings.ContainsAny(s, "\x1b\x07\n\u202e") {
				t.Errorf("%s carries control characters: %q", f.Kind, s)
			}
		}
	}
	if f := find(t, r, KindVendorOutage); f.Title != "VAPI outage: API down next line (investigating)" {
		t.Errorf("title = %q", f.Title)
	}
}
