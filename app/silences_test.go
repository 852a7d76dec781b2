package app

import (
	"context"
	"testing"
	"time"

	"github.com/vendorwatch/vendorwatch/correlate"
	"github.com/vendorwatch/vendorwatch/history"
)

// The dashboard's 'a' stores a silence of the finding's vendor, kind and
// only key, by the OS user, for the duration typed.
func TestDashboardSilence(t *testing.T) {
	ctx := context.Background()
	store, err := history.Open(ctx, t.TempDir(), history.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	at := time.Date(2026, 5, 21, 12, 0, 0, 0, time.UTC)
	b := &MonitorBackend{store: store, now: func() time.Time { return at }}
	f := correlate.Finding{Kind: correlate.KindKeyRevoked, Vendors: []string{"openai"}, Keys: []string{"prod"}}
	sl, err := b.Silence(ctx, f, 2*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	got, err := store.Silences(ctx, at.Add(time.Minute), false)
	if err != nil || len(got) != 1 {
		t.Fatalf("stored: %+v %v", got, err)
	}
	s := got[0]
	if s.ID != sl.ID || s.Vendor != "openai" || s.Kind != correlate.KindKeyRevoked || s.Key != "prod" || s.By != Who() ||
		!s.Until.Equal(at.Add(2*time.Hour)) || s.Comment != DashboardComment {
		t.Errorf("stored %+v", s)
	}
	if !s.Matches(f) {
		t.Error("the silence does not match its finding")
	}
	if _, err := (&MonitorBackend{}).Silence(ctx, f, time.Hour); err == nil {
		t.Error("a backend without a history silenced")
	}
}
