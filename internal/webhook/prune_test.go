package webhook

import (
	"context"
	"testing"
	"time"

	"yqyb/internal/audit"
	"yqyb/internal/platform/clock"
	"yqyb/internal/platform/testdb"
)

// TestPruneDeliveryLog: finished delivery attempts older than LogDays leave the log; newer ones and those
// still waiting for a retry stay, whatever their age. Runs on both engines.
func TestPruneDeliveryLog(t *testing.T) {
	for _, engine := range testdb.Engines() {
		t.Run(engine.Name, func(t *testing.T) {
			clk := clock.NewFixed(start())
			e := newEnv(t, engine.Open(t, clk), clk)
			ctx := context.Background()
			ok := newReceiver(t, nil)
			failing := newReceiver(t, func(int) int { return 500 })
			okEP, err := e.svc.Create(ctx, audit.Actor{ID: 7}, Owner{EnterpriseID: 1}, CreateInput{URL: ok.srv.URL, EventTypes: []string{"hazard.register"}})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := e.svc.Create(ctx, audit.Actor{ID: 7}, Owner{EnterpriseID: 2}, CreateInput{URL: failing.srv.URL, EventTypes: []string{"hazard.register"}}); err != nil {
				t.Fatal(err)
			}
			d := e.deliverer("a")
			d.GiveUpAfter, d.DisableAfter = 90*24*time.Hour, 0 // the failing one keeps retrying
			appendEvents(t, e.db, clk.Now(), 1, "hazard.register", 2)
			appendEvents(t, e.db, clk.Now(), 2, "hazard.register", 1)
			drain(t, d)
			clk.Advance(20 * 24 * time.Hour)
			appendEvents(t, e.db, clk.Now(), 1, "hazard.register", 1)
			drain(t, d)
			count := func(q string, args ...any) int64 {
				var n int64
				testdb.Must(t, e.db.Raw(q, args...).Scan(&n))
				return n
			}
			if n := count("SELECT COUNT(*) FROM webhook_deliveries"); n != 4 {
				t.Fatalf("%d deliveries before pruning, want 4", n)
			}
			if n, err := d.Prune(ctx); err != nil || n != 0 {
				t.Fatalf("pruned %d (%v) at 20 days, want 0", n, err)
			}
			clk.Advance(11 * 24 * time.Hour) // the first two are 31 days old, the third 11
			n, err := d.Prune(ctx)
			if err != nil || n != 2 {
				t.Fatalf("pruned %d (%v), want the 2 delivered more than 30 days ago", n, err)
			}
			if n := count("SELECT COUNT(*) FROM webhook_deliveries WHERE endpoint_id = ?", okEP.ID); n != 1 {
				t.Fatalf("%d deliveries of the working endpoint left, want 1", n)
			}
			if n := count("SELECT COUNT(*) FROM webhook_deliveries WHERE status = ?", StatusPending); n != 1 {
				t.Fatalf("%d pending deliveries left, want the one still retrying", n)
			}
			d.LogDays = 0
			clk.Advance(365 * 24 * time.Hour)
			if n, err := d.Prune(ctx); err != nil || n != 0 {
				t.Fatalf("LogDays 0 pruned %d (%v)", n, err)
			}
		})
	}
}
