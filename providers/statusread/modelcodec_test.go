package statusread

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/vendorwatch/vendorwatch/observe"
	"github.com/vendorwatch/vendorwatch/statuspage"
)

// fill sets every field reachable from v to a value of its own (strings
// named by their path, numbers counting up, lists of two), so a field the
// codec forgets comes back zero and the round trip differs.
func fill(v reflect.Value, path string, n *int) {
	*n++
	switch v.Kind() {
	case reflect.String:
		v.SetString(path)
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Int, reflect.Int64:
		v.SetInt(int64(*n))
	case reflect.Slice:
		v.Set(reflect.MakeSlice(v.Type(), 2, 2))
		for i := range 2 {
			fill(v.Index(i), path+"["+string(rune('0'+i))+"]", n)
		}
	case reflect.Struct:
		if v.Type() == reflect.TypeFor[time.Time]() {
			v.Set(reflect.ValueOf(time.Unix(1_700_000_000+int64(*n), int64(*n)).UTC()))
			return
		}
		for i := range v.NumField() {
			fill(v.Field(i), path+"."+v.Type().Field(i).Name, n)
		}
	default:
		panic("fill: teach me " + v.Kind().String() + " at " + path)
	}
}

// Every field of the model, Claims (which JSON leaves out) included, comes
// back from the store as it went in. A field added to observe.Status or
// its parts fails here until modelcodec.go stores it.
func TestModelCodecCoversEveryField(t *testing.T) {
	t.Parallel()
	var st observe.Status
	n := 0
	fill(reflect.ValueOf(&st).Elem(), "status", &n)
	got, err := decodeModel(encodeModel(nil, &st))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, &st) {
		t.Errorf("round trip lost something:\n got %+v\nwant %+v", got, &st)
	}
}

// Nil lists stay nil and empty ones empty, and times keep their zone: the
// model read back is the parsed one, not merely an equivalent.
func TestModelCodecKeepsShape(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 5, 21, 15, 4, 5, 6, time.UTC)
	for _, st := range []observe.Status{
		{},
		{Components: []observe.Component{}, Incidents: []observe.Incident{}, Maintenances: []observe.Maintenance{}, Sources: []observe.Source{}},
		{Incidents: []observe.Incident{{Components: []string{}, Updates: []observe.Update{}}, {}}},
		{Incidents: []observe.Incident{{StartedAt: at, UpdatedAt: at.In(time.Local), ResolvedAt: at.In(time.FixedZone("CET", 3600))}}},
		{Maintenances: []observe.Maintenance{{StartsAt: at.In(time.FixedZone("", -7*3600)), EndsAt: time.Unix(-1, 0).UTC(), Components: []string{"API", ""}}}},
	} {
		got, err := decodeModel(encodeModel(nil, &st))
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, &st) {
			t.Errorf("round trip changed the model:\n got %#v\nwant %#v", got, &st)
		}
	}
}

// Every real document the parsers have fixtures for reads back from the
// store exactly as parsed.
func TestModelCodecRealDocuments(t *testing.T) {
	t.Parallel()
	files, _ := filepath.Glob(filepath.Join("..", "..", "statuspage", "testdata", "*.*"))
	local, _ := filepath.Glob(filepath.Join("testdata", "*.*"))
	read := 0
	for _, name := range append(files, local...) {
		if strings.HasSuffix(name, ".md") || strings.HasSuffix(name, "schema.json") {
			continue
		}
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		f := statuspage.Sniff(b)
		var st *observe.Status
		if f == statuspage.HTML {
			st, err = statuspage.DefaultLimits.ReadHTML(b, "", "")
		} else {
			st, err = statuspage.DefaultLimits.Parse(f, b)
		}
		if err != nil {
			continue // a page the sniffer cannot place alone
		}
		read++
		got, err := decodeModel(encodeModel(nil, st))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if !reflect.DeepEqual(got, st) {
			t.Errorf("%s: the stored model differs from the parsed one:\n got %+v\nwant %+v", filepath.Base(name), got, st)
		}
	}
	if read < 40 {
		t.Errorf("only %d documents read; the fixtures moved?", read)
	}
}

// A cut-off or damaged model is an error, never a panic and never a model
// read from the wrong bytes without notice.
func TestModelCodecDamaged(t *testing.T) {
	t.Parallel()
	b, err := os.ReadFile(filepath.Join("testdata", "google-cloud__incidents.json"))
	if err != nil {
		t.Fatal(err)
	}
	st, err := statuspage.Parse(statuspage.Google, b)
	if err != nil {
		t.Fatal(err)
	}
	enc := encodeModel(nil, st)
	for i := 0; i < len(enc); i += 1 + len(enc)/500 {
		if _, err := decodeModel(enc[:i]); err == nil {
			t.Fatalf("a model cut to %d of %d bytes decoded", i, len(enc))
		}
	}
	if _, err := decodeModel(append(enc[:len(enc):len(enc)], 0)); err == nil {
		t.Error("a model with a stray byte after it decoded")
	}
	// Flipped bytes must not panic or allocate without bound; what they
	// decode to is the store's checksum's business.
	for i := 0; i < len(enc); i += 1 + len(enc)/300 {
		bad := append([]byte(nil), enc...)
		bad[i] ^= 0xff
		decodeModel(bad)
	}
}

// FuzzDecodeModel feeds the decoder arbitrary bytes: it must return an
// error or a model, never panic or ask for memory the input cannot fill.
func FuzzDecodeModel(f *testing.F) {
	var st observe.Status
	n := 0
	fill(reflect.ValueOf(&st).Elem(), "s", &n)
	f.Add(encodeModel(nil, &st))
	f.Add(encodeModel(nil, &observe.Status{}))
	f.Add([]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01})
	f.Fuzz(func(t *testing.T, b []byte) {
		st, err := decodeModel(b)
		if err == nil {
			if again, err := decodeModel(encodeModel(nil, st)); err != nil || !reflect.DeepEqual(again, st) {
				t.Fatalf("a decoded model does not round-trip: %v", err)
			}
		}
	})
}

// A model read back shares the store's bytes for its texts: decoding
// allocates the model's structure (the Status and its lists) and nothing
// per text. At 5,000 vendors the texts copied would be 11 MB more held in
// a warm check.
func TestModelDecodeAllocatesNoTexts(t *testing.T) {
	st := &observe.Status{State: "degraded", Description: "Partial outage", PageURL: "https://status.example.com"}
	for i := range 40 {
		st.Components = append(st.Components, observe.Component{Name: fmt.Sprintf("component %d", i), Group: "API", State: "operational"})
	}
	st.Incidents = []observe.Incident{{ID: "x1", Title: "Elevated errors", Status: "investigating", Impact: "minor", Components: []string{"API", "Chat"}, Updates: []observe.Update{{Status: "investigating", Body: "We are looking into it."}}}}
	enc := encodeModel(nil, st)
	// The Status, its components, its incidents, the incident's component
	// names and its updates: five allocations, against 130 texts.
	const structure = 5
	allocs := testing.AllocsPerRun(50, func() {
		if _, err := decodeModel(enc); err != nil {
			t.Fatal(err)
		}
	})
	if allocs > structure {
		t.Errorf("decoding a model of 130 texts allocated %.0f times, want %d (its structure only)", allocs, structure)
	}
}
