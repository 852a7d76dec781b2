package output

import (
	"bytes"
	"encoding/json"
	"testing"
)

// indentCases are compact documents with every shape the indenter must
// get right: nesting, empty containers, strings holding brackets, commas,
// colons, quotes and escapes.
var indentCases = []string{
	`{}`, `[]`, `null`, `1`, `"x"`,
	`{"a":1,"b":[1,2,{"c":[]}],"d":{}}`,
	`[[[]],[{}],[{"k":"v"}]]`,
	`{"s":"a,b:c{d}[e]","q":"\"quoted\" \\ backslash","u":"\u001b[31m","e":""}`,
	`{"nested":{"deeper":{"deepest":[true,false,null,-1.5e3]}}}`,
}

// The indenter writes what json.Indent writes, byte for byte: for the
// cases above and for a whole report.
func TestIndentJSONMatchesEncodingJSON(t *testing.T) {
	rep, err := json.Marshal(sampleReport())
	if err != nil {
		t.Fatal(err)
	}
	for _, src := range append(indentCases, string(rep)) {
		var want bytes.Buffer
		if err := json.Indent(&want, []byte(src), "", "  "); err != nil {
			t.Fatalf("%s: %v", src, err)
		}
		if got := indentJSON(nil, []byte(src)); !bytes.Equal(got, want.Bytes()) {
			t.Errorf("indentJSON(%s) =\n%s\nwant\n%s", src, got, want.Bytes())
		}
	}
}

// FuzzIndentJSON holds the indenter to json.Indent on any valid JSON,
// compacted the way the encoder writes it.
func FuzzIndentJSON(f *testing.F) {
	for _, c := range indentCases {
		f.Add([]byte(c))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if !json.Valid(b) {
			return
		}
		var compact, want bytes.Buffer
		if err := json.Compact(&compact, b); err != nil {
			return
		}
		if err := json.Indent(&want, compact.Bytes(), "", "  "); err != nil {
			t.Fatal(err)
		}
		if got := indentJSON(nil, compact.Bytes()); !bytes.Equal(got, want.Bytes()) {
			t.Errorf("indentJSON(%q) =\n%s\nwant\n%s", compact.Bytes(), got, want.Bytes())
		}
	})
}
