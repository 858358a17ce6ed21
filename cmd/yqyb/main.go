// Command yqyb is the whole product in one binary: the API and SPA server, the schema migrations, the demo
// data, and the generator of the OpenAPI contract.
//
//	yqyb serve [--addr HOST:PORT]   serve the SPA and the API
//	yqyb migrate up|status          apply or list schema migrations
//	yqyb seed [--if-empty]          load the demo scenario
//	yqyb fsck [--clean-orphans]     check that the database and the file store agree
//	yqyb openapi [--check]          regenerate openapi.yaml from the annotations (run in the repository)
//	yqyb version                    print the version
//
// Configuration comes from environment variables; see the README or `yqyb help`.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"syscall"
	"text/tabwriter"
	"time"

	"gorm.io/gorm"

	"yqyb/api"
	"yqyb/internal/platform/buildinfo"
	"yqyb/internal/platform/clock"
	"yqyb/internal/platform/config"
	"yqyb/internal/platform/database"
	"yqyb/internal/platform/jobs"
	"yqyb/internal/platform/logging"
	"yqyb/internal/platform/storage"
	"yqyb/internal/schema"
	"yqyb/internal/tools/apispec"
	"yqyb/internal/webui"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

const usage = `用法: yqyb <命令> [参数]

命令:
  serve [--addr HOST:PORT]   启动服务（前端页面与接口同一端口）
  migrate up                 执行全部未执行的数据库迁移
  migrate status             列出迁移及其执行状态
  seed [--if-empty]          写入演示数据（--if-empty：数据库已有企业数据时跳过）
  generate [--scale X] …     生成城市规模的基准测试数据集（仅 PostgreSQL；yqyb generate -h 查看参数）
  fsck [--clean-orphans]     检查数据库记录与文件存储是否一致（缺失文件时以非零状态退出；
                             --clean-orphans：删除写入超过 72 小时、没有记录引用的孤立文件）
  openapi [--check]          根据 swag 注释重新生成 openapi.yaml（在代码仓库根目录运行）
  version                    显示版本

环境变量:
`

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		printUsage(stderr)
		return 2
	}
	var err error
	switch args[0] {
	case "serve":
		err = cmdServe(ctx, args[1:], stderr)
	case "migrate":
		err = cmdMigrate(ctx, args[1:], stdout, stderr)
	case "seed":
		err = cmdSeed(ctx, args[1:], stdout, stderr)
	case "generate":
		err = cmdGenerate(ctx, args[1:], stdout, stderr)
	case "fsck":
		err = cmdFsck(ctx, args[1:], stdout, stderr)
	case "openapi":
		err = cmdOpenAPI(args[1:], stdout)
	case "version":
		fmt.Fprintln(stdout, buildinfo.Name, buildinfo.Version)
	case "help", "-h", "--help":
		printUsage(stdout)
	default:
		fmt.Fprintf(stderr, "未知命令 %q\n\n", args[0])
		printUsage(stderr)
		return 2
	}
	if err != nil {
		var ue usageError
		if errors.As(err, &ue) {
			fmt.Fprintln(stderr, err)
			return 2
		}
		fmt.Fprintln(stderr, "错误:", err)
		return 1
	}
	return 0
}

type usageError struct{ msg string }

func (u usageError) Error() string { return u.msg }

func printUsage(w io.Writer) {
	fmt.Fprint(w, usage)
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	for _, v := range config.Vars {
		fmt.Fprintf(tw, "  %s\t默认 %s\t%s\n", v.Name, v.Default, v.Description)
	}
	tw.Flush()
}

// env bundles what every database command opens.
type env struct {
	cfg config.Config
	log *slog.Logger
	clk clock.Clock
	db  *gorm.DB
}

func open(ctx context.Context, stderr io.Writer) (*env, error) {
	cfg, err := config.Load(os.LookupEnv)
	if err != nil {
		return nil, err
	}
	return openWith(ctx, cfg, stderr)
}

// openWith is open with the configuration already read.
func openWith(ctx context.Context, cfg config.Config, stderr io.Writer) (*env, error) {
	log := logging.New(stderr, cfg.LogFormat, cfg.LogLevel)
	clk := clock.Clock(clock.System{})
	opts := database.Options{URL: cfg.DatabaseURL, DataDir: cfg.DataDir, MaxOpen: cfg.DBMaxOpen, MaxIdle: cfg.DBMaxIdle, MaxLifetime: cfg.DBMaxLife}
	db, err := database.Open(ctx, opts, clk, log)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", database.Describe(opts), err)
	}
	return &env{cfg: cfg, log: log, clk: clk, db: db}, nil
}

func (e *env) close() { database.Close(e.db) }

func (e *env) migrator() (*database.Migrator, error) {
	migs, err := schema.Migrations()
	if err != nil {
		return nil, err
	}
	m := database.NewMigrator(e.db, migs, e.clk.Now)
	m.LockTimeout, m.Log = e.cfg.MigrationLockTimeout, e.log
	return m, nil
}

func cmdServe(ctx context.Context, args []string, stderr io.Writer) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "", "监听地址 HOST:PORT（覆盖 YQYB_ADDR）")
	if err := fs.Parse(args); err != nil {
		return usageError{err.Error()}
	}
	// The listen address decides the mode when YQYB_ENV is unset and whether the development routes exist,
	// so it is settled before anything else (config.LoadServe).
	cfg, err := config.LoadServe(os.LookupEnv, *addr)
	if err != nil {
		return err
	}
	e, err := openWith(ctx, cfg, stderr)
	if err != nil {
		return err
	}
	defer e.close()
	for _, w := range e.cfg.Warnings {
		e.log.Warn(w)
	}
	if e.cfg.SecretGenerated {
		e.log.Info("generated a JWT secret and kept it in the data directory", "file", e.cfg.DataDir+"/secret")
	}
	m, err := e.migrator()
	if err != nil {
		return err
	}
	if e.cfg.AutoMigrate {
		applied, err := m.Up(ctx)
		if err != nil {
			return err
		}
		for _, a := range applied {
			e.log.Info("migration applied", "migration", a.ID())
		}
	} else if n, err := m.Pending(ctx); err != nil {
		return err
	} else if n > 0 {
		return fmt.Errorf("数据库有 %d 个迁移未执行：请先运行 yqyb migrate up（或设置 YQYB_AUTO_MIGRATE=true）", n)
	}
	files, err := storage.Open(ctx, e.cfg)
	if err != nil {
		return err
	}
	spa, err := webui.Select(e.cfg.WebUIDir)
	if err != nil {
		return err
	}
	deps := api.Deps{Config: e.cfg, DB: e.db, Clock: e.clk, Log: e.log, Files: files, SPA: spa}
	if e.cfg.ReplicaURL != "" {
		// Lazy: a standby that is down when the server starts is read once it answers; until then the
		// guard (api.Deps.Replica) sends its reads to the primary.
		ro := database.Options{URL: e.cfg.ReplicaURL, MaxOpen: e.cfg.DBMaxOpen, MaxIdle: e.cfg.DBMaxIdle, MaxLifetime: e.cfg.DBMaxLife, Lazy: true}
		replica, err := database.Open(ctx, ro, e.clk, e.log)
		if err != nil {
			return fmt.Errorf("只读副本 %s: %w", database.Describe(ro), err)
		}
		defer database.Close(replica)
		deps.Replica = replica
	}
	if e.cfg.Env == config.Development {
		// A development server's clock can stand elsewhere (YQYB_FAKE_NOW, YQYB_CLOCK_OFFSET), so a demo or a
		// browser test can stand at a period boundary; production always runs on the system clock. Only on a
		// loopback address can it also be moved over HTTP (the development routes).
		dev := clock.NewShifted(clock.System{}, e.cfg.ClockOffset)
		if !e.cfg.FakeNow.IsZero() {
			dev.StandAt(e.cfg.FakeNow)
		}
		deps.Clock = dev
		if e.cfg.DevFeatures {
			deps.DevClock = dev
		}
		if dev.Offset() != 0 {
			e.log.Warn("development clock is shifted", "now", dev.Now().In(clock.Business).Format(time.DateTime), "offset", dev.Offset())
		}
	}
	srv, err := api.New(deps)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", e.cfg.Addr)
	if err != nil {
		return fmt.Errorf("监听 %s: %w", e.cfg.Addr, err)
	}
	// Config judged the address by its text; a name such as localhost is judged again by what was bound.
	if e.cfg.DevFeatures && !loopbackListener(ln) {
		ln.Close()
		return fmt.Errorf("监听地址 %s 实际绑定到 %s，不是回环地址：开发模式的调试接口只在回环地址上提供，请监听 127.0.0.1 或设置 YQYB_ENV=production", e.cfg.Addr, ln.Addr())
	}
	if e.cfg.PprofAddr != "" {
		if _, err := servePprof(ctx, e.cfg.PprofAddr, e.log); err != nil {
			ln.Close()
			return err
		}
	}
	if e.cfg.MetricsAddr != "" {
		// Scrapes go on while in-flight requests drain after SIGTERM; the listener closes when serving ends.
		mctx, stopMetrics := context.WithCancel(context.WithoutCancel(ctx))
		defer stopMetrics()
		if _, err := serveMetrics(mctx, e.cfg.MetricsAddr, srv.MetricsHandler(), e.log); err != nil {
			ln.Close()
			return err
		}
	}
	if l := srv.SessionListener(e.cfg.NotifyURL); l != nil {
		go l.Run(ctx)
	}
	// Scheduled jobs run in every instance; the runner's lease makes each run once across them all.
	host, _ := os.Hostname()
	runner := jobs.New(e.db, deps.Clock, e.log, fmt.Sprintf("%s:%d", host, os.Getpid()), srv.Jobs()...)
	runner.Observe = srv.ObserveJob
	jobsStopped := runner.Start(ctx)
	// Webhook deliveries run in every instance too; an endpoint's lease makes each delivery happen once.
	hooksStopped := srv.WebhookDeliverer(fmt.Sprintf("%s:%d", host, os.Getpid())).Start(ctx)
	e.log.Info("serving", "url", "http://"+ln.Addr().String(), "env", e.cfg.Env, "dev_routes", e.cfg.DevFeatures, "version", buildinfo.Version,
		"database", database.Describe(database.Options{URL: e.cfg.DatabaseURL, DataDir: e.cfg.DataDir}), "spa", spa != nil, "webui_dir", e.cfg.WebUIDir)
	if err := srv.Serve(ctx, ln); err != nil || ctx.Err() == nil {
		return err
	}
	// A job cut short by the shutdown releases its lease, so another instance takes it at once; the
	// database stays open until it has (the job's queries end with the context).
	select {
	case <-jobsStopped:
	case <-time.After(15 * time.Second):
		e.log.Warn("scheduled jobs did not stop within 15 s; their leases expire by themselves")
	}
	select {
	case <-hooksStopped:
	case <-time.After(15 * time.Second):
		e.log.Warn("webhook deliveries did not stop within 15 s; their leases expire by themselves")
	}
	return nil
}

func cmdMigrate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) != 1 || (args[0] != "up" && args[0] != "status") {
		return usageError{"用法: yqyb migrate up|status"}
	}
	e, err := open(ctx, stderr)
	if err != nil {
		return err
	}
	defer e.close()
	m, err := e.migrator()
	if err != nil {
		return err
	}
	if args[0] == "up" {
		applied, err := m.Up(ctx)
		for _, a := range applied {
			fmt.Fprintln(stdout, "已执行", a.ID())
		}
		if err != nil {
			return err
		}
		if len(applied) == 0 {
			fmt.Fprintln(stdout, "数据库已是最新，无需迁移")
		}
		return nil
	}
	st, err := m.Status(ctx)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(stdout, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "版本\t名称\t状态")
	for _, s := range st {
		state := "未执行"
		if s.AppliedAt != nil {
			state = "已执行 " + s.AppliedAt.In(clock.Business).Format(time.DateTime)
		}
		if s.Modified {
			state += "（文件已被修改！）"
		}
		fmt.Fprintf(tw, "%04d\t%s\t%s\n", s.Version, s.Name, state)
	}
	return tw.Flush()
}

func cmdOpenAPI(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("openapi", flag.ContinueOnError)
	check := fs.Bool("check", false, "只检查，不写文件；有差异时失败")
	root := fs.String("root", ".", "代码仓库根目录")
	if err := fs.Parse(args); err != nil {
		return usageError{err.Error()}
	}
	if *check {
		stale, err := apispec.Check(*root)
		if err != nil {
			return err
		}
		if len(stale) > 0 {
			return fmt.Errorf("以下文件与注释生成的结果不一致，请运行 make openapi: %v", stale)
		}
		fmt.Fprintln(stdout, "openapi.yaml 与代码一致")
		return nil
	}
	if err := apispec.Write(*root); err != nil {
		return err
	}
	fmt.Fprintln(stdout, "已生成", apispec.Outputs)
	return nil
}
