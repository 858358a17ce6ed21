package stats

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"
	"gorm.io/gorm"

	"yqyb/internal/audit"
	"yqyb/internal/hazard"
	"yqyb/internal/org"
	"yqyb/internal/platform/apperr"
	"yqyb/internal/platform/clock"
	"yqyb/pkg/period"
)

// The quarterly and yearly hazard statistics report (隐患排查治理情况统计报表): by the national rule an
// enterprise reports its hazard figures for each quarter by the 15th of the following month, signed by its
// principal (主要负责人). The report is generated from the data; once signed, the signed figures are
// kept with the sign-off and shown from then on, so later edits cannot change what was signed.

// Errors of the report.
var (
	ErrReportPeriod = apperr.New(apperr.Invalid, "report_period_invalid", "报表期间应为季度（如 2026-Q3）或年度（如 2026）")
	ErrReportOpen   = apperr.New(apperr.Conflict, "report_period_open", "报表期间尚未结束，结束后方可签字确认")
	ErrReportSigned = apperr.New(apperr.Conflict, "report_already_signed", "该期报表已签字确认，不能重复签字")
	ErrReportFuture = apperr.New(apperr.Invalid, "report_period_future", "报表期间尚未开始")
)

// ReportLevel is one legal level's line of the report.
type ReportLevel struct {
	// Found is how many hazards of the level were found in the period.
	Found int `json:"found"`
	// Closed is how many of those were closed (销号) by the end of the period.
	Closed int `json:"closed"`
	// RectificationRate is Closed ÷ Found in percent, one decimal; null when none were found.
	// 整改率，百分比（0–100，保留一位小数）。
	RectificationRate *float64 `json:"rectification_rate" extensions:"x-nullable" minimum:"0" maximum:"100"`
	// OpenAtStart were found before the period and still open at its start (上期未整改).
	OpenAtStart int `json:"open_at_start"`
	// OpenAtEnd are open at the end of the period (or now, for a period not yet ended).
	OpenAtEnd int `json:"open_at_end"`
	// OverdueAtEnd are those of OpenAtEnd whose deadline had passed.
	OverdueAtEnd int `json:"overdue_at_end"`
} // @name ReportLevel

// ReportMajor is a major hazard found in the period, as the report lists it.
type ReportMajor struct {
	Code       string     `json:"code"`
	Subject    string     `json:"subject"`
	FoundAt    time.Time  `json:"found_at" format:"date-time"`
	Status     string     `json:"status"`
	Deadline   *time.Time `json:"deadline" format:"date-time" extensions:"x-nullable"`
	ClosedAt   *time.Time `json:"closed_at" format:"date-time" extensions:"x-nullable"`
	HasPlan    bool       `json:"has_plan"`
	Supervised bool       `json:"supervised"`
} // @name ReportMajor

// ReportFigures are the figures the report states.
type ReportFigures struct {
	General ReportLevel  `json:"general"`
	Major   ReportLevel  `json:"major"`
	ByGrade []GradeCount `json:"by_grade"`
	// MajorsWithPlan counts the majors found in the period that have a governance plan (治理方案).
	MajorsWithPlan int `json:"majors_with_plan"`
	// Funds is the rectification money of the hazards found in the period, in yuan.
	Funds float64 `json:"funds"`
	// InspectionsDue and InspectionsSubmitted are the checklist reporting periods ending in the period
	// (that have ended) and those submitted; InspectionRate their ratio (percent; null when none were due).
	InspectionsDue       int `json:"inspections_due"`
	InspectionsSubmitted int `json:"inspections_submitted"`
	// InspectionRate 为排查率，百分比（0–100，保留一位小数）。
	InspectionRate *float64      `json:"inspection_rate" extensions:"x-nullable" minimum:"0" maximum:"100"`
	Majors         []ReportMajor `json:"majors"`
} // @name ReportFigures

// Signoff is the principal's signature of a report.
type Signoff struct {
	SignerName   string    `json:"signer_name" example:"张三"`
	SignerTitle  string    `json:"signer_title" example:"总经理"`
	Note         string    `json:"note"`
	SignedByName string    `json:"signed_by_name"`
	SignedAt     time.Time `json:"signed_at" format:"date-time"`
	// Late is true when it was signed after the due date.
	Late bool `json:"late"`
} // @name ReportSignoff

// Report is an enterprise's hazard statistics report for a quarter or a year.
type Report struct {
	EnterpriseID   int64     `json:"enterprise_id"`
	EnterpriseName string    `json:"enterprise_name"`
	CreditCode     string    `json:"credit_code"`
	RegionName     string    `json:"region_name"`
	Period         string    `json:"period" example:"2026-Q3"`
	Kind           string    `json:"kind" enums:"quarterly,yearly"`
	Label          string    `json:"label" example:"2026年第三季度"`
	From           time.Time `json:"from" format:"date-time"`
	To             time.Time `json:"to" format:"date-time"`
	// DueDate is the 15th of the month after the period (Asia/Shanghai).
	DueDate string `json:"due_date" example:"2026-10-15"`
	// Ended is true once the period is over; only then can it be signed.
	Ended bool `json:"ended"`
	// Required is true when the enterprise was registered before the period ended and so owes this report;
	// an enterprise registered later may sign it, but is never overdue with it.
	Required    bool          `json:"required"`
	GeneratedAt time.Time     `json:"generated_at" format:"date-time"`
	Figures     ReportFigures `json:"figures"`
	Signoff     *Signoff      `json:"signoff" extensions:"x-nullable"`
	Freshness
} // @name HazardReport

// SignInput is the sign-off form.
type SignInput struct {
	SignerName  string `json:"signer_name" label:"签字人" validate:"required,max=50"`
	SignerTitle string `json:"signer_title" label:"职务" validate:"required,max=50"`
	Note        string `json:"note" label:"说明" validate:"max=500" binding:"optional"`
}

// ReportPeriod parses "2026-Q3" (quarter) or "2026" (year).
func ReportPeriod(key string) (period.Period, error) {
	if !reportKey.MatchString(key) {
		return period.Period{}, ErrReportPeriod
	}
	f := period.Yearly
	if strings.Contains(key, "-Q") {
		f = period.Quarterly
	}
	p, err := period.ParseKey(f, key, clock.Business)
	if err != nil {
		return p, ErrReportPeriod
	}
	return p, nil
}

var reportKey = regexp.MustCompile(`^\d{4}(-Q[1-4])?$`)

// DueDate is the 15th of the month after the period ends.
func DueDate(p period.Period) time.Time {
	e := p.End.In(clock.Business)
	return time.Date(e.Year(), e.Month(), 15, 0, 0, 0, 0, clock.Business)
}

// LastReportPeriod is the quarter whose report is due now or was due last: the previous quarter.
func LastReportPeriod(now time.Time) period.Period {
	return period.Of(period.Quarterly, now, clock.Business).Prev()
}

// OpeningPeriod is the period an enterprise's report opens on: the latest quarter it owes a report for
// (the previous quarter, if it was registered before that ended), otherwise the quarter in progress.
func OpeningPeriod(now, registered time.Time) period.Period {
	if p := LastReportPeriod(now); registered.Before(p.End) {
		return p
	}
	return period.Of(period.Quarterly, now, clock.Business)
}

// owes tells whether an enterprise registered at the given time owes the report of p.
func owes(registered time.Time, p period.Period) bool { return registered.Before(p.End) }

type signoffRow struct {
	ID           int64
	EnterpriseID int64
	PeriodKey    string
	SignerName   string
	SignerTitle  string
	Note         string
	Figures      *string
	SignedBy     int64
	SignedAt     time.Time
}

func (signoffRow) TableName() string { return "report_signoffs" }

// Report builds (or, once signed, reads back) an enterprise's report. An empty key is the period the
// report opens on (OpeningPeriod).
func (s *Service) Report(ctx context.Context, ent int64, key string) (Report, error) {
	return onReplica(ctx, s, func(s *Service, fresh Freshness) (Report, error) { return s.readReport(ctx, ent, key, fresh) })
}

func (s *Service) readReport(ctx context.Context, ent int64, key string, fresh Freshness) (Report, error) {
	if key == "" {
		e, err := org.EnterpriseByID(ctx, s.read, ent)
		if err != nil {
			return Report{}, err
		}
		key = OpeningPeriod(s.clk.Now(), e.CreatedAt).Key
	}
	r, err := s.report(ctx, s.read, ent, key)
	r.Freshness = fresh
	return r, err
}

// report reads the sign-off from db: the primary right after signing, since a replica may lag.
func (s *Service) report(ctx context.Context, db *gorm.DB, ent int64, key string) (Report, error) {
	p, err := ReportPeriod(key)
	if err != nil {
		return Report{}, err
	}
	if p.Start.After(s.clk.Now()) {
		return Report{}, ErrReportFuture
	}
	// Spelled out: GORM's Scan does not fill unexported embedded structs.
	var so struct {
		SignerName, SignerTitle, Note, SignedByName string
		Figures                                     *string
		SignedAt                                    time.Time
	}
	err = db.WithContext(ctx).Table("report_signoffs s").
		Select("s.signer_name, s.signer_title, s.note, s.figures, s.signed_at, COALESCE(u.display_name, '') AS signed_by_name").
		Joins("LEFT JOIN users u ON u.id = s.signed_by").Where("s.enterprise_id = ? AND s.period_key = ?", ent, p.Key).Take(&so).Error
	if err != nil && !errors.Is(err, gorm.ErrRecordNotFound) {
		return Report{}, err
	}
	if err == nil && so.Figures != nil {
		var r Report
		if json.Unmarshal([]byte(*so.Figures), &r) == nil {
			// Reports signed before "required" was recorded with them owe what their enterprise's registration says.
			if !r.Required {
				e, err := org.EnterpriseByID(ctx, s.read, ent)
				if err != nil {
					return Report{}, err
				}
				r.Required = owes(e.CreatedAt, p)
			}
			r.Signoff = &Signoff{SignerName: so.SignerName, SignerTitle: so.SignerTitle, Note: so.Note, SignedByName: so.SignedByName,
				SignedAt: so.SignedAt, Late: r.Required && so.SignedAt.After(DueDate(p).AddDate(0, 0, 1))}
			return r, nil
		}
	}
	return s.generate(ctx, ent, p)
}

func (s *Service) generate(ctx context.Context, ent int64, p period.Period) (Report, error) {
	now := s.clk.Now()
	e, err := org.EnterpriseByID(ctx, s.read, ent)
	if err != nil {
		return Report{}, err
	}
	r := Report{EnterpriseID: ent, EnterpriseName: e.Name, CreditCode: e.CreditCode, Period: p.Key, Kind: "yearly",
		Label: p.Label(), From: p.Start, To: p.End, DueDate: DueDate(p).Format(time.DateOnly), Ended: !now.Before(p.End), Required: owes(e.CreatedAt, p), GeneratedAt: now.UTC()}
	if p.Frequency == period.Quarterly {
		r.Kind = "quarterly"
	}
	db := s.read.WithContext(ctx)
	reg, err := org.RegionByID(ctx, db, e.RegionID)
	if err != nil {
		return r, err
	}
	r.RegionName = reg.Name
	end := p.End
	if now.Before(end) {
		end = now
	}
	from, to := p.Start.UTC(), end.UTC()
	var lv []struct {
		LegalLevel                        string
		Found, Closed, OpenStart, OpenEnd int
		OverdueEnd, WithPlan              int
		Funds                             float64
	}
	if err := db.Raw(`SELECT legal_level,
			SUM(CASE WHEN found_at >= ? AND found_at < ? THEN 1 ELSE 0 END) AS found,
			SUM(CASE WHEN found_at >= ? AND found_at < ? AND closed_at IS NOT NULL AND closed_at < ? THEN 1 ELSE 0 END) AS closed,
			SUM(CASE WHEN found_at < ? AND (closed_at IS NULL OR closed_at >= ?) THEN 1 ELSE 0 END) AS open_start,
			SUM(CASE WHEN found_at < ? AND (closed_at IS NULL OR closed_at >= ?) THEN 1 ELSE 0 END) AS open_end,
			SUM(CASE WHEN found_at < ? AND (closed_at IS NULL OR closed_at >= ?) AND deadline < ? THEN 1 ELSE 0 END) AS overdue_end,
			SUM(CASE WHEN found_at >= ? AND found_at < ? AND plan IS NOT NULL THEN 1 ELSE 0 END) AS with_plan,
			COALESCE(SUM(CASE WHEN found_at >= ? AND found_at < ? THEN funds ELSE 0 END), 0) AS funds
		FROM hazards WHERE enterprise_id = ? AND found_at < ? GROUP BY legal_level`,
		from, to, from, to, to, from, from, to, to, to, to, clock.BusinessDate(end).UTC(), from, to, from, to, ent, to).Scan(&lv).Error; err != nil {
		return r, err
	}
	f := &r.Figures
	for _, x := range lv {
		l := &f.General
		if x.LegalLevel == "major" {
			l = &f.Major
			f.MajorsWithPlan = x.WithPlan
		}
		l.Found, l.Closed, l.OpenAtStart, l.OpenAtEnd, l.OverdueAtEnd = x.Found, x.Closed, x.OpenStart, x.OpenEnd, x.OverdueEnd
		f.Funds += x.Funds
	}
	f.General.RectificationRate, f.Major.RectificationRate = ratePtr(f.General.Closed, f.General.Found), ratePtr(f.Major.Closed, f.Major.Found)
	var grades []GradeCount
	if err := db.Raw(`SELECT grade_code AS grade, COUNT(*) AS count FROM hazards WHERE enterprise_id = ? AND found_at >= ? AND found_at < ?
		GROUP BY grade_code ORDER BY grade_code`, ent, from, to).Scan(&grades).Error; err != nil {
		return r, err
	}
	f.ByGrade = append([]GradeCount{}, grades...)
	// The half-months of the period as every other page shows them: finished ones frozen, the current live.
	usage, err := s.usageOver(ctx, ent, p)
	if err != nil {
		return r, err
	}
	f.InspectionsDue, f.InspectionsSubmitted = usage.Due, usage.OnTime
	f.InspectionRate = ratePtr(f.InspectionsSubmitted, f.InspectionsDue)
	f.Majors = []ReportMajor{}
	if err := db.Table("hazards h").Select(`h.code, h.subject, h.found_at, h.status, h.deadline, h.closed_at, h.plan IS NOT NULL AS has_plan,
			EXISTS (SELECT 1 FROM supervisions v WHERE v.hazard_id = h.id) AS supervised`).
		Where("h.enterprise_id = ? AND h.legal_level = 'major' AND h.found_at >= ? AND h.found_at < ?", ent, from, to).
		Order("h.found_at, h.id").Scan(&f.Majors).Error; err != nil {
		return r, err
	}
	return r, nil
}

func ratePtr(num, den int) *float64 {
	if den == 0 {
		return nil
	}
	v := rate(num, den)
	return &v
}

// Sign records the principal's sign-off of an ended period's report, freezing its figures.
func (s *Service) Sign(ctx context.Context, a audit.Actor, ent int64, key string, in SignInput) (Report, error) {
	p, err := ReportPeriod(key)
	if err != nil {
		return Report{}, err
	}
	now := s.clk.Now()
	if now.Before(p.End) {
		return Report{}, ErrReportOpen
	}
	r, err := s.generate(ctx, ent, p)
	if err != nil {
		return Report{}, err
	}
	b, err := json.Marshal(r)
	if err != nil {
		return Report{}, err
	}
	fig := string(b)
	row := signoffRow{EnterpriseID: ent, PeriodKey: p.Key, SignerName: strings.TrimSpace(in.SignerName), SignerTitle: strings.TrimSpace(in.SignerTitle),
		Note: strings.TrimSpace(in.Note), Figures: &fig, SignedBy: a.ID, SignedAt: now.UTC()}
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Create(&row).Error; err != nil {
			return err
		}
		return audit.Record(ctx, tx, now, a, audit.Entry{Action: audit.ReportSign, EnterpriseID: ent, TargetType: "report", TargetID: row.ID,
			TargetName: r.Label, After: map[string]string{"signer_name": row.SignerName, "signer_title": row.SignerTitle}})
	})
	if err != nil {
		if errors.Is(err, gorm.ErrDuplicatedKey) {
			return Report{}, ErrReportSigned
		}
		return Report{}, err
	}
	r, err = s.report(ctx, s.db, ent, key)
	r.Freshness = Freshness{DataAsOf: s.clk.Now().UTC()}
	return r, err
}

// ReportStatus is how many enterprises of a region signed the report of a period. Only enterprises
// registered before the period ended owe it: they alone are counted, signed or not.
type ReportStatus struct {
	Period  string `json:"period" example:"2026-Q3"`
	Label   string `json:"label"`
	DueDate string `json:"due_date"`
	// Enterprises is how many enterprises of the region owe the report (registered before the period ended).
	Enterprises int `json:"enterprises"`
	// Signed and Late are how many of those signed it, and signed it after the due date.
	Signed int `json:"signed"`
	Late   int `json:"late"`
} // @name ReportStatus

// reportStatus counts the enterprises the region's dashboard counts (those with statistics) that owe the
// last quarter's report, and their sign-offs.
func (s *Service) reportStatus(ctx context.Context, prefix any) (ReportStatus, error) {
	p := LastReportPeriod(s.clk.Now())
	due := DueDate(p)
	st := ReportStatus{Period: p.Key, Label: p.Label(), DueDate: due.Format(time.DateOnly)}
	var c struct{ Owing, Signed, Late int }
	err := s.read.WithContext(ctx).Raw(`SELECT COUNT(*) AS owing, COALESCE(SUM(CASE WHEN s.id IS NOT NULL THEN 1 ELSE 0 END), 0) AS signed,
			COALESCE(SUM(CASE WHEN s.signed_at >= ? THEN 1 ELSE 0 END), 0) AS late
		FROM enterprise_stats st JOIN enterprises e ON e.id = st.enterprise_id
		LEFT JOIN report_signoffs s ON s.enterprise_id = e.id AND s.period_key = ?
		WHERE st.region_path LIKE ? AND e.created_at < ?`,
		due.AddDate(0, 0, 1).UTC(), p.Key, prefix, p.End.UTC()).Scan(&c).Error
	st.Enterprises, st.Signed, st.Late = c.Owing, c.Signed, c.Late
	return st, err
}

// Workbook writes the report as a one-sheet spreadsheet laid out like the paper form, ready to print.
func (r Report) Workbook() ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	const sh = "隐患统计报表"
	if err := f.SetSheetName("Sheet1", sh); err != nil {
		return nil, err
	}
	title, _ := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 16}, Alignment: &excelize.Alignment{Horizontal: "center"}})
	head, _ := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"EEF2F7"}},
		Border: borders(), Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true}})
	cell, _ := f.NewStyle(&excelize.Style{Border: borders(), Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true}})
	for col, w := range map[string]float64{"A": 16, "B": 22, "C": 14, "D": 14, "E": 14, "F": 14, "G": 14, "H": 14} {
		f.SetColWidth(sh, col, col, w)
	}
	row := 1
	put := func(vals ...any) {
		for i, v := range vals {
			c, _ := excelize.CoordinatesToCellName(i+1, row)
			f.SetCellValue(sh, c, v)
		}
		row++
	}
	f.MergeCell(sh, "A1", "H1")
	put(fmt.Sprintf("%s隐患排查治理情况统计报表", r.Label))
	f.SetCellStyle(sh, "A1", "H1", title)
	put("企业名称", r.EnterpriseName, "", "统一社会信用代码", r.CreditCode, "", "所属区域", r.RegionName)
	put("统计期间", fmt.Sprintf("%s 至 %s", r.From.In(clock.Business).Format(time.DateOnly), r.To.In(clock.Business).AddDate(0, 0, -1).Format(time.DateOnly)),
		"", "报送截止", r.DueDate, "", "生成时间", r.GeneratedAt.In(clock.Business).Format(time.DateTime))
	row++
	start := row
	put("管理级别", "本期排查数", "本期已整改", "整改率", "上期未整改", "期末未整改", "期末逾期", "")
	pct := func(p *float64) string {
		if p == nil {
			return "—"
		}
		return fmt.Sprintf("%.1f%%", *p)
	}
	for _, l := range []struct {
		name string
		v    ReportLevel
	}{{"一般隐患", r.Figures.General}, {"重大隐患", r.Figures.Major}} {
		put(l.name, l.v.Found, l.v.Closed, pct(l.v.RectificationRate), l.v.OpenAtStart, l.v.OpenAtEnd, l.v.OverdueAtEnd, "")
	}
	f.SetCellStyle(sh, fmt.Sprintf("A%d", start), fmt.Sprintf("G%d", start), head)
	f.SetCellStyle(sh, fmt.Sprintf("A%d", start+1), fmt.Sprintf("G%d", row-1), cell)
	row++
	put("重大隐患列入治理计划", r.Figures.MajorsWithPlan, "", "整改资金（元）", fmt.Sprintf("%.2f", r.Figures.Funds))
	put("应排查次数", r.Figures.InspectionsDue, "", "已排查次数", r.Figures.InspectionsSubmitted, "", "排查率", pct(r.Figures.InspectionRate))
	var grades []string
	for _, g := range r.Figures.ByGrade {
		grades = append(grades, fmt.Sprintf("%s：%d", g.Grade, g.Count))
	}
	put("按企业隐患等级", strings.Join(grades, "；"))
	row++
	put("本期重大隐患")
	hs := row
	put("隐患编号", "隐患名称", "发现日期", "状态", "整改期限", "销号日期", "治理方案", "督办")
	date := func(t *time.Time) string {
		if t == nil {
			return ""
		}
		return t.In(clock.Business).Format(time.DateOnly)
	}
	yes := map[bool]string{true: "有", false: "无"}
	sup := map[bool]string{true: "是", false: "否"}
	for _, m := range r.Figures.Majors {
		found := m.FoundAt
		put(m.Code, m.Subject, date(&found), hazard.StatusLabels[m.Status], date(m.Deadline), date(m.ClosedAt), yes[m.HasPlan], sup[m.Supervised])
	}
	if len(r.Figures.Majors) == 0 {
		put("本期无重大隐患")
	}
	f.SetCellStyle(sh, fmt.Sprintf("A%d", hs), fmt.Sprintf("H%d", hs), head)
	if row-1 > hs {
		f.SetCellStyle(sh, fmt.Sprintf("A%d", hs+1), fmt.Sprintf("H%d", row-1), cell)
	}
	row++
	if r.Signoff != nil {
		put("主要负责人签字", fmt.Sprintf("%s（%s）", r.Signoff.SignerName, r.Signoff.SignerTitle), "", "签字时间",
			r.Signoff.SignedAt.In(clock.Business).Format(time.DateTime), "", "说明", r.Signoff.Note)
	} else {
		put("主要负责人签字", "（未签字）", "", "签字日期", "")
	}
	f.SetPageLayout(sh, &excelize.PageLayoutOptions{Orientation: ptr("landscape"), FitToWidth: ptr(1)})
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func borders() []excelize.Border {
	var b []excelize.Border
	for _, t := range []string{"left", "right", "top", "bottom"} {
		b = append(b, excelize.Border{Type: t, Color: "999999", Style: 1})
	}
	return b
}

func ptr[T any](v T) *T { return &v }
