// Package hazard is the legal closed loop of every hidden danger found (国家安全监管总局令第16号 and the
// dual-prevention guidance): 排查 (found) → 登记 (registered, graded) → 整改 (rectification assigned, with
// measures, responsible person, funds and deadline; a major hazard with a full plan) → 验收 (accepted by
// someone other than the person who fixed it) → 销号 (closed). The server enforces who may move a hazard
// from which state to which; every transition is recorded. Major hazards are visible to the enterprise's
// regulators from the moment they are registered, and nothing can delete a hazard.
package hazard

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"

	"yqyb/internal/account"
	"yqyb/internal/audit"
	"yqyb/internal/feed"
	"yqyb/internal/files"
	"yqyb/internal/platform/apperr"
	"yqyb/internal/platform/clock"
	"yqyb/internal/standard"
)

// States of a hazard.
const (
	Registered        = "registered"         // 已登记，待安排整改
	Rectifying        = "rectifying"         // 整改中
	PendingAcceptance = "pending_acceptance" // 待验收
	Closed            = "closed"             // 已销号
)

// StatusLabels names the states.
var StatusLabels = map[string]string{Registered: "待整改", Rectifying: "整改中", PendingAcceptance: "待验收", Closed: "已销号"}

// Actions recorded in the timeline.
const (
	ActRegister = "register"
	ActAssign   = "assign"
	ActFix      = "fix"
	ActAccept   = "accept"
	ActReject   = "reject"
	ActSpotFix  = "spot_fix"
	// A regulator's supervision (督办) of a major hazard, and its lifting.
	ActSupervise = "supervise"
	ActLift      = "lift_supervision"
)

// Errors of the closed loop.
var (
	ErrNotFound      = apperr.New(apperr.NotFound, "hazard_not_found", "隐患不存在")
	ErrTransition    = apperr.New(apperr.Conflict, "hazard_transition_not_allowed", "隐患当前状态不允许此操作")
	ErrSameAcceptor  = apperr.New(apperr.Forbidden, "acceptor_is_fixer", "验收须由整改人以外的人员进行")
	ErrPlanRequired  = apperr.New(apperr.Invalid, "major_plan_required", "重大隐患须制定整改方案：目标任务、方法措施、经费物资、负责机构和人员、时限要求、安全措施和应急预案")
	ErrDeadline      = apperr.New(apperr.Invalid, "deadline_in_past", "整改期限不能早于今天")
	ErrSpotEvidence  = apperr.New(apperr.Invalid, "spot_fix_evidence_required", "当场整改的隐患须上传整改后的照片并说明整改情况")
	ErrResponsible   = apperr.New(apperr.Invalid, "responsible_invalid", "整改责任人须是本企业的用户")
	ErrGradeRequired = apperr.New(apperr.Invalid, "hazard_grade_required", "请选择隐患等级")
)

// Plan is a major hazard's rectification plan (重大事故隐患治理方案).
type Plan struct {
	Goal              string `json:"goal" label:"目标和任务" validate:"required,max=1000"`
	Method            string `json:"method" label:"方法和措施" validate:"required,max=2000"`
	FundsMaterials    string `json:"funds_materials" label:"经费和物资" validate:"required,max=1000"`
	ResponsibleUnit   string `json:"responsible_unit" label:"负责治理的机构" validate:"required,max=100"`
	ResponsiblePerson string `json:"responsible_person" label:"负责治理的人员" validate:"required,max=100"`
	TimeLimit         string `json:"time_limit" label:"治理的时限和要求" validate:"required,max=500"`
	SafetyMeasures    string `json:"safety_measures" label:"安全措施" validate:"required,max=2000"`
	EmergencyMeasures string `json:"emergency_measures" label:"应急预案" validate:"required,max=2000"`
} // @name RectificationPlan

// Hazard is a row of hazards.
type Hazard struct {
	ID                int64
	EnterpriseID      int64
	RegionPath        string
	Code              string
	Source            string
	InspectionID      *int64
	ItemID            *int64
	ChecklistID       *int64
	PostID            *int64
	DepartmentID      *int64
	PeriodKey         string
	Subject           string
	Description       string
	Location          string
	GradeCode         string
	LegalLevel        string
	ItemIsMajor       bool
	Status            string
	FixedOnSpot       bool
	FoundBy           int64
	FoundAt           time.Time
	PhotoIDs          string
	ResponsibleUserID *int64
	ResponsiblePerson string
	Measures          string
	Funds             *float64
	Deadline          *time.Time
	Plan              *string
	ReportedAt        *time.Time
	FixedBy           *int64
	FixedAt           *time.Time
	AcceptedBy        *int64
	AcceptedAt        *time.Time
	ClosedAt          *time.Time
	CreatedAt         time.Time
	UpdatedAt         time.Time
}

type event struct {
	ID           int64
	HazardID     int64
	EnterpriseID int64
	At           time.Time
	ActorID      *int64
	ActorName    string
	Action       string
	FromStatus   string
	ToStatus     string
	Note         string
	PhotoIDs     string
	Data         *string
}

func (event) TableName() string { return "hazard_events" }

// Service runs the closed loop.
type Service struct {
	db  *gorm.DB
	clk clock.Clock
}

// NewService returns the hazard service.
func NewService(db *gorm.DB, clk clock.Clock) *Service { return &Service{db: db, clk: clk} }

func (s *Service) now() time.Time { return s.clk.Now().UTC() }

// Actor is who moves a hazard.
type Actor struct {
	ID   int64
	Name string
	audit.Actor
}

// New is a hazard to register: found in an inspection (InspectionID and ItemID set) or reported outside one.
type New struct {
	Source       string
	InspectionID *int64
	ItemID       *int64
	ChecklistID  *int64
	PostID       *int64
	PeriodKey    string
	Subject      string
	Description  string
	Location     string
	GradeCode    string
	ItemIsMajor  bool
	PhotoIDs     []int64
	// FixedOnSpot registers and closes in one step; SpotNote and SpotPhotoIDs are the evidence.
	FixedOnSpot  bool
	SpotNote     string
	SpotPhotoIDs []int64
}

// Register writes hazards inside tx (the inspection's submission, or its own transaction), in order, each
// with its enterprise grade and the legal grade that grade maps to; an item flagged as a major-hazard
// criterion always yields 重大. A major hazard is reported to the regulators at once (reported_at).
//
// The hazards of one submission are written together: the scheme, the photos, the posts' departments and
// the codes are read or taken once, and the rows, their first events and feed entries are inserted in
// batches, so registering thirty hazards costs the same few statements as registering one. Every hazard is
// checked (grade, then on-the-spot evidence, in order) before any photo is; the first fault found is the
// answer.
func (s *Service) Register(ctx context.Context, tx *gorm.DB, a Actor, ent int64, ns ...New) ([]Hazard, error) {
	hs, items, err := s.RegisterLeavingFeed(ctx, tx, a, ent, ns...)
	if err == nil {
		err = feed.AppendAll(tx.WithContext(ctx), items...)
	}
	if err != nil {
		return nil, err
	}
	return hs, nil
}

// RegisterLeavingFeed is Register without the feed entries: it returns them, in order, for the caller to
// append (feed.AppendAll) in the same transaction together with its own. A submission that found hazards
// appends theirs and its own in one step: the enterprise's code counter stays locked from the codes to the
// commit, and every statement in between holds up the enterprise's next submission with hazards.
func (s *Service) RegisterLeavingFeed(ctx context.Context, tx *gorm.DB, a Actor, ent int64, ns ...New) ([]Hazard, []feed.Item, error) {
	if len(ns) == 0 {
		return nil, nil, nil
	}
	tx = tx.WithContext(ctx)
	now := s.now()
	for _, n := range ns {
		if strings.TrimSpace(n.GradeCode) == "" {
			return nil, nil, ErrGradeRequired
		}
	}
	levels, err := standard.LegalLevels(tx, ent, now)
	if err != nil {
		return nil, nil, err
	}
	hs := make([]Hazard, len(ns))
	attachments := make([][]int64, 0, 2*len(ns))
	var posts []int64
	for i, n := range ns {
		level, err := levels.Of(n.GradeCode, n.ItemIsMajor)
		if err != nil {
			return nil, nil, err
		}
		attachments = append(attachments, n.PhotoIDs)
		if n.FixedOnSpot {
			if strings.TrimSpace(n.SpotNote) == "" || len(n.SpotPhotoIDs) == 0 {
				return nil, nil, ErrSpotEvidence
			}
			attachments = append(attachments, n.SpotPhotoIDs)
		}
		if n.PostID != nil {
			posts = append(posts, *n.PostID)
		}
		hs[i] = Hazard{EnterpriseID: ent, Source: n.Source, InspectionID: n.InspectionID, ItemID: n.ItemID, ChecklistID: n.ChecklistID,
			PostID: n.PostID, PeriodKey: n.PeriodKey, Subject: strings.TrimSpace(n.Subject), Description: strings.TrimSpace(n.Description),
			Location: strings.TrimSpace(n.Location), GradeCode: n.GradeCode, LegalLevel: level, ItemIsMajor: n.ItemIsMajor, Status: Registered,
			FoundBy: a.ID, FoundAt: now, PhotoIDs: files.Join(n.PhotoIDs), CreatedAt: now, UpdatedAt: now}
		if level == standard.LegalMajor {
			hs[i].ReportedAt = &now
		}
		if n.FixedOnSpot {
			hs[i].Status, hs[i].FixedOnSpot, hs[i].FixedBy, hs[i].FixedAt, hs[i].ClosedAt = Closed, true, &a.ID, &now, &now
		}
	}
	if err := files.CheckAll(tx, ent, attachments...); err != nil {
		return nil, nil, err
	}
	depts, err := departments(tx, ent, posts)
	if err != nil {
		return nil, nil, err
	}
	var regionPath string
	if err := tx.Table("enterprises").Where("id = ?", ent).Select("region_path").Scan(&regionPath).Error; err != nil {
		return nil, nil, err
	}
	// The codes last: the counter's row stays locked until the transaction ends, and everything above can
	// still fail without having taken it.
	codes, err := nextCodes(tx, ent, now, len(hs))
	if err != nil {
		return nil, nil, err
	}
	for i := range hs {
		hs[i].RegionPath, hs[i].Code = regionPath, codes[i]
		if hs[i].PostID != nil {
			hs[i].DepartmentID = depts[*hs[i].PostID]
		}
	}
	if err := tx.CreateInBatches(&hs, insertBatch).Error; err != nil {
		return nil, nil, err
	}
	var entries []entry
	for i, n := range ns {
		note := "登记隐患"
		if hs[i].LegalLevel == standard.LegalMajor {
			note = "登记重大隐患，已同步报送属地监管部门"
		}
		entries = append(entries, s.entry(a, hs[i], ActRegister, "", Registered, note, n.PhotoIDs, nil))
		if n.FixedOnSpot {
			entries = append(entries, s.entry(a, hs[i], ActSpotFix, Registered, Closed, strings.TrimSpace(n.SpotNote), n.SpotPhotoIDs, nil))
		}
	}
	items, err := s.writeEvents(tx, entries...)
	if err != nil {
		return nil, nil, err
	}
	return hs, items, nil
}

// insertBatch is how many rows one INSERT carries: a hazard row binds about 35 parameters, and SQLite allows
// 32,766 per statement (PostgreSQL 65,535), while a checklist may have 2,000 items.
const insertBatch = 200

// departments maps the enterprise's posts to their departments (a post outside any department maps to nil).
func departments(tx *gorm.DB, ent int64, posts []int64) (map[int64]*int64, error) {
	out := map[int64]*int64{}
	if len(posts) == 0 {
		return out, nil
	}
	var rows []struct {
		ID           int64
		DepartmentID *int64
	}
	if err := tx.Table("posts").Select("id, department_id").Where("id IN ? AND enterprise_id = ?", posts, ent).Scan(&rows).Error; err != nil {
		return nil, err
	}
	for _, r := range rows {
		out[r.ID] = r.DepartmentID
	}
	return out, nil
}

// nextCodes takes k consecutive codes of the enterprise's yearly numbering (YH-2026-000123), in one step.
func nextCodes(tx *gorm.DB, ent int64, now time.Time, k int) ([]string, error) {
	year := now.In(clock.Business).Year()
	var last int64
	if err := tx.Raw(`INSERT INTO hazard_counters (enterprise_id, year, last) VALUES (?, ?, ?)
		ON CONFLICT (enterprise_id, year) DO UPDATE SET last = hazard_counters.last + excluded.last RETURNING last`, ent, year, k).Scan(&last).Error; err != nil {
		return nil, err
	}
	codes := make([]string, k)
	for i := range codes {
		codes[i] = fmt.Sprintf("YH-%d-%06d", year, last-int64(k-1-i))
	}
	return codes, nil
}

// entry is one step of a hazard's timeline and its change-feed entry, written together by write.
type entry struct {
	event event
	feed  feed.Item
	data  any // the step's own data, stored as JSON with the event
}

func (s *Service) entry(a Actor, h Hazard, action, from, to, note string, photos []int64, data any) entry {
	now, id := s.now(), a.ID
	return entry{
		event: event{HazardID: h.ID, EnterpriseID: h.EnterpriseID, At: now, ActorID: &id, ActorName: a.Name, Action: action,
			FromStatus: from, ToStatus: to, Note: note, PhotoIDs: files.Join(photos)},
		feed: feed.Item{At: now, EnterpriseID: h.EnterpriseID, RegionPath: h.RegionPath, Entity: "hazard", EntityID: h.ID, Action: "hazard." + action,
			Data: feed.HazardStep[any]{Code: h.Code, Subject: h.Subject, LegalLevel: h.LegalLevel, GradeCode: h.GradeCode,
				FromStatus: from, ToStatus: to, Note: note, Actor: a.Name, Data: data}},
		data: data,
	}
}

// write inserts timeline steps (with their data as JSON) and their feed entries, in batches.
func (s *Service) write(tx *gorm.DB, es ...entry) error {
	items, err := s.writeEvents(tx, es...)
	if err != nil {
		return err
	}
	return feed.AppendAll(tx, items...)
}

// writeEvents inserts timeline steps and returns their feed entries, to be appended.
func (s *Service) writeEvents(tx *gorm.DB, es ...entry) ([]feed.Item, error) {
	events := make([]event, len(es))
	items := make([]feed.Item, len(es))
	for i, e := range es {
		if e.data != nil {
			b, err := json.Marshal(e.data)
			if err != nil {
				return nil, err
			}
			str := string(b)
			e.event.Data = &str
		}
		events[i], items[i] = e.event, e.feed
	}
	if err := tx.CreateInBatches(&events, insertBatch).Error; err != nil {
		return nil, err
	}
	return items, nil
}

// record writes one step of a hazard's timeline.
func (s *Service) record(tx *gorm.DB, a Actor, h Hazard, action, from, to, note string, photos []int64, data any) error {
	return s.write(tx, s.entry(a, h, action, from, to, note, photos, data))
}

// ReportInput is a hazard reported outside an inspection (e.g. by staff).
type ReportInput struct {
	Subject      string  `json:"subject" label:"隐患名称" validate:"required,max=100"`
	Description  string  `json:"description" label:"隐患描述" validate:"required,max=2000"`
	Location     string  `json:"location,omitempty" label:"位置" validate:"max=200"`
	GradeCode    string  `json:"grade_code" label:"隐患等级" validate:"required,max=20"`
	PostID       int64   `json:"post_id,omitempty" label:"岗位" validate:"gte=0"`
	PhotoIDs     []int64 `json:"photo_ids,omitempty" label:"照片" validate:"max=9"`
	FixedOnSpot  bool    `json:"fixed_on_spot,omitempty"`
	SpotNote     string  `json:"spot_note,omitempty" label:"整改情况" validate:"max=1000"`
	SpotPhotoIDs []int64 `json:"spot_photo_ids,omitempty" label:"整改后照片" validate:"max=9"`
}

// Report registers a hazard found outside an inspection.
func (s *Service) Report(ctx context.Context, a Actor, ent int64, in ReportInput) (Detail, error) {
	var id int64
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		n := New{Source: "report", Subject: in.Subject, Description: in.Description, Location: in.Location, GradeCode: in.GradeCode,
			PhotoIDs: in.PhotoIDs, FixedOnSpot: in.FixedOnSpot, SpotNote: in.SpotNote, SpotPhotoIDs: in.SpotPhotoIDs}
		if in.PostID != 0 {
			var n2 int64
			if err := tx.Table("posts").Where("id = ? AND enterprise_id = ?", in.PostID, ent).Count(&n2).Error; err != nil {
				return err
			}
			if n2 == 0 {
				return apperr.New(apperr.NotFound, "post_not_found", "岗位不存在")
			}
			pid := in.PostID
			n.PostID = &pid
		}
		hs, err := s.Register(ctx, tx, a, ent, n)
		if err != nil {
			return err
		}
		id = hs[0].ID
		return nil
	})
	if err != nil {
		return Detail{}, err
	}
	return s.Get(ctx, ent, id)
}

func (s *Service) load(tx *gorm.DB, ent, id int64) (Hazard, error) {
	var h Hazard
	err := tx.Where("id = ? AND enterprise_id = ?", id, ent).Take(&h).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return h, ErrNotFound
	}
	return h, err
}

// move changes a hazard's state only if it is still in one of the from states (a concurrent transition
// makes this one fail instead of both applying).
func move(tx *gorm.DB, id int64, from []string, fields map[string]any) error {
	res := tx.Model(&Hazard{}).Where("id = ? AND status IN ?", id, from).Updates(fields)
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected == 0 {
		return ErrTransition
	}
	return nil
}

// AssignInput is a rectification assignment (整改安排).
type AssignInput struct {
	ResponsibleUserID int64    `json:"responsible_user_id,omitempty" label:"整改责任人" validate:"gte=0"`
	ResponsiblePerson string   `json:"responsible_person" label:"整改责任人" validate:"required,max=50"`
	Measures          string   `json:"measures" label:"整改措施" validate:"required,max=2000"`
	Funds             *float64 `json:"funds,omitempty" label:"整改资金（元）" validate:"omitempty,gte=0,lte=1000000000"`
	Deadline          string   `json:"deadline" label:"整改期限" validate:"required,datetime=2006-01-02" example:"2026-12-15"`
	Plan              *Plan    `json:"plan,omitempty" label:"重大隐患治理方案"`
	Note              string   `json:"note,omitempty" label:"说明" validate:"max=500"`
}

// AssignDetails are the details of an assignment, in its timeline step and its change-feed entry.
type AssignDetails struct {
	ResponsiblePerson string   `json:"responsible_person" doc:"整改责任人"`
	Measures          string   `json:"measures" doc:"整改措施"`
	Funds             *float64 `json:"funds" doc:"整改资金（元）；未填为 null"`
	Deadline          string   `json:"deadline" doc:"整改期限（北京时间的日期）" example:"2026-12-15"`
	Plan              *Plan    `json:"plan" doc:"重大隐患治理方案；未提交方案时为 null"`
}

// Assign sets the rectification of a registered hazard (or changes that of one being rectified): who, how,
// with what money, by when. A major hazard needs its full plan.
func (s *Service) Assign(ctx context.Context, a Actor, ent, id int64, in AssignInput) (Detail, error) {
	deadline, err := time.ParseInLocation(time.DateOnly, in.Deadline, clock.Business)
	if err != nil {
		return Detail{}, apperr.Validation(apperr.FieldError{Field: "deadline", Message: "整改期限应为日期"})
	}
	if deadline.Before(clock.BusinessDate(s.clk.Now())) {
		return Detail{}, ErrDeadline
	}
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		h, err := s.load(tx, ent, id)
		if err != nil {
			return err
		}
		var plan *string
		if h.LegalLevel == standard.LegalMajor {
			if in.Plan == nil {
				return ErrPlanRequired
			}
			b, _ := json.Marshal(in.Plan)
			p := string(b)
			plan = &p
		}
		var resp *int64
		if in.ResponsibleUserID != 0 {
			var n int64
			if err := tx.Table("users").Where("id = ? AND enterprise_id = ? AND deleted_at IS NULL", in.ResponsibleUserID, ent).Count(&n).Error; err != nil {
				return err
			}
			if n == 0 {
				return ErrResponsible
			}
			resp = &in.ResponsibleUserID
		}
		dl := deadline.UTC()
		if err := move(tx, id, []string{Registered, Rectifying}, map[string]any{"status": Rectifying, "responsible_user_id": resp,
			"responsible_person": strings.TrimSpace(in.ResponsiblePerson), "measures": strings.TrimSpace(in.Measures), "funds": in.Funds,
			"deadline": dl, "plan": plan, "updated_at": s.now()}); err != nil {
			return err
		}
		return s.record(tx, a, h, ActAssign, h.Status, Rectifying, in.Note, nil, AssignDetails{ResponsiblePerson: in.ResponsiblePerson,
			Measures: in.Measures, Funds: in.Funds, Deadline: in.Deadline, Plan: in.Plan})
	})
	if err != nil {
		return Detail{}, err
	}
	return s.Get(ctx, ent, id)
}

// EvidenceInput is a note with photos: the fix, or the acceptance.
type EvidenceInput struct {
	Note     string  `json:"note" label:"说明" validate:"required,max=2000"`
	PhotoIDs []int64 `json:"photo_ids,omitempty" label:"照片" validate:"max=9"`
}

// SubmitFix reports a hazard being rectified as fixed, with evidence; it then waits for acceptance.
func (s *Service) SubmitFix(ctx context.Context, a Actor, ent, id int64, in EvidenceInput) (Detail, error) {
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		h, err := s.load(tx, ent, id)
		if err != nil {
			return err
		}
		if len(in.PhotoIDs) == 0 {
			return apperr.Validation(apperr.FieldError{Field: "photo_ids", Message: "请上传整改后的照片"})
		}
		if err := files.Check(tx, ent, in.PhotoIDs); err != nil {
			return err
		}
		now := s.now()
		if err := move(tx, id, []string{Rectifying}, map[string]any{"status": PendingAcceptance, "fixed_by": a.ID, "fixed_at": now, "updated_at": now}); err != nil {
			return err
		}
		return s.record(tx, a, h, ActFix, Rectifying, PendingAcceptance, in.Note, in.PhotoIDs, nil)
	})
	if err != nil {
		return Detail{}, err
	}
	return s.Get(ctx, ent, id)
}

// Accept accepts a fix and closes (销号) the hazard; the acceptor must not be the fixer.
func (s *Service) Accept(ctx context.Context, a Actor, ent, id int64, in EvidenceInput) (Detail, error) {
	return s.decide(ctx, a, ent, id, in, true)
}

// Reject sends a fix back for more rectification; the reviewer must not be the fixer.
func (s *Service) Reject(ctx context.Context, a Actor, ent, id int64, in EvidenceInput) (Detail, error) {
	return s.decide(ctx, a, ent, id, in, false)
}

func (s *Service) decide(ctx context.Context, a Actor, ent, id int64, in EvidenceInput, accept bool) (Detail, error) {
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		h, err := s.load(tx, ent, id)
		if err != nil {
			return err
		}
		if h.Status != PendingAcceptance {
			return ErrTransition
		}
		if h.FixedBy != nil {
			same, err := account.SameHands(tx, *h.FixedBy, a.ID)
			if err != nil {
				return err
			}
			if same && *h.FixedBy != a.ID {
				return ErrSameAcceptor.WithMessage("验收须由整改人以外的人员进行：您的账号与整改人的账号之间有创建或重置密码的关系，视为同一人")
			}
			if same {
				return ErrSameAcceptor
			}
		}
		if err := files.Check(tx, ent, in.PhotoIDs); err != nil {
			return err
		}
		now := s.now()
		if accept {
			if err := move(tx, id, []string{PendingAcceptance}, map[string]any{"status": Closed, "accepted_by": a.ID, "accepted_at": now,
				"closed_at": now, "updated_at": now}); err != nil {
				return err
			}
			return s.record(tx, a, h, ActAccept, PendingAcceptance, Closed, in.Note, in.PhotoIDs, nil)
		}
		if err := move(tx, id, []string{PendingAcceptance}, map[string]any{"status": Rectifying, "fixed_by": nil, "fixed_at": nil, "updated_at": now}); err != nil {
			return err
		}
		return s.record(tx, a, h, ActReject, PendingAcceptance, Rectifying, in.Note, in.PhotoIDs, nil)
	})
	if err != nil {
		return Detail{}, err
	}
	return s.Get(ctx, ent, id)
}
