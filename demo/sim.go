package demo

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"path/filepath"
	"sync"
	"time"
)

// Options tune a Sim.
type Options struct {
	// Dir is a directory the demo may write to (a temporary one): it holds
	// the file with the team's current OpenAI key. Required.
	Dir string
	// Speed runs the live scenario clock this many times faster than the
	// story's holds (tests); 0 means 1.
	Speed float64
	// Manual stops the scenario clock at the story's first step; only Seek
	// moves it. Tests use it to step through the story without sleeping.
	Manual bool
	// Wall is the real clock of the live scenario clock (time.Now when
	// nil).
	Wall func() time.Time
}

// Sim is the simulated vendors and the scenario clock they answer to.
type Sim struct {
	// OpenAI, VAPI, Anthropic and GitHub are the base URLs
	// (http://127.0.0.1:port) of the simulated vendors. Each serves the
	// vendor's status page and its API: OpenAI /api/v2/summary.json and
	// /v1/models; VAPI /index.json, /feed.rss and /assistant; Anthropic
	// /api/v2/summary.json and /v1/models; GitHub /api/v2/status.json.
	OpenAI, VAPI, Anthropic, GitHub string
	// Prometheus is the base URL of the demo's Prometheus: a fake of its
	// query API that answers with the story's production traffic to
	// OpenAIHost, VAPIHost and AnthropicHost (prometheus.go).
	Prometheus string

	dir    string
	speed  float64
	wall   func() time.Time
	start  time.Time
	manual bool

	mu       sync.Mutex
	now      time.Time // the manual clock
	deployed string    // the key in the key file

	pages pageCache

	servers []*http.Server
	wg      sync.WaitGroup
}

// Start starts the simulated vendors on 127.0.0.1 and writes the key file
// for the story's first moment. Close stops them.
func Start(o Options) (*Sim, error) {
	if o.Dir == "" {
		return nil, errors.New("demo: Options.Dir is required")
	}
	if o.Speed <= 0 {
		o.Speed = 1
	}
	if o.Wall == nil {
		o.Wall = time.Now
	}
	s := &Sim{dir: o.Dir, speed: o.Speed, wall: o.Wall, manual: o.Manual}
	s.start = s.wall()
	s.now = Day.Add(Story[0].At)
	for _, v := range []struct {
		url   *string
		serve func(http.ResponseWriter, *http.Request, Moment)
	}{
		{&s.OpenAI, serveOpenAI}, {&s.VAPI, s.serveVAPI}, {&s.Anthropic, serveAnthropic}, {&s.GitHub, serveGitHub},
		{&s.Prometheus, s.servePrometheus},
	} {
		u, err := s.listen(&site{sim: s, serve: v.serve})
		if err != nil {
			s.Close()
			return nil, err
		}
		*v.url = u
	}
	if err := s.sync(); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

func (s *Sim) listen(h http.Handler) (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("demo: listening on 127.0.0.1: %w", err)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second}
	s.servers = append(s.servers, srv)
	s.wg.Go(func() { _ = srv.Serve(ln) })
	return "http://" + ln.Addr().String(), nil
}

// Close stops the simulated vendors at once, cutting off requests in
// flight (a hanging API's among them).
func (s *Sim) Close() error {
	for _, srv := range s.servers {
		_ = srv.Close()
	}
	s.wg.Wait()
	return nil
}

// KeyFile is the file holding the team's current OpenAI key: the secret
// of the key named prod (file:KeyFile()).
func (s *Sim) KeyFile() string { return filepath.Join(s.dir, keyFile) }

// Elapsed is how long the live demo has run, in story time (real time
// times the speed). It is zero for a manual clock.
func (s *Sim) Elapsed() time.Duration {
	if s.manual {
		return 0
	}
	return time.Duration(float64(s.wall().Sub(s.start)) * s.speed)
}

// Now is the scenario time: what the poller, correlation, history and the
// dashboard take for the time while the demo runs.
func (s *Sim) Now() time.Time {
	if s.manual {
		s.mu.Lock()
		defer s.mu.Unlock()
		return s.now
	}
	return ScenarioAt(s.Elapsed())
}

// Moment is where the story is now.
func (s *Sim) Moment() Moment { return At(s.Now()) }

// Seek moves a manual clock to t and puts the moment's key in the key
// file, as the team had it then.
func (s *Sim) Seek(t time.Time) error {
	if !s.manual {
		return errors.New("demo: Seek needs a manual clock (Options.Manual)")
	}
	s.mu.Lock()
	s.now = t.UTC()
	s.mu.Unlock()
	return s.sync()
}

// Run plays the live story until ctx ends. At each step it puts the key
// the team had deployed by then in the key file, then calls onStep (when
// not nil) with the new moment, so the caller can check the vendors at once
// and the story's times line up with the checks. It returns the first
// error writing the key file, or nil when ctx ends.
func (s *Sim) Run(ctx context.Context, onStep func(Moment)) error {
	last := -1
	for {
		if err := s.sync(); err != nil {
			return err
		}
		if s.manual {
			<-ctx.Done()
			return nil
		}
		m := s.Moment()
		if onStep != nil && last >= 0 && m.Index != last {
			onStep(m)
		}
		last = m.Index
		wait := time.Duration(float64(untilNextStep(s.Elapsed()))/s.speed) + time.Millisecond
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil
		case <-t.C:
		}
	}
}

// sync writes the key the team has deployed at the current moment into
// the key file, when it is not there yet.
func (s *Sim) sync() error {
	key := OldKey
	if s.Moment().Step.NewKeyDeployed {
		key = NewKey
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.deployed == key {
		return nil
	}
	if err := writeKey(s.dir, key); err != nil {
		return err
	}
	s.deployed = key
	return nil
}
