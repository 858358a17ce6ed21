package account_test

import (
	"context"
	"database/sql"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"yqyb/internal/account"
	"yqyb/internal/platform/clock"
	"yqyb/internal/platform/testdb"
	"yqyb/internal/tools/demo"
)

// TestRecordLoginStep: last_login_at moves only once it is a minute old, on both databases (SQLite
// compares the stored times as text, so the boundary is worth checking there too).
func TestRecordLoginStep(t *testing.T) {
	start := time.Date(2026, 11, 28, 10, 0, 0, 0, clock.Business)
	for _, engine := range testdb.Engines() {
		t.Run(engine.Name, func(t *testing.T) {
			clk := clock.NewFixed(start)
			db := engine.Open(t, clk)
			ctx := context.Background()
			hasher := account.Hasher{Cost: bcrypt.MinCost}
			sc, err := demo.Seed(ctx, db, clk, hasher, false)
			if err != nil {
				t.Fatal(err)
			}
			svc := account.NewService(db, clk, hasher)
			keeper, other := sc.Users[demo.MallKeeper], sc.Users[demo.MallElectrician]
			stamp := func(id int64) time.Time {
				t.Helper()
				var at []sql.NullTime
				if err := db.Table("users").Where("id = ?", id).Pluck("last_login_at", &at).Error; err != nil || len(at) != 1 {
					t.Fatalf("last_login_at of #%d: %v %v", id, at, err)
				}
				return at[0].Time // zero when never stamped
			}
			for _, step := range []struct {
				advance time.Duration
				want    time.Time
			}{
				{0, start},
				{59*time.Second + 999*time.Millisecond, start},
				{time.Millisecond, start.Add(time.Minute)},
				{time.Second, start.Add(time.Minute)},
			} {
				clk.Advance(step.advance)
				if err := svc.RecordLogin(ctx, db, keeper); err != nil {
					t.Fatal(err)
				}
				if got := stamp(keeper); !got.Equal(step.want) {
					t.Errorf("at %v: last_login_at = %v, want %v", clk.Now().Sub(start), got, step.want)
				}
			}
			if got := stamp(other); !got.IsZero() {
				t.Errorf("another user's last_login_at = %v, want none", got)
			}
		})
	}
}
