package serve

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"github.com/vendorwatch/vendorwatch/internal/redact"
)

// Certificate is serve's TLS certificate, read from its files and read
// again when either file changes, so a renewed certificate (certbot,
// cert-manager) is served without a restart. A renewal that cannot be
// read is logged and the certificate in use is kept.
type Certificate struct {
	certFile, keyFile string
	log               io.Writer

	mu        sync.Mutex
	cert      *tls.Certificate
	certStamp stamp
	keyStamp  stamp
	failed    [2]stamp // the files' stamps whose reading failed, logged once
}

// stamp tells a file's versions apart.
type stamp struct {
	mod  time.Time
	size int64
}

func stampOf(path string) (stamp, error) {
	info, err := os.Stat(path)
	if err != nil {
		return stamp{}, err
	}
	return stamp{mod: info.ModTime(), size: info.Size()}, nil
}

// NewCertificate reads the certificate and its key (PEM files). log
// receives a line when a changed certificate cannot be read.
func NewCertificate(certFile, keyFile string, log io.Writer) (*Certificate, error) {
	if log == nil {
		log = io.Discard
	}
	c := &Certificate{certFile: certFile, keyFile: keyFile, log: log}
	if err := c.load(); err != nil {
		return nil, err
	}
	return c, nil
}

// load reads both files. Call it with mu held, or before c is shared.
func (c *Certificate) load() error {
	cs, err := stampOf(c.certFile)
	if err != nil {
		return fmt.Errorf("serve tls cert: %w", err)
	}
	ks, err := stampOf(c.keyFile)
	if err != nil {
		return fmt.Errorf("serve tls key: %w", err)
	}
	cert, err := tls.LoadX509KeyPair(c.certFile, c.keyFile)
	if err != nil {
		return fmt.Errorf("serve tls: %s and %s: %w", c.certFile, c.keyFile, err)
	}
	if cert.Leaf == nil {
		if cert.Leaf, err = x509.ParseCertificate(cert.Certificate[0]); err != nil {
			return fmt.Errorf("serve tls cert %s: %w", c.certFile, err)
		}
	}
	c.cert, c.certStamp, c.keyStamp = &cert, cs, ks
	return nil
}

// NotAfter is when the certificate in use expires.
func (c *Certificate) NotAfter() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.cert.Leaf.NotAfter
}

// get is tls.Config.GetCertificate: the certificate, read again first
// when a file changed. Handshakes are per connection, and scrapers keep
// theirs open, so the two stats are cheap.
func (c *Certificate) get(*tls.ClientHelloInfo) (*tls.Certificate, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	cs, cerr := stampOf(c.certFile)
	ks, kerr := stampOf(c.keyFile)
	if cerr == nil && kerr == nil && (cs != c.certStamp || ks != c.keyStamp) && [2]stamp{cs, ks} != c.failed {
		if err := c.load(); err != nil {
			// A renewal written in two steps may be caught halfway: the
			// next change of either file is tried again. Each failure is
			// logged once.
			c.failed = [2]stamp{cs, ks}
			fmt.Fprintln(c.log, redact.String("vendorwatch: warning: keeping the certificate in use: "+err.Error()))
		}
	}
	return c.cert, nil
}

// TLSConfig is the server's TLS configuration: TLS 1.2 or newer, the
// certificate from c.
func (c *Certificate) TLSConfig() *tls.Config {
	return &tls.Config{MinVersion: tls.VersionTLS12, GetCertificate: c.get}
}
