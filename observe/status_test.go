package observe

import "testing"

func TestOmittedNote(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		st   Status
		want string
	}{
		{Status{}, ""},
		{Status{ComponentsOmitted: 1}, "Cut to size: 1 component of the page is not kept."},
		{Status{ComponentsOmitted: 93000}, "Cut to size: 93,000 components of the page are not kept."},
		{Status{ComponentsOmitted: 1234567, IncidentsOmitted: 12}, "Cut to size: 1,234,567 components and 12 incidents of the page are not kept."},
		{Status{ComponentsOmitted: 2, IncidentsOmitted: 1, MaintenancesOmitted: 1}, "Cut to size: 2 components, 1 incident and 1 maintenance of the page are not kept."},
	} {
		if got := c.st.OmittedNote(); got != c.want {
			t.Errorf("%+v: %q, want %q", c.st, got, c.want)
		}
	}
}
