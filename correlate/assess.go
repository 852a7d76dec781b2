package correlate

import (
	"fmt"
	"slices"
	"strings"

	"github.com/vendorwatch/vendorwatch/providers"
	"github.com/vendorwatch/vendorwatch/statuspage"
)

// Assess turns a snapshot into a Report: findings ranked by severity, a
// level per vendor and the overall level.
func Assess(s providers.Snapshot) Report {
	r := Report{SchemaVersion: SchemaVersion, GeneratedAt: s.GeneratedAt, Findings: []Finding{}}
	for _, v := range s.Vendors {
		r.Findings = append(r.Findings, statusFindings(v)...)
	}
	sortFindings(r.Findings)
	r.Overall = LevelUnknown
	for _, v := range s.Vendors {
		lvl := vendorLevel(v, r.FindingsFor(v.ID))
		r.Vendors = append(r.Vendors, VendorReport{VendorResult: v, Level: lvl})
		if lvl == LevelUnknown {
			lvl = LevelWarning // one vendor we cannot read is worth a look, not a page
		}
		if r.Overall == LevelUnknown {
			r.Overall = LevelOK
		}
		r.Overall = Worse(r.Overall, lvl)
	}
	if allUnknown(r.Vendors) {
		// Nothing could be checked: say so rather than "warning".
		r.Overall = LevelUnknown
		return r
	}
	for _, f := range r.Findings {
		r.Overall = Worse(r.Overall, f.Severity.Level())
	}
	return r
}

// vendorLevel is the worst severity of the vendor's findings. A vendor with
// no usable data at all is unknown, whatever the findings about its
// unreadable sources say: nothing about the vendor itself is known.
func vendorLevel(v providers.VendorResult, fs []Finding) Level {
	if !v.Status.State.Known() && !probed(v) {
		return LevelUnknown
	}
	lvl := LevelOK
	for _, f := range fs {
		lvl = Worse(lvl, f.Severity.Level())
	}
	return lvl
}

func probed(v providers.VendorResult) bool {
	if v.Reachability != nil && !v.Reachability.Result.Failed() {
		return true
	}
	return slices.ContainsFunc(v.Keys, func(k providers.KeyResult) bool { return !k.Result.Failed() && k.Result != providers.ResultNoSecret })
}

func allUnknown(vs []VendorReport) bool {
	if len(vs) == 0 {
		return true
	}
	for _, v := range vs {
		if v.Level != LevelUnknown {
			return false
		}
	}
	return true
}

// statusFindings reads what the vendor's status page says.
func statusFindings(v providers.VendorResult) []Finding {
	var out []Finding
	st := v.Status
	var failed []statuspage.Source
	for _, src := range st.Sources {
		if !src.OK {
			failed = append(failed, src)
		}
	}
	if len(failed) > 0 {
		f := Finding{
			Kind: KindStatusSourceDown, Severity: SeverityWarning, Vendors: []string{v.ID}, Keys: []string{},
			Title:  fmt.Sprintf("%s status page unreadable", v.Name),
			Detail: fmt.Sprintf("%s: %s", failed[0].URL, failed[0].Error),
			Advice: []string{
				"The vendor's own account of its health is missing; this is not evidence of an outage.",
				"Open " + orDefault(st.PageURL, "the status page") + " in a browser; if the page moved, update status: in the config.",
			},
		}
		if len(failed) < len(st.Sources) {
			f.Severity = SeverityInfo
			f.Title = fmt.Sprintf("%s: %d of %d status sources unreadable", v.Name, len(failed), len(st.Sources))
		}
		out = append(out, f)
	}
	open := st.Open()
	if !st.State.Outage() && len(open) == 0 {
		return out
	}
	f := Finding{
		Kind: KindVendorIncident, Vendors: []string{v.ID}, Keys: []string{},
		Severity: SeverityWarning,
		Title:    fmt.Sprintf("%s reports %s", v.Name, strings.ReplaceAll(string(st.State), "_", " ")),
		Advice: []string{
			"Follow the vendor's updates on " + orDefault(st.PageURL, "its status page") + ".",
			"Check whether the affected components are ones you use before blaming the vendor.",
		},
	}
	if st.State == statuspage.PartialOutage || st.State == statuspage.MajorOutage {
		f.Kind, f.Severity = KindVendorOutage, SeverityCritical
	}
	if len(open) > 0 {
		in := open[0]
		f.Title = fmt.Sprintf("%s: %s (%s)", v.Name, in.Title, in.Status)
		f.Detail = fmt.Sprintf("%s reports %s", v.Name, describeIncident(in))
		f.Since = in.StartedAt
		if len(open) > 1 {
			f.Detail += fmt.Sprintf("; %d more open incidents", len(open)-1)
		}
		if !st.State.Outage() {
			f.Severity = SeverityInfo
		}
	} else {
		f.Detail = fmt.Sprintf("%s's status page says %q", v.Name, st.Description)
	}
	return append(out, f)
}

func describeIncident(in statuspage.Incident) string {
	s := fmt.Sprintf("%q, %s", in.Title, in.Status)
	if in.Impact != "" {
		s += ", impact " + in.Impact
	}
	if !in.StartedAt.IsZero() {
		s += ", since " + in.StartedAt.Format("2006-01-02 15:04 MST")
	}
	if in.URL != "" {
		s += " (" + in.URL + ")"
	}
	return s
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// sortFindings ranks findings by severity, worst first, keeping order
// otherwise.
func sortFindings(fs []Finding) {
	slices.SortStableFunc(fs, func(a, b Finding) int { return b.Severity.Rank() - a.Severity.Rank() })
}
