package redact

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

// benchReport is a report as the exits see it: schema-1 JSON with status
// pages, incidents, key messages, URLs and ids, about n bytes.
func benchReport(n int) []byte {
	type component struct{ Name, State string }
	type incident struct {
		ID, Title, Status, URL, Update string
	}
	type vendor struct {
		ID, Name, State, PageURL string
		Components               []component
		Incidents                []incident
		KeyMessage, Fingerprint  string
	}
	var vs []vendor
	for i := 0; ; i++ {
		v := vendor{
			ID: fmt.Sprintf("vendor%d", i), Name: fmt.Sprintf("Vendor %d", i), State: "degraded",
			PageURL:     fmt.Sprintf("https://status.vendor%d.example.com", i),
			KeyMessage:  "Incorrect API key provided: sk-proj-…MxYA. You can find your API key at https://platform.openai.com/account/api-keys.",
			Fingerprint: "sk-proj-…MxYA",
			Components:  []component{{"API", "operational"}, {"Dashboard", "degraded_performance"}, {"Webhooks", "operational"}},
			Incidents: []incident{{ID: fmt.Sprintf("01HZ%dXKQ7T9V3M2P8R5W1Y4N6B", i), Title: "Elevated error rates on the Chat Completions API",
				Status: "investigating", URL: fmt.Sprintf("https://status.vendor%d.example.com/incidents/x7k2m9p4q1", i),
				Update: "We are investigating elevated error rates & latency for requests to <b>gpt-5</b> in us-east-1.\nA fix is being rolled out."}},
		}
		vs = append(vs, v)
		if b, _ := json.Marshal(vs); len(b) >= n {
			return b
		}
	}
}

// benchKeys registers ten keys of several vendors' shapes.
func benchKeys() *Redactor {
	r := New()
	rng := rand.New(rand.NewPCG(1, 2))
	names := []string{"openai project", "openai service", "anthropic", "vapi uuid", "twilio auth token", "stripe secret", "google", "plain alnum", "openai admin", "anthropic admin"}
	for _, n := range names {
		r.Register(shapes[n](rng))
	}
	return r
}

// How much the redactor costs an exit. Run with:
//
//	go test ./internal/redact -run '^$' -bench . -benchmem
func BenchmarkString(b *testing.B) {
	message := "Incorrect API key provided: sk-proj-…MxYA. You can find your API key at https://platform.openai.com/account/api-keys."
	report := string(benchReport(100 << 10))
	keys := benchKeys()
	withKey := report[:len(report)/2] + "\u200b" + "5f0c9a1e-3b7d\x1b[0m-4e2a-8c6f-9d1b2a3c4e5f" + report[len(report)/2:]
	keys.Register("5f0c9a1e-3b7d-4e2a-8c6f-9d1b2a3c4e5f")
	cases := []struct {
		name string
		r    *Redactor
		text string
	}{
		{"no secret registered/message", New(), message},
		{"no secret registered/report 100KiB", New(), report},
		{"11 secrets/message", keys, message},
		{"11 secrets/report 100KiB", keys, report},
		{"11 secrets/report 100KiB with a disguised key", keys, withKey},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			b.SetBytes(int64(len(c.text)))
			b.ReportAllocs()
			for b.Loop() {
				c.r.String(c.text)
			}
		})
	}
}

// A large body with long base64 runs (a status page with embedded
// images, say) is the redactor's worst case: every run is decoded at
// every alignment.
func BenchmarkBase64Heavy(b *testing.B) {
	rng := rand.New(rand.NewPCG(3, 4))
	var sb strings.Builder
	for sb.Len() < 256<<10 {
		sb.WriteString(`<img src="data:image/png;base64,`)
		sb.WriteString(randString(rng, alnum+"+/", 4000))
		sb.WriteString(`"> text between images `)
	}
	text := sb.String()
	r := benchKeys()
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	for b.Loop() {
		r.String(text)
	}
}

// Register is called on every resolve (every probe): for a known secret
// it must cost next to nothing.
func BenchmarkRegisterKnown(b *testing.B) {
	r := benchKeys()
	key := "5f0c9a1e-3b7d-4e2a-8c6f-9d1b2a3c4e5f"
	r.Register(key)
	b.ReportAllocs()
	for b.Loop() {
		r.Register(key)
	}
}
