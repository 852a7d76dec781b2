package output

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/vendorwatch/vendorwatch/internal/fixture"
	"github.com/vendorwatch/vendorwatch/internal/redact"
	"github.com/vendorwatch/vendorwatch/observe"
)

// A pack whose recorded text somehow holds a key (a row written before
// the key was known to the redactor, say) still never shows it, in either
// form; and hostile text cannot break the Markdown tables.
func TestEvidencePackNeverShowsAKey(t *testing.T) {
	key := fixture.AnthropicKey
	redact.Register(key)
	at := time.Date(2026, 5, 21, 10, 57, 0, 0, time.UTC)
	p := EvidencePack{Kind: EvidenceKind, SchemaVersion: 1, Vendor: "anthropic", VendorName: "Anthropic", KeyName: "prod", Since: at, Until: at.Add(time.Hour),
		Key:    EvidenceKey{Fingerprints: []string{"sk-ant-api03-…igAA"}, ID: "apikey_01", Owner: "ops | <b>x</b>"},
		Probes: []EvidenceProbe{{At: at, Result: observe.ResultInvalidKey, HTTPStatus: 401, Message: "invalid x-api-key " + key, RequestID: "req_011CSHoEeqs5C35K2UUqR7Fy"}},
		AuditQueries: []EvidenceAudit{{AuditQuery: observe.AuditQuery{At: at, From: at.Add(-5 * time.Minute), Until: at, Result: observe.ResultOK, Entries: []observe.AuditEntry{}},
			EvidenceRef: EvidenceRef{Seq: 3, Hash: strings.Repeat("ab", 32)}}},
		Status: []EvidenceStatus{{At: at, Text: "Status page: degraded | [phish](https://evil.example) " + key}},
		Chain:  EvidenceChain{Intact: true},
	}
	var md, js bytes.Buffer
	if err := WriteEvidenceMarkdown(&md, p); err != nil {
		t.Fatal(err)
	}
	if err := WriteEvidenceJSON(&js, p); err != nil {
		t.Fatal(err)
	}
	fixture.NoKey(t, "markdown", md.String(), key)
	fixture.NoKey(t, "json", js.String(), key)
	for _, want := range []string{"req_011CSHoEeqs5C35K2UUqR7Fy", "empty (no entry)", "ops \\| &lt;b&gt;x&lt;/b&gt;", "\\[phish\\]", "**intact**"} {
		if !strings.Contains(md.String(), want) {
			t.Errorf("the Markdown lacks %q:\n%s", want, md.String())
		}
	}
	back, err := ReadEvidenceJSON(&js)
	if err != nil || back.Probes[0].RequestID != p.Probes[0].RequestID || back.AuditQueries[0].Entries == nil {
		t.Errorf("the JSON reads back as %+v, %v", back, err)
	}
}
