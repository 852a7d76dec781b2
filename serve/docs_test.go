package serve

import (
	"bufio"
	"errors"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/vendorwatch/vendorwatch/correlate"
	"github.com/vendorwatch/vendorwatch/monitor"
	"github.com/vendorwatch/vendorwatch/notify"
)

// The docs live beside the code they describe; these tests keep them
// true without promtool or systemd.
const docsDir = "../docs/"

// allKinds are the finding kinds of DESIGN §3.
var allKinds = []correlate.Kind{
	correlate.KindNetworkLocal, correlate.KindKeyRevoked, correlate.KindKeyLeakSuspected, correlate.KindAccountKeysRevoked,
	correlate.KindAccountDisabled, correlate.KindQuotaExceeded, correlate.KindKeyNoPermission, correlate.KindKeyMisconfigured,
	correlate.KindRateLimited, correlate.KindSecretMissing, correlate.KindVendorOutage, correlate.KindVendorOutageUnreported,
	correlate.KindVendorIncident, correlate.KindStatusSourceDown, correlate.KindUpstreamImpact,
	correlate.KindKeyRejectedDuringIncident, correlate.KindKeyDeleted, correlate.KindKeyVanished,
}

type ruleFile struct {
	Groups []struct {
		Name  string `yaml:"name"`
		Rules []struct {
			Alert       string            `yaml:"alert"`
			Expr        string            `yaml:"expr"`
			For         string            `yaml:"for"`
			Labels      map[string]string `yaml:"labels"`
			Annotations map[string]string `yaml:"annotations"`
		} `yaml:"rules"`
	} `yaml:"groups"`
}

// Every alert rule parses, names only metrics the server exports and only
// finding kinds that exist, and the four alerts of issue 8 are there.
func TestAlertRules(t *testing.T) {
	data, err := os.ReadFile(docsDir + "alerts.yml")
	if err != nil {
		t.Fatal(err)
	}
	var rf ruleFile
	dec := yaml.NewDecoder(strings.NewReader(string(data)))
	dec.KnownFields(true)
	if err := dec.Decode(&rf); err != nil {
		t.Fatalf("alerts.yml: %v", err)
	}

	// An exposition with a finding of every kind, so every series an alert
	// may select exists.
	rep := storyReport(t)
	for _, k := range allKinds {
		rep.Findings = append(rep.Findings, correlate.Finding{Kind: k, Severity: correlate.SeverityCritical, Vendors: []string{"openai"}})
	}
	s := New(Options{HistoryErr: errors.New("damaged"), NotifyStats: func() []notify.Stat {
		return []notify.Stat{{Name: "team", Pending: 1, Failing: 1, Oldest: rep.GeneratedAt}}
	}})
	s.Update(monitor.Update{Report: rep})
	fams, _ := scrape(t, s)

	metric := regexp.MustCompile(`\b(vendorwatch_[a-z_]+)\b`)
	kindMatch := regexp.MustCompile(`kind(=~|=)"([^"]+)"`)
	var names []string
	for _, g := range rf.Groups {
		for _, r := range g.Rules {
			names = append(names, r.Alert)
			t.Run(r.Alert, func(t *testing.T) {
				if r.Alert == "" || r.Expr == "" || r.Annotations["summary"] == "" || r.Labels["severity"] == "" {
					t.Errorf("incomplete rule %+v", r)
				}
				if strings.Count(r.Expr, "(") != strings.Count(r.Expr, ")") {
					t.Errorf("unbalanced parentheses: %s", r.Expr)
				}
				for _, m := range metric.FindAllStringSubmatch(r.Expr, -1) {
					if _, ok := fams[m[1]]; !ok {
						t.Errorf("%s uses %s, which /metrics does not export", r.Alert, m[1])
					}
				}
				for _, m := range kindMatch.FindAllStringSubmatch(r.Expr, -1) {
					for k := range strings.SplitSeq(m[2], "|") {
						if !slices.Contains(allKinds, correlate.Kind(k)) {
							t.Errorf("%s selects kind %q, which is no finding kind", r.Alert, k)
						}
					}
				}
				for _, l := range regexp.MustCompile(`by \(([^)]*)\)`).FindAllStringSubmatch(r.Expr, -1) {
					for lbl := range strings.SplitSeq(l[1], ",") {
						// instance is the target label Prometheus adds: the
						// replica, for the rules that count replicas.
						if lbl = strings.TrimSpace(lbl); !slices.Contains([]string{"vendor", "kind", "severity", "instance"}, lbl) {
							t.Errorf("%s groups by %q, which vendorwatch_finding does not have", r.Alert, lbl)
						}
					}
				}
			})
		}
	}
	for _, want := range []string{"VendorwatchKeyRevoked", "VendorwatchVendorOutage", "VendorwatchVendorOutageUnreported", "VendorwatchOurNetwork", "VendorwatchHistoryFailing"} {
		if !slices.Contains(names, want) {
			t.Errorf("alerts.yml lacks %s (has %v)", want, names)
		}
	}
}

func TestPrometheusScrapeConfig(t *testing.T) {
	data, err := os.ReadFile(docsDir + "prometheus.yml")
	if err != nil {
		t.Fatal(err)
	}
	var cfg struct {
		RuleFiles     []string `yaml:"rule_files"`
		ScrapeConfigs []struct {
			JobName       string `yaml:"job_name"`
			MetricsPath   string `yaml:"metrics_path"`
			Authorization struct {
				Type            string `yaml:"type"`
				CredentialsFile string `yaml:"credentials_file"`
			} `yaml:"authorization"`
			StaticConfigs []struct {
				Targets []string `yaml:"targets"`
			} `yaml:"static_configs"`
		} `yaml:"scrape_configs"`
	}
	if err := yaml.Unmarshal(data, &cfg); err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(cfg.RuleFiles, "alerts.yml") || len(cfg.ScrapeConfigs) != 1 {
		t.Fatalf("prometheus.yml = %+v", cfg)
	}
	sc := cfg.ScrapeConfigs[0]
	if sc.JobName != "vendorwatch" || sc.MetricsPath != "/metrics" || sc.Authorization.Type != "Bearer" || sc.Authorization.CredentialsFile == "" ||
		len(sc.StaticConfigs) != 1 || !strings.HasSuffix(sc.StaticConfigs[0].Targets[0], ":9321") {
		t.Errorf("scrape config = %+v", sc)
	}
	// The alert on a dead target selects this job.
	alerts, _ := os.ReadFile(docsDir + "alerts.yml")
	if !strings.Contains(string(alerts), `up{job="`+sc.JobName+`"}`) {
		t.Error("alerts.yml does not watch the scrape job's up")
	}
}

// The systemd unit runs serve with the state dir systemd manages, keys as
// credentials, and the hardening docs/serve.md promises.
func TestSystemdUnit(t *testing.T) {
	f, err := os.Open(docsDir + "vendorwatch.service")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sections := map[string]map[string][]string{}
	section := ""
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		switch {
		case line == "" || strings.HasPrefix(line, "#"):
		case strings.HasPrefix(line, "[") && strings.HasSuffix(line, "]"):
			section = strings.Trim(line, "[]")
			sections[section] = map[string][]string{}
		default:
			k, v, ok := strings.Cut(line, "=")
			if !ok || section == "" {
				t.Fatalf("not a unit line: %q", line)
			}
			sections[section][k] = append(sections[section][k], v)
		}
	}
	svc := sections["Service"]
	if svc == nil || sections["Unit"] == nil || sections["Install"] == nil {
		t.Fatalf("sections = %v", sections)
	}
	start := strings.Join(svc["ExecStart"], "")
	for _, want := range []string{"vendorwatch serve", "--state-dir ${STATE_DIRECTORY}", "--config ${CONFIGURATION_DIRECTORY}/config.yaml", "--listen"} {
		if !strings.Contains(start, want) {
			t.Errorf("ExecStart %q lacks %q", start, want)
		}
	}
	for k, want := range map[string]string{
		"DynamicUser": "yes", "StateDirectory": "vendorwatch", "NoNewPrivileges": "yes", "ProtectSystem": "strict",
		"ProtectHome": "yes", "PrivateTmp": "yes", "CapabilityBoundingSet": "", "KillSignal": "SIGTERM", "UMask": "0077",
		"RestrictAddressFamilies": "AF_INET AF_INET6 AF_UNIX",
	} {
		if got := svc[k]; len(got) == 0 || got[0] != want {
			t.Errorf("%s=%v, want %q", k, got, want)
		}
	}
	if len(svc["LoadCredential"]) == 0 {
		t.Error("keys do not come as credentials")
	}
	// Where systemd is installed, it checks the unit too (it only minds
	// that the binary is not installed here).
	if tool, err := exec.LookPath("systemd-analyze"); err == nil {
		out, _ := exec.Command(tool, "verify", docsDir+"vendorwatch.service").CombinedOutput()
		for l := range strings.SplitSeq(strings.TrimSpace(string(out)), "\n") {
			lower := strings.ToLower(l)
			if strings.Contains(lower, "unknown") || strings.Contains(lower, "invalid") || strings.Contains(lower, "failed to parse") {
				t.Errorf("systemd-analyze verify: %s", l)
			}
		}
	}
}
