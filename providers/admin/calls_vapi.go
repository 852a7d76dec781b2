package admin

import (
	"context"
	"encoding/json"
	"net/url"
	"slices"
	"strconv"
	"time"

	"github.com/vendorwatch/vendorwatch/config"
	"github.com/vendorwatch/vendorwatch/observe"
	"github.com/vendorwatch/vendorwatch/providers/catalog"
	"github.com/vendorwatch/vendorwatch/providers/probe"
)

// Bounds of the VAPI call-record read.
const (
	// MinCallWindow is the shortest stretch of calls summed up: calls take
	// minutes, and a call only has its endedReason once it ended.
	MinCallWindow = 15 * time.Minute
	// MaxCallWindow is the longest.
	MaxCallWindow = time.Hour
	// CallPageLimit is VAPI's default page size; maxCallPages bounds a read.
	CallPageLimit = 100
	maxCallPages  = 5
	vapiCalls     = "/call"
)

// vapiCall is the part of VAPI's Call object that is read; everything else
// in the record (customer, transcript, recording, costs) is discarded
// unread.
type vapiCall struct {
	ID          string     `json:"id"`
	EndedReason string     `json:"endedReason"`
	CreatedAt   time.Time  `json:"createdAt"`
	EndedAt     *time.Time `json:"endedAt"`
}

// vapiCallKey is the secret VAPI's call records are read with, when they
// are read at all (admin: on vapi): admin.secret when given, else the
// vendor's first key that is not a canary.
func vapiCallKey(v catalog.Vendor) (config.SecretRef, bool) {
	if v.Admin == nil {
		return config.SecretRef{}, false
	}
	if !v.Admin.Secret.IsZero() {
		return v.Admin.Secret, true
	}
	for _, k := range v.Keys {
		if !k.Canary {
			return k.Secret, true
		}
	}
	return config.SecretRef{}, false
}

// callWindow is how far back the calls are read: at least MinCallWindow,
// one and a half admin intervals when that is longer, at most
// MaxCallWindow.
func callWindow(v catalog.Vendor) time.Duration {
	w := Interval(v) * 3 / 2
	return min(max(w, MinCallWindow), MaxCallWindow)
}

// callReader reads VAPI's call records with the admin secret, or else with
// the vendor's first key that is not a canary.
type callReader struct{}

// Enabled: a key to read with and an API to read.
func (callReader) Enabled(v catalog.Vendor) bool {
	_, ok := vapiCallKey(v)
	return ok && v.API.BaseURL != ""
}

// Read replaces res's call summary with a fresh one.
func (callReader) Read(ctx context.Context, a *Client, v catalog.Vendor, res *observe.VendorResult) {
	res.Calls = a.calls(ctx, v, res.Calls)
}

// calls reads VAPI's call records of the window and groups the ended ones
// by endedReason.
func (a *Client) calls(ctx context.Context, v catalog.Vendor, prev *observe.CallSummary) *observe.CallSummary {
	now := a.p.Now().UTC()
	cs := &observe.CallSummary{CheckedAt: now, Since: now.Add(-callWindow(v)), Reasons: []observe.ReasonCount{}}
	ref, _ := vapiCallKey(v)
	// keep reports a failed read with the last counts, as of when they
	// were read, while that read is still inside the window: failing
	// reads do not make old counts new.
	keep := func(f *adminFailure) *observe.CallSummary {
		f.apply(&cs.Result, &cs.HTTPStatus, &cs.Code, &cs.Error)
		if prev == nil {
			return cs
		}
		counted := prev.CountedAt
		if counted.IsZero() && prev.Result == observe.ResultOK {
			counted = prev.CheckedAt // read by a vendorwatch from before counted_at
		}
		if !counted.IsZero() && !counted.Before(cs.Since) {
			cs.Calls, cs.Ended, cs.Truncated, cs.Reasons, cs.Since = prev.Calls, prev.Ended, prev.Truncated, prev.Reasons, prev.Since
			cs.CountedAt = counted
		}
		return cs
	}
	r, fail := a.newAdminRun(ctx, v, ref, nil)
	if fail != nil {
		return keep(fail)
	}
	defer r.forget()
	cs.Fingerprint = probe.Fingerprint(r.secret)
	calls, truncated, err := r.readCalls(ctx, cs.Since, a.callLimit)
	if err != nil {
		return keep(r.failure(err))
	}
	cs.Result, cs.Calls, cs.Truncated, cs.CountedAt = observe.ResultOK, len(calls), truncated, now
	cs.Reasons = groupReasons(calls)
	for _, rc := range cs.Reasons {
		cs.Ended += rc.Count
	}
	return cs
}

// readCalls pages through the calls created after since, newest or oldest
// first (VAPI does not document the order), each call once.
func (r *adminRun) readCalls(ctx context.Context, since time.Time, limit int) ([]vapiCall, bool, error) {
	if limit <= 0 {
		limit = CallPageLimit
	}
	q := url.Values{"limit": {strconv.Itoa(limit)}, "createdAtGt": {vapiTime(since)}}
	seen := map[string]bool{}
	var out []vapiCall
	for range maxCallPages {
		resp, err := r.get(ctx, vapiCalls, q)
		if err != nil {
			return nil, false, err
		}
		var page []vapiCall
		if err := json.Unmarshal(resp.Body, &page); err != nil {
			return nil, false, &adminFailure{result: observe.ResultUnexpected, code: "not_a_list", message: "GET " + vapiCalls + ": the answer is not a list of calls"}
		}
		fresh := 0
		var oldest, newest time.Time
		for _, c := range page {
			if c.CreatedAt.IsZero() || !c.CreatedAt.After(since) {
				continue
			}
			if oldest.IsZero() || c.CreatedAt.Before(oldest) {
				oldest = c.CreatedAt
			}
			if c.CreatedAt.After(newest) {
				newest = c.CreatedAt
			}
			if c.ID != "" && seen[c.ID] {
				continue
			}
			seen[c.ID] = true
			out = append(out, c)
			fresh++
		}
		if len(page) < limit || fresh == 0 {
			return out, false, nil
		}
		// The bound is inclusive, so calls sharing the boundary's time are
		// not lost; those already counted are skipped by id.
		if page[0].CreatedAt.Before(page[len(page)-1].CreatedAt) {
			q.Del("createdAtGt")
			q.Set("createdAtGe", vapiTime(newest)) // oldest first: move the floor up
		} else {
			q.Set("createdAtLe", vapiTime(oldest)) // newest first: move the ceiling down
		}
	}
	return out, true, nil
}

func vapiTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

// groupReasons counts the ended calls by endedReason, most frequent first.
// A reason that does not look like one is counted as "unreadable".
func groupReasons(calls []vapiCall) []observe.ReasonCount {
	by := map[string]*observe.ReasonCount{}
	for _, c := range calls {
		if c.EndedReason == "" {
			continue // still in progress
		}
		reason := c.EndedReason
		if !ValidEndedReason(reason) {
			reason = "unreadable"
		}
		rc := by[reason]
		if rc == nil {
			rc = &observe.ReasonCount{Reason: reason, EndedReason: ParseEndedReason(reason)}
			by[reason] = rc
		}
		rc.Count++
		end := c.CreatedAt.UTC()
		if c.EndedAt != nil {
			end = c.EndedAt.UTC()
		}
		if rc.First.IsZero() || end.Before(rc.First) {
			rc.First = end
		}
		if end.After(rc.Last) {
			rc.Last = end
		}
	}
	out := make([]observe.ReasonCount, 0, len(by))
	for _, rc := range by {
		out = append(out, *rc)
	}
	slices.SortFunc(out, func(a, b observe.ReasonCount) int {
		if a.Count != b.Count {
			return b.Count - a.Count
		}
		if a.Reason < b.Reason {
			return -1
		}
		return 1
	})
	return out
}
