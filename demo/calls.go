package demo

import (
	"fmt"
	"net/http"
	"strconv"
	"time"
)

// callEvery is how often a call comes in to the team's VAPI assistant in
// the story, from callsFrom on.
const (
	callEvery = 2 * time.Minute
	callsFrom = 10*time.Hour + 40*time.Minute
	callLasts = time.Minute
)

// Ended reasons of VAPI's call records: a normal end, and the one that
// says the OpenAI key VAPI holds is dead.
const (
	reasonNormal    = "customer-ended-call"
	reasonOpenAI401 = "pipeline-error-openai-401-incorrect-api-key"
)

// callReason is how a call placed at t ends: normally while OpenAI
// accepts the key VAPI holds, with OpenAI's 401 from the moment OpenAI
// disabled the leaked key until the team puts the new key into VAPI.
func callReason(t time.Time) string {
	s := At(t).Step
	if s.KeyLeaked && !s.VAPIKeyUpdated {
		return reasonOpenAI401
	}
	return reasonNormal
}

// serveCalls is VAPI's GET /call at moment m: the calls of the story's
// day created before m that match createdAtGt/Ge/Lt/Le, newest first, at
// most limit. No call comes in while VAPI's API is down.
func serveCalls(w http.ResponseWriter, r *http.Request, m Moment) {
	q := r.URL.Query()
	bound := func(name string) time.Time {
		t, _ := time.Parse(time.RFC3339Nano, q.Get(name))
		return t
	}
	gt, ge, lt, le := bound("createdAtGt"), bound("createdAtGe"), bound("createdAtLt"), bound("createdAtLe")
	limit, _ := strconv.Atoi(q.Get("limit"))
	if limit <= 0 || limit > 1000 {
		limit = 100
	}
	var out []byte
	out = append(out, '[')
	n := 0
	for t := m.Day.Add(callsFrom).Add(m.Time.Sub(m.Day.Add(callsFrom)).Truncate(callEvery)); !t.Before(m.Day.Add(callsFrom)) && n < limit; t = t.Add(-callEvery) {
		switch {
		case !t.Before(m.Time), !gt.IsZero() && !t.After(gt), !ge.IsZero() && t.Before(ge),
			!lt.IsZero() && !t.Before(lt), !le.IsZero() && t.After(le), At(t).Step.VAPIAPI != APIUp:
			continue
		}
		if n > 0 {
			out = append(out, ',')
		}
		out = append(out, callRecord(t, m.Time)...)
		n++
	}
	out = append(out, ']')
	writeJSON(w, http.StatusOK, out)
}

// callRecord is one call in VAPI's shape, ended (with its reason) once
// callLasts has passed by now. The caller's number and words are there,
// as in real records: vendorwatch must drop them.
func callRecord(t, now time.Time) []byte {
	id := fmt.Sprintf("c0ffee00-0000-4000-8000-%012d", t.Unix()%1_000_000_000_000)
	rec := fmt.Sprintf(`{"id":%q,"orgId":"org-demo","type":"inboundPhoneCall","createdAt":%q,"updatedAt":%q,"customer":{"number":"+15550100%02d"},"messages":[{"role":"user","message":"Hi, I am calling about my booking"}]`,
		id, vapiTime(t), vapiTime(t), t.Minute())
	if end := t.Add(callLasts); !end.After(now) {
		rec += fmt.Sprintf(`,"status":"ended","endedAt":%q,"endedReason":%q}`, vapiTime(end), callReason(t))
	} else {
		rec += `,"status":"in-progress"}`
	}
	return []byte(rec)
}

func vapiTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }
