package correlate

import (
	"strings"
	"testing"

	"github.com/vendorwatch/vendorwatch/observe"
)

// A key whose Google secret command fails reads as Google Secret
// Manager's trouble when the command says the store did not serve it,
// and as a config problem otherwise.
func TestSecretStoreIncident(t *testing.T) {
	const (
		unavailable = "cmd:gcloud secrets versions access latest --secret=openai-prod: exited with status 1: ERROR: (gcloud.secrets.versions.access) UNAVAILABLE: The service is currently unavailable."
		notFound    = "cmd:gcloud secrets versions access latest --secret=openai-prod: exited with status 1: ERROR: (gcloud.secrets.versions.access) NOT_FOUND: Secret [projects/p/secrets/openai-prod] not found or has no versions."
		timedOut    = "cmd:firebase functions:secrets:access OPENAI_KEY: did not finish within 15s"
		named503    = "cmd:gcloud secrets versions access latest --secret=key-503: exited with status 1: ERROR: (gcloud.secrets.versions.access) PERMISSION_DENIED: Permission denied."
	)
	smIncident := incident("mLBHeCxhRia17anXCSX1", "Secret Manager experienced service unavailability in europe-west2", "partial_outage", at("10:40"))
	smIncident.Components = []string{"Secret Manager"}
	smIncident.URL = "https://status.cloud.google.com/incidents/mLBHeCxhRia17anXCSX1"
	cases := []struct {
		name, msg, code string
		google          *vb
		title           string // a part of the title
		advice          []string
		notAdvice       string
	}{
		{"unavailable during an incident", unavailable, "cmd_failed",
			vendorAt("google-cloud", "Google Cloud").page(observe.PartialOutage, "Partial outage", smIncident),
			"Google Secret Manager is having an incident",
			[]string{"Google Secret Manager is having an incident", "https://status.cloud.google.com/incidents/mLBHeCxhRia17anXCSX1", "hold restarts and deploys"}, "check-config"},
		{"firebase timeout during an incident", timedOut, "cmd_timeout",
			vendorAt("google-cloud", "Google Cloud").page(observe.PartialOutage, "Partial outage", smIncident),
			"Google Secret Manager is having an incident", []string{"Google Secret Manager is having an incident"}, "check-config"},
		{"unavailable, no incident, google-cloud not watched", unavailable, "cmd_failed", nil,
			"secret missing", []string{"did not serve the key", "Add google-cloud to vendors:"}, "check-config"},
		{"unavailable, google-cloud quiet", unavailable, "cmd_failed", vendorAt("google-cloud", "Google Cloud"),
			"secret missing", []string{"did not serve the key"}, "Add google-cloud"},
		{"not found during an incident", notFound, "cmd_failed",
			vendorAt("google-cloud", "Google Cloud").page(observe.PartialOutage, "Partial outage", smIncident),
			"secret missing", []string{"check-config"}, "Secret Manager"},
		{"a 503 in the secret's name only", named503, "cmd_failed",
			vendorAt("google-cloud", "Google Cloud").page(observe.PartialOutage, "Partial outage", smIncident),
			"secret missing", []string{"check-config"}, "Secret Manager"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			openai := vendorAt("openai", "OpenAI").reach(observe.ResultReachable, 401, at("10:57"))
			openai.v.Keys = append(openai.v.Keys, observe.KeyResult{Name: "prod", Result: observe.ResultNoSecret, Code: c.code, Message: c.msg, CheckedAt: at("10:57")})
			vs := []*vb{openai}
			if c.google != nil {
				vs = append(vs, c.google)
			}
			r, _ := Assess(snapAt(at("10:57"), vs...), Memory{})
			f := find(t, r, KindSecretMissing)
			if !strings.Contains(f.Title, c.title) {
				t.Errorf("title %q, want %q in it", f.Title, c.title)
			}
			all := f.Title + "\n" + f.Detail + "\n" + strings.Join(f.Advice, "\n")
			for _, w := range c.advice {
				if !strings.Contains(all, w) {
					t.Errorf("finding lacks %q:\n%s", w, all)
				}
			}
			if strings.Contains(strings.Join(f.Advice, "\n"), c.notAdvice) {
				t.Errorf("advice says %q:\n%s", c.notAdvice, all)
			}
		})
	}
}
