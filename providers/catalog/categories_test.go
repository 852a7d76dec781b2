package catalog

import (
	"slices"
	"strings"
	"testing"
)

// probeOwned are the entries the key-probe work owns in catalog.yaml; they
// get their categories when it is merged.
var probeOwned = []string{"github", "groq", "mistral", "openrouter", "cartesia", "retell"}

// Every curated entry says what kind of vendor it is, in words from the
// vocabulary, and the catalog is as large as the issue asks.
func TestCuratedEntriesHaveCategories(t *testing.T) {
	cat := Builtin()
	if n := len(cat.All()); n < 150-3 { // the probe work adds openrouter, cartesia and retell
		t.Errorf("the curated catalog has %d vendors, want at least 147 before the probe work's three", n)
	}
	for _, e := range cat.All() {
		if len(e.Categories) == 0 && !slices.Contains(probeOwned, e.ID) {
			t.Errorf("%s has no categories", e.ID)
		}
		for _, c := range e.Categories {
			if !IsCategory(c) {
				t.Errorf("%s: category %q is not in the vocabulary", e.ID, c)
			}
		}
		if len(e.Categories) != len(slices.Compact(slices.Clone(e.Categories))) {
			t.Errorf("%s repeats a category: %v", e.ID, e.Categories)
		}
	}
	for _, c := range Categories {
		if c.Name != strings.ToLower(c.Name) || c.What == "" {
			t.Errorf("category %+v needs a lower-case name and a description", c)
		}
	}
}

func TestParseRejectsUnknownCategory(t *testing.T) {
	_, err := Parse([]byte("vendors:\n  - {id: acme, name: Acme, page: https://status.acme.dev, categories: [voice, vioce]}\n"))
	if err == nil || !strings.Contains(err.Error(), `acme: unknown category "vioce"`) || !strings.Contains(err.Error(), "telephony") {
		t.Errorf("err = %v", err)
	}
}

// catalog voice lists the voice vendors first, catalog llm the model
// APIs; directory entries come after every curated one.
func TestSearchRanksByCategory(t *testing.T) {
	cat := Builtin()
	tests := []struct {
		query string
		first []string // in this order, at the top
		also  []string // among the curated hits
	}{
		{"voice", []string{"vapi", "elevenlabs", "deepgram", "twilio", "assemblyai", "livekit"}, []string{"telnyx", "daily", "gladia", "speechmatics"}},
		{"llm", []string{"openai", "anthropic", "gemini", "cohere"}, []string{"together", "fireworks", "deepseek", "xai"}},
		{"payments", []string{"stripe"}, []string{"paypal", "plaid", "chargebee"}},
		{"telephony", []string{"telnyx", "plivo"}, []string{"twilio", "vapi", "bandwidth"}},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			hits := cat.Search(tt.query)
			got := ids(hits)
			// Entries the probe work adds may sit among the first ones.
			top := slices.DeleteFunc(slices.Clone(got), func(id string) bool { return slices.Contains(probeOwned, id) })
			if len(top) < len(tt.first) || !slices.Equal(top[:len(tt.first)], tt.first) {
				t.Errorf("catalog %s starts %v, want %v", tt.query, top[:min(len(top), 10)], tt.first)
			}
			for _, id := range tt.also {
				if !slices.Contains(got, id) {
					t.Errorf("catalog %s lacks %s: %v", tt.query, id, got)
				}
			}
			seenDirectory := false
			for _, e := range hits {
				if e.Origin != "" {
					seenDirectory = true
				} else if seenDirectory {
					t.Errorf("curated %s comes after a directory entry: %v", e.ID, got)
				}
			}
		})
	}
	// A word that is a category and part of a directory name: every curated
	// vendor of the category comes first.
	hits := cat.Search("video")
	if len(hits) == 0 || hits[0].Origin != "" || !slices.Contains(hits[0].Categories, "video") {
		t.Errorf("catalog video = %v", ids(hits))
	}
	// An exact name still beats a category.
	if hits := cat.Search("daily"); hits[0].ID != "daily" {
		t.Errorf("catalog daily = %v", ids(hits))
	}
}

// BenchmarkCatalogParse is what the first catalog lookup of a process
// costs (--once, check-config, the dashboard; not the tmux fast path):
//
//	go test -run '^$' -bench CatalogParse -benchmem ./providers/catalog/
func BenchmarkCatalogParse(b *testing.B) {
	for b.Loop() {
		if _, err := Parse(catalogYAML); err != nil {
			b.Fatal(err)
		}
	}
}
