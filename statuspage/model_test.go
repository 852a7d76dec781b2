package statuspage

import (
	"testing"
	"time"

	"github.com/vendorwatch/vendorwatch/observe"
)

// Changing a clone's slices and their elements leaves the original alone.
func TestStatusClone(t *testing.T) {
	orig := &observe.Status{State: observe.Degraded, Sources: []observe.Source{{URL: "u"}}, Components: []observe.Component{{Name: "API"}},
		Incidents:    []observe.Incident{{ID: "i", Components: []string{"API"}, Updates: []observe.Update{{Body: "b"}}}},
		Maintenances: []observe.Maintenance{{ID: "m", Components: []string{"DB"}}}}
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
