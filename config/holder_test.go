package config

import (
	"strings"
	"testing"
)

// A key's holders load when each names one service, vendor of the config
// or secret store entry, and the result carries them.
func TestHoldersLoad(t *testing.T) {
	src := `vendors:
  - id: openai
    keys:
      - name: prod
        secret: env:OPENAI_API_KEY
        holders: [{service: voice-backend}, {vendor: vapi}, {secret: "gcp:openai-prod"}]
  - id: vapi
`
	cfg, err := Parse([]byte(src), "test.yaml", false, cat)
	if err != nil {
		t.Fatal(err)
	}
	hs := cfg.Vendors[0].Keys[0].Holders
	var got []string
	for _, h := range hs {
		got = append(got, h.String())
	}
	if strings.Join(got, ", ") != "service voice-backend, vendor vapi, secret gcp:openai-prod" {
		t.Errorf("holders = %v", got)
	}
}

// Each wrong holder is reported at its own line: none or two kinds, a
// vendor that is not in the config, the key's own vendor, a repeat.
func TestHoldersProblems(t *testing.T) {
	src := `vendors:
  - id: openai
    keys:
      - name: prod
        secret: env:OPENAI_API_KEY
        holders:
          - {}
          - {service: api, vendor: vapi}
          - {vendor: langsmith}
          - {vendor: openai}
          - {service: api}
          - {service: api}
`
	got := map[int]string{}
	for _, pr := range problemsOf(t, src) {
		got[pr.Line] += pr.Msg
	}
	for line, want := range map[int]string{
		7:  "give exactly one of service:, vendor: or secret:",
		8:  "give exactly one of service:, vendor: or secret:",
		9:  `held by vendor "langsmith", which is not in vendors:`,
		10: "a vendor does not hold its own key",
		12: "lists holder service api twice",
	} {
		if !strings.Contains(got[line], want) {
			t.Errorf("line %d: %q, want %q (all: %v)", line, got[line], want, got)
		}
	}
	if len(got) != 5 {
		t.Errorf("problems at %d lines, want 5: %v", len(got), got)
	}
}
