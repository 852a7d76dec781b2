package statusline

import (
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode"
)

// maxFuzzDigest caps a fuzzed digest: the real ones are a few hundred
// bytes.
const maxFuzzDigest = 16 << 10

// sameDigest reports whether two digests say the same, whatever the time
// zone their times were read in.
func sameDigest(a, b Digest) bool {
	if !a.GeneratedAt.Equal(b.GeneratedAt) {
		return false
	}
	a.GeneratedAt, b.GeneratedAt = time.Time{}, time.Time{}
	if len(a.Entries) == 0 && len(b.Entries) == 0 {
		a.Entries, b.Entries = nil, nil
	}
	return reflect.DeepEqual(a, b)
}

// lineSafe fails the test when an item of the line could do more on a
// terminal or a bar than show itself: a control or format character, or a
// character a bar reads as markup (markupChars: tmux's '#', polybar's
// '%{', xbar's '|', Pango's '<' and '&').
func lineSafe(t *testing.T, items []Item) {
	t.Helper()
	for _, it := range items {
		for _, r := range it.Text {
			if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || strings.ContainsRune(markupChars, r) || r == unicode.ReplacementChar {
				t.Fatalf("item %q holds %U", it.Text, r)
			}
		}
		if it.Width < 0 || it.Width > len(it.Text) {
			t.Fatalf("item %q claims %d cells", it.Text, it.Width)
		}
	}
}

// FuzzDecodeDigest reads a fuzzed digest as the fast path of --tmux does.
// What it accepts must be what Encode writes: it encodes again to a digest
// that reads back the same, and its items are safe to print on the line.
func FuzzDecodeDigest(f *testing.F) {
	good, err := sampleDigest().Encode()
	if err != nil {
		f.Fatal(err)
	}
	f.Add(good)
	for _, s := range []string{
		digestMagic + "\n2026-05-21T12:45:00+02:00\tok\t3\nok\t4\t3 ok\n",
		digestMagic + "\n2026-05-21T12:45:00Z\tcritical\t1\ncritical\t10\tOpenAI\tkey\n",
		digestMagic + "\n2026-05-21T12:45:00Z\tcritical\t1\ncritical\t10\t#(touch /tmp/pwned)\n",
		digestMagic + "\n2026-05-21T12:45:00Z\tcritical\t1\ncritical\t10\t\x1b]0;title\x07OpenAI\r\n",
		digestMagic + "\n2026-05-21T12:45:00Z\tcritical\t1\ncritical\t9223372036854775807\tOpenAI\nwarning\t9223372036854775807\tVAPI\n",
		digestMagic + "\n2026-05-21T12:45:00Z\t\t1\n",
		digestMagic + "\n99999-01-01T00:00:00Z\tok\t0\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > maxFuzzDigest {
			return
		}
		d, err := DecodeDigest(data)
		if err != nil {
			return
		}
		lineSafe(t, d.Items(false))
		lineSafe(t, d.Items(true))
		again, err := d.Encode()
		if err != nil {
			t.Fatalf("a digest that was read does not encode: %v", err)
		}
		d2, err := DecodeDigest(again)
		if err != nil || !sameDigest(d, d2) {
			t.Fatalf("round trip: %+v\n= %q\n-> %+v, %v", d, again, d2, err)
		}
	})
}

// FuzzDigestRoundTrip encodes a digest of one entry made of fuzzed parts:
// whatever Encode accepts reads back the same.
func FuzzDigestRoundTrip(f *testing.F) {
	f.Add(t0.Unix(), int64(0), "critical", 12, "critical", "OpenAI key", 10)
	f.Add(int64(0), int64(999999999), "ok", 0, "ok", "12 ok", 5)
	f.Add(int64(-62135596800), int64(0), "unknown", 0, "", "", 0)
	f.Add(int64(253402300800), int64(1), "warning", -1, "warning", "VAPI #(x)", -3)
	f.Add(int64(1<<40), int64(0), "", 3, "ok\n", "a\x1bb", 99)
	f.Fuzz(func(t *testing.T, sec, nsec int64, overall string, vendors int, level, label string, width int) {
		d := Digest{GeneratedAt: time.Unix(sec, nsec), Overall: Level(overall), Vendors: vendors,
			Entries: []Entry{{Level: Level(level), Label: label, Width: width}}}
		b, err := d.Encode()
		if err != nil {
			return
		}
		got, err := DecodeDigest(b)
		if err != nil || !sameDigest(d, got) {
			t.Fatalf("%+v\n= %q\n-> %+v, %v", d, b, got, err)
		}
		if strings.Count(string(b), "\n") != 3 {
			t.Fatalf("%q is not three lines", b)
		}
	})
}
