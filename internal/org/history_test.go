package org_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"yqyb/internal/account"
	"yqyb/internal/audit"
	"yqyb/internal/hazard"
	"yqyb/internal/inspection"
	"yqyb/internal/org"
	"yqyb/internal/platform/clock"
	"yqyb/internal/platform/storage"
	"yqyb/internal/platform/testdb"
	"yqyb/internal/standard"
	"yqyb/internal/tools/demo"
)

// The history other domains hold for a post is checked by the service it was built with: DeletePost takes
// no checks, so no caller can leave one out. A post with a checklist (standard's check) or with a hazard
// (inspection's check) is refused; a post without history goes.
func TestDeletePostChecksHistoryItWasBuiltWith(t *testing.T) {
	ctx := context.Background()
	clk := clock.NewFixed(time.Date(2026, 11, 28, 10, 0, 0, 0, clock.Business))
	db := testdb.Postgres(t, clk)
	sc, err := demo.Seed(ctx, db, clk, account.Hasher{Cost: bcrypt.MinCost}, false)
	if err != nil {
		t.Fatal(err)
	}
	store, err := storage.NewLocal(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	// Wired as the server wires it.
	svc := org.NewService(db, clk, store, org.WithPostHistory(standard.PostChecklistHistory, inspection.PostHistory))
	a := audit.Actor{ID: sc.MallAdminID, Name: demo.MallName, EnterpriseID: sc.MallID}

	// 营业部/收银员 and 工程部/电梯管理员 have no users and no documents.
	withChecklist, withHazard := sc.Posts["营业部/收银员"], sc.Posts["工程部/电梯管理员"]
	std := standard.NewService(db, clk)
	v, err := std.Create(ctx, a, sc.MallID, true)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := std.CreateChecklist(ctx, a, sc.MallID, standard.ChecklistInput{PostID: withChecklist, Name: "收银台每日检查",
		Frequency: "daily", ItemIDs: []int64{v.Categories[0].Items[0].ID}}); err != nil {
		t.Fatal(err)
	}
	if _, err := hazard.NewService(db, clk).Report(ctx, hazard.Actor{ID: sc.MallAdminID, Name: "王建国", Actor: a}, sc.MallID,
		hazard.ReportInput{Subject: "电梯机房门未锁", Description: "机房门敞开，无人值守", GradeCode: "C", PostID: withHazard}); err != nil {
		t.Fatal(err)
	}
	for _, post := range []int64{withChecklist, withHazard} {
		if err := svc.DeletePost(ctx, a, sc.MallID, post); !errors.Is(err, org.ErrPostHasHistory) {
			t.Errorf("post %d with history: DeletePost = %v, want post_has_history", post, err)
		}
	}

	depts, err := svc.Departments(ctx, sc.MallID)
	if err != nil {
		t.Fatal(err)
	}
	fresh, err := svc.CreatePost(ctx, a, sc.MallID, org.PostInput{DepartmentID: depts[0].ID, Name: "临时岗位", ResponsibilityLevel: org.LevelLow, DefaultFrequency: "monthly"})
	if err != nil {
		t.Fatal(err)
	}
	if err := svc.DeletePost(ctx, a, sc.MallID, fresh.ID); err != nil {
		t.Errorf("a post without history: %v", err)
	}
}
