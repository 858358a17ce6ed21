package standard_test

import (
	"bytes"
	"context"
	"slices"
	"testing"

	"github.com/xuri/excelize/v2"
)

// The import template offers the enterprise's departments (by path), its active posts (each name once), the
// frequencies and its grades as drop-down lists, on PostgreSQL too.
func TestImportTemplateOffersTheEnterprisesNames(t *testing.T) {
	m := seededMall(t)
	b, err := m.svc.ImportTemplate(context.Background(), m.ent)
	if err != nil {
		t.Fatal(err)
	}
	x, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	cols, err := x.GetCols("选项")
	if err != nil {
		t.Fatal(err)
	}
	has := func(name string) bool {
		return slices.ContainsFunc(cols, func(c []string) bool { return slices.Contains(c, name) })
	}
	for _, want := range []string{"仓储部", "叉车司机", "电工", "每日", "A"} {
		if !has(want) {
			t.Errorf("the template's choices lack %q: %q", want, cols)
		}
	}
}
