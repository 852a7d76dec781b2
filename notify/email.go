package notify

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"fmt"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/smtp"
	"strings"
	"time"

	"github.com/vendorwatch/vendorwatch/internal/redact"
	"github.com/vendorwatch/vendorwatch/internal/termtext"
)

// Email sends each event as a plain-text mail over SMTP. The connection
// is always upgraded with STARTTLS before anything is sent: a server that
// does not offer it gets no mail, and no password crosses the network in
// the clear. The password never appears in an error.
type Email struct {
	// Addr is the submission server, host:port (port 587 for STARTTLS).
	Addr string
	// From is the sender's address; To the recipients'.
	From string
	To   []string
	// Username and Password log in with PLAIN after STARTTLS; empty sends
	// without logging in.
	Username, Password string
	Timeout            time.Duration
	// TLS is the STARTTLS configuration; nil verifies the server's
	// certificate for Addr's host against the system's roots.
	TLS *tls.Config
}

var _ Sender = (*Email)(nil)

// Send mails one event.
func (m *Email) Send(ctx context.Context, e Event) error {
	host, _, err := net.SplitHostPort(m.Addr)
	if err != nil {
		return fmt.Errorf("the SMTP address %q is not host:port", termtext.Line(m.Addr))
	}
	msg, err := m.message(e, time.Now())
	if err != nil {
		return err
	}
	timeout := m.Timeout
	if timeout <= 0 {
		timeout = 10 * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	conn, err := (&net.Dialer{}).DialContext(ctx, "tcp", m.Addr)
	if err != nil {
		return fmt.Errorf("connecting to the SMTP server: %w", err)
	}
	defer conn.Close()
	if d, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(d)
	}
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()
	c, err := smtp.NewClient(conn, host)
	if err != nil {
		return fmt.Errorf("the SMTP server's greeting: %w", err)
	}
	defer c.Close()
	if err := c.Hello("vendorwatch"); err != nil {
		return m.fail("EHLO", err)
	}
	if ok, _ := c.Extension("STARTTLS"); !ok {
		return errors.New("the SMTP server does not offer STARTTLS, and vendorwatch sends no mail in the clear")
	}
	cfg := m.TLS
	if cfg == nil {
		cfg = &tls.Config{ServerName: host, MinVersion: tls.VersionTLS12}
	}
	if err := c.StartTLS(cfg); err != nil {
		return m.fail("STARTTLS", err)
	}
	if m.Username != "" {
		if err := c.Auth(smtp.PlainAuth("", m.Username, m.Password, host)); err != nil {
			return m.fail("logging in", err)
		}
	}
	if err := c.Mail(m.From); err != nil {
		return m.fail("MAIL FROM", err)
	}
	for _, to := range m.To {
		if err := c.Rcpt(to); err != nil {
			return m.fail("RCPT TO "+termtext.Line(to), err)
		}
	}
	w, err := c.Data()
	if err != nil {
		return m.fail("DATA", err)
	}
	if _, err := w.Write(msg); err != nil {
		return m.fail("sending the message", err)
	}
	if err := w.Close(); err != nil {
		return m.fail("sending the message", err)
	}
	if err := c.Quit(); err != nil {
		return m.fail("QUIT", err)
	}
	return nil
}

// fail words an SMTP error, cleaned and without the password.
func (m *Email) fail(step string, err error) error {
	s := termtext.Line(redact.String(err.Error()))
	if len(m.Password) > 1 {
		s = strings.ReplaceAll(s, m.Password, "[password]")
	}
	return fmt.Errorf("SMTP %s: %s", step, termtext.Clip(s, 200))
}

// message is the event as an RFC 5322 message: the event line as subject
// (Q-encoded), the evidence, advice and vendors as a quoted-printable
// UTF-8 body. Every header value is one line, so no text of a finding can
// add a header.
func (m *Email) message(e Event, now time.Time) ([]byte, error) {
	var body bytes.Buffer
	qp := quotedprintable.NewWriter(&body)
	var text strings.Builder
	text.WriteString(e.Text() + "\n\n")
	f := e.Finding
	if e.Kind != Closed {
		if d := termtext.Line(f.Detail); d != "" {
			text.WriteString(d + "\n\n")
		}
		if a := lines(f.Advice); a != "" {
			text.WriteString(a + "\n\n")
		}
	}
	if len(f.Vendors) > 0 {
		text.WriteString("Vendors: " + strings.Join(f.Vendors, ", ") + "\n")
	}
	if len(f.Keys) > 0 {
		text.WriteString("Keys: " + strings.Join(f.Keys, ", ") + "\n")
	}
	fmt.Fprintf(&text, "Overall: %s\nAt: %s\nFinding: %s\n\n-- \nvendorwatch\n", e.Overall, e.At.UTC().Format("2006-01-02 15:04 UTC"), f.Key())
	if _, err := qp.Write(redact.Bytes([]byte(strings.ReplaceAll(text.String(), "\n", "\r\n")))); err != nil {
		return nil, fmt.Errorf("encoding the mail: %w", err)
	}
	if err := qp.Close(); err != nil {
		return nil, fmt.Errorf("encoding the mail: %w", err)
	}
	var id [8]byte
	_, _ = rand.Read(id[:])
	var h bytes.Buffer
	header := func(k, v string) { fmt.Fprintf(&h, "%s: %s\r\n", k, termtext.Line(v)) }
	header("From", m.From)
	header("To", strings.Join(m.To, ", "))
	header("Subject", mime.QEncoding.Encode("utf-8", "[vendorwatch] "+redact.String(e.Text())))
	header("Date", now.Format(time.RFC1123Z))
	header("Message-ID", "<"+hex.EncodeToString(id[:])+"@vendorwatch>")
	header("X-Vendorwatch-Finding", mime.QEncoding.Encode("utf-8", DedupKey(f)))
	header("MIME-Version", "1.0")
	header("Content-Type", "text/plain; charset=utf-8")
	header("Content-Transfer-Encoding", "quoted-printable")
	h.WriteString("\r\n")
	h.Write(body.Bytes())
	return h.Bytes(), nil
}
