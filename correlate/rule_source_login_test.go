package correlate

import "testing"

// A source behind a login wall (statuspage.ErrLoginRequired) is said to
// be private, not "not in the expected format".
func TestSourceFailureLoginWall(t *testing.T) {
	t.Parallel()
	got := sourceFailure(`html: the page requires a login (it says "Authentication Required To View This Page"); its status cannot be read without one`)
	if got != "the page is private: a login wall, not a status" {
		t.Errorf("sourceFailure = %q", got)
	}
}
