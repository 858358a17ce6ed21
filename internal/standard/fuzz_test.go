package standard_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"yqyb/internal/account"
	"yqyb/internal/audit"
	"yqyb/internal/platform/clock"
	"yqyb/internal/platform/sheet/sheettest"
	"yqyb/internal/platform/testdb"
	"yqyb/internal/standard"
	"yqyb/internal/tools/demo"
)

var importHeader = []string{"部门", "岗位", "清单名称", "排查频次", "类别", "排查项目", "排查内容", "排查标准", "依据", "隐患等级", "重大隐患判定"}

// FuzzChecklistImport feeds the demo mall's standard and checklist import (PostgreSQL) with arbitrary files
// and, more usefully, with valid workbooks whose cells the fuzzer writes: data is either the .xlsx itself
// (asTable false) or tab-separated rows put under the real header (asTable true). The import must never
// panic, and every refusal must be a product error with a Chinese message — never an internal error.
//
//	go test ./internal/standard -run '^$' -fuzz FuzzChecklistImport -fuzztime 30s
func FuzzChecklistImport(f *testing.F) {
	ctx := context.Background()
	clk := clock.NewFixed(time.Date(2026, 11, 28, 10, 0, 0, 0, clock.Business))
	db := testdb.Postgres(f, clk)
	sc, err := demo.Seed(ctx, db, clk, account.Hasher{Cost: bcrypt.MinCost}, false)
	if err != nil {
		f.Fatal(err)
	}
	svc := standard.NewService(db, clk)
	actor := audit.Actor{ID: sc.MallAdminID, Name: demo.MallName, EnterpriseID: sc.MallID}

	rows := []string{
		"仓储部\t叉车司机\t叉车每日点检\t每日\t设备设施\t叉车制动\t检查制动是否有效\t制动距离符合要求\t《场（厂）内专用机动车辆安全技术规程》\tC\t否",
		"仓储部\t库管员\t\t每周\t作业环境\t通道\t检查通道是否畅通\t通道无堆放\t\t\t是",
		"\t\t\t\t消防\t灭火器\t检查灭火器压力\t指针在绿区\t\tD\t",
		"工程部\t电工\t配电巡检\t每月\t用电安全\t配电箱\t检查配电箱接地\t接地可靠\t\t不存在的等级\tmaybe",
		"不存在的部门\t岗位\t清单\t每年\t类别\t项目\t内容\t\t\t\t",
	}
	tsv := strings.Join(rows, "\n")
	f.Add([]byte(tsv), true)
	f.Add([]byte(rows[0]+"\n"+rows[0]), true)
	f.Add([]byte(rows[0]+"\n"+strings.Replace(rows[0], "每日", "每周", 1)), true)
	f.Add([]byte("仓储部\t叉车司机\t"+strings.Repeat("长", 51)+"\t每日\t类\t项\t内容"), true)
	f.Add(importWorkbook(f, rows), false)
	if tmpl, err := svc.ImportTemplate(ctx, sc.MallID); err == nil {
		f.Add(tmpl, false)
	}
	if _, err := svc.Import(ctx, actor, sc.MallID, bytes.NewReader(importWorkbook(f, rows[:3]))); err != nil {
		f.Fatalf("a valid import failed: %v", err)
	}
	if export, err := svc.Export(ctx, sc.MallID); err == nil {
		f.Add(export, false)
	}
	f.Add([]byte("仓储部\t叉车司机\t\t每日\t类\x00别\t项\t内容"), true)
	f.Add([]byte("PK\x03\x04"), false)

	f.Fuzz(func(t *testing.T, data []byte, asTable bool) {
		file := data
		if asTable {
			file = importWorkbook(t, tableOf(data))
		}
		_, err := svc.Import(ctx, actor, sc.MallID, bytes.NewReader(file))
		sheettest.CheckImportError(t, err)
	})
}

// tableOf reads tab-separated rows, bounded so one input stays quick.
func tableOf(data []byte) []string {
	lines := strings.Split(string(data), "\n")
	if len(lines) > 40 {
		lines = lines[:40]
	}
	return lines
}

// importWorkbook writes the checklist import header and the tab-separated rows as an .xlsx.
func importWorkbook(tb testing.TB, rows []string) []byte {
	return sheettest.Workbook(tb, importHeader, rows, 14)
}
