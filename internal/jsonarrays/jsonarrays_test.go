package jsonarrays

import (
	"encoding/json"
	"testing"
)

type inner struct {
	Names []string `json:"names"`
	Raw   []byte   `json:"raw"`
}

type outer struct {
	List  []inner  `json:"list"`
	Ptr   *inner   `json:"ptr"`
	Empty []string `json:"empty,omitempty"`
}

// Nil slices at every depth encode as [], []byte stays a string (null
// when nil), and the value passed in is never modified.
func TestOf(t *testing.T) {
	t.Parallel()
	in := outer{List: []inner{{Names: []string{"a"}}, {}}, Ptr: &inner{}}
	got, err := json.Marshal(Of(in))
	if err != nil {
		t.Fatal(err)
	}
	want := `{"list":[{"names":["a"],"raw":null},{"names":[],"raw":null}],"ptr":{"names":[],"raw":null}}`
	if string(got) != want {
		t.Errorf("Of encodes as\n%s\nwant\n%s", got, want)
	}
	if in.List[1].Names != nil || in.Ptr.Names != nil {
		t.Error("Of modified the value it was given")
	}
	if z, _ := json.Marshal(Of(outer{})); string(z) != `{"list":[],"ptr":null}` {
		t.Errorf("zero value: %s", z)
	}
	same := outer{List: []inner{{Names: []string{}, Raw: []byte{}}}}
	if Of(same).List[0].Names == nil {
		t.Error("a value with nothing to fill lost its lists")
	}
}

type node struct {
	Name string   `json:"name"`
	Next *node    `json:"next"`
	Tags []string `json:"tags"`
}

type plainFields struct {
	N    int    `json:"n"`
	S    string `json:"s"`
	Deep struct {
		Inner struct {
			List []int `json:"list"`
		} `json:"inner"`
	} `json:"deep"`
}

// A recursive type is walked without looping, and a list several structs
// down is found although the fields around it hold none.
func TestOfRecursiveAndDeep(t *testing.T) {
	t.Parallel()
	got, err := json.Marshal(Of(node{Name: "a", Next: &node{Name: "b"}}))
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"name":"a","next":{"name":"b","next":null,"tags":[]},"tags":[]}`; string(got) != want {
		t.Errorf("recursive: %s, want %s", got, want)
	}
	got, _ = json.Marshal(Of(plainFields{N: 1}))
	if want := `{"n":1,"s":"","deep":{"inner":{"list":[]}}}`; string(got) != want {
		t.Errorf("deep: %s, want %s", got, want)
	}
}

type tagged struct {
	Name  string   `json:"name"`
	Opt   []string `json:"opt,omitempty"`
	Items []inner  `json:"items,omitempty"`
}

// A nil slice tagged omitempty is omitted as an empty one would be: Of
// leaves it, and copies nothing for it. The elements of one that is not
// nil are still filled.
func TestOfLeavesOmittedLists(t *testing.T) {
	got, err := json.Marshal(Of(tagged{Name: "a", Items: []inner{{}}}))
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"name":"a","items":[{"names":[],"raw":null}]}`; string(got) != want {
		t.Errorf("Of encodes as %s, want %s", got, want)
	}
	nothingToFill := tagged{Name: "a", Opt: []string{}}
	omitted := tagged{Name: "a"}
	base := testing.AllocsPerRun(100, func() { _ = Of(nothingToFill) })
	if n := testing.AllocsPerRun(100, func() { _ = Of(omitted) }); n > base {
		t.Errorf("Of copied a value whose only nil list is omitted: %v allocations, %v with nothing to fill", n, base)
	}
}

// Ptr hands back the pointer it was given when there is nothing to fill,
// and a filled copy otherwise, leaving the original as it was.
func TestPtr(t *testing.T) {
	t.Parallel()
	full := outer{List: []inner{{Names: []string{"a"}}}, Ptr: &inner{Names: []string{}}}
	if got := Ptr(&full); got != &full {
		t.Error("Ptr copied a value with nothing to fill")
	}
	empty := outer{Ptr: &inner{}}
	got := Ptr(&empty)
	if got == &empty {
		t.Fatal("Ptr filled the value it was given instead of a copy")
	}
	if empty.List != nil || empty.Ptr.Names != nil {
		t.Error("Ptr modified the value it was given")
	}
	if got.List == nil || got.Ptr.Names == nil {
		t.Errorf("Ptr left a list nil: %+v", got)
	}
}
