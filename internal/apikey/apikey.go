package apikey

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"yqyb/internal/audit"
	"yqyb/internal/platform/apperr"
	"yqyb/internal/platform/clock"
	"yqyb/internal/platform/listq"
	"yqyb/internal/platform/ratelimit"
)

// Defaults and bounds of a key's rate limit, in requests per minute.
const (
	DefaultRateLimit = 600
	MaxRateLimit     = 6000
)

// touchEvery is how stale a key's last use may be before a request records it again: a key polled
// several times a second is not written several times a second.
const touchEvery = time.Minute

// Errors of API keys. Their codes are part of the API.
var (
	ErrNotFound    = apperr.New(apperr.NotFound, "api_key_not_found", "API密钥不存在")
	ErrRevoked     = apperr.New(apperr.Conflict, "api_key_already_revoked", "该API密钥已吊销")
	ErrNoOwner     = apperr.New(apperr.Forbidden, "api_key_owner_required", "只有企业管理账号或监管账号可以管理API密钥")
	ErrRateLimited = apperr.New(apperr.TooMany, "api_key_rate_limited", "该API密钥的请求过于频繁，请稍后再试")
	// ErrCreatorAccessEnded: the account was disabled, deleted or its password reset while the request was on
	// its way (the same answer as any request of an ended session).
	ErrCreatorAccessEnded = apperr.New(apperr.Unauthenticated, "session_ended", "登录已失效，请重新登录")
)

// Key is the table row.
type Key struct {
	ID           int64 `gorm:"primaryKey"`
	Prefix       string
	SecretHash   string
	Name         string
	UserID       int64
	EnterpriseID *int64
	RegionID     *int64
	Scopes       string
	RateLimit    int
	ExpiresAt    *time.Time
	CreatedAt    time.Time
	LastUsedAt   *time.Time
	LastUsedIP   string
	RevokedAt    *time.Time
	RevokedBy    *int64
}

// TableName is the table of keys.
func (Key) TableName() string { return "api_keys" }

// Statuses of a key as listed.
const (
	StatusActive  = "active"
	StatusExpired = "expired"
	StatusRevoked = "revoked"
)

// View is a key as listed: everything but its secret, which is never stored.
type View struct {
	ID         int64      `json:"id"`
	Name       string     `json:"name" example:"区数据交换平台"`
	Prefix     string     `json:"prefix" example:"yqyb_k3j9x2ab"`
	Scopes     []string   `json:"scopes" example:"stats:read,feed:read"`
	RateLimit  int        `json:"rate_limit" example:"600" minimum:"1" maximum:"6000"` // requests per minute
	ExpiresAt  *time.Time `json:"expires_at" format:"date-time" extensions:"x-nullable"`
	CreatedAt  time.Time  `json:"created_at" format:"date-time"`
	CreatedBy  string     `json:"created_by"`
	LastUsedAt *time.Time `json:"last_used_at" format:"date-time" extensions:"x-nullable"`
	LastUsedIP string     `json:"last_used_ip"`
	RevokedAt  *time.Time `json:"revoked_at" format:"date-time" extensions:"x-nullable"`
	Status     string     `json:"status" enums:"active,expired,revoked"`
} // @name APIKey

// Created is a new key with its secret, shown this once.
type Created struct {
	APIKey View `json:"api_key"`
	// Key is the whole key (yqyb_<prefix>_<secret>); it cannot be shown again.
	Key string `json:"key" example:"yqyb_k3j9x2ab_7f2c…"`
} // @name CreatedAPIKey

// CreateInput is a new key.
type CreateInput struct {
	Name   string   `json:"name" label:"名称" validate:"required,max=50" example:"区数据交换平台"`
	Scopes []string `json:"scopes" label:"权限范围" validate:"required,min=1,max=6,dive,required,max=40" example:"stats:read"`
	// RateLimit is in requests per minute; 0 or absent: 600.
	RateLimit int `json:"rate_limit,omitempty" label:"每分钟请求上限" validate:"omitempty,min=1,max=6000" minimum:"1" maximum:"6000"`
	// ExpiresAt is optional; a key without it lasts until revoked.
	ExpiresAt *time.Time `json:"expires_at,omitempty" label:"过期时间" format:"date-time"`
} // @name APIKeyInput

// Owner is the account managing keys: an enterprise's (EnterpriseID) or a regulator (RegionID, no
// enterprise). It sees and revokes the keys of its enterprise or of its region.
type Owner struct {
	UserID       int64
	Kind         string
	EnterpriseID int64
	RegionID     int64
	// SessionID is the login session the request came with; Create checks it is still live.
	SessionID string
	Actor     audit.Actor
}

// Service manages keys.
type Service struct {
	db      *gorm.DB
	clk     clock.Clock
	limiter *ratelimit.Limiter
}

// NewService returns the key service.
func NewService(db *gorm.DB, clk clock.Clock) *Service {
	return &Service{db: db, clk: clk, limiter: ratelimit.New(db, clk)}
}

// owned narrows a query to the keys the owner manages, failing closed for an owner with neither an
// enterprise nor a region.
func owned(tx *gorm.DB, o Owner) (*gorm.DB, error) {
	switch {
	case o.EnterpriseID != 0:
		return tx.Where("api_keys.enterprise_id = ?", o.EnterpriseID), nil
	case o.RegionID != 0:
		return tx.Where("api_keys.enterprise_id IS NULL AND api_keys.region_id = ?", o.RegionID), nil
	}
	return nil, ErrNoOwner
}

// Create makes a key for the owner. The key acts as the owner narrowed to its scopes, so the scopes must
// be ones the owner's kind of account can use.
func (s *Service) Create(ctx context.Context, o Owner, in CreateInput) (Created, error) {
	if o.EnterpriseID == 0 && o.RegionID == 0 {
		return Created{}, ErrNoOwner
	}
	now := s.clk.Now()
	var bad []apperr.FieldError
	usable := ScopesFor(o.Kind)
	var scopes []string
	for _, name := range in.Scopes {
		if !slices.ContainsFunc(usable, func(sc Scope) bool { return sc.Name == name }) {
			bad = append(bad, apperr.FieldError{Field: "scopes", Message: fmt.Sprintf("权限范围“%s”不存在或不适用于本账号", name)})
			continue
		}
		if !slices.Contains(scopes, name) {
			scopes = append(scopes, name)
		}
	}
	if in.ExpiresAt != nil && !in.ExpiresAt.After(now) {
		bad = append(bad, apperr.FieldError{Field: "expires_at", Message: "过期时间应晚于当前时间"})
	}
	name := strings.TrimSpace(in.Name)
	if name == "" {
		bad = append(bad, apperr.FieldError{Field: "name", Message: "名称为必填字段"})
	}
	if len(bad) > 0 {
		return Created{}, apperr.Validation(bad...)
	}
	limit := in.RateLimit
	if limit == 0 {
		limit = DefaultRateLimit
	}
	key, prefix, hash, err := generate()
	if err != nil {
		return Created{}, err
	}
	row := Key{Prefix: prefix, SecretHash: hash, Name: name, UserID: o.UserID, Scopes: joinScopes(scopes), RateLimit: limit,
		CreatedAt: now.UTC()}
	if in.ExpiresAt != nil {
		t := in.ExpiresAt.UTC()
		row.ExpiresAt = &t
	}
	if o.EnterpriseID != 0 {
		row.EnterpriseID = &o.EnterpriseID
	} else {
		row.RegionID = &o.RegionID
	}
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := creatorAccessLasts(tx, o); err != nil {
			return err
		}
		if err := tx.Create(&row).Error; err != nil {
			return err
		}
		return audit.Record(ctx, tx, now, o.Actor, audit.Entry{Action: audit.APIKeyCreate, TargetType: "api_key", TargetID: row.ID,
			TargetName: Label(prefix) + " " + name, After: map[string]any{"scopes": scopes, "rate_limit": limit, "expires_at": row.ExpiresAt}})
	})
	if err != nil {
		return Created{}, err
	}
	return Created{APIKey: s.view(row, o.Actor.Name), Key: key}, nil
}

// creatorAccessLasts refuses a key whose creator's access ended while the request was on its way. A
// password change or reset, a disable or a delete updates the account's row and, in the same transaction,
// revokes the keys the account created (account.endAccess). Locking that row here waits for such a change
// that is committing, and the checks after it then see its result: either its revocation sees this key, or
// this key is refused. (SQLite runs one writer at a time, which serialises the two by itself.)
func creatorAccessLasts(tx *gorm.DB, o Owner) error {
	q := tx.Table("users").Select("id").Where("id = ? AND status = ? AND deleted_at IS NULL", o.UserID, "active")
	if tx.Dialector.Name() == "postgres" {
		q = q.Clauses(clause.Locking{Strength: clause.LockingStrengthShare})
	}
	var ids []int64
	if err := q.Scan(&ids).Error; err != nil {
		return err
	}
	if len(ids) == 0 {
		return ErrCreatorAccessEnded
	}
	if o.SessionID == "" {
		return nil
	}
	var live int64
	if err := tx.Table("auth_sessions").Where("id = ? AND user_id = ? AND revoked_at IS NULL", o.SessionID, o.UserID).Count(&live).Error; err != nil {
		return err
	}
	if live == 0 {
		return ErrCreatorAccessEnded
	}
	return nil
}

// listRow is a key with its creator's login name.
type listRow struct {
	Key
	CreatedBy string
}

// Spec is the sorting the key list accepts.
var Spec = listq.Spec{
	Sorts:    map[string]string{"id": "api_keys.id", "created_at": "api_keys.created_at", "last_used_at": "api_keys.last_used_at"},
	Default:  []listq.Order{{Field: "id", Desc: true}},
	Tiebreak: "api_keys.id",
}

// List pages through the owner's keys, revoked ones included (they stay for the record).
func (s *Service) List(ctx context.Context, o Owner, q listq.Query) (listq.Page[View], error) {
	tx, err := owned(s.db.WithContext(ctx).Table("api_keys"), o)
	if err != nil {
		return listq.Page[View]{}, err
	}
	count := tx.Session(&gorm.Session{})
	rows := tx.Session(&gorm.Session{}).Select("api_keys.*, COALESCE(users.login_name, '') AS created_by").
		Joins("LEFT JOIN users ON users.id = api_keys.user_id")
	page, err := listq.FetchCounted[listRow](rows, count, q)
	if err != nil {
		return listq.Page[View]{}, err
	}
	out := listq.Page[View]{Items: make([]View, 0, len(page.Items)), Total: page.Total, Page: page.Page, PageSize: page.PageSize}
	for _, r := range page.Items {
		out.Items = append(out.Items, s.view(r.Key, r.CreatedBy))
	}
	return out, nil
}

func (s *Service) view(k Key, createdBy string) View {
	v := View{ID: k.ID, Name: k.Name, Prefix: Label(k.Prefix), Scopes: SplitScopes(k.Scopes), RateLimit: k.RateLimit,
		ExpiresAt: k.ExpiresAt, CreatedAt: k.CreatedAt, CreatedBy: createdBy, LastUsedAt: k.LastUsedAt, LastUsedIP: k.LastUsedIP,
		RevokedAt: k.RevokedAt, Status: StatusActive}
	switch {
	case k.RevokedAt != nil:
		v.Status = StatusRevoked
	case k.ExpiresAt != nil && !s.clk.Now().Before(*k.ExpiresAt):
		v.Status = StatusExpired
	}
	return v
}

// Revoke ends a key of the owner's at once: the update's trigger tells every instance to drop the key
// from its session cache in the same commit (migration 0021). A key of another enterprise or region is
// not found.
func (s *Service) Revoke(ctx context.Context, o Owner, id int64) (View, error) {
	var out View
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		q, err := owned(tx.Model(&Key{}), o)
		if err != nil {
			return err
		}
		var k Key
		err = q.Where("api_keys.id = ?", id).Take(&k).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		if k.RevokedAt != nil {
			return ErrRevoked
		}
		now := s.clk.Now().UTC()
		res := tx.Model(&Key{}).Where("id = ? AND revoked_at IS NULL", k.ID).Updates(map[string]any{"revoked_at": now, "revoked_by": o.UserID})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return ErrRevoked
		}
		k.RevokedAt = &now
		if err := audit.Record(ctx, tx, now, o.Actor, audit.Entry{Action: audit.APIKeyRevoke, TargetType: "api_key", TargetID: k.ID,
			TargetName: Label(k.Prefix) + " " + k.Name}); err != nil {
			return err
		}
		var creator string
		if err := tx.Raw("SELECT login_name FROM users WHERE id = ?", k.UserID).Scan(&creator).Error; err != nil {
			return err
		}
		out = s.view(k, creator)
		return nil
	})
	return out, err
}

// Use is one request made with a key.
type Use struct {
	KeyID     int64
	Prefix    string
	RateLimit int
	Actor     audit.Actor // the creator, the key, the address and the request id
	Method    string
	Path      string // the route, as the route table names it
}

// Admit counts a request against the key's rate limit (shared by every instance, per minute), and when
// it is admitted records the use: in the audit log, by key, and as the key's last use (at most once a
// minute per key and address, so a busy key does not write its row on every request).
func (s *Service) Admit(ctx context.Context, u Use) error {
	ok, retry, err := s.limiter.Allow(ctx, "api-key:"+u.Prefix, u.RateLimit, time.Minute)
	if err != nil {
		return err
	}
	if !ok {
		return ErrRateLimited.WithDetails(map[string]any{"retry_after_seconds": int(retry.Seconds()) + 1, "limit_per_minute": u.RateLimit})
	}
	now := s.clk.Now().UTC()
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Exec(`UPDATE api_keys SET last_used_at = ?, last_used_ip = ?
			WHERE id = ? AND (last_used_at IS NULL OR last_used_at < ? OR last_used_ip <> ?)`,
			now, u.Actor.IP, u.KeyID, now.Add(-touchEvery), u.Actor.IP).Error; err != nil {
			return err
		}
		return audit.Record(ctx, tx, now, u.Actor, audit.Entry{Action: audit.APIKeyUse, TargetType: "api_key", TargetID: u.KeyID,
			TargetName: Label(u.Prefix), Note: u.Method + " " + u.Path})
	})
	return err
}

// SystemActor is who the audit log names for a revocation no person made: the system ends a creator's keys
// when the creator's credentials change.
const SystemActor = "系统"

// Reasons the system revokes a creator's keys (the audit note).
const (
	ReasonPasswordChange = "创建账号修改了密码，系统吊销其创建的API密钥"
	ReasonPasswordReset  = "创建账号的密码被重置，系统吊销其创建的API密钥"
	ReasonDisabled       = "创建账号被停用，系统吊销其创建的API密钥"
	ReasonDeleted        = "创建账号被删除，系统吊销其创建的API密钥"
)

// RevokeCreatedBy ends, inside tx (the transaction changing the account), every live key the user created:
// a key acts as its creator, so a key an intruder made with a hijacked account must not outlive the
// password reset, password change or disable that takes the account back. Each revocation is audited as the
// system's (no actor id, revoked_by NULL), with by's address and request id and the reason; the update's
// trigger empties every instance's session cache (migration 0021), as a revocation by hand does.
func RevokeCreatedBy(ctx context.Context, tx *gorm.DB, now time.Time, userID int64, by audit.Actor, reason string) error {
	var keys []Key
	if err := tx.WithContext(ctx).Where("user_id = ? AND revoked_at IS NULL", userID).Order("id").Find(&keys).Error; err != nil {
		return err
	}
	if len(keys) == 0 {
		return nil
	}
	now = now.UTC()
	ids := make([]int64, len(keys))
	for i, k := range keys {
		ids[i] = k.ID
	}
	if err := tx.WithContext(ctx).Model(&Key{}).Where("id IN ? AND revoked_at IS NULL", ids).
		Updates(map[string]any{"revoked_at": now, "revoked_by": nil}).Error; err != nil {
		return err
	}
	sys := audit.Actor{Name: SystemActor, IP: by.IP, RequestID: by.RequestID}
	for _, k := range keys {
		if err := audit.Record(ctx, tx, now, sys, audit.Entry{Action: audit.APIKeyRevoke, EnterpriseID: deref(k.EnterpriseID),
			RegionID: deref(k.RegionID), TargetType: "api_key", TargetID: k.ID, TargetName: Label(k.Prefix) + " " + k.Name,
			Note: reason}); err != nil {
			return err
		}
	}
	return nil
}

func deref(p *int64) int64 {
	if p == nil {
		return 0
	}
	return *p
}
