package listq

import (
	"errors"
	"net/url"
	"strings"
	"testing"

	"yqyb/internal/platform/apperr"
)

var spec = Spec{
	Sorts:   map[string]string{"name": "name", "created_at": "users.created_at", "id": "id"},
	Default: []Order{{Field: "created_at", Desc: true}},
}

func TestParse(t *testing.T) {
	tests := []struct {
		query    string
		page     int
		size     int
		orders   string
		badField string
	}{
		{"", 1, 20, "-created_at", ""},
		{"page=3&page_size=50", 3, 50, "-created_at", ""},
		{"page_size=100", 1, 100, "-created_at", ""},
		{"sort=name,-id", 1, 20, "name,-id", ""},
		{"sort= name ", 1, 20, "name", ""},
		{"page=0", 0, 0, "", "page"},
		{"page=x", 0, 0, "", "page"},
		{"page_size=101", 0, 0, "", "page_size"},
		{"page_size=0", 0, 0, "", "page_size"},
		{"sort=password", 0, 0, "", "sort"},
		{"sort=name%3Bdrop%20table%20users", 0, 0, "", "sort"},
		{"page=999999999&page_size=100", 0, 0, "", "page"},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			v, err := url.ParseQuery(tt.query)
			if err != nil {
				t.Fatal(err)
			}
			q, err := spec.Parse(v)
			if tt.badField != "" {
				e, ok := apperr.As(err)
				if !ok || !errors.Is(err, apperr.ErrValidation) {
					t.Fatalf("err = %v, want validation error", err)
				}
				fields := e.Details["fields"].([]apperr.FieldError)
				if fields[0].Field != tt.badField || fields[0].Message == "" {
					t.Fatalf("fields = %+v, want %s", fields, tt.badField)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, o := range q.Orders {
				s := o.Field
				if o.Desc {
					s = "-" + s
				}
				got = append(got, s)
			}
			if q.Page != tt.page || q.PageSize != tt.size || strings.Join(got, ",") != tt.orders {
				t.Fatalf("got page=%d size=%d orders=%v", q.Page, q.PageSize, got)
			}
		})
	}
}

func TestTiebreakAppended(t *testing.T) {
	q, _ := spec.Parse(url.Values{"sort": {"name"}})
	if n := len(q.columns); n != 2 || q.columns[1].Column.Name != "id" {
		t.Fatalf("columns = %+v, want name then id", q.columns)
	}
	q, _ = spec.Parse(url.Values{"sort": {"-id"}})
	if n := len(q.columns); n != 1 || !q.columns[0].Desc {
		t.Fatalf("columns = %+v, want only -id", q.columns)
	}
	q, _ = spec.Parse(url.Values{})
	if q.columns[0].Column.Table != "users" || q.columns[0].Column.Name != "created_at" {
		t.Fatalf("qualified column not split: %+v", q.columns[0])
	}
}

func TestLikeEscape(t *testing.T) {
	if got := likeEscaper.Replace(`50%_a\b`); got != `50\%\_a\\b` {
		t.Fatalf("escape = %q", got)
	}
}
