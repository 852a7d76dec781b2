package catalog

import (
	"slices"
	"strings"
	"testing"
)

// Every curated entry says what kind of vendor it is, in words from the
// vocabulary, and the catalog is as large as the issue asks.
func TestCuratedEntriesHaveCategories(t *testing.T) {
	cat := Builtin()
	if n := len(cat.All()); n < 150 {
		t.Errorf("the curated catalog has %d vendors, want at least 150", n)
	}
	for _, e := range cat.All() {
		if len(e.Categories) == 0 {
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
		{"voice", []string{"vapi", "retell", "elevenlabs", "deepgram", "cartesia", "twilio", "assemblyai", "livekit"}, []string{"telnyx", "daily", "gladia", "speechmatics"}},
		{"llm", []string{"openai", "anthropic", "gemini", "groq", "mistral", "cohere"}, []string{"together", "fireworks", "deepseek", "xai", "openrouter"}},
		{"payments", []string{"stripe"}, []string{"paypal", "plaid", "chargebee"}},
		{"telephony", []string{"telnyx", "plivo"}, []string{"twilio", "vapi", "bandwidth"}},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			hits := cat.Search(tt.query)
			got := ids(hits)
			if len(got) < len(tt.first) || !slices.Equal(got[:len(tt.first)], tt.first) {
				t.Errorf("catalog %s starts %v, want %v", tt.query, got[:min(len(got), 10)], tt.first)
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
