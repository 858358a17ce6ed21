package api

import (
	"context"
	"fmt"
	"time"

	"yqyb/internal/inspection"
	"yqyb/internal/platform/jobs"
)

// Jobs is the scheduled work of the service. Every instance runs a jobs.Runner with these; the runner's
// lease makes each run once across all instances.
func (s *Server) Jobs() []jobs.Job {
	return []jobs.Job{
		{Name: "login.prune", Every: time.Hour, Run: func(ctx context.Context) (string, error) {
			n, err := s.auth.PruneThrottle(ctx)
			return fmt.Sprintf("清理 %d 条过期的登录失败计数", n), err
		}},
		{Name: "stats.refresh", Every: 5 * time.Minute, Run: func(ctx context.Context) (string, error) {
			n, err := s.stats.Refresh(ctx, "")
			return fmt.Sprintf("刷新 %d 家企业的统计", n), err
		}},
		{Name: "stats.snapshots", Every: 10 * time.Minute, Run: func(ctx context.Context) (string, error) {
			n, err := s.stats.SnapshotDue(ctx)
			return fmt.Sprintf("保存 %d 条半月使用率快照", n), err
		}},
		{Name: "ratelimit.prune", Every: time.Hour, Run: func(ctx context.Context) (string, error) {
			return "清理过期的限流计数", s.auth.PruneRateLimits(ctx)
		}},
		{Name: "sessions.prune", Every: time.Hour, Run: func(ctx context.Context) (string, error) {
			n, err := s.auth.PruneSessions(ctx)
			return fmt.Sprintf("清理 %d 条已结束的登录会话和已用过期的刷新令牌", n), err
		}},
		{Name: "files.prune", Every: time.Hour, Run: func(ctx context.Context) (string, error) {
			n, err := s.files.PruneUnattached(ctx, s.deps.Log)
			return fmt.Sprintf("清理 %d 个上传后从未使用的文件", n), err
		}},
		// PostgreSQL: the months of inspections ahead, and retention (YQYB_INSPECTION_RETENTION_YEARS).
		{Name: "inspections.partitions", Every: 24 * time.Hour, Run: func(ctx context.Context) (string, error) {
			m, err := inspection.NewPartitions(s.deps.DB, s.deps.Clock, s.deps.Log, s.deps.Config.InspectionRetentionYears).Maintain(ctx)
			return m.Note(), err
		}},
		{Name: "idempotency.prune", Every: time.Hour, Run: func(ctx context.Context) (string, error) {
			n, err := s.idem.Prune(ctx)
			return fmt.Sprintf("清理 %d 个过期的幂等键", n), err
		}},
	}
}
