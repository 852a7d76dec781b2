package notify

import (
	"context"
	"errors"
	"os/exec"
	"runtime"
	"strings"
	"time"

	"github.com/vendorwatch/vendorwatch/correlate"
	"github.com/vendorwatch/vendorwatch/internal/redact"
	"github.com/vendorwatch/vendorwatch/internal/termtext"
)

// Desktop shows events as desktop notifications through notify-send
// (Linux and BSD desktops) or osascript (macOS). The text is passed as
// arguments, never through a shell or a script's source.
type Desktop struct {
	// Tool is the path of notify-send or osascript; FindDesktop fills it.
	Tool string
	// Timeout bounds one notification (default 5 s).
	Timeout time.Duration
}

var _ Sender = (*Desktop)(nil)

// FindDesktop returns a Desktop sender for this system, or an error
// saying why there is none (no notify-send in PATH, say).
func FindDesktop() (*Desktop, error) {
	name := "notify-send"
	if runtime.GOOS == "darwin" {
		name = "osascript"
	}
	path, err := exec.LookPath(name)
	if err != nil {
		return nil, errors.New("desktop notifications need " + name + " in PATH")
	}
	return &Desktop{Tool: path}, nil
}

// osaScript reads the title and body from its arguments.
const osaScript = `on run argv
display notification (item 2 of argv) with title (item 1 of argv)
end run`

// Send shows one notification.
func (d *Desktop) Send(ctx context.Context, e Event) error {
	timeout := d.Timeout
	if timeout <= 0 {
		timeout = 5 * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	// Redacted, then cleaned, then cut: the text leaves the process.
	title := "vendorwatch: " + termtext.Clip(termtext.Line(redact.String(e.Text())), 120)
	body := termtext.Clip(termtext.Line(redact.String(e.Finding.Detail)), 300)
	if e.Kind != Closed && len(e.Finding.Advice) > 0 {
		body += "\n→ " + termtext.Clip(termtext.Line(redact.String(e.Finding.Advice[0])), 200)
	}
	var cmd *exec.Cmd
	if strings.HasSuffix(d.Tool, "osascript") {
		cmd = exec.CommandContext(ctx, d.Tool, "-e", osaScript, "--", title, body)
	} else {
		urgency := "normal"
		switch {
		case e.Kind == Closed || e.Finding.Severity == correlate.SeverityInfo:
			urgency = "low"
		case e.Finding.Severity == correlate.SeverityCritical:
			urgency = "critical"
		}
		// notify-send bodies may be read as markup: escape it.
		cmd = exec.CommandContext(ctx, d.Tool, "--app-name=vendorwatch", "--urgency="+urgency, "--", title, markupEscape(body))
	}
	cmd.Env = passEnv(desktopEnv)
	cmd.WaitDelay = time.Second
	if out, err := cmd.CombinedOutput(); err != nil {
		msg := "desktop notification failed"
		if l := firstLine(string(out)); l != "" {
			msg += ": " + termtext.Clip(l, 160)
		}
		return errors.New(msg)
	}
	return nil
}

// desktopEnv is what a notification tool needs to find the session; like
// a command, it never sees the rest of vendorwatch's environment.
var desktopEnv = append([]string{"DISPLAY", "WAYLAND_DISPLAY", "DBUS_SESSION_BUS_ADDRESS", "XDG_RUNTIME_DIR"}, baseEnv...)

var markupEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

func markupEscape(s string) string { return markupEscaper.Replace(s) }
