package output

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/charmbracelet/colorprofile"

	"github.com/vendorwatch/vendorwatch/correlate"
	"github.com/vendorwatch/vendorwatch/internal/jsonarrays"
	"github.com/vendorwatch/vendorwatch/internal/redact"
	"github.com/vendorwatch/vendorwatch/internal/termtext"
)

// holderMark is ✓ for a done holder, ○ for a pending one.
func holderMark(h correlate.RotationHolder) string {
	if h.State == correlate.HolderDone {
		return "✓"
	}
	return "○"
}

// renderRotations is the table's rotations section: each checklist with
// its holders. Empty when there is none.
func renderRotations(rots []correlate.Rotation) string {
	if len(rots) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString("\n" + styleHeader.Render("Rotations") + "\n")
	for _, r := range rots {
		head := termtext.Line(r.Headline())
		if r.Open() {
			head = styleWarning.Render(head)
		}
		b.WriteString(head + "\n")
		width := 0
		for _, h := range r.Holders {
			width = max(width, len(correlate.HolderSpec(h.Holder)))
		}
		for _, h := range r.Holders {
			line := fmt.Sprintf("  %s %-*s  %s", holderMark(h), width, termtext.Line(correlate.HolderSpec(h.Holder)), termtext.Line(h.Line()))
			if h.State == correlate.HolderDone {
				line = styleMuted.Render(line)
			}
			b.WriteString(line + "\n")
		}
	}
	return b.String()
}

// WriteRotations writes rotation checklists as text, for vendorwatch
// rotation list.
func WriteRotations(w io.Writer, rots []correlate.Rotation, o TableOptions) error {
	env := o.Env
	if env == nil {
		env = os.Environ()
	}
	cw := colorprofile.NewWriter(w, env)
	if o.NoColor || noColorEnv(env) {
		cw.Profile = colorprofile.NoTTY
	}
	text := renderRotations(redact.Value(rots))
	if text == "" {
		text = "No rotation is open, and none closed recently.\n"
	} else {
		text = strings.TrimPrefix(text, "\n")
	}
	_, err := io.WriteString(cw, redact.String(text))
	return err
}

// WriteRotationsJSON writes {"rotations": [...]} as indented JSON.
func WriteRotationsJSON(w io.Writer, rots []correlate.Rotation) error {
	if rots == nil {
		rots = []correlate.Rotation{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(struct {
		Rotations []correlate.Rotation `json:"rotations"`
	}{jsonarrays.Of(redact.Value(rots))})
}

// writeRotationsMarkdown is the incident report's rotations section.
func writeRotationsMarkdown(b *strings.Builder, rots []correlate.Rotation) {
	if len(rots) == 0 {
		return
	}
	b.WriteString("## Rotations\n\n")
	for _, r := range rots {
		fmt.Fprintf(b, "### %s\n\n", mdCell(termtext.Line(r.Headline())))
		b.WriteString("| Holder | State | Evidence |\n|---|---|---|\n")
		for _, h := range r.Holders {
			state := h.StateText()
			fmt.Fprintf(b, "| %s | %s | %s |\n", mdCell(correlate.HolderSpec(h.Holder)), mdCell(state), mdCell(mdOrDash(h.Evidence)))
		}
		b.WriteString("\n")
	}
}
