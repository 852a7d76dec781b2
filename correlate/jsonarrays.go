package correlate

import (
	"bytes"
	"encoding/json"

	"github.com/vendorwatch/vendorwatch/internal/jsonarrays"
)

// MarshalJSON encodes the report with every list as a JSON array, never
// null: "vendors", "findings", a finding's "vendors", "keys" and "advice",
// a vendor's "keys", and every other slice inside. Scripts can then
// iterate without a guard (jq '.vendors[]' on a report with no vendors
// prints nothing instead of failing). The report itself is not changed.
//
// Text is not HTML-escaped here: the encoder that called this escapes it
// or not, as it was told (vendorwatch's own encoders do not, so an
// incident titled "A & B" reads as such in the snapshot).
func (r Report) MarshalJSON() ([]byte, error) {
	type plain Report // the same fields without this method
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(jsonarrays.Of(plain(r))); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte{'\n'}), nil
}
