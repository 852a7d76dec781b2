package correlate

import "testing"

func TestVerdict(t *testing.T) {
	f := func(kind Kind, sev Severity, state State, title string) Finding {
		return Finding{ID: string(kind) + ":" + title, Kind: kind, Severity: sev, State: state, Title: title}
	}
	tests := []struct {
		name    string
		overall Level
		fs      []Finding
		want    string
	}{
		{"nothing wrong", LevelOK, nil, "OK"},
		{"info is no trouble", LevelOK, []Finding{f(KindKeyExpiring, SeverityInfo, StateOpen, "OpenAI key prod expires in 20 days")}, "OK"},
		{"a vendor outage", LevelCritical, []Finding{f(KindVendorOutage, SeverityCritical, StateOpen, "VAPI outage")}, "THEM: VAPI outage"},
		{"our network explains the rest", LevelCritical, []Finding{
			f(KindVendorOutage, SeverityCritical, StateOpen, "VAPI outage"),
			f(KindNetworkLocal, SeverityCritical, StateOpen, "our network"),
		}, "US: our network (+1 more)"},
		{"a dead key before an outage", LevelCritical, []Finding{
			f(KindVendorOutage, SeverityCritical, StateOpen, "VAPI outage"),
			f(KindKeyRevoked, SeverityCritical, StateOpen, "OpenAI key prod revoked"),
			f(KindUpstreamImpact, SeverityWarning, StateOpen, "VAPI may be hit by OpenAI"),
		}, "KEY: OpenAI key prod revoked (+2 more)"},
		// "Do not rotate yet": the vendor's incident is the answer until
		// it no longer excuses the rejections.
		{"a key rejected during the vendor's incident", LevelWarning, []Finding{
			f(KindKeyRejectedDuringIncident, SeverityWarning, StateOpen, "OpenAI rejects key prod during its incident"),
			f(KindVendorIncident, SeverityWarning, StateOpen, "OpenAI: Elevated authentication errors"),
		}, "THEM: OpenAI rejects key prod during its incident (+1 more)"},
		{"severity first", LevelCritical, []Finding{
			f(KindKeyNoPermission, SeverityWarning, StateOpen, "OpenAI key restricted lacks permission"),
			f(KindVendorOutage, SeverityCritical, StateOpen, "VAPI outage"),
		}, "THEM: VAPI outage (+1 more)"},
		{"seen once is confirming, not healthy", LevelOK, []Finding{f(KindVendorOutageUnreported, SeverityWarning, StatePending, "VAPI failing")},
			"THEM: VAPI failing (confirming)"},
		{"an open finding beats a pending one", LevelWarning, []Finding{
			f(KindStatusSourceDown, SeverityWarning, StatePending, "GitHub status page unreadable"),
			f(KindQuotaExceeded, SeverityWarning, StateOpen, "OpenAI out of credit"),
		}, "US: OpenAI out of credit"},
		{"recovering", LevelOK, []Finding{f(KindVendorOutage, SeverityCritical, StateClosing, "VAPI outage")}, "OK, recovering from: VAPI outage"},
		{"nothing could be checked", LevelUnknown, nil, "UNKNOWN: nothing could be checked"},
		{"an unreadable page", LevelWarning, []Finding{f(KindStatusSourceDown, SeverityWarning, StateOpen, "GitHub status page unreadable")},
			"UNKNOWN: GitHub status page unreadable"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := VerdictOf(Report{Overall: tt.overall, Findings: tt.fs}).String(); got != tt.want {
				t.Errorf("verdict %q, want %q", got, tt.want)
			}
		})
	}
}
