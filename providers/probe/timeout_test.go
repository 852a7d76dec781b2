package probe

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/vendorwatch/vendorwatch/config"
	"github.com/vendorwatch/vendorwatch/internal/fixture"
	"github.com/vendorwatch/vendorwatch/observe"
	"github.com/vendorwatch/vendorwatch/providers/fetch"
	"github.com/vendorwatch/vendorwatch/providers/vendortest"
)

// A probe has its own timeout, shorter than the client's: a hanging API
// is given up on after it, with that limit in the message.
func TestProbeTimeoutIsItsOwn(t *testing.T) {
	t.Parallel()
	api, srv := vendortest.NewAPI(t, fixture.OpenAIKey, vendortest.Reply{Hang: true})
	api.Reach = vendortest.Reply{Hang: true}
	v := vendortest.CatalogVendor(t, "openai", srv.URL, config.Key{})
	pr := New(fetch.New(fetch.Options{Timeout: time.Minute}), Options{
		Timeout:  vendortest.HangTimeout,
		Resolver: &config.Resolver{LookupEnv: vendortest.Env(map[string]string{"VW_KEY": fixture.OpenAIKey})},
		Sleep: func(ctx context.Context, d time.Duration) error {
			t.Errorf("waited %s: a hang is not retried", d)
			return nil
		},
	})
	if pr.ProbeTimeout() != vendortest.HangTimeout || pr.Timeout() != time.Minute {
		t.Fatalf("probe timeout %s, client timeout %s", pr.ProbeTimeout(), pr.Timeout())
	}
	k := pr.Key(context.Background(), v, v.Keys[0])
	if k.Result != observe.ResultTimeout || !strings.Contains(k.Message, vendortest.HangTimeout.String()) {
		t.Errorf("key = %s %q, want a timeout after the probe timeout", k.Result, k.Message)
	}
	r := pr.Reach(context.Background(), &v)
	if r == nil || r.Result != observe.ResultTimeout {
		t.Errorf("reachability = %+v, want a timeout", r)
	}
}

// A request that never got a slot is not_checked, apart from a timeout:
// the vendor was not asked.
func TestTransportVerdictNotSent(t *testing.T) {
	t.Parallel()
	err := fmt.Errorf("%w (waiting: %w)", fetch.ErrNotSent, context.DeadlineExceeded)
	if vd := TransportVerdict(err, time.Second); vd.Result != observe.ResultNotChecked || !strings.HasPrefix(vd.Message, "not checked") {
		t.Errorf("verdict = %+v, want not_checked", vd)
	}
	if vd := TransportVerdict(context.DeadlineExceeded, time.Second); vd.Result != observe.ResultTimeout {
		t.Errorf("a deadline = %+v, want a timeout", vd)
	}
	if Retryable(observe.ResultNotChecked) || Retryable(observe.ResultTimeout) || !Retryable(observe.ResultNetworkError) {
		t.Error("retry policy: a fast failure is retried; a timeout or a request never sent is not")
	}
}

// A retry that finds no slot (the check's slot deadline passed during the
// pause) leaves the first answer, a 503, as the result: it is evidence,
// and "not checked" would hide it.
func TestRetryWithoutSlotKeepsTheFirstAnswer(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var sent atomic.Int32
		api := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			sent.Add(1)
			body, _ := vendortest.Payload("openai__503_server_is_overloaded.json")
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusServiceUnavailable)
			w.Write(body)
		})
		v := vendortest.CatalogVendor(t, "openai", "https://api.openai.test", config.Key{})
		pr := New(fetch.New(fetch.Options{Transport: vendortest.Transport{Handler: api}}), Options{
			Resolver: &config.Resolver{LookupEnv: vendortest.Env(map[string]string{"VW_KEY": fixture.OpenAIKey})},
			// The pause outlasts the slot deadline: the retry is never sent.
			RetryWait: time.Second,
		})
		ctx := fetch.WithSlotDeadline(t.Context(), time.Now().Add(500*time.Millisecond))
		k := pr.Key(ctx, v, v.Keys[0])
		if k.Result != observe.ResultVendorError || k.HTTPStatus != 503 || sent.Load() != 1 {
			t.Errorf("key = %s (HTTP %d) after %d requests, want the first answer's vendor_error (HTTP 503) after 1", k.Result, k.HTTPStatus, sent.Load())
		}
		sent.Store(0)
		r := pr.Reach(ctx, &v)
		if r == nil || r.Result != observe.ResultNotChecked || sent.Load() != 0 {
			t.Errorf("reachability = %+v after %d requests; past the slot deadline nothing is sent (not_checked)", r, sent.Load())
		}
	})
}
