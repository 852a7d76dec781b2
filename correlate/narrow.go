package correlate

import "slices"

// Narrow cuts a report down to the vendors in ids: their vendor rows, the
// findings about any of them or about no vendor, and the overall level
// and verdict of what is left. A check of some vendors (--only) answers
// with it from a report that holds them all (the state dir's, or a
// --remote server's).
// Nil ids keep the report whole.
func Narrow(rep Report, ids []string) Report {
	if len(ids) == 0 {
		return rep
	}
	in := make(map[string]bool, len(ids))
	for _, id := range ids {
		in[id] = true
	}
	out := rep
	out.Vendors = []VendorReport{}
	for _, v := range rep.Vendors {
		if in[v.ID] {
			out.Vendors = append(out.Vendors, v)
		}
	}
	out.Findings = []Finding{}
	for _, f := range rep.Findings {
		if len(f.Vendors) == 0 || slices.ContainsFunc(f.Vendors, func(id string) bool { return in[id] }) {
			out.Findings = append(out.Findings, f)
		}
	}
	out.Rotations = nil
	for _, r := range rep.Rotations {
		if in[r.Vendor] || slices.ContainsFunc(r.Holders, func(h RotationHolder) bool { return h.Kind == "vendor" && in[h.Name] }) {
			out.Rotations = append(out.Rotations, r)
		}
	}
	out.Overall = overallLevel(out.Vendors, out.Findings)
	out.Verdict = VerdictOf(out)
	return out
}
