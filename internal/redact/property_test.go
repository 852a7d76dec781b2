package redact

import (
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/url"
	"strings"
	"testing"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
)

const (
	alnum    = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	b64url   = alnum + "-_"
	hexLower = "0123456789abcdef"
)

func randString(rng *rand.Rand, alphabet string, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = alphabet[rng.IntN(len(alphabet))]
	}
	return string(b)
}

// shapes make random keys of every vendor shape vendorwatch knows.
var shapes = map[string]func(*rand.Rand) string{
	"openai project":    func(r *rand.Rand) string { return "sk-proj-" + randString(r, b64url, 40+r.IntN(120)) },
	"openai service":    func(r *rand.Rand) string { return "sk-svcacct-" + randString(r, b64url, 40+r.IntN(120)) },
	"openai admin":      func(r *rand.Rand) string { return "sk-admin-" + randString(r, b64url, 40+r.IntN(60)) },
	"anthropic":         func(r *rand.Rand) string { return "sk-ant-api03-" + randString(r, b64url, 86) + "AA" },
	"anthropic admin":   func(r *rand.Rand) string { return "sk-ant-admin01-" + randString(r, b64url, 86) + "AA" },
	"vapi uuid":         func(r *rand.Rand) string { return uuid(r) },
	"twilio auth token": func(r *rand.Rand) string { return randString(r, hexLower, 32) },
	"twilio sid":        func(r *rand.Rand) string { return "AC" + randString(r, hexLower, 32) },
	"stripe secret":     func(r *rand.Rand) string { return "sk_live_" + randString(r, alnum, 24+r.IntN(76)) },
	"stripe restricted": func(r *rand.Rand) string { return "rk_live_" + randString(r, alnum, 24+r.IntN(76)) },
	"google":            func(r *rand.Rand) string { return "AIza" + randString(r, b64url, 35) },
	"plain alnum":       func(r *rand.Rand) string { return randString(r, alnum, 32+r.IntN(33)) },
}

func uuid(r *rand.Rand) string {
	s := randString(r, hexLower, 32)
	return s[:8] + "-" + s[8:12] + "-4" + s[13:16] + "-" + s[16:20] + "-" + s[20:]
}

// junk is what a vendor's echo may split a key with.
var junkPieces = []string{
	"\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\x00", "\u202e", "\ufe0f",
	"\x1b[0m", "\x1b[31;1m", "\x1b[38;2;255;0;0m", "\x1b]0;title\x07", "\x1b]8;;https://example.com\x1b\\",
	"\x1b(B", "\x9b0m", " ", "\n", "\r\n", "\t", "<b>", "</span>",
}

// disguise inserts junk into key at random places.
func disguise(r *rand.Rand, key string) string {
	var b strings.Builder
	for i := 0; i < len(key); i++ {
		if r.IntN(6) == 0 {
			b.WriteString(junkPieces[r.IntN(len(junkPieces))])
		}
		b.WriteByte(key[i])
	}
	return b.String()
}

// escapeChars writes some characters of s as JSON \u escapes, %XX or HTML
// character references.
func escapeChars(r *rand.Rand, s string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		c, size := utf8.DecodeRuneInString(s[i:])
		raw := s[i : i+size]
		i += size
		if c == utf8.RuneError && size == 1 { // a raw byte: only %XX spells it
			if r.IntN(3) == 0 {
				fmt.Fprintf(&b, "%%%02X", raw[0])
			} else {
				b.WriteString(raw)
			}
			continue
		}
		switch r.IntN(8) {
		case 0:
			for _, u := range utf16.Encode([]rune{c}) {
				fmt.Fprintf(&b, `\u%04x`, u)
			}
		case 1:
			for _, x := range []byte(raw) {
				fmt.Fprintf(&b, "%%%02X", x)
			}
		case 2:
			fmt.Fprintf(&b, "&#%d;", c)
		case 3:
			fmt.Fprintf(&b, "&#x%x;", c)
		default:
			b.WriteString(raw)
		}
	}
	return b.String()
}

var contexts = []string{
	"Incorrect API key provided: %s. You can find your API key at https://platform.openai.com.",
	`{"error":{"message":"invalid x-api-key: %s","type":"authentication_error"}}`,
	"<html><body><h1>401</h1><p>key %s rejected</p></body></html>",
	"Via: 1.1 proxy-%s (squid)",
	"%s",
	"token=%s&next=1",
}

// encode wraps a whole text the way a vendor's echo might.
func encode(r *rand.Rand, s string) string {
	switch r.IntN(9) {
	case 0:
		encs := []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding}
		e := encs[r.IntN(len(encs))].EncodeToString([]byte(s))
		if r.IntN(2) == 0 { // MIME-style lines
			var b strings.Builder
			for len(e) > 76 {
				b.WriteString(e[:76] + "\r\n")
				e = e[76:]
			}
			e = b.String() + e
		}
		return []string{"", "Basic ", "data:", "payload"}[r.IntN(4)] + e
	case 1:
		return "hex " + hex.EncodeToString([]byte(s))
	case 2:
		b, _ := json.Marshal(map[string]string{"body": s})
		return string(b)
	case 3:
		return url.QueryEscape(s)
	case 4:
		b, _ := json.Marshal(s)
		return "echo: " + string(b)
	}
	return s
}

// leaked returns the first run of 8 characters of secret that out still
// shows: in the terminal's reading of it (escape sequences and invisible
// characters gone), and in the redactor's own normalized reading, decoded
// layers included.
func leaked(out, secret string) string {
	visible := leakedVisible(out)
	for i := 0; i+minRun <= len(secret); i++ {
		if strings.Contains(visible, secret[i:i+minRun]) {
			return secret[i : i+minRun]
		}
	}
	check := New()
	check.Register(secret) // the secret part alone: no prefix is exempt
	if ix := check.idx.Load(); ix != nil {
		for _, s := range ix.find([]byte(out)) {
			return out[s.lo:s.hi]
		}
	}
	return ""
}

// leakedVisible is out as a terminal shows it: escape sequences,
// control, format and invisible characters and white space gone.
func leakedVisible(out string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || r == unicode.ReplacementChar ||
			unicode.In(r, unicode.Variation_Selector) {
			return -1
		}
		return r
	}, ansi.Strip(out))
}

// The property: for a random key of every vendor shape, disguised with
// invisible characters and escape sequences, partly escaped, embedded in
// a vendor's text and encoded, redaction leaves no run of 8 characters of
// the key's secret part (after its public prefix).
func TestPropertyNoRunSurvives(t *testing.T) {
	rounds := 400
	if testing.Short() {
		rounds = 60
	}
	for name, shape := range shapes {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			rng := rand.New(rand.NewPCG(uint64(len(name)), 2026))
			for range rounds {
				key := shape(rng)
				r := New()
				r.Register(key)
				in := strings.ReplaceAll(contexts[rng.IntN(len(contexts))], "%s", escapeOrNot(rng, disguise(rng, key)))
				in = encode(rng, in)
				out := r.String(in)
				if run := leaked(out, key[len(PublicPrefix(key)):]); run != "" {
					t.Fatalf("key %q\nin  %q\nout %q\nstill shows %q", key, in, out, run)
				}
			}
		})
	}
}

func escapeOrNot(r *rand.Rand, s string) string {
	if r.IntN(3) == 0 {
		return escapeChars(r, s)
	}
	return s
}

// A fingerprint and a vendor's own mask of the tail pass unchanged.
func TestPropertyFingerprintSurvives(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	for name, shape := range shapes {
		for range 50 {
			key := shape(rng)
			r := New()
			r.Register(key)
			fp := PublicPrefix(key) + "…" + key[len(key)-4:]
			in := "key " + fp + " (" + PublicPrefix(key) + ") was rejected"
			if out := r.String(in); out != in {
				t.Fatalf("%s: String(%q) = %q", name, in, out)
			}
		}
	}
}

// FuzzRedactKey checks the property for keys, junk and surroundings the
// fuzzer chooses: go test ./internal/redact -run '^$' -fuzz FuzzRedactKey
func FuzzRedactKey(f *testing.F) {
	f.Add("Qm4xZ8vR2nL6tY0wK3pJ9sD1fH5gB7cE", "\u200b", uint8(5), "key %s.", uint8(0))
	f.Add("5f0c9a1e3b7d4e2a8c6f9d1b2a3c4e5f", "\x1b[0m", uint8(9), `{"m":"%s"}`, uint8(1))
	f.Add("R2Dx7Kq9Vm3Lp5Tn8Wr1Yz4Bc6Df0Gh2", "\x1b]0;t\x07", uint8(3), "<p>%s</p>", uint8(2))
	f.Add("Zb1Cd5Ef0Gh2Jk4Mn6Pq8St0Uv2Wx4Yz", "\u00ad\x00", uint8(17), "%s", uint8(3))
	f.Fuzz(func(t *testing.T, body, junk string, every uint8, context string, enc uint8) {
		body = strings.Map(func(r rune) rune {
			if r < 0x80 && strings.ContainsRune(alnum, r) {
				return r
			}
			return -1
		}, body)
		if len(body) < 16 || len(body) > 200 || strings.Contains(strings.ToLower(body), "redacted") || !strings.Contains(context, "%s") {
			return
		}
		key := "sk-proj-" + body
		step := int(every%16) + 1
		var b strings.Builder
		for i := 0; i < len(key); i++ {
			if i > 0 && i%step == 0 {
				b.WriteString(junk)
			}
			b.WriteByte(key[i])
		}
		// The junk itself must not spell the key: only invisible junk is
		// a disguise, visible text between the pieces is a different text.
		if strings.Trim(ansi.Strip(junk), "\u200b\u200c\u200d\u2060\ufeff\u00ad\x00 \t\r\n") != "" {
			return
		}
		in := strings.Replace(context, "%s", b.String(), 1)
		switch enc % 4 {
		case 1:
			in = base64.StdEncoding.EncodeToString([]byte(in))
		case 2:
			in = url.QueryEscape(in)
		case 3:
			j, _ := json.Marshal(in)
			in = string(j)
		}
		r := New()
		r.Register(key)
		out := r.String(in)
		if run := leaked(out, body); run != "" {
			t.Fatalf("key %q\nin  %q\nout %q\nstill shows %q", key, in, out, run)
		}
	})
}
