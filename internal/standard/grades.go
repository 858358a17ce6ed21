package standard

import (
	"context"
	"errors"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"yqyb/internal/audit"
	"yqyb/internal/platform/apperr"
)

// Legal levels (管理级): the two grades of the national rules.
const (
	LegalGeneral = "general" // 一般隐患
	LegalMajor   = "major"   // 重大隐患
)

// LegalLabel names a legal level.
func LegalLabel(l string) string {
	if l == LegalMajor {
		return "重大隐患"
	}
	return "一般隐患"
}

// Grade is one grade of an enterprise's scheme (FAQ 14).
type Grade struct {
	ID           int64     `json:"id"`
	EnterpriseID int64     `json:"-"`
	Code         string    `json:"code" example:"A"`
	Name         string    `json:"name" example:"A级"`
	LegalLevel   string    `json:"legal_level" enums:"general,major"`
	Description  string    `json:"description"`
	SortOrder    int       `json:"sort_order"`
	CreatedAt    time.Time `json:"-"`
	UpdatedAt    time.Time `json:"-"`
	// Items counts the standard items graded with it.
	Items int64 `json:"items" gorm:"->;-:migration"`
} // @name HazardGrade

func (Grade) TableName() string { return "hazard_grades" }

// Errors of grade schemes.
var (
	ErrGradeNotFound = apperr.New(apperr.NotFound, "hazard_grade_not_found", "隐患等级不存在")
	ErrGradeTaken    = apperr.New(apperr.Conflict, "hazard_grade_taken", "等级代码已存在")
	ErrGradeInUse    = apperr.New(apperr.Conflict, "hazard_grade_in_use", "该等级已被标准条目或隐患使用，不能删除；请先改用其他等级")
	ErrLastGrade     = apperr.New(apperr.Conflict, "hazard_grade_last", "至少保留一个隐患等级")
)

// defaultGrades is the scheme an enterprise starts with: A is the most severe and maps to 重大隐患.
var defaultGrades = []Grade{
	{Code: "A", Name: "A级", LegalLevel: LegalMajor, Description: "可能导致群死群伤或重大损失，须局部或全部停产停业整改"},
	{Code: "B", Name: "B级", LegalLevel: LegalGeneral, Description: "危害较大，须限期整改"},
	{Code: "C", Name: "C级", LegalLevel: LegalGeneral, Description: "危害一般，立即或限期整改"},
	{Code: "D", Name: "D级", LegalLevel: LegalGeneral, Description: "危害轻微，当场整改"},
}

// Levels maps each grade code of an enterprise's scheme to the legal level it stands for.
type Levels map[string]string

// LegalLevels reads an enterprise's grade scheme, first giving it the default one if it has none yet: an
// enterprise that never opened 隐患等级 still grades its hazards A–D.
func LegalLevels(tx *gorm.DB, ent int64, now time.Time) (Levels, error) {
	l, err := levelsOf(tx, ent)
	if err != nil || len(l) > 0 {
		return l, err
	}
	if err := createDefaultGrades(tx, ent, now); err != nil {
		return nil, err
	}
	return levelsFrom(defaultGrades), nil
}

// levelsOf reads an enterprise's grade scheme as it is (empty when it has none).
func levelsOf(tx *gorm.DB, ent int64) (Levels, error) {
	var gs []Grade
	if err := tx.Select("code, legal_level").Where("enterprise_id = ?", ent).Find(&gs).Error; err != nil {
		return nil, err
	}
	return levelsFrom(gs), nil
}

func levelsFrom(gs []Grade) Levels {
	l := make(Levels, len(gs))
	for _, g := range gs {
		l[g.Code] = g.LegalLevel
	}
	return l
}

// Has tells whether code is a grade of the scheme.
func (l Levels) Has(code string) bool {
	_, ok := l[code]
	return ok
}

// Of is the legal level a hazard found against an item takes: 重大 when the item is a major-hazard
// criterion, whatever the grade; otherwise what the grade maps to.
func (l Levels) Of(gradeCode string, itemIsMajor bool) (string, error) {
	if itemIsMajor {
		return LegalMajor, nil
	}
	level, ok := l[gradeCode]
	if !ok {
		return "", ErrGradeUnknown.WithDetails(map[string]any{"grade": gradeCode})
	}
	return level, nil
}

// ensureGrades gives an enterprise the default scheme if it has none.
func ensureGrades(tx *gorm.DB, ent int64, now time.Time) error {
	var n int64
	if err := tx.Model(&Grade{}).Where("enterprise_id = ?", ent).Count(&n).Error; err != nil || n > 0 {
		return err
	}
	return createDefaultGrades(tx, ent, now)
}

// createDefaultGrades writes the default scheme for an enterprise that has none.
func createDefaultGrades(tx *gorm.DB, ent int64, now time.Time) error {
	gs := make([]Grade, len(defaultGrades))
	for i, g := range defaultGrades {
		g.EnterpriseID, g.SortOrder, g.CreatedAt, g.UpdatedAt = ent, i, now, now
		gs[i] = g
	}
	// Two first uses at once (two imports, or an import and the grade page) both find no scheme: the second
	// waits for the first one's rows and then adds nothing, instead of failing on the unique code.
	return tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&gs).Error
}

// GradeUsage counts, inside the deleting transaction, what refers to a grade outside this package
// (hazards); see WithGradeUsage.
type GradeUsage func(tx *gorm.DB, ent int64, code string) (int64, error)

// Grades lists the enterprise's scheme, creating the default one on first use.
func (s *Service) Grades(ctx context.Context, ent int64) ([]Grade, error) {
	db := s.db.WithContext(ctx)
	if err := ensureGrades(db, ent, s.now()); err != nil {
		return nil, err
	}
	out := []Grade{}
	err := db.Table("hazard_grades g").Select(`g.*,
			(SELECT COUNT(*) FROM standard_items i WHERE i.enterprise_id = g.enterprise_id AND i.grade_code = g.code AND i.deleted_at IS NULL) AS items`).
		Where("g.enterprise_id = ?", ent).Order("g.sort_order, g.id").Scan(&out).Error
	return out, err
}

// GradeInput is a grade as typed.
type GradeInput struct {
	Code        string `json:"code" label:"等级代码" validate:"required,max=10"`
	Name        string `json:"name" label:"等级名称" validate:"required,max=20"`
	LegalLevel  string `json:"legal_level" label:"对应管理级别" validate:"required,oneof=general major" enums:"general,major"`
	Description string `json:"description,omitempty" label:"说明" validate:"max=200"`
	SortOrder   int    `json:"sort_order,omitempty" label:"排序" validate:"gte=0,lte=1000"`
}

// CreateGrade adds a grade to the scheme.
func (s *Service) CreateGrade(ctx context.Context, a audit.Actor, ent int64, in GradeInput) (Grade, error) {
	g := Grade{EnterpriseID: ent, Code: strings.TrimSpace(in.Code), Name: strings.TrimSpace(in.Name), LegalLevel: in.LegalLevel,
		Description: strings.TrimSpace(in.Description), SortOrder: in.SortOrder, CreatedAt: s.now(), UpdatedAt: s.now()}
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := ensureGrades(tx, ent, s.now()); err != nil {
			return err
		}
		if err := tx.Create(&g).Error; err != nil {
			if errors.Is(err, gorm.ErrDuplicatedKey) {
				return ErrGradeTaken
			}
			return err
		}
		return s.audit(ctx, tx, a, ent, audit.GradeEdit, "hazard_grade", g.ID, g.Code, nil, in)
	})
	return g, err
}

// UpdateGrade renames a grade or maps it to the other legal level. The code stays: items and hazards refer
// to it.
func (s *Service) UpdateGrade(ctx context.Context, a audit.Actor, ent, id int64, in GradeInput) (Grade, error) {
	var g Grade
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Where("id = ? AND enterprise_id = ?", id, ent).Take(&g).Error; err != nil {
			if errors.Is(err, gorm.ErrRecordNotFound) {
				return ErrGradeNotFound
			}
			return err
		}
		before := g
		g.Name, g.LegalLevel, g.Description, g.SortOrder, g.UpdatedAt = strings.TrimSpace(in.Name), in.LegalLevel, strings.TrimSpace(in.Description), in.SortOrder, s.now()
		if err := tx.Model(&Grade{}).Where("id = ?", id).Updates(map[string]any{"name": g.Name, "legal_level": g.LegalLevel,
			"description": g.Description, "sort_order": g.SortOrder, "updated_at": g.UpdatedAt}).Error; err != nil {
			return err
		}
		return s.audit(ctx, tx, a, ent, audit.GradeEdit, "hazard_grade", id, g.Code,
			map[string]any{"name": before.Name, "legal_level": before.LegalLevel}, map[string]any{"name": g.Name, "legal_level": g.LegalLevel})
	})
	return g, err
}

// DeleteGrade removes a grade that neither the standard nor the usage counts the service was built with
// refer to; the scheme keeps at least one.
func (s *Service) DeleteGrade(ctx context.Context, a audit.Actor, ent, id int64) error {
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var g Grade
		if err := tx.Where("id = ? AND enterprise_id = ?", id, ent).Take(&g).Error; err != nil {
			if errors.Is(err, gorm.ErrRecordNotFound) {
				return ErrGradeNotFound
			}
			return err
		}
		var n int64
		if err := tx.Model(&Grade{}).Where("enterprise_id = ?", ent).Count(&n).Error; err != nil {
			return err
		}
		if n <= 1 {
			return ErrLastGrade
		}
		var used int64
		if err := tx.Model(&Item{}).Where("enterprise_id = ? AND grade_code = ? AND deleted_at IS NULL", ent, g.Code).Count(&used).Error; err != nil {
			return err
		}
		for _, u := range s.gradeUsage {
			m, err := u(tx, ent, g.Code)
			if err != nil {
				return err
			}
			used += m
		}
		if used > 0 {
			return ErrGradeInUse.WithDetails(map[string]any{"used": used})
		}
		if err := tx.Delete(&g).Error; err != nil {
			return err
		}
		return s.audit(ctx, tx, a, ent, audit.GradeEdit, "hazard_grade", id, g.Code, map[string]any{"code": g.Code, "name": g.Name}, map[string]any{"deleted": true})
	})
}
