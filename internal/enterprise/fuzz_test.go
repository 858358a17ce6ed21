package enterprise_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"yqyb/internal/account"
	"yqyb/internal/audit"
	"yqyb/internal/enterprise"
	"yqyb/internal/platform/clock"
	"yqyb/internal/platform/sheet/sheettest"
	"yqyb/internal/platform/testdb"
	"yqyb/internal/setup"
	"yqyb/internal/standard"
	"yqyb/internal/tools/demo"
	"yqyb/pkg/uscc"
)

var importHeader = []string{"企业名称", "统一社会信用代码", "法定代表人", "法定代表人手机号", "所属区域", "地址", "行业门类", "主营业务", "企业规模"}

// FuzzEnterpriseImport feeds the Chaoyang regulator's enterprise import (PostgreSQL) with arbitrary files and
// with valid workbooks whose cells the fuzzer writes: data is either the .xlsx itself (asTable false) or
// tab-separated rows put under the real header (asTable true). The import must never panic, and every
// refusal must be a product error with a Chinese message — never an internal error.
//
//	go test ./internal/enterprise -run '^$' -fuzz FuzzEnterpriseImport -fuzztime 30s
func FuzzEnterpriseImport(f *testing.F) {
	ctx := context.Background()
	clk := clock.NewFixed(time.Date(2026, 11, 28, 10, 0, 0, 0, clock.Business))
	db := testdb.Postgres(f, clk)
	hasher := account.Hasher{Cost: bcrypt.MinCost}
	sc, err := demo.Seed(ctx, db, clk, hasher, false)
	if err != nil {
		f.Fatal(err)
	}
	st := setup.New(db, setup.Sources{StandardItems: standard.StandardItemCounts,
		PostsWithChecklist: standard.PostsWithChecklistCounts, ChecklistPosts: standard.PostsWithChecklist})
	svc := enterprise.NewService(db, clk, account.NewService(db, clk, hasher), st)
	var jurisdiction string
	var region int64
	db.Raw(`SELECT r.path, r.id FROM users u JOIN regions r ON r.id = u.region_id WHERE u.id = ?`, sc.ChaoyangRegID).Row().Scan(&jurisdiction, &region)
	if jurisdiction == "" {
		f.Fatal("the Chaoyang regulator has no region")
	}
	actor := audit.Actor{ID: sc.ChaoyangRegID, Name: demo.ChaoyangReg, RegionID: region}
	var business string
	testdb.Must(f, db.Raw(`SELECT name FROM main_businesses ORDER BY id LIMIT 1`).Scan(&business))

	check, _ := uscc.CheckChar("91110105MA01FXHG1")
	code := "91110105MA01FXHG1" + string(check)
	rows := []string{
		"北京朝阳模糊测试甲有限公司\t" + code + "\t张三\t13800138000\t朝阳区\t北京市朝阳区某路1号\tF 批发和零售业\t" + business + "\t小型",
		"北京朝阳模糊测试乙有限公司\t911101\t李四\t12345\t不存在区\t地址\tZ\t不存在的业务\t巨型",
		"\t\t\t\t\t\t\t\t",
		"北京朝阳 空格公司\t91110105MA01ABCD13\t" + strings.Repeat("王", 31) + "\t+86 138-0013-8000\t朝阳区\t" + strings.Repeat("址", 201) + "\tF\t" + business + "\t微型",
	}
	if _, err := svc.Import(ctx, actor, jurisdiction, bytes.NewReader(importWorkbook(f, rows[:1]))); err != nil {
		f.Fatalf("a valid import failed: %v", err)
	}
	f.Add([]byte(strings.Replace(rows[0], "甲", "丙", 1)+"\n"+rows[1]), true)
	f.Add([]byte(strings.Join(rows, "\n")), true)
	f.Add([]byte(rows[1]), true)
	f.Add([]byte(rows[0]+"\n"+rows[0]), true)
	f.Add(importWorkbook(f, rows[1:2]), false)
	if tmpl, err := svc.Template(ctx, jurisdiction); err == nil {
		f.Add(tmpl, false)
	} else {
		f.Fatal(err)
	}
	f.Add([]byte("PK\x03\x04"), false)

	f.Fuzz(func(t *testing.T, data []byte, asTable bool) {
		file := data
		if asTable {
			lines := strings.Split(string(data), "\n")
			if len(lines) > 20 {
				lines = lines[:20]
			}
			file = importWorkbook(t, lines)
		}
		_, err := svc.Import(ctx, actor, jurisdiction, bytes.NewReader(file))
		sheettest.CheckImportError(t, err)
	})
}

// importWorkbook writes the enterprise import header and the tab-separated rows as an .xlsx.
func importWorkbook(tb testing.TB, rows []string) []byte {
	return sheettest.Workbook(tb, importHeader, rows, 12)
}
