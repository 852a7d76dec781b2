package ui

import (
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/vendorwatch/vendorwatch/correlate"
)

// TestBellFollowsFindingIdentity checks that the bell tells findings apart
// as correlate does (Finding.Key), not by the vendors and keys they list:
// an account whose revoked keys are listed anew is the same finding, and
// a second key that vanished from the same vendor's list is another.
func TestBellFollowsFindingIdentity(t *testing.T) {
	rings := func(cmd tea.Cmd) int {
		msgs, _ := collect(cmd, time.Second)
		n := 0
		for _, msg := range msgs {
			if raw, ok := msg.(tea.RawMsg); ok && raw.Msg == bell {
				n++
			}
		}
		return n
	}
	account := func(keys ...string) correlate.Finding {
		return correlate.Finding{ID: "account_keys_revoked:openai:", Kind: correlate.KindAccountKeysRevoked, Severity: correlate.SeverityCritical,
			Vendors: []string{"openai"}, Keys: keys, Title: "OpenAI: all keys revoked at once"}
	}
	vanished := func(id string) correlate.Finding {
		// A key the config does not name: the finding lists no key, its ID
		// names the inventory's key id.
		return correlate.Finding{ID: "key_vanished:openai:" + id, Kind: correlate.KindKeyVanished, Severity: correlate.SeverityCritical,
			Vendors: []string{"openai"}, Keys: []string{}, Title: "OpenAI key vanished from the key list with no audit entry"}
	}
	m := New(&fakeBackend{}, Options{Now: func() time.Time { return now }})
	for _, s := range []struct {
		name     string
		findings []correlate.Finding
		want     int
	}{
		{"all keys revoked rings", []correlate.Finding{account("prod", "canary-1")}, 1},
		{"the same account listing one more key does not", []correlate.Finding{account("prod", "canary-1", "canary-2")}, 0},
		{"a key vanishing rings", []correlate.Finding{account("prod", "canary-1", "canary-2"), vanished("key_A")}, 1},
		{"another key vanishing rings again", []correlate.Finding{account("prod", "canary-1", "canary-2"), vanished("key_A"), vanished("key_B")}, 1},
	} {
		rep := incidentReport()
		rep.Findings = s.findings
		if got := rings(send(m, Update{Report: rep})); got != s.want {
			t.Errorf("%s: bell rang %d times, want %d", s.name, got, s.want)
		}
	}
}
