package auth

import (
	"context"
	"time"

	"yqyb/internal/session"
)

// endedSessionsKept is how long a session that ended stays in auth_sessions (the audit log keeps every
// login and logout for good).
const endedSessionsKept = 30 * 24 * time.Hour

// PruneSessions deletes the sessions that ended more than 30 days ago, with their refresh tokens, and the
// used refresh tokens past their expiry; the sessions.prune job calls it.
func (s *Service) PruneSessions(ctx context.Context) (int64, error) {
	return session.Prune(ctx, s.db, s.clk.Now(), endedSessionsKept)
}

// PruneRateLimits deletes the rate-limit counters (the login attempts per client IP) of windows that
// ended over an hour ago; the ratelimit.prune job calls it.
func (s *Service) PruneRateLimits(ctx context.Context) error {
	return s.limiter.Prune(ctx, s.clk.Now().Add(-time.Hour))
}
