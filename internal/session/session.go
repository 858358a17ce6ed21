// Package session keeps login sessions: each is a family of rotating refresh tokens. A refresh token is
// stored only as its hash, is good for one use, and using a rotated one again (a sign it was stolen)
// revokes the whole family. Revoking a session also stops the access tokens issued under it, because
// authentication checks the session on every request.
package session

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"time"

	"github.com/google/uuid"
	"gorm.io/gorm"
)

// Reasons a session ends, kept in auth_sessions.revoke_reason.
const (
	ReasonLogout         = "logout"
	ReasonReuse          = "refresh_token_reused"
	ReasonPasswordChange = "password_changed"
	ReasonPasswordReset  = "password_reset"
	ReasonDisabled       = "user_disabled"
	ReasonDeleted        = "user_deleted"
)

// Session is a row of auth_sessions.
type Session struct {
	ID           string
	UserID       int64
	CreatedAt    time.Time
	ExpiresAt    time.Time
	LastUsedAt   time.Time
	RevokedAt    *time.Time
	RevokeReason string
	IP           string
	UserAgent    string
}

func (Session) TableName() string { return "auth_sessions" }

type refreshToken struct {
	ID        int64
	SessionID string
	TokenHash string
	CreatedAt time.Time
	ExpiresAt time.Time
	UsedAt    *time.Time
}

func (refreshToken) TableName() string { return "refresh_tokens" }

// Errors of refreshing. Callers map them to responses; the reuse case has already revoked the family.
var (
	ErrInvalid = errors.New("session: refresh token unknown, expired or revoked")
	ErrReused  = errors.New("session: refresh token reused; session revoked")
)

// Lifetimes.
type Lifetimes struct {
	Refresh  time.Duration // a refresh token unused this long expires
	Absolute time.Duration // a session ends this long after login whatever happens
}

// Start opens a session for a user and returns it with its first refresh token.
func Start(ctx context.Context, tx *gorm.DB, now time.Time, l Lifetimes, userID int64, ip, userAgent string) (Session, string, error) {
	now = now.UTC()
	s := Session{ID: uuid.NewString(), UserID: userID, CreatedAt: now, ExpiresAt: now.Add(l.Absolute), LastUsedAt: now, IP: ip, UserAgent: truncate(userAgent, 300)}
	if err := tx.WithContext(ctx).Create(&s).Error; err != nil {
		return s, "", err
	}
	tok, err := issue(ctx, tx, now, l, s)
	return s, tok, err
}

// Rotate exchanges a refresh token for a new one in the same session. Using a token twice revokes the
// session (ErrReused) and must be treated as an attack, unless it comes back within ReuseGrace with its
// successor unused (see lostAnswer): then it is exchanged again.
func Rotate(ctx context.Context, db *gorm.DB, now time.Time, l Lifetimes, token string) (Session, string, error) {
	now = now.UTC()
	var s Session
	var newToken string
	reused := false
	err := db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var rt refreshToken
		if err := tx.Where("token_hash = ?", hash(token)).Take(&rt).Error; err != nil {
			if errors.Is(err, gorm.ErrRecordNotFound) {
				return ErrInvalid
			}
			return err
		}
		if err := tx.Where("id = ?", rt.SessionID).Take(&s).Error; err != nil {
			return err
		}
		if s.RevokedAt != nil || !now.Before(s.ExpiresAt) {
			return ErrInvalid
		}
		// Claim the token atomically: of two requests racing with the same token, one wins.
		res := tx.Model(&refreshToken{}).Where("id = ? AND used_at IS NULL", rt.ID).Update("used_at", now)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			graced, err := lostAnswer(ctx, tx, now, rt.ID, s.ID)
			if err != nil || !graced {
				reused = err == nil
				return err
			}
		} else if !now.Before(rt.ExpiresAt) {
			return ErrInvalid
		}
		if err := tx.Model(&s).Update("last_used_at", now).Error; err != nil {
			return err
		}
		var err error
		newToken, err = issue(ctx, tx, now, l, s)
		return err
	})
	if err != nil {
		return s, "", err
	}
	if reused {
		// Revoke outside the failed claim so the revocation commits.
		if err := Revoke(ctx, db, now, s.ID, ReasonReuse); err != nil {
			return s, "", err
		}
		return s, "", ErrReused
	}
	return s, newToken, nil
}

// ReuseGrace is how long a spent refresh token may come back without being taken for theft, as long as
// nothing has used what it was exchanged for: the answer that carried the new token was lost (a reload or a
// closed tab mid-refresh, a dropped connection on a weak signal), or two tabs of one browser sent the same
// cookie. A thief who replays a stolen token after its owner refreshed again, or after the grace, still
// ends the session.
const ReuseGrace = 30 * time.Second

// lostAnswer reports whether a spent token is within ReuseGrace of its use with no later token of its
// session used since.
func lostAnswer(ctx context.Context, tx *gorm.DB, now time.Time, tokenID int64, sessionID string) (bool, error) {
	var rt refreshToken
	if err := tx.WithContext(ctx).Where("id = ?", tokenID).Take(&rt).Error; err != nil {
		return false, err
	}
	if rt.UsedAt == nil || now.Sub(*rt.UsedAt) >= ReuseGrace || !now.Before(rt.ExpiresAt.Add(ReuseGrace)) {
		return false, nil
	}
	var later int64
	if err := tx.WithContext(ctx).Model(&refreshToken{}).
		Where("session_id = ? AND id > ? AND used_at IS NOT NULL", sessionID, tokenID).Count(&later).Error; err != nil {
		return false, err
	}
	return later == 0, nil
}

// SessionOf returns the session a refresh token belongs to, valid or not.
func SessionOf(ctx context.Context, db *gorm.DB, token string) (Session, error) {
	var s Session
	err := db.WithContext(ctx).Where("id = (SELECT session_id FROM refresh_tokens WHERE token_hash = ?)", hash(token)).Take(&s).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return s, ErrInvalid
	}
	return s, err
}

// Revoke ends one session.
func Revoke(ctx context.Context, db *gorm.DB, now time.Time, id, reason string) error {
	return db.WithContext(ctx).Model(&Session{}).Where("id = ? AND revoked_at IS NULL", id).
		Updates(map[string]any{"revoked_at": now.UTC(), "revoke_reason": reason}).Error
}

// RevokeUser ends every session of a user except keep (the caller's own, when a user changes their own
// password; "" for none).
func RevokeUser(ctx context.Context, tx *gorm.DB, now time.Time, userID int64, reason, keep string) error {
	return tx.WithContext(ctx).Model(&Session{}).Where("user_id = ? AND revoked_at IS NULL AND id <> ?", userID, keep).
		Updates(map[string]any{"revoked_at": now.UTC(), "revoke_reason": reason}).Error
}

func issue(ctx context.Context, tx *gorm.DB, now time.Time, l Lifetimes, s Session) (string, error) {
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return "", err
	}
	tok := base64.RawURLEncoding.EncodeToString(raw)
	exp := now.Add(l.Refresh)
	if exp.After(s.ExpiresAt) {
		exp = s.ExpiresAt
	}
	return tok, tx.WithContext(ctx).Create(&refreshToken{SessionID: s.ID, TokenHash: hash(tok), CreatedAt: now, ExpiresAt: exp}).Error
}

func hash(tok string) string {
	sum := sha256.Sum256([]byte(tok))
	return hex.EncodeToString(sum[:])
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}
