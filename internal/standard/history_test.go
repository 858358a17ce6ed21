package standard_test

import (
	"context"
	"errors"
	"testing"

	"yqyb/internal/hazard"
	"yqyb/internal/inspection"
	"yqyb/internal/standard"
	"yqyb/internal/tools/demo"
)

// The history other domains hold for a checklist or a grade is checked by the service it was built with:
// DeleteChecklist and DeleteGrade take no checks, so no caller can leave one out. A checklist with an
// inspection and a grade only a hazard uses are refused; ones without history go.
func TestDeletesCheckHistoryTheServiceWasBuiltWith(t *testing.T) {
	m := seededMall(t)
	ctx := context.Background()
	// Wired as the server wires it.
	svc := standard.NewService(m.db, m.clk, standard.WithChecklistHistory(inspection.ChecklistHistory), standard.WithGradeUsage(hazard.GradeUsage))
	hazards := hazard.NewService(m.db, m.clk)
	v, err := svc.Create(ctx, m.actor, m.ent, true)
	if err != nil {
		t.Fatal(err)
	}
	item := v.Categories[0].Items[0].ID
	post := m.sc.Posts["仓储部/叉车司机"]
	checklist := func(name string) int64 {
		t.Helper()
		c, err := svc.CreateChecklist(ctx, m.actor, m.ent, standard.ChecklistInput{PostID: post, Name: name, Frequency: "daily", ItemIDs: []int64{item}})
		if err != nil {
			t.Fatal(err)
		}
		return c.ID
	}
	inspected, unused := checklist("叉车每日点检"), checklist("叉车每周点检")
	if _, err := inspection.NewService(m.db, m.clk, hazards).Start(ctx, m.sc.Users[demo.MallForklift], m.ent, post, inspected); err != nil {
		t.Fatal(err)
	}
	if err := svc.DeleteChecklist(ctx, m.actor, m.ent, inspected); !errors.Is(err, standard.ErrChecklistHistory) {
		t.Errorf("a checklist with an inspection: DeleteChecklist = %v, want checklist_has_history", err)
	}
	if err := svc.DeleteChecklist(ctx, m.actor, m.ent, unused); err != nil {
		t.Errorf("a checklist without history: %v", err)
	}

	grade := func(code string) int64 {
		t.Helper()
		g, err := svc.CreateGrade(ctx, m.actor, m.ent, standard.GradeInput{Code: code, Name: code + "级", LegalLevel: "general"})
		if err != nil {
			t.Fatal(err)
		}
		return g.ID
	}
	used, free := grade("E"), grade("F")
	if _, err := hazards.Report(ctx, hazard.Actor{ID: m.actor.ID, Name: "王建国", Actor: m.actor}, m.ent,
		hazard.ReportInput{Subject: "货架变形", Description: "三号货架立柱弯曲", GradeCode: "E"}); err != nil {
		t.Fatal(err)
	}
	if err := svc.DeleteGrade(ctx, m.actor, m.ent, used); !errors.Is(err, standard.ErrGradeInUse) {
		t.Errorf("a grade a hazard uses: DeleteGrade = %v, want hazard_grade_in_use", err)
	}
	if err := svc.DeleteGrade(ctx, m.actor, m.ent, free); err != nil {
		t.Errorf("an unused grade: %v", err)
	}
}
