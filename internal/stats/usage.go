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
	"fmt"
	"math"
	"strings"
	"time"

	"gorm.io/gorm"

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
		WHERE i.enterprise_id IN ? AND i.status = 'submitted' AND i.period_end > ? AND i.period_end <= ?
			AND c.status = 'active' AND p.status = 'active'
		GROUP BY i.enterprise_id`, now.UTC(), ids, half.Start.UTC(), half.End.UTC()).Scan(&subs).Error; err != nil {
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
