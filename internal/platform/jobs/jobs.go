// Package jobs runs the scheduled work — refreshing the statistics, freezing finished half-months,
// pruning rate-limit counters — once across all instances of the service, whatever their number.
//
// Every job has a row in job_runs. On PostgreSQL an instance runs a job only while it holds the row's lease:
// it takes the lease with one short UPDATE that also checks the job's interval (last_started_at), runs the
// job outside any transaction, renews the lease every quarter of its length while the job runs, and clears
// it when the job ends. No transaction stays open during a run (nothing that waits on the oldest running
// transaction, such as vacuum, is held back by it); a crashed instance stops renewing and its lease expires; an instance
// that cannot renew (the database unreachable, or the lease taken over after expiry) cancels its job. Lease
// times are the database's clock, the interval is the service's clock (which a development server can move).
// A row lease rather than a session advisory lock also works through a transaction-mode connection pooler.
//
// SQLite is the single-instance embedded mode: there the runner only checks the interval.
package jobs

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"gorm.io/gorm"

	"yqyb/internal/platform/clock"
	"yqyb/internal/platform/database"
)

// Job is one kind of scheduled work.
type Job struct {
	Name  string
	Every time.Duration
	// Run does the work and returns a short note for job_runs (e.g. how many rows it touched). Its context
	// ends when the instance stops or loses the job's lease; a long job should watch it.
	Run func(ctx context.Context) (string, error)
}

// DefaultLease is how long a claim on a job lasts without renewal.
const DefaultLease = 2 * time.Minute

// Runner runs the due jobs.
type Runner struct {
	db       *gorm.DB
	clk      clock.Clock
	log      *slog.Logger
	instance string
	owner    string // instance and a random suffix: this runner's name on a lease
	jobs     []Job
	// Tick is how often the runner looks for due jobs.
	Tick time.Duration
	// Lease is how long a claim on a job lasts unless renewed (PostgreSQL); the runner renews it every
	// Lease/4, so it only lapses when an instance stops renewing. It bounds how long a crashed instance's
	// job waits before another instance takes it.
	Lease time.Duration
	// Observe, if set, is told of every run (for metrics).
	Observe func(job string, took time.Duration, err error)
	mu      sync.Mutex // one pass at a time within this instance
}

// New returns a runner; instance names this process in job_runs (host:pid, say).
func New(db *gorm.DB, clk clock.Clock, log *slog.Logger, instance string, jobs ...Job) *Runner {
	suffix := make([]byte, 4)
	rand.Read(suffix)
	return &Runner{db: db, clk: clk, log: log, instance: instance, owner: instance + "#" + hex.EncodeToString(suffix),
		jobs: jobs, Tick: 30 * time.Second, Lease: DefaultLease}
}

// Start runs due jobs now and then every Tick until ctx ends. The channel it returns closes once the runner
// has stopped, after a job cut short by ctx has released its lease: the caller keeps the database open
// until then.
func (r *Runner) Start(ctx context.Context) <-chan struct{} {
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		t := time.NewTicker(r.Tick)
		defer t.Stop()
		for {
			if _, err := r.RunDue(ctx); err != nil && ctx.Err() == nil {
				r.log.Error("scheduled jobs", "err", err)
			}
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
		}
	}()
	return stopped
}

// RunDue runs every job whose interval has passed and that no other instance is running; it returns the
// names of the jobs this instance ran.
func (r *Runner) RunDue(ctx context.Context) ([]string, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	var ran []string
	var errs []error
	for _, j := range r.jobs {
		if ctx.Err() != nil {
			break
		}
		did, err := r.runOne(ctx, j)
		if did {
			ran = append(ran, j.Name)
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", j.Name, err))
		}
	}
	return ran, errors.Join(errs...)
}

type jobRun struct {
	Name           string `gorm:"primaryKey"`
	LastStartedAt  *time.Time
	LastFinishedAt *time.Time
	LastOK         bool
	LastNote       string
	Runs           int64
	Instance       string
	LeaseOwner     string
	LeaseUntil     *time.Time
}

func (jobRun) TableName() string { return "job_runs" }

func (r *Runner) runOne(ctx context.Context, j Job) (bool, error) {
	if err := r.db.WithContext(ctx).Exec("INSERT INTO job_runs (name) VALUES (?) ON CONFLICT (name) DO NOTHING", j.Name).Error; err != nil {
		return false, err
	}
	if database.Dialect(r.db) == database.Postgres {
		return r.runLeased(ctx, j)
	}
	return r.runLocal(ctx, j)
}

// runLocal is the single-instance path (SQLite): the interval is the only check.
func (r *Runner) runLocal(ctx context.Context, j Job) (bool, error) {
	var jr jobRun
	res := r.db.WithContext(ctx).Raw("SELECT * FROM job_runs WHERE name = ?", j.Name).Scan(&jr)
	if res.Error != nil {
		return false, res.Error
	}
	now := r.clk.Now()
	if res.RowsAffected == 0 || (jr.LastStartedAt != nil && now.Sub(*jr.LastStartedAt) < j.Every) {
		return false, nil
	}
	note, runErr := r.run(ctx, j, now)
	err := r.db.WithContext(ctx).Model(&jobRun{}).Where("name = ?", j.Name).Updates(map[string]any{"last_started_at": now.UTC(),
		"last_finished_at": r.clk.Now().UTC(), "last_ok": runErr == nil, "last_note": note, "runs": gorm.Expr("runs + 1"), "instance": r.instance}).Error
	return true, err
}

// errLeaseLost cancels a job whose lease could not be renewed.
var errLeaseLost = errors.New("租约已失效（无法续期或已被其他实例接管），任务已取消")

// runLeased takes the job's lease if its interval has passed and nobody holds it, runs the job while
// renewing the lease, and releases it with the run's outcome.
func (r *Runner) runLeased(ctx context.Context, j Job) (bool, error) {
	now := r.clk.Now()
	// SKIP LOCKED: a runner of the previous release, which held the row locked for its whole run, is
	// passed over rather than waited for. last_started_at moves at the claim, so such a runner sees the
	// interval has not passed either.
	var claimed []struct{ Prev *time.Time }
	if err := r.db.WithContext(ctx).Raw(`UPDATE job_runs j SET lease_owner = ?, lease_until = now() + make_interval(secs => ?), last_started_at = ?
		FROM (SELECT name, last_started_at FROM job_runs WHERE name = ? AND (lease_until IS NULL OR lease_until < now())
			AND (last_started_at IS NULL OR last_started_at <= ?) FOR UPDATE SKIP LOCKED) old
		WHERE j.name = old.name RETURNING old.last_started_at AS prev`,
		r.owner, r.Lease.Seconds(), now.UTC(), j.Name, now.Add(-j.Every).UTC()).Scan(&claimed).Error; err != nil {
		return false, err
	}
	if len(claimed) == 0 {
		return false, nil // not due, or another instance runs it
	}
	jobCtx, cancel := context.WithCancelCause(ctx)
	renewed := make(chan struct{})
	go func() { defer close(renewed); r.renew(jobCtx, cancel, j.Name) }()
	note, runErr := r.run(jobCtx, j, now)
	lost := errors.Is(context.Cause(jobCtx), errLeaseLost)
	cancel(nil)
	<-renewed

	// The release must happen even when the instance is stopping.
	done, stop := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer stop()
	switch {
	case lost:
		return true, fmt.Errorf("%w: %v", errLeaseLost, runErr)
	case runErr != nil && ctx.Err() != nil:
		// Cut short by this instance stopping: the job is due again at once for the others.
		err := r.db.WithContext(done).Exec("UPDATE job_runs SET lease_owner = '', lease_until = NULL, last_started_at = ? WHERE name = ? AND lease_owner = ?",
			claimed[0].Prev, j.Name, r.owner).Error
		return true, err
	}
	res := r.db.WithContext(done).Exec(`UPDATE job_runs SET lease_owner = '', lease_until = NULL, last_finished_at = ?, last_ok = ?,
		last_note = ?, runs = runs + 1, instance = ? WHERE name = ? AND lease_owner = ?`,
		r.clk.Now().UTC(), runErr == nil, note, r.instance, j.Name, r.owner)
	if res.Error != nil {
		return true, res.Error
	}
	if res.RowsAffected == 0 {
		return true, fmt.Errorf("%w：本次运行结果未记录", errLeaseLost)
	}
	return true, nil
}

// renew moves the lease forward every quarter of its length until ctx ends. When the lease is gone (taken
// over after it expired) or cannot be renewed before it would lapse, it cancels the job.
func (r *Runner) renew(ctx context.Context, lose context.CancelCauseFunc, name string) {
	every := r.Lease / 4
	t := time.NewTicker(every)
	defer t.Stop()
	valid := time.Now().Add(r.Lease) // a lower bound of the lease's end, on this machine's monotonic clock
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		sent := time.Now()
		res := r.db.WithContext(ctx).Exec("UPDATE job_runs SET lease_until = now() + make_interval(secs => ?) WHERE name = ? AND lease_owner = ?",
			r.Lease.Seconds(), name, r.owner)
		switch {
		case ctx.Err() != nil:
			return
		case res.Error == nil && res.RowsAffected == 1:
			valid = sent.Add(r.Lease)
		case res.Error == nil:
			r.log.Error("job lease taken over; cancelling the job", "job", name)
			lose(errLeaseLost)
			return
		default:
			r.log.Warn("renewing a job lease", "job", name, "err", res.Error)
			if time.Now().Add(every).After(valid) {
				r.log.Error("job lease about to lapse; cancelling the job", "job", name)
				lose(errLeaseLost)
				return
			}
		}
	}
}

// run runs the job and logs and observes the outcome; the note it returns is what job_runs records.
func (r *Runner) run(ctx context.Context, j Job, started time.Time) (string, error) {
	note, runErr := j.Run(ctx)
	took := r.clk.Now().Sub(started)
	if r.Observe != nil {
		r.Observe(j.Name, took, runErr)
	}
	switch {
	case runErr != nil && ctx.Err() != nil:
		note = runErr.Error()
		r.log.Warn("job interrupted", "job", j.Name, "cause", context.Cause(ctx), "took", took)
	case runErr != nil:
		note = runErr.Error()
		r.log.Error("job failed", "job", j.Name, "err", runErr, "took", took)
	default:
		r.log.Info("job ran", "job", j.Name, "note", note, "took", took)
	}
	// A failed run is recorded as well, and waits for its interval like a successful one, so a job that
	// fails does not retry in a tight loop.
	if len(note) > 500 {
		// Cut on a character boundary: PostgreSQL refuses a broken UTF-8 sequence.
		note = strings.ToValidUTF8(note[:500], "")
	}
	return note, runErr
}

// Status is a job's last run, for operators.
type Status struct {
	Name           string     `json:"name"`
	LastStartedAt  *time.Time `json:"last_started_at" format:"date-time" extensions:"x-nullable"`
	LastFinishedAt *time.Time `json:"last_finished_at" format:"date-time" extensions:"x-nullable"`
	LastOK         bool       `json:"last_ok"`
	LastNote       string     `json:"last_note"`
	Runs           int64      `json:"runs"`
	Instance       string     `json:"instance"`
	// LeaseOwner and LeaseUntil name the instance running the job now, if any, and how long its lease lasts.
	LeaseOwner string     `json:"lease_owner"`
	LeaseUntil *time.Time `json:"lease_until" format:"date-time" extensions:"x-nullable"`
} // @name JobStatus

// Statuses lists every job's last run.
func Statuses(ctx context.Context, db *gorm.DB) ([]Status, error) {
	var rows []jobRun
	if err := db.WithContext(ctx).Order("name").Find(&rows).Error; err != nil {
		return nil, err
	}
	out := make([]Status, len(rows))
	for i, r := range rows {
		out[i] = Status(r)
	}
	return out, nil
}
