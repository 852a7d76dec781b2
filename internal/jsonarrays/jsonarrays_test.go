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
