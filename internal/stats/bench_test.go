package stats_test

// Benchmarks on a city-scale data set (issue 7: 100,000 enterprises, 1,000,000 posts, 20,000,000 inspection
// periods): the dashboards of the city, its largest district and its largest street, one enterprise's
// summary, the 5-minute refresh of every enterprise's figures, and the half-month usage snapshot of the
// whole city. They run against the database named by YQYB_BENCH_DATABASE_URL, filled by `yqyb generate`,
// and skip without it; `make bench-stats` prepares the database and runs them. The clock stands at the
// moment the data set was generated for, so the current half-month holds data whenever they run. Refresh
// and snapshot run in a transaction that is rolled back, so the database stays as generated (their dead
// rows are vacuumed away afterwards).

import (
	"context"
	"os"
	"sync"
	"testing"
	"time"

	"gorm.io/gorm"
	gormlogger "gorm.io/gorm/logger"

	"yqyb/internal/inspection"
	"yqyb/internal/org"
	"yqyb/internal/platform/clock"
	"yqyb/internal/platform/database"
	"yqyb/internal/platform/logging"
	"yqyb/internal/setup"
	"yqyb/internal/standard"
	"yqyb/internal/stats"
	"yqyb/internal/tools/generate"
	"yqyb/pkg/period"
)

type benchCity struct {
	db       *gorm.DB
	now      time.Time
	city     org.Region
	district org.Region
	street   org.Region
	ent      int64
	err      error
	skip     string
}

var (
	cityOnce sync.Once
	city     benchCity
)

func service(db *gorm.DB, now time.Time) *stats.Service {
	st := setup.New(db, setup.Sources{StandardItems: standard.StandardItemCounts,
		PostsWithChecklist: standard.PostsWithChecklistCounts, ChecklistPosts: standard.PostsWithChecklist})
	return stats.New(db, clock.NewFixed(now), st)
}

func loadCity() benchCity {
	url := os.Getenv("YQYB_BENCH_DATABASE_URL")
	if url == "" {
		return benchCity{skip: "YQYB_BENCH_DATABASE_URL 未设置：统计基准测试需要 yqyb generate 生成的城市规模 PostgreSQL 数据库（make bench-stats 会准备并运行）"}
	}
	ctx := context.Background()
	db, err := database.Open(ctx, database.Options{URL: url, MaxOpen: 10, MaxIdle: 10, MaxLifetime: time.Hour}, clock.System{}, logging.Discard())
	if err != nil {
		return benchCity{err: err}
	}
	c := benchCity{db: db.Session(&gorm.Session{Logger: gormlogger.Discard})}
	if c.now, c.err = generate.ReferenceTime(ctx, c.db); c.err != nil {
		return c
	}
	if c.now.IsZero() {
		c.now = time.Now()
	}
	// Start from clean tables: refresh and snapshot benchmarks (this run's or an earlier one's) leave the
	// dead rows of their rolled-back writes behind, which would slow every dashboard until autovacuum.
	if c.err = vacuumStats(c.db); c.err != nil {
		return c
	}
	var n int64
	if c.err = c.db.Table("enterprise_stats").Count(&n).Error; c.err != nil {
		return c
	}
	if n == 0 {
		return benchCity{skip: "基准库中没有 enterprise_stats：请先用 yqyb generate 生成数据（不要加 --skip-stats）"}
	}
	// The largest district and street by enterprises, and the enterprise with the most checklists.
	pick := func(level string) (org.Region, error) {
		var id int64
		col := "district_id"
		if level == "street" {
			col = "street_id"
		}
		if err := c.db.Raw(`SELECT ` + col + ` FROM enterprise_stats WHERE ` + col + ` IS NOT NULL GROUP BY 1 ORDER BY COUNT(*) DESC, 1 LIMIT 1`).Scan(&id).Error; err != nil {
			return org.Region{}, err
		}
		return org.RegionByID(ctx, c.db, id)
	}
	var cityID int64
	if c.err = c.db.Raw("SELECT id FROM regions WHERE level = 'city' ORDER BY id LIMIT 1").Scan(&cityID).Error; c.err != nil {
		return c
	}
	if c.city, c.err = org.RegionByID(ctx, c.db, cityID); c.err != nil {
		return c
	}
	if c.district, c.err = pick("district"); c.err != nil {
		return c
	}
	if c.street, c.err = pick("street"); c.err != nil {
		return c
	}
	c.err = c.db.Raw("SELECT enterprise_id FROM checklists GROUP BY 1 ORDER BY COUNT(*) DESC, 1 LIMIT 1").Scan(&c.ent).Error
	return c
}

func vacuumStats(db *gorm.DB) error {
	for _, t := range []string{"enterprise_stats", "usage_snapshots"} {
		if err := db.Exec("VACUUM (ANALYZE) " + t).Error; err != nil {
			return err
		}
	}
	return nil
}

func benchSetup(b *testing.B) benchCity {
	b.Helper()
	cityOnce.Do(func() { city = loadCity() })
	if city.skip != "" {
		b.Skip(city.skip)
	}
	if city.err != nil {
		b.Fatal(city.err)
	}
	return city
}

func report(b *testing.B, start time.Time) {
	b.ReportMetric(float64(time.Since(start).Microseconds())/1000/float64(b.N), "ms/op")
}

func benchDashboard(b *testing.B, region func(benchCity) org.Region) {
	c := benchSetup(b)
	svc := service(c.db, c.now)
	r := region(c)
	rng := stats.DefaultRange(c.now)
	ctx := context.Background()
	var d stats.Dashboard
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		var err error
		if d, err = svc.RegionDashboard(ctx, r, rng); err != nil {
			b.Fatal(err)
		}
	}
	report(b, start)
	b.ReportMetric(float64(d.Figures.Enterprises), "enterprises")
}

func BenchmarkCityDashboard(b *testing.B) {
	benchDashboard(b, func(c benchCity) org.Region { return c.city })
}

func BenchmarkDistrictDashboard(b *testing.B) {
	benchDashboard(b, func(c benchCity) org.Region { return c.district })
}

func BenchmarkStreetDashboard(b *testing.B) {
	benchDashboard(b, func(c benchCity) org.Region { return c.street })
}

func BenchmarkEnterpriseSummary(b *testing.B) {
	c := benchSetup(b)
	svc := service(c.db, c.now)
	rng := stats.DefaultRange(c.now)
	ctx := context.Background()
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		if _, err := svc.Enterprise(ctx, c.ent, rng); err != nil {
			b.Fatal(err)
		}
	}
	report(b, start)
}

// inRollback runs fn on a transaction that is rolled back afterwards; prepare runs untimed first.
func inRollback(b *testing.B, db *gorm.DB, prepare func(tx *gorm.DB) error, fn func(tx *gorm.DB) (int, error)) (int, time.Duration) {
	b.StopTimer()
	tx := db.Begin()
	if tx.Error != nil {
		b.Fatal(tx.Error)
	}
	defer tx.Rollback()
	if prepare != nil {
		if err := prepare(tx); err != nil {
			b.Fatal(err)
		}
	}
	b.StartTimer()
	t := time.Now()
	n, err := fn(tx)
	d := time.Since(t)
	b.StopTimer()
	if err != nil {
		b.Fatal(err)
	}
	return n, d
}

func BenchmarkRefreshCity(b *testing.B) {
	c := benchSetup(b)
	b.Cleanup(func() {
		if err := vacuumStats(c.db); err != nil {
			b.Error(err)
		}
	})
	ctx := context.Background()
	var total time.Duration
	n := 0
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		var d time.Duration
		n, d = inRollback(b, c.db, nil, func(tx *gorm.DB) (int, error) { return service(tx, c.now).Refresh(ctx, "") })
		total += d
	}
	b.ReportMetric(float64(total.Microseconds())/1000/float64(b.N), "ms/op")
	b.ReportMetric(float64(n), "enterprises")
}

func BenchmarkSnapshotCity(b *testing.B) {
	c := benchSetup(b)
	b.Cleanup(func() {
		if err := vacuumStats(c.db); err != nil {
			b.Error(err)
		}
	})
	ctx := context.Background()
	half := period.Of(period.HalfMonthly, c.now, clock.Business).Prev()
	var total time.Duration
	n := 0
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		var d time.Duration
		n, d = inRollback(b, c.db,
			func(tx *gorm.DB) error {
				return tx.Exec("DELETE FROM usage_snapshots WHERE half_key = ?", half.Key).Error
			},
			func(tx *gorm.DB) (int, error) { return service(tx, c.now).Snapshot(ctx, half) })
		total += d
	}
	b.ReportMetric(float64(total.Microseconds())/1000/float64(b.N), "ms/op")
	b.ReportMetric(float64(n), "enterprises")
}

// BenchmarkPartitionMaintenance: the daily partition job (migration 0024) on the city: a run that finds every
// month in place (what most days are), and the creation of one month of both tables, attached beside the
// city's data, in a transaction that is rolled back.
func BenchmarkPartitionMaintenance(b *testing.B) {
	c := benchSetup(b)
	ctx := context.Background()
	b.Run("steady", func(b *testing.B) {
		p := inspection.NewPartitions(c.db, clock.NewFixed(c.now), logging.Discard(), 0)
		if _, err := p.Maintain(ctx); err != nil { // the first run may still create months ahead
			b.Fatal(err)
		}
		b.ResetTimer()
		start := time.Now()
		for i := 0; i < b.N; i++ {
			if _, err := p.Maintain(ctx); err != nil {
				b.Fatal(err)
			}
		}
		report(b, start)
	})
	b.Run("new-month", func(b *testing.B) {
		far := c.now.AddDate(3, 0, 0)
		var total time.Duration
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			_, d := inRollback(b, c.db, nil, func(tx *gorm.DB) (int, error) {
				created, failed, err := inspection.NewPartitions(tx, clock.NewFixed(c.now), logging.Discard(), 0).Ensure(ctx, far, far)
				if err == nil && (len(created) != 1 || len(failed) != 0) {
					b.Fatalf("created %v, failed %v", created, failed)
				}
				return len(created), err
			})
			total += d
		}
		b.ReportMetric(float64(total.Microseconds())/1000/float64(b.N), "ms/op")
	})
}
