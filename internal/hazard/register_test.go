package hazard_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"
	"gorm.io/gorm"

	"yqyb/internal/account"
	"yqyb/internal/hazard"
	"yqyb/internal/platform/clock"
	"yqyb/internal/platform/testdb"
	"yqyb/internal/tools/demo"
)

// TestRegisterBatch registers hazards in batches on both databases: codes continue from one batch to the
// next without a gap or a repeat, each row, its first timeline step and its feed entry belong to the hazard
// asked for and keep the order asked for, a batch larger than one INSERT can bind is split, and a post of
// another enterprise lends no department.
func TestRegisterBatch(t *testing.T) {
	for _, engine := range testdb.Engines() {
		t.Run(engine.Name, func(t *testing.T) {
			clk := clock.NewFixed(time.Date(2026, 11, 28, 10, 0, 0, 0, clock.Business))
			db := engine.Open(t, clk)
			ctx := context.Background()
			sc, err := demo.Seed(ctx, db, clk, account.Hasher{Cost: bcrypt.MinCost}, false)
			if err != nil {
				t.Fatal(err)
			}
			svc := hazard.NewService(db, clk)
			actor := hazard.Actor{ID: sc.Users[demo.MallForklift], Name: "赵磊"}
			mallPost, factoryPost := sc.Posts["仓储部/叉车司机"], sc.Posts["生产部/焊工"]
			var mallDept int64
			if err := db.Table("posts").Where("id = ?", mallPost).Pluck("department_id", &mallDept).Error; err != nil || mallDept == 0 {
				t.Fatalf("department of the forklift post: %d %v", mallDept, err)
			}
			batch := func(n, from int) []hazard.New {
				ns := make([]hazard.New, n)
				for i := range ns {
					post := mallPost
					if i == 1 {
						post = factoryPost // not the mall's: must not bring the factory's department along
					}
					ns[i] = hazard.New{Source: "report", Subject: fmt.Sprintf("隐患%d", from+i), Description: "批量登记", GradeCode: []string{"B", "C", "D"}[i%3],
						ItemIsMajor: i%7 == 0, PostID: &post}
				}
				return ns
			}
			total := 0
			for _, n := range []int{2, 1000} {
				var hs []hazard.Hazard
				if err := db.Transaction(func(tx *gorm.DB) error {
					var err error
					hs, err = svc.Register(ctx, tx, actor, sc.MallID, batch(n, total)...)
					return err
				}); err != nil {
					t.Fatalf("register %d: %v", n, err)
				}
				if len(hs) != n {
					t.Fatalf("register %d returned %d hazards", n, len(hs))
				}
				for i, h := range hs {
					var row struct {
						Subject, Code, LegalLevel string
						DepartmentID              *int64
					}
					if err := db.Table("hazards").Select("subject, code, legal_level, department_id").Where("id = ? AND enterprise_id = ?", h.ID, sc.MallID).Take(&row).Error; err != nil {
						t.Fatalf("hazard %d of %d: %v", i, n, err)
					}
					wantCode, wantSubject := fmt.Sprintf("YH-2026-%06d", total+i+1), fmt.Sprintf("隐患%d", total+i)
					wantLevel := map[bool]string{true: "major", false: "general"}[i%7 == 0]
					if row.Code != wantCode || h.Code != wantCode || row.Subject != wantSubject || row.LegalLevel != wantLevel {
						t.Fatalf("hazard %d of %d = %+v, want %s %s %s", i, n, row, wantCode, wantSubject, wantLevel)
					}
					switch {
					case i == 1 && row.DepartmentID != nil:
						t.Errorf("a post of another enterprise gave department %d", *row.DepartmentID)
					case i != 1 && (row.DepartmentID == nil || *row.DepartmentID != mallDept):
						t.Errorf("hazard %d of %d: department %v, want %d", i, n, row.DepartmentID, mallDept)
					}
				}
				total += n
			}
			// One registration step and one feed entry per hazard, in the hazards' order.
			var events int64
			if err := db.Table("hazard_events").Where("enterprise_id = ? AND action = ?", sc.MallID, hazard.ActRegister).Count(&events).Error; err != nil {
				t.Fatal(err)
			}
			var fed []int64
			if err := db.Table("change_feed").Where("enterprise_id = ? AND entity = ?", sc.MallID, "hazard").Order("seq").Pluck("entity_id", &fed).Error; err != nil {
				t.Fatal(err)
			}
			var ids []int64
			if err := db.Table("hazards").Where("enterprise_id = ?", sc.MallID).Order("code").Pluck("id", &ids).Error; err != nil {
				t.Fatal(err)
			}
			if int(events) != total || len(fed) != total || fmt.Sprint(fed) != fmt.Sprint(ids) {
				t.Errorf("%d events, %d feed entries for %d hazards; feed order matches codes: %v", events, len(fed), total, fmt.Sprint(fed) == fmt.Sprint(ids))
			}
			// The factory's numbering is its own.
			var next []hazard.Hazard
			if err := db.Transaction(func(tx *gorm.DB) error {
				var err error
				next, err = svc.Register(ctx, tx, hazard.Actor{ID: sc.FactoryAdminID, Name: "工厂"}, sc.FactoryID,
					hazard.New{Source: "report", Subject: "工厂隐患", Description: "x", GradeCode: "C"})
				return err
			}); err != nil || next[0].Code != "YH-2026-000001" {
				t.Errorf("the factory's first hazard = %+v %v, want YH-2026-000001", next, err)
			}
		})
	}
}
