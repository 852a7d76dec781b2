package catalog

import (
	"fmt"
	"os"
	"reflect"
	"testing"
)

// catalog_gen.go must hold exactly what catalog.yaml says: an edit of the
// YAML without go generate fails here, naming the entries that differ and
// the command that brings them back in line.
func TestGeneratedCatalogMatchesYAML(t *testing.T) {
	data, err := os.ReadFile("catalog.yaml")
	if err != nil {
		t.Fatal(err)
	}
	parsed, err := Parse(data)
	if err != nil {
		t.Fatalf("catalog.yaml: %v", err)
	}
	if diffs := entryDiffs(parsed.entries, curated); len(diffs) > 0 {
		for _, d := range diffs {
			t.Error(d)
		}
		t.Fatalf("catalog_gen.go is not catalog.yaml: run `%s`", regenerate)
	}
}

// entryDiffs says, field by field, where the generated entries differ from
// the parsed ones.
func entryDiffs(want, got []Entry) []string {
	var diffs []string
	if len(want) != len(got) {
		diffs = append(diffs, fmt.Sprintf("catalog.yaml has %d vendors, catalog_gen.go %d", len(want), len(got)))
	}
	for i := range min(len(want), len(got)) {
		w, g := reflect.ValueOf(want[i]), reflect.ValueOf(got[i])
		for f := range w.NumField() {
			if !reflect.DeepEqual(w.Field(f).Interface(), g.Field(f).Interface()) {
				diffs = append(diffs, fmt.Sprintf("vendor %d (%s): %s differs", i+1, want[i].ID, w.Type().Field(f).Name))
			}
		}
	}
	return diffs
}

// Builtin's entries pass the checks Parse makes (every category in the
// vocabulary, no id or alias twice), and the index finds each by id.
func TestGeneratedCatalogIsValid(t *testing.T) {
	c, err := newCatalog(curated)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.entries) < 100 {
		t.Fatalf("the generated catalog has only %d vendors", len(c.entries))
	}
	for _, e := range curated {
		if got, ok := Builtin().Curated(e.ID); !ok || got.ID != e.ID {
			t.Errorf("Builtin().Curated(%q) = %q, %v", e.ID, got.ID, ok)
		}
	}
}

// The checks themselves: what Parse refuses, newCatalog refuses whatever
// the entries come from.
func TestNewCatalogRefusesBadEntries(t *testing.T) {
	for name, entries := range map[string][]Entry{
		"unknown category": {{ID: "a", Categories: []string{"llm", "snacks"}}},
		"duplicate id":     {{ID: "a"}, {ID: "a"}},
		"alias is an id":   {{ID: "a"}, {ID: "b", Aliases: []string{"a"}}},
	} {
		if _, err := newCatalog(entries); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

// BenchmarkBuiltin is what the first catalog lookup of a process costs
// (--once, check-config, the dashboard; not the tmux fast path), side by
// side: indexing the generated entries, as Builtin does, and parsing
// catalog.yaml, as it did before catalog_gen.go.
//
//	go test -run '^$' -bench Builtin -benchmem ./providers/catalog/
func BenchmarkBuiltin(b *testing.B) {
	b.Run("generated", func(b *testing.B) {
		for b.Loop() {
			if _, err := newCatalog(curated); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("parse-yaml", func(b *testing.B) {
		data, err := os.ReadFile("catalog.yaml")
		if err != nil {
			b.Fatal(err)
		}
		for b.Loop() {
			if _, err := Parse(data); err != nil {
				b.Fatal(err)
			}
		}
	})
}
