// Package ratelimit counts requests per key in fixed windows stored in the database, so that every
// instance behind a load balancer enforces one shared limit.
package ratelimit

import (
	"context"
	"time"

	"gorm.io/gorm"

	"yqyb/internal/platform/clock"
)

// Limiter decides whether a keyed action may happen now.
type Limiter struct {
	db  *gorm.DB
	clk clock.Clock
}

// New returns a limiter over db.
func New(db *gorm.DB, clk clock.Clock) *Limiter { return &Limiter{db: db, clk: clk} }

// Allow counts one hit for key in the current window and reports whether it is within limit; when it is
// not, it also says how long until the window ends.
func (l *Limiter) Allow(ctx context.Context, key string, limit int, window time.Duration) (bool, time.Duration, error) {
	if limit <= 0 {
		return true, 0, nil
	}
	now := l.clk.Now()
	w := int64(window / time.Second)
	start := now.Unix() / w * w
	var hits int
	err := l.db.WithContext(ctx).Raw(`INSERT INTO rate_limits (key, window_start, hits) VALUES (?, ?, 1)
		ON CONFLICT (key) DO UPDATE SET
			hits = CASE WHEN rate_limits.window_start = excluded.window_start THEN rate_limits.hits + 1 ELSE 1 END,
			window_start = excluded.window_start
		RETURNING hits`, key, start).Scan(&hits).Error
	if err != nil {
		return false, 0, err
	}
	if hits > limit {
		return false, time.Unix(start+w, 0).Sub(now), nil
	}
	return true, 0, nil
}

// Prune deletes counters of windows that ended before t; a periodic job calls it.
func (l *Limiter) Prune(ctx context.Context, t time.Time) error {
	return l.db.WithContext(ctx).Exec("DELETE FROM rate_limits WHERE window_start < ?", t.Unix()).Error
}
