package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/vendorwatch/vendorwatch/config"
	"github.com/vendorwatch/vendorwatch/correlate"
	"github.com/vendorwatch/vendorwatch/history"
	"github.com/vendorwatch/vendorwatch/observe"
	"github.com/vendorwatch/vendorwatch/output"
	"github.com/vendorwatch/vendorwatch/providers/catalog"
	"github.com/vendorwatch/vendorwatch/providers/probe"
)

// EvidenceRequest names the key and the window of an evidence pack.
type EvidenceRequest struct {
	// Key is VENDOR/NAME (openai/prod).
	Key          string
	Since, Until time.Time
}

// evidenceKey splits VENDOR/NAME and finds the key, and the vendor's
// canaries, in the config.
func (a *App) evidenceKey(ref string) (vendorID, vendorName string, key config.Key, canaries []config.Key, err error) {
	vendorID, name, ok := strings.Cut(ref, "/")
	if !ok || vendorID == "" || name == "" {
		return "", "", key, nil, fmt.Errorf("--key %q: give VENDOR/NAME, for example openai/prod", ref)
	}
	for _, v := range a.Vendors {
		if v.ID != vendorID {
			continue
		}
		var names []string
		found := false
		for _, k := range v.Keys {
			names = append(names, k.Name)
			if k.Name == name {
				key, found = k, true
			}
			if k.Canary {
				canaries = append(canaries, k)
			}
		}
		if !found {
			return "", "", key, nil, fmt.Errorf("--key %s: vendor %s has no key named %q in the config (its keys: %s)", ref, vendorID, name, orNone(names))
		}
		return v.ID, v.Name, key, canaries, nil
	}
	ids := make([]string, 0, len(a.Vendors))
	for _, v := range a.Vendors {
		ids = append(ids, v.ID)
	}
	if s := catalog.Closest(vendorID, ids); s != "" {
		return "", "", key, nil, fmt.Errorf("--key %s: no vendor %q in the config; did you mean %s/%s?", ref, vendorID, s, name)
	}
	return "", "", key, nil, fmt.Errorf("--key %s: no vendor %q in the config (vendors: %s)", ref, vendorID, orNone(ids))
}

func orNone(s []string) string {
	if len(s) == 0 {
		return "none"
	}
	return strings.Join(s, ", ")
}

// openEvidenceStore opens the history of the state dir read-only.
func openEvidenceStore(ctx context.Context, stateDir string) (*history.Store, error) {
	dir := StateDir(stateDir)
	if dir == "" {
		return nil, errors.New("no state dir: give --state-dir")
	}
	if _, err := os.Stat(filepath.Join(dir, history.DatabaseFile)); errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("no history in %s yet: run vendorwatch --once or the dashboard first", Tildify(dir))
	}
	return history.OpenReadOnly(ctx, dir)
}

// Evidence builds the evidence pack of one key from the history in the
// state dir, read-only, and verifies the hash chain over its rows.
func (a *App) Evidence(ctx context.Context, req EvidenceRequest) (output.EvidencePack, error) {
	// A key the config does not name is the first thing to hear about.
	if _, _, _, _, err := a.evidenceKey(req.Key); err != nil {
		return output.EvidencePack{}, err
	}
	store, err := openEvidenceStore(ctx, a.opts.StateDir)
	if err != nil {
		return output.EvidencePack{}, err
	}
	defer store.Close()
	return a.evidence(ctx, store, req)
}

func (a *App) evidence(ctx context.Context, store *history.Store, req EvidenceRequest) (output.EvidencePack, error) {
	vendorID, vendorName, key, canaries, err := a.evidenceKey(req.Key)
	if err != nil {
		return output.EvidencePack{}, err
	}
	p := output.EvidencePack{Kind: output.EvidenceKind, SchemaVersion: 1, GeneratedAt: a.now().UTC(), Vendor: vendorID, VendorName: vendorName,
		KeyName: key.Name, Since: req.Since.UTC(), Until: req.Until.UTC(),
		Key:     output.EvidenceKey{Canary: key.Canary, Holders: probe.Holders(key), Fingerprints: []string{}},
		KeyList: []output.EvidenceListRead{}, Probes: []output.EvidenceProbe{}, AuditQueries: []output.EvidenceAudit{},
		Canaries: []output.EvidenceCanary{}, Status: []output.EvidenceStatus{}}
	rows, err := store.Evidence(ctx, vendorID, req.Since, req.Until)
	if err != nil {
		return p, err
	}
	var links []history.Link
	unchained := 0
	ref := func(l history.Link) output.EvidenceRef {
		if l.Seq == 0 {
			unchained++
			return output.EvidenceRef{}
		}
		links = append(links, l)
		return output.EvidenceRef{Seq: l.Seq, Hash: l.Hash}
	}
	canaryState := map[string]*output.EvidenceCanary{}
	for _, k := range canaries {
		c := &output.EvidenceCanary{Key: k.Name}
		canaryState[k.Name] = c
	}
	var keyIDs []string
	for _, r := range rows {
		switch r.Kind {
		case history.EvidenceProbe:
			var k observe.KeyResult
			if json.Unmarshal(r.Body, &k) != nil {
				continue
			}
			rep := repeatOf(r.Run)
			if c := canaryState[r.Key]; c != nil {
				c.Probes += max(rep.Count, 1)
				c.LastProbe, c.Fingerprint = k.Result, k.Fingerprint
			}
			if r.Key != key.Name {
				continue
			}
			if k.Fingerprint != "" && !slices.Contains(p.Key.Fingerprints, k.Fingerprint) {
				p.Key.Fingerprints = append(p.Key.Fingerprints, k.Fingerprint)
			}
			p.Probes = append(p.Probes, output.EvidenceProbe{At: k.CheckedAt, Fingerprint: k.Fingerprint, Result: k.Result, HTTPStatus: k.HTTPStatus,
				Code: k.Code, Message: k.Message, RequestID: k.RequestID, RequestIDFrom: k.RequestIDFrom, LatencyMS: k.LatencyMS, Repeat: rep, EvidenceRef: ref(r.Link)})
		case history.EvidenceKeyList:
			var l history.KeyListRead
			if json.Unmarshal(r.Body, &l) != nil {
				continue
			}
			read := output.EvidenceListRead{At: l.CheckedAt, Result: l.Result, HTTPStatus: l.HTTPStatus, Error: l.Error, Complete: l.Complete,
				Requests: l.Requests, EvidenceRef: ref(r.Link)}
			if read.HTTPStatus == 0 && len(l.Requests) > 0 {
				read.HTTPStatus = l.Requests[len(l.Requests)-1].HTTPStatus // a read that went well: its last answer's
			}
			for _, k := range l.Ours {
				if c := canaryState[k.Key]; c != nil {
					listed := true
					c.Listed, c.LastUsedAt, c.Missing = &listed, k.LastUsedAt, time.Time{}
				}
				if k.Key != key.Name {
					continue
				}
				read.Listed, read.LastUsedAt = true, k.LastUsedAt
				p.Key.ID, p.Key.Redacted, p.Key.Project, p.Key.ProjectName, p.Key.Owner = k.ID, k.Redacted, k.Project, k.ProjectName, k.Owner
				p.Key.CreatedAt, p.Key.LastUsedAt, p.Key.LastListed, p.Key.FirstMissing = k.CreatedAt, k.LastUsedAt, l.CheckedAt, time.Time{}
				if !slices.Contains(keyIDs, k.ID) {
					keyIDs = append(keyIDs, k.ID)
				}
			}
			if l.Result == observe.ResultOK {
				for _, g := range l.Gone {
					if c := canaryState[g.Key]; c != nil && (c.Listed == nil || *c.Listed) {
						listed := false
						c.Listed, c.Missing = &listed, g.NoticedAt
					}
					if g.Key == key.Name && p.Key.FirstMissing.IsZero() {
						p.Key.FirstMissing = g.NoticedAt
						if p.Key.ID == "" {
							p.Key.ID, p.Key.Redacted, p.Key.Project, p.Key.ProjectName, p.Key.Owner = g.ID, g.Redacted, g.Project, g.ProjectName, g.Owner
							p.Key.LastListed, p.Key.LastUsedAt = g.LastSeen, g.LastUsedAt
						}
						if !slices.Contains(keyIDs, g.ID) {
							keyIDs = append(keyIDs, g.ID)
						}
					}
				}
			}
			p.KeyList = append(p.KeyList, read)
		case history.EvidenceAuditQuery:
			var q observe.AuditQuery
			if json.Unmarshal(r.Body, &q) != nil {
				continue
			}
			if q.Entries == nil {
				q.Entries = []observe.AuditEntry{}
			}
			p.AuditQueries = append(p.AuditQueries, output.EvidenceAudit{AuditQuery: q, EvidenceRef: ref(r.Link)})
		case history.EvidenceStatus:
			var st history.StatusSeen
			if json.Unmarshal(r.Body, &st) != nil {
				continue
			}
			p.Status = append(p.Status, output.EvidenceStatus{At: r.At, Kind: "status_page", Text: statusText(st), URL: st.PageURL, Repeat: repeatOf(r.Run), EvidenceRef: ref(r.Link)})
		}
	}
	for i := range p.AuditQueries {
		q := &p.AuditQueries[i]
		q.About = len(q.Resources) == 0 || slices.ContainsFunc(keyIDs, func(id string) bool { return slices.Contains(q.Resources, id) })
	}
	for _, k := range canaries {
		p.Canaries = append(p.Canaries, *canaryState[k.Name])
	}
	if err := a.evidenceStatus(ctx, store, &p, ref); err != nil {
		return p, err
	}
	p.Chain.Unchained = unchained
	return p, verifyEvidenceChain(ctx, store, &p, links)
}

// statusKinds are the events that tell what the vendor's status page said.
var statusKinds = []correlate.EventKind{correlate.EventVendorState, correlate.EventIncidentOpened, correlate.EventIncidentUpdated, correlate.EventIncidentResolved}

// evidenceStatus adds the vendor's status page: the state the window
// began in, then every change of state and incident in it.
func (a *App) evidenceStatus(ctx context.Context, store *history.Store, p *output.EvidencePack, ref func(history.Link) output.EvidenceRef) error {
	before, err := store.Timeline(ctx, history.Query{Until: p.Since, Vendors: []string{p.Vendor}, Limit: 500})
	if err != nil {
		return err
	}
	in, err := store.Timeline(ctx, history.Query{Since: p.Since, Until: p.Until, Vendors: []string{p.Vendor}})
	if err != nil {
		return err
	}
	var evs []correlate.Event
	for i := len(before) - 1; i >= 0; i-- {
		if before[i].Kind == correlate.EventVendorState && before[i].Vendor == p.Vendor {
			evs = append(evs, before[i])
			break
		}
	}
	for _, e := range in {
		if e.Vendor == p.Vendor && slices.Contains(statusKinds, e.Kind) {
			evs = append(evs, e)
		}
	}
	ids := make([]int64, len(evs))
	for i, e := range evs {
		ids[i] = e.ID
	}
	links, err := store.EventLinks(ctx, ids)
	if err != nil {
		return err
	}
	for _, e := range evs {
		p.Status = append(p.Status, output.EvidenceStatus{At: e.At.UTC(), Kind: string(e.Kind), Text: e.Text, URL: e.URL, EvidenceRef: ref(links[e.ID])})
	}
	slices.SortStableFunc(p.Status, func(x, y output.EvidenceStatus) int { return x.At.Compare(y.At) })
	return nil
}

// statusText says in one line what a status page said: its state and
// description, its open incidents, or why it could not be read.
func statusText(st history.StatusSeen) string {
	text := "Status page: " + string(st.State)
	if st.Description != "" {
		text += " (" + st.Description + ")"
	}
	if st.Error != "" {
		text += "; error: " + st.Error
	}
	var open []string
	for _, i := range st.Incidents {
		if i.Status != "resolved" && i.Status != "postmortem" && i.Status != "completed" {
			open = append(open, i.Title+" ["+i.Status+"]")
		}
	}
	if len(open) == 0 {
		return text + "; no open incident"
	}
	return text + "; open incidents: " + strings.Join(open, "; ")
}

// now is the app's clock (Options.Clock, else the time).
func (a *App) now() time.Time {
	if a.opts.Clock != nil {
		return a.opts.Clock()
	}
	return time.Now()
}

// repeatOf is the pack's account of a row's run of unchanged observations.
func repeatOf(r *history.Run) output.Repeat {
	if r == nil {
		return output.Repeat{}
	}
	return output.Repeat{Count: r.Count, UnchangedUntil: r.Last, LastRequestID: r.LastRequestID}
}
