// Package stats computes the figures regulators and enterprise leaders look at — usage rate, information
// completeness, inspection rate, hazards by grade, rectification rate, overdue and open major hazards —
// per enterprise and rolled up per street, district and city, set-based in SQL so that a district of tens
// of thousands of enterprises answers in well under a second.
//
// Current figures live in enterprise_stats, refreshed by a scheduled job; finished half-months are frozen
// in usage_snapshots when they end, so history never changes when data is edited later.
package stats

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"time"

	"gorm.io/gorm"

	"yqyb/internal/inspection"
	"yqyb/internal/platform/clock"
	"yqyb/pkg/period"
)

// Counts is a due/on-time pair.
type Counts struct {
	Due    int `json:"due"`
	OnTime int `json:"on_time"`
}

// Rate is on-time ÷ due as a percentage with one decimal; 0 when nothing is due.
func (c Counts) Rate() float64 {
	if c.Due == 0 {
		return 0
	}
	return math.Round(float64(c.OnTime)/float64(c.Due)*1000) / 10
}

// usageCounts computes, for every enterprise whose id is in ids, the usage counts of one half-month as
// they stand at now — by the same rules as inspection.Usage (see there), but for many enterprises in two
// set-based queries:
//
//	due     = periods that ended by now for checklists created before the period began
//	        + submitted periods not already among those (still open, or of a checklist created during it)
//	on time = submitted periods
func usageCounts(ctx context.Context, db *gorm.DB, ids []int64, half period.Period, now time.Time) (map[int64]Counts, error) {
	out := make(map[int64]Counts, len(ids))
	if len(ids) == 0 || half.Start.After(now) {
		return out, nil
	}
	// For every frequency, the periods ending in the half-month that have ended by now: a checklist of that
	// frequency owes each one it existed for at its start.
	var terms []string
	var args []any
	for _, f := range period.Frequencies {
		var parts []string
		for _, p := range period.EndingWithin(f, half.Start, half.End, clock.Business) {
			if p.End.After(now) {
				continue
			}
			parts = append(parts, "CASE WHEN c.created_at < ? THEN 1 ELSE 0 END")
			args = append(args, p.Start.UTC())
		}
		if len(parts) > 0 {
			terms = append(terms, fmt.Sprintf("WHEN '%s' THEN %s", f, strings.Join(parts, " + ")))
		}
	}
	if len(terms) > 0 {
		var rows []struct {
			EnterpriseID int64
			N            int
		}
		q := fmt.Sprintf(`SELECT c.enterprise_id, SUM(CASE c.frequency %s ELSE 0 END) AS n
			FROM checklists c JOIN posts p ON p.id = c.post_id
			WHERE c.enterprise_id IN ? AND c.status = 'active' AND p.status = 'active'
			GROUP BY c.enterprise_id`, strings.Join(terms, " "))
		if err := db.WithContext(ctx).Raw(q, append(args, ids)...).Scan(&rows).Error; err != nil {
			return nil, err
		}
		for _, r := range rows {
			c := out[r.EnterpriseID]
			c.Due += r.N
			out[r.EnterpriseID] = c
		}
	}
	var subs []struct {
		EnterpriseID int64
		OnTime       int
		Extra        int
	}
	if err := db.WithContext(ctx).Raw(`SELECT i.enterprise_id, COUNT(*) AS on_time,
			SUM(CASE WHEN i.period_end > ? OR c.created_at >= i.period_start THEN 1 ELSE 0 END) AS extra
		FROM inspections i
		JOIN checklists c ON c.id = i.checklist_id
		JOIN posts p ON p.id = c.post_id
		WHERE i.enterprise_id IN ? AND i.status = 'submitted' AND i.period_end >= ? AND i.period_end <= ?
			AND c.status = 'active' AND p.status = 'active'
		GROUP BY i.enterprise_id`, now.UTC(), ids, inspection.EndsAfter(half.Start), half.End.UTC()).Scan(&subs).Error; err != nil {
		return nil, err
	}
	for _, s := range subs {
		c := out[s.EnterpriseID]
		c.Due += s.Extra
		c.OnTime += s.OnTime
		out[s.EnterpriseID] = c
	}
	return out, nil
}

// Usage is an enterprise's usage rate (inspection.Usage) for the half-month containing at. Only the
// half-month in progress is live, computed now; a finished one is its snapshot, frozen when it ended and
// read by every page that shows it — the enterprise's own and its regulators' alike — so later edits never
// move it. A snapshot the job has not taken yet is taken on this read.
func (s *Service) Usage(ctx context.Context, ent int64, at time.Time) (inspection.Usage, error) {
	now := s.clk.Now()
	half := period.Of(period.HalfMonthly, at, clock.Business)
	u := inspection.Usage{Period: inspection.ViewOf(half, now), Live: half.Contains(now), Missed: []inspection.MissedPeriod{}}
	if half.Start.After(now) {
		return u, nil
	}
	var t inspection.Tallied
	if u.Live {
		// The primary: a user looks at the figure right after submitting.
		m, err := inspection.Tally(ctx, s.db, []int64{ent}, half, now)
		if err != nil {
			return u, err
		}
		t = m[ent]
	} else {
		var err error
		if t, err = s.frozen(ctx, ent, half); err != nil {
			return u, err
		}
	}
	u.Due, u.OnTime, u.Rate, u.NothingDue = t.Due, t.OnTime, inspection.RatePtr(t.OnTime, t.Due), t.Due == 0
	if t.Missed != nil {
		u.Missed = t.Missed
	}
	return u, nil
}

// frozen reads an enterprise's snapshot of a finished half-month, taking it first if it is missing. An
// enterprise registered after the half-month ended has none and owed nothing in it.
func (s *Service) frozen(ctx context.Context, ent int64, half period.Period) (inspection.Tallied, error) {
	var out inspection.Tallied
	read := func() (bool, error) {
		var rows []struct {
			Due, OnTime int
			Missed      *string
		}
		if err := s.db.WithContext(ctx).Table("usage_snapshots").Select("due, on_time, missed").
			Where("enterprise_id = ? AND half_key = ?", ent, half.Key).Scan(&rows).Error; err != nil {
			return false, err
		}
		if len(rows) == 0 {
			return false, nil
		}
		out.Due, out.OnTime = rows[0].Due, rows[0].OnTime
		if rows[0].Missed != nil {
			if err := json.Unmarshal([]byte(*rows[0].Missed), &out.Missed); err != nil {
				return false, err
			}
		}
		return true, nil
	}
	if ok, err := read(); ok || err != nil {
		return out, err
	}
	if _, _, err := s.freeze(ctx, half, "e.id = ?", ent); err != nil {
		return out, err
	}
	_, err := read()
	return out, err
}

// usageOver adds up an enterprise's usage over the half-months ending in p (a quarter or a year): the
// finished ones from their snapshots, the one in progress live — the same figures its trend and its
// regulators' dashboards show.
func (s *Service) usageOver(ctx context.Context, ent int64, p period.Period) (Counts, error) {
	var c Counts
	now := s.clk.Now()
	for _, h := range period.EndingWithin(period.HalfMonthly, p.Start, p.End, clock.Business) {
		var t inspection.Tallied
		switch {
		case h.Start.After(now):
			continue
		case !h.End.After(now):
			var err error
			if t, err = s.frozen(ctx, ent, h); err != nil {
				return c, err
			}
		default:
			m, err := inspection.Tally(ctx, s.read, []int64{ent}, h, now)
			if err != nil {
				return c, err
			}
			t = m[ent]
		}
		c.Due, c.OnTime = c.Due+t.Due, c.OnTime+t.OnTime
	}
	return c, nil
}

// snapshotsTaken makes sure the snapshots of every finished half-month exist before a region's trend is
// read, so a regulator never sees a finished half-month without the enterprises the job has not reached
// yet. The job (SnapshotDue, every 10 minutes) normally has; this catches up a read in between.
func (s *Service) snapshotsTaken(ctx context.Context) error {
	last := period.Of(period.HalfMonthly, s.clk.Now(), clock.Business).Prev().Key
	var n int64
	if err := s.db.WithContext(ctx).Table("usage_snapshot_halves").Where("half_key = ?", last).Count(&n).Error; err != nil || n > 0 {
		return err
	}
	_, err := s.SnapshotDue(ctx)
	return err
}

// freezeMissing takes the snapshots an enterprise lacks for the finished half-months ending in r; it
// reports whether it took any.
func (s *Service) freezeMissing(ctx context.Context, ent int64, r Range) (bool, error) {
	now := s.clk.Now()
	var halves []period.Period
	var keys []string
	for _, h := range period.EndingWithin(period.HalfMonthly, r.From, r.To, clock.Business) {
		if !h.End.After(now) {
			halves, keys = append(halves, h), append(keys, h.Key)
		}
	}
	if len(keys) == 0 {
		return false, nil
	}
	var have []string
	if err := s.read.WithContext(ctx).Table("usage_snapshots").Where("enterprise_id = ? AND half_key IN ?", ent, keys).
		Pluck("half_key", &have).Error; err != nil {
		return false, err
	}
	got := map[string]bool{}
	for _, k := range have {
		got[k] = true
	}
	froze := false
	for _, h := range halves {
		if got[h.Key] {
			continue
		}
		n, _, err := s.freeze(ctx, h, "e.id = ?", ent)
		if err != nil {
			return froze, err
		}
		froze = froze || n > 0
	}
	return froze, nil
}
