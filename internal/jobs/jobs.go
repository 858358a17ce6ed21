// Package jobs runs the scheduled work — refreshing the statistics, freezing finished half-months,
// pruning rate-limit counters — once across all instances of the service, whatever their number.
//
// Every job has a row in job_runs. On PostgreSQL an instance runs a job only while it holds that row's
// lock (SELECT … FOR UPDATE SKIP LOCKED in a transaction kept open for the run), so two instances never
// run the same job at once, and the row's last_started_at keeps them from running it more often than its
// interval. SQLite is the single-instance embedded mode: there the runner only checks the interval.
package jobs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
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
	// Run does the work and returns a short note for job_runs (e.g. how many rows it touched).
	Run func(ctx context.Context) (string, error)
}

// Runner runs the due jobs.
type Runner struct {
	db       *gorm.DB
	clk      clock.Clock
	log      *slog.Logger
	instance string
	jobs     []Job
	// Tick is how often the runner looks for due jobs.
	Tick time.Duration
	// Observe, if set, is told of every run (for metrics).
	Observe func(job string, took time.Duration, err error)
	mu      sync.Mutex // one pass at a time within this instance
}

// New returns a runner; instance names this process in job_runs (host:pid, say).
func New(db *gorm.DB, clk clock.Clock, log *slog.Logger, instance string, jobs ...Job) *Runner {
	return &Runner{db: db, clk: clk, log: log, instance: instance, jobs: jobs, Tick: 30 * time.Second}
}

// Start runs due jobs now and then every Tick until ctx ends.
func (r *Runner) Start(ctx context.Context) {
	go func() {
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
}

// RunDue runs every job whose interval has passed and that no other instance is running; it returns the
// names of the jobs this instance ran.
func (r *Runner) RunDue(ctx context.Context) ([]string, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	var ran []string
	var errs []error
	for _, j := range r.jobs {
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
}

func (jobRun) TableName() string { return "job_runs" }

func (r *Runner) runOne(ctx context.Context, j Job) (bool, error) {
	if err := r.db.WithContext(ctx).Exec("INSERT INTO job_runs (name) VALUES (?) ON CONFLICT (name) DO NOTHING", j.Name).Error; err != nil {
		return false, err
	}
	pg := database.Dialect(r.db) == database.Postgres
	if !pg {
		return r.claimAndRun(ctx, r.db.WithContext(ctx), j, "")
	}
	ran := false
	err := r.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var err error
		ran, err = r.claimAndRun(ctx, tx, j, " FOR UPDATE SKIP LOCKED")
		return err
	})
	return ran, err
}

// claimAndRun reads the job's row (locked, on PostgreSQL), and runs the job if its interval has passed.
func (r *Runner) claimAndRun(ctx context.Context, tx *gorm.DB, j Job, lock string) (bool, error) {
	var jr jobRun
	res := tx.Raw("SELECT * FROM job_runs WHERE name = ?"+lock, j.Name).Scan(&jr)
	if res.Error != nil {
		return false, res.Error
	}
	if res.RowsAffected == 0 {
		return false, nil // another instance holds it
	}
	now := r.clk.Now()
	if jr.LastStartedAt != nil && now.Sub(*jr.LastStartedAt) < j.Every {
		return false, nil
	}
	started := now.UTC()
	note, runErr := j.Run(ctx)
	took := r.clk.Now().Sub(now)
	if r.Observe != nil {
		r.Observe(j.Name, took, runErr)
	}
	finished := r.clk.Now().UTC()
	if runErr != nil {
		note = runErr.Error()
		r.log.Error("job failed", "job", j.Name, "err", runErr, "took", took)
	} else {
		r.log.Info("job ran", "job", j.Name, "note", note, "took", took)
	}
	if len(note) > 500 {
		note = note[:500]
	}
	// A failed run is recorded as well, and waits for its interval like a successful one, so a job that
	// fails does not retry in a tight loop.
	err := tx.Model(&jobRun{}).Where("name = ?", j.Name).Updates(map[string]any{"last_started_at": started, "last_finished_at": finished,
		"last_ok": runErr == nil, "last_note": note, "runs": gorm.Expr("runs + 1"), "instance": r.instance}).Error
	return true, err
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
