// Package auth signs users in and recognises them afterwards: the two login modes (个人用户登录 and
// 企业用户登录), failed-login lockout and per-IP rate limits shared by all instances, short-lived access
// tokens (HS256, algorithm pinned, signed by a keyring whose keys are named by kid so they can rotate) and
// rotating refresh tokens, and authentication of every request, which checks the token's session and user
// so that a logout, password change, reset, disable or grant change stops older tokens at once on every
// instance: against the database, or against the instance's session cache, which every such change empties
// through PostgreSQL's LISTEN/NOTIFY (cache.go, listen.go).
package auth

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"gorm.io/gorm"

	"yqyb/internal/account"
	"yqyb/internal/audit"
	"yqyb/internal/platform/apperr"
	"yqyb/internal/platform/clock"
	"yqyb/internal/platform/ratelimit"
	"yqyb/internal/rbac"
	"yqyb/internal/session"
)

// Login modes.
const (
	ModePersonal   = "personal"
	ModeEnterprise = "enterprise"
)

// Config holds the lifetimes and limits of authentication.
type Config struct {
	// Keys sign and verify access tokens: the first signs, every one verifies the tokens whose kid names it.
	Keys          []Key
	AccessTTL     time.Duration
	Sessions      session.Lifetimes
	LockThreshold int
	LockDuration  time.Duration
	// LockEscalation are the durations of the second, third, … lockout that starts within lockoutMemory of
	// the previous one's end; the last repeats. Empty: every lockout lasts LockDuration.
	LockEscalation []time.Duration
	LoginPerIP     int // login attempts per IP (IPv6: per /64) per minute
}

// DefaultConfig returns the documented defaults around the signing keys (the first signs).
func DefaultConfig(keys ...Key) Config {
	return Config{
		Keys:           keys,
		AccessTTL:      15 * time.Minute,
		Sessions:       session.Lifetimes{Refresh: 7 * 24 * time.Hour, Absolute: 30 * 24 * time.Hour},
		LockThreshold:  5,
		LockDuration:   15 * time.Minute,
		LockEscalation: []time.Duration{time.Hour, 24 * time.Hour},
		LoginPerIP:     30,
	}
}

// Errors of authentication. Their codes are part of the API: the SPA refreshes on token_expired and
// token_revoked, and sends the user to the password page on password_change_required.
var (
	ErrInvalidCredentials     = apperr.New(apperr.Unauthenticated, "invalid_credentials", "用户名或密码错误")
	ErrLocked                 = apperr.New(apperr.Locked, "account_locked", "连续输错密码次数过多，账号已锁定")
	ErrDisabled               = apperr.New(apperr.Forbidden, "account_disabled", "账号已停用，请联系管理员")
	ErrTooManyLogins          = apperr.New(apperr.TooMany, "too_many_requests", "登录尝试过于频繁，请稍后再试")
	ErrTokenMissing           = apperr.New(apperr.Unauthenticated, "unauthorized", "请先登录")
	ErrTokenExpired           = apperr.New(apperr.Unauthenticated, "token_expired", "登录已过期，请重新登录")
	ErrTokenInvalid           = apperr.New(apperr.Unauthenticated, "token_invalid", "登录凭证无效，请重新登录")
	ErrTokenRevoked           = apperr.New(apperr.Unauthenticated, "token_revoked", "登录状态已失效（密码、账号状态或权限已变更），请重新登录")
	ErrRefreshInvalid         = apperr.New(apperr.Unauthenticated, "refresh_invalid", "登录已过期，请重新登录")
	ErrRefreshReused          = apperr.New(apperr.Unauthenticated, "refresh_reused", "检测到登录凭证被重复使用，为安全起见已退出登录，请重新登录")
	ErrSessionEnded           = apperr.New(apperr.Unauthenticated, "session_ended", "登录已失效，请重新登录")
	ErrPasswordChangeRequired = apperr.New(apperr.Forbidden, "password_change_required", "首次登录或密码被重置后，须先修改密码")
)

// Service is authentication.
type Service struct {
	db       *gorm.DB
	clk      clock.Clock
	cfg      Config
	keys     *Keyring
	accounts *account.Service
	limiter  *ratelimit.Limiter
	// dummyHash is verified against when no account matches, so a wrong name takes as long as a wrong
	// password and timing reveals nothing.
	dummyHash string
	// gates queue this instance's concurrent attempts at one account (see throttle.go).
	gates gates
	// cache keeps the rows of recently authenticated sessions (nil: none).
	cache *Cache
}

// NewService returns the authentication service.
func NewService(db *gorm.DB, clk clock.Clock, cfg Config, accounts *account.Service) (*Service, error) {
	keys, err := NewKeyring(cfg.Keys...)
	if err != nil {
		return nil, err
	}
	dummy, err := accounts.Hasher().Hash("no-such-account-" + strconv.FormatInt(time.Now().UnixNano(), 36))
	if err != nil {
		return nil, err
	}
	return &Service{db: db, clk: clk, cfg: cfg, keys: keys, accounts: accounts, limiter: ratelimit.New(db, clk), dummyHash: dummy}, nil
}

// Meta is where a request came from.
type Meta struct {
	IP        string
	UserAgent string
	RequestID string
}

func (m Meta) actor(u account.User) audit.Actor {
	a := audit.Actor{IP: m.IP, RequestID: m.RequestID}
	if u.ID != 0 {
		a.ID, a.Name = u.ID, u.LoginName
	}
	if u.EnterpriseID != nil {
		a.EnterpriseID = *u.EnterpriseID
	}
	if u.RegionID != nil {
		a.RegionID = *u.RegionID
	}
	return a
}

// LoginInput is a login attempt.
type LoginInput struct {
	Mode     string `json:"mode" label:"登录方式" validate:"required,oneof=personal enterprise" enums:"personal,enterprise"`
	Username string `json:"username" label:"用户名" validate:"required,max=100" example:"北京朝阳示范商场有限公司"`
	Password string `json:"password" label:"密码" validate:"required,max=200"`
}

// Tokens is what a login or refresh returns.
type Tokens struct {
	AccessToken        string `json:"access_token"`
	RefreshToken       string `json:"refresh_token,omitempty"`
	TokenType          string `json:"token_type" example:"Bearer"`
	ExpiresIn          int    `json:"expires_in" example:"900"`
	MustChangePassword bool   `json:"must_change_password"`
	// RefreshExpiresAt is when an unused refresh token lapses: the browser's refresh cookie expires then.
	RefreshExpiresAt time.Time `json:"-"`
} // @name Tokens

// Login checks a login attempt and opens a session.
//
// Every attempt first reserves one of the account's LockThreshold attempts in one atomic statement (see
// throttle.go), and only a reserved attempt has its password verified: however many logins arrive at once,
// on however many instances, at most LockThreshold passwords are verified per lock window. A right password
// then claims the budget back, which fails if the lock was taken while it was being verified.
func (s *Service) Login(ctx context.Context, in LoginInput, m Meta) (Tokens, error) {
	ok, retry, err := s.limiter.Allow(ctx, "login-ip:"+ClientKey(m.IP), s.cfg.LoginPerIP, time.Minute)
	if err != nil {
		return Tokens{}, err
	}
	if !ok {
		return Tokens{}, ErrTooManyLogins.WithDetails(map[string]any{"retry_after_seconds": int(retry.Seconds()) + 1})
	}
	name := account.NormalizeLoginName(in.Username)
	var u account.User
	if in.Mode == ModeEnterprise {
		u, err = s.accounts.ByEnterpriseLogin(ctx, name)
	} else {
		u, err = s.accounts.ByPersonalLogin(ctx, name)
	}
	found := err == nil
	if err != nil && !errors.Is(err, account.ErrUserNotFound) {
		return Tokens{}, err
	}
	// A name that matches no account has a budget of its own, so it locks exactly like one that does.
	key := "n:" + in.Mode + ":" + name
	if found {
		key = account.ThrottleKey(u)
	}
	failedEntry := audit.Entry{Action: audit.LoginFailed, TargetType: "user", TargetID: u.ID, TargetName: name}
	deadline := time.Now().Add(inFlightWait)
	release, entered, err := s.gates.enter(ctx, key, s.cfg.LockThreshold, deadline)
	if err != nil {
		return Tokens{}, err
	}
	att := attempt{busy: true}
	if entered {
		defer release()
		if att, err = s.reserveWaiting(ctx, key, deadline); err != nil {
			return Tokens{}, err
		}
	}
	if att.busy {
		failedEntry.Note = "登录尝试过于集中，未校验密码"
		if err := audit.Record(ctx, s.db, s.clk.Now(), m.actor(account.User{}), withTenant(failedEntry, u)); err != nil {
			return Tokens{}, err
		}
		return Tokens{}, ErrTooManyLogins.WithDetails(map[string]any{"retry_after_seconds": 1})
	}
	if !att.reserved {
		return Tokens{}, s.refuseLocked(ctx, m, u, failedEntry, att.lock)
	}
	hash := s.dummyHash
	if found {
		hash = u.PasswordHash
	}
	if !s.accounts.Hasher().Verify(hash, in.Password) || !found {
		return Tokens{}, s.failed(ctx, key, att, m, u, failedEntry, ErrInvalidCredentials)
	}
	// Right, but a derived initial password past its TTL: refused, and the attempt stays counted (see
	// account.ErrInitialPasswordExpired).
	if s.accounts.InitialPasswordExpired(u) {
		failedEntry.Note = "初始密码已过期"
		return Tokens{}, s.failed(ctx, key, att, m, u, failedEntry, account.ErrInitialPasswordExpired)
	}
	if lock, err := s.claim(ctx, key); err != nil {
		return Tokens{}, err
	} else if lock.active() {
		return Tokens{}, s.refuseLocked(ctx, m, u, failedEntry, lock)
	}
	if u.Status != account.StatusActive {
		failedEntry.Note = "账号已停用"
		if err := audit.Record(ctx, s.db, s.clk.Now(), m.actor(account.User{}), withTenant(failedEntry, u)); err != nil {
			return Tokens{}, err
		}
		return Tokens{}, ErrDisabled
	}
	var sess session.Session
	var refresh string
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var err error
		if sess, refresh, err = session.Start(ctx, tx, s.clk.Now(), s.cfg.Sessions, u.ID, m.IP, m.UserAgent); err != nil {
			return err
		}
		if err := s.accounts.RecordLogin(ctx, tx, u.ID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, s.clk.Now(), m.actor(u), audit.Entry{Action: audit.Login, TargetType: "user", TargetID: u.ID,
			TargetName: u.LoginName, Note: map[string]string{ModePersonal: "个人用户登录", ModeEnterprise: "企业用户登录"}[in.Mode]})
	})
	if err != nil {
		return Tokens{}, err
	}
	return s.tokens(u, sess.ID, refresh)
}

func withTenant(e audit.Entry, u account.User) audit.Entry {
	if u.EnterpriseID != nil {
		e.EnterpriseID = *u.EnterpriseID
	}
	if u.RegionID != nil {
		e.RegionID = *u.RegionID
	}
	return e
}

// refuseLocked records an attempt refused by a lockout and answers it.
func (s *Service) refuseLocked(ctx context.Context, m Meta, u account.User, entry audit.Entry, lock lockState) error {
	entry.Note = "账号锁定中"
	if err := audit.Record(ctx, s.db, s.clk.Now(), m.actor(account.User{}), withTenant(entry, u)); err != nil {
		return err
	}
	return s.lockedError(lock)
}

// lockedError says that the account is locked, for how long in all and how long still.
func (s *Service) lockedError(lock lockState) error {
	left := max(lock.until.Sub(s.clk.Now()), time.Second)
	return ErrLocked.WithMessage(fmt.Sprintf("连续输错密码%d次，账号已锁定%s，请%s后再试", s.cfg.LockThreshold,
		durationText(s.lockDuration(lock.lockouts)), durationText(ceilMinute(left)))).
		WithDetails(map[string]any{"retry_after_seconds": int(left.Seconds()) + 1})
}

// failed answers a verified attempt that did not log in (wrong password, unknown name, expired initial
// password). The attempt was counted when it was reserved; if the budget is now spent the account locks and
// the answer is the lockout, else answer with the attempts left. The answer is the same whether or not the
// name exists.
func (s *Service) failed(ctx context.Context, key string, att attempt, m Meta, u account.User, entry audit.Entry, answer *apperr.Error) error {
	now := s.clk.Now()
	if err := audit.Record(ctx, s.db, now, m.actor(account.User{}), withTenant(entry, u)); err != nil {
		return err
	}
	if att.failures < s.cfg.LockThreshold {
		return answer.WithDetails(map[string]any{"remaining_attempts": s.cfg.LockThreshold - att.failures})
	}
	lock, took, err := s.lock(ctx, key)
	if err != nil {
		return err
	}
	if took {
		note := fmt.Sprintf("连续%d次密码错误，锁定%s，至 %s", s.cfg.LockThreshold, durationText(s.lockDuration(lock.lockouts)),
			lock.until.In(clock.Business).Format(time.DateTime))
		if lock.lockouts > 1 {
			note += fmt.Sprintf("（24小时内第%d次锁定）", lock.lockouts)
		}
		e := withTenant(audit.Entry{Action: audit.Lockout, TargetType: "user", TargetID: u.ID, TargetName: entry.TargetName, Note: note}, u)
		if err := audit.Record(ctx, s.db, now, m.actor(account.User{}), e); err != nil {
			return err
		}
	}
	if lock.active() {
		return s.lockedError(lock)
	}
	// A right password claimed the budget back while this one was verified: it starts over.
	return answer.WithDetails(map[string]any{"remaining_attempts": max(s.cfg.LockThreshold-lock.failures, 1)})
}

// Refresh exchanges a refresh token for new tokens.
func (s *Service) Refresh(ctx context.Context, token string, m Meta) (Tokens, error) {
	sess, next, err := session.Rotate(ctx, s.db, s.clk.Now(), s.cfg.Sessions, token)
	switch {
	case errors.Is(err, session.ErrReused):
		u, _ := s.accounts.ByID(ctx, sess.UserID)
		if err := audit.Record(ctx, s.db, s.clk.Now(), m.actor(account.User{}), withTenant(audit.Entry{Action: audit.RefreshReuse,
			TargetType: "user", TargetID: sess.UserID, TargetName: u.LoginName}, u)); err != nil {
			return Tokens{}, err
		}
		return Tokens{}, ErrRefreshReused
	case errors.Is(err, session.ErrInvalid):
		// Say why a session someone else ended is over, so the user is not left guessing.
		if msg, ok := endedBecause[sess.RevokeReason]; ok {
			return Tokens{}, ErrSessionEnded.WithMessage(msg).WithDetails(map[string]any{"reason": sess.RevokeReason})
		}
		return Tokens{}, ErrRefreshInvalid
	case err != nil:
		return Tokens{}, err
	}
	u, err := s.accounts.ByID(ctx, sess.UserID)
	if errors.Is(err, account.ErrUserNotFound) || err == nil && u.Status != account.StatusActive {
		if err := session.Revoke(ctx, s.db, s.clk.Now(), sess.ID, session.ReasonDisabled); err != nil {
			return Tokens{}, err
		}
		return Tokens{}, ErrRefreshInvalid
	}
	if err != nil {
		return Tokens{}, err
	}
	return s.tokens(u, sess.ID, next)
}

// endedBecause explains sessions ended by something other than the user's own logout or expiry.
var endedBecause = map[string]string{
	session.ReasonPasswordReset:  "密码已被管理员重置，请使用新密码重新登录",
	session.ReasonPasswordChange: "密码已在其他地方修改，请使用新密码重新登录",
	session.ReasonDisabled:       "账号已停用，请联系管理员",
	session.ReasonDeleted:        "账号已删除，请联系管理员",
}

// Logout ends the session a refresh token belongs to. An unknown or already revoked token is not an error:
// the user is logged out either way.
func (s *Service) Logout(ctx context.Context, token string, m Meta) error {
	sess, err := session.SessionOf(ctx, s.db, token)
	if errors.Is(err, session.ErrInvalid) {
		return nil
	}
	if err != nil {
		return err
	}
	if sess.RevokedAt != nil {
		return nil
	}
	u, _ := s.accounts.ByID(ctx, sess.UserID)
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := session.Revoke(ctx, tx, s.clk.Now(), sess.ID, session.ReasonLogout); err != nil {
			return err
		}
		return audit.Record(ctx, tx, s.clk.Now(), m.actor(u), audit.Entry{Action: audit.Logout, TargetType: "user", TargetID: u.ID, TargetName: u.LoginName})
	})
}

// Reissue gives the caller a fresh access token for its current session, e.g. after it changed its own
// password (which moved its token version). The refresh token it holds stays valid.
func (s *Service) Reissue(ctx context.Context, userID int64, sessionID string) (Tokens, error) {
	u, err := s.accounts.ByID(ctx, userID)
	if err != nil {
		return Tokens{}, err
	}
	return s.tokens(u, sessionID, "")
}

// claims are the access token's contents.
type claims struct {
	jwt.RegisteredClaims
	SessionID string `json:"sid"`
	Version   int64  `json:"ver"`
}

const issuer = "yqyb"

func (s *Service) tokens(u account.User, sessionID, refresh string) (Tokens, error) {
	now := s.clk.Now()
	c := claims{
		RegisteredClaims: jwt.RegisteredClaims{
			Issuer: issuer, Subject: strconv.FormatInt(u.ID, 10),
			IssuedAt: jwt.NewNumericDate(now), NotBefore: jwt.NewNumericDate(now.Add(-5 * time.Second)),
			ExpiresAt: jwt.NewNumericDate(now.Add(s.cfg.AccessTTL)),
		},
		SessionID: sessionID,
		Version:   u.TokenVersion,
	}
	tok, err := s.keys.Sign(c)
	if err != nil {
		return Tokens{}, err
	}
	t := Tokens{AccessToken: tok, RefreshToken: refresh, TokenType: "Bearer", ExpiresIn: int(s.cfg.AccessTTL.Seconds()),
		MustChangePassword: u.MustChangePassword}
	if refresh != "" {
		t.RefreshExpiresAt = now.Add(s.cfg.Sessions.Refresh)
	}
	return t, nil
}

// Principal is the authenticated caller of a request.
type Principal struct {
	UserID             int64
	Kind               string
	LoginName          string
	DisplayName        string
	EnterpriseID       int64
	RegionID           int64
	RegionPath         string
	PostID             int64
	SessionID          string
	PolicyVersion      int64
	MustChangePassword bool
	// APIKeyID is set when the caller is a program using an API key (APIKey is its label,
	// yqyb_<prefix>): it acts as the key's creator, narrowed to APIKeyScopes.
	APIKeyID        int64
	APIKey          string
	APIKeyScopes    []string
	APIKeyRateLimit int
}

// Subject is the principal as the authorizer sees it.
func (p Principal) Subject() rbac.Subject {
	// A region path is "/110000/" for the city and one segment longer per level below it.
	s := rbac.Subject{UserID: p.UserID, Kind: p.Kind, PolicyVersion: p.PolicyVersion, CityWide: strings.Count(p.RegionPath, "/") == 2}
	if p.EnterpriseID != 0 {
		s.Domain = rbac.EnterpriseDomain(p.EnterpriseID)
	}
	return s
}

// Actor is the principal as the audit log names it.
func (p Principal) Actor(ip, requestID string) audit.Actor {
	return audit.Actor{ID: p.UserID, Name: p.LoginName, EnterpriseID: p.EnterpriseID, RegionID: p.RegionID, IP: ip, RequestID: requestID,
		APIKeyID: p.APIKeyID, APIKey: p.APIKey}
}

type principalRow struct {
	ID                 int64
	Kind               string
	LoginName          string
	DisplayName        string
	Status             string
	TokenVersion       int64
	MustChangePassword bool
	EnterpriseID       int64
	RegionID           int64
	PostID             int64
	RegionPath         string
	RevokedAt          *time.Time
	ExpiresAt          time.Time
	PolicyVersion      int64
	// An API key's row (apikey.go) also holds the key.
	KeyID        int64
	KeyHash      string
	KeyScopes    string
	KeyRateLimit int
	KeyExpiresAt *time.Time
	KeyCreatedAt time.Time
	// KeyMoved is 1 when the key's creator is no longer in the enterprise or region the key was made in.
	KeyMoved int
}

// Authenticate verifies an access token and loads its user, session and policy version in one query; a
// token whose user was disabled or deleted, whose version moved or whose session ended is refused.
func (s *Service) Authenticate(ctx context.Context, token string) (Principal, error) {
	if token == "" {
		return Principal{}, ErrTokenMissing
	}
	var c claims
	_, err := s.keys.Verify(token, &c, jwt.WithIssuer(issuer), jwt.WithExpirationRequired(), jwt.WithTimeFunc(s.clk.Now))
	if errors.Is(err, jwt.ErrTokenExpired) {
		return Principal{}, ErrTokenExpired
	}
	if err != nil {
		return Principal{}, ErrTokenInvalid
	}
	uid, err := strconv.ParseInt(c.Subject, 10, 64)
	if err != nil || c.SessionID == "" {
		return Principal{}, ErrTokenInvalid
	}
	row, cached := s.cache.get(c.SessionID)
	if !cached || row.ID != uid {
		if row, err = s.loadPrincipal(ctx, c.SessionID, uid); err != nil {
			return Principal{}, err
		}
	}
	if row.ID == 0 || row.Status != account.StatusActive || row.TokenVersion != c.Version || row.RevokedAt != nil || !s.clk.Now().Before(row.ExpiresAt) {
		return Principal{}, ErrTokenRevoked
	}
	return Principal{UserID: row.ID, Kind: row.Kind, LoginName: row.LoginName, DisplayName: row.DisplayName,
		EnterpriseID: row.EnterpriseID, RegionID: row.RegionID, RegionPath: row.RegionPath, PostID: row.PostID,
		SessionID: c.SessionID, PolicyVersion: row.PolicyVersion, MustChangePassword: row.MustChangePassword}, nil
}

// loadPrincipal reads a session's user, session, region path and policy version in one query, and keeps
// the row in the cache unless anything was invalidated while it was read.
func (s *Service) loadPrincipal(ctx context.Context, sessionID string, uid int64) (principalRow, error) {
	gen := s.cache.begin()
	var row principalRow
	err := s.db.WithContext(ctx).Raw(`SELECT u.id, u.kind, u.login_name, u.display_name, u.status, u.token_version,
			u.must_change_password, COALESCE(u.enterprise_id, 0) AS enterprise_id, COALESCE(u.region_id, 0) AS region_id,
			COALESCE(u.post_id, 0) AS post_id, COALESCE(r.path, '') AS region_path, s.revoked_at, s.expires_at,
			COALESCE(d.version, 0) AS policy_version
		FROM users u
		JOIN auth_sessions s ON s.id = ? AND s.user_id = u.id
		LEFT JOIN regions r ON r.id = u.region_id
		LEFT JOIN rbac_domains d ON d.domain = 'e:' || CAST(u.enterprise_id AS TEXT)
		WHERE u.id = ? AND u.deleted_at IS NULL`, sessionID, uid).Scan(&row).Error
	if err != nil {
		return row, err
	}
	// Only a row that names a session of this user is kept; a missing one is read again each time.
	if row.ID != 0 {
		s.cache.put(sessionID, row, gen)
	}
	return row, nil
}

// UseCache makes Authenticate keep the rows it reads in c (nil: read the database every time). The cache
// is used only while it is live (see Cache).
func (s *Service) UseCache(c *Cache) { s.cache = c }

// Cache returns the session cache, nil without one.
func (s *Service) Cache() *Cache { return s.cache }
