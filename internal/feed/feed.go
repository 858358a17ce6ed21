// Package feed is the integrators' incremental change feed: every inspection submitted and every hazard
// transition is appended, in the same transaction as the change, and read back in order after a cursor,
// without missing or repeating an entry even when writers commit out of order.
//
// An entry's position is its seq, taken from the table's sequence when the row is inserted; it is the
// entry's public id and the feed is delivered in position order, so positions only grow along a feed.
// Positions are taken in one order and committed in another, so a reader must not hand out a position while
// a smaller one may still commit: it reads only up to a horizon below every position an unfinished feed
// writer may hold (see horizon). Transactions that write no feed entry never hold the feed back.
//
// On SQLite writers are serialised, so every committed position is below every future one and the horizon is
// simply the highest committed position.
package feed

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"strconv"
	"sync"
	"time"

	"gorm.io/gorm"

	"yqyb/internal/platform/apperr"
	"yqyb/internal/platform/database"
)

// Entry is one change.
type Entry struct {
	// 条目的位置（id）：全局唯一，在一个变更流中按交付顺序严格递增；不连续（其他企业的条目和回滚的写入也占位置）。
	// 记下最大的 id 不会漏掉条目，但续读请用 cursor。
	Seq int64 `json:"id" example:"1042"`
	// 本条之后的续读位置：带回它即从本条之后继续，可在任意一条之后断点续读。只对签发它的变更流有效。
	Cursor       string          `json:"cursor" example:"AQAAAAAAAAQSq3wW0bQ1nMGvB8PRe0wcvA"`
	At           time.Time       `json:"at" format:"date-time"`
	EnterpriseID int64           `json:"enterprise_id"`
	RegionPath   string          `json:"-"`
	Entity       string          `json:"entity" enums:"inspection,hazard"`
	EntityID     int64           `json:"entity_id"`
	Action       string          `json:"action" enums:"inspection.submitted,hazard.register,hazard.spot_fix,hazard.assign,hazard.fix,hazard.accept,hazard.reject,hazard.supervise,hazard.lift_supervision" example:"hazard.assign"`
	Data         json.RawMessage `json:"data" swaggertype:"object"`
} // @name FeedEntry

type row struct {
	Seq          int64 `gorm:"primaryKey"`
	At           time.Time
	EnterpriseID int64
	RegionPath   string
	Entity       string
	EntityID     int64
	Action       string
	Data         *string
}

func (row) TableName() string { return "change_feed" }

// Item is one change to append.
type Item struct {
	At           time.Time
	EnterpriseID int64
	// RegionPath is the enterprise's region path when the caller already has it (a hazard carries it);
	// empty, it is looked up.
	RegionPath string
	Entity     string
	EntityID   int64
	Action     string
	Data       any
}

// Append records a change inside tx, the transaction that makes it.
func Append(tx *gorm.DB, at time.Time, enterpriseID int64, regionPath, entity string, entityID int64, action string, data any) error {
	return AppendAll(tx, Item{At: at, EnterpriseID: enterpriseID, RegionPath: regionPath, Entity: entity, EntityID: entityID, Action: action, Data: data})
}

// writerLockTag marks the advisory locks of feed writers (the key's top 16 bits, "FE"): a writer holds the
// key writerLockTag<<48 | floor until its transaction ends, where floor is the sequence's last value read
// before the writer takes any position. Positions stay below 2^48.
const writerLockTag = 0x4645

// seqName is the sequence behind change_feed.seq (an identity column) on PostgreSQL.
const seqName = "pg_get_serial_sequence('change_feed', 'seq')::regclass"

// AppendAll records changes inside tx, in their order, a few hundred rows per insert (SQLite binds at most
// 32,766 parameters per statement).
//
// On PostgreSQL it first announces the writer: a shared advisory lock, held until tx ends, whose key carries
// the sequence's last value as it stands before this writer takes a position. Every position the writer takes
// afterwards is above that floor, and readers stop below the lowest floor announced (see horizon).
func AppendAll(tx *gorm.DB, items ...Item) error {
	return appendAll(tx, true, items)
}

// Announce announces the writer ahead of its entries (see AppendAll), for a transaction that appends them
// later with AppendAnnounced: one that is about to take a lock others queue on, and spares them the round
// trip while it holds it. An early announcement only holds readers back a little longer (its floor is lower).
// It returns the enterprise's region path, read in the same statement.
func Announce(tx *gorm.DB, enterpriseID int64) (string, error) {
	var path *string
	var err error
	if database.Dialect(tx) == database.Postgres {
		err = tx.Raw("SELECT (SELECT region_path FROM enterprises WHERE id = ?) FROM ("+announcement+") l", enterpriseID, writerLockTag).Scan(&path).Error
	} else {
		err = tx.Raw("SELECT region_path FROM enterprises WHERE id = ?", enterpriseID).Scan(&path).Error
	}
	if err != nil || path == nil {
		return "", err
	}
	return *path, nil
}

// AppendAnnounced is AppendAll in a transaction that made its Announce.
func AppendAnnounced(tx *gorm.DB, items ...Item) error {
	return appendAll(tx, false, items)
}

// announcement takes the writer's shared advisory lock (see AppendAll); its parameter is writerLockTag.
const announcement = "SELECT pg_advisory_xact_lock_shared((?::bigint << 48) | COALESCE(pg_sequence_last_value(" + seqName + "), 0))"

func appendAll(tx *gorm.DB, announce bool, items []Item) error {
	if len(items) == 0 {
		return nil
	}
	// The region paths not given, by enterprise, read below.
	paths := map[int64]string{}
	var missing []int64
	rows := make([]row, len(items))
	for i, it := range items {
		b, err := json.Marshal(it.Data)
		if err != nil {
			return err
		}
		d := string(b)
		rows[i] = row{At: it.At.UTC(), EnterpriseID: it.EnterpriseID, RegionPath: it.RegionPath, Entity: it.Entity, EntityID: it.EntityID, Action: it.Action, Data: &d}
		if _, ok := paths[it.EnterpriseID]; it.RegionPath == "" && !ok {
			paths[it.EnterpriseID] = ""
			missing = append(missing, it.EnterpriseID)
		}
	}
	announce = announce && database.Dialect(tx) == database.Postgres
	if announce && len(missing) == 1 {
		// The announcement with the region path of the one enterprise most writes name, in one round trip.
		path, err := Announce(tx, missing[0])
		if err != nil {
			return err
		}
		paths[missing[0]], missing, announce = path, nil, false
	}
	for _, ent := range missing {
		var path string
		if err := tx.Table("enterprises").Where("id = ?", ent).Select("region_path").Scan(&path).Error; err != nil {
			return err
		}
		paths[ent] = path
	}
	if announce {
		if err := tx.Exec(announcement, writerLockTag).Error; err != nil {
			return err
		}
	}
	for i := range rows {
		if rows[i].RegionPath == "" {
			rows[i].RegionPath = paths[rows[i].EnterpriseID]
		}
	}
	return tx.CreateInBatches(&rows, 500).Error
}

// Scope limits what a reader sees: one enterprise, or the enterprises under a region path.
type Scope struct {
	EnterpriseID int64
	RegionPath   string
}

// id names the feed a scope reads; cursors are bound to it.
func (s Scope) id() string {
	if s.EnterpriseID != 0 {
		return "enterprise:" + strconv.FormatInt(s.EnterpriseID, 10)
	}
	return "region:" + s.RegionPath
}

// Page is a batch of entries and the cursor to continue from.
type Page struct {
	Entries []Entry `json:"entries"`
	// 本批最后一条之后的续读位置（本批为空时与请求的 cursor 指向同一位置），原样带回即可继续；不透明，只对签发它的
	// 变更流有效。空 cursor 表示从头同步。
	Cursor string `json:"cursor"`
	// 为 true 表示本批之后已有可读的条目，应立即继续读。
	More bool `json:"more"`
	// 完整位置：id 不大于它的条目都已提交（以后不会再出现 id 不大于它的条目），本接口只交付到这里。
	Horizon int64 `json:"horizon" example:"1050"`
	// 为 true 表示本变更流已有 id 大于 horizon 的已提交条目，正等待取得更早位置、尚未结束的写入事务结束后再交付
	// （通常不超过一秒）。more 与 held_back 都为 false 表示已追平。
	HeldBack bool `json:"held_back"`
} // @name FeedPage

// ErrCursor is returned for a cursor this feed did not issue: made up, altered, or another feed's.
var ErrCursor = apperr.New(apperr.Invalid, "feed_cursor_invalid", "游标无效：请使用本变更流上次返回的 cursor（不能改动，也不能用于其他企业或辖区的变更流），或不带 cursor 从头同步")

const cursorVersion = 1

// cursorKeyInfo separates the cursor keys from any other use of the configured secrets.
const cursorKeyInfo = "yqyb change-feed cursor v1"

// Service reads the feed for integrators. Writers need no service: they append with Append or AppendAll
// inside the transaction that makes the change.
type Service struct {
	db   *gorm.DB
	keys [][]byte // the first signs cursors, all verify

	// A horizon, once computed, stays valid for ever (nothing can commit at or below it later), so readers may
	// reuse a recent one instead of each reading pg_locks, which takes every lock-table partition in turn.
	cacheFor time.Duration
	mu       sync.Mutex
	cached   int64
	cachedAt time.Time
}

// CacheHorizon lets readers reuse a horizon computed less than d ago (0, the default, computes it for every
// read). Entries then appear up to d later than they could; nothing is lost or repeated.
func (s *Service) CacheHorizon(d time.Duration) { s.cacheFor = d }

// NewService returns the reader of the feed. Cursors are signed with a key derived from the first secret and
// accepted under any of them, so secrets rotate like the access-token keys they come from (a cursor signed
// with a secret no longer configured is refused, and the client re-syncs). At least one secret is needed.
func NewService(db *gorm.DB, secrets ...[]byte) *Service {
	if len(secrets) == 0 {
		panic("feed: no secret to sign cursors with")
	}
	s := &Service{db: db}
	for _, sec := range secrets {
		m := hmac.New(sha256.New, sec)
		m.Write([]byte(cursorKeyInfo))
		s.keys = append(s.keys, m.Sum(nil))
	}
	return s
}

func mac(key []byte, feedID string, payload []byte) []byte {
	m := hmac.New(sha256.New, key)
	m.Write(payload)
	m.Write([]byte(feedID))
	return m.Sum(nil)[:16]
}

// encode makes the cursor that continues feedID after position pos: a version byte, the position and an
// HMAC over both and the feed's identity.
func (s *Service) encode(feedID string, pos int64) string {
	b := make([]byte, 9, 25)
	b[0] = cursorVersion
	binary.BigEndian.PutUint64(b[1:], uint64(pos))
	return base64.RawURLEncoding.EncodeToString(append(b, mac(s.keys[0], feedID, b)...))
}

// decode returns the position a cursor of feedID continues after; 0 for the empty cursor.
func (s *Service) decode(feedID, c string) (int64, error) {
	if c == "" {
		return 0, nil
	}
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil || len(b) != 25 || b[0] != cursorVersion {
		return 0, ErrCursor
	}
	for _, k := range s.keys {
		if hmac.Equal(b[9:], mac(k, feedID, b[:9])) {
			pos := int64(binary.BigEndian.Uint64(b[1:9]))
			if pos < 0 {
				return 0, ErrCursor
			}
			return pos, nil
		}
	}
	return 0, ErrCursor
}

// horizon returns the highest position a reader may hand out now: every position at or below it is either
// committed (and visible to the next statement) or will never be.
//
// On PostgreSQL it reads, in this order and in separate statements: the sequence's last value L, then the
// lowest floor F announced by an unfinished writer (AppendAll); the horizon is min(L, F). A position p of a
// writer still unfinished when the entries are read next is above the horizon: if the writer took p after L
// was read, p > L; otherwise it announced its floor before taking p, so either it still held the lock when
// the locks were read (p > F) or it had ended, and a transaction is visible to new snapshots before it
// releases its locks. The sequence must not cache values per session (it does not: CACHE 1), or a position
// taken later could be lower than L.
func (s *Service) horizon(ctx context.Context) (int64, error) {
	db := s.db.WithContext(ctx)
	var last int64
	if database.Dialect(s.db) != database.Postgres {
		return last, db.Raw("SELECT COALESCE(MAX(seq), 0) FROM change_feed").Scan(&last).Error
	}
	if err := db.Raw("SELECT COALESCE(pg_sequence_last_value(" + seqName + "), 0)").Scan(&last).Error; err != nil {
		return 0, err
	}
	var floor *int64
	if err := db.Raw(`SELECT MIN(((classid::bigint << 32) | objid::bigint) & ?) FROM pg_locks
		WHERE locktype = 'advisory' AND objsubid = 1 AND (classid::bigint >> 16) = ?
		AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`, int64(1)<<48-1, writerLockTag).
		Scan(&floor).Error; err != nil {
		return 0, err
	}
	if floor != nil && *floor < last {
		last = *floor
	}
	return last, nil
}

// recentHorizon is horizon, or one computed less than cacheFor ago.
func (s *Service) recentHorizon(ctx context.Context) (int64, error) {
	if s.cacheFor <= 0 {
		return s.horizon(ctx)
	}
	s.mu.Lock()
	h, at := s.cached, s.cachedAt
	s.mu.Unlock()
	if !at.IsZero() && time.Since(at) < s.cacheFor {
		return h, nil
	}
	start := time.Now()
	h, err := s.horizon(ctx)
	if err != nil {
		return 0, err
	}
	s.mu.Lock()
	if h > s.cached {
		s.cached = h
	}
	if start.After(s.cachedAt) {
		s.cachedAt = start
	}
	h = s.cached
	s.mu.Unlock()
	return h, nil
}

func (s *Service) scoped(ctx context.Context, scope Scope) *gorm.DB {
	tx := s.db.WithContext(ctx).Model(&row{})
	if scope.EnterpriseID != 0 {
		return tx.Where("enterprise_id = ?", scope.EnterpriseID)
	}
	return tx.Where("region_path LIKE ?", scope.RegionPath+"%")
}

// Read returns up to limit entries after cursor, in order. The statements run outside any transaction, each
// with its own snapshot, which the horizon's reasoning needs.
func (s *Service) Read(ctx context.Context, scope Scope, cursor string, limit int) (Page, error) {
	feedID := scope.id()
	after, err := s.decode(feedID, cursor)
	if err != nil {
		return Page{}, err
	}
	h, err := s.recentHorizon(ctx)
	if err != nil {
		return Page{}, err
	}
	var rows []row
	if err := s.scoped(ctx, scope).Select("seq, at, enterprise_id, region_path, entity, entity_id, action, data").
		Where("seq > ? AND seq <= ?", after, h).Order("seq").Limit(limit + 1).Find(&rows).Error; err != nil {
		return Page{}, err
	}
	// An empty page gives the cursor back signed with the current key, so a client that keeps polling a quiet
	// feed across a key rotation holds a cursor the servers still accept once the old key is gone.
	p := Page{Entries: []Entry{}, Horizon: h}
	if cursor != "" {
		p.Cursor = s.encode(feedID, after)
	}
	if len(rows) > limit {
		p.More, rows = true, rows[:limit]
	}
	for _, r := range rows {
		e := Entry{Seq: r.Seq, Cursor: s.encode(feedID, r.Seq), At: r.At, EnterpriseID: r.EnterpriseID, Entity: r.Entity, EntityID: r.EntityID, Action: r.Action}
		if r.Data != nil {
			e.Data = json.RawMessage(*r.Data)
		}
		p.Entries = append(p.Entries, e)
		p.Cursor = e.Cursor
	}
	if !p.More {
		var beyond []int64
		if err := s.scoped(ctx, scope).Where("seq > ?", max(h, after)).Limit(1).Pluck("seq", &beyond).Error; err != nil {
			return Page{}, err
		}
		p.HeldBack = len(beyond) > 0
	}
	return p, nil
}

// Horizon is the highest position handed out now (see horizon); a new webhook endpoint starts after it.
func (s *Service) Horizon(ctx context.Context) (int64, error) { return s.recentHorizon(ctx) }

// After returns up to limit entries of scope after position after and up to the horizon, in order, with no
// cursors (internal readers such as the webhook deliverer keep positions), and the horizon it read up to.
func (s *Service) After(ctx context.Context, scope Scope, after int64, limit int) ([]Entry, int64, error) {
	h, err := s.recentHorizon(ctx)
	if err != nil {
		return nil, 0, err
	}
	var rows []row
	if err := s.scoped(ctx, scope).Select("seq, at, enterprise_id, region_path, entity, entity_id, action, data").
		Where("seq > ? AND seq <= ?", after, h).Order("seq").Limit(limit).Find(&rows).Error; err != nil {
		return nil, 0, err
	}
	out := make([]Entry, len(rows))
	for i, r := range rows {
		out[i] = Entry{Seq: r.Seq, At: r.At, EnterpriseID: r.EnterpriseID, RegionPath: r.RegionPath, Entity: r.Entity, EntityID: r.EntityID, Action: r.Action}
		if r.Data != nil {
			out[i].Data = json.RawMessage(*r.Data)
		}
	}
	return out, h, nil
}
