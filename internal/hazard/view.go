package hazard

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"gorm.io/gorm"

	"yqyb/internal/files"
	"yqyb/internal/platform/clock"
	"yqyb/internal/platform/listq"
	"yqyb/internal/platform/sheet"
	"yqyb/internal/standard"
)

// View is a hazard as the ledger lists it.
type View struct {
	ID                int64      `json:"id"`
	Code              string     `json:"code" example:"YH-2026-000123"`
	EnterpriseID      int64      `json:"enterprise_id"`
	EnterpriseName    string     `json:"enterprise_name"`
	Source            string     `json:"source" enums:"inspection,report"`
	Subject           string     `json:"subject" example:"配电箱门锁缺失"`
	Description       string     `json:"description"`
	Location          string     `json:"location"`
	GradeCode         string     `json:"grade_code" example:"B"`
	GradeName         string     `json:"grade_name" example:"B级"`
	LegalLevel        string     `json:"legal_level" enums:"general,major"`
	LegalLevelName    string     `json:"legal_level_name" example:"一般隐患"`
	ItemIsMajor       bool       `json:"item_is_major"`
	Status            string     `json:"status" enums:"registered,rectifying,pending_acceptance,closed"`
	StatusName        string     `json:"status_name" example:"整改中"`
	FixedOnSpot       bool       `json:"fixed_on_spot"`
	PostID            *int64     `json:"post_id" extensions:"x-nullable"`
	PostName          string     `json:"post_name"`
	DepartmentName    string     `json:"department_name"`
	PeriodKey         string     `json:"period_key"`
	FoundByName       string     `json:"found_by_name"`
	FoundAt           time.Time  `json:"found_at" format:"date-time"`
	ResponsiblePerson string     `json:"responsible_person"`
	Deadline          *string    `json:"deadline" example:"2026-12-15" extensions:"x-nullable"`
	Overdue           bool       `json:"overdue"`
	ClosedAt          *time.Time `json:"closed_at" format:"date-time" extensions:"x-nullable"`
	ReportedAt        *time.Time `json:"reported_at" format:"date-time" extensions:"x-nullable"`
} // @name Hazard

// Event is one step of a hazard's timeline.
type Event struct {
	ID         int64          `json:"id"`
	At         time.Time      `json:"at" format:"date-time"`
	ActorName  string         `json:"actor_name"`
	Action     string         `json:"action" enums:"register,assign,fix,accept,reject,spot_fix,supervise,lift_supervision"`
	FromStatus string         `json:"from_status"`
	ToStatus   string         `json:"to_status"`
	Note       string         `json:"note"`
	PhotoIDs   []int64        `json:"photo_ids"`
	Data       map[string]any `json:"data,omitempty"`
} // @name HazardEvent

// Detail is a hazard with everything about it.
type Detail struct {
	View
	Measures     string   `json:"measures"`
	Funds        *float64 `json:"funds" extensions:"x-nullable"`
	Plan         *Plan    `json:"plan" extensions:"x-nullable"`
	PhotoIDs     []int64  `json:"photo_ids"`
	InspectionID *int64   `json:"inspection_id" extensions:"x-nullable"`
	FixedByID    *int64   `json:"fixed_by_id" extensions:"x-nullable"`
	Events       []Event  `json:"events"`
	// Supervisions are the regulators' 督办 of this hazard, newest first; at most one is active.
	Supervisions []Supervision `json:"supervisions"`
} // @name HazardDetail

type viewRow struct {
	View
	DeadlineAt   *time.Time
	Measures     string
	Funds        *float64
	Plan         *string
	PhotoIDs     string
	InspectionID *int64
	FixedBy      *int64
}

const viewSelect = `h.id, h.code, h.enterprise_id, e.name AS enterprise_name, h.source, h.subject, h.description, h.location, h.grade_code,
	COALESCE(g.name, h.grade_code) AS grade_name, h.legal_level, h.item_is_major, h.status, h.fixed_on_spot, h.post_id,
	COALESCE(p.name, '') AS post_name, COALESCE(d.name, '') AS department_name, h.period_key, COALESCE(u.display_name, '') AS found_by_name,
	h.found_at, h.responsible_person, h.deadline AS deadline_at, h.closed_at, h.reported_at, h.measures, h.funds, h.plan, h.photo_ids,
	h.inspection_id, h.fixed_by`

func (s *Service) query(ctx context.Context) *gorm.DB {
	return s.db.WithContext(ctx).Table("hazards h").Select(viewSelect).
		Joins("JOIN enterprises e ON e.id = h.enterprise_id").
		Joins("LEFT JOIN hazard_grades g ON g.enterprise_id = h.enterprise_id AND g.code = h.grade_code").
		Joins("LEFT JOIN posts p ON p.id = h.post_id").
		Joins("LEFT JOIN departments d ON d.id = h.department_id").
		Joins("LEFT JOIN users u ON u.id = h.found_by")
}

// today is the start of the current business day: a deadline before it has passed.
func (s *Service) today() time.Time { return clock.BusinessDate(s.clk.Now()).UTC() }

func (s *Service) finish(r viewRow) View {
	v := r.View
	v.StatusName, v.LegalLevelName = StatusLabels[v.Status], standard.LegalLabel(v.LegalLevel)
	if r.DeadlineAt != nil {
		d := r.DeadlineAt.In(clock.Business).Format(time.DateOnly)
		v.Deadline = &d
		v.Overdue = v.Status != Closed && r.DeadlineAt.Before(s.today())
	}
	return v
}

// Get loads a hazard of the enterprise with its timeline.
func (s *Service) Get(ctx context.Context, ent, id int64) (Detail, error) {
	var r viewRow
	err := s.query(ctx).Where("h.id = ? AND h.enterprise_id = ?", id, ent).Take(&r).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return Detail{}, ErrNotFound
	}
	if err != nil {
		return Detail{}, err
	}
	return s.detail(ctx, r)
}

func (s *Service) detail(ctx context.Context, r viewRow) (Detail, error) {
	d := Detail{View: s.finish(r), Measures: r.Measures, Funds: r.Funds, PhotoIDs: files.Split(r.PhotoIDs), InspectionID: r.InspectionID,
		FixedByID: r.FixedBy, Events: []Event{}}
	if r.Plan != nil {
		var p Plan
		if json.Unmarshal([]byte(*r.Plan), &p) == nil {
			d.Plan = &p
		}
	}
	var evs []event
	if err := s.db.WithContext(ctx).Where("hazard_id = ?", r.ID).Order("id").Find(&evs).Error; err != nil {
		return d, err
	}
	for _, e := range evs {
		ev := Event{ID: e.ID, At: e.At, ActorName: e.ActorName, Action: e.Action, FromStatus: e.FromStatus, ToStatus: e.ToStatus, Note: e.Note,
			PhotoIDs: files.Split(e.PhotoIDs)}
		if e.Data != nil {
			json.Unmarshal([]byte(*e.Data), &ev.Data)
		}
		d.Events = append(d.Events, ev)
	}
	var err error
	d.Supervisions, err = s.supervisions(ctx, r.ID)
	return d, err
}

// Filter narrows the ledger (隐患台账).
type Filter struct {
	GradeCode    string
	LegalLevel   string
	Status       string
	DepartmentID int64
	PostID       int64
	PeriodKey    string
	Overdue      *bool
	Source       string
	From, To     time.Time
	Keyword      string
	// Open limits to hazards not closed.
	Open bool
}

// Spec is how the ledger sorts.
var Spec = listq.Spec{
	Sorts: map[string]string{"found_at": "h.found_at", "deadline": "h.deadline", "code": "h.code", "status": "h.status",
		"legal_level": "h.legal_level", "id": "h.id"},
	Default:  []listq.Order{{Field: "id", Desc: true}},
	Tiebreak: "h.id",
}

func (s *Service) filtered(ctx context.Context, f Filter) *gorm.DB {
	return s.narrow(s.query(ctx), f)
}

// counted is the ledger's count query: hazards alone, since every filter is on the hazard itself and the
// view's joins neither add nor remove rows (the enterprise is a foreign key, the rest are left joins on keys).
// Skipping the five joins also spares PostgreSQL planning them on every page of a large ledger.
func (s *Service) counted(ctx context.Context, f Filter) *gorm.DB {
	return s.narrow(s.db.WithContext(ctx).Table("hazards h"), f)
}

// narrow applies the filter to a query over hazards h.
func (s *Service) narrow(tx *gorm.DB, f Filter) *gorm.DB {
	if f.GradeCode != "" {
		tx = tx.Where("h.grade_code = ?", f.GradeCode)
	}
	if f.LegalLevel != "" {
		tx = tx.Where("h.legal_level = ?", f.LegalLevel)
	}
	if f.Status != "" {
		tx = tx.Where("h.status = ?", f.Status)
	}
	if f.Open {
		tx = tx.Where("h.status <> ?", Closed)
	}
	if f.DepartmentID != 0 {
		tx = tx.Where("h.department_id = ?", f.DepartmentID)
	}
	if f.PostID != 0 {
		tx = tx.Where("h.post_id = ?", f.PostID)
	}
	if f.PeriodKey != "" {
		tx = tx.Where("h.period_key = ?", f.PeriodKey)
	}
	if f.Source != "" {
		tx = tx.Where("h.source = ?", f.Source)
	}
	if f.Overdue != nil {
		if *f.Overdue {
			tx = tx.Where("h.status <> ? AND h.deadline < ?", Closed, s.today())
		} else {
			tx = tx.Where("NOT (h.status <> ? AND h.deadline IS NOT NULL AND h.deadline < ?)", Closed, s.today())
		}
	}
	if !f.From.IsZero() {
		tx = tx.Where("h.found_at >= ?", f.From.UTC())
	}
	if !f.To.IsZero() {
		tx = tx.Where("h.found_at < ?", f.To.UTC())
	}
	return listq.Keyword(tx, f.Keyword, "h.subject", "h.description", "h.code", "h.location")
}

func (s *Service) page(tx, count *gorm.DB, q listq.Query) (listq.Page[View], error) {
	page, err := listq.FetchCounted[viewRow](tx, count, q)
	out := listq.Page[View]{Items: make([]View, 0, len(page.Items)), Total: page.Total, Page: page.Page, PageSize: page.PageSize}
	for _, r := range page.Items {
		out.Items = append(out.Items, s.finish(r))
	}
	return out, err
}

// List pages an enterprise's ledger.
func (s *Service) List(ctx context.Context, ent int64, f Filter, q listq.Query) (listq.Page[View], error) {
	return s.page(s.filtered(ctx, f).Where("h.enterprise_id = ?", ent), s.counted(ctx, f).Where("h.enterprise_id = ?", ent), q)
}

// ListInRegion pages the hazards of the enterprises in a regulator's jurisdiction; regulators see major
// hazards (they are reported at once) unless a filter asks otherwise.
func (s *Service) ListInRegion(ctx context.Context, regionPath string, enterpriseID int64, f Filter, q listq.Query) (listq.Page[View], error) {
	tx := s.filtered(ctx, f).Where("e.region_path LIKE ?", regionPath+"%")
	count := s.counted(ctx, f).Joins("JOIN enterprises e ON e.id = h.enterprise_id").Where("e.region_path LIKE ?", regionPath+"%")
	if enterpriseID != 0 {
		tx, count = tx.Where("h.enterprise_id = ?", enterpriseID), count.Where("h.enterprise_id = ?", enterpriseID)
	}
	return s.page(tx, count, q)
}

// GetInRegion loads a hazard of an enterprise in the jurisdiction.
func (s *Service) GetInRegion(ctx context.Context, regionPath string, id int64) (Detail, error) {
	var r viewRow
	err := s.query(ctx).Where("h.id = ? AND e.region_path LIKE ?", id, regionPath+"%").Take(&r).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return Detail{}, ErrNotFound
	}
	if err != nil {
		return Detail{}, err
	}
	return s.detail(ctx, r)
}

// Export writes the filtered ledger as a spreadsheet (at most 50,000 rows).
func (s *Service) Export(ctx context.Context, ent int64, f Filter) ([]byte, error) {
	var rows []viewRow
	if err := s.filtered(ctx, f).Where("h.enterprise_id = ?", ent).Order("h.id").Limit(50_000).Scan(&rows).Error; err != nil {
		return nil, err
	}
	w, err := sheet.NewWorkbook("隐患台账", []sheet.Column{
		{Title: "隐患编号", Width: 18}, {Title: "发现时间", Width: 18}, {Title: "部门", Width: 12}, {Title: "岗位", Width: 12},
		{Title: "隐患名称", Width: 20}, {Title: "隐患描述", Width: 40}, {Title: "位置", Width: 16}, {Title: "隐患等级", Width: 10},
		{Title: "管理级别", Width: 10}, {Title: "来源", Width: 8}, {Title: "发现人", Width: 10}, {Title: "状态", Width: 10},
		{Title: "整改责任人", Width: 12}, {Title: "整改措施", Width: 30}, {Title: "整改资金（元）", Width: 12}, {Title: "整改期限", Width: 12},
		{Title: "是否逾期", Width: 10}, {Title: "销号时间", Width: 18},
	})
	if err != nil {
		return nil, err
	}
	src := map[string]string{"inspection": "排查", "report": "上报"}
	yes := map[bool]string{true: "是", false: "否"}
	at := func(t *time.Time) string {
		if t == nil {
			return ""
		}
		return t.In(clock.Business).Format(time.DateTime)
	}
	for _, r := range rows {
		v := s.finish(r)
		deadline, funds := "", ""
		if v.Deadline != nil {
			deadline = *v.Deadline
		}
		if r.Funds != nil {
			funds = formatMoney(*r.Funds)
		}
		found := v.FoundAt
		if err := w.Append(v.Code, at(&found), v.DepartmentName, v.PostName, v.Subject, v.Description, v.Location, v.GradeName,
			v.LegalLevelName, src[v.Source], v.FoundByName, v.StatusName, v.ResponsiblePerson, r.Measures, funds, deadline, yes[v.Overdue], at(v.ClosedAt)); err != nil {
			return nil, err
		}
	}
	return w.Bytes()
}

func formatMoney(f float64) string {
	b, _ := json.Marshal(f)
	return string(b)
}

// GradeUsage counts hazards graded with a code; registered with the standard service so that a grade in
// use by hazards is not deleted.
func GradeUsage(tx *gorm.DB, ent int64, code string) (int64, error) {
	var n int64
	err := tx.Table("hazards").Where("enterprise_id = ? AND grade_code = ?", ent, code).Count(&n).Error
	return n, err
}
