package history

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/vendorwatch/vendorwatch/correlate"
	"github.com/vendorwatch/vendorwatch/observe"
)

// fillHistory gives s days of history ending at end: perDay events a day
// spread over the day and over vendors vendors, one finding a vendor a
// week, and a stored report of every vendor, as a team's state dir holds
// after running that long. Events and findings are inserted directly (a
// commit per event would take minutes); the report is a real commit.
func fillHistory(tb testing.TB, s *Store, vendors, days, perDay int, end time.Time) {
	tb.Helper()
	ctx := context.Background()
	vs := make([]observe.VendorResult, vendors)
	for i := range vs {
		id := fmt.Sprintf("vendor%03d", i)
		vs[i] = vendorResult(id, "Vendor "+id, observe.Operational)
		vs[i].Status.Components = []observe.Component{{Name: "API", State: observe.Operational}, {Name: "Dashboard", State: observe.Operational}}
	}
	if _, err := s.Commit(ctx, Check{Snapshot: snapshot(end, vs...)}, correlate.Assess); err != nil {
		tb.Fatal(err)
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		tb.Fatal(err)
	}
	defer tx.Rollback()
	ev, err := tx.PrepareContext(ctx, `INSERT INTO events (at, vendor, vendor_name, kind, subject, severity, text, detail, url) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		tb.Fatal(err)
	}
	start := end.Add(-time.Duration(days) * 24 * time.Hour)
	n := days * perDay
	step := end.Sub(start) / time.Duration(n)
	for i := range n {
		v := vs[i%vendors]
		t := start.Add(time.Duration(i) * step)
		text := fmt.Sprintf("Incident updated: Elevated error rates on the %s API for a subset of customers (identified) #%d", v.ID, i)
		detail := "We have identified the cause of elevated error rates and are rolling out a fix. Some requests may fail or time out meanwhile."
		if _, err := ev.ExecContext(ctx, t.UnixMilli(), v.ID, v.Name, "incident_updated", "inc-"+v.ID, "warning", text, detail,
			"https://status."+v.ID+".test/incidents/"+fmt.Sprint(i)); err != nil {
			tb.Fatal(err)
		}
	}
	fi, err := tx.PrepareContext(ctx, `INSERT INTO findings (id, kind, severity, worst, vendors, keys, title, detail, advice, since, lead_minutes, opened_at, closed_at)
		VALUES (?, 'vendor_incident', 'warning', 'warning', ?, '[]', ?, ?, '["Watch the status page."]', ?, 0, ?, ?)`)
	if err != nil {
		tb.Fatal(err)
	}
	for d := 0; d < days; d += 7 {
		for _, v := range vs {
			opened := start.Add(time.Duration(d)*24*time.Hour + time.Duration(len(v.ID))*time.Minute)
			if _, err := fi.ExecContext(ctx, "vendor_incident:"+v.ID, `["`+v.ID+`"]`, v.Name+": Elevated error rates", "The status page says identified.",
				opened.UnixMilli(), opened.UnixMilli(), opened.Add(2*time.Hour).UnixMilli()); err != nil {
				tb.Fatal(err)
			}
		}
	}
	if err := tx.Commit(); err != nil {
		tb.Fatal(err)
	}
	if _, err := s.db.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
		tb.Fatal(err)
	}
}
