package stats

import (
	"context"
	"encoding/json"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"yqyb/internal/inspection"
	"yqyb/internal/platform/clock"
	"yqyb/internal/platform/database"
	"yqyb/internal/setup"
	"yqyb/pkg/period"
)

// Service computes and reads the figures.
type Service struct {
	db *gorm.DB
	// read serves the dashboards and reports: db, or, in a request of a view made by OnReplica, whichever
	// database its guard chose. The refresh and snapshot jobs and sign-offs write to db.
	read  *gorm.DB
	guard *database.ReplicaGuard
	clk   clock.Clock
	setup *setup.Service
	// Batch is how many enterprises one set of queries covers.
	Batch int
}

// New returns the statistics service.
func New(db *gorm.DB, clk clock.Clock, st *setup.Service) *Service {
	return &Service{db: db, read: db, clk: clk, setup: st, Batch: 5000}
}

// OnReplica returns a view of the service whose dashboards and reports read the standby while guard finds
// it healthy, and the primary otherwise (a nil guard: always the primary). Regulators' pages use it; an
// enterprise's own pages use the service itself, so they always see their own writes at once.
func (s *Service) OnReplica(guard *database.ReplicaGuard) *Service {
	c := *s
	c.guard = guard
	return &c
}

// Freshness says how current an answer's data is.
type Freshness struct {
	// DataAsOf is the instant the data is complete up to: every change committed before it is in the answer.
	// Read on the primary, it is the moment of reading; on the read-only replica, how far the replica had
	// replayed the primary (known to within a second).
	DataAsOf time.Time `json:"data_as_of" format:"date-time"`
	// FromReplica is true when the answer was read from the read-only replica.
	FromReplica bool `json:"from_replica"`
}

// onReplica runs read on the database the guard chooses. If the replica fails it (it went down after the
// last check, or a row just written on the primary has not reached it yet), read runs again on the primary,
// so a replica's trouble never reaches the caller as an error.
func onReplica[T any](ctx context.Context, s *Service, read func(*Service, Freshness) (T, error)) (T, error) {
	c, fresh := s.reading(ctx)
	out, err := read(c, fresh)
	if err == nil || !fresh.FromReplica || ctx.Err() != nil {
		return out, err
	}
	p := *s
	p.read = s.guard.Failed()
	return read(&p, Freshness{DataAsOf: s.clk.Now().UTC()})
}

// reading is the service as one request reads it: with the database the guard chose for it now.
func (s *Service) reading(ctx context.Context) (*Service, Freshness) {
	if s.guard == nil {
		return s, Freshness{DataAsOf: s.clk.Now().UTC()}
	}
	r := s.guard.Read(ctx)
	c := *s
	c.read = r.DB
	if !r.Replica {
		return &c, Freshness{DataAsOf: s.clk.Now().UTC()}
	}
	return &c, Freshness{DataAsOf: r.AsOf.UTC(), FromReplica: true}
}

type statsRow struct {
	EnterpriseID  int64 `gorm:"primaryKey"`
	RegionPath    string
	DistrictID    *int64
	StreetID      *int64
	Completeness  float64
	SetupComplete bool
	Initialized   bool
	UsageHalf     string
	UsageDue      int
	UsageOnTime   int
	UsageRate     float64
	OpenGeneral   int
	OpenMajor     int
	Overdue       int
	ComputedAt    time.Time
}

func (statsRow) TableName() string { return "enterprise_stats" }

// Refresh recomputes the current figures of every enterprise under regionPath ("" for all), in batches of
// enterprises, each batch with a fixed number of grouped queries. It returns how many it refreshed.
func (s *Service) Refresh(ctx context.Context, regionPath string) (int, error) {
	now := s.clk.Now()
	half := period.Of(period.HalfMonthly, now, clock.Business)
	today := clock.BusinessDate(now).UTC()
	done := 0
	var last int64
	for {
		var ents []struct {
			ID         int64
			RegionPath string
			RegionID   int64
			Level      string
			ParentID   *int64
		}
		if err := s.db.WithContext(ctx).Table("enterprises e").Select("e.id, e.region_path, e.region_id, r.level, r.parent_id").
			Joins("JOIN regions r ON r.id = e.region_id").
			Where("e.id > ? AND e.region_path LIKE ?", last, regionPath+"%").Order("e.id").Limit(s.Batch).Scan(&ents).Error; err != nil {
			return done, err
		}
		if len(ents) == 0 {
			return done, nil
		}
		ids := make([]int64, len(ents))
		for i, e := range ents {
			ids[i] = e.ID
		}
		last = ids[len(ids)-1]
		sums, err := s.setup.Summaries(ctx, ids)
		if err != nil {
			return done, err
		}
		usage, err := usageCounts(ctx, s.db, ids, half, now)
		if err != nil {
			return done, err
		}
		hazards, err := openHazards(ctx, s.db, ids, today)
		if err != nil {
			return done, err
		}
		stale, err := staleHazardDays(ctx, s.db, ids, now)
		if err != nil {
			return done, err
		}
		if err := countHazardDays(ctx, s.db, stale); err != nil {
			return done, err
		}
		var depts []int64
		if err := s.db.WithContext(ctx).Table("departments").Where("enterprise_id IN ?", ids).Distinct().Pluck("enterprise_id", &depts).Error; err != nil {
			return done, err
		}
		initialized := map[int64]bool{}
		for _, d := range depts {
			initialized[d] = true
		}
		rows := make([]statsRow, len(ents))
		for i, e := range ents {
			u, h := usage[e.ID], hazards[e.ID]
			r := statsRow{EnterpriseID: e.ID, RegionPath: e.RegionPath, Completeness: sums[e.ID].Completeness, SetupComplete: sums[e.ID].Complete,
				Initialized: initialized[e.ID], UsageHalf: half.Key, UsageDue: u.Due, UsageOnTime: u.OnTime, UsageRate: u.Rate(),
				OpenGeneral: h[0], OpenMajor: h[1], Overdue: h[2], ComputedAt: now.UTC()}
			rid := e.RegionID
			switch e.Level {
			case "district":
				r.DistrictID = &rid
			case "street":
				r.StreetID, r.DistrictID = &rid, e.ParentID
			}
			rows[i] = r
		}
		if err := s.db.WithContext(ctx).Clauses(clause.OnConflict{UpdateAll: true}).CreateInBatches(&rows, 1000).Error; err != nil {
			return done, err
		}
		done += len(rows)
	}
}

// Snapshot freezes the usage figures of a finished half-month for every enterprise registered before it
// ended that does not have them yet; it returns how many it stored. Snapshots are never rewritten: later
// edits do not change history.
func (s *Service) Snapshot(ctx context.Context, half period.Period) (int, error) {
	if s.clk.Now().Before(half.End) {
		return 0, nil
	}
	stored := 0
	var last int64
	for {
		n, next, err := s.freeze(ctx, half, "e.id > ?", last)
		stored += n
		if err != nil {
			return stored, err
		}
		if next == 0 {
			err := s.db.WithContext(ctx).Table("usage_snapshot_halves").Clauses(clause.OnConflict{DoNothing: true}).
				Create(map[string]any{"half_key": half.Key, "completed_at": s.clk.Now().UTC()}).Error
			return stored, err
		}
		last = next
	}
}

// freeze takes the snapshots of one batch of the enterprises matching where that were registered before
// the half-month ended and have none for it yet, counted as they stood when it ended (inspection.Tally). It
// returns how many it stored and the last enterprise id of the batch (0 when there were none).
func (s *Service) freeze(ctx context.Context, half period.Period, where string, args ...any) (int, int64, error) {
	var ents []struct {
		ID         int64
		RegionPath string
	}
	if err := s.db.WithContext(ctx).Table("enterprises e").Select("e.id, e.region_path").Where(where, args...).
		Where("e.created_at < ? AND NOT EXISTS (SELECT 1 FROM usage_snapshots u WHERE u.enterprise_id = e.id AND u.half_key = ?)",
			half.End.UTC(), half.Key).Order("e.id").Limit(s.Batch).Scan(&ents).Error; err != nil {
		return 0, 0, err
	}
	if len(ents) == 0 {
		return 0, 0, nil
	}
	ids := make([]int64, len(ents))
	for i, e := range ents {
		ids[i] = e.ID
	}
	usage, err := inspection.Tally(ctx, s.db, ids, half, half.End)
	if err != nil {
		return 0, 0, err
	}
	type snap struct {
		EnterpriseID int64
		HalfKey      string
		RegionPath   string
		Due          int
		OnTime       int
		Rate         float64
		Missed       string
		TakenAt      time.Time
	}
	rows := make([]snap, len(ents))
	for i, e := range ents {
		u := usage[e.ID]
		if u.Missed == nil {
			u.Missed = []inspection.MissedPeriod{}
		}
		missed, err := json.Marshal(u.Missed)
		if err != nil {
			return 0, 0, err
		}
		rows[i] = snap{e.ID, half.Key, e.RegionPath, u.Due, u.OnTime, inspection.RateOf(u.OnTime, u.Due), string(missed), s.clk.Now().UTC()}
	}
	if err := s.db.WithContext(ctx).Table("usage_snapshots").Clauses(clause.OnConflict{DoNothing: true}).CreateInBatches(&rows, 1000).Error; err != nil {
		return 0, 0, err
	}
	return len(rows), ids[len(ids)-1], nil
}

// SnapshotDue takes the snapshots of every finished half-month since the last one completed (at most the
// last year's), so a job that was down catches up.
func (s *Service) SnapshotDue(ctx context.Context) (int, error) {
	now := s.clk.Now()
	cur := period.Of(period.HalfMonthly, now, clock.Business)
	var lastKey string
	if err := s.db.WithContext(ctx).Table("usage_snapshot_halves").Select("COALESCE(MAX(half_key), '')").Scan(&lastKey).Error; err != nil {
		return 0, err
	}
	total := 0
	for p, n := cur.Prev(), 0; n < 24; p, n = p.Prev(), n+1 {
		if lastKey != "" && p.Key <= lastKey {
			break
		}
		k, err := s.Snapshot(ctx, p)
		if err != nil {
			return total, err
		}
		total += k
	}
	return total, nil
}

// openHazards counts, per enterprise, the open general and major hazards and the open ones whose deadline
// is before today: the current figures of the refresh job and of an enterprise's own live summary.
func openHazards(ctx context.Context, db *gorm.DB, ids []int64, today time.Time) (map[int64][3]int, error) {
	var rows []struct {
		EnterpriseID               int64
		OpenGeneral, OpenMajor, Od int
	}
	if err := db.WithContext(ctx).Raw(`SELECT enterprise_id,
			SUM(CASE WHEN legal_level = 'general' THEN 1 ELSE 0 END) AS open_general,
			SUM(CASE WHEN legal_level = 'major' THEN 1 ELSE 0 END) AS open_major,
			SUM(CASE WHEN deadline < ? THEN 1 ELSE 0 END) AS od
		FROM hazards WHERE enterprise_id IN ? AND status <> 'closed' GROUP BY enterprise_id`, today, ids).Scan(&rows).Error; err != nil {
		return nil, err
	}
	out := make(map[int64][3]int, len(rows))
	for _, h := range rows {
		out[h.EnterpriseID] = [3]int{h.OpenGeneral, h.OpenMajor, h.Od}
	}
	return out, nil
}
