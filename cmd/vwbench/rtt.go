package main

import (
	"net"
	"os"
	"sync"
	"time"
)

// Round-trip emulation below TLS.
//
// A fake host's listener hands out connections that hold every byte for
// half a round trip in each direction, the way a path of that length does
// (netem's delay, or toxiproxy's latency toxic, without jitter or a
// bandwidth limit): a byte the client sent becomes readable by the server
// RTT/2 after it arrived on loopback, and a byte the server wrote reaches
// the socket RTT/2 after the write. Each byte is stamped on its own, so a
// flight split over several reads or writes still costs one half trip, and
// a TLS handshake pays its real round trips because the handshake runs
// above this connection.
//
// The TCP handshake happens in the kernel before the server sees the
// connection, so it cannot be delayed there. It is charged instead to the
// first bytes the client sends: on a real path they reach the server 1.5
// round trips after the client's connect began (SYN out, SYN-ACK back,
// then the data's half trip), so no byte is readable before the accept
// time plus 1.5 RTT. The client's connect returns at once, but everything
// it then waits for arrives when it would have: a fresh HTTPS request
// answers after TCP + TLS 1.3 + the request, three round trips.

// rttListener wraps accepted connections in rttConn.
type rttListener struct {
	net.Listener
	rtt time.Duration
}

func (l rttListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil || l.rtt <= 0 {
		return c, err
	}
	return newRTTConn(c, l.rtt, time.Now()), nil
}

// chunk is bytes that become due at a time.
type chunk struct {
	data []byte
	at   time.Time
}

// rttConn delays both directions of a server-side connection by half a
// round trip. Reads honour deadlines (net/http's server relies on them to
// abort a background read); writes never block the writer, as a socket
// buffer would not, and are flushed in order before a Close takes effect.
type rttConn struct {
	net.Conn
	half  time.Duration
	first time.Time // no byte from the client is readable before this

	in   chan chunk // filled by readLoop, closed at the raw conn's end
	rerr error      // why readLoop stopped; read after in is closed
	cur  *chunk     // a chunk taken from in but not yet due
	buf  []byte     // due bytes not yet returned

	mu       sync.Mutex
	deadline time.Time
	wake     chan struct{} // closed when the read deadline changes
	closed   bool

	out     chan chunk // drained by writeLoop
	outOnce sync.Once
}

func newRTTConn(c net.Conn, rtt time.Duration, accepted time.Time) *rttConn {
	rc := &rttConn{
		Conn:  c,
		half:  rtt / 2,
		first: accepted.Add(rtt + rtt/2),
		in:    make(chan chunk, 256),
		wake:  make(chan struct{}),
		out:   make(chan chunk, 1024),
	}
	go rc.readLoop()
	go rc.writeLoop()
	return rc
}

// readLoop stamps what arrives with the time it becomes due.
func (c *rttConn) readLoop() {
	defer close(c.in)
	for {
		b := make([]byte, 32<<10)
		n, err := c.Conn.Read(b)
		if n > 0 {
			at := time.Now().Add(c.half)
			if at.Before(c.first) {
				at = c.first
			}
			c.in <- chunk{data: b[:n], at: at}
		}
		if err != nil {
			c.rerr = err
			return
		}
	}
}

// writeLoop sends each write once it is due, then closes the raw conn
// when Close was called and everything before it is sent.
func (c *rttConn) writeLoop() {
	defer c.Conn.Close()
	for ch := range c.out {
		if d := time.Until(ch.at); d > 0 {
			time.Sleep(d)
		}
		if _, err := c.Conn.Write(ch.data); err != nil {
			for range c.out {
			}
			return
		}
	}
}

// Read returns bytes that are due, waiting for them or for the deadline.
func (c *rttConn) Read(p []byte) (int, error) {
	for {
		if len(c.buf) > 0 {
			n := copy(p, c.buf)
			c.buf = c.buf[n:]
			return n, nil
		}
		c.mu.Lock()
		deadline, wake, closed := c.deadline, c.wake, c.closed
		c.mu.Unlock()
		if closed {
			return 0, net.ErrClosed
		}
		var expire <-chan time.Time
		if !deadline.IsZero() {
			d := time.Until(deadline)
			if d <= 0 {
				return 0, os.ErrDeadlineExceeded
			}
			t := time.NewTimer(d)
			defer t.Stop()
			expire = t.C
		}
		if c.cur == nil {
			select {
			case ch, ok := <-c.in:
				if !ok {
					return 0, c.rerr
				}
				c.cur = &ch
			case <-wake:
			case <-expire:
				return 0, os.ErrDeadlineExceeded
			}
			continue
		}
		if d := time.Until(c.cur.at); d > 0 {
			due := time.NewTimer(d)
			select {
			case <-due.C:
			case <-wake:
				due.Stop()
				continue
			case <-expire:
				due.Stop()
				return 0, os.ErrDeadlineExceeded
			}
		}
		c.buf, c.cur = c.cur.data, nil
	}
}

// Write queues a copy of p to go out half a round trip from now.
func (c *rttConn) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return 0, net.ErrClosed
	}
	c.out <- chunk{data: append([]byte(nil), p...), at: time.Now().Add(c.half)}
	return len(p), nil
}

// Close lets queued writes go out, then closes the connection.
func (c *rttConn) Close() error {
	c.mu.Lock()
	if !c.closed {
		c.closed = true
		close(c.wake)
		c.wake = make(chan struct{})
		close(c.out)
	}
	c.mu.Unlock()
	return nil
}

func (c *rttConn) SetDeadline(t time.Time) error {
	c.SetReadDeadline(t)
	return nil
}

// SetReadDeadline wakes a waiting Read so it sees the new deadline.
func (c *rttConn) SetReadDeadline(t time.Time) error {
	c.mu.Lock()
	c.deadline = t
	close(c.wake)
	c.wake = make(chan struct{})
	c.mu.Unlock()
	return nil
}

// SetWriteDeadline is accepted and ignored: writes never block.
func (c *rttConn) SetWriteDeadline(time.Time) error { return nil }
