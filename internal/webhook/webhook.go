// Package webhook delivers the change feed (internal/feed) to endpoints that enterprises (for their
// enterprise) and regulators (for their region) register: each entry is POSTed as JSON, signed with the
// endpoint's secret, in feed order, at least once, with retries under exponential backoff for up to a day.
//
// The queue is in the database so it runs once across instances and survives a restart. Each endpoint is a
// queue of its own: its row holds the feed position up to which events have been taken (feed_cursor), and an
// instance works on an endpoint only while it holds the row's lease. Under the lease it first sends the
// endpoint's oldest undelivered event (the head) and takes the next one from the feed only once the head is
// delivered or given up, so one endpoint's events arrive in feed order, one at a time. Manual redeliveries
// are sent apart from that order.
//
// What is signed: the string "<event id>.<timestamp>.<body>", where event id is X-Yqyb-Event-Id (the feed
// entry's position), timestamp is X-Yqyb-Timestamp (Unix seconds of this attempt) and body is the request
// body, byte for byte; the signature is X-Yqyb-Signature: sha256=<lowercase hex HMAC-SHA256 with the secret>.
package webhook

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"yqyb/internal/audit"
	"yqyb/internal/feed"
	"yqyb/internal/platform/apperr"
	"yqyb/internal/platform/clock"
	"yqyb/internal/platform/database"
)

// EventTypes are the events an endpoint may subscribe to: the change feed's actions (read from feed.Entry's
// enum, the list the contract publishes).
var EventTypes = func() []string {
	f, _ := reflect.TypeOf(feed.Entry{}).FieldByName("Action")
	return strings.Split(f.Tag.Get("enums"), ",")
}()

// Delivery statuses.
const (
	StatusPending   = "pending"   // waiting for its first or next attempt
	StatusDelivered = "delivered" // the receiver answered 2xx
	StatusFailed    = "failed"    // given up: retries ran out (or a manual redelivery failed its attempt)
)

var (
	ErrNotFound         = apperr.New(apperr.NotFound, "webhook_not_found", "推送地址不存在")
	ErrDeliveryNotFound = apperr.New(apperr.NotFound, "webhook_delivery_not_found", "推送记录不存在")
	ErrURL              = apperr.New(apperr.Invalid, "webhook_url_invalid", "推送地址应为 https:// 开头的完整网址（不能带用户名密码）；http:// 只允许运维在 YQYB_WEBHOOK_ALLOW 中放行的主机")
	ErrAddress          = apperr.New(apperr.Invalid, "webhook_address_forbidden", "推送地址指向本机、链路本地或内网地址，未经运维在 YQYB_WEBHOOK_ALLOW 中放行")
	ErrEventTypes       = apperr.New(apperr.Invalid, "webhook_event_types_invalid", "事件类型至少选一个，且只能是变更流的 action（如 inspection.submitted、hazard.register）")
	ErrSecret           = apperr.New(apperr.Invalid, "webhook_secret_invalid", "密钥应为 16–200 个可见字符；留空则由服务器生成")
	ErrTooMany          = apperr.New(apperr.Conflict, "webhook_limit_reached", "推送地址已达上限（每个企业或辖区 20 个）")
)

// maxEndpoints bounds the endpoints of one owner.
const maxEndpoints = 20

// Owner is who an endpoint belongs to: an enterprise, or a regulator's region (EnterpriseID 0).
type Owner struct {
	EnterpriseID int64
	RegionPath   string
}

func (o Owner) scope(tx *gorm.DB) *gorm.DB {
	if o.EnterpriseID != 0 {
		return tx.Where("enterprise_id = ?", o.EnterpriseID)
	}
	return tx.Where("enterprise_id IS NULL AND region_path = ?", o.RegionPath)
}

type endpointRow struct {
	ID                  int64 `gorm:"primaryKey"`
	EnterpriseID        *int64
	RegionPath          string
	URL                 string `gorm:"column:url"`
	Secret              string
	EventTypes          string
	Description         string
	Enabled             bool
	DisabledReason      string
	DisabledAt          *time.Time
	FeedCursor          int64
	ConsecutiveFailures int
	FailingSince        *time.Time
	NextAttemptAt       *time.Time
	LeaseOwner          string
	LeaseUntil          *time.Time
	CreatedBy           int64
	CreatedAt           time.Time
	UpdatedAt           time.Time
}

func (endpointRow) TableName() string { return "webhook_endpoints" }

// owner is whom the endpoint belongs to.
func (r endpointRow) owner() Owner {
	if r.EnterpriseID != nil {
		return Owner{EnterpriseID: *r.EnterpriseID}
	}
	return Owner{RegionPath: r.RegionPath}
}

type deliveryRow struct {
	ID            int64 `gorm:"primaryKey"`
	EndpointID    int64
	EnterpriseID  int64
	EventID       int64
	Action        string
	Body          string
	Manual        bool
	Status        string
	Attempts      int
	ResponseCode  int
	LastError     string
	CreatedAt     time.Time
	LastAttemptAt *time.Time
	NextAttemptAt *time.Time
	DeliveredAt   *time.Time
}

func (deliveryRow) TableName() string { return "webhook_deliveries" }

// Endpoint is a registered endpoint as its owner sees it (never with its secret).
type Endpoint struct {
	ID          int64    `json:"id"`
	URL         string   `json:"url" example:"https://ehs.example.com/yqyb/hook"`
	EventTypes  []string `json:"event_types" example:"hazard.register,hazard.accept"`
	Description string   `json:"description"`
	Enabled     bool     `json:"enabled"`
	// 停用原因：连续推送失败被系统自动停用时说明原因（通知所有者），手工停用时为空。
	DisabledReason string     `json:"disabled_reason"`
	DisabledAt     *time.Time `json:"disabled_at" format:"date-time" extensions:"x-nullable"`
	// 已取到的变更流位置：该位置及以前的事件已进入推送队列。
	FeedCursor          int64     `json:"feed_cursor"`
	ConsecutiveFailures int       `json:"consecutive_failures"`
	CreatedAt           time.Time `json:"created_at" format:"date-time"`
} // @name WebhookEndpoint

// Created is a new endpoint with its secret, shown this once.
type Created struct {
	Endpoint
	// 签名密钥：只在创建时返回这一次，请妥善保存。
	Secret string `json:"secret" example:"whsec_3q2+7w..."`
} // @name WebhookEndpointCreated

// Delivery is one entry of an endpoint's delivery log.
type Delivery struct {
	ID            int64      `json:"id"`
	EventID       int64      `json:"event_id"`
	Action        string     `json:"action"`
	Manual        bool       `json:"manual"`
	Status        string     `json:"status" enums:"pending,delivered,failed"`
	Attempts      int        `json:"attempts"`
	ResponseCode  int        `json:"response_code"`
	LastError     string     `json:"last_error"`
	CreatedAt     time.Time  `json:"created_at" format:"date-time"`
	LastAttemptAt *time.Time `json:"last_attempt_at" format:"date-time" extensions:"x-nullable"`
	NextAttemptAt *time.Time `json:"next_attempt_at" format:"date-time" extensions:"x-nullable"`
	DeliveredAt   *time.Time `json:"delivered_at" format:"date-time" extensions:"x-nullable"`
} // @name WebhookDelivery

func (r endpointRow) public() Endpoint {
	var types []string
	if r.EventTypes != "" {
		types = strings.Split(r.EventTypes, ",")
	}
	return Endpoint{ID: r.ID, URL: r.URL, EventTypes: types, Description: r.Description, Enabled: r.Enabled,
		DisabledReason: r.DisabledReason, DisabledAt: r.DisabledAt, FeedCursor: r.FeedCursor,
		ConsecutiveFailures: r.ConsecutiveFailures, CreatedAt: r.CreatedAt}
}

func (r deliveryRow) public() Delivery {
	return Delivery{ID: r.ID, EventID: r.EventID, Action: r.Action, Manual: r.Manual, Status: r.Status, Attempts: r.Attempts,
		ResponseCode: r.ResponseCode, LastError: r.LastError, CreatedAt: r.CreatedAt, LastAttemptAt: r.LastAttemptAt,
		NextAttemptAt: r.NextAttemptAt, DeliveredAt: r.DeliveredAt}
}

// audited records a change of an endpoint in the audit log, in the change's transaction. The secret is never
// recorded.
func (s *Service) audited(ctx context.Context, tx *gorm.DB, a audit.Actor, o Owner, action string, id int64, url string, before, after any, note string) error {
	return audit.Record(ctx, tx, s.clk.Now(), a, audit.Entry{Action: action, EnterpriseID: o.EnterpriseID, RegionID: a.RegionID,
		TargetType: "webhook", TargetID: id, TargetName: url, Before: before, After: after, Note: note})
}

// Service manages endpoints and their delivery logs.
type Service struct {
	db      *gorm.DB
	clk     clock.Clock
	feed    *feed.Service
	guard   *Guard
	readers Readers
}

// NewService returns the endpoints' service; readers decides whom an endpoint may be registered by.
func NewService(db *gorm.DB, clk clock.Clock, fs *feed.Service, g *Guard, readers Readers) *Service {
	return &Service{db: db, clk: clk, feed: fs, guard: g, readers: readers}
}

// CreateInput registers an endpoint.
type CreateInput struct {
	URL         string   `json:"url" label:"推送地址" validate:"required,max=2000" example:"https://ehs.example.com/yqyb/hook"`
	EventTypes  []string `json:"event_types" label:"事件类型" validate:"required,min=1,max=20"`
	Description string   `json:"description,omitempty" label:"说明" validate:"max=200"`
	// 可选：自带签名密钥（16–200 个可见字符）；留空由服务器生成。
	Secret string `json:"secret,omitempty" label:"签名密钥" validate:"max=200"`
} // @name WebhookCreateInput

// UpdateInput changes an endpoint; absent fields stay.
type UpdateInput struct {
	Enabled     *bool     `json:"enabled,omitempty"`
	EventTypes  *[]string `json:"event_types,omitempty" label:"事件类型" validate:"omitempty,min=1,max=20"`
	Description *string   `json:"description,omitempty" label:"说明" validate:"omitempty,max=200"`
} // @name WebhookUpdateInput

func checkTypes(types []string) (string, error) {
	if len(types) == 0 {
		return "", ErrEventTypes
	}
	seen := map[string]bool{}
	var out []string
	for _, t := range types {
		if !slices.Contains(EventTypes, t) {
			return "", ErrEventTypes.WithDetails(map[string]any{"event_type": t})
		}
		if !seen[t] {
			seen[t] = true
			out = append(out, t)
		}
	}
	return strings.Join(out, ","), nil
}

func newSecret() string {
	b := make([]byte, 32)
	rand.Read(b)
	return "whsec_" + base64.RawURLEncoding.EncodeToString(b)
}

// Create registers an endpoint; it receives the events appended from now on.
func (s *Service) Create(ctx context.Context, a audit.Actor, o Owner, in CreateInput) (Created, error) {
	if err := s.guard.CheckURL(in.URL); err != nil {
		return Created{}, err
	}
	types, err := checkTypes(in.EventTypes)
	if err != nil {
		return Created{}, err
	}
	secret := in.Secret
	if secret == "" {
		secret = newSecret()
	} else if len(secret) < 16 || len(secret) > 200 || strings.ContainsFunc(secret, func(r rune) bool { return r <= ' ' || r > '~' }) {
		return Created{}, ErrSecret
	}
	// The endpoint pushes its owner's feed: its creator must be able to read that feed.
	reason, code, err := s.readers.MayRead(ctx, a.ID, o)
	if err != nil {
		return Created{}, err
	}
	if reason != "" {
		return Created{}, ErrFeedForbidden.WithDetails(map[string]any{"permission": code})
	}
	start, err := s.feed.Horizon(ctx)
	if err != nil {
		return Created{}, err
	}
	now := s.clk.Now().UTC()
	r := endpointRow{RegionPath: o.RegionPath, URL: in.URL, Secret: secret, EventTypes: types, Description: in.Description,
		Enabled: true, FeedCursor: start, CreatedBy: a.ID, CreatedAt: now, UpdatedAt: now}
	if o.EnterpriseID != 0 {
		r.EnterpriseID = &o.EnterpriseID
		r.RegionPath = ""
	}
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var n int64
		if err := o.scope(tx.Model(&endpointRow{})).Count(&n).Error; err != nil {
			return err
		}
		if n >= maxEndpoints {
			return ErrTooMany
		}
		if err := tx.Create(&r).Error; err != nil {
			return err
		}
		return s.audited(ctx, tx, a, o, audit.WebhookCreate, r.ID, r.URL, nil, map[string]any{"event_types": r.EventTypes}, "")
	})
	if err != nil {
		return Created{}, err
	}
	return Created{Endpoint: r.public(), Secret: secret}, nil
}

// List returns the owner's endpoints.
func (s *Service) List(ctx context.Context, o Owner) ([]Endpoint, error) {
	var rows []endpointRow
	if err := o.scope(s.db.WithContext(ctx)).Order("id").Find(&rows).Error; err != nil {
		return nil, err
	}
	out := make([]Endpoint, len(rows))
	for i, r := range rows {
		out[i] = r.public()
	}
	return out, nil
}

func (s *Service) load(tx *gorm.DB, o Owner, id int64) (endpointRow, error) {
	var r endpointRow
	err := o.scope(tx).Where("id = ?", id).Take(&r).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return r, ErrNotFound
	}
	return r, err
}

// lock loads an endpoint to change it, locking its row (on PostgreSQL; SQLite has one writer): a deliverer
// holding the endpoint's lease locks the row for each write it makes under the lease, so a change and those
// writes never interleave, and the deliverer, seeing updated_at moved, stops instead of writing over it.
func (s *Service) lock(tx *gorm.DB, o Owner, id int64) (endpointRow, error) {
	var r endpointRow
	q := o.scope(tx).Where("id = ?", id)
	if database.Dialect(tx) == database.Postgres {
		q = q.Clauses(clause.Locking{Strength: "UPDATE"})
	}
	err := q.Take(&r).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return r, ErrNotFound
	}
	return r, err
}

// version is the updated_at a change writes: the service's time, but always later than the row's, so that a
// deliverer comparing it sees every change even when the clock stands still (tests) or steps back.
func version(now, prev time.Time) time.Time {
	now = now.UTC()
	if !now.After(prev) {
		now = prev.Add(time.Microsecond)
	}
	return now
}

// Update enables or disables an endpoint or changes its event types. Enabling clears the failure count and
// the automatic disable's notice; delivery resumes where it stopped.
func (s *Service) Update(ctx context.Context, a audit.Actor, o Owner, id int64, in UpdateInput) (Endpoint, error) {
	var out Endpoint
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		r, err := s.lock(tx, o, id)
		if err != nil {
			return err
		}
		set := map[string]any{"updated_at": version(s.clk.Now(), r.UpdatedAt)}
		if in.EventTypes != nil {
			types, err := checkTypes(*in.EventTypes)
			if err != nil {
				return err
			}
			set["event_types"] = types
		}
		if in.Description != nil {
			set["description"] = *in.Description
		}
		if in.Enabled != nil && *in.Enabled != r.Enabled {
			set["enabled"] = *in.Enabled
			if *in.Enabled {
				// Due at once: events may wait in its queue that no new feed entry would wake it for.
				set["disabled_reason"], set["disabled_at"], set["consecutive_failures"], set["failing_since"], set["next_attempt_at"] = "", nil, 0, nil, s.clk.Now().UTC()
			} else {
				set["disabled_reason"], set["disabled_at"] = "", s.clk.Now().UTC()
			}
		}
		if err := tx.Model(&endpointRow{}).Where("id = ?", r.ID).Updates(set).Error; err != nil {
			return err
		}
		old := r
		if r, err = s.load(tx, o, id); err != nil {
			return err
		}
		out = r.public()
		return s.audited(ctx, tx, a, o, audit.WebhookUpdate, r.ID, r.URL,
			map[string]any{"enabled": old.Enabled, "event_types": old.EventTypes, "description": old.Description},
			map[string]any{"enabled": r.Enabled, "event_types": r.EventTypes, "description": r.Description}, "")
	})
	return out, err
}

// Delete removes an endpoint and its delivery log.
func (s *Service) Delete(ctx context.Context, a audit.Actor, o Owner, id int64) error {
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		r, err := s.lock(tx, o, id)
		if err != nil {
			return err
		}
		if err := tx.Where("endpoint_id = ?", r.ID).Delete(&deliveryRow{}).Error; err != nil {
			return err
		}
		if err := tx.Delete(&endpointRow{}, r.ID).Error; err != nil {
			return err
		}
		return s.audited(ctx, tx, a, o, audit.WebhookDelete, r.ID, r.URL, nil, nil, "")
	})
}

// Deliveries lists an endpoint's delivery log, newest first, up to limit rows before the id `before` (0: the newest).
func (s *Service) Deliveries(ctx context.Context, o Owner, id int64, before int64, limit int) ([]Delivery, error) {
	var rows []deliveryRow
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if _, err := s.load(tx, o, id); err != nil {
			return err
		}
		q := tx.Where("endpoint_id = ?", id)
		if before > 0 {
			q = q.Where("id < ?", before)
		}
		return q.Order("id DESC").Limit(limit).Find(&rows).Error
	})
	if err != nil {
		return nil, err
	}
	out := make([]Delivery, len(rows))
	for i, r := range rows {
		out[i] = r.public()
	}
	return out, nil
}

// Redeliver queues the event of a past delivery again, to be sent once at the next pass, apart from the
// endpoint's ordered queue (the receiver deduplicates by event id).
func (s *Service) Redeliver(ctx context.Context, a audit.Actor, o Owner, id, deliveryID int64) (Delivery, error) {
	var out deliveryRow
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		ep, err := s.lock(tx, o, id)
		if err != nil {
			return err
		}
		var d deliveryRow
		err = tx.Where("id = ? AND endpoint_id = ?", deliveryID, id).Take(&d).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return ErrDeliveryNotFound
		}
		if err != nil {
			return err
		}
		now := s.clk.Now().UTC()
		out = deliveryRow{EndpointID: id, EnterpriseID: d.EnterpriseID, EventID: d.EventID, Action: d.Action, Body: d.Body,
			Manual: true, Status: StatusPending, CreatedAt: now, NextAttemptAt: &now}
		if err := tx.Create(&out).Error; err != nil {
			return err
		}
		// Wake the endpoint now, even if its queue waits for a retry.
		if err := tx.Model(&endpointRow{}).Where("id = ?", id).
			Updates(map[string]any{"next_attempt_at": now, "updated_at": version(now, ep.UpdatedAt)}).Error; err != nil {
			return err
		}
		return s.audited(ctx, tx, a, o, audit.WebhookRedeliver, ep.ID, ep.URL, nil, nil, "事件 id "+strconv.FormatInt(d.EventID, 10))
	})
	return out.public(), err
}

// Event is the body of a delivery.
type Event struct {
	// 事件 id：变更流条目的位置，同一事件重试与重新推送时不变，接收方据此去重。
	ID           int64           `json:"id"`
	Type         string          `json:"type"`
	At           time.Time       `json:"at"`
	EnterpriseID int64           `json:"enterprise_id"`
	Entity       string          `json:"entity"`
	EntityID     int64           `json:"entity_id"`
	Data         json.RawMessage `json:"data" swaggertype:"object"`
} // @name WebhookEvent

// Sign returns the hex HMAC-SHA256 of "<eventID>.<timestamp>.<body>" with secret.
func Sign(secret string, eventID int64, timestamp int64, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(strconv.FormatInt(eventID, 10) + "." + strconv.FormatInt(timestamp, 10) + "."))
	m.Write(body)
	return hex.EncodeToString(m.Sum(nil))
}

// Verify checks a delivery's signature header value ("sha256=<hex>") as a receiver would; tolerance bounds
// the age of the timestamp against now (0: not checked).
func Verify(secret, eventID, timestamp, signature string, body []byte, now time.Time, tolerance time.Duration) bool {
	id, err1 := strconv.ParseInt(eventID, 10, 64)
	ts, err2 := strconv.ParseInt(timestamp, 10, 64)
	if err1 != nil || err2 != nil || !strings.HasPrefix(signature, "sha256=") {
		return false
	}
	if tolerance > 0 && now.Sub(time.Unix(ts, 0)).Abs() > tolerance {
		return false
	}
	want := Sign(secret, id, ts, body)
	return hmac.Equal([]byte(signature[len("sha256="):]), []byte(want))
}
