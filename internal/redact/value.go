package redact

import "reflect"

// Value returns v with every string in it redacted by the process's
// redactor: the exported fields of structs, the elements of slices,
// arrays and maps (keys included), through pointers and interfaces. What
// changes is copied and v itself is never modified, so a value shared
// with other goroutines may be passed; when nothing changes, v is
// returned as it is, having cost a look at each string.
func Value[T any](v T) T { return RedactValue(std, v) }

// RedactValue is Value with redactor r.
func RedactValue[T any](r *Redactor, v T) T {
	if r.idx.Load() == nil {
		return v
	}
	rv := reflect.ValueOf(&v).Elem()
	if nv, changed := r.value(rv, 0); changed {
		return nv.Interface().(T)
	}
	return v
}

// maxValueDepth bounds the walk, in case a value holds a cycle.
const maxValueDepth = 64

// value returns v redacted and whether it changed; a changed value is a
// copy of v (its containers shallow-copied down to what changed).
func (r *Redactor) value(v reflect.Value, depth int) (reflect.Value, bool) {
	if depth > maxValueDepth {
		return v, false
	}
	depth++
	switch v.Kind() {
	case reflect.String:
		s := v.String()
		out := r.String(s)
		if out == s {
			return v, false
		}
		nv := reflect.New(v.Type()).Elem()
		nv.SetString(out)
		return nv, true
	case reflect.Pointer:
		if v.IsNil() {
			return v, false
		}
		ne, changed := r.value(v.Elem(), depth)
		if !changed {
			return v, false
		}
		p := reflect.New(v.Type().Elem())
		p.Elem().Set(ne)
		return p, true
	case reflect.Interface:
		if v.IsNil() {
			return v, false
		}
		ne, changed := r.value(v.Elem(), depth)
		if !changed {
			return v, false
		}
		nv := reflect.New(v.Type()).Elem()
		nv.Set(ne)
		return nv, true
	case reflect.Struct:
		var nv reflect.Value
		for i := range v.NumField() {
			if !v.Type().Field(i).IsExported() {
				continue
			}
			nf, changed := r.value(v.Field(i), depth)
			if !changed {
				continue
			}
			if !nv.IsValid() {
				nv = reflect.New(v.Type()).Elem()
				nv.Set(v)
			}
			nv.Field(i).Set(nf)
		}
		return nv, nv.IsValid()
	case reflect.Slice, reflect.Array:
		var nv reflect.Value
		for i := range v.Len() {
			ne, changed := r.value(v.Index(i), depth)
			if !changed {
				continue
			}
			if !nv.IsValid() {
				if v.Kind() == reflect.Slice {
					nv = reflect.MakeSlice(v.Type(), v.Len(), v.Len())
					reflect.Copy(nv, v)
				} else {
					nv = reflect.New(v.Type()).Elem()
					nv.Set(v)
				}
			}
			nv.Index(i).Set(ne)
		}
		return nv, nv.IsValid()
	case reflect.Map:
		if v.IsNil() {
			return v, false
		}
		changed := false
		type entry struct{ k, v reflect.Value }
		entries := make([]entry, 0, v.Len())
		for it := v.MapRange(); it.Next(); {
			k, kc := r.value(it.Key(), depth)
			e, ec := r.value(it.Value(), depth)
			changed = changed || kc || ec
			entries = append(entries, entry{k, e})
		}
		if !changed {
			return v, false
		}
		nv := reflect.MakeMapWithSize(v.Type(), len(entries))
		for _, e := range entries {
			nv.SetMapIndex(e.k, e.v)
		}
		return nv, true
	}
	return v, false
}
