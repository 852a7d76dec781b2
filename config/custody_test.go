package config

import (
	"strings"
	"testing"
)

// check-config's custody notes: a dependent that holds none of its
// upstream's keys, an upstream with no key at all, and a holder that does
// not depend on the key's vendor; a consistent config has none.
func TestCustodyNotes(t *testing.T) {
	cases := []struct {
		name, src string
		want      []string
	}{
		{"consistent", `vendors:
  - id: openai
    keys:
      - name: prod
        secret: env:OPENAI_API_KEY
        holders: [{vendor: vapi}]
  - id: vapi
    depends_on: [openai]
`, nil},
		{"no key lists the dependent", `vendors:
  - id: openai
    keys:
      - name: prod
        secret: env:OPENAI_API_KEY
        holders: [{service: api}]
  - id: vapi
    depends_on: [openai]
`, []string{"test.yaml:7: vapi depends on openai, but no openai key lists vapi as a holder: if vapi calls openai with a key of yours, add {vendor: vapi} to that key's holders:"}},
		{"no key of the upstream", `vendors:
  - id: openai
  - id: vapi
    depends_on: [openai]
`, []string{"test.yaml:3: vapi depends on openai, and no openai key is configured"}},
		{"a holder that does not depend", `vendors:
  - id: openai
    keys:
      - name: prod
        secret: env:OPENAI_API_KEY
        holders: [{vendor: vapi}]
  - id: vapi
`, []string{`test.yaml:7: key "prod" of openai is held by vapi, but vapi does not depend on openai: add depends_on: [openai] to vapi`}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg, err := Parse([]byte(c.src), "test.yaml", false, cat)
			if err != nil {
				t.Fatal(err)
			}
			got := cfg.CustodyNotes()
			if len(got) != len(c.want) {
				t.Fatalf("notes %q, want %d", got, len(c.want))
			}
			for i, w := range c.want {
				if !strings.HasPrefix(got[i], w) {
					t.Errorf("note %q, want it to start %q", got[i], w)
				}
			}
		})
	}
}
