package output

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/vendorwatch/vendorwatch/internal/redact"
	"github.com/vendorwatch/vendorwatch/observe"
)

// WriteEvidenceMarkdown writes the pack for a support ticket: the key,
// the key list, the probes with request ids, the audit-log queries with
// their answers, the canaries, the status page and the hash chain. Times
// are UTC. Like WriteMarkdown, the pack is redacted before its text is
// escaped for Markdown, and the Markdown after.
func WriteEvidenceMarkdown(w io.Writer, p EvidencePack) error {
	p = redact.Value(p)
	var b strings.Builder
	fp := strings.Join(p.Key.Fingerprints, ", ")
	fmt.Fprintf(&b, "# Evidence: %s key %s", mdCell(p.VendorName), mdCell(p.KeyName))
	if fp != "" {
		fmt.Fprintf(&b, " (%s)", mdCell(fp))
	}
	fmt.Fprintf(&b, "\n\nFrom %s to %s UTC, generated %s by vendorwatch. No key is in this pack: keys are shown by fingerprint (prefix and last four characters) and by the vendor's own mask.\n",
		evTime(p.Since), evTime(p.Until), evTime(p.GeneratedAt))

	b.WriteString("\n## The key\n\n")
	k := p.Key
	row := func(name, val string) {
		if val != "" {
			fmt.Fprintf(&b, "- %s: %s\n", name, val)
		}
	}
	row("Fingerprint", mdCell(fp))
	row("Key id", mdCell(k.ID))
	row("Vendor's mask", mdCell(k.Redacted))
	if k.Project != "" {
		row("Project", mdCell(strings.TrimSpace(k.Project+" "+parens(k.ProjectName))))
	}
	row("Owner", mdCell(k.Owner))
	row("Created", evTimeOr(k.CreatedAt))
	row("Last used (key list)", evTimeOr(k.LastUsedAt))
	row("Last seen in the key list", evTimeOr(k.LastListed))
	row("First missing from the key list", evTimeOr(k.FirstMissing))
	if k.Canary {
		row("Canary", "yes: a key kept unused, to tell a leak from an account-wide event")
	}
	var hs []string
	for _, h := range k.Holders {
		hs = append(hs, mdCell(h.String()))
	}
	row("Held by", strings.Join(hs, ", "))

	b.WriteString("\n## Key list reads\n\n")
	if len(p.KeyList) == 0 {
		b.WriteString("No key-list read in the window (no admin key is set up for this vendor, or none was due).\n")
	} else {
		b.WriteString("| Time (UTC) | Result | HTTP | Complete | Key listed | Last used | Request ids | Row hash |\n|---|---|---|---|---|---|---|---|\n")
		for _, r := range p.KeyList {
			res := string(r.Result)
			if r.Error != "" {
				res += ": " + r.Error
			}
			listed := "no"
			if r.Listed {
				listed = "yes"
			} else if r.Result != observe.ResultOK {
				listed = "unknown"
			}
			fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s | %s | %s |\n", evTime(r.At), mdCell(res), evStatus(r.HTTPStatus), yesNo(r.Complete), listed,
				evTimeOr(r.LastUsedAt), mdOrDash(requestIDs(r.Requests)), shortHash(r.Hash))
		}
	}

	b.WriteString("\n## Probes\n\n")
	if len(p.Probes) == 0 {
		b.WriteString("No probe of this key in the window.\n")
	} else {
		b.WriteString("| Time (UTC) | Fingerprint | Result | HTTP | Code | Request id | Row hash |\n|---|---|---|---|---|---|---|\n")
		for _, r := range p.Probes {
			id := r.RequestID
			if id != "" && r.RequestIDFrom != "" {
				id += " (" + r.RequestIDFrom + ")"
			}
			if r.LastRequestID != "" {
				id += ", last " + r.LastRequestID
			}
			fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s | %s |\n", evTime(r.At)+r.Repeat.span(), mdOrDash(mdCell(r.Fingerprint)), mdCell(string(r.Result)),
				evStatus(r.HTTPStatus), mdOrDash(mdCell(r.Code)), mdOrDash(mdCell(id)), shortHash(r.Hash))
		}
	}

	b.WriteString("\n## Audit-log queries\n\n")
	if len(p.AuditQueries) == 0 {
		b.WriteString("No audit-log query in the window (the key list lost no key of ours, or the vendor has no audit log).\n")
	} else {
		b.WriteString("Every query the admin reader made, with its window and answer; an empty answer is evidence too.\n\n")
		b.WriteString("| Asked at (UTC) | Window asked about | About this key | HTTP | Answer | Request id | Row hash |\n|---|---|---|---|---|---|---|\n")
		for _, q := range p.AuditQueries {
			fmt.Fprintf(&b, "| %s | %s to %s | %s | %s | %s | %s | %s |\n", evTime(q.At), evTime(q.From), evTime(q.Until), yesNo(q.About),
				evStatus(q.HTTPStatus), mdCell(auditAnswer(q.AuditQuery)), mdOrDash(mdCell(q.RequestID)), shortHash(q.Hash))
		}
	}

	b.WriteString("\n## Canaries\n\n")
	if len(p.Canaries) == 0 {
		b.WriteString("This vendor has no canary key in the config.\n")
	} else {
		b.WriteString("| Canary | Fingerprint | Probes sent | Last probe | In the key list | Last used | Missing since |\n|---|---|---|---|---|---|---|\n")
		for _, c := range p.Canaries {
			listed := "-"
			if c.Listed != nil {
				listed = yesNo(*c.Listed)
			}
			fmt.Fprintf(&b, "| %s | %s | %d | %s | %s | %s | %s |\n", mdCell(c.Key), mdOrDash(mdCell(c.Fingerprint)), c.Probes, mdOrDash(mdCell(string(c.LastProbe))),
				listed, evTimeOr(c.LastUsedAt), evTimeOr(c.Missing))
		}
	}

	b.WriteString("\n## The vendor's status page\n\n")
	if len(p.Status) == 0 {
		b.WriteString("No status page change was recorded in the window.\n")
	} else {
		b.WriteString("| Time (UTC) | Change | Row hash |\n|---|---|---|\n")
		for _, s := range p.Status {
			text := mdCell(s.Text)
			if u := mdURL(s.URL); u != "" {
				text += " ([link](" + u + "))"
			}
			fmt.Fprintf(&b, "| %s | %s | %s |\n", evTime(s.At)+s.Repeat.span(), text, shortHash(s.Hash))
		}
	}

	b.WriteString("\n## Hash chain\n\n")
	c := p.Chain
	verdict := "**intact**: every row above is as it was recorded"
	if !c.Intact {
		verdict = "**broken**: " + mdCell(c.Break)
	}
	fmt.Fprintf(&b, "- Verification: %s (%d %s checked)\n", verdict, c.Links, mdPlural(c.Links, "link", "links"))
	if c.First.Hash != "" {
		fmt.Fprintf(&b, "- First row: #%d `%s`\n- Last row: #%d `%s`\n", c.First.Seq, c.First.Hash, c.Last.Seq, c.Last.Hash)
	}
	if !c.Started.IsZero() {
		fmt.Fprintf(&b, "- The history chains its rows since %s UTC", evTime(c.Started))
		if c.Unchained > 0 {
			fmt.Fprintf(&b, "; %d %s recorded earlier %s no hash", c.Unchained, mdPlural(c.Unchained, "row", "rows"), mdPlural(c.Unchained, "has", "have"))
		}
		b.WriteString("\n")
	}
	b.WriteString("- Each row's hash is SHA-256 over the previous row's hash and the row's content, so editing or deleting a recorded row breaks every hash after it. Re-check with `vendorwatch evidence --verify PACK.json` against the same state dir.\n")
	_, err := io.WriteString(w, redact.String(b.String()))
	return err
}

func evTime(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.UTC().Format("2006-01-02 15:04:05")
}

func evTimeOr(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return evTime(t)
}

func evStatus(code int) string {
	if code == 0 {
		return "-"
	}
	return strconv.Itoa(code)
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func parens(s string) string {
	if s == "" {
		return ""
	}
	return "(" + s + ")"
}

// shortHash is a row hash's first 12 digits, enough to find it in the
// JSON pack.
func shortHash(h string) string {
	if len(h) < 12 {
		return "-"
	}
	return "`" + h[:12] + "`"
}

// requestIDs lists a read's request ids, one per request that had one.
func requestIDs(rs []observe.AdminRequest) string {
	var ids []string
	for _, r := range rs {
		if r.RequestID != "" {
			ids = append(ids, mdCell(r.RequestID))
		}
	}
	return strings.Join(ids, ", ")
}

// auditAnswer says what an audit-log query got: its error, "empty", or
// its entries.
func auditAnswer(q observe.AuditQuery) string {
	if q.Result != observe.ResultOK {
		if q.Error != "" {
			return "failed: " + q.Error
		}
		return "failed: " + string(q.Result)
	}
	if q.Count == 0 {
		return "empty (no entry)"
	}
	var es []string
	for _, e := range q.Entries {
		es = append(es, strings.TrimSpace(e.Type+" "+e.ID+" "+e.Object))
	}
	more := ""
	if q.HasMore {
		more = " (more pages)"
	}
	return fmt.Sprintf("%d %s: %s%s", q.Count, mdPlural(q.Count, "entry", "entries"), strings.Join(es, "; "), more)
}

// span is what a repeated row adds to its time: the run's end and count.
func (r Repeat) span() string {
	if r.Count <= 1 {
		return ""
	}
	return fmt.Sprintf(" to %s, unchanged in %d observations", evTime(r.UnchangedUntil), r.Count)
}
