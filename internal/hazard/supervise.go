package hazard

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"

	"yqyb/internal/audit"
	"yqyb/internal/platform/apperr"
	"yqyb/internal/platform/clock"
)

// Supervision is a regulator's 督办 of a major hazard: a deadline and a note the enterprise sees on the
// hazard and on its home page, until a regulator lifts it (usually after the hazard is closed).
type Supervision struct {
	ID             int64      `json:"id"`
	HazardID       int64      `json:"hazard_id"`
	RegionName     string     `json:"region_name" example:"朝阳区"`
	SupervisorName string     `json:"supervisor_name" example:"朝阳区安监局"`
	Deadline       string     `json:"deadline" example:"2026-12-31"`
	Note           string     `json:"note"`
	Status         string     `json:"status" enums:"active,lifted"`
	CreatedAt      time.Time  `json:"created_at" format:"date-time"`
	LiftedAt       *time.Time `json:"lifted_at" format:"date-time" extensions:"x-nullable"`
	LiftNote       string     `json:"lift_note"`
	Overdue        bool       `json:"overdue"`
} // @name Supervision

// SuperviseDetails are the details of a supervision, in its timeline step and its change-feed entry.
type SuperviseDetails struct {
	Deadline      string `json:"deadline" doc:"督办期限（北京时间的日期）" example:"2026-12-31"`
	SupervisionID int64  `json:"supervision_id" doc:"督办记录 id"`
}

// SuperviseInput is what a regulator sets when supervising.
type SuperviseInput struct {
	Deadline string `json:"deadline" label:"督办期限" validate:"required,datetime=2006-01-02" example:"2026-12-31"`
	Note     string `json:"note" label:"督办意见" validate:"required,max=1000"`
}

// LiftInput closes a supervision.
type LiftInput struct {
	Note string `json:"note" label:"解除说明" validate:"max=1000"`
}

// Errors of supervision.
var (
	ErrNotMajor          = apperr.New(apperr.Conflict, "supervision_major_only", "只有未销号的重大隐患可以督办")
	ErrSupervised        = apperr.New(apperr.Conflict, "already_supervised", "该隐患已在督办中")
	ErrNotSupervised     = apperr.New(apperr.NotFound, "supervision_not_found", "督办记录不存在或已解除")
	ErrSuperviseDeadline = apperr.New(apperr.Invalid, "deadline_in_past", "督办期限不能早于今天")
)

type supervisionRow struct {
	ID           int64
	HazardID     int64
	EnterpriseID int64
	RegionID     int64
	SupervisorID int64
	Deadline     time.Time
	Note         string
	Status       string
	CreatedAt    time.Time
	LiftedAt     *time.Time
	LiftedBy     *int64
	LiftNote     string
}

func (supervisionRow) TableName() string { return "supervisions" }

// Supervise marks a major hazard of the regulator's jurisdiction as supervised. The hazard's timeline and
// the change feed record it.
func (s *Service) Supervise(ctx context.Context, a Actor, regionID int64, regionPath string, id int64, in SuperviseInput) (Supervised, error) {
	deadline, err := time.ParseInLocation(time.DateOnly, in.Deadline, clock.Business)
	if err != nil {
		return Supervised{}, apperr.Validation(apperr.FieldError{Field: "deadline", Message: "督办期限应为日期"})
	}
	if deadline.Before(clock.BusinessDate(s.clk.Now())) {
		return Supervised{}, ErrSuperviseDeadline
	}
	warnings := []Warning{}
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		h, err := loadInRegion(tx, regionPath, id)
		if err != nil {
			return err
		}
		if h.LegalLevel != "major" || h.Status == Closed {
			return ErrNotMajor
		}
		var n int64
		if err := tx.Model(&supervisionRow{}).Where("hazard_id = ? AND status = 'active'", id).Count(&n).Error; err != nil {
			return err
		}
		if n > 0 {
			return ErrSupervised
		}
		if w, ok := deadlineWarning(deadline, h.Deadline); ok {
			warnings = append(warnings, w)
		}
		row := supervisionRow{HazardID: id, EnterpriseID: h.EnterpriseID, RegionID: regionID, SupervisorID: a.ID, Deadline: deadline.UTC(),
			Note: strings.TrimSpace(in.Note), Status: "active", CreatedAt: s.now()}
		if err := tx.Create(&row).Error; err != nil {
			// The partial unique index catches a concurrent supervision of the same hazard.
			if errors.Is(err, gorm.ErrDuplicatedKey) {
				return ErrSupervised
			}
			return err
		}
		if err := audit.Record(ctx, tx, s.now(), a.Actor, audit.Entry{Action: audit.HazardSupervise, EnterpriseID: h.EnterpriseID, RegionID: regionID,
			TargetType: "hazard", TargetID: h.ID, TargetName: h.Code, After: in}); err != nil {
			return err
		}
		return s.record(tx, a, h, ActSupervise, h.Status, h.Status, row.Note, nil, SuperviseDetails{Deadline: in.Deadline, SupervisionID: row.ID})
	})
	if err != nil {
		return Supervised{}, err
	}
	d, err := s.GetInRegion(ctx, regionPath, id)
	return Supervised{Detail: d, Warnings: warnings}, err
}

// Supervised is a hazard just supervised, with what the regulator should know about the supervision.
type Supervised struct {
	Detail
	// Warnings are accepted but questionable choices of the supervision, e.g. a deadline earlier than
	// the enterprise's own rectification deadline. Empty when there is nothing to point out.
	Warnings []Warning `json:"warnings"`
} // @name SupervisedHazardDetail

// Warning is a remark on an accepted request: a stable code and a Chinese message.
type Warning struct {
	Code    string `json:"code" example:"supervision_before_rectification"`
	Message string `json:"message"`
} // @name Warning

// deadlineWarning: a supervision deadline earlier than the hazard's rectification deadline asks the
// enterprise to finish sooner than its own plan; allowed (the regulator may mean it), but said.
func deadlineWarning(supervision time.Time, rectification *time.Time) (Warning, bool) {
	if rectification == nil {
		return Warning{}, false
	}
	r := clock.BusinessDate(*rectification)
	if !supervision.Before(r) {
		return Warning{}, false
	}
	return Warning{Code: "supervision_before_rectification", Message: fmt.Sprintf("督办期限（%s）早于企业的整改期限（%s），请确认企业能在督办期限内完成整改，必要时要求企业调整整改期限",
		supervision.Format(time.DateOnly), r.Format(time.DateOnly))}, true
}

// Lift ends the active supervision of a hazard in the jurisdiction.
func (s *Service) Lift(ctx context.Context, a Actor, regionPath string, id int64, in LiftInput) (Detail, error) {
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		h, err := loadInRegion(tx, regionPath, id)
		if err != nil {
			return err
		}
		now, uid := s.now(), a.ID
		res := tx.Model(&supervisionRow{}).Where("hazard_id = ? AND status = 'active'", id).
			Updates(map[string]any{"status": "lifted", "lifted_at": now, "lifted_by": uid, "lift_note": strings.TrimSpace(in.Note)})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return ErrNotSupervised
		}
		if err := audit.Record(ctx, tx, now, a.Actor, audit.Entry{Action: audit.HazardLift, EnterpriseID: h.EnterpriseID,
			TargetType: "hazard", TargetID: h.ID, TargetName: h.Code, Note: strings.TrimSpace(in.Note)}); err != nil {
			return err
		}
		return s.record(tx, a, h, ActLift, h.Status, h.Status, strings.TrimSpace(in.Note), nil, nil)
	})
	if err != nil {
		return Detail{}, err
	}
	return s.GetInRegion(ctx, regionPath, id)
}

func loadInRegion(tx *gorm.DB, regionPath string, id int64) (Hazard, error) {
	var h Hazard
	err := tx.Where("id = ? AND region_path LIKE ?", id, regionPath+"%").Take(&h).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return h, ErrNotFound
	}
	return h, err
}

// supervisionScan is a supervision with the names lists show. GORM's Scan does not fill unexported embedded
// structs, so the columns are spelled out.
type supervisionScan struct {
	ID, HazardID                int64
	Deadline, CreatedAt         time.Time
	Note, Status, LiftNote      string
	LiftedAt                    *time.Time
	RegionName, SupervisorName  string
	Code, Subject, HazardStatus string
}

const supervisionSelect = `v.id, v.hazard_id, v.deadline, v.created_at, v.note, v.status, v.lift_note, v.lifted_at, r.name AS region_name,
	COALESCE(u.display_name, '') AS supervisor_name, h.code, h.subject, h.status AS hazard_status`

func (s *Service) supervisionQuery(ctx context.Context) *gorm.DB {
	return s.db.WithContext(ctx).Table("supervisions v").Select(supervisionSelect).
		Joins("JOIN regions r ON r.id = v.region_id").Joins("LEFT JOIN users u ON u.id = v.supervisor_id").
		Joins("JOIN hazards h ON h.id = v.hazard_id")
}

func (s *Service) supervisions(ctx context.Context, hazardID int64) ([]Supervision, error) {
	var rows []supervisionScan
	if err := s.supervisionQuery(ctx).Where("v.hazard_id = ?", hazardID).Order("v.id DESC").Scan(&rows).Error; err != nil {
		return nil, err
	}
	out := make([]Supervision, 0, len(rows))
	for _, r := range rows {
		out = append(out, s.supervisionView(r))
	}
	return out, nil
}

func (s *Service) supervisionView(r supervisionScan) Supervision {
	return Supervision{ID: r.ID, HazardID: r.HazardID, RegionName: r.RegionName, SupervisorName: r.SupervisorName,
		Deadline: r.Deadline.In(clock.Business).Format(time.DateOnly), Note: r.Note, Status: r.Status, CreatedAt: r.CreatedAt,
		LiftedAt: r.LiftedAt, LiftNote: r.LiftNote, Overdue: r.Status == "active" && r.Deadline.Before(s.today())}
}

// SupervisedOpen lists the active supervisions of an enterprise's hazards, for its home page.
func (s *Service) SupervisedOpen(ctx context.Context, ent int64) ([]SupervisedHazard, error) {
	var rows []supervisionScan
	if err := s.supervisionQuery(ctx).Where("v.enterprise_id = ? AND v.status = 'active'", ent).Order("v.deadline, v.id").Scan(&rows).Error; err != nil {
		return nil, err
	}
	out := make([]SupervisedHazard, 0, len(rows))
	for _, r := range rows {
		out = append(out, SupervisedHazard{Supervision: s.supervisionView(r), Code: r.Code, Subject: r.Subject, HazardStatus: r.HazardStatus,
			HazardStatusName: StatusLabels[r.HazardStatus]})
	}
	return out, nil
}

// SupervisedHazard is an active supervision with the hazard it concerns.
type SupervisedHazard struct {
	Supervision
	Code             string `json:"code"`
	Subject          string `json:"subject"`
	HazardStatus     string `json:"hazard_status"`
	HazardStatusName string `json:"hazard_status_name"`
} // @name SupervisedHazard
