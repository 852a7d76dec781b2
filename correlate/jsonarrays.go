package correlate

import (
	"encoding/json"

	"github.com/vendorwatch/vendorwatch/internal/jsonarrays"
)

// MarshalJSON encodes the report with every list as a JSON array, never
// null: "vendors", "findings", a finding's "vendors", "keys" and "advice",
// a vendor's "keys", and every other slice inside. Scripts can then
// iterate without a guard (jq '.vendors[]' on a report with no vendors
// prints nothing instead of failing). The report itself is not changed.
func (r Report) MarshalJSON() ([]byte, error) {
	type plain Report // the same fields without this method
	return json.Marshal(jsonarrays.Of(plain(r)))
}
