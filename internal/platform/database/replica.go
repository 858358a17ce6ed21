package database

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"time"

	"gorm.io/gorm"
)

// Why a read went to the primary although a replica is configured.
const (
	FallbackDown       = "down"        // the replica did not answer (stopped, unreachable, timed out)
	FallbackLagging    = "lagging"     // its replay is further behind the primary than the limit
	FallbackNotStandby = "not_standby" // it answers but is not in recovery (promoted, or not a standby at all)
	FallbackError      = "error"       // a read on the replica failed (it went down mid-request) and was retried on the primary
)

// FallbackReasons lists every reason, for metrics that export each one.
var FallbackReasons = []string{FallbackDown, FallbackLagging, FallbackNotStandby, FallbackError}

// replicaCheckTimeout bounds one health check, so a standby that hangs (a half-open connection, a stuck
// server) costs a request at most this long before it falls back.
const replicaCheckTimeout = time.Second

// ReplicaGuard chooses, for each read that may be served by a streaming standby, whether the standby
// serves it: only while it answers, is in recovery, and has replayed the primary's WAL to within MaxLag.
// Otherwise the read goes to the primary; the change of state is logged once and each such read counted.
//
// Lag is measured by WAL position, not by `now() - pg_last_xact_replay_timestamp()`: that grows without
// bound on an idle primary although the standby is fully caught up. Each check reads the primary's
// pg_current_wal_lsn() and keeps it with the time it was read; the standby's data is complete up to the
// newest such sample whose position it has replayed (and at least up to its last replayed commit). On an
// idle primary the position does not move, so the standby is current as of the check; under load its
// freshness is known to within the check interval.
//
// The result is cached for TTL, so a dashboard request costs no health query of its own.
type ReplicaGuard struct {
	primary, standby *gorm.DB
	maxLag, ttl      time.Duration
	log              *slog.Logger
	now              func() time.Time

	mu        sync.Mutex
	checked   time.Time // when the last check ran (zero: never)
	state     string    // "" while the standby serves, else a Fallback* reason
	asOf      time.Time // the standby's data includes everything committed before this instant
	samples   []walSample
	fallbacks map[string]uint64
}

type walSample struct {
	at  time.Time
	lsn uint64
}

// NewReplicaGuard guards standby for reads that would otherwise go to primary. maxLag 0 means 30 s; ttl 0
// means one second.
func NewReplicaGuard(primary, standby *gorm.DB, maxLag, ttl time.Duration, log *slog.Logger) *ReplicaGuard {
	if maxLag <= 0 {
		maxLag = 30 * time.Second
	}
	if ttl <= 0 {
		ttl = time.Second
	}
	if log == nil {
		log = slog.Default()
	}
	return &ReplicaGuard{primary: primary, standby: standby, maxLag: maxLag, ttl: ttl, log: log, now: time.Now,
		fallbacks: map[string]uint64{}}
}

// Read is the database one read uses and how fresh its data is.
type Read struct {
	DB *gorm.DB
	// Replica is true when DB is the standby.
	Replica bool
	// AsOf: the data includes every change committed before this instant (the moment of reading on the
	// primary).
	AsOf time.Time
}

// Read returns the standby while it is healthy, else the primary. A nil guard reads the primary.
func (g *ReplicaGuard) Read(ctx context.Context) Read {
	if g == nil {
		return Read{AsOf: time.Now()}
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	now := g.now()
	if g.checked.IsZero() || now.Sub(g.checked) >= g.ttl {
		g.check(ctx)
		now = g.now()
	}
	if g.state == "" {
		return Read{DB: g.standby, Replica: true, AsOf: g.asOf}
	}
	g.fallbacks[g.state]++
	return Read{DB: g.primary, AsOf: now}
}

// Failed records that a read the guard sent to the standby failed, and that the caller retries it on the
// primary it returns: the read is counted, and the next Read checks the standby again instead of trusting
// the cached verdict.
func (g *ReplicaGuard) Failed() *gorm.DB {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.fallbacks[FallbackError]++
	g.checked = time.Time{}
	return g.primary
}

// ReplicaStatus is the guard's last verdict, for metrics.
type ReplicaStatus struct {
	InUse bool
	// Lag is how far the standby's data was behind at the last check; -1 when unknown (down).
	Lag       time.Duration
	Fallbacks map[string]uint64
}

// Status reports the last check without running one.
func (g *ReplicaGuard) Status() ReplicaStatus {
	g.mu.Lock()
	defer g.mu.Unlock()
	st := ReplicaStatus{InUse: g.state == "" && !g.checked.IsZero(), Lag: -1, Fallbacks: map[string]uint64{}}
	for k, v := range g.fallbacks {
		st.Fallbacks[k] = v
	}
	if !g.asOf.IsZero() && g.state != FallbackDown && g.state != FallbackNotStandby {
		st.Lag = max(g.checked.Sub(g.asOf), 0)
	}
	return st
}

// check runs one health check with g.mu held and sets state and asOf.
func (g *ReplicaGuard) check(ctx context.Context) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), replicaCheckTimeout)
	defer cancel()
	g.checked = g.now()
	state, detail := g.measure(ctx)
	if state != g.state {
		switch state {
		case "":
			g.log.Info("read-only replica in use again: dashboards and reports read the standby",
				"lag", g.checked.Sub(g.asOf).Round(time.Millisecond).String(), "after", g.state)
		default:
			g.log.Warn("read-only replica not used: dashboards and reports read the primary until it recovers",
				"reason", state, "detail", detail, "max_lag", g.maxLag.String())
		}
		g.state = state
	}
}

// measure samples the primary's WAL position and asks the standby how far it has replayed.
func (g *ReplicaGuard) measure(ctx context.Context) (state, detail string) {
	at := g.now()
	var primaryLSN string
	if err := g.primary.WithContext(ctx).Raw("SELECT pg_current_wal_lsn()::text").Scan(&primaryLSN).Error; err != nil {
		// Without the primary nothing can be judged, and its own reads fail anyway: keep the verdict.
		return g.state, "primary: " + err.Error()
	}
	p, err := parseLSN(primaryLSN)
	if err != nil {
		return g.state, err.Error()
	}
	var sb struct {
		InRecovery bool
		ReplayLSN  *string
		ReplayedAt *time.Time
	}
	if err := g.standby.WithContext(ctx).Raw(`SELECT pg_is_in_recovery() AS in_recovery,
		pg_last_wal_replay_lsn()::text AS replay_lsn, pg_last_xact_replay_timestamp() AS replayed_at`).Scan(&sb).Error; err != nil {
		return FallbackDown, err.Error()
	}
	if !sb.InRecovery {
		return FallbackNotStandby, "pg_is_in_recovery() is false"
	}
	g.samples = append(g.samples, walSample{at: at, lsn: p})
	var replay uint64
	if sb.ReplayLSN != nil {
		if replay, err = parseLSN(*sb.ReplayLSN); err != nil {
			return FallbackDown, err.Error()
		}
	}
	var asOf time.Time
	keep := 0 // the newest sample the standby has replayed stays, as do all after it
	for i, s := range g.samples {
		if s.lsn <= replay {
			asOf, keep = s.at, i
		}
	}
	if sb.ReplayedAt != nil && sb.ReplayedAt.After(asOf) {
		asOf = *sb.ReplayedAt
	}
	if asOf.After(at) { // the primary's clock, through the replay timestamp, may run ahead of ours
		asOf = at
	}
	// Samples older than the limit can no longer make the standby fresh enough; drop them, and bound the
	// history whatever the limit.
	horizon := at.Add(-g.maxLag - g.ttl)
	for keep < len(g.samples)-1 && g.samples[keep].at.Before(horizon) {
		keep++
	}
	g.samples = append(g.samples[:0], g.samples[keep:]...)
	if n := len(g.samples); n > 1024 {
		g.samples = append(g.samples[:0], g.samples[n-1024:]...)
	}
	g.asOf = asOf
	if asOf.IsZero() || at.Sub(asOf) > g.maxLag {
		return FallbackLagging, fmt.Sprintf("replayed %X of %X; data as of %s", replay, p, asOf.Format(time.RFC3339))
	}
	return "", ""
}

// parseLSN reads PostgreSQL's text form of a WAL position, two hexadecimal halves "16/B374D848".
func parseLSN(s string) (uint64, error) {
	hi, lo, ok := strings.Cut(strings.TrimSpace(s), "/")
	h, err1 := strconv.ParseUint(hi, 16, 32)
	l, err2 := strconv.ParseUint(lo, 16, 32)
	if !ok || err1 != nil || err2 != nil {
		return 0, fmt.Errorf("WAL position %q: not of the form X/Y", s)
	}
	return h<<32 | l, nil
}
