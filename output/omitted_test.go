package output

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

// A status page cut to size says so under the --once table and in the
// JSON, in fields that only appear when something was cut.
func TestOmittedNoteInTableAndJSON(t *testing.T) {
	r := sampleReport()
	var plainTable, plainJSON bytes.Buffer
	if err := WriteTable(&plainTable, r, TableOptions{NoColor: true}); err != nil {
		t.Fatal(err)
	}
	if err := WriteJSON(&plainJSON, r); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(plainTable.String(), "Cut to size") || strings.Contains(plainJSON.String(), "omitted") {
		t.Fatalf("a report with nothing cut mentions a cut:\n%s", plainTable.String())
	}

	r.Vendors[1].Status.ComponentsOmitted = 93000
	r.Vendors[1].Status.Incidents[0].UpdatesOmitted = 4
	var table, js bytes.Buffer
	if err := WriteTable(&table, r, TableOptions{NoColor: true}); err != nil {
		t.Fatal(err)
	}
	if want := "VAPI: Cut to size: 93,000 components of the page are not kept."; !strings.Contains(table.String(), want) {
		t.Errorf("the table does not say %q:\n%s", want, table.String())
	}
	if err := WriteJSON(&js, r); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Vendors []struct {
			Status struct {
				ComponentsOmitted int `json:"components_omitted"`
				Incidents         []struct {
					UpdatesOmitted int `json:"updates_omitted"`
				} `json:"incidents"`
			} `json:"status"`
		} `json:"vendors"`
	}
	if err := json.Unmarshal(js.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if st := doc.Vendors[1].Status; st.ComponentsOmitted != 93000 || st.Incidents[0].UpdatesOmitted != 4 {
		t.Errorf("JSON: %+v", st)
	}
}
