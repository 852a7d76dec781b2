package statusline

import (
	"errors"
	"strconv"
	"time"
	"unicode"
	"unicode/utf8"
)

// DigestFile is the line digest's name in the state dir, beside
// snapshot.json. Whoever writes the snapshot writes the digest after it, so
// a digest that is not older than the snapshot describes it. A check that
// would write the same line again only sets the file's time, as it does
// the snapshot's: the digest is as recent as the later of its report's
// time and its file's.
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
	if !validHead(d) {
		return nil, errors.New("status line digest: cannot write the header " + d.GeneratedAt.String() + " " + strconv.Quote(string(d.Overall)) + " " + strconv.Itoa(d.Vendors))
	}
	b := []byte(digestMagic + "\n")
	b = append(b, d.GeneratedAt.UTC().Format(time.RFC3339Nano)+"\t"+string(d.Overall)+"\t"+strconv.Itoa(d.Vendors)+"\n"...)
	for _, e := range d.Entries {
		if !validEntry(e) {
			return nil, errors.New("status line digest: label " + strconv.Quote(e.Label) + " (width " + strconv.Itoa(e.Width) + ") holds a tab, newline, control character or one of " + markupChars + ", or a wrong width")
		}
		b = append(b, string(e.Level)+"\t"+strconv.Itoa(e.Width)+"\t"+e.Label+"\n"...)
	}
	return b, nil
}

// SameDigest reports whether two encoded digests show the same line:
// the same overall level, vendor count and entries, whatever their
// reports' times. Either one unreadable is not the same.
func SameDigest(a, b []byte) bool {
	da, err := DecodeDigest(a)
	if err != nil {
		return false
	}
	db, err := DecodeDigest(b)
	if err != nil {
		return false
	}
	if da.Overall != db.Overall || da.Vendors != db.Vendors || len(da.Entries) != len(db.Entries) {
		return false
	}
	for i := range da.Entries {
		if da.Entries[i] != db.Entries[i] {
			return false
		}
	}
	return true
}

var errDigest = errors.New("status line digest: not a digest this vendorwatch reads")

// digestError is a digest that could not be read, and why. It wraps as
// fmt.Errorf's %w would; this package leaves fmt out (see text.go).
type digestError struct{ err error }

func (e digestError) Error() string { return "status line digest: " + e.err.Error() }
func (e digestError) Unwrap() error { return e.err }

// DecodeDigest reads what Encode wrote.
func DecodeDigest(data []byte) (Digest, error) {
	lines := splitN(string(data), '\n', -1)
	if len(lines) < 3 || lines[0] != digestMagic || lines[len(lines)-1] != "" {
		return Digest{}, errDigest
	}
	head := splitN(lines[1], '\t', -1)
	if len(head) != 3 {
		return Digest{}, errDigest
	}
	at, err := time.Parse(time.RFC3339Nano, head[0])
	if err != nil {
		return Digest{}, digestError{err}
	}
	vendors, err := strconv.Atoi(head[2])
	d := Digest{GeneratedAt: at, Overall: Level(head[1]), Vendors: vendors}
	if err != nil || !validHead(d) {
		return Digest{}, errDigest
	}
	for _, line := range lines[2 : len(lines)-1] {
		f := splitN(line, '\t', 3)
		if len(f) != 3 {
			return Digest{}, errDigest
		}
		w, err := strconv.Atoi(f[1])
		e := Entry{Level: Level(f[0]), Label: f[2], Width: w}
		if err != nil || !validEntry(e) {
			return Digest{}, errDigest
		}
		d.Entries = append(d.Entries, e)
	}
	return d, nil
}

// validHead reports whether d's header may be written and read back: a
// time of the years RFC 3339 spells, a printable overall level and a count
// of vendors that is not negative.
func validHead(d Digest) bool {
	y := d.GeneratedAt.UTC().Year()
	return y >= 0 && y <= 9999 && d.Overall != "" && printable(string(d.Overall)) && d.Vendors >= 0
}

// validEntry reports whether e may be written and read back, and printed
// on the line as it is: a printable label and level (no tab, newline,
// control or format character), a label without any character a bar reads
// as markup ('#', which starts tmux's #[style] and #(command); '%', '{' and
// '}' of polybar's %{…} tags; '|', after which xbar reads parameters; '<'
// and '&' of Pango markup), and a width from zero to the label's length in
// bytes, since no character takes more cells than bytes. A digest holding
// anything else was not written by output and is not read.
func validEntry(e Entry) bool {
	return e.Width >= 0 && e.Width <= len(e.Label) && printable(string(e.Level)) && printable(e.Label) && !containsAnyByte(e.Label, markupChars)
}

// markupChars are the characters no label may hold (validEntry).
const markupChars = "#%{}|<&"

// printable reports whether s is UTF-8 without control or format
// characters.
func printable(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || r == utf8.RuneError {
			return false
		}
	}
	return true
}

// Items are the digest's entries with their icons.
func (d Digest) Items(ascii bool) []Item {
	items := make([]Item, len(d.Entries))
	for i, e := range d.Entries {
		items[i] = Labelled(e.Level, e.Label, e.Width, ascii)
	}
	return items
}
