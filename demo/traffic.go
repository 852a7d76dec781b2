package demo

import (
	"math"
	"time"
)

// The hosts our production services call, as their OTel HTTP client
// metrics name them (server.address). The demo's vendors run on
// 127.0.0.1, so the demo's config names these hosts for the traffic
// signal rather than the API's base URL.
const (
	OpenAIHost    = "api.openai.com"
	VAPIHost      = "api.vapi.ai"
	AnthropicHost = "api.anthropic.com"
)

// TrafficClasses are the classes of failed requests, as the traffic
// signal's error queries label them (class=...).
var TrafficClasses = []string{"auth", "throttled", "vendor", "network", "client"}

// Traffic is our production traffic to one host at a moment: the request
// rate (per second) and the ratio of requests that failed, by class.
type Traffic struct {
	Rate   float64
	Errors map[string]float64
}

// calm is each host's usual traffic: the voice backend's steady calls, with
// the odd malformed request and vendor hiccup a healthy day has.
var calm = map[string]Traffic{
	OpenAIHost:    {Rate: 14, Errors: map[string]float64{"client": 0.002, "vendor": 0.001}},
	VAPIHost:      {Rate: 3, Errors: map[string]float64{"client": 0.004}},
	AnthropicHost: {Rate: 6, Errors: map[string]float64{"vendor": 0.002}},
}

// TrafficAt is our production traffic to host at scenario time t, as the
// story has it:
//   - OpenAI: from 10:57, when OpenAI disables the leaked key, until the
//     new key is rolled out at 12:20, nearly all our calls end in 401
//     (the voice backend holds key prod; a few requests are retried);
//   - VAPI: from 12:35 our calls fail with its API, first with the edge's
//     502 (vendor errors), from 12:55 without an answer (network
//     errors), until it recovers at 13:30;
//   - Anthropic: calm all along.
//
// The rate breathes a little with the minute, so sparklines look like
// traffic. ok is false for a host the team does not call.
func TrafficAt(host string, t time.Time) (Traffic, bool) {
	base, ok := calm[host]
	if !ok {
		return Traffic{}, false
	}
	m := At(t)
	tr := Traffic{Rate: base.Rate * breathe(t), Errors: map[string]float64{}}
	for c, r := range base.Errors {
		tr.Errors[c] = r
	}
	switch host {
	case OpenAIHost:
		if m.Step.KeyLeaked && !m.Step.NewKeyDeployed {
			tr.Errors = map[string]float64{"auth": 0.94, "client": 0.002}
		}
	case VAPIHost:
		switch m.Step.VAPIAPI {
		case APIEdge502:
			tr.Errors = map[string]float64{"vendor": 0.97, "client": 0.001}
		case APIHang:
			tr.Errors = map[string]float64{"network": 0.99}
			tr.Rate *= 0.6 // callers back off while requests time out
		}
	}
	return tr, true
}

// BaselineAt is our traffic to host a day before t at the same hour: the
// day before the incident, calm. (The live demo's replays are the same
// incident again; the baseline stays the calm day, so each replay tells
// the story from the start.)
func BaselineAt(host string, t time.Time) (Traffic, bool) {
	base, ok := calm[host]
	if !ok {
		return Traffic{}, false
	}
	return Traffic{Rate: base.Rate * breathe(t.Add(-24*time.Hour)), Errors: base.Errors}, true
}

// breathe is a slow, repeatable swing of ±15% around 1 over the hour.
func breathe(t time.Time) float64 {
	minutes := float64(t.Unix()) / 60
	return 1 + 0.1*math.Sin(minutes/7) + 0.05*math.Sin(minutes/2.3)
}
