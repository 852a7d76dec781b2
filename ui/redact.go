package ui

import (
	"context"

	"github.com/vendorwatch/vendorwatch/internal/redact"
)

// redacted wraps a backend so that everything the dashboard gets from it
// (reports, the banner, timeline entries, the incident report it copies
// to the clipboard, errors) has passed the redactor first: the dashboard
// draws and copies only redacted text, whatever the backend holds.
func redacted(b Backend) Backend {
	if r, ok := b.(redactedBackend); ok {
		return r
	}
	return redactedBackend{b: b}
}

type redactedBackend struct{ b Backend }

func (r redactedBackend) Run(ctx context.Context, send func(Update)) {
	r.b.Run(ctx, func(u Update) { send(redact.Value(u)) })
}

func (r redactedBackend) CheckNow() { r.b.CheckNow() }

func (r redactedBackend) Timeline(ctx context.Context, vendor string, limit int) ([]TimelineEntry, error) {
	es, err := r.b.Timeline(ctx, vendor, limit)
	return redact.Value(es), redactErr(err)
}

func (r redactedBackend) IncidentReport(ctx context.Context) (string, error) {
	s, err := r.b.IncidentReport(ctx)
	return redact.String(s), redactErr(err)
}

// redactErr is err with its message redacted; errors.Is still sees the
// original through it.
func redactErr(err error) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	if r := redact.String(msg); r != msg {
		return redactedError{msg: r, err: err}
	}
	return err
}

type redactedError struct {
	msg string
	err error
}

func (e redactedError) Error() string { return e.msg }
func (e redactedError) Unwrap() error { return e.err }
