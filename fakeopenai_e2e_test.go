package main

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vendorwatch/vendorwatch/internal/fixture"
	"github.com/vendorwatch/vendorwatch/providers/vendortest"
)

// Keys of the scenario tests, shaped like OpenAI's. None is real.
var (
	prodKey    = fixture.OpenAIKey
	canary1Key = inventoryKeys["openai-canary"]
	canary2Key = "sk-svcacct-Wq4Zr7Tn1Vb6Xm3Cd8Fg5Jh0Ks2Lq7Wp4Zr9Tn1VbHk2Lp9Cn2B"
	batchKey   = inventoryKeys["openai-batch"]
	adminKey   = fixture.AdminKey
)

// fakeOpenAI is OpenAI on loopback: its status page (the recorded summary
// of 2026-09-24, with what a step puts on it) and its API. GET /v1/models,
// the key probe, answers each key with OpenAI's recorded bodies: 200 for a
// live key, 503 server_is_overloaded for an overloaded one, the 401
// invalid_api_key of a revoked key for any other (and for no key: the API
// is reachable). Everything else goes to admin, the fake Admin API, when
// there is one; with auditFails its audit log answers 500.
type fakeOpenAI struct {
	*httptest.Server
	admin http.Handler

	mu         sync.Mutex
	page       []byte
	live       map[string]bool
	overloaded map[string]bool
	auditFails bool
	// uses counts the requests that carried each key, whatever they asked.
	uses map[string]int
}

// usesOf is how many requests carried key.
func (o *fakeOpenAI) usesOf(key string) int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.uses[key]
}

func newFakeOpenAI(t *testing.T, admin http.Handler, live ...string) *fakeOpenAI {
	t.Helper()
	o := &fakeOpenAI{admin: admin, page: openaiPage(t, "none", "All Systems Operational", nil), live: map[string]bool{}, overloaded: map[string]bool{}}
	for _, k := range live {
		o.live[k] = true
	}
	o.Server = httptest.NewServer(o)
	t.Cleanup(o.Close)
	return o
}

// set changes what the fake answers from the next request on.
func (o *fakeOpenAI) set(f func(o *fakeOpenAI)) {
	o.mu.Lock()
	defer o.mu.Unlock()
	f(o)
}

func (o *fakeOpenAI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	o.mu.Lock()
	page, key := o.page, strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
	live, overloaded, auditFails := o.live[key], o.overloaded[key], o.auditFails
	if o.uses == nil {
		o.uses = map[string]int{}
	}
	o.uses[key]++
	o.mu.Unlock()
	reply := func(status int, file string) {
		b, err := vendortest.Payload(file)
		if err != nil {
			panic(err)
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		w.Write(b)
	}
	switch {
	case r.URL.Path == "/api/v2/summary.json":
		w.Header().Set("Content-Type", "application/json")
		w.Write(page)
	case r.URL.Path == "/v1/models" && live:
		reply(http.StatusOK, "openai__200_models.json")
	case r.URL.Path == "/v1/models" && overloaded:
		reply(http.StatusServiceUnavailable, "openai__503_server_is_overloaded.json")
	case r.URL.Path == "/v1/models":
		reply(http.StatusUnauthorized, "openai__401_invalid_api_key.json")
	case r.URL.Path == "/v1/organization/audit_logs" && auditFails:
		// OpenAI's generic server error.
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusInternalServerError)
		w.Write([]byte(`{"error":{"message":"The server had an error while processing your request. Sorry about that!","type":"server_error","param":null,"code":null}}`))
	case o.admin != nil:
		o.admin.ServeHTTP(w, r)
	default:
		jsonNotFound(w)
	}
}

// pageIncident is an open incident in Statuspage's shape (as in the
// recorded Anthropic summary), on the named components.
type pageIncident struct {
	id, title, impact string
	components        []string
	at                time.Time
}

func (in pageIncident) json() map[string]any {
	stamp := in.at.UTC().Format(time.RFC3339)
	var comps, affected []map[string]any
	for _, c := range in.components {
		comps = append(comps, map[string]any{"name": c, "status": "partial_outage"})
		affected = append(affected, map[string]any{"name": c, "old_status": "operational", "new_status": "partial_outage"})
	}
	return map[string]any{
		"id": in.id, "name": in.title, "status": "investigating", "impact": in.impact,
		"created_at": stamp, "started_at": stamp, "updated_at": stamp,
		"shortlink": "https://status.openai.com/incidents/" + in.id, "components": comps,
		"incident_updates": []map[string]any{{"status": "investigating", "body": "We are currently investigating this issue.",
			"created_at": stamp, "display_at": stamp, "affected_components": affected}},
	}
}

// openaiPage is OpenAI's recorded status summary with the page's
// indicator and description, the named components in the given states
// and the incidents open.
func openaiPage(t *testing.T, indicator, description string, components map[string]string, incidents ...pageIncident) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "openai__incidentio_v2_summary_operational_2026-09-24.json"))
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	doc["status"] = map[string]any{"indicator": indicator, "description": description}
	for _, c := range doc["components"].([]any) {
		c := c.(map[string]any)
		if st, ok := components[c["name"].(string)]; ok {
			c["status"] = st
		}
	}
	if len(incidents) > 0 {
		var ins []any
		for _, in := range incidents {
			ins = append(ins, in.json())
		}
		doc["incidents"] = ins
	}
	if b, err = json.Marshal(doc); err != nil {
		t.Fatal(err)
	}
	return b
}
