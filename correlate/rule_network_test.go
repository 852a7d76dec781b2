package correlate

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vendorwatch/vendorwatch/observe"
)

func TestNetworkFailure(t *testing.T) {
	for text, want := range map[string]bool{
		"timed out":                          true,
		"DNS: no such host status.vapi.ai":   true,
		"dial: connect: connection refused":  true,
		"read: connection reset by peer":     true,
		"tls: failed to verify certificate":  true,
		"HTTP 503 Service Unavailable":       false,
		"HTTP 404 Not Found":                 false,
		"statuspage: unexpected end of JSON": false,
		"":                                   false,
	} {
		if got := networkFailure(text); got != want {
			t.Errorf("networkFailure(%q) = %v, want %v", text, got, want)
		}
	}
}

func TestNetworkLocal(t *testing.T) {
	type mk func(t time.Time) *vb
	unreachable := func(id string) mk {
		return func(tm time.Time) *vb {
			return vendorAt(id, id).pageDown("DNS: no such host status."+id+".test").reach(observe.ResultNetworkError, 0, tm).key("prod", false, observe.ResultNetworkError, 0, "", tm)
		}
	}
	fine := func(id string) mk {
		return func(tm time.Time) *vb { return vendorAt(id, id).reach(observe.ResultReachable, 401, tm) }
	}
	failing503 := func(id string) mk {
		return func(tm time.Time) *vb {
			return vendorAt(id, id).pageDown("HTTP 503 Service Unavailable").reach(observe.ResultVendorError, 503, tm)
		}
	}
	tests := []struct {
		name    string
		vendors []mk
		want    bool
		overall Level
	}{
		{"everything unreachable", []mk{unreachable("openai"), unreachable("vapi"), unreachable("anthropic")}, true, LevelCritical},
		{"most unreachable", []mk{unreachable("openai"), unreachable("vapi"), unreachable("anthropic"), fine("github")}, true, LevelCritical},
		{"two hosts are not enough", []mk{unreachable("openai"), fine("github")}, false, LevelWarning},
		{"HTTP errors are answers", []mk{failing503("a"), failing503("b"), failing503("c")}, false, LevelUnknown},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var mem Memory
			var r Report
			for i := range 3 { // several checks: streaks must not blame vendors either
				tm := at("15:00").Add(time.Duration(i) * time.Minute)
				var vs []*vb
				for _, v := range tt.vendors {
					vs = append(vs, v(tm))
				}
				r, mem = Assess(snapAt(tm, vs...), mem)
			}
			if got := has(r, KindNetworkLocal); got != tt.want {
				t.Fatalf("network_local = %v, want %v; findings %v", got, tt.want, kinds(r.Findings))
			}
			if r.Overall != tt.overall {
				t.Errorf("overall = %s, want %s", r.Overall, tt.overall)
			}
			if !tt.want {
				return
			}
			if len(r.Findings) != 1 {
				t.Errorf("vendors were blamed: %v", kinds(r.Findings))
			}
			f := r.Findings[0]
			if len(f.Vendors) != 0 || f.Severity != SeverityCritical || !strings.Contains(f.Detail, "DNS: no such host") {
				t.Errorf("finding = %+v", f)
			}
			for _, v := range r.Vendors {
				if v.Level != LevelUnknown && v.Level != LevelOK {
					t.Errorf("vendor %s level %s: blamed", v.ID, v.Level)
				}
			}
		})
	}
}

func TestUpstreamImpact(t *testing.T) {
	t1 := at("10:57")
	vapi := func() *vb {
		return vendorAt("vapi", "VAPI").dependsOn("openai").reach(observe.ResultReachable, 401, t1).key("prod", false, observe.ResultOK, 200, "", t1)
	}
	t.Run("our OpenAI key is revoked", func(t *testing.T) {
		openai := vendorAt("openai", "OpenAI").reach(observe.ResultReachable, 401, t1).key("prod", false, observe.ResultInvalidKey, 401, "invalid_api_key", t1)
		r, _ := Assess(snapAt(t1, openai, vapi()), Memory{})
		f := find(t, r, KindUpstreamImpact)
		if !slices.Equal(f.Vendors, []string{"vapi"}) || f.Title != "VAPI may be hit by OpenAI: OpenAI key prod revoked" || !f.Since.Equal(t1) {
			t.Errorf("finding = %+v", f)
		}
		if !strings.Contains(f.Advice[0], "If VAPI holds your OpenAI key, put the new key into VAPI") {
			t.Errorf("advice = %q", f.Advice)
		}
		if v, _ := r.Vendor("vapi"); v.Level != LevelWarning {
			t.Errorf("vapi level = %s", v.Level)
		}
	})
	t.Run("OpenAI is down", func(t *testing.T) {
		openai := vendorAt("openai", "OpenAI").page(observe.MajorOutage, "Major", incident("o1", "API unavailable", "critical", t1)).reach(observe.ResultVendorError, 503, t1)
		r, _ := Assess(snapAt(t1, openai, vapi()), Memory{})
		f := find(t, r, KindUpstreamImpact)
		if !strings.Contains(f.Advice[0], "may be OpenAI's outage") || !strings.Contains(f.Detail, "OpenAI outage: API unavailable") {
			t.Errorf("finding = %+v", f)
		}
	})
	t.Run("a healthy upstream is said to be healthy", func(t *testing.T) {
		openai := vendorAt("openai", "OpenAI").reach(observe.ResultReachable, 401, t1).key("prod", false, observe.ResultOK, 200, "", t1)
		down := vendorAt("vapi", "VAPI").dependsOn("openai").page(observe.MajorOutage, "Major", incident("v", "API down", "critical", t1)).reach(observe.ResultVendorError, 502, t1)
		r, _ := Assess(snapAt(t1, openai, down), Memory{})
		if has(r, KindUpstreamImpact) {
			t.Errorf("upstream_impact without an upstream cause: %v", kinds(r.Findings))
		}
		f := find(t, r, KindVendorOutage)
		if !strings.Contains(f.Detail, "Its upstream OpenAI (status page operational, our keys work) looks healthy, so this is VAPI's own trouble.") {
			t.Errorf("detail = %s", f.Detail)
		}
	})
	t.Run("an upstream incident that does not hit our keys is not an impact", func(t *testing.T) {
		openai := vendorAt("openai", "OpenAI").page(observe.Degraded, "Minor", incident("o2", "Slow fine-tuning", "minor", t1)).key("prod", false, observe.ResultOK, 200, "", t1)
		r, _ := Assess(snapAt(t1, openai, vapi()), Memory{})
		if has(r, KindUpstreamImpact) {
			t.Errorf("findings = %v", kinds(r.Findings))
		}
	})
}
