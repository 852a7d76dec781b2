package statuspage

import (
	"testing"
	"time"
)

// Changing a clone's slices and their elements leaves the original alone.
func TestStatusClone(t *testing.T) {
	orig := &Status{State: Degraded, Sources: []Source{{URL: "u"}}, Components: []Component{{Name: "API"}},
		Incidents:    []Incident{{ID: "i", Components: []string{"API"}, Updates: []Update{{Body: "b"}}}},
		Maintenances: []Maintenance{{ID: "m", Components: []string{"DB"}}}}
	c := orig.Clone()
	c.Sources[0].URL, c.Components[0].Name = "x", "x"
	c.Incidents[0].Components[0], c.Incidents[0].Updates[0].Body = "x", "x"
	c.Maintenances[0].Components[0] = "x"
	DropStale(c, time.Now(), 0, 0)
	if orig.Sources[0].URL != "u" || orig.Components[0].Name != "API" || len(orig.Incidents) != 1 ||
		orig.Incidents[0].Components[0] != "API" || orig.Incidents[0].Updates[0].Body != "b" || orig.Maintenances[0].Components[0] != "DB" {
		t.Errorf("the original changed: %+v", orig)
	}
}
