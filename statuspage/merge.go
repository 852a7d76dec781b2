package statuspage

import "github.com/vendorwatch/vendorwatch/observe"

// Merge combines what several sources of one vendor said into one Status.
// Sources are given in priority order (the config's order). The first
// source that claims an overall state sets it, so structured JSON outranks a
// feed; components come from the first source that lists any; incidents and
// maintenances are de-duplicated by id, then by link, keeping the copy with
// the most recent update. It never takes the worst of the sources'
// states: the first claim, a page's own verdict where the format has one,
// stands. When no source claims a state, open incidents imply one; with
// none at all the state is Unknown. What the caps left out of the sources
// is counted: the components' source's count, and the sum of the others.
func Merge(parts ...*observe.Status) *observe.Status {
	out := &observe.Status{State: observe.Unknown}
	incidents := map[string]int{}
	maints := map[string]int{}
	for _, p := range parts {
		if p == nil {
			continue
		}
		if !out.Claims && p.Claims {
			out.State, out.Description, out.Claims = p.State, p.Description, true
		}
		if out.PageURL == "" {
			out.PageURL = p.PageURL
		}
		if len(out.Components) == 0 {
			out.Components, out.ComponentsOmitted = p.Components, p.ComponentsOmitted
		}
		out.IncidentsOmitted += p.IncidentsOmitted
		out.MaintenancesOmitted += p.MaintenancesOmitted
		for _, in := range p.Incidents {
			k := dedupKey(in.ID, in.URL)
			if i, seen := incidents[k]; seen {
				if in.UpdatedAt.After(out.Incidents[i].UpdatedAt) || len(in.Updates) > len(out.Incidents[i].Updates) {
					out.Incidents[i] = in
				}
				continue
			}
			incidents[k] = len(out.Incidents)
			out.Incidents = append(out.Incidents, in)
		}
		for _, m := range p.Maintenances {
			k := dedupKey(m.ID, m.URL)
			if _, seen := maints[k]; seen {
				continue
			}
			maints[k] = len(out.Maintenances)
			out.Maintenances = append(out.Maintenances, m)
		}
	}
	if !out.Claims {
		for _, in := range out.Open() {
			s := observe.ImpactState(in.Impact)
			if !s.Known() || s == observe.Operational {
				s = observe.Degraded // an open incident with no stated impact is not "all clear"
			}
			out.State = observe.Worst(out.State, s)
		}
	}
	return out
}

func dedupKey(id, url string) string {
	if id != "" {
		return "id:" + id
	}
	return "url:" + url
}
