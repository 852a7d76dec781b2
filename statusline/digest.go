package statusline

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// DigestFile is the line digest's name in the state dir, beside
// snapshot.json. Whoever writes the snapshot writes the digest after it, so
// a digest that is not older than the snapshot describes it.
const DigestFile = "statusline.txt"

// digestMagic opens every digest; a digest of another version is not read.
const digestMagic = "vendorwatch statusline 1"

// Entry is one item of the digest, before its icon: its level, its label
// ("OpenAI key", "12 ok") and the label's width in cells.
type Entry struct {
	Level Level
	Label string
	Width int
}

// Digest is what the status line shows of one report.
type Digest struct {
	GeneratedAt time.Time
	Overall     Level
	Vendors     int // how many vendors the report covers
	Entries     []Entry
}

// Encode writes the digest as text: a header line, the report's time,
// overall level and vendor count, then one tab-separated line per entry. Labels must hold
// no tab or newline (output's labels are vendor names stripped to
// letters, digits and a little punctuation).
func (d Digest) Encode() ([]byte, error) {
	var b strings.Builder
	b.WriteString(digestMagic + "\n")
	b.WriteString(d.GeneratedAt.UTC().Format(time.RFC3339Nano) + "\t" + string(d.Overall) + "\t" + strconv.Itoa(d.Vendors) + "\n")
	for _, e := range d.Entries {
		if strings.ContainsAny(e.Label, "\t\n\r") || strings.ContainsAny(string(e.Level), "\t\n\r") {
			return nil, fmt.Errorf("status line digest: label %q holds a tab or newline", e.Label)
		}
		b.WriteString(string(e.Level) + "\t" + strconv.Itoa(e.Width) + "\t" + e.Label + "\n")
	}
	return []byte(b.String()), nil
}

var errDigest = errors.New("status line digest: not a digest this vendorwatch reads")

// DecodeDigest reads what Encode wrote.
func DecodeDigest(data []byte) (Digest, error) {
	lines := strings.Split(string(data), "\n")
	if len(lines) < 3 || lines[0] != digestMagic || lines[len(lines)-1] != "" {
		return Digest{}, errDigest
	}
	head := strings.Split(lines[1], "\t")
	if len(head) != 3 {
		return Digest{}, errDigest
	}
	at, err := time.Parse(time.RFC3339Nano, head[0])
	if err != nil {
		return Digest{}, fmt.Errorf("status line digest: %w", err)
	}
	vendors, err := strconv.Atoi(head[2])
	if err != nil || vendors < 0 || head[1] == "" {
		return Digest{}, errDigest
	}
	d := Digest{GeneratedAt: at, Overall: Level(head[1]), Vendors: vendors}
	for _, line := range lines[2 : len(lines)-1] {
		f := strings.SplitN(line, "\t", 3)
		if len(f) != 3 {
			return Digest{}, errDigest
		}
		w, err := strconv.Atoi(f[1])
		if err != nil || w < 0 {
			return Digest{}, errDigest
		}
		d.Entries = append(d.Entries, Entry{Level: Level(f[0]), Label: f[2], Width: w})
	}
	return d, nil
}

// Items are the digest's entries with their icons.
func (d Digest) Items(ascii bool) []Item {
	items := make([]Item, len(d.Entries))
	for i, e := range d.Entries {
		items[i] = Labelled(e.Level, e.Label, e.Width, ascii)
	}
	return items
}
