package history

import (
	"context"
	"database/sql"

	"github.com/vendorwatch/vendorwatch/internal/redact"
)

// execer is what the store writes through: the database or a transaction.
type execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// exec runs a statement with its text arguments redacted, so that no
// registered secret reaches the database file or its write-ahead log
// (issue 16): the reports, events, findings, inventories and outbox
// payloads all go through here. Every write of the package uses it; a
// test keeps it so.
//
// A state row (packable) is redacted as JSON, then packed (statecodec.go):
// compressed, it would hide a key from the redactor.
func exec(ctx context.Context, e execer, query string, args ...any) (sql.Result, error) {
	active := redact.Active()
	for i, a := range args {
		switch v := a.(type) {
		case string:
			if active {
				args[i] = redact.String(v)
			}
		case []byte:
			if active {
				args[i] = redact.Bytes(v)
			}
		case packable:
			if active {
				v = redact.Bytes(v)
			}
			args[i] = packState(v)
		}
	}
	return e.ExecContext(ctx, query, args...)
}
