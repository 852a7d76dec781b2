package main

import (
	"github.com/spf13/cobra"
	"github.com/vendorwatch/vendorwatch/app"
)

func newServeCmd(o *options) *cobra.Command {
	var listen string
	notifyOn := true
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Keep polling for a team: Prometheus /metrics, the JSON snapshot and reports over HTTP, notifications",
		Long: `serve polls every vendor continuously (the config's intervals, history and state dir, as the
dashboard does) and serves what it sees over HTTP:

  /metrics           Prometheus metrics (vendorwatch_vendor_state, vendorwatch_key_ok, vendorwatch_finding, ...)
  /api/v1/snapshot   the latest report, the schema-1 JSON of --once --json
  /api/v1/report     the incident report (?since=2h&vendor=vapi&format=markdown|json)
  /api/v1/timeline   history events (?vendor=ID&limit=200)
  /api/v1/maintenances.ics  the vendors' running and coming maintenances, iCalendar
  /healthz           health (without the token: only ok or degraded)

With serve.token in the config (16 characters or more) every request needs
"Authorization: Bearer TOKEN"; /healthz answers without it, but says only ok or degraded.
serve.tls serves HTTPS; --listen unix:/path serves on a unix socket (mode 0660).
Other machines read the server with --remote URL (the token from $VENDORWATCH_TOKEN), so
keys live only on the server. The notify: list of the config fires on findings;
--notify=false sends none (replicas behind Alertmanager, docs/ha.md).
SIGTERM or SIGINT stops it within seconds, history intact.`,
		Example: `  vendorwatch serve                                # 127.0.0.1:9321
  vendorwatch serve --listen :9321                 # every interface: set serve.token
  vendorwatch serve --listen unix:/run/vendorwatch/vendorwatch.sock
  vendorwatch serve --notify=false                 # an HA replica: Alertmanager pages
  curl -s localhost:9321/metrics | grep vendorwatch_vendor_state
  vendorwatch --once --remote http://localhost:9321`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runServe(cmd, o, listen, notifyOn) },
	}
	cmd.Flags().StringVar(&listen, "listen", "", "host:port, or unix:/path for a unix socket, to listen on (default serve.listen from the config, else "+app.DefaultListen+")")
	cmd.Flags().BoolVar(&notifyOn, "notify", true, "send the config's notify: notifications (false: leave paging to Alertmanager, as replicas in HA do)")
	return cmd
}

// runServe loads the config and serves until the command's context ends
// (SIGTERM, SIGINT).
func runServe(cmd *cobra.Command, o *options, listen string, notifyOn bool) error {
	a, err := load(o)
	if err != nil {
		return err
	}
	a.NotifyOff = !notifyOn
	return a.Serve(cmd.Context(), listen, cmd.ErrOrStderr())
}
