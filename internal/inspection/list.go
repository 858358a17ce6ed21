package inspection

import (
	"context"
	"time"

	"yqyb/internal/platform/clock"
	"yqyb/internal/platform/listq"
	"yqyb/pkg/period"
)

// Summary is an inspection as the history lists it.
type Summary struct {
	ID             int64      `json:"id"`
	ChecklistID    int64      `json:"checklist_id"`
	ChecklistName  string     `json:"checklist_name"`
	PostID         int64      `json:"post_id"`
	PostName       string     `json:"post_name"`
	DepartmentName string     `json:"department_name"`
	Frequency      string     `json:"frequency"`
	PeriodKey      string     `json:"period_key"`
	PeriodLabel    string     `json:"period_label" gorm:"-"`
	PeriodEnd      time.Time  `json:"period_end" format:"date-time"`
	Status         string     `json:"status" enums:"draft,submitted"`
	StartedBy      string     `json:"started_by"`
	SubmittedBy    string     `json:"submitted_by"`
	SubmittedAt    *time.Time `json:"submitted_at" format:"date-time" extensions:"x-nullable"`
	HazardCount    int        `json:"hazard_count"`
	Answered       int        `json:"answered"`
	Items          int        `json:"items"`
} // @name InspectionSummary

// Filter narrows the history.
type Filter struct {
	PostID      int64
	ChecklistID int64
	PeriodKey   string
	Status      string
	From, To    time.Time
}

// Spec is how the history sorts.
var Spec = listq.Spec{
	Sorts:    map[string]string{"period_end": "i.period_end", "submitted_at": "i.submitted_at", "id": "i.id"},
	Default:  []listq.Order{{Field: "period_end", Desc: true}},
	Tiebreak: "i.id",
}

// List pages the enterprise's inspections.
func (s *Service) List(ctx context.Context, ent int64, f Filter, q listq.Query) (listq.Page[Summary], error) {
	// Answer rows hold only what differs from the inspection's default (see AnswerRecord): with a 合格
	// default the answered items are all but the rows left unanswered, without one they are the rows answered.
	tx := s.db.WithContext(ctx).Table("inspections i").
		Select(`i.id, i.checklist_id, i.checklist_name, i.post_id, p.name AS post_name, d.name AS department_name, i.frequency, i.period_key,
			i.period_end, i.status, COALESCE(us.display_name, '') AS started_by, COALESCE(ub.display_name, '') AS submitted_by, i.submitted_at,
			i.hazard_count,
			CASE WHEN i.ok_at IS NULL
				THEN (SELECT COUNT(*) FROM inspection_answers a WHERE a.inspection_id = i.id AND a.period_end = i.period_end AND a.result IS NOT NULL)
				ELSE v.item_count - (SELECT COUNT(*) FROM inspection_answers a WHERE a.inspection_id = i.id AND a.period_end = i.period_end AND a.result IS NULL) END AS answered,
			v.item_count AS items`).
		Joins("JOIN checklist_versions v ON v.id = i.checklist_version_id").Joins("JOIN posts p ON p.id = i.post_id").Joins("JOIN departments d ON d.id = p.department_id").
		Joins("LEFT JOIN users us ON us.id = i.started_by").Joins("LEFT JOIN users ub ON ub.id = i.submitted_by").
		Where("i.enterprise_id = ?", ent)
	if f.PostID != 0 {
		tx = tx.Where("i.post_id = ?", f.PostID)
	}
	if f.ChecklistID != 0 {
		tx = tx.Where("i.checklist_id = ?", f.ChecklistID)
	}
	if f.PeriodKey != "" {
		tx = tx.Where("i.period_key = ?", f.PeriodKey)
	}
	if f.Status != "" {
		tx = tx.Where("i.status = ?", f.Status)
	}
	if !f.From.IsZero() {
		tx = tx.Where("i.period_end >= ?", EndsAfter(f.From))
	}
	if !f.To.IsZero() {
		tx = tx.Where("i.period_end <= ?", f.To.UTC())
	}
	page, err := listq.Fetch[Summary](tx, q)
	for i := range page.Items {
		it := &page.Items[i]
		if p, err := period.ParseKey(period.Frequency(it.Frequency), it.PeriodKey, clock.Business); err == nil {
			it.PeriodLabel = p.Label()
		}
	}
	return page, err
}
