package traffictest

import (
	"bytes"
	"net/http"
	"strings"
	"testing"
	"time"
)

// The real Alertmanager takes an alert on its API and sends it to the
// receiver its config names, with the alert's labels.
func TestAlertmanagerNotifiesTheReceiver(t *testing.T) {
	rcv := NewReceiver(t)
	am := StartAlertmanager(t, []byte(`route:
  receiver: pager
  group_by: [alertname]
  group_wait: 0s
receivers:
  - name: pager
    webhook_configs:
      - url: `+rcv.URL+`/pager
`))
	resp, err := http.Post(am.URL+"/api/v2/alerts", "application/json",
		bytes.NewReader([]byte(`[{"labels":{"alertname":"Test","vendor":"vapi"}}]`)))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("posting an alert: HTTP %d\n%s", resp.StatusCode, am.Log())
	}
	deadline := time.Now().Add(readyWithin)
	for len(rcv.Notifications()) == 0 {
		if time.Now().After(deadline) {
			t.Fatalf("no notification within %s\n%s", readyWithin, am.Log())
		}
		time.Sleep(50 * time.Millisecond)
	}
	n := rcv.Notifications()[0]
	if n.Path != "/pager" || n.Receiver != "pager" || n.Status != "firing" || len(n.Alerts) != 1 || n.Alerts[0].Labels["vendor"] != "vapi" {
		t.Errorf("notification = %+v", n)
	}
	alerts, err := am.Alerts()
	if err != nil || len(alerts) != 1 || alerts[0].Status.State != "active" {
		t.Errorf("alerts = %+v, %v", alerts, err)
	}
}

// Without the binary the harness skips with the package to install, and
// fails instead when CI requires the real thing.
func TestAlertmanagerMissing(t *testing.T) {
	saved := alertmanagerBinaries
	alertmanagerBinaries = []string{"vendorwatch-no-such-alertmanager", "/nonexistent/alertmanager"}
	defer func() { alertmanagerBinaries = saved }()
	for _, require := range []string{"", "1"} {
		t.Setenv(RequireEnv, require)
		f := &fakeTB{TB: t}
		done := make(chan struct{})
		go func() {
			defer close(done)
			StartAlertmanager(f, nil)
		}()
		<-done
		msg := f.skipped
		if require == "1" {
			msg = f.failed
			if f.skipped != "" {
				t.Errorf("skipped although %s=1: %s", RequireEnv, f.skipped)
			}
		}
		if !strings.Contains(msg, "apt-get install prometheus-alertmanager") {
			t.Errorf("%s=%q: skipped %q, failed %q", RequireEnv, require, f.skipped, f.failed)
		}
	}
}
