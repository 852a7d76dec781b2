package history

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vendorwatch/vendorwatch/correlate"
	"github.com/vendorwatch/vendorwatch/internal/redact"
	"github.com/vendorwatch/vendorwatch/internal/zstdpack"
	"github.com/vendorwatch/vendorwatch/observe"
	"github.com/vendorwatch/vendorwatch/statusline"
)

// historyKey is registered by the test below; no other test uses it.
const historyKey = "sk-ant-api03-HistoryTestKeyNotReal0123456789abcdefghijklmnopqrstuvwxyz-ABCDEFGHigAA"

// A secret registered with the redactor reaches none of the files of the
// state dir, whichever write carries it: the stored report and memory,
// events (incident text, key messages), inventory events, the outbox's
// payloads, notifier state and last errors, the snapshot and the line
// digest. The raw bytes of every file are searched, the database's
// write-ahead log included.
func TestNoSecretReachesTheStateDir(t *testing.T) {
	redact.Register(historyKey)
	// As a vendor echoes it: split by a zero-width space and an SGR reset.
	echo := historyKey[:25] + "\u200b" + historyKey[25:50] + "\x1b[0m" + historyKey[50:]
	dir := t.TempDir()
	s := open(t, dir, Options{Digest: func(r correlate.Report) ([]byte, error) {
		return []byte(r.Vendors[0].Keys[0].Message), nil
	}})
	ctx := context.Background()

	v := vendorResult("anthropic", "Anthropic", observe.MajorOutage)
	v.Status.Incidents = []observe.Incident{{ID: "i1", Title: "Keys like " + echo + " rejected", Status: "investigating",
		Updates: []observe.Update{{Status: "investigating", Body: "We see " + echo, At: at("12:40")}}}}
	v.Keys = []observe.KeyResult{{Name: "prod", Fingerprint: "sk-ant-api03-…igAA", Result: observe.ResultInvalidKey, HTTPStatus: 401,
		Code: "authentication_error", Message: "invalid x-api-key " + echo, CheckedAt: at("12:40")}}
	v.Inventory = &observe.Inventory{Source: observe.SourceOpenAIAdmin, Result: observe.ResultOK, CheckedAt: at("12:40"), ListedAt: at("12:40"),
		Keys: []observe.InventoryKey{{ID: "key_1", Name: "named " + echo, Kind: observe.InventoryProjectKey, Redacted: "sk-ant-api03-…igAA"}}}
	// Quiet vendors beside it make the report a packed row (statecodec.go),
	// which the redactor must read before it is compressed.
	fleet := func(t time.Time) observe.Snapshot {
		return snapshot(t, append([]observe.VendorResult{v}, quietFleet(60, t, true).Vendors...)...)
	}
	assess(t, s, fleet(at("12:40")))
	v.Keys[0].CheckedAt, v.Inventory.CheckedAt, v.Inventory.ListedAt = at("12:41"), at("12:41"), at("12:41")
	v.Inventory.Keys = nil // the key left the list: an inventory event
	assess(t, s, fleet(at("12:41")))
	if raw := rawState(t, s, stateReport); !zstdpack.Is(raw) {
		t.Fatal("the stored report is not packed: the test no longer covers packed rows")
	}

	ob := s.Outbox()
	if err := ob.Queue(ctx, "slack", []byte(`{"last":"`+echo+`"}`), []Delivery{delivery("key_revoked:anthropic:prod", `{"text":"`+echo+`"}`, at("12:41"))}); err != nil {
		t.Fatal(err)
	}
	pending, err := ob.Pending(ctx, "slack", 10)
	if err != nil || len(pending) != 1 {
		t.Fatalf("pending %v, %v", pending, err)
	}
	if err := ob.Retry(ctx, pending[0].ID, at("12:50"), "the webhook answered HTTP 400: "+echo); err != nil {
		t.Fatal(err)
	}

	st, err := s.Load(ctx)
	if err != nil {
		t.Fatalf("the redacted state no longer loads: %v", err)
	}
	if msg := st.Report.Vendors[0].Keys[0].Message; msg != "invalid x-api-key [redacted]" {
		t.Errorf("stored key message = %q", msg)
	}
	secret := historyKey[len("sk-ant-api03-"):]
	for _, name := range []string{stateMemory, stateBaseline, stateObserved, stateReport, stateSeed} {
		row := storedState(t, s, name)
		for i := 0; i+12 <= len(secret); i++ {
			if bytes.Contains(row, []byte(secret[i:i+12])) {
				t.Fatalf("the stored %s holds %q of the key", name, secret[i:i+12])
			}
		}
	}
	s.Close()
	files, _ := filepath.Glob(filepath.Join(dir, "*"))
	for _, want := range []string{DatabaseFile, SnapshotFile, statusline.DigestFile} {
		if _, err := os.Stat(filepath.Join(dir, want)); err != nil {
			t.Errorf("no %s written: %v", want, err)
		}
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i+12 <= len(secret); i++ {
			if strings.Contains(string(b), secret[i:i+12]) {
				t.Fatalf("%s holds %q of the key", filepath.Base(f), secret[i:i+12])
			}
		}
	}
}

// Every write of the package goes through exec, which redacts: a new
// statement that calls ExecContext itself would bypass the redactor.
func TestEveryWriteIsRedacted(t *testing.T) {
	files, _ := filepath.Glob("*.go")
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") || f == "redact.go" {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(b), ".ExecContext(") || strings.Contains(string(b), ".Exec(") {
			t.Errorf("%s writes to the database without exec (history/redact.go)", f)
		}
	}
}
