package probe

import (
	"context"
	"fmt"
	"strings"
	"testing"
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
	r := pr.Reach(context.Background(), v)
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
