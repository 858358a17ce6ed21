package auth

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
)

// Listener keeps a PostgreSQL connection of its own LISTENing on NotifyChannel and hands every payload to
// the cache. The cache is live only while that connection is: when it is lost the cache is emptied and
// bypassed (every request reads the database) until LISTEN succeeds again on a new connection.
//
// The connection must be a direct one (a session of its own): a pooler in transaction mode, such as
// PgBouncer's pool_mode=transaction, cannot hold a LISTEN.
type Listener struct {
	URL   string
	Cache *Cache
	Log   *slog.Logger
	// Retry is the wait between attempts to connect again (default 1 s).
	Retry time.Duration
	// Check is how often a quiet connection is pinged to find out that it died (default 10 s).
	Check time.Duration
	// OnState, if set, is told each time the cache becomes live or not (metrics, tests).
	OnState func(live bool)
}

// Run listens until ctx ends.
func (l *Listener) Run(ctx context.Context) {
	retry, check := l.Retry, l.Check
	if retry <= 0 {
		retry = time.Second
	}
	if check <= 0 {
		check = 10 * time.Second
	}
	log := l.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	for wasLive := true; ctx.Err() == nil; {
		live, err := l.session(ctx, check, log)
		l.setLive(false)
		if ctx.Err() != nil {
			return
		}
		// Said once per outage (and at a start that cannot listen); the attempts in between at debug level.
		if live || wasLive {
			log.Warn("session cache bypassed: the notification connection was lost or could not be made; every request reads its session from the database until it is back",
				"err", err, "retry", retry)
		} else {
			log.Debug("session cache: listening again failed", "err", err)
		}
		wasLive = false
		select {
		case <-ctx.Done():
			return
		case <-time.After(retry):
		}
	}
}

func (l *Listener) setLive(live bool) {
	l.Cache.SetLive(live)
	if l.OnState != nil {
		l.OnState(live)
	}
}

// session connects, LISTENs, makes the cache live and applies notifications until the connection fails;
// it reports whether the cache was live.
func (l *Listener) session(ctx context.Context, check time.Duration, log *slog.Logger) (bool, error) {
	cctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	conn, err := pgx.Connect(cctx, l.URL)
	cancel()
	if err != nil {
		return false, err
	}
	defer func() {
		closeCtx, cancel := context.WithTimeout(context.Background(), time.Second)
		conn.Close(closeCtx)
		cancel()
	}()
	if _, err := conn.Exec(ctx, "LISTEN "+NotifyChannel); err != nil {
		return false, err
	}
	// From here every committed change is delivered on this connection; SetLive empties what was cached
	// before, when changes were not.
	l.setLive(true)
	log.Info("session cache live: listening for revocations", "channel", NotifyChannel, "pid", conn.PgConn().PID())
	for {
		wctx, cancel := context.WithTimeout(ctx, check)
		n, err := conn.WaitForNotification(wctx)
		cancel()
		switch {
		case err == nil:
			l.Cache.Invalidate(n.Payload)
		case ctx.Err() != nil:
			return true, ctx.Err()
		case errors.Is(err, context.DeadlineExceeded):
			// Quiet: make sure the connection is still there.
			pctx, cancel := context.WithTimeout(ctx, check)
			err = conn.Ping(pctx)
			cancel()
			if err != nil {
				return true, err
			}
		default:
			return true, err
		}
	}
}
