package config

import (
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/vendorwatch/vendorwatch/internal/lazyregexp"
)

// Defaults of `vendorwatch serve` and of notifiers.
const (
	// DefaultListen is where serve listens without --listen or serve.listen:
	// loopback only, so nothing is exposed by accident.
	DefaultListen = "127.0.0.1:9321"
	// UnixPrefix starts a listen address that is a unix socket:
	// unix:/run/vendorwatch/vendorwatch.sock.
	UnixPrefix = "unix:"
	// MinTokenLength is the shortest serve.token accepted: 16 characters
	// (openssl rand -hex 24 makes 48).
	MinTokenLength = 16
	// DefaultNotifyQuiet is how long a closed finding must stay closed
	// before its close is announced; a re-open within it is not announced
	// again, so a flapping vendor does not spam.
	DefaultNotifyQuiet = 10 * time.Minute
	// MinNotifyQuiet is the shortest quiet period.
	MinNotifyQuiet = time.Minute
	// DefaultNotifyTimeout bounds one webhook call or notification command.
	DefaultNotifyTimeout = 10 * time.Second
	// DefaultNotifyExpire is how long a notification that cannot be
	// delivered is retried before it is given up.
	DefaultNotifyExpire = 24 * time.Hour
	// MinNotifyExpire and MaxNotifyExpire bound expire.
	MinNotifyExpire = time.Minute
	MaxNotifyExpire = 7 * 24 * time.Hour
)

// Serve configures `vendorwatch serve`.
type Serve struct {
	// Listen is host:port, or unix:/absolute/path for a unix socket;
	// --listen overrides it.
	Listen string `yaml:"listen"`
	// Token, when set, is the bearer token every API and /metrics request
	// must carry (/healthz then answers only ok or degraded without it).
	// A secret reference like a key's, at least MinTokenLength characters.
	Token SecretRef `yaml:"token"`
	// CalendarToken, when set, lets calendar apps, which cannot send a
	// header, subscribe to the maintenance calendar with ?token=: it opens
	// /api/v1/maintenances.ics and nothing else. A secret reference, at
	// least MinTokenLength characters, different from Token.
	CalendarToken SecretRef `yaml:"calendar_token"`
	// TLS, when set, makes serve answer HTTPS with this certificate.
	TLS *TLS `yaml:"tls"`
}

// TLS names the certificate serve presents. Relative paths are relative
// to the config file's directory; validation makes them absolute.
type TLS struct {
	// Cert is a PEM file: the server's certificate, then any intermediates.
	Cert string `yaml:"cert"`
	// Key is the PEM file of the certificate's private key. It may not be
	// readable by others.
	Key string `yaml:"key"`
}

// maxPEMBytes caps a certificate or key file: a chain of a few
// certificates is a few kilobytes.
const maxPEMBytes = 1 << 20

func (s *Serve) applyDefaults() {
	if s.Listen == "" {
		s.Listen = DefaultListen
	}
}

// NotifierType says how a notifier delivers.
type NotifierType string

// The notifier types.
const (
	// NotifyWebhook POSTs the finding as generic JSON.
	NotifyWebhook NotifierType = "webhook"
	// NotifySlack POSTs a Slack-compatible {"text": ...} message (Slack,
	// Mattermost, Rocket.Chat and other incoming-webhook receivers).
	NotifySlack NotifierType = "slack"
	// NotifyCommand runs a command with the finding as JSON on stdin.
	NotifyCommand NotifierType = "command"
	// NotifyDesktop shows a desktop notification (notify-send, osascript).
	NotifyDesktop NotifierType = "desktop"
	// NotifyPagerDuty triggers and resolves PagerDuty alerts through the
	// Events API v2.
	NotifyPagerDuty NotifierType = "pagerduty"
	// NotifyOpsgenie creates and closes Opsgenie alerts through the Alert
	// API.
	NotifyOpsgenie NotifierType = "opsgenie"
	// NotifyDiscord posts an embed to a Discord channel webhook.
	NotifyDiscord NotifierType = "discord"
	// NotifyTeams posts an Adaptive Card to a Microsoft Teams Workflows
	// webhook.
	NotifyTeams NotifierType = "teams"
	// NotifyEmail mails each event over SMTP with STARTTLS.
	NotifyEmail NotifierType = "email"
)

// chatName names the chat services in messages.
var chatName = map[NotifierType]string{NotifySlack: "Slack", NotifyDiscord: "Discord", NotifyTeams: "Teams"}

// notifierTypes is how an error lists the notifier types.
const notifierTypes = "webhook, slack, discord, teams, pagerduty, opsgenie, email, command or desktop"

// NotifyEvents are the finding transitions a notifier can announce.
var NotifyEvents = []string{"opened", "escalated", "eased", "closed"}

// DefaultNotifyEvents are announced when a notifier lists none.
var DefaultNotifyEvents = []string{"opened", "escalated", "closed"}

// Notifier is one place findings are announced.
type Notifier struct {
	// Name names the notifier in logs and metrics (default TYPE-N).
	Name string       `yaml:"name"`
	Type NotifierType `yaml:"type"`
	// URL is the webhook's address (webhook, slack): a plain https URL, or
	// a secret reference (env:, file:, cmd:) for URLs that are credentials,
	// as Slack's are.
	URL SecretRef `yaml:"url"`
	// RoutingKey is a PagerDuty Events API v2 integration key (pagerduty):
	// a secret reference (env:, file:, cmd:), as it is a credential.
	RoutingKey SecretRef `yaml:"routing_key"`
	// APIKey is an Opsgenie API integration's key (opsgenie): a secret
	// reference, as it is a credential.
	APIKey SecretRef `yaml:"api_key"`
	// SMTP is the submission server, host:port (email); the connection is
	// always upgraded with STARTTLS.
	SMTP string `yaml:"smtp"`
	// From and To are the sender's and the recipients' addresses (email).
	From string   `yaml:"from"`
	To   []string `yaml:"to"`
	// Username and Password log in to the SMTP server (email, optional);
	// the password is a secret reference.
	Username string    `yaml:"username"`
	Password SecretRef `yaml:"password"`
	// Command is run without a shell, split like a cmd: secret (command).
	Command string `yaml:"command"`
	// Env names environment variables passed to the command; it gets only
	// these besides PATH, HOME, LANG, TZ and USER, so it never inherits
	// the keys in the environment.
	Env []string `yaml:"env"`
	// Timeout bounds one delivery (default 10s).
	Timeout Duration `yaml:"timeout"`
	// MinSeverity is the least severe finding announced: info, warning
	// (default) or critical.
	MinSeverity string `yaml:"min_severity"`
	// Quiet is how long a closed finding must stay closed before its close
	// is announced; re-opening within it is not announced (default 10m).
	Quiet Duration `yaml:"quiet"`
	// Events are the transitions announced: opened, escalated, eased,
	// closed (default opened, escalated, closed).
	Events []string `yaml:"events"`
	// Expire is how long a notification that cannot be delivered is
	// retried, with backoff, before it is given up (default 24h).
	Expire Duration `yaml:"expire"`
	// Vendors, Kinds and Keys route findings: when set, the notifier hears
	// only of findings about one of these vendors (ids of vendors:), of one
	// of these kinds (key_revoked, vendor_outage, …), or about one of
	// these keys (names of keys:). Set together, a finding must match
	// each. Empty lets every finding through.
	Vendors []string `yaml:"vendors"`
	Kinds   []string `yaml:"kinds"`
	Keys    []string `yaml:"keys"`

	// Line is where the notifier starts in the file.
	Line int `yaml:"-"`
}

func (n *Notifier) applyDefaults(i int) {
	if n.Name == "" && n.Type != "" {
		n.Name = string(n.Type) + "-" + strconv.Itoa(i+1)
	}
	if n.Timeout == 0 {
		n.Timeout = Duration(DefaultNotifyTimeout)
	}
	if n.MinSeverity == "" {
		n.MinSeverity = "warning"
	}
	if n.Quiet == 0 {
		n.Quiet = Duration(DefaultNotifyQuiet)
	}
	if len(n.Events) == 0 {
		n.Events = slices.Clone(DefaultNotifyEvents)
	}
	if n.Expire == 0 {
		n.Expire = Duration(DefaultNotifyExpire)
	}
}

// validateServe checks serve: and makes the TLS files' paths absolute,
// relative to the config file's directory.
func validateServe(cfg *Config, x index, t trust, p *problems) {
	s, dir := &cfg.Serve, filepath.Dir(cfg.Path)
	unix := false
	if s.Listen != "" {
		network, _, err := ParseListen(s.Listen)
		if err != nil {
			p.add(x.line("serve", "listen"), "serve listen %q: %v", s.Listen, err)
		}
		unix = network == "unix"
	}
	for _, tok := range []struct {
		ref  SecretRef
		name string
	}{{s.Token, "token"}, {s.CalendarToken, "calendar_token"}} {
		if tok.ref.IsZero() {
			continue
		}
		line := x.line("serve", tok.name)
		checkSecret(tok.ref, line, x.line("serve"), t, p)
		if tok.ref.Kind == SecretLiteral && len(strings.TrimSpace(tok.ref.Value)) < MinTokenLength {
			// The token itself is never repeated, not even its length.
			p.add(line, "serve %s is shorter than %d characters: make one with openssl rand -hex 24", tok.name, MinTokenLength)
		}
	}
	if !s.CalendarToken.IsZero() && s.CalendarToken.Kind == s.Token.Kind && s.CalendarToken.Value == s.Token.Value {
		p.add(x.line("serve", "calendar_token"), "serve calendar_token is the serve token: it goes in calendar URLs, so make it a token of its own")
	}
	if s.TLS != nil {
		validateTLS(s.TLS, dir, unix, x, p)
	}
}

// validateTLS checks that serve.tls names a readable certificate and the
// key that matches it.
func validateTLS(t *TLS, dir string, unix bool, x index, p *problems) {
	at := func(key string) int { return x.line("serve", "tls", key) }
	if unix {
		p.add(x.line("serve", "tls"), "serve tls: a unix socket is guarded by its file permissions; tls applies to a host:port listen address")
	}
	ok := true
	for _, f := range []struct {
		name string
		path *string
	}{{"cert", &t.Cert}, {"key", &t.Key}} {
		if strings.TrimSpace(*f.path) == "" {
			p.add(x.line("serve", "tls"), "serve tls needs %s: the path of a PEM file", f.name)
			ok = false
			continue
		}
		path, err := ExpandHome(strings.TrimSpace(*f.path))
		if err != nil {
			p.add(at(f.name), "serve tls %s: %v", f.name, err)
			ok = false
			continue
		}
		if !filepath.IsAbs(path) {
			path = filepath.Join(dir, path)
		}
		if abs, err := filepath.Abs(path); err == nil {
			path = abs
		}
		*f.path = path
	}
	if !ok {
		return
	}
	certPEM, err := readPEM(t.Cert, false)
	if err != nil {
		p.add(at("cert"), "serve tls cert %s: %v", t.Cert, err)
	}
	keyPEM, kerr := readPEM(t.Key, true)
	if kerr != nil {
		p.add(at("key"), "serve tls key %s: %v", t.Key, kerr)
	}
	if err != nil || kerr != nil {
		return
	}
	if _, err := tls.X509KeyPair(certPEM, keyPEM); err != nil {
		// crypto/tls says what is wrong (no certificate, a key that does
		// not match) without quoting either file.
		p.add(at("key"), "serve tls: %s and %s are not a certificate and its key: %v", t.Cert, t.Key, err)
	}
}

// readPEM reads a certificate or key file; a key may not be readable by
// others.
func readPEM(path string, key bool) ([]byte, error) {
	f, err := os.Open(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, errors.New("no such file")
	case errors.Is(err, fs.ErrPermission):
		return nil, errors.New("permission denied")
	case err != nil:
		return nil, errors.New("cannot open the file")
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil || !info.Mode().IsRegular() {
		return nil, errors.New("is not a regular file")
	}
	if key && info.Mode().Perm()&0o004 != 0 {
		return nil, fmt.Errorf("others can read this private key: chmod o-r %s", path)
	}
	b, err := io.ReadAll(io.LimitReader(f, maxPEMBytes+1))
	if err != nil {
		return nil, errors.New("cannot read the file")
	}
	if len(b) > maxPEMBytes {
		return nil, errors.New("is too large to be a PEM file")
	}
	return b, nil
}

// ParseListen reads a listen address: unix:/absolute/path for a unix
// socket, else host:port (":9321" is every interface, port 0 any free
// port). It returns the network ("unix" or "tcp") and the address to
// give net.Listen.
func ParseListen(addr string) (network, address string, err error) {
	if path, ok := strings.CutPrefix(addr, UnixPrefix); ok {
		if !filepath.IsAbs(path) {
			return "", "", fmt.Errorf("want an absolute socket path such as unix:/run/vendorwatch/vendorwatch.sock")
		}
		return "unix", filepath.Clean(path), nil
	}
	_, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "", "", fmt.Errorf("want host:port such as 127.0.0.1:9321 or :9321, or unix:/path/to.sock")
	}
	if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		return "", "", fmt.Errorf("port %q is not a number from 0 to 65535", port)
	}
	return "tcp", addr, nil
}

var envName = lazyregexp.New(`^[A-Za-z_][A-Za-z0-9_]*$`)
