// Package listq is the one convention every list endpoint follows for paging, sorting and filtering.
//
//   - page: 1-based page number, default 1.
//   - page_size: items per page, default 20, at most Spec.MaxPageSize (100 unless a list says otherwise);
//     a larger value is rejected rather than silently cut, so integrators notice.
//   - sort: comma-separated API field names, each optionally prefixed with "-" for descending, e.g.
//     "sort=-created_at,name". Only fields a list whitelists are accepted; the API name is mapped to a
//     column by the whitelist and passed to GORM as a quoted column, never concatenated into SQL. A unique
//     tiebreaker (the id) is always appended so pages are stable.
//   - filters: named query parameters documented per list; "q" is a keyword matched with LIKE against the
//     columns the list names (wildcards in the keyword are escaped); ranges use the suffixes _from and _to.
//
// Responses are {"items": [...], "total": N, "page": P, "page_size": S}.
package listq

import (
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"yqyb/internal/platform/apperr"
)

// Defaults of the convention.
const (
	DefaultPageSize = 20
	MaxPageSize     = 100
)

// Order is one sort key as the API names it.
type Order struct {
	Field string
	Desc  bool
}

// Spec is what a list endpoint allows.
type Spec struct {
	// Sorts maps API field names to columns ("created_at" or "users.created_at").
	Sorts map[string]string
	// Default is used when the request gives no sort.
	Default []Order
	// Tiebreak is the unique column appended to every order; "id" when empty.
	Tiebreak string
	// MaxPageSize overrides the cap when positive.
	MaxPageSize int
}

// Query is a parsed, validated list request.
type Query struct {
	Page     int
	PageSize int
	Orders   []Order
	columns  []clause.OrderByColumn
}

// Offset is the number of rows before the page.
func (q Query) Offset() int { return (q.Page - 1) * q.PageSize }

// Parse validates page, page_size and sort against the spec. Every problem is reported as a field error.
func (s Spec) Parse(v url.Values) (Query, error) {
	maxSize := s.MaxPageSize
	if maxSize <= 0 {
		maxSize = MaxPageSize
	}
	q := Query{Page: 1, PageSize: DefaultPageSize}
	if q.PageSize > maxSize {
		q.PageSize = maxSize
	}
	var bad []apperr.FieldError
	if raw := v.Get("page"); raw != "" {
		n, err := strconv.Atoi(raw)
		if err != nil || n < 1 {
			bad = append(bad, apperr.FieldError{Field: "page", Message: "页码应为不小于1的整数"})
		} else {
			q.Page = n
		}
	}
	if raw := v.Get("page_size"); raw != "" {
		n, err := strconv.Atoi(raw)
		switch {
		case err != nil || n < 1:
			bad = append(bad, apperr.FieldError{Field: "page_size", Message: "每页条数应为不小于1的整数"})
		case n > maxSize:
			bad = append(bad, apperr.FieldError{Field: "page_size", Message: fmt.Sprintf("每页条数不能超过%d", maxSize)})
		default:
			q.PageSize = n
		}
	}
	orders := s.Default
	if raw := strings.TrimSpace(v.Get("sort")); raw != "" {
		orders = nil
		for _, part := range strings.Split(raw, ",") {
			part = strings.TrimSpace(part)
			o := Order{Field: strings.TrimPrefix(part, "-"), Desc: strings.HasPrefix(part, "-")}
			if _, ok := s.Sorts[o.Field]; !ok {
				bad = append(bad, apperr.FieldError{Field: "sort", Message: fmt.Sprintf("不支持按“%s”排序，可用：%s", o.Field, s.allowed())})
				continue
			}
			orders = append(orders, o)
		}
	}
	if len(bad) > 0 {
		return q, apperr.Validation(bad...)
	}
	// Overflow guard: an absurd page number would overflow the offset.
	if q.Page > 1_000_000_000/q.PageSize {
		return q, apperr.Validation(apperr.FieldError{Field: "page", Message: "页码过大"})
	}
	q.Orders = orders
	tiebreak := s.Tiebreak
	if tiebreak == "" {
		tiebreak = "id"
	}
	seen := false
	for _, o := range orders {
		col := s.Sorts[o.Field]
		seen = seen || col == tiebreak
		q.columns = append(q.columns, clause.OrderByColumn{Column: column(col), Desc: o.Desc})
	}
	if !seen {
		q.columns = append(q.columns, clause.OrderByColumn{Column: column(tiebreak)})
	}
	return q, nil
}

func (s Spec) allowed() string {
	names := make([]string, 0, len(s.Sorts))
	for k := range s.Sorts {
		names = append(names, k)
	}
	// Stable message regardless of map order.
	slices.Sort(names)
	return strings.Join(names, "、")
}

func column(c string) clause.Column {
	if t, n, ok := strings.Cut(c, "."); ok {
		return clause.Column{Table: t, Name: n}
	}
	return clause.Column{Name: c}
}

// Order applies the sort (with the tiebreaker) to db.
func (q Query) Order(db *gorm.DB) *gorm.DB {
	return db.Clauses(clause.OrderBy{Columns: q.columns})
}

// Page is the response of every list endpoint.
type Page[T any] struct {
	Items    []T   `json:"items"`
	Total    int64 `json:"total"`
	Page     int   `json:"page"`
	PageSize int   `json:"page_size"`
}

// Fetch counts the rows db selects and loads the requested page of them in order. db carries the model or
// table and every filter; Fetch adds only order, limit and offset.
func Fetch[T any](db *gorm.DB, q Query) (Page[T], error) {
	return FetchCounted[T](db, db, q)
}

// FetchCounted is Fetch with a separate count query, for lists whose rows join tables that cannot change how
// many rows there are: counting without those joins is cheaper. count must select the same rows as db.
func FetchCounted[T any](db, count *gorm.DB, q Query) (Page[T], error) {
	p := Page[T]{Items: []T{}, Page: q.Page, PageSize: q.PageSize}
	if err := count.Session(&gorm.Session{}).Count(&p.Total).Error; err != nil {
		return p, err
	}
	if p.Total == 0 || int64(q.Offset()) >= p.Total {
		return p, nil
	}
	err := q.Order(db.Session(&gorm.Session{})).Limit(q.PageSize).Offset(q.Offset()).Find(&p.Items).Error
	return p, err
}

// likeEscaper escapes LIKE wildcards so a keyword matches literally.
var likeEscaper = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)

// Keyword filters db to rows where any of cols contains kw (literally). Empty kw leaves db unchanged. cols
// are column names chosen by code, never by the request.
func Keyword(db *gorm.DB, kw string, cols ...string) *gorm.DB {
	kw = strings.TrimSpace(kw)
	if kw == "" || len(cols) == 0 {
		return db
	}
	pattern := "%" + likeEscaper.Replace(kw) + "%"
	conds := make([]clause.Expression, 0, len(cols))
	for _, c := range cols {
		conds = append(conds, clause.Expr{SQL: "? LIKE ? ESCAPE '\\'", Vars: []any{column(c), pattern}})
	}
	return db.Where(clause.Or(conds...))
}
