package api

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"net"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"

	"yqyb/internal/platform/apperr"
)

// TestDatabaseOutageIsUnavailable lists the errors a request meets while PostgreSQL is down or restarting
// (seen in internal/suites/cluster's fault test): each is a 503 the client may retry, never a 500.
func TestDatabaseOutageIsUnavailable(t *testing.T) {
	outage := map[string]error{
		"reply cut off (server killed mid-statement)": io.ErrUnexpectedEOF,
		"connection closed by the driver":             fmt.Errorf("begin: %w", pgconn.ErrConnClosed),
		"bad connection":                              driver.ErrBadConn,
		"connection refused":                          &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connection refused")},
		"administrator shutdown":                      &pgconn.PgError{Code: "57P01"},
		"crash of another server process":             &pgconn.PgError{Code: "57P02"},
		"starting up":                                 &pgconn.PgError{Code: "57P03"},
		"connection exception":                        &pgconn.PgError{Code: "08006"},
		"deadline":                                    fmt.Errorf("query: %w", context.DeadlineExceeded),
	}
	for name, err := range outage {
		if e := classify(err); e.Kind != apperr.Unavailable || statusOf[e.Kind] != 503 {
			t.Errorf("%s (%v) = %v %s, want 503", name, err, statusOf[e.Kind], e.Code)
		}
	}
	notOutage := map[string]error{
		"a bug":             errors.New("boom"),
		"unique violation":  &pgconn.PgError{Code: "23505"},
		"syntax error":      &pgconn.PgError{Code: "42601"},
		"end of a resource": io.EOF,
	}
	for name, err := range notOutage {
		if e := classify(err); e.Kind == apperr.Unavailable {
			t.Errorf("%s (%v) = 503, want it not taken for an outage", name, err)
		}
	}
}
