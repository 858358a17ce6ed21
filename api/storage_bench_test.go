package api

import (
	"fmt"
	"net/http"
	"testing"

	"yqyb/internal/inspection"
	"yqyb/internal/tools/demo"
)

// BenchmarkInspectionStorage measures what one submitted 30-item inspection costs on disk in PostgreSQL: the
// sizes of inspections and inspection_answers with their indexes (and TOAST), divided by the number of
// inspections; and, apart, what a checklist version (the items' texts, stored once) costs. b.N inspections are started and submitted through the real router, each of a distinct
// 30-item checklist; the sub-benchmarks differ in how many answers carry something (隐患, 不涉及, a photo-less
// note). Page granularity makes small runs meaningless, so run it with a fixed count:
//
//	go test -run '^$' -bench InspectionStorage -benchtime 1000x ./api/
func BenchmarkInspectionStorage(b *testing.B) {
	for _, exceptions := range []int{0, 3} {
		b.Run(fmt.Sprintf("exceptions=%d", exceptions), func(b *testing.B) { benchmarkStorage(b, exceptions) })
	}
}

func benchmarkStorage(b *testing.B, exceptions int) {
	env, _ := seeded(b)
	_, v := mallStandard(b, env)
	var items []int64
	for _, c := range v.Categories {
		for _, it := range c.Items {
			if !it.IsMajor && len(items) < 30 {
				items = append(items, it.ID)
			}
		}
	}
	if len(items) < 30 {
		b.Fatalf("the template has %d general items", len(items))
	}
	post := postOf(b, env, "仓储部", "叉车司机")
	fork := env.login("personal", demo.MallForklift, pw).AccessToken
	// The checklists are written in one statement: only the inspections are measured.
	var lists []int64
	if err := env.db.Raw(`INSERT INTO checklists (enterprise_id, post_id, name, frequency, created_at, updated_at)
		SELECT p.enterprise_id, p.id, '叉车点检' || g, 'daily', now(), now() FROM posts p, generate_series(1, ?) g WHERE p.id = ?
		RETURNING id`, b.N, post).Scan(&lists).Error; err != nil {
		b.Fatal(err)
	}
	if err := env.db.Exec(`INSERT INTO checklist_items (enterprise_id, checklist_id, item_id, sort_order)
		SELECT l.enterprise_id, c, i, o FROM unnest(CAST(? AS BIGINT[])) c JOIN checklists l ON l.id = c,
		unnest(CAST(? AS BIGINT[])) WITH ORDINALITY AS x(i, o)`,
		pgArray(lists), pgArray(items)).Error; err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for _, cl := range lists {
		var d inspection.Detail
		if r := env.as(fork, http.MethodPost, fmt.Sprintf("/api/v1/my/checklists/%d/inspection", cl), nil); r.Code != 200 && r.Code != 201 {
			b.Fatalf("start = %d %s", r.Code, r.Body)
		} else {
			r.decode(b, &d)
		}
		answers := allOK(d)
		for j := range exceptions {
			switch j % 3 {
			case 0:
				answers[j] = map[string]any{"item_id": d.Answers[j].ItemID, "result": "hazard", "description": "货叉链条断股，需更换", "grade_code": "C",
					"location": "二号仓库"}
			case 1:
				answers[j] = map[string]any{"item_id": d.Answers[j].ItemID, "result": "na", "na_reason": "本岗位无此设备"}
			default:
				answers[j] = map[string]any{"item_id": d.Answers[j].ItemID, "result": "hazard", "description": "灭火器压力不足", "grade_code": "C"}
			}
		}
		if r := env.as(fork, http.MethodPost, fmt.Sprintf("/api/v1/inspections/%d/submit", d.ID), map[string]any{"answers": answers}); r.Code != 200 {
			b.Fatalf("submit = %d %s", r.Code, r.Body)
		}
	}
	b.StopTimer()
	var n int64
	if err := env.db.Raw("SELECT COUNT(*) FROM inspections").Scan(&n).Error; err != nil {
		b.Fatal(err)
	}
	var versions int64
	if err := env.db.Raw("SELECT COUNT(*) FROM checklist_versions").Scan(&versions).Error; err != nil {
		b.Fatal(err)
	}
	total, shared := int64(0), int64(0)
	for _, tbl := range storageTables(b, env) {
		var heap, all int64
		// Summed over the partitions holding rows of a partitioned table (inspections, inspection_answers:
		// migration 0024): the empty months ahead cost a few pages each, whatever the number of inspections.
		var leaves []string
		if err := env.db.Raw(`SELECT relid::regclass::text FROM pg_partition_tree(CAST(? AS regclass)) WHERE isleaf`, tbl).Scan(&leaves).Error; err != nil {
			b.Fatal(err)
		}
		if len(leaves) == 0 { // a plain table (the versions): pg_partition_tree lists nothing
			leaves = []string{tbl}
		}
		for _, leaf := range leaves {
			var used bool
			var h, a int64
			if err := env.db.Raw(fmt.Sprintf(`SELECT EXISTS (SELECT 1 FROM %s), pg_table_size(CAST(? AS regclass)), pg_total_relation_size(CAST(? AS regclass))`, leaf),
				leaf, leaf).Row().Scan(&used, &h, &a); err != nil {
				b.Fatal(err)
			}
			if used {
				heap, all = heap+h, all+a
			}
		}
		b.Logf("%-26s %9d bytes (%d table, %d indexes), %.0f per inspection", tbl, all, heap, all-heap, float64(all)/float64(n))
		if tbl == "inspections" || tbl == "inspection_answers" {
			total += all
		} else {
			shared += all
		}
	}
	if versions > 0 {
		// Every inspection here is of a checklist of its own; in use, a version is shared by all the
		// inspections of its checklist until the checklist's items change (a daily one: hundreds a year).
		b.Logf("%d checklist versions of 30 items: %.0f bytes each, shared by every inspection of the version", versions, float64(shared)/float64(versions))
		b.ReportMetric(float64(shared)/float64(versions), "bytes/version")
	}
	b.Logf("%d inspections of 30 items with %d exceptions: %.0f bytes each on disk (inspections + inspection_answers, indexes included)",
		n, exceptions, float64(total)/float64(n))
	b.ReportMetric(float64(total)/float64(n), "bytes/inspection")
}

// storageTables are the tables an inspection's record lives in.
func storageTables(b *testing.B, env *testEnv) []string {
	var out []string
	if err := env.db.Raw(`SELECT relname FROM pg_class WHERE relkind IN ('r', 'p') AND relname IN
		('inspections', 'inspection_answers', 'checklist_versions', 'checklist_version_items') ORDER BY relname DESC`).Scan(&out).Error; err != nil {
		b.Fatal(err)
	}
	return out
}

// pgArray writes ids as a PostgreSQL array literal.
func pgArray(ids []int64) string {
	s := "{"
	for i, id := range ids {
		if i > 0 {
			s += ","
		}
		s += fmt.Sprint(id)
	}
	return s + "}"
}
