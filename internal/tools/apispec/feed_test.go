package apispec

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"

	"yqyb/internal/feed"
	"yqyb/internal/hazard"
)

// TestFeedEntryPerAction checks the contract's FeedEntry against entries as the writers produce them: each
// action's data has its own schema, so an assignment without its details, or an unknown action, fails.
func TestFeedEntryPerAction(t *testing.T) {
	y, err := Generate("../../..")
	if err != nil {
		t.Fatal(err)
	}
	doc, err := openapi3.NewLoader().LoadFromData(y)
	if err != nil {
		t.Fatal(err)
	}
	schema := doc.Components.Schemas["FeedEntry"].Value
	entry := func(action string, data any) any {
		b, _ := json.Marshal(feed.Entry{Seq: 7, Cursor: "c", At: time.Now(), EnterpriseID: 1, Entity: "hazard", EntityID: 3, Action: action,
			Data: must(json.Marshal(data))})
		var v any
		_ = json.Unmarshal(b, &v)
		return v
	}
	funds := 1200.5
	step := func(d any) feed.HazardStep[any] {
		return feed.HazardStep[any]{Code: "YH-2026-000001", Subject: "货架松动", LegalLevel: "general", GradeCode: "C",
			FromStatus: "registered", ToStatus: "rectifying", Actor: "管理员", Data: d}
	}
	good := map[string]any{
		"hazard.assign":        entry("hazard.assign", step(hazard.AssignDetails{ResponsiblePerson: "张三", Measures: "加固", Funds: &funds, Deadline: "2026-12-15"})),
		"hazard.supervise":     entry("hazard.supervise", step(hazard.SuperviseDetails{Deadline: "2026-12-31", SupervisionID: 4})),
		"hazard.fix":           entry("hazard.fix", step(nil)),
		"inspection.submitted": entry("inspection.submitted", feed.InspectionSubmitted{ChecklistID: 1, ChecklistName: "日检", PostID: 2, PeriodKey: "2026-12-07", SubmittedBy: "岗位", HazardCount: 0}),
	}
	for name, v := range good {
		if err := schema.VisitJSON(v); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	bad := map[string]any{
		"assign without details":      entry("hazard.assign", step(nil)),
		"fix with details":            entry("hazard.fix", step(hazard.SuperviseDetails{Deadline: "2026-12-31", SupervisionID: 4})),
		"inspection with hazard data": entry("inspection.submitted", step(nil)),
		"unknown action":              entry("hazard.delete", step(nil)),
		"unknown status":              entry("hazard.fix", feed.HazardStep[any]{Code: "x", ToStatus: "gone"}),
	}
	for name, v := range bad {
		if err := schema.VisitJSON(v); err == nil {
			t.Errorf("%s passed the contract", name)
		}
	}
}

func must(b []byte, err error) []byte {
	if err != nil {
		panic(err)
	}
	return b
}
