package correlate

import (
	"encoding/json"
	"reflect"
)

// MarshalJSON encodes the report with every list as a JSON array, never
// null: "vendors", "findings", a finding's "vendors", "keys" and "advice",
// a vendor's "keys", and every other slice inside. Scripts can then
// iterate without a guard (jq '.vendors[]' on a report with no vendors
// prints nothing instead of failing). The report itself is not changed.
func (r Report) MarshalJSON() ([]byte, error) {
	type plain Report // the same fields without this method
	v, _ := emptySlices(reflect.ValueOf(plain(r)), 0)
	return json.Marshal(v.Interface())
}

// maxArraysDepth bounds the walk of emptySlices; a report is a shallow
// tree.
const maxArraysDepth = 32

// emptySlices returns v with every nil slice in it (but []byte, which JSON
// encodes as a string) replaced by an empty one, and whether anything
// changed. What changes is copied, down from v: v and what it shares with
// the caller are never modified.
func emptySlices(v reflect.Value, depth int) (reflect.Value, bool) {
	if depth > maxArraysDepth {
		return v, false
	}
	depth++
	switch v.Kind() {
	case reflect.Slice:
		if v.Type().Elem().Kind() == reflect.Uint8 {
			return v, false
		}
		if v.IsNil() {
			return reflect.MakeSlice(v.Type(), 0, 0), true
		}
		var out reflect.Value
		for i := range v.Len() {
			ne, changed := emptySlices(v.Index(i), depth)
			if !changed {
				continue
			}
			if !out.IsValid() {
				out = reflect.MakeSlice(v.Type(), v.Len(), v.Len())
				reflect.Copy(out, v)
			}
			out.Index(i).Set(ne)
		}
		if out.IsValid() {
			return out, true
		}
		return v, false
	case reflect.Pointer:
		if v.IsNil() {
			return v, false
		}
		ne, changed := emptySlices(v.Elem(), depth)
		if !changed {
			return v, false
		}
		p := reflect.New(v.Type().Elem())
		p.Elem().Set(ne)
		return p, true
	case reflect.Struct:
		var out reflect.Value
		for i := range v.NumField() {
			if !v.Type().Field(i).IsExported() {
				continue
			}
			ne, changed := emptySlices(v.Field(i), depth)
			if !changed {
				continue
			}
			if !out.IsValid() {
				out = reflect.New(v.Type()).Elem()
				out.Set(v)
			}
			out.Field(i).Set(ne)
		}
		if out.IsValid() {
			return out, true
		}
		return v, false
	}
	return v, false
}
