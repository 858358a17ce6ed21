package session

import (
	"context"
	"time"

	"gorm.io/gorm"
)

// Prune deletes what can no longer be used nor tell anything, and returns how many rows went:
//   - sessions that ended (revoked or past their absolute lifetime) more than keep ago, with their tokens;
//     the audit log keeps every login and logout, so the rows are not the record;
//   - used refresh tokens past their own expiry. Each refresh adds a row, so a session used all day adds
//     one every quarter of an hour. A used token within its lifetime stays: presenting it again is how a
//     stolen token is caught (ErrReused).
func Prune(ctx context.Context, db *gorm.DB, now time.Time, keep time.Duration) (int64, error) {
	now = now.UTC()
	var total int64
	err := db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		cutoff := now.Add(-keep)
		ended := tx.Model(&Session{}).Select("id").Where("(revoked_at IS NOT NULL AND revoked_at < ?) OR expires_at < ?", cutoff, cutoff)
		res := tx.Where("session_id IN (?)", ended).Delete(&refreshToken{})
		if res.Error != nil {
			return res.Error
		}
		total += res.RowsAffected
		if res = tx.Where("(revoked_at IS NOT NULL AND revoked_at < ?) OR expires_at < ?", cutoff, cutoff).Delete(&Session{}); res.Error != nil {
			return res.Error
		}
		total += res.RowsAffected
		res = tx.Where("used_at IS NOT NULL AND expires_at < ?", now).Delete(&refreshToken{})
		total += res.RowsAffected
		return res.Error
	})
	return total, err
}
