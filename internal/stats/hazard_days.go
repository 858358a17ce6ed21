package stats

import (
	"context"
	"time"

	"gorm.io/gorm"

	"yqyb/internal/platform/clock"
	"yqyb/internal/platform/database"
)

// hazardRecount is how far before an enterprise's last refresh a hazard change makes the refresh count
// the enterprise's hazards again: a change written (updated_at) just before a refresh started but committed
// after it read is caught by the next one.
const hazardRecount = 10 * time.Minute

// foundDay is the SQL of a hazard's business day (Beijing, no daylight saving) as YYYY-MM-DD.
func foundDay(db *gorm.DB) string {
	if database.Dialect(db) == database.Postgres {
		return "to_char(found_at AT TIME ZONE '" + clock.BusinessZoneName + "', 'YYYY-MM-DD')"
	}
	return "date(found_at, '+8 hours')"
}

// dayKey is the business day of t as hazard_day_counts.day holds it.
func dayKey(t time.Time) string { return t.In(clock.Business).Format(time.DateOnly) }

// staleHazardDays returns which of ids need their hazard_day_counts counted again: those with a hazard
// changed (registered, moved on, closed, regraded: updated_at) since shortly before the batch's oldest
// refresh, and those never refreshed. The changes are found through hazards_updated_idx, so the cost is
// that of the recent changes, not of all hazards.
//
// now bounds the watermark: a development clock moved back (YQYB_CLOCK_OFFSET, the dev clock route) leaves
// refreshes stamped in its future, and the changes made since must still count.
func staleHazardDays(ctx context.Context, db *gorm.DB, ids []int64, now time.Time) ([]int64, error) {
	var oldest []time.Time
	if err := db.WithContext(ctx).Table("enterprise_stats").Where("enterprise_id IN ?", ids).Order("computed_at").Limit(1).
		Pluck("computed_at", &oldest).Error; err != nil {
		return nil, err
	}
	since := time.Time{}
	if len(oldest) > 0 {
		since = oldest[0]
		if now.Before(since) {
			since = now
		}
		since = since.Add(-hazardRecount)
	}
	var out []int64
	err := db.WithContext(ctx).Raw(`SELECT DISTINCT enterprise_id FROM hazards WHERE updated_at >= ? AND enterprise_id IN ?
		UNION SELECT e.id FROM enterprises e WHERE e.id IN ? AND NOT EXISTS (SELECT 1 FROM enterprise_stats s WHERE s.enterprise_id = e.id)`,
		since.UTC(), ids, ids).Scan(&out).Error
	return out, err
}

// countHazardDays counts again the hazards of the enterprises ids per business day, level and grade.
func countHazardDays(ctx context.Context, db *gorm.DB, ids []int64) error {
	if len(ids) == 0 {
		return nil
	}
	return db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Exec("DELETE FROM hazard_day_counts WHERE enterprise_id IN ?", ids).Error; err != nil {
			return err
		}
		return tx.Exec(`INSERT INTO hazard_day_counts (enterprise_id, day, region_path, legal_level, grade_code, found, closed)
			SELECT enterprise_id, `+foundDay(tx)+`, region_path, legal_level, grade_code, COUNT(*),
				SUM(CASE WHEN status = 'closed' THEN 1 ELSE 0 END)
			FROM hazards WHERE enterprise_id IN ? GROUP BY 1, 2, 3, 4, 5`, ids).Error
	})
}
