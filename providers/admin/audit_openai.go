package admin

import (
	"context"
	"encoding/json"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/vendorwatch/vendorwatch/observe"
	"github.com/vendorwatch/vendorwatch/providers/probe"
)

// openAIAudit is an audit-log entry; the object it is about sits in a
// member named after its type ("api_key.deleted": {"id": "key_…"}).
type openAIAudit struct {
	ID          string `json:"id"`
	Type        string `json:"type"`
	EffectiveAt int64  `json:"effective_at"`
	Actor       *struct {
		Type    string `json:"type"`
		Session *struct {
			User      *openAIUser `json:"user"`
			IPAddress string      `json:"ip_address"`
			Details   *struct {
				Country string `json:"country"`
			} `json:"ip_address_details"`
		} `json:"session"`
		APIKey *struct {
			ID             string      `json:"id"`
			Type           string      `json:"type"`
			User           *openAIUser `json:"user"`
			ServiceAccount *openAIUser `json:"service_account"`
		} `json:"api_key"`
	} `json:"actor"`
	object string
}

// event turns an entry into an AuditEvent.
func (a openAIAudit) event(matched string) *observe.AuditEvent {
	e := &observe.AuditEvent{ID: a.ID, Type: a.Type, At: unixTime(a.EffectiveAt), Object: a.object, Matched: matched}
	if a.Actor != nil {
		e.ActorType = a.Actor.Type
		if s := a.Actor.Session; s != nil {
			if s.User != nil {
				e.ActorEmail, e.ActorID = s.User.Email, s.User.ID
			}
			e.IP = s.IPAddress
			if s.Details != nil {
				e.Country = s.Details.Country
			}
		}
		if k := a.Actor.APIKey; k != nil {
			e.ActorKey = k.ID
			switch {
			case k.User != nil:
				e.ActorEmail, e.ActorID = k.User.Email, k.User.ID
			case k.ServiceAccount != nil:
				e.ActorID = k.ServiceAccount.ID
			}
		}
	}
	for _, s := range []*string{&e.ID, &e.Type, &e.Object, &e.ActorType, &e.ActorEmail, &e.ActorID, &e.ActorKey, &e.IP, &e.Country} {
		*s = probe.Scrub(*s, "", maxOwnerText)
	}
	return e
}

// auditQuery reads the audit log's removal events since since, for the
// given resource ids (none: all of them).
func (r *adminRun) auditQuery(ctx context.Context, since time.Time, ids []string) ([]openAIAudit, error) {
	q := url.Values{"event_types[]": auditEventTypes, "effective_at[gte]": {strconv.FormatInt(since.Unix(), 10)}, "limit": {"100"}}
	if len(ids) > 0 {
		q["resource_ids[]"] = ids
	}
	var out []openAIAudit
	after := ""
	for page := 1; page <= maxAuditPages; page++ {
		if after != "" {
			q.Set("after", after)
		}
		sent := len(r.requests)
		resp, err := r.get(ctx, openAIAuditLogs, q)
		// Every query is evidence, a failed or empty one as much as one
		// that found something.
		aq := observe.AuditQuery{At: r.p.Now().UTC(), From: since.UTC(), EventTypes: auditEventTypes, Resources: ids, Page: page, Entries: []observe.AuditEntry{}}
		aq.Until = aq.At
		if len(r.requests) > sent {
			last := r.last()
			aq.At, aq.Until, aq.HTTPStatus, aq.Result, aq.RequestID, aq.RequestIDFrom = last.At, last.At, last.HTTPStatus, last.Result, last.RequestID, last.RequestIDFrom
		}
		if err != nil {
			if len(r.requests) > sent {
				aq.Error = r.failure(err).message
				r.audits = append(r.audits, aq)
			}
			return nil, err
		}
		var env listEnvelope
		if err := json.Unmarshal(resp.Body, &env); err != nil || env.Data == nil {
			aq.Result, aq.Error = observe.ResultUnexpected, "the answer is not the audit log's list JSON"
			r.audits = append(r.audits, aq)
			return nil, &adminFailure{result: observe.ResultUnexpected, code: "not_a_list", message: "GET " + openAIAuditLogs + ": the answer is not the audit log's list JSON"}
		}
		aq.Count, aq.HasMore = len(env.Data), env.HasMore
		start := len(out)
		for _, raw := range env.Data {
			var a openAIAudit
			var members map[string]json.RawMessage
			if json.Unmarshal(raw, &a) != nil || json.Unmarshal(raw, &members) != nil {
				continue
			}
			var obj struct {
				ID string `json:"id"`
			}
			_ = json.Unmarshal(members[a.Type], &obj)
			a.object = obj.ID
			out = append(out, a)
		}
		for _, a := range out[start:min(len(out), start+observe.MaxAuditEntries)] {
			aq.Entries = append(aq.Entries, observe.AuditEntry{ID: probe.Scrub(a.ID, r.secret, maxOwnerText), Type: probe.Scrub(a.Type, r.secret, maxOwnerText),
				At: unixTime(a.EffectiveAt), Object: probe.Scrub(a.object, r.secret, maxOwnerText)})
		}
		r.audits = append(r.audits, aq)
		if !env.HasMore || env.LastID == "" || env.LastID == after {
			break
		}
		after = env.LastID
	}
	return out, nil
}

// auditOff reports whether an audit-log error says that audit logging is
// switched off for the organization ("Audit logging is not enabled for
// this organization."), rather than that the log failed to answer.
func auditOff(msg string) bool {
	m := strings.ToLower(msg)
	return strings.Contains(m, "audit log") && (strings.Contains(m, "not enabled") || strings.Contains(m, "disabled"))
}

// auditLookup asks OpenAI's audit log about every vanished key still
// waiting for an answer: first for the keys' own ids (and their service
// accounts and projects), then, for keys still unexplained, for every
// removal in the window, in case the ids differ. A key is tied to an
// event about its id, its service account or its project; failing that,
// a lone unexplained key takes a lone unexplained api_key.deleted.
func (r *adminRun) auditLookup(ctx context.Context, inv *observe.Inventory, now time.Time) {
	var wait []int
	since := now
	var ids []string
	for i, g := range inv.Gone {
		if !auditPending(g, now) {
			continue
		}
		wait = append(wait, i)
		if s := g.LastSeen.Add(-AuditWindowSlack); s.Before(since) {
			since = s
		}
		for _, id := range []string{g.ID, g.Project} {
			if id != "" && !slices.Contains(ids, id) {
				ids = append(ids, id)
			}
		}
		if g.OwnerType == observe.OwnerServiceAccount && g.OwnerID != "" && !slices.Contains(ids, g.OwnerID) {
			ids = append(ids, g.OwnerID)
		}
	}
	if len(wait) == 0 {
		return
	}
	fail := func(err error) {
		msg := r.failure(err).message
		for _, i := range wait {
			inv.Gone[i].Lookups++
			inv.Gone[i].AuditError = msg
			inv.Gone[i].AuditOff = auditOff(msg)
		}
	}
	events, err := r.auditQuery(ctx, since, ids[:min(len(ids), maxAuditResource)])
	if err != nil {
		fail(err)
		return
	}
	// Events already tied to a key (in this check or an earlier one) are
	// not tied to another.
	used := map[string]bool{}
	for _, g := range inv.Gone {
		if g.Audit != nil {
			used[g.Audit.ID] = true
		}
	}
	tie := func(events []openAIAudit) {
		for _, i := range wait {
			g := &inv.Gone[i]
			if g.Audit != nil {
				continue
			}
			if e, how, ok := matchAudit(*g, events, used); ok {
				g.Audit = e.event(how)
				used[e.ID] = true
			}
		}
	}
	tie(events)
	if slices.ContainsFunc(wait, func(i int) bool { return inv.Gone[i].Audit == nil }) {
		all, err := r.auditQuery(ctx, since, nil)
		if err != nil {
			fail(err)
			return
		}
		tie(all)
		r.tieByWindow(inv, wait, all, used)
	}
	for _, i := range wait {
		inv.Gone[i].Lookups++
		inv.Gone[i].AuditChecked, inv.Gone[i].AuditError = true, ""
	}
}

// matchAudit finds the event that explains g: its own deletion first, then
// its service account's deletion, then its project's archiving, each no
// earlier than the window before it was last seen.
func matchAudit(g observe.GoneKey, events []openAIAudit, used map[string]bool) (openAIAudit, string, bool) {
	from := g.LastSeen.Add(-AuditWindowSlack).Unix()
	for _, want := range []struct{ typ, id, how string }{
		{"api_key.deleted", g.ID, "id"},
		{"service_account.deleted", g.OwnerID, "service_account"},
		{"project.archived", g.Project, "project"},
	} {
		if want.id == "" || want.typ == "service_account.deleted" && g.OwnerType != observe.OwnerServiceAccount {
			continue
		}
		for _, e := range events {
			if e.Type == want.typ && e.object == want.id && e.EffectiveAt >= from && !used[e.ID] {
				return e, want.how, true
			}
		}
	}
	return openAIAudit{}, "", false
}

// tieByWindow gives a lone unexplained key the lone api_key.deleted event
// of its window that names no key still listed: the audit log's ids do not
// always match the key list's. With several on either side nothing is
// guessed; each key records how many deletions stayed unexplained.
func (r *adminRun) tieByWindow(inv *observe.Inventory, wait []int, events []openAIAudit, used map[string]bool) {
	listed := map[string]bool{}
	for _, k := range inv.Keys {
		listed[k.ID] = true
	}
	var open []int
	var from int64 // the earliest window's start: the log is not trusted to have kept to it
	for _, i := range wait {
		if g := inv.Gone[i]; g.Audit == nil {
			open = append(open, i)
			if f := g.LastSeen.Add(-AuditWindowSlack).Unix(); len(open) == 1 || f < from {
				from = f
			}
		}
	}
	var loose []openAIAudit
	for _, e := range events {
		if e.Type == "api_key.deleted" && !used[e.ID] && !listed[e.object] && e.EffectiveAt >= from {
			loose = append(loose, e)
		}
	}
	if len(open) == 1 && len(loose) == 1 {
		inv.Gone[open[0]].Audit = loose[0].event("window")
		used[loose[0].ID] = true
		return
	}
	for _, i := range open {
		inv.Gone[i].Unexplained = len(loose)
	}
}
