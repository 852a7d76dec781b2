package statusread

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/vendorwatch/vendorwatch/internal/fixture"
)

// A parser that panics on a document fails that source with
// ErrParserFailed and frees its parse slot; the panic's text passes the
// redactor. Without the recover the process ends (a hostile feed item did
// it: an M365-style <status> without a body).
func TestParsingTurnsAPanicIntoTheSourcesError(t *testing.T) {
	done := make(chan error, 1)
	go func() {
		var err error
		// More panics than there are slots: a slot kept would block.
		for range cap(parseSlots) + 2 {
			err = parsing(func() error {
				var updates []int
				_ = updates[len(updates)] // index out of range, as the feed item did
				return nil
			})
		}
		done <- err
	}()
	select {
	case err := <-done:
		if !errors.Is(err, ErrParserFailed) || !strings.Contains(err.Error(), "index out of range") {
			t.Errorf("err = %v, want ErrParserFailed naming the panic", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("parsing blocked: a panicking parser kept its slot")
	}
	err := parsing(func() error { panic("bad document near " + fixture.OpenAIKey) })
	if !errors.Is(err, ErrParserFailed) || strings.Contains(err.Error(), fixture.OpenAIKey) {
		t.Errorf("err = %q: want ErrParserFailed without the key", err)
	}
	want := errors.New("not a feed")
	if err := parsing(func() error { return want }); err != want {
		t.Errorf("a parser's own error came back as %v", err)
	}
}
