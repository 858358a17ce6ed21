// Package inspection runs the daily work of post users: each checklist is inspected once per reporting
// period of its frequency (FAQ 8, 15, 18). 开始排查 opens or resumes the current period's inspection, shared
// by the post's users; answers are saved as a draft and submitted while the period is open; once the
// period has ended nothing can be submitted or changed for it (不可以补录) — the server's clock decides.
// Every item answered 隐患 registers a hazard when the inspection is submitted.
package inspection

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"yqyb/internal/feed"
	"yqyb/internal/files"
	"yqyb/internal/hazard"
	"yqyb/internal/platform/apperr"
	"yqyb/internal/platform/clock"
	"yqyb/internal/standard"
	"yqyb/pkg/period"
)

// States of an inspection as the post user's list shows them.
const (
	NotStarted = "not_started"
	Draft      = "draft"
	Submitted  = "submitted"
	Missed     = "missed"
)

// Answers.
const (
	OK     = "ok"
	Hazard = "hazard"
	NA     = "na"
)

// Errors of inspections.
var (
	ErrNotFound         = apperr.New(apperr.NotFound, "inspection_not_found", "排查记录不存在")
	ErrChecklistGone    = apperr.New(apperr.NotFound, "checklist_not_found", "岗位清单不存在或已停用")
	ErrPeriodClosed     = apperr.New(apperr.Gone, "period_closed", "上报周期已结束，不能再填报或修改（不可以补录）")
	ErrAlreadySubmitted = apperr.New(apperr.Conflict, "inspection_submitted", "本周期的排查已提交，不能再修改")
	ErrIncomplete       = apperr.New(apperr.Invalid, "inspection_incomplete", "还有排查项目未填写，不能提交")
	ErrBadAnswer        = apperr.New(apperr.Invalid, "answer_invalid", "排查结果填写不完整")
	ErrEmptyChecklist   = apperr.New(apperr.Conflict, "checklist_empty", "清单中没有排查项目，请联系企业管理员")
)

// Record is a row of inspections. (Exported because GORM fills only exported embedded structs.)
type Record struct {
	ID            int64
	EnterpriseID  int64
	ChecklistID   int64
	PostID        int64
	ChecklistName string
	Frequency     string
	PeriodKey     string
	PeriodStart   time.Time
	PeriodEnd     time.Time
	Status        string
	StartedBy     int64
	StartedAt     time.Time
	SubmittedBy   *int64
	SubmittedAt   *time.Time
	HazardCount   int
	Version       int
	UpdatedAt     time.Time
	// ChecklistVersionID is the version of the checklist inspected: its items as they were.
	ChecklistVersionID int64
	// OkBy and OkAt are the default answer: every item of the version without a row of inspection_answers
	// is 合格, answered by OkBy at OkAt; when OkAt is nil, such an item is unanswered.
	OkBy *int64
	OkAt *time.Time
}

func (Record) TableName() string { return "inspections" }

// AnswerRecord is one item's answer. A row of inspection_answers holds only an answer that differs from its
// inspection's default (Record.OkBy, Record.OkAt): a 隐患, a 不涉及, a 合格 with photos or by someone else or at
// another time, or, in a draft whose default is 合格, an item still unanswered (Result nil). A plain 合格 —
// what nearly every item of a submitted inspection says — costs no row.
type AnswerRecord struct {
	InspectionID int64
	ItemID       int64
	EnterpriseID int64
	AnsweredBy   *int64
	AnsweredAt   *time.Time
	HazardID     *int64
	FixedOnSpot  bool
	Result       *string
	Description  string
	GradeCode    string
	Location     string
	NaReason     string
	PhotoIDs     string
	// PeriodEnd is the inspection's period_end, the partition key of both tables (migration 0024): a
	// query by inspection that names it touches one partition.
	PeriodEnd time.Time
}

func (AnswerRecord) TableName() string { return "inspection_answers" }

// Service runs inspections.
type Service struct {
	db       *gorm.DB
	clk      clock.Clock
	hazards  *hazard.Service
	versions *standard.Versions
}

// NewService returns the inspection service.
func NewService(db *gorm.DB, clk clock.Clock, hazards *hazard.Service) *Service {
	return &Service{db: db, clk: clk, hazards: hazards, versions: standard.NewVersions()}
}

// PeriodView describes a reporting period.
type PeriodView struct {
	Key         string    `json:"key" example:"2026-11-H2"`
	Label       string    `json:"label" example:"2026年11月下半月"`
	Start       time.Time `json:"start" format:"date-time"`
	End         time.Time `json:"end" format:"date-time"`
	Deadline    time.Time `json:"deadline" format:"date-time"`
	SecondsLeft int64     `json:"seconds_left"`
} // @name Period

func (s *Service) periodView(p period.Period) PeriodView { return ViewOf(p, s.clk.Now()) }

// Slot is one checklist in the post user's list (隐患管理 → 隐患排查).
type Slot struct {
	ChecklistID   int64      `json:"checklist_id"`
	ChecklistName string     `json:"checklist_name" example:"叉车每日点检"`
	Frequency     string     `json:"frequency" enums:"daily,weekly,half_monthly,monthly,quarterly,yearly"`
	FrequencyName string     `json:"frequency_name" example:"每日"`
	ItemCount     int64      `json:"item_count"`
	Period        PeriodView `json:"period"`
	State         string     `json:"state" enums:"not_started,draft,submitted"`
	InspectionID  *int64     `json:"inspection_id" extensions:"x-nullable"`
	StartedBy     string     `json:"started_by"`
	StartedAt     *time.Time `json:"started_at" format:"date-time" extensions:"x-nullable"`
	SubmittedAt   *time.Time `json:"submitted_at" format:"date-time" extensions:"x-nullable"`
	// PreviousState is how the previous period ended: submitted or missed.
	PreviousPeriod string `json:"previous_period" example:"2026年11月上半月"`
	PreviousState  string `json:"previous_state" enums:"submitted,missed"`
} // @name InspectionSlot

// Slots lists the current period of each of the post's active checklists with its state.
func (s *Service) Slots(ctx context.Context, ent int64, mine standard.MyChecklists) ([]Slot, error) {
	now := s.clk.Now()
	out := make([]Slot, 0, len(mine.Checklists))
	if len(mine.Checklists) == 0 {
		return out, nil
	}
	ids := make([]int64, len(mine.Checklists))
	for i, c := range mine.Checklists {
		ids[i] = c.ID
	}
	var rows []struct {
		Record
		StarterName string
	}
	// The current and the previous periods of every checklist, in one query.
	var keys []string
	var ends []time.Time // the partition key, so that only these periods' partitions are read
	for _, c := range mine.Checklists {
		p := period.Of(period.Frequency(c.Frequency), now, clock.Business)
		keys = append(keys, p.Key, p.Prev().Key)
		ends = append(ends, p.End.UTC(), p.Prev().End.UTC())
	}
	if err := s.db.WithContext(ctx).Table("inspections i").Select("i.*, COALESCE(u.display_name, '') AS starter_name").
		Joins("LEFT JOIN users u ON u.id = i.started_by").
		Where("i.enterprise_id = ? AND i.checklist_id IN ? AND i.period_key IN ? AND i.period_end IN ?", ent, ids, keys, ends).Scan(&rows).Error; err != nil {
		return nil, err
	}
	type k struct {
		list int64
		key  string
	}
	found := map[k]struct {
		Record
		StarterName string
	}{}
	for _, r := range rows {
		found[k{r.ChecklistID, r.PeriodKey}] = r
	}
	for _, c := range mine.Checklists {
		f := period.Frequency(c.Frequency)
		p := period.Of(f, now, clock.Business)
		sl := Slot{ChecklistID: c.ID, ChecklistName: c.Name, Frequency: c.Frequency, FrequencyName: f.Label(), ItemCount: c.ItemCount,
			Period: s.periodView(p), State: NotStarted}
		if r, ok := found[k{c.ID, p.Key}]; ok {
			id, started := r.ID, r.StartedAt
			sl.State, sl.InspectionID, sl.StartedBy, sl.StartedAt, sl.SubmittedAt = r.Status, &id, r.StarterName, &started, r.SubmittedAt
		}
		prev := p.Prev()
		sl.PreviousPeriod, sl.PreviousState = prev.Label(), Missed
		if r, ok := found[k{c.ID, prev.Key}]; ok && r.Status == Submitted {
			sl.PreviousState = Submitted
		}
		out = append(out, sl)
	}
	return out, nil
}

// Answer is one item of an inspection.
type Answer struct {
	ItemID       int64      `json:"item_id"`
	CategoryName string     `json:"category_name"`
	Subject      string     `json:"subject"`
	Content      string     `json:"content"`
	Criterion    string     `json:"criterion"`
	Basis        string     `json:"basis"`
	ItemVersion  int        `json:"item_version"`
	IsMajor      bool       `json:"is_major"`
	DefaultGrade string     `json:"default_grade"`
	Result       *string    `json:"result" enums:"ok,hazard,na" extensions:"x-nullable"`
	Description  string     `json:"description"`
	GradeCode    string     `json:"grade_code"`
	Location     string     `json:"location"`
	FixedOnSpot  bool       `json:"fixed_on_spot"`
	NaReason     string     `json:"na_reason"`
	PhotoIDs     []int64    `json:"photo_ids"`
	AnsweredBy   string     `json:"answered_by"`
	AnsweredAt   *time.Time `json:"answered_at" format:"date-time" extensions:"x-nullable"`
	HazardID     *int64     `json:"hazard_id" extensions:"x-nullable"`
	// HazardCode is the code of the hazard the answer registered (隐患编号), empty without one.
	HazardCode string `json:"hazard_code" example:"YH-2026-000001"`
} // @name InspectionAnswer

// Detail is an inspection with its answers.
type Detail struct {
	ID            int64      `json:"id"`
	ChecklistID   int64      `json:"checklist_id"`
	ChecklistName string     `json:"checklist_name"`
	PostID        int64      `json:"post_id"`
	PostName      string     `json:"post_name"`
	Frequency     string     `json:"frequency"`
	Period        PeriodView `json:"period"`
	Open          bool       `json:"open"`
	Status        string     `json:"status" enums:"draft,submitted"`
	StartedBy     string     `json:"started_by"`
	StartedAt     time.Time  `json:"started_at" format:"date-time"`
	SubmittedBy   string     `json:"submitted_by"`
	SubmittedAt   *time.Time `json:"submitted_at" format:"date-time" extensions:"x-nullable"`
	HazardCount   int        `json:"hazard_count"`
	Answered      int        `json:"answered"`
	Answers       []Answer   `json:"answers"`
} // @name Inspection

// errClaimLost rolls back a submission whose claim matched no draft.
var errClaimLost = errors.New("inspection: submission claim lost")

func (s *Service) load(tx *gorm.DB, ent, id int64) (Record, error) {
	var r Record
	err := tx.Where("id = ? AND enterprise_id = ?", id, ent).Take(&r).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return r, ErrNotFound
	}
	return r, err
}

func (s *Service) periodOf(r Record) period.Period {
	p, err := period.ParseKey(period.Frequency(r.Frequency), r.PeriodKey, clock.Business)
	if err != nil {
		return period.Period{Frequency: period.Frequency(r.Frequency), Start: r.PeriodStart, End: r.PeriodEnd, Key: r.PeriodKey}
	}
	return p
}

// closedError names the period that has ended.
func (s *Service) closedError(p period.Period) error {
	return ErrPeriodClosed.WithMessage(fmt.Sprintf("上报周期“%s”已于 %s 结束，不能再填报或修改（不可以补录）", p.Label(),
		p.Last().In(clock.Business).Format("2006-01-02 15:04:05"))).WithDetails(map[string]any{"period": p.Key, "label": p.Label(), "end": p.End})
}

// Get loads an inspection of the enterprise. A post user may pass its post to see only its own.
func (s *Service) Get(ctx context.Context, ent, id, onlyPost int64) (Detail, error) {
	db := s.db.WithContext(ctx)
	// The inspection with the names it shows in one query (every submission answers with its detail, so
	// round trips count).
	var r struct {
		Record
		PostName      string
		StarterName   string
		SubmitterName string
		OkName        string
	}
	res := db.Table("inspections i").Select(`i.*, COALESCE(p.name, '') AS post_name, COALESCE(su.display_name, '') AS starter_name,
			COALESCE(sb.display_name, '') AS submitter_name, COALESCE(ok.display_name, '') AS ok_name`).
		Joins("LEFT JOIN posts p ON p.id = i.post_id").Joins("LEFT JOIN users su ON su.id = i.started_by").
		Joins("LEFT JOIN users sb ON sb.id = i.submitted_by").Joins("LEFT JOIN users ok ON ok.id = i.ok_by").
		Where("i.id = ? AND i.enterprise_id = ?", id, ent).Limit(1).Scan(&r)
	if res.Error != nil {
		return Detail{}, res.Error
	}
	if res.RowsAffected == 0 || onlyPost != 0 && r.PostID != onlyPost {
		return Detail{}, ErrNotFound
	}
	p := s.periodOf(r.Record)
	d := Detail{ID: r.ID, ChecklistID: r.ChecklistID, ChecklistName: r.ChecklistName, PostID: r.PostID, PostName: r.PostName,
		Frequency: r.Frequency, Period: s.periodView(p), Open: p.Contains(s.clk.Now()), Status: r.Status, StartedBy: r.StarterName,
		StartedAt: r.StartedAt, SubmittedBy: r.SubmitterName, SubmittedAt: r.SubmittedAt, HazardCount: r.HazardCount, Answers: []Answer{}}
	items, err := s.versions.Items(db, r.ChecklistVersionID)
	if err != nil {
		return d, err
	}
	var rows []struct {
		AnswerRecord
		AnswererName string
		HazardCode   string
	}
	if err := db.Table("inspection_answers a").Select("a.*, COALESCE(u.display_name, '') AS answerer_name, COALESCE(h.code, '') AS hazard_code").
		Joins("LEFT JOIN users u ON u.id = a.answered_by").Joins("LEFT JOIN hazards h ON h.id = a.hazard_id AND h.enterprise_id = a.enterprise_id").
		Where("a.inspection_id = ? AND a.period_end = ?", id, r.PeriodEnd).Scan(&rows).Error; err != nil {
		return d, err
	}
	stored := make(map[int64]AnswerRecord, len(rows))
	names := make(map[int64]string, len(rows))
	codes := make(map[int64]string)
	for _, a := range rows {
		stored[a.ItemID], names[a.ItemID] = a.AnswerRecord, a.AnswererName
		if a.HazardCode != "" {
			codes[a.ItemID] = a.HazardCode
		}
	}
	for _, it := range items {
		a, ok := stored[it.ItemID]
		name := names[it.ItemID]
		if !ok {
			a, name = r.defaultAnswer(it.ItemID), ""
			if a.Result != nil {
				name = r.OkName
			}
		}
		d.Answers = append(d.Answers, Answer{ItemID: it.ItemID, CategoryName: it.CategoryName, Subject: it.Subject, Content: it.Content,
			Criterion: it.Criterion, Basis: it.Basis, ItemVersion: it.ItemVersion, IsMajor: it.IsMajor, DefaultGrade: it.GradeCode, Result: a.Result,
			Description: a.Description, GradeCode: a.GradeCode, Location: a.Location, FixedOnSpot: a.FixedOnSpot, NaReason: a.NaReason,
			PhotoIDs: files.Split(a.PhotoIDs), AnsweredBy: name, AnsweredAt: a.AnsweredAt, HazardID: a.HazardID, HazardCode: codes[it.ItemID]})
		if a.Result != nil {
			d.Answered++
		}
	}
	return d, nil
}

// defaultAnswer is the answer of an item of the inspection's version that has no row.
func (r Record) defaultAnswer(item int64) AnswerRecord {
	a := AnswerRecord{InspectionID: r.ID, ItemID: item, EnterpriseID: r.EnterpriseID, PeriodEnd: r.PeriodEnd}
	if r.OkAt != nil {
		ok := OK
		a.Result, a.AnsweredBy, a.AnsweredAt = &ok, r.OkBy, r.OkAt
	}
	return a
}

// Start opens the current period's inspection of a checklist of the post, or returns the one already
// started by anyone of the post (one per checklist per period). The inspection refers to the version of the
// checklist with its items as they are now (made if they changed since the last one).
func (s *Service) Start(ctx context.Context, userID, ent, postID, checklistID int64) (Detail, error) {
	var c standard.Checklist
	db := s.db.WithContext(ctx)
	if err := db.Where("id = ? AND enterprise_id = ? AND post_id = ? AND status = 'active'", checklistID, ent, postID).Take(&c).Error; err != nil {
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return Detail{}, ErrChecklistGone
		}
		return Detail{}, err
	}
	now := s.clk.Now()
	p := period.Of(period.Frequency(c.Frequency), now, clock.Business)
	var id int64
	err := db.Transaction(func(tx *gorm.DB) error {
		var existing Record
		err := tx.Where("checklist_id = ? AND period_key = ? AND period_end = ?", c.ID, p.Key, p.End.UTC()).Take(&existing).Error
		if err == nil {
			id = existing.ID
			return nil
		}
		if !errors.Is(err, gorm.ErrRecordNotFound) {
			return err
		}
		items, err := standard.CurrentItems(tx, ent, c.ID)
		if err != nil {
			return err
		}
		if len(items) == 0 {
			return ErrEmptyChecklist
		}
		v, err := standard.EnsureVersion(tx, ent, c.ID, items, now)
		if err != nil {
			return err
		}
		// Two users starting at once: the unique index lets one insert win; the other finds it.
		ins := Record{EnterpriseID: ent, ChecklistID: c.ID, PostID: postID, ChecklistName: c.Name, Frequency: c.Frequency, PeriodKey: p.Key,
			PeriodStart: p.Start.UTC(), PeriodEnd: p.End.UTC(), Status: Draft, StartedBy: userID, StartedAt: now.UTC(), Version: 1, UpdatedAt: now.UTC()}
		// Every item is unanswered: no answer rows, no default.
		res := tx.Raw(`INSERT INTO inspections (enterprise_id, checklist_id, post_id, checklist_name, frequency, period_key, period_start,
				period_end, status, started_by, started_at, version, updated_at, checklist_version_id)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (checklist_id, period_key, period_end) DO NOTHING RETURNING id`,
			ins.EnterpriseID, ins.ChecklistID, ins.PostID, ins.ChecklistName, ins.Frequency, ins.PeriodKey, ins.PeriodStart, ins.PeriodEnd,
			ins.Status, ins.StartedBy, ins.StartedAt, ins.Version, ins.UpdatedAt, v.ID).Scan(&id)
		if res.Error != nil {
			return res.Error
		}
		if id == 0 {
			return tx.Model(&Record{}).Where("checklist_id = ? AND period_key = ? AND period_end = ?", c.ID, p.Key, p.End.UTC()).Pluck("id", &id).Error
		}
		return nil
	})
	if err != nil {
		return Detail{}, err
	}
	return s.Get(ctx, ent, id, 0)
}

// AnswerInput is one item's answer as typed.
type AnswerInput struct {
	ItemID      int64   `json:"item_id" label:"排查项目" validate:"required,gt=0"`
	Result      string  `json:"result" label:"排查结果" validate:"required,oneof=ok hazard na" enums:"ok,hazard,na"`
	Description string  `json:"description,omitempty" label:"隐患描述" validate:"max=2000"`
	GradeCode   string  `json:"grade_code,omitempty" label:"隐患等级" validate:"max=20"`
	Location    string  `json:"location,omitempty" label:"位置" validate:"max=200"`
	FixedOnSpot bool    `json:"fixed_on_spot,omitempty"`
	SpotNote    string  `json:"spot_note,omitempty" label:"整改情况" validate:"max=1000"`
	NaReason    string  `json:"na_reason,omitempty" label:"不涉及原因" validate:"max=500"`
	PhotoIDs    []int64 `json:"photo_ids,omitempty" label:"照片" validate:"max=9"`
}

// open loads a draft inspection of the post in its open period, or says why it cannot be changed. It locks
// the inspection's row until the transaction ends: a save or a submission that read the draft before
// another submission committed would otherwise still write its answers afterwards, and the submitted
// inspection's answers would no longer match its hazards. (SQLite serialises writers; GORM leaves the
// locking clause out there.)
func (s *Service) open(tx *gorm.DB, ent, postID, id int64) (Record, error) {
	r, err := s.load(tx.Clauses(clause.Locking{Strength: clause.LockingStrengthUpdate}), ent, id)
	if err != nil {
		return r, err
	}
	if postID != 0 && r.PostID != postID {
		return r, ErrNotFound
	}
	if p := s.periodOf(r); !p.Contains(s.clk.Now()) {
		return r, s.closedError(p)
	}
	if r.Status == Submitted {
		return r, ErrAlreadySubmitted
	}
	return r, nil
}

// checkAnswer checks what one answer says against the enterprise's grade scheme (nil when no answer of the
// save names a grade); its photos are checked with the others by the caller. Only what is wrong is refused
// here — a grade the enterprise does not have; what is still missing (a hazard's description or grade, the
// photo of a fix on the spot, the reason for 不涉及) is kept in the draft and checked at submit (missingOf).
func (s *Service) checkAnswer(a AnswerInput, levels standard.Levels) error {
	if a.Result == Hazard && strings.TrimSpace(a.GradeCode) != "" && !levels.Has(a.GradeCode) {
		return standard.ErrGradeUnknown.WithDetails(map[string]any{"grade": a.GradeCode, "item_id": a.ItemID})
	}
	return nil
}

// What an answer may still lack, as the incomplete submission's details name it.
const (
	MissingResult      = "result"
	MissingDescription = "description"
	MissingGrade       = "grade"
	MissingPhoto       = "photo"
	MissingNaReason    = "na_reason"
)

var missingLabels = map[string]string{MissingResult: "排查结果", MissingDescription: "隐患描述", MissingGrade: "隐患等级",
	MissingPhoto: "整改后的照片", MissingNaReason: "不涉及原因"}

// missingOf is what an answer still lacks before the inspection can be submitted.
func missingOf(a AnswerRecord) []string {
	if a.Result == nil {
		return []string{MissingResult}
	}
	var out []string
	switch *a.Result {
	case Hazard:
		if strings.TrimSpace(a.Description) == "" {
			out = append(out, MissingDescription)
		}
		if strings.TrimSpace(a.GradeCode) == "" {
			out = append(out, MissingGrade)
		}
		if a.FixedOnSpot && a.PhotoIDs == "" {
			out = append(out, MissingPhoto)
		}
	case NA:
		if strings.TrimSpace(a.NaReason) == "" {
			out = append(out, MissingNaReason)
		}
	}
	return out
}

// IncompleteItem names an item that keeps an inspection from being submitted, in the details of
// inspection_incomplete.
type IncompleteItem struct {
	ItemID  int64    `json:"item_id"`
	Index   int      `json:"index"`
	Subject string   `json:"subject"`
	Missing []string `json:"missing"`
}

// incompleteError names the items a submission lacks: how many are unanswered and, for each item
// answered but incomplete, what it lacks (the first few in the message, all of them in the details).
func incompleteError(d *draft) error {
	var items []IncompleteItem
	unanswered := 0
	var parts []string
	for i, a := range d.state {
		m := missingOf(a)
		if len(m) == 0 {
			continue
		}
		items = append(items, IncompleteItem{ItemID: a.ItemID, Index: i + 1, Subject: d.items[i].Subject, Missing: m})
		if m[0] == MissingResult {
			unanswered++
			continue
		}
		if len(parts) < 5 {
			labels := make([]string, len(m))
			for j, x := range m {
				labels[j] = missingLabels[x]
			}
			parts = append(parts, fmt.Sprintf("第%d项“%s”缺%s", i+1, d.items[i].Subject, strings.Join(labels, "、")))
		}
	}
	if len(items) == 0 {
		return nil
	}
	var msg []string
	if unanswered > 0 {
		msg = append(msg, fmt.Sprintf("还有 %d 个排查项目未作答", unanswered))
	}
	if n := len(items) - unanswered; n > 0 {
		more := ""
		if n > len(parts) {
			more = fmt.Sprintf("等 %d 项", n)
		}
		msg = append(msg, fmt.Sprintf("%s%s未填写完整", strings.Join(parts, "；"), more))
	}
	return ErrIncomplete.WithMessage(strings.Join(msg, "；") + "，不能提交").WithDetails(map[string]any{"unanswered": unanswered, "items": items})
}

// Save stores answers of a draft while its period is open; items not mentioned keep their answers.
func (s *Service) Save(ctx context.Context, userID, ent, postID, id int64, answers []AnswerInput) (Detail, error) {
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		r, err := s.open(tx, ent, postID, id)
		if err != nil {
			return err
		}
		d, err := s.loadDraft(tx, r)
		if err != nil {
			return err
		}
		if err := s.apply(tx, d, userID, answers); err != nil {
			return err
		}
		best := d.chooseDefault()
		if err := s.store(tx, d, best); err != nil {
			return err
		}
		fields := okColumns(best)
		fields["version"], fields["updated_at"] = gorm.Expr("version + 1"), s.clk.Now().UTC()
		return tx.Model(&Record{}).Where("id = ? AND period_end = ?", id, r.PeriodEnd).Updates(fields).Error
	})
	if err != nil {
		return Detail{}, err
	}
	return s.Get(ctx, ent, id, 0)
}

// draft is an inspection being answered: every item of its version with its answer, and the rows stored.
type draft struct {
	rec    Record
	items  []standard.VersionItem
	at     map[int64]int // item id → position in items and state
	stored map[int64]AnswerRecord
	state  []AnswerRecord
}

func (s *Service) loadDraft(tx *gorm.DB, r Record) (*draft, error) {
	items, err := s.versions.Items(tx, r.ChecklistVersionID)
	if err != nil {
		return nil, err
	}
	var rows []AnswerRecord
	if err := tx.Where("inspection_id = ? AND period_end = ?", r.ID, r.PeriodEnd).Find(&rows).Error; err != nil {
		return nil, err
	}
	d := &draft{rec: r, items: items, at: make(map[int64]int, len(items)), stored: make(map[int64]AnswerRecord, len(rows)),
		state: make([]AnswerRecord, len(items))}
	for _, a := range rows {
		d.stored[a.ItemID] = a
	}
	for i, it := range items {
		d.at[it.ItemID] = i
		if a, ok := d.stored[it.ItemID]; ok {
			d.state[i] = a
		} else {
			d.state[i] = r.defaultAnswer(it.ItemID)
		}
	}
	return d, nil
}

// apply checks answers and puts them into the draft, in order (an item answered twice keeps the last).
func (s *Service) apply(tx *gorm.DB, d *draft, userID int64, answers []AnswerInput) error {
	// Microseconds: what both databases keep, so that answers given together stay equal once stored.
	now := s.clk.Now().UTC().Truncate(time.Microsecond)
	for _, a := range answers {
		if _, ok := d.at[a.ItemID]; !ok {
			return ErrBadAnswer.WithMessage("该排查项目不在本次排查中").WithDetails(map[string]any{"item_id": a.ItemID})
		}
	}
	var levels standard.Levels
	if slices.ContainsFunc(answers, func(a AnswerInput) bool { return a.Result == Hazard && strings.TrimSpace(a.GradeCode) != "" }) {
		var err error
		if levels, err = standard.LegalLevels(tx, d.rec.EnterpriseID, now); err != nil {
			return err
		}
	}
	photos := make([][]int64, 0, len(answers))
	for _, a := range answers {
		if err := s.checkAnswer(a, levels); err != nil {
			return err
		}
		if len(a.PhotoIDs) > 0 {
			photos = append(photos, a.PhotoIDs)
		}
	}
	if err := files.CheckAll(tx, d.rec.EnterpriseID, photos...); err != nil {
		return err
	}
	for _, a := range answers {
		i := d.at[a.ItemID]
		result, by, at := a.Result, userID, now
		next := AnswerRecord{InspectionID: d.rec.ID, ItemID: a.ItemID, EnterpriseID: d.rec.EnterpriseID, PeriodEnd: d.rec.PeriodEnd, Result: &result, PhotoIDs: files.Join(a.PhotoIDs),
			AnsweredBy: &by, AnsweredAt: &at, HazardID: d.state[i].HazardID}
		switch a.Result {
		case Hazard:
			desc := strings.TrimSpace(a.Description)
			if a.FixedOnSpot && strings.TrimSpace(a.SpotNote) != "" {
				desc += "\n当场整改：" + strings.TrimSpace(a.SpotNote)
			}
			next.Description, next.GradeCode, next.Location, next.FixedOnSpot = desc, strings.TrimSpace(a.GradeCode), strings.TrimSpace(a.Location), a.FixedOnSpot
		case NA:
			next.NaReason = strings.TrimSpace(a.NaReason)
		}
		d.state[i] = next
	}
	return nil
}

// plain tells a 合格 that carries nothing but who answered and when.
func plain(a AnswerRecord) bool {
	return a.Result != nil && *a.Result == OK && a.Description == "" && a.GradeCode == "" && a.Location == "" && !a.FixedOnSpot &&
		a.NaReason == "" && a.PhotoIDs == "" && a.HazardID == nil && a.AnsweredBy != nil && a.AnsweredAt != nil
}

// blank tells an unanswered item.
func blank(a AnswerRecord) bool {
	return a.Result == nil && a.Description == "" && a.GradeCode == "" && a.Location == "" && !a.FixedOnSpot && a.NaReason == "" &&
		a.PhotoIDs == "" && a.HazardID == nil && a.AnsweredBy == nil && a.AnsweredAt == nil
}

// okKey is who gave a plain 合格 and when.
type okKey struct {
	by int64
	at int64 // microseconds
}

// chooseDefault picks the default that spares the most rows: the most frequent plain 合格 (one answerer, one
// instant), or unanswered (nil). A 隐患 is never a plain 合格, so linking hazards afterwards does not change it.
func (d *draft) chooseDefault() *okKey {
	counts := map[okKey]int{}
	unanswered := 0
	for _, a := range d.state {
		switch {
		case plain(a):
			counts[okKey{*a.AnsweredBy, a.AnsweredAt.UnixMicro()}]++
		case blank(a):
			unanswered++
		}
	}
	var cur *okKey
	if d.rec.OkAt != nil && d.rec.OkBy != nil {
		cur = &okKey{*d.rec.OkBy, d.rec.OkAt.UnixMicro()}
	}
	// The most answers win; a tie keeps the current default (fewest rows rewritten), then takes the latest 合格.
	isCur := func(k *okKey) bool { return k == nil && cur == nil || k != nil && cur != nil && *k == *cur }
	type candidate struct {
		key *okKey // nil: unanswered
		n   int
	}
	better := func(x, y candidate) bool {
		switch {
		case x.n != y.n:
			return x.n > y.n
		case isCur(x.key) != isCur(y.key):
			return isCur(x.key)
		case (x.key == nil) != (y.key == nil):
			return x.key != nil
		case x.key == nil:
			return false
		case x.key.at != y.key.at:
			return x.key.at > y.key.at
		}
		return x.key.by > y.key.by
	}
	top := candidate{nil, unanswered}
	for k, n := range counts {
		if c := (candidate{&k, n}); better(c, top) {
			top = c
		}
	}
	return top.key
}

// okColumns are the inspection's columns for a default.
func okColumns(best *okKey) map[string]any {
	if best == nil {
		return map[string]any{"ok_by": nil, "ok_at": nil}
	}
	return map[string]any{"ok_by": best.by, "ok_at": time.UnixMicro(best.at).UTC()}
}

// store writes the draft's answers compactly against the default chosen for it (chooseDefault, recorded in
// the inspection's row by the caller): the rows are exactly the answers that differ from it, and only the
// rows that change are written.
func (s *Service) store(tx *gorm.DB, d *draft, best *okKey) error {
	isDefault := func(a AnswerRecord) bool {
		if best == nil {
			return blank(a)
		}
		return plain(a) && *a.AnsweredBy == best.by && a.AnsweredAt.UnixMicro() == best.at
	}
	var upsert []AnswerRecord
	var drop []int64
	for _, a := range d.state {
		old, had := d.stored[a.ItemID]
		switch {
		case isDefault(a) && had:
			drop = append(drop, a.ItemID)
		case !isDefault(a) && (!had || !sameAnswer(old, a)):
			upsert = append(upsert, a)
		}
	}
	if len(drop) > 0 {
		if err := tx.Where("inspection_id = ? AND period_end = ? AND item_id IN ?", d.rec.ID, d.rec.PeriodEnd, drop).Delete(&AnswerRecord{}).Error; err != nil {
			return err
		}
	}
	if len(upsert) == 0 {
		return nil
	}
	return tx.Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "inspection_id"}, {Name: "item_id"}, {Name: "period_end"}}, UpdateAll: true}).
		CreateInBatches(&upsert, 500).Error
}

// sameAnswer tells whether a stored row already says what an answer says.
func sameAnswer(a, b AnswerRecord) bool {
	eqID := func(x, y *int64) bool { return x == nil && y == nil || x != nil && y != nil && *x == *y }
	eqAt := func(x, y *time.Time) bool {
		return x == nil && y == nil || x != nil && y != nil && x.UnixMicro() == y.UnixMicro()
	}
	eqRes := func(x, y *string) bool { return x == nil && y == nil || x != nil && y != nil && *x == *y }
	return eqRes(a.Result, b.Result) && a.Description == b.Description && a.GradeCode == b.GradeCode && a.Location == b.Location &&
		a.FixedOnSpot == b.FixedOnSpot && a.NaReason == b.NaReason && a.PhotoIDs == b.PhotoIDs && eqID(a.AnsweredBy, b.AnsweredBy) &&
		eqAt(a.AnsweredAt, b.AnsweredAt) && eqID(a.HazardID, b.HazardID)
}

// Submit saves the given answers, checks every item is answered and submits the inspection, registering a
// hazard for every item answered 隐患. Submitting a submitted inspection again returns it unchanged, and of
// two users submitting at once exactly one submission happens.
func (s *Service) Submit(ctx context.Context, a hazard.Actor, ent, postID, id int64, answers []AnswerInput) (Detail, error) {
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		r, err := s.open(tx, ent, postID, id)
		if errors.Is(err, ErrAlreadySubmitted) {
			return nil
		}
		if err != nil {
			return err
		}
		d, err := s.loadDraft(tx, r)
		if err != nil {
			return err
		}
		if err := s.apply(tx, d, a.ID, answers); err != nil {
			return err
		}
		// The draft may hold anything entered so far; what is submitted must be complete.
		if err := incompleteError(d); err != nil {
			return err
		}
		var found []int // positions answered 隐患, in the checklist's order
		for i, x := range d.state {
			if *x.Result == Hazard {
				found = append(found, i)
			}
		}
		now := s.clk.Now().UTC()
		best := d.chooseDefault()
		// Claim the submission: of two concurrent submitters the second matches no draft Record and stops. The
		// claim also counts the answers' change in the version, records the number of hazards and the default
		// answer.
		fields := okColumns(best)
		fields["status"], fields["submitted_by"], fields["submitted_at"], fields["updated_at"] = Submitted, a.ID, now, now
		fields["version"], fields["hazard_count"] = gorm.Expr("version + 1"), len(found)
		res := tx.Model(&Record{}).Where("id = ? AND period_end = ? AND status = ?", id, r.PeriodEnd, Draft).Updates(fields)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			// Unreachable while open holds the row lock; should it ever happen, nothing of this request
			// may stay.
			return errClaimLost
		}
		submitted := feed.Item{At: now, EnterpriseID: ent, Entity: "inspection", EntityID: id, Action: "inspection.submitted",
			Data: feed.InspectionSubmitted{ChecklistID: r.ChecklistID, ChecklistName: r.ChecklistName, PostID: r.PostID, PeriodKey: r.PeriodKey,
				SubmittedBy: a.Name, HazardCount: len(found)}}
		if len(found) == 0 {
			if err := s.store(tx, d, best); err != nil {
				return err
			}
			return feed.AppendAll(tx, submitted)
		}
		// The hazards take their gapless codes (the counter's row stays locked until commit) after everything
		// else that can be refused, the feed's announcement included: the enterprise's next submission with
		// hazards waits on the counter for every statement from there to the commit. The answers are stored
		// with their hazards' ids; the hazards' feed entries and the submission's are appended together, in
		// that order.
		if submitted.RegionPath, err = feed.Announce(tx, ent); err != nil {
			return err
		}
		items, err := s.registerFound(ctx, tx, a, ent, d, found)
		if err != nil {
			return err
		}
		if err := s.store(tx, d, best); err != nil {
			return err
		}
		return feed.AppendAnnounced(tx, append(items, submitted)...)
	})
	if errors.Is(err, errClaimLost) {
		err = nil // someone else submitted it: answer with the submitted inspection, as for a repeat
	}
	if err != nil {
		return Detail{}, err
	}
	return s.Get(ctx, ent, id, 0)
}

// registerFound registers the hazards of a submission together and links each answer to its hazard (the
// answers are stored afterwards, with the link); it returns the hazards' feed entries, to be appended.
func (s *Service) registerFound(ctx context.Context, tx *gorm.DB, a hazard.Actor, ent int64, d *draft, found []int) ([]feed.Item, error) {
	if len(found) == 0 {
		return nil, nil
	}
	r := d.rec
	ns := make([]hazard.New, len(found))
	for i, at := range found {
		f, it := d.state[at], d.items[at]
		item, insp, list, post := f.ItemID, r.ID, r.ChecklistID, r.PostID
		ns[i] = hazard.New{Source: "inspection", InspectionID: &insp, ItemID: &item, ChecklistID: &list, PostID: &post, PeriodKey: r.PeriodKey,
			Subject: it.Subject, Description: f.Description, Location: f.Location, GradeCode: f.GradeCode, ItemIsMajor: it.IsMajor,
			PhotoIDs: files.Split(f.PhotoIDs)}
		if f.FixedOnSpot {
			ns[i].FixedOnSpot, ns[i].SpotNote, ns[i].SpotPhotoIDs = true, "岗位人员当场整改", files.Split(f.PhotoIDs)
		}
	}
	hs, items, err := s.hazards.RegisterLeavingFeed(ctx, tx, a, ent, ns...)
	if err != nil {
		return nil, err
	}
	for _, h := range hs {
		id := h.ID
		d.state[d.at[*h.ItemID]].HazardID = &id
	}
	return items, nil
}

// ChecklistHistory tells the standard service a checklist with inspections cannot be deleted.
func ChecklistHistory(tx *gorm.DB, checklistID int64) (bool, error) {
	var n int64
	err := tx.Model(&Record{}).Where("checklist_id = ?", checklistID).Count(&n).Error
	return n > 0, err
}

// PostHistory tells org a post with inspections or hazards cannot be deleted.
func PostHistory(tx *gorm.DB, postID int64) (bool, error) {
	var n int64
	err := tx.Raw("SELECT (SELECT COUNT(*) FROM inspections WHERE post_id = ?) + (SELECT COUNT(*) FROM hazards WHERE post_id = ?)", postID, postID).Scan(&n).Error
	return n > 0, err
}

// InUse tells whether the enterprise has submitted an inspection: it is in use, whatever its setup still
// lacks, and its admin lands on 首页 rather than on 初始化.
func (s *Service) InUse(ctx context.Context, ent int64) (bool, error) {
	var ids []int64
	err := s.db.WithContext(ctx).Table("inspections").Where("enterprise_id = ? AND status = ?", ent, Submitted).Limit(1).Pluck("id", &ids).Error
	return len(ids) > 0, err
}
