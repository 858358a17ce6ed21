// Package idempotency makes a retried write answer what its first attempt answered instead of writing
// twice. A phone on a weak signal often loses the answer to a request that the server did carry out (an
// inspection submitted, a photo uploaded, a hazard fixed); the app sends every such write with an
// Idempotency-Key header it generated once and reuses on every retry.
//
// The first request with a key reserves a row in idempotency_keys (status NULL) before the write runs, and
// the answer (status, content type, body) is stored in that row when the write ends. A retry with the same
// key replays the stored answer; a concurrent duplicate waits for the first to end (up to Wait) and then
// replays it, or answers 409 idempotency_in_progress. The same key with a different request (method, path or
// body) answers 409 idempotency_key_reused. A reservation whose instance died before storing the answer
// stays taken until its lease ends (longer than any request may run), after which a retry runs the write
// again. Keys belong to one account and expire after TTL; the idempotency.prune job deletes expired rows.
package idempotency

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"yqyb/internal/platform/apperr"
	"yqyb/internal/platform/clock"
)

// The defaults: how long a key is honoured, how long a reservation holds against a retry, how long a
// concurrent duplicate waits for the first request's answer.
const (
	DefaultTTL   = 24 * time.Hour
	DefaultLease = 2 * time.Minute
	DefaultWait  = 15 * time.Second
	// MaxKeyLength bounds the header's value (a UUID is 36 characters).
	MaxKeyLength = 100
)

// Errors of the idempotency layer. Their messages are literals: the contract's error examples are read from
// the source (internal/tools/apispec); TestKeyInvalidNamesTheLimit keeps the limit in the text true.
var (
	ErrKeyInvalid = apperr.New(apperr.Invalid, "idempotency_key_invalid",
		"Idempotency-Key 请求头无效：应为 1 到 100 个字母、数字或 - _ . : 字符")
	ErrInProgress = apperr.New(apperr.Conflict, "idempotency_in_progress",
		"同一操作的上一次请求仍在处理中，请稍后重试")
	ErrKeyReused = apperr.New(apperr.Conflict, "idempotency_key_reused",
		"该幂等键已用于另一个不同的请求，不能用于本次请求，请为新的操作生成新的幂等键")
)

// Request identifies one keyed write: whose, which key, and what exactly was asked (Hash covers the body).
type Request struct {
	AccountID int64
	Key       string
	Method    string
	Path      string
	Hash      string
}

// Answer is the stored response of a keyed write.
type Answer struct {
	Status      int
	ContentType string
	Body        []byte
}

// Service stores the keys.
type Service struct {
	db  *gorm.DB
	clk clock.Clock
	// TTL is how long a key is honoured, Lease how long a reservation holds without an answer, Wait how
	// long a concurrent duplicate waits for the answer, Poll how often it looks.
	TTL, Lease, Wait, Poll time.Duration
}

// NewService returns the service with the default durations.
func NewService(db *gorm.DB, clk clock.Clock) *Service {
	return &Service{db: db, clk: clk, TTL: DefaultTTL, Lease: DefaultLease, Wait: DefaultWait, Poll: 50 * time.Millisecond}
}

type record struct {
	ID          int64 `gorm:"primaryKey"`
	AccountID   int64
	IdemKey     string
	Method      string
	Path        string
	RequestHash string
	Status      *int
	ContentType string
	Body        string
	CreatedAt   time.Time
	LeaseUntil  time.Time
	ExpiresAt   time.Time
}

func (record) TableName() string { return "idempotency_keys" }

// ValidKey reports whether a header value can be a key.
func ValidKey(k string) bool {
	if k == "" || len(k) > MaxKeyLength {
		return false
	}
	for _, r := range k {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_', r == '.', r == ':':
		default:
			return false
		}
	}
	return true
}

// Reservation is a key taken by this request; Complete stores its answer, Release gives it up (the write
// failed in a way a retry may not repeat: a server error).
type Reservation struct {
	s  *Service
	id int64
}

// Begin reserves the key for this request, or returns the stored answer of an earlier request with the same
// key (replay non-nil). A concurrent request with the key still running is waited for.
func (s *Service) Begin(ctx context.Context, r Request) (res *Reservation, replay *Answer, err error) {
	if !ValidKey(r.Key) {
		return nil, nil, ErrKeyInvalid
	}
	waitUntil := time.Now().Add(s.Wait)
	for {
		now := s.clk.Now()
		row := record{AccountID: r.AccountID, IdemKey: r.Key, Method: r.Method, Path: r.Path, RequestHash: r.Hash,
			CreatedAt: now, LeaseUntil: now.Add(s.Lease), ExpiresAt: now.Add(s.TTL)}
		ins := s.db.WithContext(ctx).Clauses(clause.OnConflict{
			Columns: []clause.Column{{Name: "account_id"}, {Name: "idem_key"}}, DoNothing: true}).Create(&row)
		if ins.Error != nil {
			return nil, nil, fmt.Errorf("reserve idempotency key: %w", ins.Error)
		}
		if ins.RowsAffected == 1 {
			return &Reservation{s: s, id: row.ID}, nil, nil
		}
		var ex record
		err := s.db.WithContext(ctx).Where("account_id = ? AND idem_key = ?", r.AccountID, r.Key).Take(&ex).Error
		switch {
		case errors.Is(err, gorm.ErrRecordNotFound):
			continue // deleted (expired) in between: reserve again
		case err != nil:
			return nil, nil, fmt.Errorf("read idempotency key: %w", err)
		}
		if !ex.ExpiresAt.After(now) {
			if err := s.db.WithContext(ctx).Where("id = ? AND expires_at <= ?", ex.ID, now).Delete(&record{}).Error; err != nil {
				return nil, nil, fmt.Errorf("drop expired idempotency key: %w", err)
			}
			continue
		}
		if ex.Method != r.Method || ex.Path != r.Path || ex.RequestHash != r.Hash {
			return nil, nil, ErrKeyReused
		}
		if ex.Status != nil {
			return nil, &Answer{Status: *ex.Status, ContentType: ex.ContentType, Body: []byte(ex.Body)}, nil
		}
		if !ex.LeaseUntil.After(now) {
			// The request that reserved the key never stored an answer (its instance stopped): take it over.
			up := s.db.WithContext(ctx).Model(&record{}).Where("id = ? AND status IS NULL AND lease_until = ?", ex.ID, ex.LeaseUntil).
				Update("lease_until", now.Add(s.Lease))
			if up.Error != nil {
				return nil, nil, fmt.Errorf("take over idempotency key: %w", up.Error)
			}
			if up.RowsAffected == 1 {
				return &Reservation{s: s, id: ex.ID}, nil, nil
			}
			continue
		}
		if !time.Now().Before(waitUntil) {
			return nil, nil, ErrInProgress
		}
		select {
		case <-ctx.Done():
			return nil, nil, ctx.Err()
		case <-time.After(s.Poll):
		}
	}
}

// Complete stores the answer of the reserved request, for its retries to replay.
func (r *Reservation) Complete(ctx context.Context, a Answer) error {
	status := a.Status
	err := r.s.db.WithContext(ctx).Model(&record{}).Where("id = ?", r.id).
		Updates(map[string]any{"status": status, "content_type": a.ContentType, "body": string(a.Body)}).Error
	if err != nil {
		return fmt.Errorf("store idempotent answer: %w", err)
	}
	return nil
}

// Release gives the key up so that a retry runs the request again.
func (r *Reservation) Release(ctx context.Context) error {
	if err := r.s.db.WithContext(ctx).Where("id = ? AND status IS NULL", r.id).Delete(&record{}).Error; err != nil {
		return fmt.Errorf("release idempotency key: %w", err)
	}
	return nil
}

// Prune deletes the expired keys; the idempotency.prune job calls it.
func (s *Service) Prune(ctx context.Context) (int64, error) {
	res := s.db.WithContext(ctx).Where("expires_at <= ?", s.clk.Now()).Delete(&record{})
	if res.Error != nil {
		return 0, fmt.Errorf("prune idempotency keys: %w", res.Error)
	}
	return res.RowsAffected, nil
}
