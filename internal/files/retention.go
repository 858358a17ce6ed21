package files

import (
	"context"
	"log/slog"
	"time"

	"gorm.io/gorm"

	"yqyb/internal/platform/clock"
	"yqyb/internal/platform/storage"
)

// UnattachedFor is how long an upload may wait to be attached before the prune job removes it. A photo is
// attached right after its upload (the form sends it with the answer or the step), so three days leave room
// for a phone that lost its signal in between.
const UnattachedFor = 72 * time.Hour

// pruneBatch bounds one run of the prune job; the next run takes the rest.
const pruneBatch = 1000

// checkQuota refuses an upload that would take the enterprise past its bytes of the day (Beijing time).
// Two uploads at once may both pass at the edge: the quota bounds what a tenant can pile up, it is not an
// account balance.
func (s *Service) checkQuota(ctx context.Context, ent, size int64) error {
	if s.dailyQuota <= 0 {
		return nil
	}
	now := s.clk.Now().In(clock.Business)
	day := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, clock.Business)
	var used int64
	if err := s.db.WithContext(ctx).Model(&File{}).Where("enterprise_id = ? AND uploaded_at >= ?", ent, day.UTC()).
		Select("COALESCE(SUM(size), 0)").Scan(&used).Error; err != nil {
		return err
	}
	if used+size > s.dailyQuota {
		return ErrQuota.WithDetails(map[string]any{"quota_bytes": s.dailyQuota, "used_bytes": used,
			"retry_after_seconds": int(day.AddDate(0, 0, 1).Sub(now).Seconds()) + 1})
	}
	return nil
}

// PruneUnattached deletes uploads nobody attached within UnattachedFor, rows first and then their objects
// (an object whose delete fails is an orphan the file check reports, never a row pointing at nothing). It
// returns how many went.
func (s *Service) PruneUnattached(ctx context.Context, log *slog.Logger) (int, error) {
	var stale []File
	if err := s.db.WithContext(ctx).Where("attached_at IS NULL AND uploaded_at < ?", s.clk.Now().UTC().Add(-UnattachedFor)).
		Order("uploaded_at").Limit(pruneBatch).Find(&stale).Error; err != nil {
		return 0, err
	}
	if len(stale) == 0 {
		return 0, nil
	}
	ids := make([]int64, len(stale))
	for i, f := range stale {
		ids[i] = f.ID
	}
	// Attached in the meantime (attached_at set) means kept: the condition is checked again by the delete.
	res := s.db.WithContext(ctx).Where("id IN ? AND attached_at IS NULL", ids).Delete(&File{})
	if res.Error != nil {
		return 0, res.Error
	}
	var gone []File
	if res.RowsAffected != int64(len(stale)) {
		var still []int64
		if err := s.db.WithContext(ctx).Model(&File{}).Where("id IN ?", ids).Pluck("id", &still).Error; err != nil {
			return 0, err
		}
		kept := map[int64]bool{}
		for _, id := range still {
			kept[id] = true
		}
		for _, f := range stale {
			if !kept[f.ID] {
				gone = append(gone, f)
			}
		}
	} else {
		gone = stale
	}
	for _, f := range gone {
		if err := s.store.Delete(ctx, f.StorageKey); err != nil {
			log.WarnContext(ctx, "prune: object of a deleted upload stays", "key", f.StorageKey, "err", err)
		}
	}
	return len(gone), nil
}

// StoredRefs lists every upload's row with its object's key, for the consistency check (yqyb fsck).
func StoredRefs(ctx context.Context, db *gorm.DB) ([]storage.Ref, error) {
	var out []storage.Ref
	err := db.WithContext(ctx).Model(&File{}).Select(`'files' AS "table", id, enterprise_id, storage_key AS "key", uploaded_at`).
		Order("id").Scan(&out).Error
	return out, err
}
