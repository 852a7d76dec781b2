package config

import (
	"errors"
	"strings"
	"testing"
)

// probeCatalog is a catalog with vendors vendorwatch cannot probe:
// cloudflare (no admin API), inventoryco (an admin API read with an admin
// key, which lists keys) and callsco (an admin API that takes an ordinary
// key, as VAPI's call records do).
type probeCatalog struct{ fakeCatalog }

func (probeCatalog) Has(id string) bool {
	switch id {
	case "openai", "cloudflare", "inventoryco", "callsco":
		return true
	}
	return false
}

func (probeCatalog) KeyProbe(id string) bool { return id == "openai" }

func (probeCatalog) AdminAPI(id string) (AdminAPI, bool) {
	switch id {
	case "inventoryco":
		return AdminAPI{Reads: "the key inventory"}, true
	case "callsco":
		return AdminAPI{Reads: "the call records", KeyFallback: true}, true
	}
	return AdminAPI{}, false
}

// A key vendorwatch cannot test is refused at its own line, with what to
// do; keys an admin reader reads are not.
func TestKeysWithoutProbe(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want []int // lines of the problems
	}{
		{"probed vendor", `
vendors:
  - id: openai
    keys:
      - {name: prod, secret: env:OPENAI_API_KEY}
`, nil},
		{"catalog vendor without a probe", `
vendors:
  - id: cloudflare
    keys:
      - {name: ci, secret: env:CF_TOKEN}
      - {name: old, secret: env:CF_OLD}
`, []int{5, 6}},
		{"own vendor", `
vendors:
  - id: acme
    status:
      - url: https://status.acme.dev
    keys:
      - name: prod
        secret: env:ACME_KEY
`, []int{7}},
		{"canary watched in the key inventory", `
vendors:
  - id: inventoryco
    admin: {secret: env:INVENTORYCO_ADMIN_KEY}
    keys:
      - {name: canary-1, secret: env:C1, canary: true}
      - {name: prod, secret: env:PROD}
`, []int{7}},
		{"canary without an admin key", `
vendors:
  - id: inventoryco
    keys:
      - {name: canary-1, secret: env:C1, canary: true}
`, []int{5}},
		{"the admin reader's own key", `
vendors:
  - id: callsco
    admin: {}
    keys:
      - {name: canary-1, secret: env:C1, canary: true}
      - {name: prod, secret: env:PROD}
      - {name: spare, secret: env:SPARE}
`, []int{6, 8}},
		{"unknown vendor is reported once", `
vendors:
  - id: nosuch
    keys:
      - {name: prod, secret: env:X}
`, []int{3}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(tt.src), "test.yaml", false, probeCatalog{})
			var lines []int
			var ce *Error
			if errors.As(err, &ce) {
				for _, p := range ce.Problems {
					lines = append(lines, p.Line)
					if strings.Contains(p.Msg, "cannot test keys") &&
						!strings.Contains(p.Msg, "it has no free read-only request to try them with; remove the key") {
						t.Errorf("message %q says not what to do", p.Msg)
					}
				}
			} else if err != nil {
				t.Fatal(err)
			}
			if len(lines) != len(tt.want) {
				t.Fatalf("problems at lines %v, want %v (%v)", lines, tt.want, err)
			}
			for i := range lines {
				if lines[i] != tt.want[i] {
					t.Errorf("problems at lines %v, want %v (%v)", lines, tt.want, err)
				}
			}
		})
	}
}

// Without a catalog that knows probes (the tmux widget's quick load), keys
// are not judged.
func TestKeysWithoutProbeNeedACatalogThatKnows(t *testing.T) {
	src := "vendors:\n  - id: cloudflare\n    keys:\n      - {name: ci, secret: env:CF_TOKEN}\n"
	plain := struct{ Catalog }{fakeCatalog{"cloudflare": true}} // no KeyProbe
	if _, err := Parse([]byte(src), "test.yaml", false, plain); err != nil {
		t.Fatal(err)
	}
}
