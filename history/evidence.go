package history

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/vendorwatch/vendorwatch/observe"
)

// Kinds of evidence rows.
const (
	// EvidenceProbe is one key probe: the observe.KeyResult, with its
	// HTTP status and the vendor's request id.
	EvidenceProbe = "probe"
	// EvidenceKeyList is one read of a vendor's key list: KeyListRead.
	EvidenceKeyList = "key_list"
	// EvidenceAuditQuery is one audit-log query and its answer:
	// observe.AuditQuery.
	EvidenceAuditQuery = "audit_query"
	// EvidenceStatus is the vendor's status page as a check that probed
	// its keys or read its key list saw it: StatusSeen.
	EvidenceStatus = "status"
)

// StatusSeen is what an evidence row keeps of a vendor's status page: its
// state, description and open incidents, as one check saw them.
type StatusSeen struct {
	CheckedAt   time.Time        `json:"checked_at"`
	State       observe.State    `json:"state"`
	Description string           `json:"description,omitempty"`
	PageURL     string           `json:"page_url,omitempty"`
	Error       string           `json:"error,omitempty"`
	Incidents   []StatusIncident `json:"incidents"`
}

// StatusIncident is an incident as StatusSeen keeps it.
type StatusIncident struct {
	ID     string `json:"id"`
	Title  string `json:"title"`
	Status string `json:"status"`
	Impact string `json:"impact,omitempty"`
	URL    string `json:"url,omitempty"`
}

// statusSeen is the evidence of a status page.
func statusSeen(st observe.Status) StatusSeen {
	s := StatusSeen{CheckedAt: st.CheckedAt, State: st.State, Description: st.Description, PageURL: st.PageURL, Incidents: []StatusIncident{}}
	for _, src := range st.Sources {
		if src.Error != "" && s.Error == "" {
			s.Error = src.Error
		}
	}
	for _, i := range st.Incidents {
		s.Incidents = append(s.Incidents, StatusIncident{ID: i.ID, Title: i.Title, Status: i.Status, Impact: i.Impact, URL: i.URL})
	}
	return s
}

// KeyListRead is what an evidence row keeps of one read of a key list:
// its outcome and requests, the rows that are keys of ours, and the keys
// of ours that left it. Other keys are only counted.
type KeyListRead struct {
	Source     string                 `json:"source"`
	CheckedAt  time.Time              `json:"checked_at"`
	ListedAt   time.Time              `json:"listed_at,omitzero"`
	Result     observe.Result         `json:"result"`
	HTTPStatus int                    `json:"http_status,omitempty"`
	Code       string                 `json:"code,omitempty"`
	Error      string                 `json:"error,omitempty"`
	Complete   bool                   `json:"complete"`
	Listed     int                    `json:"listed"`
	Ours       []observe.InventoryKey `json:"ours"`
	Gone       []observe.GoneKey      `json:"gone,omitempty"`
	Requests   []observe.AdminRequest `json:"requests,omitempty"`
}

// keyListRead is the evidence of one inventory read.
func keyListRead(inv *observe.Inventory) KeyListRead {
	r := KeyListRead{Source: inv.Source, CheckedAt: inv.CheckedAt, ListedAt: inv.ListedAt, Result: inv.Result, HTTPStatus: inv.HTTPStatus,
		Code: inv.Code, Error: inv.Error, Complete: inv.Complete, Requests: inv.Requests, Ours: []observe.InventoryKey{}}
	// A failed read keeps the previous list (ListedAt is older than
	// CheckedAt): what it lists was not seen by this read.
	if inv.Result == observe.ResultOK {
		r.Listed = len(inv.Keys)
		for _, k := range inv.Keys {
			if k.Key != "" || k.Self {
				r.Ours = append(r.Ours, k)
			}
		}
	}
	for _, g := range inv.Gone {
		if g.Key != "" {
			r.Gone = append(r.Gone, g)
		}
	}
	return r
}

// recordEvidence records, and chains, the observations of c that are new
// to the store (idx is the stored observation times before the commit):
// every key probed in this check, the key list read and its audit-log
// queries, and the status page beside them. A result carried over from an earlier check (a key not due for
// a probe) is not recorded again.
func (s *Store) recordEvidence(ctx context.Context, tx *sql.Tx, c Check, idx observed) error {
	for _, v := range c.Snapshot.Vendors {
		stored := idx.Vendors[v.ID]
		fresh := func(part string, t time.Time) bool {
			st, had := stored[part]
			return !t.IsZero() && (!had || t.After(st))
		}
		recorded := false
		for _, k := range v.Keys {
			if !fresh("key:"+k.Name, k.CheckedAt) {
				continue
			}
			if err := s.addObservation(ctx, tx, k.CheckedAt, v.ID, k.Name, EvidenceProbe, k, k.RequestID); err != nil {
				return err
			}
			recorded = true
		}
		if inv := v.Inventory; inv != nil && fresh("inventory", inv.CheckedAt) {
			recorded = true
			if err := s.addEvidence(ctx, tx, inv.CheckedAt, v.ID, "", EvidenceKeyList, keyListRead(inv)); err != nil {
				return err
			}
			for _, q := range inv.AuditQueries {
				if err := s.addEvidence(ctx, tx, q.At, v.ID, "", EvidenceAuditQuery, q); err != nil {
					return err
				}
			}
		}
		// The status page goes with what was seen of the keys, so a pack
		// can say what the vendor said at those times.
		if recorded && fresh("status", v.Status.CheckedAt) {
			if err := s.addObservation(ctx, tx, v.Status.CheckedAt, v.ID, "", EvidenceStatus, statusSeen(v.Status), ""); err != nil {
				return err
			}
		}
	}
	return nil
}

// addEvidence inserts one evidence row and chains it.
func (s *Store) addEvidence(ctx context.Context, tx *sql.Tx, at time.Time, vendor, key, kind string, body any) error {
	b, err := json.Marshal(body)
	if err != nil {
		return fmt.Errorf("history: encoding %s evidence: %w", kind, err)
	}
	_, err = s.insertEvidence(ctx, tx, at.UTC(), vendor, key, kind, b)
	return err
}

// insertEvidence inserts one evidence row, chains it and returns its id.
func (s *Store) insertEvidence(ctx context.Context, tx *sql.Tx, at time.Time, vendor, key, kind string, body []byte) (int64, error) {
	res, err := exec(ctx, tx, `INSERT INTO evidence (at, vendor, key, kind, body) VALUES (?, ?, ?, ?, ?)`, at.UnixMilli(), vendor, key, kind, string(body))
	if err != nil {
		return 0, s.wrap("recording evidence", err)
	}
	id, _ := res.LastInsertId()
	return id, s.link(ctx, tx, tableEvidence, id, at)
}
