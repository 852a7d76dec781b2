package correlate

import (
	"testing"
	"time"

	"github.com/vendorwatch/vendorwatch/observe"
)

// A key's streak is counted once, here: every report shows how many checks
// in a row gave its result and since when, across processes (the memory
// is saved as JSON), and a new result or a rotated key starts a new run.
func TestKeyStreaks(t *testing.T) {
	t.Parallel()
	check := func(tm time.Time, r observe.Result, fingerprint string) observe.Snapshot {
		v := vendorAt("openai", "OpenAI").key("prod", false, r, 401, "invalid_api_key", tm)
		if fingerprint != "" {
			v.v.Keys[0].Fingerprint = fingerprint
		}
		return snapAt(tm, v)
	}
	streak := func(rep Report) (int, time.Time) {
		k := rep.Vendors[0].Keys[0]
		return k.Consecutive, k.Since
	}
	reps, mem := steps(check(at("10:57"), observe.ResultInvalidKey, ""), check(at("10:58"), observe.ResultInvalidKey, ""))
	if n, since := streak(reps[0]); n != 1 || !since.Equal(at("10:57")) {
		t.Errorf("first check: ×%d since %v", n, since)
	}
	if n, since := streak(reps[1]); n != 2 || !since.Equal(at("10:57")) {
		t.Errorf("second check: ×%d since %v, want ×2 since 10:57", n, since)
	}

	// The same check assessed again is not counted twice.
	again, _ := Assess(check(at("10:58"), observe.ResultInvalidKey, ""), mem)
	if n, _ := streak(again); n != 2 {
		t.Errorf("the same check assessed twice: ×%d, want ×2", n)
	}

	// A later process continues from the saved memory.
	loaded := saved(t, mem)
	rep, loaded := Assess(check(at("10:59"), observe.ResultInvalidKey, ""), loaded)
	if n, since := streak(rep); n != 3 || !since.Equal(at("10:57")) {
		t.Errorf("after a restart: ×%d since %v, want ×3 since 10:57", n, since)
	}
	if f := find(t, rep, KindKeyRevoked); f.Since.IsZero() || !f.Since.Equal(at("10:57")) {
		t.Errorf("the finding says since %v; the streak began at 10:57", f.Since)
	}

	// The key comes back: a new run.
	rep, loaded = Assess(check(at("11:00"), observe.ResultOK, ""), loaded)
	if n, since := streak(rep); n != 1 || !since.Equal(at("11:00")) {
		t.Errorf("recovered: ×%d since %v", n, since)
	}

	// Rotated under the same name, with the same result: the new key's run.
	rep, _ = Assess(check(at("11:01"), observe.ResultOK, "sk-proj-…Zz9Q"), loaded)
	if n, since := streak(rep); n != 1 || !since.Equal(at("11:01")) {
		t.Errorf("rotated: ×%d since %v", n, since)
	}
}

// Assess never changes the snapshot it is given: the streaks go into the
// report's copy of the keys.
func TestStreaksLeaveTheSnapshotAlone(t *testing.T) {
	t.Parallel()
	snap := snapAt(at("10:57"), vendorAt("openai", "OpenAI").key("prod", false, observe.ResultInvalidKey, 401, "invalid_api_key", at("10:57")))
	Assess(snap, Memory{})
	if k := snap.Vendors[0].Keys[0]; k.Consecutive != 0 || !k.Since.IsZero() {
		t.Errorf("the snapshot's key changed: ×%d since %v", k.Consecutive, k.Since)
	}
}
