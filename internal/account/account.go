// Package account owns user accounts of every kind: their login names, passwords (hashing, the password
// policy, derived initial passwords, temporary passwords), their lifecycle (create, edit, disable, enable,
// delete, reset password) and password changes.
//
// Login names: platform administrators, regulators, enterprise admins and post users log in through the
// personal-user login and share one namespace of login names, enforced by a unique index. An enterprise
// admin's login name is its enterprise's name, so no post account may be named like any enterprise and no
// two post accounts anywhere may share a name; a name typed at the personal login therefore always means
// exactly one account. Enterprise-user accounts log in by the enterprise's name or credit code instead.
package account

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"
	"unicode"

	"golang.org/x/text/unicode/norm"
	"gorm.io/gorm"

	"yqyb/internal/apikey"
	"yqyb/internal/audit"
	"yqyb/internal/platform/apperr"
	"yqyb/internal/platform/clock"
	"yqyb/internal/rbac"
	"yqyb/internal/session"
)

// Statuses.
const (
	StatusActive   = "active"
	StatusDisabled = "disabled"
)

// Where a password came from (users.password_origin).
const (
	OriginDerived   = "derived"   // the FAQ 23 formula, from the enterprise's data
	OriginTemporary = "temporary" // made by a reset or at creation, shown once
	OriginChosen    = "chosen"    // set by the user
)

// User is a row of users.
type User struct {
	ID                 int64
	Kind               string
	LoginName          string
	DisplayName        string
	Phone              string
	PasswordHash       string
	MustChangePassword bool
	EnterpriseID       *int64
	RegionID           *int64
	PostID             *int64
	Status             string
	PasswordOrigin     string
	CredentialsBy      *int64 // who created the account or last reset its password
	TokenVersion       int64
	LastLoginAt        *time.Time
	PasswordChangedAt  *time.Time
	// PasswordIssuedAt is when the current password was set, by the user or for it (NULL only on rows
	// older than migration 0010 that it could not date; CreatedAt stands in).
	PasswordIssuedAt *time.Time
	CreatedAt        time.Time
	UpdatedAt        time.Time
	DeletedAt        *time.Time
}

// Errors of this domain.
var (
	ErrUserNotFound   = apperr.New(apperr.NotFound, "user_not_found", "用户不存在")
	ErrLoginNameTaken = apperr.New(apperr.Conflict, "login_name_taken", "登录名已被使用（与已有岗位账号、企业名称或监管账号重名），请换一个")
	ErrBadLoginName   = apperr.New(apperr.Invalid, "invalid_login_name", "登录名应为2至50个字符，不能含空白或控制字符")
	ErrWrongPassword  = apperr.New(apperr.Invalid, "wrong_password", "原密码不正确")
	ErrNotManageable  = apperr.New(apperr.Forbidden, "user_not_manageable", "只能管理本企业的岗位用户")
	ErrSelf           = apperr.New(apperr.Forbidden, "cannot_change_self", "不能停用或删除自己的账号")
)

// NormalizeLoginName folds the forms a name can be typed in (full-width letters and brackets, surrounding
// spaces) into the one stored, so that "北京（中国）" and "北京(中国)" are the same name.
func NormalizeLoginName(s string) string {
	return strings.TrimSpace(norm.NFKC.String(s))
}

// ValidLoginName reports whether a normalized login name is acceptable.
func ValidLoginName(s string) bool {
	n := len([]rune(s))
	if n < 2 || n > 50 {
		return false
	}
	for _, r := range s {
		if unicode.IsSpace(r) || unicode.IsControl(r) {
			return false
		}
	}
	return true
}

// Service manages accounts.
type Service struct {
	db     *gorm.DB
	clk    clock.Clock
	hasher Hasher
	// initialTTL is how long a derived initial password works after it was issued.
	initialTTL time.Duration
}

// DefaultInitialPasswordTTL is YQYB_INITIAL_PASSWORD_TTL's default.
const DefaultInitialPasswordTTL = 30 * 24 * time.Hour

// NewService returns the account service; derived initial passwords expire after
// DefaultInitialPasswordTTL until SetInitialPasswordTTL says otherwise.
func NewService(db *gorm.DB, clk clock.Clock, hasher Hasher) *Service {
	return &Service{db: db, clk: clk, hasher: hasher, initialTTL: DefaultInitialPasswordTTL}
}

// SetInitialPasswordTTL sets how long a derived initial password works (YQYB_INITIAL_PASSWORD_TTL); it is
// called once while the server is built.
func (s *Service) SetInitialPasswordTTL(d time.Duration) {
	if d > 0 {
		s.initialTTL = d
	}
}

// Hasher exposes the password hasher (authentication verifies with it).
func (s *Service) Hasher() Hasher { return s.hasher }

func (s *Service) now() time.Time { return s.clk.Now().UTC() }

// ByID loads a live account.
func (s *Service) ByID(ctx context.Context, id int64) (User, error) {
	var u User
	err := s.db.WithContext(ctx).Where("id = ? AND deleted_at IS NULL", id).Take(&u).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return u, ErrUserNotFound
	}
	return u, err
}

// ByPersonalLogin finds the account a personal-user login name means.
func (s *Service) ByPersonalLogin(ctx context.Context, name string) (User, error) {
	var u User
	err := s.db.WithContext(ctx).Where("login_name = ? AND kind <> ? AND deleted_at IS NULL", NormalizeLoginName(name), rbac.KindEnterpriseUser).Take(&u).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return u, ErrUserNotFound
	}
	return u, err
}

// ByEnterpriseLogin finds the enterprise-user account of the enterprise with this name or credit code.
func (s *Service) ByEnterpriseLogin(ctx context.Context, nameOrCode string) (User, error) {
	var u User
	name := NormalizeLoginName(nameOrCode)
	err := s.db.WithContext(ctx).Where("kind = ? AND deleted_at IS NULL", rbac.KindEnterpriseUser).
		Where("login_name = ? OR enterprise_id IN (SELECT id FROM enterprises WHERE credit_code = ?)", name, strings.ToUpper(name)).
		Take(&u).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return u, ErrUserNotFound
	}
	return u, err
}

// DerivedInitialPassword is the formula password of an enterprise account (admin or enterprise user), or ""
// for other accounts.
func (s *Service) DerivedInitialPassword(ctx context.Context, u User) string {
	if u.EnterpriseID == nil || u.Kind == rbac.KindPostUser {
		return ""
	}
	var e struct{ Name, CreditCode, LegalPhone string }
	if err := s.db.WithContext(ctx).Table("enterprises").Select("name, credit_code, legal_phone").Where("id = ?", *u.EnterpriseID).Scan(&e).Error; err != nil {
		return ""
	}
	return InitialPassword(e.Name, e.CreditCode, e.LegalPhone)
}

// loginStampStep is how stale last_login_at may be before a login writes it again. A "last login" up to a
// minute old is still the truth users need, and the audit log keeps every login with its exact time; what is
// gained is that a burst of logins to one shared account (an enterprise login used by a whole shift) no
// longer queues on that user's row lock, one commit after another.
const loginStampStep = time.Minute

// RecordLogin stamps a successful login, unless a login in the last loginStampStep already did.
func (s *Service) RecordLogin(ctx context.Context, tx *gorm.DB, id int64) error {
	now := s.now()
	return tx.WithContext(ctx).Model(&User{}).
		Where("id = ? AND (last_login_at IS NULL OR last_login_at <= ?)", id, now.Add(-loginStampStep)).
		Update("last_login_at", now).Error
}

// ChangePassword sets a user's own new password after checking the old one and the policy. The user's
// other sessions end and its token version moves; keepSession stays valid.
func (s *Service) ChangePassword(ctx context.Context, a audit.Actor, id int64, oldPw, newPw, keepSession string) error {
	u, err := s.ByID(ctx, id)
	if err != nil {
		return err
	}
	if !s.hasher.Verify(u.PasswordHash, oldPw) {
		return ErrWrongPassword
	}
	if err := CheckPolicy(newPw, u.LoginName, oldPw, s.DerivedInitialPassword(ctx, u)); err != nil {
		return err
	}
	hash, err := s.hasher.Hash(newPw)
	if err != nil {
		return err
	}
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		now := s.now()
		if err := tx.Model(&User{}).Where("id = ?", id).Updates(map[string]any{
			"password_hash": hash, "must_change_password": false, "password_changed_at": now, "password_issued_at": now, "password_origin": OriginChosen,
			"token_version": gorm.Expr("token_version + 1"), "updated_at": now,
		}).Error; err != nil {
			return err
		}
		if err := endAccess(ctx, tx, now, a, id, session.ReasonPasswordChange, keepSession); err != nil {
			return err
		}
		return audit.Record(ctx, tx, now, a, audit.Entry{Action: audit.PasswordChange, EnterpriseID: deref(u.EnterpriseID),
			RegionID: deref(u.RegionID), TargetType: "user", TargetID: id, TargetName: u.LoginName})
	})
}

// ResetPassword gives an account a new temporary password that must be changed at next login, ends its
// sessions, lifts a lockout, and returns the password to show once. Callers have checked that the actor
// may reset this account.
func (s *Service) ResetPassword(ctx context.Context, a audit.Actor, u User, note string) (string, error) {
	return s.resetPassword(ctx, a, u, note, nil)
}

// resetPassword resets u's password once guard (when given) allows it inside the same transaction.
func (s *Service) resetPassword(ctx context.Context, a audit.Actor, u User, note string, guard func(tx *gorm.DB) error) (string, error) {
	pw := TemporaryPassword()
	hash, err := s.hasher.Hash(pw)
	if err != nil {
		return "", err
	}
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if guard != nil {
			if err := guard(tx); err != nil {
				return err
			}
		}
		now := s.now()
		if err := tx.Model(&User{}).Where("id = ?", u.ID).Updates(map[string]any{
			"password_hash": hash, "must_change_password": true, "password_origin": OriginTemporary, "password_issued_at": now,
			"token_version": gorm.Expr("token_version + 1"), "updated_at": now, "credentials_by": issuer(a),
		}).Error; err != nil {
			return err
		}
		if err := endAccess(ctx, tx, now, a, u.ID, session.ReasonPasswordReset, ""); err != nil {
			return err
		}
		if err := LiftLockout(ctx, tx, now, ThrottleKey(u)); err != nil {
			return err
		}
		return audit.Record(ctx, tx, now, a, audit.Entry{Action: audit.PasswordReset, EnterpriseID: deref(u.EnterpriseID),
			RegionID: deref(u.RegionID), TargetType: "user", TargetID: u.ID, TargetName: u.LoginName, Note: note})
	})
	return pw, err
}

// ThrottleKey names the failed-login budget an account draws on (see auth). The enterprise admin and the
// enterprise-user account are two doors to one enterprise with one derived initial password, so they share
// the enterprise's budget: two accounts must not double the guesses an attacker gets. Every other account
// has its own.
func ThrottleKey(u User) string {
	if u.EnterpriseID != nil && (u.Kind == rbac.KindEnterpriseAdmin || u.Kind == rbac.KindEnterpriseUser) {
		return "ent:" + strconv.FormatInt(*u.EnterpriseID, 10)
	}
	return "u:" + strconv.FormatInt(u.ID, 10)
}

// LiftLockout ends a lockout and forgets the failures counted under key, when an administrator or
// regulator gives the account a new password. The lockout history stays, so that a burst after the
// reset still meets a longer lockout.
func LiftLockout(ctx context.Context, tx *gorm.DB, now time.Time, key string) error {
	now = now.UTC()
	return tx.WithContext(ctx).Exec(`UPDATE login_throttle SET failures = 0,
		locked_until = CASE WHEN locked_until > ? THEN ? ELSE locked_until END WHERE key = ?`, now, now, key).Error
}

// setStatus disables or enables an account; disabling ends its sessions and tokens at once.
func (s *Service) setStatus(ctx context.Context, a audit.Actor, u User, status string, guard func(tx *gorm.DB) error) error {
	if u.Status == status {
		return nil
	}
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if guard != nil {
			if err := guard(tx); err != nil {
				return err
			}
		}
		now := s.now()
		if err := tx.Model(&User{}).Where("id = ?", u.ID).Updates(map[string]any{
			"status": status, "token_version": gorm.Expr("token_version + 1"), "updated_at": now,
		}).Error; err != nil {
			return err
		}
		action := audit.UserEnable
		if status == StatusDisabled {
			action = audit.UserDisable
			if err := endAccess(ctx, tx, now, a, u.ID, session.ReasonDisabled, ""); err != nil {
				return err
			}
		}
		return audit.Record(ctx, tx, now, a, audit.Entry{Action: action, EnterpriseID: deref(u.EnterpriseID), RegionID: deref(u.RegionID),
			TargetType: "user", TargetID: u.ID, TargetName: u.LoginName, Before: map[string]any{"status": u.Status}, After: map[string]any{"status": status}})
	})
}

// createUser inserts an account and maps a taken login name to its error.
func createUser(tx *gorm.DB, u *User) error {
	err := tx.Create(u).Error
	if errors.Is(err, gorm.ErrDuplicatedKey) {
		return ErrLoginNameTaken
	}
	return err
}

// issuer is the actor as users.credentials_by records it (NULL for the system itself).
func issuer(a audit.Actor) *int64 {
	if a.ID == 0 {
		return nil
	}
	return &a.ID
}

func deref(p *int64) int64 {
	if p == nil {
		return 0
	}
	return *p
}

// keyReasons names, for the audit log, why the system revokes an account's API keys.
var keyReasons = map[string]string{
	session.ReasonPasswordChange: apikey.ReasonPasswordChange,
	session.ReasonPasswordReset:  apikey.ReasonPasswordReset,
	session.ReasonDisabled:       apikey.ReasonDisabled,
	session.ReasonDeleted:        apikey.ReasonDeleted,
}

// endAccess ends, in tx, everything that lets someone act as the account: its sessions (but keep) and the
// API keys it created. A password change, a password reset, a disable and a delete all take an account
// back from whoever held it, and a key made by an intruder is as much theirs as a session is.
func endAccess(ctx context.Context, tx *gorm.DB, now time.Time, a audit.Actor, userID int64, reason, keep string) error {
	if err := session.RevokeUser(ctx, tx, now, userID, reason, keep); err != nil {
		return err
	}
	return apikey.RevokeCreatedBy(ctx, tx, now, userID, a, keyReasons[reason])
}
