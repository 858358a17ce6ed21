package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"yqyb/internal/files"
	"yqyb/internal/org"
	"yqyb/internal/platform/clock"
	"yqyb/internal/platform/storage"
)

// storedRefs reads every row that refers to a stored object: the uploads and the responsibility documents.
func (e *env) storedRefs(ctx context.Context) ([]storage.Ref, error) {
	up, err := files.StoredRefs(ctx, e.db)
	if err != nil {
		return nil, fmt.Errorf("读取上传文件记录: %w", err)
	}
	docs, err := org.DocumentRefs(ctx, e.db)
	if err != nil {
		return nil, fmt.Errorf("读取岗位责任制文件记录: %w", err)
	}
	return append(up, docs...), nil
}

// cmdFsck checks that the database and the file store agree: rows whose object is missing fail the
// command; objects no row refers to are listed, and deleted with --clean-orphans once they are older than
// files.UnattachedFor (the rule of the prune job), so an upload in flight is never touched.
func cmdFsck(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("fsck", flag.ContinueOnError)
	fs.SetOutput(stderr)
	clean := fs.Bool("clean-orphans", false, fmt.Sprintf("删除没有记录引用、写入超过 %v 的孤立文件", files.UnattachedFor))
	if err := fs.Parse(args); err != nil {
		return usageError{err.Error()}
	}
	if fs.NArg() > 0 {
		return usageError{"用法: yqyb fsck [--clean-orphans]"}
	}
	e, err := open(ctx, stderr)
	if err != nil {
		return err
	}
	defer e.close()
	store, err := storage.Open(ctx, e.cfg)
	if err != nil {
		return err
	}
	start := time.Now()
	rep, err := storage.Check(ctx, store, e.storedRefs, e.clk.Now(), files.UnattachedFor)
	if err != nil {
		return fmt.Errorf("文件一致性检查: %w", err)
	}
	age := fmt.Sprintf("%.0f 小时", files.UnattachedFor.Hours())
	fmt.Fprintf(stdout, "文件一致性检查：数据库中引用文件的记录 %d 条，文件存储中的对象 %d 个（用时 %v）\n",
		rep.Refs, rep.Objects, time.Since(start).Round(time.Millisecond))
	tw := tabwriter.NewWriter(stdout, 2, 4, 2, ' ', 0)
	if len(rep.Missing) > 0 {
		fmt.Fprintf(stdout, "\n缺失的文件（记录存在，文件存储中没有）：%d 条\n", len(rep.Missing))
		fmt.Fprintln(tw, "  表\t记录ID\t企业ID\t存储键\t上传时间")
		for _, r := range rep.Missing {
			fmt.Fprintf(tw, "  %s\t%d\t%d\t%s\t%s\n", r.Table, r.ID, r.EnterpriseID, r.Key, r.UploadedAt.In(clock.Business).Format(time.DateTime))
		}
		tw.Flush()
	}
	if len(rep.Orphans) > 0 {
		fmt.Fprintf(stdout, "\n孤立文件（没有记录引用，写入已超过 %s）：%d 个\n", age, len(rep.Orphans))
		fmt.Fprintln(tw, "  存储键\t大小（字节）\t写入时间")
		for _, o := range rep.Orphans {
			fmt.Fprintf(tw, "  %s\t%d\t%s\n", o.Key, o.Size, o.ModTime.In(clock.Business).Format(time.DateTime))
		}
		tw.Flush()
	}
	if len(rep.Young) > 0 {
		fmt.Fprintf(stdout, "\n尚无记录引用的新文件（写入不足 %s，可能是正在进行的上传，不会清理）：%d 个\n", age, len(rep.Young))
	}
	if len(rep.Missing) == 0 && len(rep.Orphans) == 0 {
		fmt.Fprintln(stdout, "\n数据库与文件存储一致")
	}
	if len(rep.Orphans) > 0 {
		if *clean {
			n, err := storage.CleanOrphans(ctx, store, rep, e.storedRefs)
			fmt.Fprintf(stdout, "\n已删除孤立文件 %d 个\n", n)
			if err != nil {
				return fmt.Errorf("删除孤立文件: %w", err)
			}
		} else {
			fmt.Fprintln(stdout, "\n孤立文件未删除；确认无误后运行 yqyb fsck --clean-orphans 删除")
		}
	}
	if len(rep.Missing) > 0 {
		return fmt.Errorf("%d 条记录引用的文件缺失：请从文件存储的历史版本（对象存储版本控制或备份）恢复这些文件", len(rep.Missing))
	}
	return nil
}
