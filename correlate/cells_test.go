package correlate

import (
	"testing"

	"github.com/vendorwatch/vendorwatch/observe"
)

func TestReachCell(t *testing.T) {
	tests := []struct {
		r     *observe.Reachability
		text  string
		level Level
	}{
		{nil, "-", LevelUnknown},
		{&observe.Reachability{Result: observe.ResultReachable, HTTPStatus: 401}, "ok", LevelOK},
		{&observe.Reachability{Result: observe.ResultVendorError, HTTPStatus: 502}, "vendor error", LevelWarning},
		{&observe.Reachability{Result: observe.ResultNetworkError}, "network error", LevelWarning},
		{&observe.Reachability{Result: observe.ResultTimeout}, "timeout", LevelWarning},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			if text, level := ReachCell(tt.r); text != tt.text || level != tt.level {
				t.Errorf("ReachCell = %q, %s; want %q, %s", text, level, tt.text, tt.level)
			}
		})
	}
}

func TestKeysCell(t *testing.T) {
	key := func(r observe.Result) observe.KeyResult { return observe.KeyResult{Name: string(r), Result: r} }
	tests := []struct {
		name  string
		keys  []observe.KeyResult
		text  string
		level Level
	}{
		{"no keys", nil, "-", LevelUnknown},
		{"all ok", []observe.KeyResult{key(observe.ResultOK), key(observe.ResultOK)}, "2 ok", LevelOK},
		{"one dead", []observe.KeyResult{key(observe.ResultInvalidKey), key(observe.ResultOK)}, "1/2 failing", LevelCritical},
		{"throttled", []observe.KeyResult{key(observe.ResultRateLimited)}, "1/1 failing", LevelWarning},
		{"no permission is a warning", []observe.KeyResult{key(observe.ResultNoPermission), key(observe.ResultOK)}, "1/2 failing", LevelWarning},
		{"the worst counts", []observe.KeyResult{key(observe.ResultVendorError), key(observe.ResultQuotaExceeded), key(observe.ResultOK)}, "2/3 failing", LevelCritical},
		{"not checked yet", []observe.KeyResult{key(""), key(observe.ResultOK)}, "1 ok, 1 not tried", LevelOK},
		{"a secret that did not resolve was never sent", []observe.KeyResult{key(observe.ResultNoSecret)}, "1 not tried", LevelWarning},
		{"beside a dead key", []observe.KeyResult{key(observe.ResultNoSecret), key(observe.ResultInvalidKey), key(observe.ResultOK)}, "1/2 failing, 1 not tried", LevelCritical},
		{"an answer that says neither way", []observe.KeyResult{key(observe.ResultUnexpected), key(observe.ResultOK)}, "1 ok, 1 unclear", LevelWarning},
		{"our network down", []observe.KeyResult{key(observe.ResultNetworkError), key(observe.ResultNetworkError)}, "2 not tried", LevelUnknown},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			down := tt.name == "our network down"
			if text, level := KeysCell(tt.keys, down); text != tt.text || level != tt.level {
				t.Errorf("KeysCell = %q, %s; want %q, %s", text, level, tt.text, tt.level)
			}
		})
	}
}

// A request that got no answer is a failure of the vendor's unless our
// own network is down.
func TestKeysCellNetworkErrorCountsWhenTheNetworkIsUp(t *testing.T) {
	keys := []observe.KeyResult{{Name: "prod", Result: observe.ResultNetworkError}}
	if text, level := KeysCell(keys, false); text != "1/1 failing" || level != LevelCritical && level != LevelWarning {
		t.Errorf("KeysCell = %q, %s", text, level)
	}
}

func TestSourceCell(t *testing.T) {
	ok := observe.Source{URL: "https://status.example.test", Format: "statuspage", OK: true, LatencyMS: 182}
	detected := observe.Source{URL: "https://status.example.test", Format: "betterstack", Detected: true, OK: true, LatencyMS: 2400}
	failed := observe.Source{URL: "https://status.example.test/feed", Format: "rss", Error: "HTTP 503\x1b[31m from the page", LatencyMS: 90}
	tests := []struct {
		name    string
		sources []observe.Source
		text    string
		level   Level
	}{
		{"none", nil, "-", LevelUnknown},
		{"ok", []observe.Source{ok}, "statuspage 182ms", LevelOK},
		{"detected", []observe.Source{detected}, "betterstack (detected) 2.4s", LevelOK},
		{"no format", []observe.Source{{OK: true, LatencyMS: 5}}, "auto 5ms", LevelOK},
		{"a failed source leads", []observe.Source{ok, failed}, "error: HTTP 503 from the page", LevelWarning},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if text, level := SourceCell(observe.Status{Sources: tt.sources}); text != tt.text || level != tt.level {
				t.Errorf("SourceCell = %q, %s; want %q, %s", text, level, tt.text, tt.level)
			}
		})
	}
}

func TestLatency(t *testing.T) {
	for ms, want := range map[int64]string{0: "0ms", 90: "90ms", 999: "999ms", 1000: "1.0s", 2400: "2.4s", 12345: "12.3s"} {
		if got := Latency(ms); got != want {
			t.Errorf("Latency(%d) = %q, want %q", ms, got, want)
		}
	}
}
