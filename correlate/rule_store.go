package correlate

import (
	"fmt"
	"path"
	"slices"
	"strings"

	"github.com/vendorwatch/vendorwatch/internal/lazyregexp"
	"github.com/vendorwatch/vendorwatch/observe"
)

// googleStoreCommands are the secret commands that read Google Secret
// Manager: gcloud secrets versions access, and firebase
// functions:secrets:access (Firebase keeps its secrets there).
var googleStoreCommands = []string{"gcloud", "firebase"}

// unavailableWords are what a secret command prints when the store did
// not serve it, as opposed to a missing secret or a denied permission:
// gRPC's UNAVAILABLE, DEADLINE_EXCEEDED and INTERNAL (gcloud prints
// "ERROR: (gcloud.secrets.versions.access) UNAVAILABLE: ..."), HTTP 5xx
// and their reason phrases, timeouts and reset connections.
var unavailableWords = lazyregexp.New(`(?i:\b(unavailable|deadline[_ ]exceeded|50[0234]|bad gateway|gateway time-?out|timed out|connection reset|temporarily|internal error|backend error)\b)|\bINTERNAL\b`)

// Codes of the config package's SecretError that storeFailure reads.
const (
	secretCmdFailed  = "cmd_failed"
	secretCmdTimeout = "cmd_timeout"
)

// storeFailure reads a no_secret key's result: the command its cmd:
// reference ran ("gcloud"), and whether the command failed because its
// store was unavailable (it timed out, or printed an availability error)
// rather than because of the config (a wrong name, a denied permission).
// The message is the reference followed by the reason ("cmd:gcloud
// secrets versions access ...: exited with status 1: ERROR: ...").
func storeFailure(k observe.KeyResult) (cmd string, unavailable bool) {
	rest, ok := strings.CutPrefix(k.Message, "cmd:")
	if !ok {
		return "", false
	}
	words := strings.Fields(rest)
	if len(words) == 0 {
		return "", false
	}
	cmd = path.Base(words[0])
	switch k.Code {
	case secretCmdTimeout:
		return cmd, true
	case secretCmdFailed:
		_, said, ok := strings.Cut(rest, ": exited with status ")
		if !ok {
			return cmd, false
		}
		_, said, _ = strings.Cut(said, ": ") // past the exit status
		return cmd, unavailableWords().MatchString(said)
	}
	return cmd, false
}

// secretManagerIncident finds an open incident about Google Secret
// Manager on any watched vendor's status page (google-cloud, or firebase),
// with the vendor that reports it.
func (a *assessment) secretManagerIncident() (observe.Incident, observe.VendorResult, bool) {
	for _, v := range a.snap.Vendors {
		st := v.Status
		for _, in := range st.Open() {
			texts := append([]string{in.Title}, in.Components...)
			if slices.ContainsFunc(texts, func(s string) bool { return strings.Contains(strings.ToLower(s), "secret manager") }) {
				one := observe.Status{Incidents: []observe.Incident{in}}
				clean, _ := openIncident(&one)
				return clean, v, true
			}
		}
	}
	return observe.Incident{}, observe.VendorResult{}, false
}

// storeTrouble turns a secret_missing finding whose keys live in Google
// Secret Manager, and whose commands failed because the store did not
// answer, into what it is: Google Secret Manager is having an incident
// (when a watched status page says so), or is not answering, rather than
// a config to check.
func (a *assessment) storeTrouble(f *Finding, ks []keyView) {
	var down, other []string
	for _, k := range ks {
		cmd, unavailable := storeFailure(k.KeyResult)
		if unavailable && slices.Contains(googleStoreCommands, cmd) {
			down = append(down, k.Name)
		} else {
			other = append(other, k.Name)
		}
	}
	if len(down) == 0 {
		return
	}
	rest := ""
	if len(other) > 0 {
		rest = fmt.Sprintf("The %s of %s fail for another reason: run `vendorwatch check-config` to see which reference fails.",
			plural(len(other), "reference", "references"), strings.Join(other, ", "))
	}
	in, gv, ok := a.secretManagerIncident()
	if !ok {
		f.Detail += " Google Secret Manager did not answer (a timeout or a server error), which is not a config problem."
		f.Advice = []string{
			"Not your config and not a dead key: Google Secret Manager did not serve the key (a timeout or a server error); it is failing, or our network to Google is.",
			"Apps that already loaded the key keep working; anything that starts or deploys now cannot read it until the store answers again.",
		}
		if !a.watches("google-cloud", "gcp") {
			f.Advice = append(f.Advice, "Add google-cloud to vendors: so Google Cloud's incidents (Secret Manager's among them) show here.")
		}
		if rest != "" {
			f.Advice = append(f.Advice, rest)
		}
		return
	}
	where := in.URL
	if where == "" {
		where = gv.Status.PageURL
	}
	f.Title = fmt.Sprintf("%s key %s not checked: Google Secret Manager is having an incident", a.name(f.Vendors[0]), strings.Join(down, ", "))
	f.Detail += fmt.Sprintf(" Google Secret Manager is having an incident: %s reports %s.", a.name(gv.ID), describeIncident(in))
	f.Advice = []string{
		"Not your config and not a dead key: Google Secret Manager is having an incident, so the secret command could not read the key." + followAt(where),
		"Apps that already loaded the key keep working; anything that starts, scales or deploys now cannot read it: hold restarts and deploys until Google resolves the incident.",
	}
	if rest != "" {
		f.Advice = append(f.Advice, rest)
	}
}

func followAt(url string) string {
	if url == "" {
		return ""
	}
	return " Follow it at " + url + "."
}

// watches reports whether a vendor of one of the ids is in the snapshot.
func (a *assessment) watches(ids ...string) bool {
	return slices.ContainsFunc(a.snap.Vendors, func(v observe.VendorResult) bool { return slices.Contains(ids, v.ID) })
}
