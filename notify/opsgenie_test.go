package notify

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/vendorwatch/vendorwatch/correlate"
	"github.com/vendorwatch/vendorwatch/internal/redact"
)

// fakeGenieKey is shaped like an Opsgenie API integration key.
const fakeGenieKey = "0f4f4k3a-1b2c-4d5e-8f90-abcdef123456"

// fakeOpsgenie checks requests against the Alert API (docs.opsgenie.com,
// "Alert API": create alert, close alert by alias) and answers 202 as it
// does. It keeps the open alerts by alias.
type fakeOpsgenie struct {
	t     *testing.T
	mu    sync.Mutex
	open  map[string]ogAlert
	calls []string
	raw   []string
}

func (f *fakeOpsgenie) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	f.mu.Lock()
	defer f.mu.Unlock()
	f.raw = append(f.raw, string(body))
	refuse := func(code int, msg string) {
		f.t.Errorf("Opsgenie would refuse %s %s: %s\n%s", r.Method, r.URL, msg, body)
		w.WriteHeader(code)
		io.WriteString(w, `{"message":"`+msg+`","took":0.001,"requestId":"r"}`)
	}
	if r.Header.Get("Authorization") != "GenieKey "+fakeGenieKey {
		refuse(http.StatusUnauthorized, "Could not authenticate")
		return
	}
	if r.Method != http.MethodPost || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		refuse(http.StatusBadRequest, "not a JSON POST")
		return
	}
	dec := json.NewDecoder(strings.NewReader(string(body)))
	dec.DisallowUnknownFields()
	switch {
	case r.URL.Path == "/v2/alerts":
		var a ogAlert
		if err := dec.Decode(&a); err != nil {
			refuse(http.StatusUnprocessableEntity, err.Error())
			return
		}
		if a.Message == "" || len([]rune(a.Message)) > 130 || len(a.Alias) > 512 || !strings.Contains("P1 P2 P3 P4 P5", a.Priority) || a.Priority == "" {
			refuse(http.StatusUnprocessableEntity, "message (≤130), alias (≤512) and priority P1..P5")
			return
		}
		if _, dup := f.open[a.Alias]; !dup {
			f.open[a.Alias] = a
		}
		f.calls = append(f.calls, "create "+a.Alias)
	case strings.HasPrefix(r.URL.Path, "/v2/alerts/") && strings.HasSuffix(r.URL.Path, "/close"):
		if r.URL.Query().Get("identifierType") != "alias" {
			refuse(http.StatusBadRequest, "identifierType must be alias")
			return
		}
		var c ogClose
		if err := dec.Decode(&c); err != nil {
			refuse(http.StatusUnprocessableEntity, err.Error())
			return
		}
		alias := strings.TrimSuffix(strings.TrimPrefix(r.URL.Path, "/v2/alerts/"), "/close")
		delete(f.open, alias)
		f.calls = append(f.calls, "close "+alias)
	default:
		refuse(http.StatusNotFound, "no such endpoint")
		return
	}
	w.WriteHeader(http.StatusAccepted)
	io.WriteString(w, `{"result":"Request will be processed","took":0.302,"requestId":"43a29c5c-3dbf-4fa4-9c26-f4f71023e120"}`)
}

// A finding that opens, escalates and closes is one Opsgenie alert:
// created with the finding's alias (the escalation folds into it), then
// closed by that alias.
func TestOpsgenieAliasAndClose(t *testing.T) {
	fake := &fakeOpsgenie{t: t, open: map[string]ogAlert{}}
	srv := httptest.NewServer(fake)
	defer srv.Close()
	og := &Opsgenie{APIKey: fakeGenieKey, URL: srv.URL + "/", Source: "oncall-box"}
	d := New([]Notifier{{Name: "og", Sender: og, Quiet: -1}}, Options{})
	redact.Register(notifyKey)
	warn := with(revoked, correlate.SeverityWarning)
	warn.Detail += " (echoed " + notifyKey + ")"
	crit := revoked
	crit.Detail = warn.Detail
	for _, r := range []correlate.Report{report("10:00"), report("10:01", warn), report("10:02", crit), report("10:03")} {
		d.Observe(r)
	}
	if err := d.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	alias := "vendorwatch:key_revoked:openai:prod"
	want := []string{"create " + alias, "create " + alias, "close " + alias}
	if strings.Join(fake.calls, "|") != strings.Join(want, "|") {
		t.Fatalf("calls %v, want %v", fake.calls, want)
	}
	if len(fake.open) != 0 {
		t.Errorf("alerts left open: %v", fake.open)
	}
	var first ogAlert
	_ = json.Unmarshal([]byte(fake.raw[0]), &first)
	if first.Message != "Warning opened: OpenAI key prod revoked" || first.Priority != "P3" || first.Entity != "openai" ||
		first.Source != "oncall-box" || !strings.Contains(first.Description, "→ Look in your mail") || first.Details["finding_id"] != "key_revoked:openai:prod" {
		t.Errorf("alert = %+v", first)
	}
	for _, raw := range fake.raw {
		noNotifyKey(t, "an Opsgenie request", raw)
	}
}

// An Opsgenie refusal is an error without the API key.
func TestOpsgenieErrorHidesTheKey(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusUnauthorized)
		io.WriteString(w, `{"message":"Key `+strings.TrimPrefix(r.Header.Get("Authorization"), "GenieKey ")+` is not valid"}`)
	}))
	defer srv.Close()
	err := (&Opsgenie{APIKey: fakeGenieKey, URL: srv.URL}).Send(context.Background(), openedEvent())
	if err == nil || !strings.Contains(err.Error(), "Opsgenie answered HTTP 401") || strings.Contains(err.Error(), fakeGenieKey) {
		t.Fatalf("err = %v", err)
	}
}

func TestOpsgeniePriorities(t *testing.T) {
	for sev, want := range map[correlate.Severity]string{correlate.SeverityCritical: "P1", correlate.SeverityWarning: "P3", correlate.SeverityInfo: "P5"} {
		if got := ogPriority(sev); got != want {
			t.Errorf("%s maps to %s, want %s", sev, got, want)
		}
	}
}
