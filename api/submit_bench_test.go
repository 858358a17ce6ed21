package api

import (
	"fmt"
	"net/http"
	"sort"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"gorm.io/gorm"

	"yqyb/internal/inspection"
	"yqyb/internal/standard"
	"yqyb/internal/tools/demo"
)

// BenchmarkSubmitInspection30Items submits inspections of 30-item checklists through the real router against
// PostgreSQL, 8 at a time, and reports submissions per second, the p99 latency and the SQL statements one
// submission runs. Every submission is a distinct checklist's current period (one inspection per checklist
// and period), started untimed. The sub-benchmarks differ in how many of the 30 answers are hazards: their
// registration is batched, so only the answers themselves (written one by one when they carry more than
// 合格) add statements.
//
//	go test -run '^$' -bench SubmitInspection -benchtime 200x ./api/
func BenchmarkSubmitInspection30Items(b *testing.B) {
	for _, hazards := range []int{0, 1, 5} {
		b.Run(fmt.Sprintf("hazards=%d", hazards), func(b *testing.B) { benchmarkSubmit(b, hazards) })
	}
}

func benchmarkSubmit(b *testing.B, hazards int) {
	env, _ := seeded(b)
	t := b
	admin, v := mallStandard(t, env)
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
	post := postOf(t, env, "仓储部", "叉车司机")
	fork := env.login("personal", demo.MallForklift, pw).AccessToken
	ids := make([]int64, b.N)
	answers := make([][]map[string]any, b.N)
	for i := range b.N {
		var cl standard.ChecklistDetail
		r := env.as(admin, http.MethodPost, "/api/v1/checklists", map[string]any{"post_id": post, "name": fmt.Sprintf("叉车点检%d", i),
			"frequency": "daily", "item_ids": items})
		r.decode(t, &cl)
		if r.Code != 201 {
			b.Fatalf("checklist = %d %s", r.Code, r.Body)
		}
		var d inspection.Detail
		env.as(fork, http.MethodPost, fmt.Sprintf("/api/v1/my/checklists/%d/inspection", cl.ID), nil).decode(t, &d)
		ids[i], answers[i] = d.ID, allOK(d)
		for j := range hazards {
			answers[i][j] = map[string]any{"item_id": d.Answers[j].ItemID, "result": "hazard", "description": "压测隐患", "grade_code": "C"}
		}
	}
	statements := countStatements(b, env.db)
	lat := make([]time.Duration, b.N)
	var wg sync.WaitGroup
	next := make(chan int)
	b.ResetTimer()
	statements.Store(0)
	start := time.Now()
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				t0 := time.Now()
				r := env.as(fork, http.MethodPost, fmt.Sprintf("/api/v1/inspections/%d/submit", ids[i]), map[string]any{"answers": answers[i]})
				lat[i] = time.Since(t0)
				if r.Code != 200 {
					b.Errorf("submit = %d %s", r.Code, r.Body)
				}
			}
		}()
	}
	for i := range b.N {
		next <- i
	}
	close(next)
	wg.Wait()
	took := time.Since(start)
	b.StopTimer()
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	b.ReportMetric(float64(b.N)/took.Seconds(), "submissions/s")
	b.ReportMetric(float64(lat[(len(lat)*99)/100].Microseconds())/1000, "p99-ms")
	b.ReportMetric(float64(statements.Load())/float64(b.N), "statements/op")
}

// countStatements counts the SQL statements run through db from now on (every GORM operation, raw ones
// included; BEGIN and COMMIT are not counted).
func countStatements(b *testing.B, db *gorm.DB) *atomic.Int64 {
	var n atomic.Int64
	count := func(*gorm.DB) { n.Add(1) }
	cb := db.Callback()
	for name, err := range map[string]error{
		"create": cb.Create().After("gorm:create").Register("bench:count", count),
		"query":  cb.Query().After("gorm:query").Register("bench:count", count),
		"update": cb.Update().After("gorm:update").Register("bench:count", count),
		"delete": cb.Delete().After("gorm:delete").Register("bench:count", count),
		"row":    cb.Row().After("gorm:row").Register("bench:count", count),
		"raw":    cb.Raw().After("gorm:raw").Register("bench:count", count),
	} {
		if err != nil {
			b.Fatalf("count %s statements: %v", name, err)
		}
	}
	return &n
}
