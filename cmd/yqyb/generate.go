package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"sync"
	"time"

	"gorm.io/gorm"
	gormlogger "gorm.io/gorm/logger"

	"yqyb/internal/account"
	"yqyb/internal/platform/clock"
	"yqyb/internal/platform/database"
	"yqyb/internal/setup"
	"yqyb/internal/standard"
	"yqyb/internal/stats"
	"yqyb/internal/tools/generate"
	"yqyb/pkg/period"
)

func cmdGenerate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	d := generate.Defaults()
	fs := flag.NewFlagSet("generate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.IntVar(&d.Enterprises, "enterprises", d.Enterprises, "企业数")
	fs.IntVar(&d.PostsPerEnterprise, "posts-per-enterprise", d.PostsPerEnterprise, "平均每家企业的岗位数")
	fs.Int64Var(&d.Periods, "periods", d.Periods, "排查周期数（inspections 行数，分布在最近约 6 个月）")
	fs.IntVar(&d.Hazards, "hazards", d.Hazards, "隐患数")
	fs.Float64Var(&d.Scale, "scale", d.Scale, "规模系数：企业数、排查周期数、隐患数都乘以它（如 0.01 生成小数据集）")
	fs.Int64Var(&d.Seed, "seed", d.Seed, "随机种子（相同参数与种子生成相同的数据）")
	fs.IntVar(&d.Jobs, "jobs", d.Jobs, "装载大表时并行的数据库连接数")
	fs.BoolVar(&d.Force, "force", false, "数据库已有企业时仍然追加生成")
	fs.BoolVar(&d.IfEmpty, "if-empty", false, "数据库已有企业时跳过生成（不报错）")
	fs.BoolVar(&d.SkipStats, "skip-stats", false, "不计算 enterprise_stats 与半月使用率快照")
	if err := fs.Parse(args); err != nil {
		return usageError{err.Error()}
	}
	if fs.NArg() > 0 {
		return usageError{"用法: yqyb generate [--enterprises N] [--posts-per-enterprise N] [--periods N] [--hazards N] [--scale X] [--seed N] [--jobs N] [--force | --if-empty]"}
	}
	e, err := open(ctx, stderr)
	if err != nil {
		return err
	}
	defer e.close()
	if database.Dialect(e.db) != database.Postgres {
		return generate.ErrNotPostgres
	}
	m, err := e.migrator()
	if err != nil {
		return err
	}
	if n, err := m.Pending(ctx); err != nil {
		return err
	} else if n > 0 {
		return fmt.Errorf("数据库有 %d 个迁移未执行：请先运行 yqyb migrate up", n)
	}
	if d.PasswordHash, err = account.DefaultHasher.Hash(generate.Password); err != nil {
		return err
	}
	jobs := d.Jobs
	return generate.Run(ctx, e.db, d, func(ctx context.Context, db *gorm.DB, now time.Time, halves []string, logf func(string, ...any)) error {
		return generatedStats(ctx, db, now, halves, jobs, logf)
	}, stdout)
}

// generatedStats runs what the scheduled statistics jobs would have run by now: the usage snapshot of
// every finished half-month and the refresh of enterprise_stats, with the product's own code.
func generatedStats(ctx context.Context, db *gorm.DB, now time.Time, halves []string, jobs int, logf func(string, ...any)) error {
	db = db.Session(&gorm.Session{Logger: gormlogger.Discard})
	st := setup.New(db, setup.Sources{StandardItems: standard.StandardItemCounts,
		PostsWithChecklist: standard.PostsWithChecklistCounts, ChecklistPosts: standard.PostsWithChecklist})
	svc := stats.New(db, clock.NewFixed(now), st)
	t := time.Now()
	n, err := svc.Refresh(ctx, "")
	if err != nil {
		return err
	}
	logf("  enterprise_stats：%d 家企业  %s", n, time.Since(t).Round(100*time.Millisecond))
	work := make(chan string)
	errc := make(chan error, len(halves))
	var wg sync.WaitGroup
	for w := 0; w < max(1, jobs); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for key := range work {
				t := time.Now()
				var stored int
				p, err := period.ParseKey(period.HalfMonthly, key, clock.Business)
				if err == nil {
					stored, err = svc.Snapshot(ctx, p)
				}
				if err != nil {
					errc <- fmt.Errorf("快照 %s: %w", key, err)
					continue
				}
				logf("  使用率快照 %s：%d 家企业  %s", key, stored, time.Since(t).Round(100*time.Millisecond))
			}
		}()
	}
	for _, k := range halves {
		work <- k
	}
	close(work)
	wg.Wait()
	close(errc)
	return <-errc
}
