package correlate

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"
)

// Issue 21: every list of the schema-1 JSON is an array, never null, so
// jq '.vendors[]' and friends work on any report. The check walks the Go
// types, so a list field added later is held to it too.
func TestReportListsAreArrays(t *testing.T) {
	t.Parallel()
	for name, rep := range map[string]Report{
		"no vendors": {SchemaVersion: SchemaVersion},
		"nested lists empty": {
			Vendors:   []VendorReport{{}},
			Findings:  []Finding{{Kind: KindVendorIncident}},
			Rotations: []Rotation{{Holders: []RotationHolder{{}}}},
		},
	} {
		t.Run(name, func(t *testing.T) {
			data, err := json.Marshal(rep)
			if err != nil {
				t.Fatal(err)
			}
			var doc any
			if err := json.Unmarshal(data, &doc); err != nil {
				t.Fatal(err)
			}
			checkArrays(t, "$", reflect.TypeFor[Report](), doc)
			if name == "no vendors" && (!strings.Contains(string(data), `"vendors":[]`) || !strings.Contains(string(data), `"findings":[]`)) {
				t.Errorf("report JSON = %s, want \"vendors\":[] and \"findings\":[]", data)
			}
		})
	}
	// The report encoded is not changed.
	r := Report{Findings: []Finding{{}}}
	if _, err := json.Marshal(r); err != nil {
		t.Fatal(err)
	}
	if r.Vendors != nil || r.Findings[0].Keys != nil {
		t.Error("MarshalJSON changed the report it encoded")
	}
}

// checkArrays fails the test where doc, the decoded JSON of a value of
// type typ, holds null for a slice.
func checkArrays(t *testing.T, path string, typ reflect.Type, doc any) {
	t.Helper()
	for typ.Kind() == reflect.Pointer {
		typ = typ.Elem()
	}
	switch typ.Kind() {
	case reflect.Slice:
		if typ.Elem().Kind() == reflect.Uint8 {
			return
		}
		list, ok := doc.([]any)
		if !ok {
			t.Errorf("%s = %v, want an array", path, doc)
			return
		}
		for i, e := range list {
			checkArrays(t, fmt.Sprintf("%s[%d]", path, i), typ.Elem(), e)
		}
	case reflect.Struct:
		obj, ok := doc.(map[string]any)
		if !ok {
			return // a struct with its own encoding (time.Time), or null
		}
		for i := range typ.NumField() {
			f := typ.Field(i)
			if !f.IsExported() {
				continue
			}
			if f.Anonymous && f.Tag.Get("json") == "" {
				checkArrays(t, path, f.Type, doc)
				continue
			}
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if name == "-" {
				continue
			}
			if name == "" {
				name = f.Name
			}
			if v, present := obj[name]; present {
				checkArrays(t, path+"."+name, f.Type, v)
			}
		}
	}
}

// The filled report is HTML-escaped only when its encoder says so.
func TestReportJSONEscapesAsItsEncoder(t *testing.T) {
	t.Parallel()
	rep := Report{Findings: []Finding{{Title: "A & B <now>"}}}
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(rep); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), `"title":"A & B <now>"`) {
		t.Errorf("unescaped encoder wrote %s", b.String())
	}
	data, err := json.Marshal(rep)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), `A \u0026 B \u003cnow\u003e`) {
		t.Errorf("json.Marshal wrote %s", data)
	}
}
