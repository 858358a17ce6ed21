package account

import (
	"context"
	"time"

	"gorm.io/gorm"

	"yqyb/internal/audit"
	"yqyb/internal/platform/apperr"
	"yqyb/internal/session"
)

// A derived initial password (FAQ 23) is made of public facts (the enterprise's name and credit code) and
// the last four digits of the legal representative's phone: 10,000 candidates. It must therefore stop
// working soon after it was handed over, whether or not anyone used it: it works from its issue (the
// registration, or the regulator's re-issue) for the TTL, and only until it is changed (changing it makes
// the password origin "chosen", and the policy refuses the derived value as a new password).

// ErrInitialPasswordExpired refuses a correct derived initial password older than the TTL. Only the right
// password earns this answer (a wrong one is told it is wrong, as always), and the attempt still counts
// against the failure budget, so the expiry gives no free guesses.
var ErrInitialPasswordExpired = apperr.New(apperr.Unauthenticated, "initial_password_expired",
	"初始密码已超过有效期未修改，已失效。请联系属地安监科重新下发初始密码")

// ErrNoInitialPassword refuses a re-issue for an enterprise whose accounts all changed their initial
// password: giving a used account the guessable formula password again would undo that change.
var ErrNoInitialPassword = apperr.New(apperr.Conflict, "initial_password_changed",
	"该企业账号均已修改过初始密码，不能重新下发；忘记密码请使用“重置密码”生成临时密码")

// InitialPasswordTTL is how long a derived initial password works after it was issued.
func (s *Service) InitialPasswordTTL() time.Duration { return s.initialTTL }

// issuedAt is when u's current password was set.
func issuedAt(u User) time.Time {
	if u.PasswordIssuedAt != nil {
		return *u.PasswordIssuedAt
	}
	return u.CreatedAt
}

// InitialPasswordExpiresAt is when u's derived initial password stops working; ok is false when u's
// password is not a derived one.
func (s *Service) InitialPasswordExpiresAt(u User) (at time.Time, ok bool) {
	if u.PasswordOrigin != OriginDerived {
		return time.Time{}, false
	}
	return issuedAt(u).Add(s.initialTTL), true
}

// InitialPasswordExpired reports whether u still has a derived initial password that is past its TTL.
func (s *Service) InitialPasswordExpired(u User) bool {
	at, ok := s.InitialPasswordExpiresAt(u)
	return ok && !s.clk.Now().Before(at)
}

// ReissueInitialPassword gives enterprise accounts that still have their derived initial password (used or
// not, expired or not) that password again with a fresh issue time: it must be changed at the next login
// and works for another TTL. Their sessions end, their token version moves and a lockout of their budget is
// lifted. Callers have checked that the actor may do this for these accounts; password is the derived
// password of their enterprise. It returns the new issue time.
func (s *Service) ReissueInitialPassword(ctx context.Context, a audit.Actor, users []User, password, note string) (time.Time, error) {
	now := s.now()
	var derived []User
	for _, u := range users {
		if u.PasswordOrigin == OriginDerived {
			derived = append(derived, u)
		}
	}
	if len(derived) == 0 {
		return time.Time{}, ErrNoInitialPassword
	}
	hash, err := s.hasher.Hash(password)
	if err != nil {
		return time.Time{}, err
	}
	return now, s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		for _, u := range derived {
			// The origin is checked again under the row lock: the account may have changed its password
			// since it was read, and that change must not be undone.
			res := tx.Model(&User{}).Where("id = ? AND password_origin = ? AND deleted_at IS NULL", u.ID, OriginDerived).Updates(map[string]any{
				"password_hash": hash, "must_change_password": true, "password_issued_at": now,
				"token_version": gorm.Expr("token_version + 1"), "updated_at": now,
			})
			if res.Error != nil {
				return res.Error
			}
			if res.RowsAffected == 0 {
				return ErrNoInitialPassword
			}
			if err := endAccess(ctx, tx, now, a, u.ID, session.ReasonPasswordReset, ""); err != nil {
				return err
			}
			if err := LiftLockout(ctx, tx, now, ThrottleKey(u)); err != nil {
				return err
			}
			if err := audit.Record(ctx, tx, now, a, audit.Entry{Action: audit.PasswordReset, EnterpriseID: deref(u.EnterpriseID),
				RegionID: deref(u.RegionID), TargetType: "user", TargetID: u.ID, TargetName: u.LoginName, Note: note}); err != nil {
				return err
			}
		}
		return nil
	})
}
