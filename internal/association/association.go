// Package association links enterprises (申请关联, FAQ 21): an enterprise applies to be associated with
// another, typically its group company; the target approves or rejects; either side can dissolve an
// approved link. The group then sees read-only summaries of its members. The candidate list offers other
// enterprises only: never the applicant itself (FAQ 21) nor one already linked or pending with it.
package association

import (
	"context"
	"errors"
	"strings"
	"time"

	"gorm.io/gorm"

	"yqyb/internal/audit"
	"yqyb/internal/org"
	"yqyb/internal/platform/apperr"
	"yqyb/internal/platform/clock"
	"yqyb/internal/platform/listq"
	"yqyb/internal/setup"
)

// Statuses of an association.
const (
	Pending   = "pending"
	Approved  = "approved"
	Rejected  = "rejected"
	Withdrawn = "withdrawn"
	Dissolved = "dissolved"
)

// Errors of associations.
var (
	ErrNotFound      = apperr.New(apperr.NotFound, "association_not_found", "关联申请不存在")
	ErrSelf          = apperr.New(apperr.Invalid, "association_self", "不能与本企业关联")
	ErrAlreadyLinked = apperr.New(apperr.Conflict, "association_exists", "与该企业已有待审批或已生效的关联")
	ErrNotPending    = apperr.New(apperr.Conflict, "association_not_pending", "该申请已处理，不能再审批或撤回")
	ErrNotApproved   = apperr.New(apperr.Conflict, "association_not_approved", "只有已生效的关联才能解除")
	ErrNotYours      = apperr.New(apperr.Forbidden, "association_not_yours", "只有被申请的企业才能审批，只有申请企业才能撤回")
)

type row struct {
	ID          int64
	ApplicantID int64
	TargetID    int64
	Status      string
	Note        string
	Reply       string
	PairLow     int64
	PairHigh    int64
	CreatedAt   time.Time
	DecidedAt   *time.Time
	DecidedBy   *int64
	EndedAt     *time.Time
	EndedBy     *int64
}

func (row) TableName() string { return "associations" }

// Service manages associations.
type Service struct {
	db    *gorm.DB
	clk   clock.Clock
	setup *setup.Service
}

// NewService returns the association service.
func NewService(db *gorm.DB, clk clock.Clock, st *setup.Service) *Service {
	return &Service{db: db, clk: clk, setup: st}
}

// Candidate is an enterprise that can be applied to.
type Candidate struct {
	ID         int64  `json:"id"`
	Name       string `json:"name" example:"北京朝阳商业集团有限公司"`
	RegionName string `json:"region_name" example:"朝阳区"`
} // @name AssociationCandidate

// CandidateSpec is how candidate lists sort.
var CandidateSpec = listq.Spec{Sorts: map[string]string{"name": "e.name", "id": "e.id"}, Default: []listq.Order{{Field: "name"}}, Tiebreak: "e.id"}

// Candidates pages the enterprises the given one may apply to.
func (s *Service) Candidates(ctx context.Context, ent int64, keyword string, q listq.Query) (listq.Page[Candidate], error) {
	tx := s.db.WithContext(ctx).Table("enterprises e").Select("e.id, e.name, r.name AS region_name").
		Joins("JOIN regions r ON r.id = e.region_id").
		Where("e.id <> ? AND e.status = 'active'", ent).
		Where(`NOT EXISTS (SELECT 1 FROM associations a WHERE a.status IN ('pending', 'approved')
			AND a.pair_low = CASE WHEN e.id < ? THEN e.id ELSE ? END AND a.pair_high = CASE WHEN e.id < ? THEN ? ELSE e.id END)`, ent, ent, ent, ent)
	return listq.Fetch[Candidate](listq.Keyword(tx, keyword, "e.name"), q)
}

// View is an association as either side sees it.
type View struct {
	ID        int64      `json:"id"`
	Direction string     `json:"direction" enums:"outgoing,incoming"`
	OtherID   int64      `json:"other_id"`
	OtherName string     `json:"other_name"`
	Status    string     `json:"status" enums:"pending,approved,rejected,withdrawn,dissolved"`
	Note      string     `json:"note"`
	Reply     string     `json:"reply"`
	CreatedAt time.Time  `json:"created_at" format:"date-time"`
	DecidedAt *time.Time `json:"decided_at" format:"date-time" extensions:"x-nullable"`
	EndedAt   *time.Time `json:"ended_at" format:"date-time" extensions:"x-nullable"`
} // @name Association

// List returns every association the enterprise is part of, newest first.
func (s *Service) List(ctx context.Context, ent int64) ([]View, error) {
	out := []View{}
	err := s.db.WithContext(ctx).Table("associations a").
		Select(`a.id, CASE WHEN a.applicant_id = ? THEN 'outgoing' ELSE 'incoming' END AS direction,
			e.id AS other_id, e.name AS other_name, a.status, a.note, a.reply, a.created_at, a.decided_at, a.ended_at`, ent).
		Joins("JOIN enterprises e ON e.id = CASE WHEN a.applicant_id = ? THEN a.target_id ELSE a.applicant_id END", ent).
		Where("a.applicant_id = ? OR a.target_id = ?", ent, ent).Order("a.id DESC").Limit(1000).Scan(&out).Error
	return out, err
}

func (s *Service) get(tx *gorm.DB, ent, id int64) (row, error) {
	var r row
	err := tx.Where("id = ? AND (applicant_id = ? OR target_id = ?)", id, ent, ent).Take(&r).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return r, ErrNotFound
	}
	return r, err
}

func (s *Service) view(ctx context.Context, ent, id int64) (View, error) {
	all, err := s.List(ctx, ent)
	if err != nil {
		return View{}, err
	}
	for _, v := range all {
		if v.ID == id {
			return v, nil
		}
	}
	return View{}, ErrNotFound
}

// Apply asks target to accept the enterprise as associated.
func (s *Service) Apply(ctx context.Context, a audit.Actor, ent, target int64, note string) (View, error) {
	if ent == target {
		return View{}, ErrSelf
	}
	var id int64
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		t, err := org.EnterpriseByID(ctx, tx, target)
		if err != nil || t.Status != "active" {
			return org.ErrEnterpriseNotFound
		}
		r := row{ApplicantID: ent, TargetID: target, Status: Pending, Note: strings.TrimSpace(note),
			PairLow: min(ent, target), PairHigh: max(ent, target), CreatedAt: s.clk.Now().UTC()}
		if err := tx.Create(&r).Error; err != nil {
			if errors.Is(err, gorm.ErrDuplicatedKey) {
				return ErrAlreadyLinked
			}
			return err
		}
		id = r.ID
		return s.record(ctx, tx, a, audit.AssocApply, ent, r, t.Name)
	})
	if err != nil {
		return View{}, err
	}
	return s.view(ctx, ent, id)
}

func (s *Service) record(ctx context.Context, tx *gorm.DB, a audit.Actor, action string, ent int64, r row, other string) error {
	return audit.Record(ctx, tx, s.clk.Now(), a, audit.Entry{Action: action, EnterpriseID: ent, TargetType: "association", TargetID: r.ID,
		TargetName: other, After: map[string]any{"applicant_id": r.ApplicantID, "target_id": r.TargetID, "status": r.Status, "note": r.Note, "reply": r.Reply}})
}

// Decide approves or rejects a pending application made to the enterprise.
func (s *Service) Decide(ctx context.Context, a audit.Actor, ent, id int64, approve bool, reply string) (View, error) {
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		r, err := s.get(tx, ent, id)
		if err != nil {
			return err
		}
		if r.TargetID != ent {
			return ErrNotYours
		}
		if r.Status != Pending {
			return ErrNotPending
		}
		now, by := s.clk.Now().UTC(), a.ID
		status, action := Rejected, audit.AssocReject
		if approve {
			status, action = Approved, audit.AssocApprove
		}
		res := tx.Model(&row{}).Where("id = ? AND status = ?", id, Pending).Updates(map[string]any{
			"status": status, "reply": strings.TrimSpace(reply), "decided_at": now, "decided_by": by})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return ErrNotPending
		}
		r.Status, r.Reply = status, strings.TrimSpace(reply)
		other, _ := org.EnterpriseByID(ctx, tx, r.ApplicantID)
		return s.record(ctx, tx, a, action, ent, r, other.Name)
	})
	if err != nil {
		return View{}, err
	}
	return s.view(ctx, ent, id)
}

// Withdraw cancels the enterprise's own pending application.
func (s *Service) Withdraw(ctx context.Context, a audit.Actor, ent, id int64) (View, error) {
	return s.end(ctx, a, ent, id, Pending, Withdrawn, audit.AssocWithdraw, func(r row) error {
		if r.ApplicantID != ent {
			return ErrNotYours
		}
		return nil
	})
}

// Dissolve ends an approved association; either side may.
func (s *Service) Dissolve(ctx context.Context, a audit.Actor, ent, id int64) (View, error) {
	return s.end(ctx, a, ent, id, Approved, Dissolved, audit.AssocDissolve, func(row) error { return nil })
}

func (s *Service) end(ctx context.Context, a audit.Actor, ent, id int64, from, to, action string, allowed func(row) error) (View, error) {
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		r, err := s.get(tx, ent, id)
		if err != nil {
			return err
		}
		if err := allowed(r); err != nil {
			return err
		}
		if r.Status != from {
			if from == Pending {
				return ErrNotPending
			}
			return ErrNotApproved
		}
		by := a.ID
		res := tx.Model(&row{}).Where("id = ? AND status = ?", id, from).Updates(map[string]any{"status": to, "ended_at": s.clk.Now().UTC(), "ended_by": by})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return ErrNotPending
		}
		r.Status = to
		otherID := r.TargetID
		if otherID == ent {
			otherID = r.ApplicantID
		}
		other, _ := org.EnterpriseByID(ctx, tx, otherID)
		return s.record(ctx, tx, a, action, ent, r, other.Name)
	})
	if err != nil {
		return View{}, err
	}
	return s.view(ctx, ent, id)
}

// Member is an associated enterprise as its group sees it: read-only summaries.
type Member struct {
	ID         int64         `json:"id"`
	Name       string        `json:"name"`
	RegionName string        `json:"region_name"`
	LinkedAt   *time.Time    `json:"linked_at" format:"date-time" extensions:"x-nullable"`
	Setup      setup.Summary `json:"setup" gorm:"-"`
} // @name GroupMember

// Members lists the enterprises whose association with this one (as the group) is approved.
func (s *Service) Members(ctx context.Context, ent int64) ([]Member, error) {
	out := []Member{}
	if err := s.db.WithContext(ctx).Table("associations a").
		Select("e.id, e.name, r.name AS region_name, a.decided_at AS linked_at").
		Joins("JOIN enterprises e ON e.id = a.applicant_id").
		Joins("JOIN regions r ON r.id = e.region_id").
		Where("a.target_id = ? AND a.status = ?", ent, Approved).Order("e.name").Limit(5000).Scan(&out).Error; err != nil {
		return nil, err
	}
	ids := make([]int64, len(out))
	for i, m := range out {
		ids[i] = m.ID
	}
	sums, err := s.setup.Summaries(ctx, ids)
	if err != nil {
		return nil, err
	}
	for i := range out {
		out[i].Setup = sums[out[i].ID]
	}
	return out, nil
}
