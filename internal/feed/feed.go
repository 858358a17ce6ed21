// Package feed is the integrators' incremental change feed: every inspection submitted and every hazard
// transition is appended, in the same transaction as the change, and read back in order after a cursor,
// without missing or repeating an entry even when writers commit out of order.
//
// On PostgreSQL each entry records the id of the transaction that wrote it. A reader only takes entries of
// transactions older than every transaction still running (the snapshot's xmin) and orders them by
// (transaction id, sequence): an entry that commits later necessarily has a transaction id at or above that
// horizon, so it sorts after every cursor already handed out. On SQLite writers are serialised, so the
// sequence alone is the commit order.
package feed

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"

	"yqyb/internal/platform/apperr"
	"yqyb/internal/platform/database"
)

// Entry is one change.
type Entry struct {
	Seq          int64           `json:"id"`
	Xid          int64           `json:"-"`
	At           time.Time       `json:"at" format:"date-time"`
	EnterpriseID int64           `json:"enterprise_id"`
	RegionPath   string          `json:"-"`
	Entity       string          `json:"entity" enums:"inspection,hazard"`
	EntityID     int64           `json:"entity_id"`
	Action       string          `json:"action" example:"hazard.assign"`
	Data         json.RawMessage `json:"data" swaggertype:"object"`
} // @name FeedEntry

type row struct {
	Seq          int64 `gorm:"primaryKey"`
	Xid          int64 `gorm:"->"`
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

// AppendAll records changes inside tx, in their order, a few hundred rows per insert (SQLite binds at most
// 32,766 parameters per statement).
func AppendAll(tx *gorm.DB, items ...Item) error {
	if len(items) == 0 {
		return nil
	}
	paths := map[int64]string{}
	rows := make([]row, len(items))
	for i, it := range items {
		b, err := json.Marshal(it.Data)
		if err != nil {
			return err
		}
		d := string(b)
		path := it.RegionPath
		if path == "" {
			var ok bool
			if path, ok = paths[it.EnterpriseID]; !ok {
				if err := tx.Table("enterprises").Where("id = ?", it.EnterpriseID).Select("region_path").Scan(&path).Error; err != nil {
					return err
				}
				paths[it.EnterpriseID] = path
			}
		}
		rows[i] = row{At: it.At.UTC(), EnterpriseID: it.EnterpriseID, RegionPath: path, Entity: it.Entity, EntityID: it.EntityID, Action: it.Action, Data: &d}
	}
	return tx.Omit("Xid").CreateInBatches(&rows, 500).Error
}

// Scope limits what a reader sees: one enterprise, or the enterprises under a region path.
type Scope struct {
	EnterpriseID int64
	RegionPath   string
}

// Page is a batch of entries and the cursor to continue from.
type Page struct {
	Entries []Entry `json:"entries"`
	// Cursor continues after the last entry; pass it back unchanged. An empty cursor starts from the
	// beginning (a full re-sync).
	Cursor string `json:"cursor"`
	// More is true when entries beyond this batch are already readable.
	More bool `json:"more"`
} // @name FeedPage

// ErrCursor is returned for a cursor this server did not issue.
var ErrCursor = apperr.New(apperr.Invalid, "feed_cursor_invalid", "游标无效：请使用上次返回的 cursor，或不带 cursor 从头同步")

func encode(xid, seq int64) string {
	return base64.RawURLEncoding.EncodeToString([]byte(fmt.Sprintf("%d.%d", xid, seq)))
}

func decode(c string) (int64, int64, error) {
	if c == "" {
		return -1, 0, nil
	}
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil {
		return 0, 0, ErrCursor
	}
	x, s, ok := strings.Cut(string(b), ".")
	xid, err1 := strconv.ParseInt(x, 10, 64)
	seq, err2 := strconv.ParseInt(s, 10, 64)
	if !ok || err1 != nil || err2 != nil {
		return 0, 0, ErrCursor
	}
	return xid, seq, nil
}

// Service reads the feed for integrators. Writers need no service: they append with Append or AppendAll
// inside the transaction that makes the change.
type Service struct {
	db *gorm.DB
}

// NewService returns the reader of the feed.
func NewService(db *gorm.DB) *Service { return &Service{db: db} }

// Read returns up to limit entries after cursor, in order.
func (s *Service) Read(ctx context.Context, scope Scope, cursor string, limit int) (Page, error) {
	xid, seq, err := decode(cursor)
	if err != nil {
		return Page{}, err
	}
	tx := s.db.WithContext(ctx).Model(&row{}).Select("seq, xid, at, enterprise_id, region_path, entity, entity_id, action, data").
		Where("(xid > ? OR (xid = ? AND seq > ?))", xid, xid, seq)
	if database.Dialect(s.db) == database.Postgres {
		tx = tx.Where("xid < pg_snapshot_xmin(pg_current_snapshot())::text::bigint")
	}
	if scope.EnterpriseID != 0 {
		tx = tx.Where("enterprise_id = ?", scope.EnterpriseID)
	} else {
		tx = tx.Where("region_path LIKE ?", scope.RegionPath+"%")
	}
	var rows []row
	if err := tx.Order("xid, seq").Limit(limit + 1).Find(&rows).Error; err != nil {
		return Page{}, err
	}
	p := Page{Entries: []Entry{}, Cursor: cursor}
	if len(rows) > limit {
		p.More, rows = true, rows[:limit]
	}
	for _, r := range rows {
		e := Entry{Seq: r.Seq, Xid: r.Xid, At: r.At, EnterpriseID: r.EnterpriseID, Entity: r.Entity, EntityID: r.EntityID, Action: r.Action}
		if r.Data != nil {
			e.Data = json.RawMessage(*r.Data)
		}
		p.Entries = append(p.Entries, e)
		p.Cursor = encode(r.Xid, r.Seq)
	}
	return p, nil
}
