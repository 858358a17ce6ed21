package stats

import (
	"context"
	"fmt"
	"math"
	"sort"
	"strings"
	"time"

	"gorm.io/gorm"

	"yqyb/internal/org"
	"yqyb/internal/platform/apperr"
	"yqyb/internal/platform/clock"
	"yqyb/pkg/period"
)

// ErrOutside is returned for a region outside the caller's jurisdiction.
var ErrOutside = apperr.New(apperr.NotFound, "region_not_found", "区域不存在或不在本账号的辖区内")

// Range is the chosen period of a dashboard, [From, To) in the business calendar.
type Range struct {
	From time.Time
	To   time.Time
}

// DefaultRange is the current quarter up to now.
func DefaultRange(now time.Time) Range {
	q := period.Of(period.Quarterly, now, clock.Business)
	return Range{From: q.Start, To: q.End}
}

// HalfUsage is one half-month of the usage trend.
type HalfUsage struct {
	Key    string `json:"key" example:"2026-11-H2"`
	Label  string `json:"label" example:"2026年11月下半月"`
	Due    int    `json:"due"`
	OnTime int    `json:"on_time"`
	// Rate is on-time ÷ due in percent, one decimal; null when nothing was due (NothingDue).
	Rate *float64 `json:"rate" extensions:"x-nullable" minimum:"0" maximum:"100"`
	// NothingDue is true when no period was due (无应排查): there is no rate, not 0 %.
	NothingDue bool `json:"nothing_due"`
	// Live is true only for the half-month in progress; a finished one is its frozen snapshot.
	Live bool `json:"live"`
} // @name HalfUsage

func halfUsage(p period.Period, due, onTime int, live bool) HalfUsage {
	return HalfUsage{Key: p.Key, Label: p.Label(), Due: due, OnTime: onTime, Rate: ratePtr(onTime, due), NothingDue: due == 0, Live: live}
}

// LevelFigures are the hazards of one legal level found in the range.
type LevelFigures struct {
	Found  int `json:"found"`
	Closed int `json:"closed"`
	// RectificationRate is closed ÷ found (percent, one decimal; null when none were found).
	// 整改率，百分比（0–100，保留一位小数）。
	RectificationRate *float64 `json:"rectification_rate" extensions:"x-nullable" minimum:"0" maximum:"100"`
} // @name LevelFigures

// GradeCount is how many hazards of one enterprise grade code were found in the range.
type GradeCount struct {
	Grade string `json:"grade" example:"B"`
	Count int    `json:"count"`
} // @name GradeCount

// Figures are the statistics of a region (or an enterprise) for a range.
type Figures struct {
	Enterprises int `json:"enterprises"`
	Initialized int `json:"initialized"`
	SetupDone   int `json:"setup_complete"`
	// Completeness 为信息完备率，百分比（0–100，保留一位小数）。
	Completeness float64 `json:"completeness" minimum:"0" maximum:"100"`
	// Usage is the current half-month so far; UsageTrend the half-months ending in the range.
	Usage      HalfUsage   `json:"usage"`
	UsageTrend []HalfUsage `json:"usage_trend"`
	// InspectionRate is submitted ÷ due over the half-months in the range (snapshots, plus the current one
	// if it is in the range); null when nothing was due in them.
	InspectionRate *float64     `json:"inspection_rate" extensions:"x-nullable" minimum:"0" maximum:"100"`
	General        LevelFigures `json:"general"`
	Major          LevelFigures `json:"major"`
	ByGrade        []GradeCount `json:"by_grade"`
	OpenGeneral    int          `json:"open_general"`
	OpenMajor      int          `json:"open_major"`
	Overdue        int          `json:"overdue"`
} // @name Figures

// Child is a sub-region's roll-up.
type Child struct {
	RegionID    int64  `json:"region_id"`
	Name        string `json:"name"`
	Level       string `json:"level" enums:"district,street"`
	Enterprises int    `json:"enterprises"`
	// Completeness 为信息完备率，百分比（0–100，保留一位小数）。
	Completeness float64 `json:"completeness" minimum:"0" maximum:"100"`
	UsageDue     int     `json:"usage_due"`
	UsageOnTime  int     `json:"usage_on_time"`
	// UsageRate is the region's current half-month (on-time ÷ due over its enterprises); null when nothing
	// is due in the whole region (UsageNothingDue, 无应排查).
	UsageRate       *float64 `json:"usage_rate" extensions:"x-nullable" minimum:"0" maximum:"100"`
	UsageNothingDue bool     `json:"usage_nothing_due"`
	OpenMajor       int      `json:"open_major"`
	Overdue         int      `json:"overdue"`
} // @name RegionRollup

// Ranked is an enterprise in a ranking.
type Ranked struct {
	EnterpriseID int64  `json:"enterprise_id"`
	Name         string `json:"name"`
	RegionName   string `json:"region_name"`
	// UsageRate is the current half-month's; null when nothing is due (UsageNothingDue, 无应排查). Such an
	// enterprise is never in the lowest-usage ranking.
	UsageRate       *float64 `json:"usage_rate" extensions:"x-nullable" minimum:"0" maximum:"100"`
	UsageNothingDue bool     `json:"usage_nothing_due"`
	UsageDue        int      `json:"usage_due"`
	Completeness    float64  `json:"completeness"`
	Overdue         int      `json:"overdue"`
	OpenMajor       int      `json:"open_major"`
	// UsageHalf is the half-month the refreshed usage columns are of.
	UsageHalf string `json:"-"`
} // @name RankedEnterprise

// MajorOpen is an open major hazard as the dashboard lists it.
type MajorOpen struct {
	HazardID       int64      `json:"hazard_id"`
	Code           string     `json:"code"`
	EnterpriseID   int64      `json:"enterprise_id"`
	EnterpriseName string     `json:"enterprise_name"`
	Subject        string     `json:"subject"`
	Status         string     `json:"status"`
	FoundAt        time.Time  `json:"found_at" format:"date-time"`
	Deadline       *time.Time `json:"deadline" format:"date-time" extensions:"x-nullable"`
	HasPlan        bool       `json:"has_plan"`
	Supervised     bool       `json:"supervised"`
} // @name OpenMajorHazard

// Dashboard is a region's dashboard.
type Dashboard struct {
	Region         org.Region   `json:"region"`
	Path           []org.Region `json:"path"`
	From           time.Time    `json:"from" format:"date-time"`
	To             time.Time    `json:"to" format:"date-time"`
	ComputedAt     *time.Time   `json:"computed_at" format:"date-time" extensions:"x-nullable"`
	Figures        Figures      `json:"figures"`
	Children       []Child      `json:"children"`
	LowestUsage    []Ranked     `json:"lowest_usage"`
	LowestComplete []Ranked     `json:"lowest_completeness"`
	MostOverdue    []Ranked     `json:"most_overdue"`
	NeverStarted   []Ranked     `json:"never_initialized"`
	OpenMajors     []MajorOpen  `json:"open_major_hazards"`
	// Reports is how many enterprises signed the hazard statistics report of the last quarter.
	Reports ReportStatus `json:"reports"`
	Freshness
} // @name Dashboard

// RegionIn loads a region within a jurisdiction (a regulator sees its region and everything below).
// It reads the primary: one row by key, and a region just created is found at once.
func (s *Service) RegionIn(ctx context.Context, jurisdiction string, id int64) (org.Region, error) {
	r, err := org.RegionByID(ctx, s.db, id)
	if err != nil || len(r.Path) < len(jurisdiction) || r.Path[:len(jurisdiction)] != jurisdiction {
		return org.Region{}, ErrOutside
	}
	return r, nil
}

func rate(num, den int) float64 {
	if den == 0 {
		return 0
	}
	return math.Round(float64(num)/float64(den)*1000) / 10
}

// pathPattern is the LIKE pattern of a region and everything below it, written into the SQL text instead of
// bound as a parameter. The driver prepares statements, and after five runs PostgreSQL may switch a prepared
// statement to its generic plan, which cannot use the prefix indexes for "region_path LIKE $1": at city scale
// (yqyb generate, BenchmarkStreetDashboard) the hazard figures then scanned all 2,000,000 hazards, 0.5-1 s
// for any region, where the region's index range takes milliseconds. A path holds only digits and slashes;
// anything else is bound as before.
func pathPattern(path string) any {
	for _, c := range path {
		if c != '/' && (c < '0' || c > '9') {
			return path + "%"
		}
	}
	return gorm.Expr("'" + path + "%'")
}

// RegionDashboard computes a region's dashboard for a range.
func (s *Service) RegionDashboard(ctx context.Context, region org.Region, r Range) (Dashboard, error) {
	return onReplica(ctx, s, func(s *Service, fresh Freshness) (Dashboard, error) { return s.regionDashboard(ctx, region, r, fresh) })
}

func (s *Service) regionDashboard(ctx context.Context, region org.Region, r Range, fresh Freshness) (Dashboard, error) {
	db := s.read.WithContext(ctx)
	d := Dashboard{Region: region, From: r.From, To: r.To, Path: []org.Region{}, Children: []Child{}, Freshness: fresh}
	regions, err := org.RegionsAround(ctx, s.read, region)
	if err != nil {
		return d, err
	}
	byID := map[int64]org.Region{region.ID: region}
	for _, x := range regions {
		byID[x.ID] = x
	}
	for p := region.ParentID; p != nil; p = byID[*p].ParentID {
		d.Path = append([]org.Region{byID[*p]}, d.Path...)
	}
	prefix := pathPattern(region.Path)
	// The usage columns of enterprise_stats count only while they are of the half-month in progress: until
	// the refresh after a half-month ends, a row still holds the finished one's figures, which are its
	// snapshot's now.
	cur := period.Of(period.HalfMonthly, s.clk.Now(), clock.Business)

	var agg struct {
		N, Init, Done    int
		Comp             float64
		Due, OnTime      int
		OpenG, OpenM, Od int
		ComputedAt       *time.Time
	}
	if err := db.Raw(`SELECT COUNT(*) AS n, COALESCE(SUM(CASE WHEN initialized THEN 1 ELSE 0 END), 0) AS init,
			COALESCE(SUM(CASE WHEN setup_complete THEN 1 ELSE 0 END), 0) AS done, COALESCE(AVG(completeness), 0) AS comp,
			COALESCE(SUM(CASE WHEN usage_half = ? THEN usage_due ELSE 0 END), 0) AS due,
			COALESCE(SUM(CASE WHEN usage_half = ? THEN usage_on_time ELSE 0 END), 0) AS on_time, COALESCE(SUM(open_general), 0) AS open_g,
			COALESCE(SUM(open_major), 0) AS open_m, COALESCE(SUM(overdue), 0) AS od
		FROM enterprise_stats WHERE region_path LIKE ?`, cur.Key, cur.Key, prefix).Scan(&agg).Error; err != nil {
		return d, err
	}
	// The oldest refresh in the region, read as a plain column: SQLite returns an aggregate's time as text.
	var oldest []time.Time
	if err := db.Table("enterprise_stats").Where("region_path LIKE ?", prefix).Order("computed_at").Limit(1).Pluck("computed_at", &oldest).Error; err != nil {
		return d, err
	}
	if len(oldest) > 0 {
		agg.ComputedAt = &oldest[0]
	}
	f := &d.Figures
	f.Enterprises, f.Initialized, f.SetupDone, f.Completeness = agg.N, agg.Init, agg.Done, math.Round(agg.Comp*10)/10
	f.Usage = halfUsage(cur, agg.Due, agg.OnTime, true)
	f.OpenGeneral, f.OpenMajor, f.Overdue = agg.OpenG, agg.OpenM, agg.Od
	d.ComputedAt = agg.ComputedAt

	if err := s.snapshotsTaken(ctx); err != nil {
		return d, err
	}
	trend, err := s.trend(ctx, s.read, "region_path LIKE ?", prefix, r, cur, f.Usage)
	if err != nil {
		return d, err
	}
	f.UsageTrend, f.InspectionRate = trend, trendRate(trend)
	if err := s.regionHazardFigures(ctx, prefix, r, f); err != nil {
		return d, err
	}

	// Roll-ups by the next level down.
	childCol, level := "district_id", "district"
	if region.Level == "district" {
		childCol, level = "street_id", "street"
	}
	if region.Level != "street" {
		var rows []struct {
			ChildID                            *int64
			N, Due, OnTime, OpenMajor, Overdue int
			Comp                               float64
		}
		if err := db.Raw(`SELECT `+childCol+` AS child_id, COUNT(*) AS n, AVG(completeness) AS comp,
				SUM(CASE WHEN usage_half = ? THEN usage_due ELSE 0 END) AS due,
				SUM(CASE WHEN usage_half = ? THEN usage_on_time ELSE 0 END) AS on_time, SUM(open_major) AS open_major, SUM(overdue) AS overdue
			FROM enterprise_stats WHERE region_path LIKE ? GROUP BY `+childCol, cur.Key, cur.Key, prefix).Scan(&rows).Error; err != nil {
			return d, err
		}
		for _, c := range rows {
			ch := Child{Level: level, Enterprises: c.N, Completeness: math.Round(c.Comp*10) / 10, UsageDue: c.Due, UsageOnTime: c.OnTime,
				UsageRate: ratePtr(c.OnTime, c.Due), UsageNothingDue: c.Due == 0, OpenMajor: c.OpenMajor, Overdue: c.Overdue}
			if c.ChildID != nil {
				ch.RegionID, ch.Name = *c.ChildID, byID[*c.ChildID].Name
			} else {
				ch.RegionID, ch.Name, ch.Level = region.ID, region.Name+"（直属）", region.Level
			}
			d.Children = append(d.Children, ch)
		}
		sort.Slice(d.Children, func(i, j int) bool { return byID[d.Children[i].RegionID].Path < byID[d.Children[j].RegionID].Path })
	}

	// The four top-ten lists in one statement (each list is a subquery, so both databases accept its own
	// ORDER BY and LIMIT inside UNION ALL).
	lists := []struct {
		dst          *[]Ranked
		where, order string
		args         []any
	}{
		{&d.LowestUsage, "s.usage_half = ? AND s.usage_due > 0", "s.usage_rate, s.usage_due DESC, s.enterprise_id", []any{cur.Key}},
		{&d.LowestComplete, "1 = 1", "s.completeness, s.enterprise_id", nil},
		{&d.MostOverdue, "s.overdue > 0", "s.overdue DESC, s.enterprise_id", nil},
		{&d.NeverStarted, "NOT s.initialized", "s.enterprise_id", nil},
	}
	var parts []string
	var args []any
	for i, l := range lists {
		*l.dst = []Ranked{}
		parts = append(parts, fmt.Sprintf(`SELECT * FROM (SELECT %d AS list, ROW_NUMBER() OVER (ORDER BY %s) AS rn, s.enterprise_id, e.name,
				r.name AS region_name, s.usage_rate, s.usage_due, s.usage_half, s.completeness, s.overdue, s.open_major
			FROM enterprise_stats s JOIN enterprises e ON e.id = s.enterprise_id JOIN regions r ON r.id = e.region_id
			WHERE s.region_path LIKE ? AND %s ORDER BY %s LIMIT 10) l%d`, i, l.order, l.where, l.order, i))
		args = append(append(args, prefix), l.args...)
	}
	var ranked []struct {
		List int
		Ranked
	}
	if err := db.Raw(strings.Join(parts, " UNION ALL ")+" ORDER BY list, rn", args...).Scan(&ranked).Error; err != nil {
		return d, err
	}
	for _, x := range ranked {
		// Usage columns refreshed in a half-month that has ended are not the current one's.
		if x.UsageHalf != cur.Key {
			x.UsageDue = 0
		}
		if x.UsageDue == 0 {
			x.UsageRate, x.UsageNothingDue = nil, true
		}
		*lists[x.List].dst = append(*lists[x.List].dst, x.Ranked)
	}
	if d.OpenMajors, err = s.openMajors(ctx, "h.region_path LIKE ?", prefix); err != nil {
		return d, err
	}
	d.Reports, err = s.reportStatus(ctx, prefix)
	return d, err
}

// trend reads from db the snapshots of the half-months ending in the range and adds the current one if it
// is in it.
func (s *Service) trend(ctx context.Context, db *gorm.DB, where string, arg any, r Range, cur period.Period, live HalfUsage) ([]HalfUsage, error) {
	halves := period.EndingWithin(period.HalfMonthly, r.From, r.To, clock.Business)
	var keys []string
	for _, h := range halves {
		if !h.End.After(s.clk.Now()) {
			keys = append(keys, h.Key)
		}
	}
	sums := map[string][2]int{}
	if len(keys) > 0 {
		var rows []struct {
			HalfKey     string
			Due, OnTime int
		}
		if err := db.WithContext(ctx).Raw(`SELECT half_key, SUM(due) AS due, SUM(on_time) AS on_time FROM usage_snapshots
			WHERE half_key IN ? AND `+where+` GROUP BY half_key`, keys, arg).Scan(&rows).Error; err != nil {
			return nil, err
		}
		for _, x := range rows {
			sums[x.HalfKey] = [2]int{x.Due, x.OnTime}
		}
	}
	out := []HalfUsage{}
	for _, h := range halves {
		if h.Key == cur.Key {
			out = append(out, live)
			continue
		}
		if h.End.After(s.clk.Now()) {
			continue
		}
		v := sums[h.Key]
		out = append(out, halfUsage(h, v[0], v[1], false))
	}
	// The current half-month also counts when the range contains it but it has not ended yet.
	if cur.Start.Before(r.To) && !cur.End.Before(r.From) && (len(out) == 0 || out[len(out)-1].Key != cur.Key) && cur.End.After(r.To) {
		out = append(out, live)
	}
	return out, nil
}

func trendRate(t []HalfUsage) *float64 {
	due, on := 0, 0
	for _, h := range t {
		due, on = due+h.Due, on+h.OnTime
	}
	return ratePtr(on, due)
}

// hazardFigures counts the hazards found in the range by legal level and grade, from the hazards
// themselves: an enterprise's own live figures.
func (s *Service) hazardFigures(ctx context.Context, where string, arg any, r Range, f *Figures) error {
	var rows []hazardCount
	if err := s.read.WithContext(ctx).Raw(`SELECT legal_level, grade_code, COUNT(*) AS found,
			SUM(CASE WHEN status = 'closed' THEN 1 ELSE 0 END) AS closed
		FROM hazards WHERE `+where+` AND found_at >= ? AND found_at < ? GROUP BY legal_level, grade_code`,
		arg, r.From.UTC(), r.To.UTC()).Scan(&rows).Error; err != nil {
		return err
	}
	addHazardFigures(f, rows)
	return nil
}

type hazardCount struct {
	LegalLevel string
	GradeCode  string
	Found      int
	Closed     int
}

// regionHazardFigures are hazardFigures for a region, summed from the per-day counts the refresh keeps
// (hazard_day_counts): a range is whole business days.
func (s *Service) regionHazardFigures(ctx context.Context, prefix any, r Range, f *Figures) error {
	var rows []hazardCount
	if err := s.read.WithContext(ctx).Raw(`SELECT legal_level, grade_code, SUM(found) AS found, SUM(closed) AS closed
		FROM hazard_day_counts WHERE region_path LIKE ? AND day >= ? AND day < ? GROUP BY legal_level, grade_code`,
		prefix, dayKey(r.From), dayKey(r.To)).Scan(&rows).Error; err != nil {
		return err
	}
	addHazardFigures(f, rows)
	return nil
}

func addHazardFigures(f *Figures, rows []hazardCount) {
	grades := map[string]int{}
	for _, x := range rows {
		lf := &f.General
		if x.LegalLevel == "major" {
			lf = &f.Major
		}
		lf.Found += x.Found
		lf.Closed += x.Closed
		grades[x.GradeCode] += x.Found
	}
	f.General.RectificationRate = ratePtr(f.General.Closed, f.General.Found)
	f.Major.RectificationRate = ratePtr(f.Major.Closed, f.Major.Found)
	f.ByGrade = []GradeCount{}
	for g, n := range grades {
		f.ByGrade = append(f.ByGrade, GradeCount{Grade: g, Count: n})
	}
	sort.Slice(f.ByGrade, func(i, j int) bool { return f.ByGrade[i].Grade < f.ByGrade[j].Grade })
}

func (s *Service) openMajors(ctx context.Context, where string, arg any) ([]MajorOpen, error) {
	out := []MajorOpen{}
	err := s.read.WithContext(ctx).Table("hazards h").Select(`h.id AS hazard_id, h.code, h.enterprise_id, e.name AS enterprise_name, h.subject,
			h.status, h.found_at, h.deadline, h.plan IS NOT NULL AS has_plan,
			EXISTS (SELECT 1 FROM supervisions v WHERE v.hazard_id = h.id AND v.status = 'active') AS supervised`).
		Joins("JOIN enterprises e ON e.id = h.enterprise_id").
		Where(where, arg).Where("h.legal_level = 'major' AND h.status <> 'closed'").Order("h.deadline, h.id").Limit(50).Scan(&out).Error
	return out, err
}

// EnterpriseSummary is one enterprise's own figures: what its home page shows and what a regulator
// drills down to.
type EnterpriseSummary struct {
	EnterpriseID   int64       `json:"enterprise_id"`
	EnterpriseName string      `json:"enterprise_name"`
	RegionName     string      `json:"region_name"`
	From           time.Time   `json:"from" format:"date-time"`
	To             time.Time   `json:"to" format:"date-time"`
	Figures        Figures     `json:"figures"`
	OpenMajors     []MajorOpen `json:"open_major_hazards"`
	Freshness
} // @name EnterpriseSummary

// Enterprise computes one enterprise's summary; its current figures are exact (computed now), not the
// job's.
func (s *Service) Enterprise(ctx context.Context, ent int64, r Range) (EnterpriseSummary, error) {
	return onReplica(ctx, s, func(s *Service, fresh Freshness) (EnterpriseSummary, error) { return s.enterprise(ctx, ent, r, fresh) })
}

func (s *Service) enterprise(ctx context.Context, ent int64, r Range, fresh Freshness) (EnterpriseSummary, error) {
	out := EnterpriseSummary{EnterpriseID: ent, From: r.From, To: r.To, Freshness: fresh}
	e, err := org.EnterpriseByID(ctx, s.read, ent)
	if err != nil {
		return out, err
	}
	out.EnterpriseName = e.Name
	reg, err := org.RegionByID(ctx, s.read, e.RegionID)
	if err != nil {
		return out, err
	}
	out.RegionName = reg.Name
	now := s.clk.Now()
	cur := period.Of(period.HalfMonthly, now, clock.Business)
	usage, err := usageCounts(ctx, s.read, []int64{ent}, cur, now)
	if err != nil {
		return out, err
	}
	sums, err := s.setup.Summaries(ctx, []int64{ent})
	if err != nil {
		return out, err
	}
	f := &out.Figures
	u := usage[ent]
	f.Enterprises, f.Completeness, f.SetupDone = 1, sums[ent].Completeness, b2i(sums[ent].Complete)
	f.Usage = halfUsage(cur, u.Due, u.OnTime, true)
	var n int64
	if err := s.read.WithContext(ctx).Table("departments").Where("enterprise_id = ?", ent).Count(&n).Error; err != nil {
		return out, err
	}
	f.Initialized = b2i(n > 0)
	// Its finished half-months from their snapshots, taken now if the job has not reached it yet (then read
	// back from the primary).
	trendDB := s.read
	if froze, err := s.freezeMissing(ctx, ent, r); err != nil {
		return out, err
	} else if froze {
		trendDB = s.db
	}
	if f.UsageTrend, err = s.trend(ctx, trendDB, "enterprise_id = ?", ent, r, cur, f.Usage); err != nil {
		return out, err
	}
	f.InspectionRate = trendRate(f.UsageTrend)
	if err := s.hazardFigures(ctx, "enterprise_id = ?", ent, r, f); err != nil {
		return out, err
	}
	open, err := openHazards(ctx, s.read, []int64{ent}, clock.BusinessDate(now).UTC())
	if err != nil {
		return out, err
	}
	f.OpenGeneral, f.OpenMajor, f.Overdue = open[ent][0], open[ent][1], open[ent][2]
	out.OpenMajors, err = s.openMajors(ctx, "h.enterprise_id = ?", ent)
	return out, err
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// Current is an enterprise's figures as the last refresh left them.
type Current struct {
	// UsageRate is the current half-month's; null when nothing is due (UsageNothingDue, 无应排查).
	UsageRate       *float64   `json:"usage_rate" extensions:"x-nullable" minimum:"0" maximum:"100"`
	UsageNothingDue bool       `json:"usage_nothing_due"`
	UsageDue        int        `json:"usage_due"`
	UsageOnTime     int        `json:"usage_on_time"`
	Completeness    float64    `json:"completeness"`
	OpenGeneral     int        `json:"open_general"`
	OpenMajor       int        `json:"open_major"`
	Overdue         int        `json:"overdue"`
	ComputedAt      *time.Time `json:"computed_at" format:"date-time" extensions:"x-nullable"`
} // @name CurrentFigures

// CurrentOf reads the refreshed figures of the given enterprises (missing ones have none yet).
func (s *Service) CurrentOf(ctx context.Context, ids []int64) (map[int64]Current, error) {
	out := make(map[int64]Current, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	var rows []statsRow
	if err := s.read.WithContext(ctx).Where("enterprise_id IN ?", ids).Find(&rows).Error; err != nil {
		return nil, err
	}
	cur := period.Of(period.HalfMonthly, s.clk.Now(), clock.Business).Key
	for _, r := range rows {
		at := r.ComputedAt
		c := Current{Completeness: r.Completeness, OpenGeneral: r.OpenGeneral, OpenMajor: r.OpenMajor, Overdue: r.Overdue, ComputedAt: &at}
		// A row refreshed in a half-month that has since ended holds no figures of the current one yet.
		if r.UsageHalf == cur {
			c.UsageDue, c.UsageOnTime = r.UsageDue, r.UsageOnTime
		}
		c.UsageRate, c.UsageNothingDue = ratePtr(c.UsageOnTime, c.UsageDue), c.UsageDue == 0
		out[r.EnterpriseID] = c
	}
	return out, nil
}

// PeriodInspections are the inspections of an enterprise's current half-month: submitted, missed (a
// reporting period ended without a submission) and still open (the current period not yet submitted).
type PeriodInspections struct {
	Half   HalfUsage `json:"half"`
	Done   int       `json:"done"`
	Missed int       `json:"missed"`
	Open   int       `json:"open"`
} // @name PeriodInspections

// Inspections counts the current half-month's inspections of an enterprise.
func (s *Service) Inspections(ctx context.Context, ent int64) (PeriodInspections, error) {
	now := s.clk.Now()
	half := period.Of(period.HalfMonthly, now, clock.Business)
	usage, err := usageCounts(ctx, s.read, []int64{ent}, half, now)
	if err != nil {
		return PeriodInspections{}, err
	}
	u := usage[ent]
	out := PeriodInspections{Half: halfUsage(half, u.Due, u.OnTime, true),
		Done: u.OnTime, Missed: u.Due - u.OnTime}
	// Open: active checklists whose current reporting period has no submission yet.
	// The periods' ends too: the partition key of inspections (migration 0024), so that the lookups read
	// only the partitions of the current periods.
	var cases []string
	var args []any
	var ends []time.Time
	for _, f := range period.Frequencies {
		p := period.Of(f, now, clock.Business)
		cases = append(cases, "WHEN ? THEN ?")
		args = append(args, string(f), p.Key)
		ends = append(ends, p.End.UTC())
	}
	var n int64
	err = s.read.WithContext(ctx).Raw(`SELECT COUNT(*) FROM checklists c JOIN posts p ON p.id = c.post_id
		WHERE c.enterprise_id = ? AND c.status = 'active' AND p.status = 'active' AND NOT EXISTS (SELECT 1 FROM inspections i
			WHERE i.checklist_id = c.id AND i.status = 'submitted' AND i.period_key = CASE c.frequency `+strings.Join(cases, " ")+` END
				AND i.period_end IN ?)`,
		append(append([]any{ent}, args...), ends)...).Scan(&n).Error
	out.Open = int(n)
	return out, err
}
