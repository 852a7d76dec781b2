package admintest

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Call is one call record of the VAPI fake.
type Call struct {
	ID, EndedReason string
	Created, Ended  time.Time
	// Customer is the caller's number: call records carry personal data,
	// which vendorwatch must drop.
	Customer string
}

// VAPI fakes VAPI's API: the key probe (GET /assistant) and the call
// records (GET /call with createdAtGt/Lt/Ge/Le and limit), newest first.
type VAPI struct {
	base
	// Keys are the private keys VAPI accepts.
	Keys  []string
	calls []Call
}

// NewVAPI returns a fake accepting the given private keys.
func NewVAPI(keys ...string) *VAPI { return &VAPI{Keys: keys} }

// AddCall records a call.
func (v *VAPI) AddCall(c Call) {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.calls = append(v.calls, c)
}

// ServeHTTP answers /assistant and /call.
func (v *VAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	v.mu.Lock()
	defer v.mu.Unlock()
	auth := slices.Contains(v.Keys, strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer "))
	v.log(r, auth)
	if !auth {
		writeJSON(w, http.StatusUnauthorized, map[string]any{"message": "Invalid Key. Hot tip, you may be using the private key instead of the public key, or vice versa.", "error": "Unauthorized", "statusCode": 401})
		return
	}
	switch r.URL.Path {
	case "/assistant":
		writeJSON(w, http.StatusOK, []any{map[string]any{"id": "4a1b2c3d-0000-4000-8000-000000000001", "orgId": "org-fake", "name": "Front desk",
			"createdAt": "2026-05-01T09:00:00.000Z", "updatedAt": "2026-05-01T09:00:00.000Z"}})
	case "/call":
		if v.throttled(w, map[string]any{"message": "Too Many Requests", "statusCode": 429}) {
			return
		}
		writeJSON(w, http.StatusOK, v.list(r))
	default:
		writeJSON(w, http.StatusNotFound, map[string]any{"message": "Cannot GET " + r.URL.Path, "error": "Not Found", "statusCode": 404})
	}
}

func (v *VAPI) list(r *http.Request) []map[string]any {
	q := r.URL.Query()
	parse := func(name string) time.Time {
		t, _ := time.Parse(time.RFC3339Nano, q.Get(name))
		return t
	}
	gt, lt, ge, le := parse("createdAtGt"), parse("createdAtLt"), parse("createdAtGe"), parse("createdAtLe")
	limit, _ := strconv.Atoi(q.Get("limit"))
	if limit <= 0 {
		limit = 100
	}
	if v.PageSize > 0 && v.PageSize < limit {
		limit = v.PageSize
	}
	calls := slices.Clone(v.calls)
	slices.SortFunc(calls, func(a, b Call) int { return b.Created.Compare(a.Created) })
	out := []map[string]any{}
	for _, c := range calls {
		if !gt.IsZero() && !c.Created.After(gt) || !lt.IsZero() && !c.Created.Before(lt) ||
			!ge.IsZero() && c.Created.Before(ge) || !le.IsZero() && c.Created.After(le) {
			continue
		}
		if len(out) == limit {
			break
		}
		m := map[string]any{"id": c.ID, "orgId": "org-fake", "type": "inboundPhoneCall", "status": "in-progress",
			"createdAt": c.Created.UTC().Format("2006-01-02T15:04:05.000Z"), "updatedAt": c.Created.UTC().Format("2006-01-02T15:04:05.000Z"),
			"customer": map[string]any{"number": c.Customer}, "phoneNumberId": "pn-fake",
			"messages": []any{map[string]any{"role": "user", "message": "Hi, this is " + c.Customer + " calling about my order", "time": c.Created.UnixMilli()}},
			"cost":     0.12}
		if c.EndedReason != "" {
			m["status"], m["endedReason"] = "ended", c.EndedReason
			m["endedAt"] = c.Ended.UTC().Format("2006-01-02T15:04:05.000Z")
			m["transcript"] = "AI: Hello, how can I help? User: Hi, this is " + c.Customer + "."
		}
		out = append(out, m)
	}
	return out
}
