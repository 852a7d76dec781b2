// Package jsonarrays makes the lists of a value encode as JSON arrays:
// encoding/json writes a nil slice as null, which breaks every script
// that iterates (jq '.vendors[]'). Each JSON document vendorwatch writes
// for programs passes through Of first.
package jsonarrays

import (
	"reflect"
	"strings"
	"sync"
)

// Of returns v with every nil slice in it (in exported struct fields,
// slice elements and through pointers, at any depth; []byte excepted,
// which JSON writes as a string) replaced by an empty one. A nil slice
// in a field tagged omitempty is left nil: it is omitted either way.
// What changes is copied: v and whatever it shares with the caller are
// never modified, so a value other goroutines read may be passed. When
// nothing changes v itself is returned.
func Of[T any](v T) T {
	return *Ptr(&v)
}

// Ptr is Of for the value p points to: it returns p itself when nothing
// changes, else a pointer to a filled copy. A caller encoding a list's
// items one at a time (correlate's reports) then copies none of them
// that need no filling, where Of copies each at least once.
func Ptr[T any](p *T) *T {
	if nv, changed := fill(reflect.ValueOf(p).Elem(), 0); changed {
		out := nv.Interface().(T)
		return &out
	}
	return p
}

// maxDepth bounds the walk, in case a value holds a cycle.
const maxDepth = 32

// fieldPlans caches, per struct type, the exported fields whose type can
// hold a slice to fill: the walk skips the rest (strings, numbers,
// times), which is most of a report.
var fieldPlans sync.Map // reflect.Type -> []field

// field is a struct field the walk visits.
type field struct {
	index int
	// omitEmpty is set for a slice field tagged omitempty: encoding/json
	// leaves it out when it is empty, nil or not, so a nil one is left
	// as it is rather than copied to hold an empty one (a report's
	// vendors have several, and each copy is a vendor's whole struct).
	omitEmpty bool
}

// fieldsToWalk returns the plan of struct type t.
func fieldsToWalk(t reflect.Type) []field {
	if p, ok := fieldPlans.Load(t); ok {
		return p.([]field)
	}
	var p []field
	for i := range t.NumField() {
		if f := t.Field(i); f.IsExported() && mayHoldSlice(f.Type, map[reflect.Type]bool{}) {
			p = append(p, field{index: i, omitEmpty: f.Type.Kind() == reflect.Slice && hasOption(f.Tag.Get("json"), "omitempty")})
		}
	}
	fieldPlans.Store(t, p)
	return p
}

// hasOption reports whether a json struct tag (name,opt,opt) holds opt.
func hasOption(tag, opt string) bool {
	_, opts, _ := strings.Cut(tag, ",")
	for o := range strings.SplitSeq(opts, ",") {
		if o == opt {
			return true
		}
	}
	return false
}

// mayHoldSlice reports whether a value of type t can hold a slice that
// fill makes non-nil, following pointers, slices and exported fields;
// seen stops recursive types (which may hold one, to be safe).
func mayHoldSlice(t reflect.Type, seen map[reflect.Type]bool) bool {
	if seen[t] {
		return true
	}
	seen[t] = true
	switch t.Kind() {
	case reflect.Slice:
		return t.Elem().Kind() != reflect.Uint8
	case reflect.Pointer:
		return mayHoldSlice(t.Elem(), seen)
	case reflect.Struct:
		for i := range t.NumField() {
			if f := t.Field(i); f.IsExported() && mayHoldSlice(f.Type, seen) {
				return true
			}
		}
	}
	return false
}

// fill returns v with its nil slices made empty, and whether anything
// changed; what changed is a copy, down from v.
func fill(v reflect.Value, depth int) (reflect.Value, bool) {
	if depth > maxDepth {
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
			ne, changed := fill(v.Index(i), depth)
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
		ne, changed := fill(v.Elem(), depth)
		if !changed {
			return v, false
		}
		p := reflect.New(v.Type().Elem())
		p.Elem().Set(ne)
		return p, true
	case reflect.Struct:
		var out reflect.Value
		for _, f := range fieldsToWalk(v.Type()) {
			fv := v.Field(f.index)
			if f.omitEmpty && fv.IsNil() {
				continue
			}
			ne, changed := fill(fv, depth)
			if !changed {
				continue
			}
			if !out.IsValid() {
				out = reflect.New(v.Type()).Elem()
				out.Set(v)
			}
			out.Field(f.index).Set(ne)
		}
		if out.IsValid() {
			return out, true
		}
		return v, false
	}
	return v, false
}
