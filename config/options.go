package config

import (
	"reflect"
	"strings"

	"go.yaml.in/yaml/v3"
)

// unmarshalerType is what a type that reads its own YAML implements.
var unmarshalerType = reflect.TypeFor[yaml.Unmarshaler]()

// unknownOptions reports, at their lines, the keys of the parsed document
// that no field of the config takes: what yaml.v3's strict Decoder
// (KnownFields) reports, read from the tree. The config is parsed once,
// into the tree its problems cite, and decoded from it (Node.Decode),
// which cannot be strict; a second, strict parse of the text cost as much
// as the first (35 ms at 5,000 vendors, before anything else can start).
//
// It follows the decoder: into a struct's fields by their yaml names,
// through pointers, slices, maps' values, aliases and merge keys (<<),
// and not into a type that reads its own YAML or a value of the wrong
// kind (the decoder reports that).
func unknownOptions(root *yaml.Node, p *problems) {
	w := optionWalker{p: p, fields: map[reflect.Type]map[string]reflect.Type{}}
	w.walk(root, reflect.TypeFor[Config]())
}

type optionWalker struct {
	p      *problems
	fields map[reflect.Type]map[string]reflect.Type
}

func (w optionWalker) walk(n *yaml.Node, t reflect.Type) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if reflect.PointerTo(t).Implements(unmarshalerType) {
		return
	}
	switch n.Kind {
	case yaml.DocumentNode:
		for _, c := range n.Content {
			w.walk(c, t)
		}
	case yaml.AliasNode:
		if n.Alias != nil {
			w.walk(n.Alias, t)
		}
	case yaml.SequenceNode:
		if t.Kind() == reflect.Slice || t.Kind() == reflect.Array {
			for _, c := range n.Content {
				w.walk(c, t.Elem())
			}
		}
	case yaml.MappingNode:
		w.mapping(n, t)
	}
}

func (w optionWalker) mapping(n *yaml.Node, t reflect.Type) {
	switch t.Kind() {
	case reflect.Map:
		for i := 1; i < len(n.Content); i += 2 {
			w.walk(n.Content[i], t.Elem())
		}
	case reflect.Struct:
		fields := w.fieldsOf(t)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			if k.Kind != yaml.ScalarNode {
				continue // the decoder says what is wrong with such a key
			}
			if k.Value == "<<" && (k.Tag == "!!merge" || k.Tag == "") {
				w.walk(v, t) // merged mappings hold this type's options
				continue
			}
			ft, ok := fields[k.Value]
			if !ok {
				w.p.add(k.Line, "unknown option %q in %s", k.Value, where(t.Name()))
				continue
			}
			w.walk(v, ft)
		}
	}
}

// fieldsOf maps the yaml names of struct t's fields to their types, as the
// decoder names them: the tag's name, else the field's name in lower case;
// "-" and unexported fields are none; an inline struct's fields are t's.
func (w optionWalker) fieldsOf(t reflect.Type) map[string]reflect.Type {
	if f, ok := w.fields[t]; ok {
		return f
	}
	out := map[string]reflect.Type{}
	for f := range t.Fields() {
		if !f.IsExported() {
			continue
		}
		tag := f.Tag.Get("yaml")
		if tag == "-" {
			continue
		}
		name, flags, _ := strings.Cut(tag, ",")
		if strings.Contains(","+flags+",", ",inline,") && f.Type.Kind() == reflect.Struct {
			for n, ft := range w.fieldsOf(f.Type) {
				out[n] = ft
			}
			continue
		}
		if name == "" {
			name = strings.ToLower(f.Name)
		}
		out[name] = f.Type
	}
	w.fields[t] = out
	return out
}
