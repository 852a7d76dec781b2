package statuspage

import (
	"slices"

	"github.com/vendorwatch/vendorwatch/observe"
)

// Filter keeps only the named components of s (matched case-insensitively,
// on the component name or its group) and the incidents that touch them or
// name no component at all, then recomputes the state from what is left:
// the worst of those components and open incidents. It is how a team says
// "only OpenAI's API matters to us", and the only place a component's
// state becomes the vendor's; unfiltered, the vendor's state is the page's
// own verdict. An empty list keeps all. A list that matches none of the
// page's components leaves the page's state as it is, so a misspelt name
// neither hides the vendor nor raises it to its worst component.
func Filter(s *observe.Status, names []string) {
	if len(names) == 0 || s == nil {
		return
	}
	match := matcher(names)
	var comps []observe.Component
	for _, c := range s.Components {
		if matches(c, match) {
			comps = append(comps, c)
		}
	}
	var incs []observe.Incident
	for _, in := range s.Incidents {
		if len(in.Components) == 0 || slices.ContainsFunc(in.Components, match) {
			incs = append(incs, in)
		}
	}
	listed := len(s.Components) > 0
	s.Components, s.Incidents = comps, incs
	if len(comps) == 0 {
		if !listed && s.Claims {
			// A source with no component list (Google, Slack, incident.io's
			// widget API) names components only in its incidents: what is
			// left of them decides.
			state := observe.Operational
			for _, in := range s.Open() {
				state = observe.Worst(state, observe.ImpactState(in.Impact))
			}
			s.State = state
		}
		return
	}
	states := make([]observe.State, 0, len(comps))
	for _, c := range comps {
		states = append(states, c.State)
	}
	for _, in := range s.Open() {
		states = append(states, observe.ImpactState(in.Impact))
	}
	s.State = observe.Worst(states...)
}
