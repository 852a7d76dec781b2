package app

import (
	"context"
	"fmt"
	"io"
	"strings"
	"sync"
	"text/tabwriter"

	"github.com/vendorwatch/vendorwatch/internal/termtext"
	"github.com/vendorwatch/vendorwatch/observe"
	"github.com/vendorwatch/vendorwatch/providers/traffic"
)

// writeTraffic runs each vendor's traffic queries once, all at once, and
// says what Prometheus found: how many series the request query matched,
// our request rate and error ratio, or why the queries failed. Nothing
// goes to any vendor. It writes nothing without a traffic: block.
func (a *App) writeTraffic(ctx context.Context, out io.Writer) error {
	cfg := a.Config.Traffic
	if cfg == nil {
		return nil
	}
	src := traffic.New(cfg, traffic.Options{Timeout: a.Config.Timeout.D()})
	auth := "no token"
	if !cfg.Prometheus.Token.IsZero() {
		auth = "token " + truncateRef(cfg.Prometheus.Token.String())
	}
	fmt.Fprintf(out, "\nTRAFFIC from %s (%s; window %s, every %s)\n", termtext.Line(cfg.Prometheus.URL), auth, src.Window(), src.Interval())
	reads := make([]observe.Traffic, len(a.Vendors))
	var wg sync.WaitGroup
	for i, v := range a.Vendors {
		if src.Covers(v) {
			wg.Go(func() { reads[i] = src.Read(ctx, v) })
		}
	}
	wg.Wait()
	w := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "VENDOR\tQUERIES\tSERIES\tREQ/S\tERRORS\tRESULT")
	for i, v := range a.Vendors {
		t := reads[i]
		if !src.Covers(v) {
			fmt.Fprintf(w, "%s\t-\t-\t-\t-\tnot looked for: no API host (give traffic: hosts: to watch our traffic to it)\n", v.ID)
			continue
		}
		what := "default"
		if q, ok := traffic.QueriesFor(v, src.Window()); ok && q.Custom {
			what = "custom"
		} else if ok {
			what = "hosts " + strings.Join(q.Hosts, ",")
		}
		if t.Result != observe.ResultOK {
			fmt.Fprintf(w, "%s\t%s\t-\t-\t-\t%s: %s\n", v.ID, what, t.Result, termtext.Clip(termtext.Line(t.Error), 160))
			continue
		}
		note := "ok"
		if t.Series == 0 {
			note = "ok, but no series: our services' metrics do not name this vendor (see traffic: hosts:)"
		}
		fmt.Fprintf(w, "%s\t%s\t%d\t%.3g\t%.1f%%\t%s\n", v.ID, what, t.Series, t.Rate, 100*t.Errors.Total(), note)
	}
	return w.Flush()
}
