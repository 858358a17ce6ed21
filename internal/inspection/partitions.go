package inspection

import (
	"context"
	"fmt"
	"log/slog"
	"regexp"
	"time"

	"gorm.io/gorm"

	"yqyb/internal/platform/clock"
	"yqyb/internal/platform/database"
)

// Partitions keeps the monthly partitions of inspections and inspection_answers on PostgreSQL (migration
// 0024 explains the layout): it creates the months ahead and detaches the months past the retention period.
// SQLite has no partitions and Maintain does nothing there.
//
// A month M (Beijing) is the pair inspections_pYYYYMM and inspection_answers_pYYYYMM holding the periods whose
// last instant falls in M: period_end in (start of M, start of M+1], written FROM (start + 1 µs) TO (next
// start + 1 µs). A yearly period started in January ends on the next 1 January, so Maintain keeps Ahead
// months (13) after the current one.
//
// Several instances may run it at once (the scheduler's lease normally lets only one): every change of a
// month takes a transaction-level advisory lock and looks again at what exists before it acts, and each DDL
// statement waits for its locks at most LockTimeout, so it never queues the table's reads and writes behind
// a long transaction; what it could not do it reports and does on its next run.
type Partitions struct {
	db  *gorm.DB
	clk clock.Clock
	log *slog.Logger
	// RetentionYears detaches the months that ended at least this many years ago; 0 keeps everything.
	RetentionYears int
	// Ahead is how many months after the current one are kept created.
	Ahead int
	// LockTimeout bounds each wait for a table lock. It is short: while an ATTACH waits for the default
	// partition (ACCESS EXCLUSIVE) or a DETACH for the parent, the queries that need those queue behind it;
	// a month not done now is done on a later run (there are thirteen months of slack).
	LockTimeout time.Duration
	// StatementTimeout bounds each statement of a change (see lock).
	StatementTimeout time.Duration
}

// NewPartitions returns the partition maintenance of db.
func NewPartitions(db *gorm.DB, clk clock.Clock, log *slog.Logger, retentionYears int) *Partitions {
	return &Partitions{db: db, clk: clk, log: log, RetentionYears: retentionYears, Ahead: 13, LockTimeout: time.Second, StatementTimeout: 30 * time.Second}
}

// partitionLockKey serialises partition changes across instances.
const partitionLockKey = 7_141_100_024

// partitioned are the tables partitioned by month, the referenced one first.
var partitioned = []string{"inspections", "inspection_answers"}

var monthPartition = regexp.MustCompile(`^inspections_p(\d{6})$`)

// EndsAfter is the lower bound of a query for the periods that end after t: period_end >= EndsAfter(t)
// selects what period_end > t does (instants are kept to the microsecond), and lets PostgreSQL prune the
// partition of the month before t, whose range reaches t + 1 µs.
func EndsAfter(t time.Time) time.Time { return t.Add(time.Microsecond).UTC() }

// MonthStart is the first instant (Beijing) of the month containing t.
func MonthStart(t time.Time) time.Time {
	t = t.In(clock.Business)
	return time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, clock.Business)
}

// MonthBounds are the partition bounds of the month starting at m: FROM lo TO hi.
func MonthBounds(m time.Time) (lo, hi time.Time) {
	return m.Add(time.Microsecond).UTC(), m.AddDate(0, 1, 0).Add(time.Microsecond).UTC()
}

// PartitionName is the partition of table for the month starting at m.
func PartitionName(table string, m time.Time) string {
	return fmt.Sprintf("%s_p%s", table, m.In(clock.Business).Format("200601"))
}

// Maintenance is what one run did.
type Maintenance struct {
	Created  []string // months created (YYYYMM)
	Detached []string // months detached
	Failed   []string // months that could not be changed now (the log says why)
	sqlite   bool
}

// Maintain creates the months from the previous one to Ahead months ahead and detaches the months past the
// retention period.
func (p *Partitions) Maintain(ctx context.Context) (Maintenance, error) {
	var out Maintenance
	if database.Dialect(p.db) != database.Postgres {
		out.sqlite = true
		return out, nil
	}
	cur := MonthStart(p.clk.Now())
	var err error
	if out.Created, out.Failed, err = p.Ensure(ctx, cur.AddDate(0, -1, 0), cur.AddDate(0, p.Ahead, 0)); err != nil {
		return out, err
	}
	if p.RetentionYears > 0 {
		var failed []string
		out.Detached, failed, err = p.DetachBefore(ctx, p.clk.Now().AddDate(-p.RetentionYears, 0, 0))
		out.Failed = append(out.Failed, failed...)
	}
	return out, err
}

// Note is the run's line in job_runs.
func (m Maintenance) Note() string {
	if m.Created == nil && m.Detached == nil && m.Failed == nil && m.sqlite {
		return "SQLite 不分区，无需维护"
	}
	return fmt.Sprintf("新建 %d 个月分区 %v，分离 %d 个月分区 %v，未完成 %d 个 %v", len(m.Created), m.Created, len(m.Detached), m.Detached, len(m.Failed), m.Failed)
}

// exists tells whether table is a partition of parent.
func exists(tx *gorm.DB, parent, table string) (bool, error) {
	var n int64
	err := tx.Raw(`SELECT COUNT(*) FROM pg_inherits WHERE inhparent = to_regclass(?) AND inhrelid = to_regclass(?)`, parent, table).Scan(&n).Error
	return n > 0, err
}

// Ensure creates the months from the one containing from to the one containing to that do not exist yet;
// it returns those it created and those it could not (a lock not obtained in time, or rows of the month
// already in the default partition).
func (p *Partitions) Ensure(ctx context.Context, from, to time.Time) (created, failed []string, err error) {
	for m := MonthStart(from); !m.After(MonthStart(to)); m = m.AddDate(0, 1, 0) {
		if err := ctx.Err(); err != nil {
			return created, failed, err
		}
		did, err := p.createMonth(ctx, m)
		month := m.Format("200601")
		switch {
		case err != nil:
			failed = append(failed, month)
			p.log.Warn("排查记录月分区未能创建，下次运行重试", "month", month, "err", err)
		case did:
			created = append(created, month)
			p.log.Info("已创建排查记录月分区", "month", month)
		}
	}
	return created, failed, nil
}

// createMonth creates a month's partitions of both tables in one transaction: each as a table of its own,
// then attached, which locks the parent only against other DDL (SHARE UPDATE EXCLUSIVE) rather than
// against reads and writes as CREATE TABLE … PARTITION OF would.
func (p *Partitions) createMonth(ctx context.Context, m time.Time) (bool, error) {
	lo, hi := MonthBounds(m)
	did := false
	err := p.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := p.lock(tx); err != nil {
			return err
		}
		for _, parent := range partitioned {
			name := PartitionName(parent, m)
			ok, err := exists(tx, parent, name)
			if err != nil {
				return err
			}
			if ok { // (both tables' months are created together; one alone is made whole)
				continue
			}
			stmts := []string{
				fmt.Sprintf(`CREATE TABLE %q (LIKE %q INCLUDING DEFAULTS INCLUDING CONSTRAINTS)`, name, parent),
				fmt.Sprintf(`ALTER TABLE %q ATTACH PARTITION %q FOR VALUES FROM ('%s') TO ('%s')`, parent, name,
					lo.Format(time.RFC3339Nano), hi.Format(time.RFC3339Nano)),
			}
			for _, s := range stmts {
				if err := tx.Exec(s).Error; err != nil {
					return fmt.Errorf("%s: %w", s, err)
				}
			}
			did = true
		}
		return nil
	})
	return did, err
}

func (p *Partitions) lock(tx *gorm.DB) error {
	if err := tx.Exec("SELECT pg_advisory_xact_lock(?)", partitionLockKey).Error; err != nil {
		return err
	}
	if err := tx.Exec(fmt.Sprintf("SET LOCAL lock_timeout = %d", p.LockTimeout.Milliseconds())).Error; err != nil {
		return err
	}
	// A DETACH holds both parents' ACCESS EXCLUSIVE lock while PostgreSQL checks that no answer still refers
	// to the month (a query over the answers' partitions): bounded, so that on a large city it cannot stall
	// every inspection read and write for long; a month not detached in time is logged and retried.
	return tx.Exec(fmt.Sprintf("SET LOCAL statement_timeout = %d", p.StatementTimeout.Milliseconds())).Error
}

// DetachBefore detaches the months that ended at or before cutoff: for each, the answers' partition, its
// foreign key to inspections (the detached table keeps it otherwise, and it would forbid detaching its
// inspections), then the inspections' partition. The tables stay in the database, out of every query, for
// an operator to archive (pg_dump -t) and drop (deploy/README.md). Rows of such a month in the default
// partition stay.
func (p *Partitions) DetachBefore(ctx context.Context, cutoff time.Time) (detached, failed []string, err error) {
	var names []string
	if err := p.db.WithContext(ctx).Raw(`SELECT c.relname FROM pg_inherits h JOIN pg_class c ON c.oid = h.inhrelid
		WHERE h.inhparent = 'inspections'::regclass ORDER BY c.relname`).Scan(&names).Error; err != nil {
		return nil, nil, err
	}
	for _, n := range names {
		sm := monthPartition.FindStringSubmatch(n)
		if sm == nil {
			continue
		}
		m, err := time.ParseInLocation("200601", sm[1], clock.Business)
		if err != nil {
			continue
		}
		if m.AddDate(0, 1, 0).After(cutoff) {
			continue
		}
		if err := ctx.Err(); err != nil {
			return detached, failed, err
		}
		month := sm[1]
		if err := p.detachMonth(ctx, m); err != nil {
			failed = append(failed, month)
			p.log.Warn("排查记录月分区未能分离，下次运行重试", "month", month, "err", err)
			continue
		}
		detached = append(detached, month)
		p.log.Warn("已按保留期限分离排查记录月分区：请用 pg_dump 归档后删除", "month", month, "retention_years", p.RetentionYears,
			"tables", []string{PartitionName("inspections", m), PartitionName("inspection_answers", m)})
	}
	return detached, failed, nil
}

func (p *Partitions) detachMonth(ctx context.Context, m time.Time) error {
	answers, insp := PartitionName("inspection_answers", m), PartitionName("inspections", m)
	return p.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := p.lock(tx); err != nil {
			return err
		}
		ok, err := exists(tx, "inspection_answers", answers)
		if err != nil {
			return err
		}
		if ok {
			if err := tx.Exec(fmt.Sprintf(`ALTER TABLE inspection_answers DETACH PARTITION %q`, answers)).Error; err != nil {
				return err
			}
		}
		var fks []string
		if err := tx.Raw(`SELECT conname FROM pg_constraint WHERE conrelid = to_regclass(?) AND contype = 'f'
			AND confrelid = 'inspections'::regclass`, answers).Scan(&fks).Error; err != nil {
			return err
		}
		for _, fk := range fks {
			if err := tx.Exec(fmt.Sprintf(`ALTER TABLE %q DROP CONSTRAINT %q`, answers, fk)).Error; err != nil {
				return err
			}
		}
		if ok, err = exists(tx, "inspections", insp); err != nil || !ok {
			return err
		}
		return tx.Exec(fmt.Sprintf(`ALTER TABLE inspections DETACH PARTITION %q`, insp)).Error
	})
}
