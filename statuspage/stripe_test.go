package statuspage

import (
	"errors"
	"testing"

	"github.com/vendorwatch/vendorwatch/observe"
)

// Stripe's own status document, in its current and its older spelling,
// autodetected by its keys and read to a state and components.
func TestStripe(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		file     string
		state    observe.State
		desc     string
		degraded []string
		comps    int
	}{
		{"stripe__current_full_degraded_constructed.json", observe.Degraded, "Some API requests are failing. We are investigating.", []string{"API"}, 5},
		{"stripe__current_legacy_up_constructed.json", observe.Operational, "Everything is operating normally.", nil, 6},
	} {
		t.Run(tt.file, func(t *testing.T) {
			t.Parallel()
			b := readFixture(t, tt.file)
			if f := Sniff(b); f != Stripe {
				t.Fatalf("Sniff = %q, want stripe", f)
			}
			st, err := Parse(Stripe, b)
			if err != nil {
				t.Fatal(err)
			}
			if st.State != tt.state || !st.Claims || st.Description != tt.desc || len(st.Components) != tt.comps {
				t.Fatalf("read %s %q claims %v, %d components; want %s %q, %d", st.State, st.Description, st.Claims, len(st.Components), tt.state, tt.desc, tt.comps)
			}
			var degraded []string
			for _, c := range st.Components {
				if c.State != observe.Operational {
					degraded = append(degraded, c.Name)
				}
			}
			if len(degraded) != len(tt.degraded) || (len(degraded) > 0 && degraded[0] != tt.degraded[0]) {
				t.Errorf("components in trouble: %q, want %q", degraded, tt.degraded)
			}
		})
	}
	for _, bad := range []string{`{}`, `{"message":"hello"}`, `[]`, `<html></html>`} {
		if _, err := Parse(Stripe, []byte(bad)); !errors.Is(err, ErrWrongFormat) {
			t.Errorf("Parse(%s) = %v, want ErrWrongFormat", bad, err)
		}
	}
	st, err := Parse(Stripe, []byte(`{"UptimeStatus":"down","message":"\u001b[31mAPI down"}`))
	if err != nil || st.State != observe.MajorOutage || st.Description != "API down" {
		t.Errorf("down: %+v, %v", st, err)
	}
}
