package serve

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vendorwatch/vendorwatch/history"
	"github.com/vendorwatch/vendorwatch/monitor"
	"github.com/vendorwatch/vendorwatch/notify"
	"github.com/vendorwatch/vendorwatch/observe"
)

// healthy is the story's vendors with everything working.
func healthy(hhmm string) observe.Snapshot {
	snap := story(hhmm)
	snap.Vendors[0].Keys[0].Result, snap.Vendors[0].Keys[0].HTTPStatus, snap.Vendors[0].Keys[0].Code = observe.ResultOK, 200, ""
	snap.Vendors[0].Keys[0].RevocationMarker, snap.Vendors[0].Keys[0].Message = false, ""
	snap.Vendors[1].Reachability.Result, snap.Vendors[1].Reachability.HTTPStatus = observe.ResultReachable, 401
	snap.Vendors[1].Keys[0].Result, snap.Vendors[1].Keys[0].HTTPStatus = observe.ResultOK, 200
	return snap
}

// The acceptance case end to end: serve's monitor checks four times —
// the findings open, stay open, close, re-open within the quiet period —
// and the webhook hears of each finding exactly once.
func TestServeNotifiesOncePerFinding(t *testing.T) {
	var mu sync.Mutex
	opened := map[string]int{}
	var events []string
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var p notify.Payload
		b, _ := io.ReadAll(r.Body)
		if err := json.Unmarshal(b, &p); err != nil {
			t.Errorf("webhook body: %v", err)
		}
		if strings.Contains(string(b), fakeKey[8:20]) {
			t.Errorf("payload holds a key: %s", b)
		}
		mu.Lock()
		defer mu.Unlock()
		events = append(events, p.Event+" "+p.Finding.ID)
		if p.Event == "finding_opened" {
			opened[p.Finding.ID]++
		}
	}))
	defer hook.Close()

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	store, err := history.Open(ctx, t.TempDir(), history.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	disp := notify.New([]notify.Notifier{{Name: "team", Sender: &notify.Webhook{URL: hook.URL}, Quiet: 10 * time.Minute}}, notify.Options{})
	sc := repeating(story("12:45"), story("12:46"), healthy("12:47"), story("12:49"))
	recorded := make(chan time.Time, 16)
	s := New(Options{Monitor: monitor.New(sc, store), Store: store, NotifyStats: disp.Stats, OnUpdate: func(u monitor.Update) {
		disp.Observe(u.Report)
		t.Logf("update %s: %d findings, %d events", u.Report.GeneratedAt.Format("15:04"), len(u.Report.Findings), len(u.Events))
		if len(u.Events) > 0 || u.Report.GeneratedAt.Equal(at("12:46")) {
			recorded <- u.Report.GeneratedAt
		}
	}})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx, ln) }()
	for _, want := range []string{"12:45", "12:46", "12:47", "12:49"} {
		for {
			select {
			case got := <-recorded:
				if got.Before(at(want)) {
					continue
				}
			case <-time.After(10 * time.Second):
				t.Fatalf("no check at %s", want)
			}
			break
		}
		sc.CheckNow()
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if err := disp.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(opened) == 0 {
		t.Fatalf("no finding announced: %v", events)
	}
	for id, n := range opened {
		if n != 1 {
			t.Errorf("%s announced %d times: %v", id, n, events)
		}
	}
	if slices.ContainsFunc(events, func(e string) bool { return strings.HasPrefix(e, "finding_closed") }) {
		t.Errorf("a close within the quiet period was announced: %v", events)
	}
	if !slices.Contains(events, "finding_opened key_leak_suspected:openai:prod") {
		t.Errorf("events = %v", events)
	}
}
