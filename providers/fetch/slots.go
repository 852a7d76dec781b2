package fetch

import (
	"context"
	"errors"
	"fmt"
	"net/http/httptrace"
	"sync"
	"sync/atomic"
	"time"
)

// ErrNotSent is the error of a request that never went out: the caller's
// context ended while it waited for a free slot at its host or overall.
// The vendor was not asked, so its silence says nothing about it: callers
// report such a request as not checked, never as timed out.
var ErrNotSent = errors.New("not sent: no free connection slot before the check's deadline")

// slotDeadlineKey is the context key of WithSlotDeadline.
type slotDeadlineKey struct{}

// errSlotDeadline is the cause of a slot wait that reached the check's
// slot deadline.
var errSlotDeadline = errors.New("the check's slot deadline passed")

// WithSlotDeadline returns a context under which a request waits for a
// free slot until t at the latest: one that has none by then is not sent
// (ErrNotSent). A request that got its slot in time still has its whole
// timeout. The poller passes one interval from the check's start, so
// requests a round could not send do not pile up into the next one.
func WithSlotDeadline(ctx context.Context, t time.Time) context.Context {
	return context.WithValue(ctx, slotDeadlineKey{}, t)
}

// slotContext is the context a request waits for its slots under: ctx,
// ended at its slot deadline when it has one.
func slotContext(ctx context.Context) (context.Context, context.CancelFunc) {
	t, ok := ctx.Value(slotDeadlineKey{}).(time.Time)
	if !ok {
		return ctx, func() {}
	}
	return context.WithDeadlineCause(ctx, t, errSlotDeadline)
}

// maxDialled bounds the hosts a Client remembers having dialled.
const maxDialled = 4096

// firstConnWait bounds how long a request waits for the first connection
// to its host: a host that drops packets must not make every request to it
// wait out the first one's dial timeout before trying its own.
const firstConnWait = time.Second

// hostConn is what a Client knows of its connections to one host.
type hostConn struct {
	// gate is closed once the first request to the host has a connection
	// (see firstConn); nil when the requests need not wait for it.
	gate chan struct{}
	// learnAt is when (Unix nanoseconds) a connection to the host should
	// next tell http1Memory which protocol it chose: zero at first, then
	// a day after it last told.
	learnAt atomic.Int64
}

// firstConn makes the requests to an HTTPS host that arrive together
// before it was ever dialled wait until the first of them has a
// connection. Until the TLS handshake says whether the host speaks
// HTTP/2, the transport dials one connection per waiting request; after
// it, requests to an HTTP/2 host share the one connection, and those to
// an HTTP/1.1 host dial their own. The others wait for the gate at most
// firstConnWait, or until ctx (the wait for a slot) ends: then they are
// not sent. The first request gets a function that gives its request
// context a trace that opens the gate when it has its connection, or when
// it ends.
//
// Requests that could never share a connection do not wait: those to a
// plain-HTTP host, and those to a host the Client remembers offering only
// HTTP/1.1 (http1Memory), which each open their own connection at once,
// within the host's bound. When a connection to the host is due to say
// which protocol it chose (once in a while), the function also adds a
// trace that tells the memory.
//
// Requests that carry a key (keyed) have connections of their own
// (KeyClient), and so a gate of their own.
func (f *Client) firstConn(ctx context.Context, scheme, host string, keyed bool) (func(context.Context) context.Context, error) {
	if scheme != "https" {
		return nil, nil
	}
	conns := host
	if keyed {
		conns = "key " + host
	}
	f.hostsMu.Lock()
	hc, known := f.dialled[conns]
	f.hostsMu.Unlock()
	if !known {
		fresh := &hostConn{}
		if !f.http1.only(host) {
			fresh.gate = make(chan struct{})
		}
		f.hostsMu.Lock()
		if hc, known = f.dialled[conns]; !known {
			if len(f.dialled) >= maxDialled {
				clear(f.dialled) // bounded: forgetting costs a few extra dials at most
			}
			hc = fresh
			f.dialled[conns] = hc
		}
		f.hostsMu.Unlock()
		if !known && hc.gate != nil {
			return f.openGate(ctx, host, hc), nil
		}
	}
	if hc.gate != nil {
		if err := waitGate(ctx, host, hc.gate); err != nil {
			return nil, err
		}
	}
	if !f.http1.learnDue(hc) {
		return nil, nil
	}
	return func(req context.Context) context.Context {
		return httptrace.WithClientTrace(req, f.http1.learnTrace(host, hc, nil))
	}, nil
}

// waitGate waits until gate opens, at most firstConnWait, or until ctx
// ends: then the request is not sent.
func waitGate(ctx context.Context, host string, gate chan struct{}) error {
	select {
	case <-gate:
		return nil
	default:
	}
	wait := time.NewTimer(firstConnWait)
	defer wait.Stop()
	select {
	case <-gate:
	case <-wait.C: // a host that does not answer: dial on our own, as before
	case <-ctx.Done():
		return fmt.Errorf("%w (waiting for a connection to %s: %w)", ErrNotSent, host, context.Cause(ctx))
	}
	return nil
}

// openGate is firstConn's answer to the first request to host: a function
// that gives the request's context a trace that opens hc's gate when the
// request has its connection, and learns the protocol; until the request
// has its context, the end of ctx opens the gate, and then the end of the
// request does.
func (f *Client) openGate(ctx context.Context, host string, hc *hostConn) func(context.Context) context.Context {
	var once sync.Once
	open := func() { once.Do(func() { close(hc.gate) }) }
	stop := context.AfterFunc(ctx, open)
	return func(req context.Context) context.Context {
		stop()
		context.AfterFunc(req, open) // the request ended, however it went
		return httptrace.WithClientTrace(req, f.http1.learnTrace(host, hc, open))
	}
}

// hostSlot waits for a free slot at host and returns its release.
func (f *Client) hostSlot(ctx context.Context, host string) (func(), error) {
	f.hostsMu.Lock()
	hs := f.hosts[host]
	if hs == nil {
		hs = &hostSlots{ch: make(chan struct{}, f.perHost)}
		f.hosts[host] = hs
	}
	hs.users++
	f.hostsMu.Unlock()
	leave := func() {
		f.hostsMu.Lock()
		if hs.users--; hs.users == 0 {
			delete(f.hosts, host)
		}
		f.hostsMu.Unlock()
	}
	select {
	case hs.ch <- struct{}{}:
		return func() { <-hs.ch; leave() }, nil
	case <-ctx.Done():
		leave()
		return nil, fmt.Errorf("%w (waiting for a slot at %s: %w)", ErrNotSent, host, context.Cause(ctx))
	}
}
