package output

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/charmbracelet/colorprofile"

	"github.com/vendorwatch/vendorwatch/correlate"
	"github.com/vendorwatch/vendorwatch/internal/jsonarrays"
	"github.com/vendorwatch/vendorwatch/internal/termtext"
)

// SilencedText is the line under a silenced finding: "silenced #3 by
// alice until 2026-05-21 12:56 UTC: known, far-away region".
func SilencedText(s correlate.Silenced) string {
	text := fmt.Sprintf("silenced #%d by %s until %s", s.ID, termtext.Line(s.By), s.Until.UTC().Format("2006-01-02 15:04 UTC"))
	if s.Comment != "" {
		text += ": " + termtext.Line(s.Comment)
	}
	return text
}

// WriteSilences prints silences as a table: what each matches, who added
// it, until when and why; expired or run-out ones are dimmed.
func WriteSilences(w io.Writer, ss []correlate.Silence, now time.Time, o TableOptions) error {
	if len(ss) == 0 {
		_, err := fmt.Fprintln(w, "No silences.")
		return err
	}
	env := o.Env
	if env == nil {
		env = os.Environ()
	}
	cw := colorprofile.NewWriter(w, env)
	if o.NoColor || noColorEnv(env) {
		cw.Profile = colorprofile.NoTTY
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%-4s %-28s %-10s %-17s %-9s %s\n", "ID", "MATCHES", "BY", "UNTIL (UTC)", "STATE", "COMMENT")
	for _, s := range ss {
		state := "active"
		switch {
		case !s.Expired.IsZero() && !now.Before(s.Expired):
			state = "expired"
		case !now.Before(s.Until):
			state = "ended"
		}
		line := fmt.Sprintf("%-4d %-28s %-10s %-17s %-9s %s", s.ID, termtext.Line(SilenceMatcher(s)), termtext.Line(s.By),
			s.Until.UTC().Format("2006-01-02 15:04"), state, termtext.Line(s.Comment))
		if state != "active" {
			line = styleMuted.Render(line)
		}
		b.WriteString(line + "\n")
	}
	_, err := io.WriteString(cw, b.String())
	return err
}

// SilenceMatcher is what a silence matches, as the flags of silence add
// name it: "openai kind=key_revoked key=prod".
func SilenceMatcher(s correlate.Silence) string {
	m := s.Vendor
	if s.Kind != "" {
		m += " kind=" + string(s.Kind)
	}
	if s.Key != "" {
		m += " key=" + s.Key
	}
	return m
}

// WriteSilencesJSON prints {"silences": [...]}.
func WriteSilencesJSON(w io.Writer, ss []correlate.Silence) error {
	if ss == nil {
		ss = []correlate.Silence{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(struct {
		Silences []correlate.Silence `json:"silences"`
	}{jsonarrays.Of(ss)})
}
