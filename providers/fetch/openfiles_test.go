package fetch

import "testing"

// TestFitOpenFiles checks that the requests in flight are kept within the
// open files a process may hold, less what the rest of the check needs.
func TestFitOpenFiles(t *testing.T) {
	for _, c := range []struct{ conc, limit, want int }{
		{2048, 0, 2048},       // unknown or unlimited: the cap stands
		{2048, 1048576, 2048}, // a container's usual limit
		{2048, 1024, 1024 - fileReserve},
		{100, 1024, 100},
		{2048, 10, 1}, // never none at all
	} {
		if got := fitOpenFiles(c.conc, c.limit); got != c.want {
			t.Errorf("fitOpenFiles(%d, %d) = %d, want %d", c.conc, c.limit, got, c.want)
		}
	}
}

// TestNewFitsTheOpenFileLimit checks that a client's slots follow this
// process's own limit.
func TestNewFitsTheOpenFileLimit(t *testing.T) {
	limit := openFiles()
	if limit <= 0 || limit > 1<<20 {
		t.Skipf("open-file limit %d: nothing to fit", limit)
	}
	c := New(Options{Concurrency: limit * 2})
	if got, want := cap(c.slots), limit-fileReserve; got != want {
		t.Errorf("a client asked for %d requests in flight under a limit of %d open files has %d slots, want %d", limit*2, limit, got, want)
	}
}
