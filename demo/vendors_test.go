package demo

import (
	"context"
	"errors"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/vendorwatch/vendorwatch/observe"
	"github.com/vendorwatch/vendorwatch/statuspage"
)

func startManual(t *testing.T) *Sim {
	t.Helper()
	s, err := Start(Options{Dir: t.TempDir(), Manual: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func get(t *testing.T, url string, header http.Header) (int, []byte) {
	t.Helper()
	req, err := http.NewRequestWithContext(context.Background(), http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header = header
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, b
}

func bearerHeader(key string) http.Header {
	if key == "" {
		return http.Header{}
	}
	return http.Header{"Authorization": {"Bearer " + key}}
}

// OpenAI's API follows the leak: the old key works until 10:57, then gets
// OpenAI's invalid_api_key naming it masked; the new key works from then
// on; a canary always works; OpenAI's status page stays operational.
func TestOpenAIKeys(t *testing.T) {
	s := startManual(t)
	for _, tc := range []struct {
		at                   string
		oldKey, newKey, none int
	}{
		{"10:55", 200, 401, 401},
		{"10:57", 401, 200, 401},
		{"12:20", 401, 200, 401},
		{"13:30", 401, 200, 401},
	} {
		t.Run(tc.at, func(t *testing.T) {
			if err := s.Seek(Time(tc.at)); err != nil {
				t.Fatal(err)
			}
			for key, want := range map[string]int{OldKey: tc.oldKey, NewKey: tc.newKey, "": tc.none, CanaryKey: 200} {
				code, body := get(t, s.OpenAI+"/v1/models", bearerHeader(key))
				if code != want {
					t.Errorf("key %.12s…: HTTP %d, want %d", key, code, want)
				}
				if code == 401 && !strings.Contains(string(body), `"code":"invalid_api_key"`) {
					t.Errorf("401 body %s", body)
				}
				if key != "" && strings.Contains(string(body), key) {
					t.Errorf("the answer repeats the key: %s", body)
				}
			}
			code, body := get(t, s.OpenAI+"/api/v2/summary.json", nil)
			st, err := statuspage.Parse(statuspage.Statuspage, body)
			if code != 200 || err != nil || st.State != observe.Operational {
				t.Errorf("status page: HTTP %d, %v, %+v", code, err, st)
			}
		})
	}
	s.Seek(Time("11:00"))
	_, body := get(t, s.OpenAI+"/v1/models", bearerHeader(OldKey))
	if want := "Incorrect API key provided: sk-proj-" + strings.Repeat("*", len(OldKey)-12) + "MxYA."; !strings.Contains(string(body), want) {
		t.Errorf("the 401 does not mask the key as OpenAI does: %s", body)
	}
}

// VAPI's status page, in Better Stack's index.json and feed.rss, says
// nothing until 12:45, then carries incident 901977 with its posts at the
// story's times, and resolves it at 13:30; its API fails from 12:35.
func TestVAPI(t *testing.T) {
	s := startManual(t)
	for _, tc := range []struct {
		at      string
		state   observe.State
		open    int // open incidents (index.json and the merged page)
		updates int
		api     int // HTTP status of GET /assistant with the key; 0: no answer
	}{
		{"10:55", observe.Operational, 0, 0, 200},
		{"12:35", observe.Operational, 0, 0, 502},
		{"12:45", observe.MajorOutage, 1, 1, 502},
		{"12:50", observe.MajorOutage, 1, 2, 502},
		{"12:55", observe.MajorOutage, 1, 2, 0},
		{"13:30", observe.Operational, 0, 3, 200},
	} {
		t.Run(tc.at, func(t *testing.T) {
			if err := s.Seek(Time(tc.at)); err != nil {
				t.Fatal(err)
			}
			_, idx := get(t, s.VAPI+"/index.json", nil)
			page, err := statuspage.Parse(statuspage.BetterStack, idx)
			if err != nil {
				t.Fatalf("index.json: %v", err)
			}
			_, rss := get(t, s.VAPI+"/feed.rss", nil)
			feed, err := statuspage.Parse(statuspage.Feed, rss)
			if err != nil {
				t.Fatalf("feed.rss: %v\n%s", err, rss)
			}
			merged := statuspage.Merge(page, feed)
			if page.State != tc.state || merged.State != tc.state || len(page.Open()) != tc.open || len(merged.Open()) != tc.open {
				t.Errorf("page %s (%d open), merged %s (%d open); want %s, %d open", page.State, len(page.Open()), merged.State, len(merged.Open()), tc.state, tc.open)
			}
			var in *observe.Incident
			for i := range merged.Incidents {
				if merged.Incidents[i].ID == "901977" {
					in = &merged.Incidents[i]
				}
			}
			switch {
			case tc.updates == 0 && in != nil:
				t.Errorf("incident 901977 is up before VAPI posted it: %+v", in)
			case tc.updates > 0 && (in == nil || len(in.Updates) != tc.updates):
				t.Fatalf("incident 901977 = %+v, want %d updates", in, tc.updates)
			case tc.updates > 0:
				if in.Title != "Voice calls dropped and dashboard unavailable" || in.URL != "https://status.vapi.ai/incident/901977" {
					t.Errorf("incident %q %s", in.Title, in.URL)
				}
				if !in.StartedAt.Equal(Time("12:45")) || !in.Updates[len(in.Updates)-1].At.Equal(Time("12:45")) {
					t.Errorf("posted %s (first update %s), want 12:45", in.StartedAt, in.Updates[len(in.Updates)-1].At)
				}
				if tc.state == observe.MajorOutage && in.Impact != "critical" {
					t.Errorf("impact %q", in.Impact)
				}
				if tc.updates == 3 && (!in.Resolved() || !strings.Contains(in.LatestUpdate, "resolved")) {
					t.Errorf("not resolved: %+v", in)
				}
			}

			client := &http.Client{Timeout: 300 * time.Millisecond}
			req, _ := http.NewRequest(http.MethodGet, s.VAPI+"/assistant?limit=1", nil)
			req.Header = bearerHeader(VAPIKey)
			resp, err := client.Do(req)
			switch {
			case tc.api == 0:
				var ne interface{ Timeout() bool }
				if err == nil || !errors.As(err, &ne) || !ne.Timeout() {
					t.Errorf("the hanging API answered: %v", err)
				}
			case err != nil:
				t.Errorf("GET /assistant: %v", err)
			default:
				resp.Body.Close()
				if resp.StatusCode != tc.api {
					t.Errorf("GET /assistant: HTTP %d, want %d", resp.StatusCode, tc.api)
				}
			}
		})
	}
}

func TestCalmVendors(t *testing.T) {
	s := startManual(t)
	code, body := get(t, s.Anthropic+"/api/v2/summary.json", nil)
	if st, err := statuspage.Parse(statuspage.Statuspage, body); code != 200 || err != nil || st.State != observe.Operational {
		t.Errorf("Anthropic: HTTP %d %v %+v", code, err, st)
	}
	if code, _ := get(t, s.Anthropic+"/v1/models", http.Header{"X-Api-Key": {AnthropicKey}}); code != 200 {
		t.Errorf("Anthropic key: HTTP %d", code)
	}
	if code, body := get(t, s.Anthropic+"/v1/models", nil); code != 401 || !strings.Contains(string(body), "authentication_error") {
		t.Errorf("Anthropic keyless: HTTP %d %s", code, body)
	}
	code, body = get(t, s.GitHub+"/api/v2/status.json", nil)
	if st, err := statuspage.Parse(statuspage.Statuspage, body); code != 200 || err != nil || st.State != observe.Operational {
		t.Errorf("GitHub: HTTP %d %v %+v", code, err, st)
	}
	if code, _ := get(t, s.GitHub+"/nope", nil); code != 404 {
		t.Errorf("unknown path: HTTP %d", code)
	}
}

// The key file holds the key the team had deployed at the moment: the
// leaked one until 12:20, the new one after; only its owner may read it.
func TestKeyFileFollowsTheStory(t *testing.T) {
	s := startManual(t)
	for _, tc := range []struct{ at, want string }{
		{"10:55", OldKey}, {"11:00", OldKey}, {"12:20", NewKey}, {"13:35", NewKey},
	} {
		if err := s.Seek(Time(tc.at)); err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(s.KeyFile())
		if err != nil {
			t.Fatal(err)
		}
		if strings.TrimSpace(string(b)) != tc.want {
			t.Errorf("%s: the key file holds %.12s…", tc.at, b)
		}
	}
	if fi, err := os.Stat(s.KeyFile()); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("key file mode %v %v", fi.Mode(), err)
	}
}

// The live clock runs the story from its first step at the given speed,
// and Run switches the key file when the story reaches the new key.
func TestLiveClockAndRun(t *testing.T) {
	var mu = make(chan struct{}, 1)
	mu <- struct{}{}
	wall := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	clock := func() time.Time { <-mu; defer func() { mu <- struct{}{} }(); return wall }
	advance := func(d time.Duration) { <-mu; wall = wall.Add(d); mu <- struct{}{} }
	s, err := Start(Options{Dir: t.TempDir(), Speed: 2, Wall: clock})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if got := s.Now(); !got.Equal(Time("10:55")) {
		t.Errorf("start %s", got)
	}
	advance(time.Second) // two seconds of story
	if got := s.Now(); !got.Equal(Time("10:57")) || s.Elapsed() != 2*time.Second {
		t.Errorf("after 1 s at speed 2: %s, elapsed %s", got, s.Elapsed())
	}
	if err := s.Seek(Time("12:00")); err == nil {
		t.Error("Seek moved a live clock")
	}
	advance(3 * time.Second) // 8 s of story: the new key is deployed
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	steps := make(chan Moment, 16)
	go func() { done <- s.Run(ctx, func(m Moment) { steps <- m }) }()
	deadline := time.Now().Add(5 * time.Second)
	for {
		b, _ := os.ReadFile(s.KeyFile())
		if strings.TrimSpace(string(b)) == NewKey {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("Run never deployed the new key")
		}
		time.Sleep(10 * time.Millisecond)
	}
	advance(500 * time.Millisecond) // one more second of story: VAPI fails at 12:35
	select {
	case m := <-steps:
		if m.Step.VAPIAPI != APIEdge502 || m.Index != 3 {
			t.Errorf("Run announced step %d %+v", m.Index, m.Step)
		}
	case <-time.After(5 * time.Second):
		t.Error("Run did not announce the next step")
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Run: %v", err)
	}
}

func TestStartNeedsDir(t *testing.T) {
	if _, err := Start(Options{}); err == nil {
		t.Error("Start without a dir")
	}
}
