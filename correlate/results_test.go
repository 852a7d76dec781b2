package correlate

import (
	"testing"

	"github.com/vendorwatch/vendorwatch/observe"
)

// allResults are the probe results of DESIGN §3, and no result yet.
var allResults = []observe.Result{
	observe.ResultOK, observe.ResultReachable, observe.ResultInvalidKey, observe.ResultAccountDisabled,
	observe.ResultQuotaExceeded, observe.ResultRateLimited, observe.ResultVendorError, observe.ResultTimeout,
	observe.ResultNetworkError, observe.ResultNoSecret, observe.ResultNoPermission, observe.ResultMisconfigured,
	observe.ResultUnexpected, "",
}

func TestResultLevelAndWord(t *testing.T) {
	tests := []struct {
		r     observe.Result
		level Level
		word  string
	}{
		{observe.ResultOK, LevelOK, "ok"},
		{observe.ResultReachable, LevelOK, "reachable"},
		{observe.ResultInvalidKey, LevelCritical, "invalid key"},
		{observe.ResultAccountDisabled, LevelCritical, "account disabled"},
		{observe.ResultQuotaExceeded, LevelCritical, "quota exceeded"},
		{observe.ResultRateLimited, LevelWarning, "rate limited"},
		{observe.ResultVendorError, LevelWarning, "vendor error"},
		{observe.ResultTimeout, LevelWarning, "timeout"},
		{observe.ResultNetworkError, LevelWarning, "network error"},
		{observe.ResultNoSecret, LevelWarning, "no secret"},
		// Issue 14: these three were critical on the dashboard and
		// warnings everywhere else; they are warnings everywhere now.
		{observe.ResultNoPermission, LevelWarning, "no permission"},
		{observe.ResultMisconfigured, LevelWarning, "misconfigured"},
		{observe.ResultUnexpected, LevelWarning, "unexpected"},
		{"", LevelUnknown, "not checked"},
		// A result a newer vendorwatch may send is worth a look.
		{"brand_new", LevelWarning, "brand new"},
	}
	if len(tests) != len(allResults)+1 {
		t.Fatalf("the test covers %d results, observe has %d", len(tests)-1, len(allResults))
	}
	for _, tt := range tests {
		t.Run(string(tt.r), func(t *testing.T) {
			if got := ResultLevel(tt.r); got != tt.level {
				t.Errorf("ResultLevel = %q, want %q", got, tt.level)
			}
			if got := ResultWord(tt.r); got != tt.word {
				t.Errorf("ResultWord = %q, want %q", got, tt.word)
			}
		})
	}
	for _, r := range allResults {
		if _, ok := results[r]; !ok {
			t.Errorf("result %q is not in the results table", r)
		}
	}
}

// TestResultLevelAgreesWithFindings holds the rules to the results table:
// a key with one result, probed for three checks while the vendor's page
// is calm and another vendor answers, gets findings whose severity is the
// result's level. ok, reachable and no result file nothing; neither does
// unexpected, for which no finding kind exists: its key is drawn as a
// warning, but its vendor's level is not raised.
func TestResultLevelAgreesWithFindings(t *testing.T) {
	silent := map[observe.Result]bool{observe.ResultOK: true, observe.ResultReachable: true, observe.ResultUnexpected: true, "": true}
	for _, r := range allResults {
		t.Run(string(r), func(t *testing.T) {
			var snaps []observe.Snapshot
			for _, ts := range []string{"10:00", "10:01", "10:02"} {
				tm := at(ts)
				snaps = append(snaps, snapAt(tm,
					vendorAt("acme", "Acme").key("prod", false, r, 401, "invalid_api_key", tm),
					vendorAt("calm", "Calm").reach(observe.ResultReachable, 401, tm)))
			}
			reps, _ := steps(snaps...)
			rep := reps[len(reps)-1]
			fs := rep.FindingsFor("acme")
			if silent[r] {
				if len(fs) > 0 {
					t.Fatalf("%q files %v; extend the test to check its severity", r, kinds(fs))
				}
				return
			}
			if len(fs) == 0 {
				t.Fatalf("%q files no finding", r)
			}
			for _, f := range fs {
				if f.Severity.Level() != ResultLevel(r) {
					t.Errorf("%s is %s, but the results table says %q is %s", f.Kind, f.Severity, r, ResultLevel(r))
				}
			}
			if v, _ := rep.Vendor("acme"); v.Level != ResultLevel(r) {
				t.Errorf("acme's level is %s, want %s", v.Level, ResultLevel(r))
			}
		})
	}
}
