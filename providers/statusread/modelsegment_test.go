package statusread

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/vendorwatch/vendorwatch/observe"
)

// FuzzModelsFile reads a fuzzed models.bin, as damage, a torn write or
// another program may leave it: the store never panics, loads no model
// it was not given, and its next write leaves a file from which a new
// process reads that write's model.
func FuzzModelsFile(f *testing.F) {
	dir := f.TempDir()
	seed := filepath.Join(dir, ModelsFile)
	s := settledStore(seed)
	if s == nil {
		f.Skip("the build cannot be identified")
	}
	s.store("src", "key", &observe.Status{State: observe.MajorOutage, Description: "API down",
		Incidents: []observe.Incident{{ID: "1", Title: "Elevated errors", Updates: []observe.Update{{Body: "Investigating."}}}}})
	s.flush()
	b, err := os.ReadFile(seed)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b)
	f.Add(b[:len(b)/2])
	f.Add(append(append([]byte(nil), b...), b[:len(b)-3]...))
	f.Add(appendFrame(nil, s.records[sourceID("src")].body))
	f.Add([]byte("vz\x05\x28\xb5\x2f\xfd\x00\x00\x00\x00\x00"))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		path := filepath.Join(t.TempDir(), ModelsFile)
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		r := settledStore(path)
		if st := r.load("other", "key"); st != nil {
			t.Fatalf("a model of a source never stored: %+v", st)
		}
		r.store("mine", "k1", &observe.Status{Description: "stored after the damage"})
		r.flush()
		if st := settledStore(path).load("mine", "k1"); st == nil || st.Description != "stored after the damage" {
			t.Fatalf("the model written after reading the file does not read back: %+v", st)
		}
	})
}
