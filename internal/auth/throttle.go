package auth

import (
	"context"
	"fmt"
	"net/netip"
	"sync"
	"time"
)

// The failed-login budget of an account lives in login_throttle, one row per key (account.ThrottleKey, or
// the typed name when no account matches), shared by every instance through the database:
//
//   - failures counts the attempts of the current window, including those still being verified: an attempt
//     is counted before its password is checked (reserve), so the count can never be outrun by logins
//     arriving together. The window restarts LockDuration after the last attempt.
//   - locked_until is the end of the current or last lockout, lockouts how many lockouts followed one
//     another, each starting within lockoutMemory of the previous one's end (growing lockouts).
//
// The statements are single UPDATEs or INSERT … ON CONFLICT DO UPDATE whose WHERE re-checks the row, which
// both PostgreSQL (under concurrency: the row is locked and re-read) and SQLite (one writer) apply
// atomically.
//
// Attempts are ordered by their reservation, as if they had come one after another: the attempt holding the
// last slot locks the account if its password is wrong, and a right password anywhere gives the budget back
// unless that lock came first. An attempt arriving while the whole budget is being verified waits (up to
// inFlightWait) for the outcome instead of being turned away; if the budget is still held then, it is
// answered too_many_requests, since there is no lockout to report.

// lockoutMemory is how long after a lockout ends the next one still counts as a repeat.
const lockoutMemory = 24 * time.Hour

// attempt is a reservation: whether it was granted, and the failures counted with it.
type attempt struct {
	reserved bool
	failures int
	lock     lockState // when refused: the lockout, if there is one
	busy     bool      // refused without a lockout: the attempts in flight hold the whole budget
}

// lockState is a key's row as far as lockouts go.
type lockState struct {
	until    time.Time // zero: never locked
	lockouts int
	failures int
	now      time.Time
}

func (l lockState) active() bool { return l.until.After(l.now) }

// recent reports whether the last lockout ended less than lockoutMemory ago, so the next one is a repeat.
func (l lockState) recent() bool {
	return !l.until.IsZero() && l.until.After(l.now.Add(-lockoutMemory))
}

// lockDuration is how long the n-th lockout in a row lasts (n ≥ 1).
func (s *Service) lockDuration(n int) time.Duration {
	if n <= 1 || len(s.cfg.LockEscalation) == 0 {
		return s.cfg.LockDuration
	}
	return s.cfg.LockEscalation[min(n-1, len(s.cfg.LockEscalation))-1]
}

// reserve counts one attempt under key unless the key is locked or its attempts are used up.
func (s *Service) reserve(ctx context.Context, key string) (attempt, error) {
	now := s.clk.Now().UTC()
	stale := now.Add(-s.cfg.LockDuration)
	var failures []int
	if err := s.db.WithContext(ctx).Raw(`INSERT INTO login_throttle (key, failures, last_failed_at, lockouts) VALUES (?, 1, ?, 0)
		ON CONFLICT (key) DO UPDATE SET
			failures = CASE WHEN login_throttle.last_failed_at < ? THEN 1 ELSE login_throttle.failures + 1 END,
			last_failed_at = excluded.last_failed_at
		WHERE (login_throttle.locked_until IS NULL OR login_throttle.locked_until <= ?)
			AND (login_throttle.last_failed_at < ? OR login_throttle.failures < ?)
		RETURNING failures`, key, now, stale, now, stale, s.cfg.LockThreshold).Scan(&failures).Error; err != nil {
		return attempt{}, err
	}
	if len(failures) == 1 {
		return attempt{reserved: true, failures: failures[0]}, nil
	}
	st, err := s.lockOf(ctx, key)
	if err != nil {
		return attempt{}, err
	}
	return attempt{lock: st, busy: !st.active()}, nil
}

// inFlightWait bounds how long an attempt waits for the attempts in flight to be decided when they hold the
// whole budget: a shift signing in to the enterprise's shared account at once is not an attack, and each
// right password gives the budget back, while wrong ones end in the lockout the waiting attempts then meet.
// A burst of fifty logins to one account passes through the budget a few at a time, each taking a bcrypt
// verification and a commit, which on a busy two-core machine adds up to several seconds.
const inFlightWait = 10 * time.Second

// reserveWaiting is reserve, retried while the budget is held by attempts in flight, until deadline (on the
// wall clock: the verifications being waited for take real time). While it waits it only reads the row: a
// reservation that fails still locks the row and so costs a commit, and a crowd of waiters retrying it
// would keep the disk busy with commits that achieve nothing.
func (s *Service) reserveWaiting(ctx context.Context, key string, deadline time.Time) (attempt, error) {
	pause := 20 * time.Millisecond
	for {
		att, err := s.reserve(ctx, key)
		if err != nil || !att.busy {
			return att, err
		}
		for {
			if time.Now().Add(pause).After(deadline) {
				return att, nil
			}
			select {
			case <-ctx.Done():
				return attempt{}, ctx.Err()
			case <-time.After(pause):
			}
			pause = min(2*pause, 320*time.Millisecond)
			busy, err := s.stillBusy(ctx, key)
			if err != nil {
				return attempt{}, err
			}
			if !busy {
				break
			}
		}
	}
}

// stillBusy reads whether the attempts in flight still hold the whole budget of key: not locked, its
// window fresh and full. Once that changes, reserve has something to say: a slot, or the lockout.
func (s *Service) stillBusy(ctx context.Context, key string) (bool, error) {
	now := s.clk.Now().UTC()
	var n int64
	err := s.db.WithContext(ctx).Raw(`SELECT COUNT(*) FROM login_throttle WHERE key = ?
		AND (locked_until IS NULL OR locked_until <= ?) AND last_failed_at >= ? AND failures >= ?`,
		key, now, now.Add(-s.cfg.LockDuration), s.cfg.LockThreshold).Scan(&n).Error
	return n > 0, err
}

// gates queue this instance's attempts at one key in memory, at most the lockout threshold at a time, so
// that a burst at one account waits here instead of every attempt polling the shared row. The database's
// budget still decides across instances; this only keeps one instance from asking it in vain.
type gates struct {
	mu sync.Mutex
	m  map[string]*gate
}

type gate struct {
	slots chan struct{}
	users int // attempts holding or waiting for a slot; the gate goes when none is left
}

// enter waits until deadline for one of n slots of key; release gives it back. ok is false when no slot
// freed in time.
func (g *gates) enter(ctx context.Context, key string, n int, deadline time.Time) (release func(), ok bool, err error) {
	g.mu.Lock()
	if g.m == nil {
		g.m = map[string]*gate{}
	}
	gt := g.m[key]
	if gt == nil {
		gt = &gate{slots: make(chan struct{}, max(n, 1))}
		g.m[key] = gt
	}
	gt.users++
	g.mu.Unlock()
	leave := func() {
		g.mu.Lock()
		if gt.users--; gt.users == 0 {
			delete(g.m, key)
		}
		g.mu.Unlock()
	}
	timer := time.NewTimer(time.Until(deadline))
	defer timer.Stop()
	select {
	case gt.slots <- struct{}{}:
		return func() { <-gt.slots; leave() }, true, nil
	case <-timer.C:
		leave()
		return nil, false, nil
	case <-ctx.Done():
		leave()
		return nil, false, ctx.Err()
	}
}

// lockOf reads a key's lockout state.
func (s *Service) lockOf(ctx context.Context, key string) (lockState, error) {
	var rows []struct {
		LockedUntil *time.Time
		Lockouts    int
		Failures    int
	}
	if err := s.db.WithContext(ctx).Raw("SELECT locked_until, lockouts, failures FROM login_throttle WHERE key = ?", key).Scan(&rows).Error; err != nil {
		return lockState{}, err
	}
	st := lockState{now: s.clk.Now().UTC()}
	if len(rows) == 1 {
		st.lockouts, st.failures = rows[0].Lockouts, rows[0].Failures
		if rows[0].LockedUntil != nil {
			st.until = rows[0].LockedUntil.UTC()
		}
	}
	return st, nil
}

// claim gives the budget back after a right password, unless the key was locked while the password was
// being verified; it returns the lock state then.
func (s *Service) claim(ctx context.Context, key string) (lockState, error) {
	now := s.clk.Now().UTC()
	res := s.db.WithContext(ctx).Exec(`UPDATE login_throttle SET failures = 0
		WHERE key = ? AND (locked_until IS NULL OR locked_until <= ?)`, key, now)
	if res.Error != nil {
		return lockState{}, res.Error
	}
	if res.RowsAffected == 1 {
		return lockState{now: now}, nil
	}
	return s.lockOf(ctx, key)
}

// lock takes the lockout of a key whose attempts are used up, unless another attempt took it (or a right
// password gave the budget back) first. took reports whether this call locked; st is the state after.
func (s *Service) lock(ctx context.Context, key string) (st lockState, took bool, err error) {
	if st, err = s.lockOf(ctx, key); err != nil || st.active() || st.failures < s.cfg.LockThreshold {
		return st, false, err
	}
	n := 1
	if st.recent() {
		n = st.lockouts + 1
	}
	until := st.now.Add(s.lockDuration(n))
	// Written only if the row is still unlocked with its attempts used up: of several attempts finishing
	// together exactly one locks, and none after a right password claimed the budget back.
	res := s.db.WithContext(ctx).Table("login_throttle").
		Where("key = ? AND failures >= ? AND (locked_until IS NULL OR locked_until <= ?)", key, s.cfg.LockThreshold, st.now).
		Updates(map[string]any{"locked_until": until, "lockouts": n, "failures": 0})
	if res.Error != nil {
		return st, false, res.Error
	}
	if res.RowsAffected == 1 {
		st.until, st.lockouts, st.failures = until, n, 0
		return st, true, nil
	}
	st, err = s.lockOf(ctx, key)
	return st, false, err
}

// ceilMinute rounds a wait up to whole minutes, as users read it.
func ceilMinute(d time.Duration) time.Duration {
	return (d + time.Minute - 1) / time.Minute * time.Minute
}

// durationText writes a duration of whole minutes in Chinese: 15分钟, 1小时, 1小时30分钟.
func durationText(d time.Duration) string {
	h, m := int(d/time.Hour), int(d%time.Hour/time.Minute)
	switch {
	case h == 0:
		return fmt.Sprintf("%d分钟", max(m, 1))
	case m == 0:
		return fmt.Sprintf("%d小时", h)
	default:
		return fmt.Sprintf("%d小时%d分钟", h, m)
	}
}

// ClientKey is the client a login comes from, for the per-IP rate limit: an IPv4 address (an IPv4-mapped
// IPv6 address is one), or the /64 of an IPv6 address, since any one IPv6 client (a home, a cloud VM) is
// given at least a /64 and can pick addresses in it at will.
func ClientKey(ip string) string {
	a, err := netip.ParseAddr(ip)
	if err != nil {
		return ip
	}
	a = a.Unmap().WithZone("")
	if a.Is4() {
		return a.String()
	}
	p, err := a.Prefix(64)
	if err != nil {
		return a.String()
	}
	return p.String()
}

// PruneThrottle deletes the budgets that no longer matter: not locked, their last lockout out of memory and
// their failures out of the window. Typed names that match no account get rows too, so without this an
// attacker spraying names would grow the table without bound. A periodic job calls it.
func (s *Service) PruneThrottle(ctx context.Context) (int64, error) {
	now := s.clk.Now().UTC()
	res := s.db.WithContext(ctx).Exec(`DELETE FROM login_throttle
		WHERE last_failed_at < ? AND (locked_until IS NULL OR locked_until <= ?)`, now.Add(-s.cfg.LockDuration), now.Add(-lockoutMemory))
	return res.RowsAffected, res.Error
}
