package enterprise_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"yqyb/internal/account"
	"yqyb/internal/audit"
	"yqyb/internal/enterprise"
	"yqyb/internal/org"
	"yqyb/internal/platform/clock"
	"yqyb/internal/platform/testdb"
	"yqyb/internal/rbac"
	"yqyb/internal/setup"
	"yqyb/internal/standard"
	"yqyb/internal/tools/demo"
)

// A regulator's reset of an enterprise account is one service call: the jurisdiction, the account and the
// reset. Another district's enterprise is not found, and neither is an account kind an enterprise does not
// have; the temporary password works, must be changed, and the audit log names the enterprise.
func TestResetPassword(t *testing.T) {
	ctx := context.Background()
	clk := clock.NewFixed(time.Date(2026, 11, 28, 10, 0, 0, 0, clock.Business))
	db := testdb.Postgres(t, clk)
	hasher := account.Hasher{Cost: bcrypt.MinCost}
	sc, err := demo.Seed(ctx, db, clk, hasher, false)
	if err != nil {
		t.Fatal(err)
	}
	st := setup.New(db, setup.Sources{StandardItems: standard.StandardItemCounts,
		PostsWithChecklist: standard.PostsWithChecklistCounts, ChecklistPosts: standard.PostsWithChecklist})
	svc := enterprise.NewService(db, clk, account.NewService(db, clk, hasher), st)
	jurisdiction := func(regulator int64) string {
		t.Helper()
		var path string
		if err := db.Raw(`SELECT r.path FROM users u JOIN regions r ON r.id = u.region_id WHERE u.id = ?`, regulator).Row().Scan(&path); err != nil {
			t.Fatal(err)
		}
		return path
	}
	chaoyang, haidian := jurisdiction(sc.ChaoyangRegID), jurisdiction(sc.HaidianRegID)
	actor := audit.Actor{ID: sc.ChaoyangRegID, Name: demo.ChaoyangReg}

	if _, _, err := svc.ResetPassword(ctx, actor, haidian, sc.MallID, rbac.KindEnterpriseUser); !errors.Is(err, org.ErrEnterpriseNotFound) {
		t.Fatalf("Haidian reset Chaoyang's mall: %v", err)
	}
	if _, _, err := svc.ResetPassword(ctx, actor, chaoyang, sc.MallID, rbac.KindPostUser); !errors.Is(err, account.ErrUserNotFound) {
		t.Fatalf("reset a post user through the enterprise reset: %v", err)
	}
	login, pw, err := svc.ResetPassword(ctx, actor, chaoyang, sc.MallID, rbac.KindEnterpriseUser)
	if err != nil {
		t.Fatal(err)
	}
	var u account.User
	if err := db.Where("enterprise_id = ? AND kind = ?", sc.MallID, rbac.KindEnterpriseUser).Take(&u).Error; err != nil {
		t.Fatal(err)
	}
	if login != u.LoginName || !hasher.Verify(u.PasswordHash, pw) || !u.MustChangePassword {
		t.Fatalf("login %q (account %q), password verifies %v, must change %v", login, u.LoginName, hasher.Verify(u.PasswordHash, pw), u.MustChangePassword)
	}
	var detail string
	if err := db.Raw(`SELECT detail FROM audit_logs WHERE action = ? AND target_id = ? AND actor_id = ?`, audit.PasswordReset, u.ID, sc.ChaoyangRegID).
		Row().Scan(&detail); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(detail, "监管部门重置："+demo.MallName) {
		t.Fatalf("audit detail = %s", detail)
	}
}
