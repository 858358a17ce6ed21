package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"text/tabwriter"

	"yqyb/internal/account"
	"yqyb/internal/platform/storage"
	"yqyb/internal/tools/demo"
)

func cmdSeed(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("seed", flag.ContinueOnError)
	fs.SetOutput(stderr)
	ifEmpty := fs.Bool("if-empty", false, "数据库已有其他企业数据时跳过")
	history := fs.Bool("history", false, "再加载一家已使用六周的演示企业（排查记录、隐患、督办）和两家未初始化的企业，供看板和报表演示")
	if err := fs.Parse(args); err != nil {
		return usageError{err.Error()}
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
	if n, err := m.Pending(ctx); err != nil {
		return err
	} else if n > 0 {
		return fmt.Errorf("数据库有 %d 个迁移未执行：请先运行 yqyb migrate up", n)
	}
	sc, err := demo.Seed(ctx, e.db, e.clk, account.DefaultHasher, *ifEmpty)
	if errors.Is(err, demo.ErrNotEmpty) {
		fmt.Fprintln(stdout, err)
		return nil
	}
	if err != nil {
		return err
	}
	if *history {
		store, err := storage.Open(ctx, e.cfg)
		if err != nil {
			return err
		}
		if err := demo.SeedHistory(ctx, e.db, e.clk, account.DefaultHasher, store); err != nil {
			return err
		}
		fmt.Fprintln(stdout, "已加载演示历史数据："+demo.AndaName+"（岗位账号 "+demo.AndaForklift+" 等）及两家未初始化企业")
	}
	fmt.Fprintln(stdout, "演示账号（密码均为 "+demo.DemoPassword+"，仅供演示，无需首次修改）：")
	tw := tabwriter.NewWriter(stdout, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "  身份\t登录方式\t用户名")
	for _, a := range sc.Accounts {
		fmt.Fprintf(tw, "  %s\t%s\t%s\n", a.Role, a.Mode, a.Username)
	}
	return tw.Flush()
}
