package feed

// The data each action carries. Writers fill these types, and the contract's schema of each action's data is
// generated from them (internal/tools/apispec), so the two cannot drift apart.

// InspectionSubmitted is the data of inspection.submitted: a post's checklist inspected for one period.
type InspectionSubmitted struct {
	ChecklistID   int64  `json:"checklist_id" doc:"岗位清单 id"`
	ChecklistName string `json:"checklist_name" doc:"岗位清单名称"`
	PostID        int64  `json:"post_id" doc:"岗位 id"`
	PeriodKey     string `json:"period_key" doc:"报送周期，如 2026-12-07（日）、2026-W49（周）、2026-12-H1（半月）、2026-12（月）、2026-Q4（季）、2026（年）" example:"2026-12-07"`
	SubmittedBy   string `json:"submitted_by" doc:"提交人"`
	HazardCount   int    `json:"hazard_count" doc:"本次排查发现并登记的隐患数"`
}

// HazardStep is the data of every hazard.* action: the hazard as it stands after the step, the transition,
// and Data, the step's own details (null for steps that have none).
type HazardStep[D any] struct {
	Code       string `json:"code" doc:"隐患编号" example:"YH-2026-000042"`
	Subject    string `json:"subject" doc:"隐患名称"`
	LegalLevel string `json:"legal_level" enums:"general,major" doc:"法定等级：general 一般隐患，major 重大隐患"`
	GradeCode  string `json:"grade_code" doc:"企业自定等级代码，如 A、B、C、D"`
	FromStatus string `json:"from_status" enums:",registered,rectifying,pending_acceptance,closed" doc:"变更前状态；登记时为空串"`
	ToStatus   string `json:"to_status" enums:"registered,rectifying,pending_acceptance,closed" doc:"变更后状态"`
	Note       string `json:"note" doc:"说明"`
	Actor      string `json:"actor" doc:"操作人"`
	Data       D      `json:"data" doc:"本步骤的明细"`
}

// NoDetails is the details of a step that has none: always null.
type NoDetails = *struct{}
