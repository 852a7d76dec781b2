package statuspage

import "testing"

// Issue 17: Google posts some incidents with a description that names
// nothing ("This issue is believed to be affecting a very small number of
// projects…"). Their titles name the service, or the affected products.
func TestGoogleBoilerplateTitleNamesTheService(t *testing.T) {
	t.Parallel()
	st, err := Parse(Google, readFixture(t, "google-cloud__incidents_boilerplate_derived.json"))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"T8gmtofFSTGT5tbhyciF": "VMWare engine: This issue is believed to be affecting a very small number of projects and our Engineering Team is working on it.",
		"3BvH3LVGcupoYqV6F4Nw": "Bare Metal Solution, Google Cloud NetApp Volumes, VMWare engine: This issue is believed to be affecting a very small number of projects and our Engineering Team is working on it.",
	}
	if len(st.Incidents) != len(want) {
		t.Fatalf("%d incidents, want %d", len(st.Incidents), len(want))
	}
	for _, in := range st.Incidents {
		if in.Title != want[in.ID] {
			t.Errorf("%s: title %q, want %q", in.ID, in.Title, want[in.ID])
		}
	}
	// A description that says what is wrong is the title as it is.
	real, err := Parse(Google, readFixture(t, "google-cloud__incidents.json"))
	if err != nil {
		t.Fatal(err)
	}
	for _, in := range real.Incidents {
		if in.ID == "T8gmtofFSTGT5tbhyciF" && in.Title != "Google Cloud VMware Engine (GCVE) Stretched Cluster customers are experiencing zonal outages impacting network connectivity across multiple regions." {
			t.Errorf("a real title changed: %q", in.Title)
		}
	}
}

func TestGoogleNamed(t *testing.T) {
	t.Parallel()
	g := gIncident{ServiceName: "Multiple Products"}
	for _, p := range []string{"Cloud Run", "Cloud SQL", "Dataflow", "Pub/Sub", "Spanner"} {
		g.AffectedProducts = append(g.AffectedProducts, struct {
			Title string `json:"title"`
		}{p})
	}
	for _, tt := range []struct{ title, want string }{
		{"The issue is being investigated.", "Cloud Run, Cloud SQL, Dataflow and 2 more: The issue is being investigated."},
		{"", "Cloud Run, Cloud SQL, Dataflow and 2 more"},
		{"This issue affects Pub/Sub only.", "This issue affects Pub/Sub only."},
		{"Elevated errors in us-east1", "Elevated errors in us-east1"},
	} {
		if got := googleNamed(tt.title, g); got != tt.want {
			t.Errorf("googleNamed(%q) = %q, want %q", tt.title, got, tt.want)
		}
	}
}
