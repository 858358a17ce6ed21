package listq_test

import (
	"net/url"
	"strings"
	"testing"

	"gorm.io/gorm"

	"yqyb/internal/platform/listq"
	"yqyb/internal/platform/testdb"
)

type region struct {
	ID   int64
	Code string
	Name string
}

var regionSpec = listq.Spec{
	Sorts:   map[string]string{"code": "regions.code", "name": "name"},
	Default: []listq.Order{{Field: "code"}},
}

// TestFetch runs the convention against the seeded region table (Beijing + 16 districts) on PostgreSQL.
func TestFetch(t *testing.T) {
	db := testdb.Postgres(t, nil)
	// A street whose name contains LIKE wildcards proves keywords match literally.
	if err := db.Exec(`INSERT INTO regions (parent_id, level, code, name, path) VALUES (NULL, 'street', '110105999', '测试_街道%', '/x/')`).Error; err != nil {
		t.Fatal(err)
	}
	base := func() *gorm.DB { return db.Table("regions").Select("id, code, name") }
	tests := []struct {
		name      string
		query     string
		kw        string
		total     int64
		wantCodes string
	}{
		{"first page by code", "page_size=3", "", 18, "110000,110101,110102"},
		{"second page", "page=2&page_size=3", "", 18, "110105,110105999,110106"},
		{"descending", "page_size=2&sort=-code", "", 18, "110119,110118"},
		{"past the end", "page=10&page_size=5", "", 18, ""},
		{"keyword", "sort=code", "朝阳", 1, "110105"},
		{"wildcard is literal", "", "_街道%", 1, "110105999"},
		{"percent alone matches only a literal percent", "", "%", 1, "110105999"},
		{"no match", "", "上海", 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, _ := url.ParseQuery(tt.query)
			q, err := regionSpec.Parse(v)
			if err != nil {
				t.Fatal(err)
			}
			page, err := listq.Fetch[region](listq.Keyword(base(), tt.kw, "name", "code"), q)
			if err != nil {
				t.Fatal(err)
			}
			var codes []string
			for _, r := range page.Items {
				codes = append(codes, r.Code)
			}
			if page.Total != tt.total || strings.Join(codes, ",") != tt.wantCodes {
				t.Fatalf("total=%d codes=%v, want %d %s", page.Total, codes, tt.total, tt.wantCodes)
			}
			if page.Items == nil {
				t.Fatal("items must be an empty list, not null")
			}
		})
	}
}
