package api

import (
	"context"
	"fmt"
	"time"

	"yqyb/internal/jobs"
	"yqyb/internal/platform/ratelimit"
)

// Jobs is the scheduled work of the service. Every instance runs a jobs.Runner with these; the runner's
// lock makes each run once across all instances.
func (s *Server) Jobs() []jobs.Job {
	limiter := ratelimit.New(s.deps.DB, s.deps.Clock)
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
			return "清理过期的限流计数", limiter.Prune(ctx, s.deps.Clock.Now().Add(-time.Hour))
		}},
	}
}
