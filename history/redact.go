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
func exec(ctx context.Context, e execer, query string, args ...any) (sql.Result, error) {
	if redact.Active() {
		for i, a := range args {
			switch v := a.(type) {
			case string:
				args[i] = redact.String(v)
			case []byte:
				args[i] = redact.Bytes(v)
			}
		}
	}
	return e.ExecContext(ctx, query, args...)
}
