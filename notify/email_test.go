package notify

import (
	"context"
	"crypto/tls"
	"errors"
	"io"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/http"
	"net/http/httptest"
	"net/mail"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// fakeMail is an SMTP submission server (go-smtp) that offers STARTTLS
// with httptest's certificate, takes PLAIN logins only over TLS, and
// keeps the messages it accepts.
type fakeMail struct {
	mu     sync.Mutex
	msgs   []string
	from   []string
	rcpts  []string
	logins []string
	tlsOK  []bool
}

type fakeSession struct {
	f    *fakeMail
	conn *smtp.Conn
}

func (s *fakeSession) AuthMechanisms() []string { return []string{sasl.Plain} }
func (s *fakeSession) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, user, pass string) error {
		if user != "vw" || pass != "p4ssw0rd-s3cret" {
			return errors.New("invalid credentials")
		}
		s.f.mu.Lock()
		s.f.logins = append(s.f.logins, user)
		s.f.mu.Unlock()
		return nil
	}), nil
}
func (s *fakeSession) Mail(from string, _ *smtp.MailOptions) error {
	s.f.mu.Lock()
	defer s.f.mu.Unlock()
	s.f.from = append(s.f.from, from)
	_, isTLS := s.conn.TLSConnectionState()
	s.f.tlsOK = append(s.f.tlsOK, isTLS)
	return nil
}
func (s *fakeSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.f.mu.Lock()
	defer s.f.mu.Unlock()
	s.f.rcpts = append(s.f.rcpts, to)
	return nil
}
func (s *fakeSession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	s.f.mu.Lock()
	defer s.f.mu.Unlock()
	s.f.msgs = append(s.f.msgs, string(b))
	return err
}
func (s *fakeSession) Reset()        {}
func (s *fakeSession) Logout() error { return nil }

// startFakeMail serves SMTP on loopback; withTLS false offers no
// STARTTLS. It returns the address and the client TLS config that trusts
// its certificate.
func startFakeMail(t *testing.T, withTLS bool) (*fakeMail, string, *tls.Config) {
	f := &fakeMail{}
	cert := httptest.NewUnstartedServer(http.NotFoundHandler())
	cert.StartTLS()
	cert.Close()
	srv := smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) { return &fakeSession{f: f, conn: c}, nil }))
	srv.Domain = "mail.test"
	srv.ReadTimeout, srv.WriteTimeout = 10*time.Second, 10*time.Second
	if withTLS {
		srv.TLSConfig = &tls.Config{Certificates: cert.TLS.Certificates}
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(l)
	t.Cleanup(func() { srv.Close() })
	client := cert.Client().Transport.(*http.Transport).TLSClientConfig.Clone()
	client.ServerName = "127.0.0.1"
	return f, l.Addr().String(), client
}

// An event is mailed after STARTTLS and a PLAIN login: one message to
// every recipient, the event line as subject, the evidence in the body,
// and no key.
func TestEmailOverSTARTTLS(t *testing.T) {
	f, addr, tlsCfg := startFakeMail(t, true)
	m := &Email{Addr: addr, From: "vendorwatch@example.com", To: []string{"oncall@example.com", "voice@example.com"},
		Username: "vw", Password: "p4ssw0rd-s3cret", TLS: tlsCfg}
	if err := m.Send(context.Background(), leakyRevoked()); err != nil {
		t.Fatal(err)
	}
	if len(f.msgs) != 1 || len(f.logins) != 1 || !f.tlsOK[0] || f.from[0] != "vendorwatch@example.com" || strings.Join(f.rcpts, ",") != "oncall@example.com,voice@example.com" {
		t.Fatalf("server saw msgs %d logins %v tls %v from %v rcpts %v", len(f.msgs), f.logins, f.tlsOK, f.from, f.rcpts)
	}
	msg, err := mail.ReadMessage(strings.NewReader(f.msgs[0]))
	if err != nil {
		t.Fatalf("not a mail message: %v\n%s", err, f.msgs[0])
	}
	subject, err := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
	if err != nil || subject != "[vendorwatch] Critical opened: OpenAI key prod revoked" {
		t.Errorf("subject %q (%v)", subject, err)
	}
	if msg.Header.Get("Content-Type") != "text/plain; charset=utf-8" || msg.Header.Get("Message-Id") == "" {
		t.Errorf("headers %v", msg.Header)
	}
	body, _ := io.ReadAll(quotedprintable.NewReader(msg.Body))
	for _, want := range []string{"sk-proj-…MxYA", "→ Look in your mail", "Vendors: openai", "Finding: key_revoked:openai:prod"} {
		if !strings.Contains(string(body), want) {
			t.Errorf("body lacks %q:\n%s", want, body)
		}
	}
	noNotifyKey(t, "a mail", f.msgs[0])
	noNotifyKey(t, "a mail body", string(body))
}

// A server without STARTTLS gets no mail and no password.
func TestEmailRefusesAServerWithoutSTARTTLS(t *testing.T) {
	f, addr, _ := startFakeMail(t, false)
	err := (&Email{Addr: addr, From: "a@example.com", To: []string{"b@example.com"}, Username: "vw", Password: "p4ssw0rd-s3cret"}).Send(context.Background(), openedEvent())
	if err == nil || !strings.Contains(err.Error(), "does not offer STARTTLS") {
		t.Fatalf("err = %v", err)
	}
	if len(f.msgs) != 0 || len(f.logins) != 0 || len(f.from) != 0 {
		t.Fatalf("the server got something: %+v", f)
	}
}

// A refused login is an error that does not show the password.
func TestEmailLoginErrorHidesThePassword(t *testing.T) {
	_, addr, tlsCfg := startFakeMail(t, true)
	err := (&Email{Addr: addr, From: "a@example.com", To: []string{"b@example.com"}, Username: "vw", Password: "wr0ng-p4ss", TLS: tlsCfg}).Send(context.Background(), openedEvent())
	if err == nil || !strings.Contains(err.Error(), "SMTP logging in") || strings.Contains(err.Error(), "wr0ng-p4ss") {
		t.Fatalf("err = %v", err)
	}
}

// A finding's text cannot add a mail header.
func TestEmailHeaderInjection(t *testing.T) {
	e := openedEvent()
	e.Finding.Title = "OpenAI key prod revoked\r\nBcc: attacker@example.com"
	msg, err := (&Email{From: "a@example.com", To: []string{"b@example.com"}}).message(e, at("10:57"))
	if err != nil {
		t.Fatal(err)
	}
	m, err := mail.ReadMessage(strings.NewReader(string(msg)))
	if err != nil || m.Header.Get("Bcc") != "" {
		t.Fatalf("headers %v (%v)", m.Header, err)
	}
}
