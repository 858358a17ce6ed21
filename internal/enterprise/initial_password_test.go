package enterprise_test

import (
	"context"
	"errors"
	"net/url"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"yqyb/internal/account"
	"yqyb/internal/audit"
	"yqyb/internal/enterprise"
	"yqyb/internal/org"
	"yqyb/internal/platform/clock"
	"yqyb/internal/platform/testdb"
	"yqyb/internal/setup"
	"yqyb/internal/standard"
	"yqyb/internal/tools/demo"
	"yqyb/pkg/uscc"
)

// TestInitialPasswordStates runs the regulator list's initial-password filter and the re-issue on both
// databases (SQLite compares the stored times as text, so the TTL boundary is checked there too).
func TestInitialPasswordStates(t *testing.T) {
	for _, engine := range testdb.Engines() {
		t.Run(engine.Name, func(t *testing.T) {
			ctx := context.Background()
			clk := clock.NewFixed(time.Date(2026, 11, 28, 10, 0, 0, 0, clock.Business))
			db := engine.Open(t, clk)
			hasher := account.Hasher{Cost: bcrypt.MinCost}
			sc, err := demo.Seed(ctx, db, clk, hasher, false)
			if err != nil {
				t.Fatal(err)
			}
			st := setup.New(db, setup.Sources{StandardItems: standard.StandardItemCounts,
				PostsWithChecklist: standard.PostsWithChecklistCounts, ChecklistPosts: standard.PostsWithChecklist})
			accounts := account.NewService(db, clk, hasher)
			accounts.SetInitialPasswordTTL(72 * time.Hour)
			svc := enterprise.NewService(db, clk, accounts, st)
			var jurisdiction string
			var region, business int64
			if err := db.Raw(`SELECT r.path, r.id FROM users u JOIN regions r ON r.id = u.region_id WHERE u.id = ?`, sc.ChaoyangRegID).Row().Scan(&jurisdiction, &region); err != nil {
				t.Fatal(err)
			}
			if err := db.Raw(`SELECT id FROM main_businesses ORDER BY id LIMIT 1`).Row().Scan(&business); err != nil {
				t.Fatal(err)
			}
			actor := audit.Actor{ID: sc.ChaoyangRegID, Name: demo.ChaoyangReg, RegionID: region}
			check, err := uscc.CheckChar("91110105MA01CDMM0")
			if err != nil {
				t.Fatal(err)
			}
			reg, err := svc.Register(ctx, actor, jurisdiction, enterprise.Input{Name: "北京朝阳测试门店有限公司", CreditCode: "91110105MA01CDMM0" + string(check),
				LegalRep: "张三", LegalPhone: "13800001234", RegionID: region, Address: "北京市朝阳区某路1号", Industry: "F", MainBusinessID: business, Scale: "small"})
			if err != nil {
				t.Fatal(err)
			}
			id := reg.Enterprise.ID
			if want := clk.Now().Add(72 * time.Hour); !reg.Accounts[0].ExpiresAt.Equal(want) {
				t.Fatalf("expires_at = %v, want %v", reg.Accounts[0].ExpiresAt, want)
			}
			names := func(status string) map[string]enterprise.InitialPasswordState {
				t.Helper()
				q, err := org.EnterpriseSpec.Parse(url.Values{"page_size": {"100"}})
				if err != nil {
					t.Fatal(err)
				}
				page, err := svc.List(ctx, jurisdiction, enterprise.ListFilter{InitialPassword: status}, q)
				if err != nil {
					t.Fatal(err)
				}
				out := map[string]enterprise.InitialPasswordState{}
				for _, it := range page.Items {
					out[it.Name] = it.InitialPassword
				}
				if int(page.Total) != len(out) {
					t.Fatalf("%s: total %d, %d items", status, page.Total, len(out))
				}
				return out
			}
			states := []struct {
				advance                  time.Duration
				unused, expired, changed int
			}{
				{0, 1, 0, 1},
				{72*time.Hour - time.Second, 1, 0, 1},
				{time.Second, 0, 1, 1},
			}
			for _, s := range states {
				clk.Advance(s.advance)
				u, e, c := names(enterprise.InitialUnused), names(enterprise.InitialExpired), names(enterprise.InitialChanged)
				if len(u) != s.unused || len(e) != s.expired || len(c) != s.changed {
					t.Fatalf("at +%v: unused %v, expired %v, changed %v", s.advance, u, e, c)
				}
				if _, ok := c[demo.MallName]; !ok {
					t.Fatalf("the demo mall (passwords chosen) is not under changed: %v", c)
				}
			}
			all := names("")
			if got := all["北京朝阳测试门店有限公司"]; got.Status != enterprise.InitialExpired || len(got.Accounts) != 2 || !got.Accounts[0].Expired {
				t.Fatalf("state after the TTL = %+v", got)
			}
			if _, ok := all[demo.FactoryName]; ok {
				t.Fatal("Haidian's factory in Chaoyang's list")
			}
			if _, err := svc.ReissueInitialPassword(ctx, actor, jurisdiction, sc.FactoryID); !errors.Is(err, org.ErrEnterpriseNotFound) {
				t.Fatal("re-issued another district's enterprise")
			}
			re, err := svc.ReissueInitialPassword(ctx, actor, jurisdiction, id)
			if err != nil || len(re.Accounts) != 2 || re.Accounts[1].InitialPassword != reg.Accounts[1].InitialPassword {
				t.Fatalf("re-issue = %+v %v", re, err)
			}
			if u := names(enterprise.InitialUnused); len(u) != 1 {
				t.Fatalf("unused after the re-issue = %v", u)
			}
			if _, err := svc.ReissueInitialPassword(ctx, actor, jurisdiction, sc.MallID); !errors.Is(err, account.ErrNoInitialPassword) {
				t.Fatal("re-issued the initial password of an enterprise whose accounts changed theirs")
			}
		})
	}
}
