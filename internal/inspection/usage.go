package inspection

import (
	"context"
	"math"
	"time"

	"yqyb/internal/platform/clock"
	"yqyb/pkg/period"
)

// Usage is the system usage rate (系统使用率, FAQ 4) of one enterprise for one half-month.
//
// It is computed twice a month, for the 1st–15th and for the 16th to the month's end, and starts again
// from zero each half-month. Periods due in a half-month are the periods of the enterprise's checklists
// whose last instant falls in it; the rate is the share of those submitted (submission is only possible
// while a period is open, so every submission is on time). Edge cases:
//   - a checklist created during a period: that period is due only if it was nevertheless submitted, so a
//     new checklist never lowers the rate for a period it could not fully cover;
//   - a disabled checklist, or a checklist of a disabled post, has no periods due;
//   - for the half-month in progress only periods that have already ended, or were already submitted,
//     count, so the live figure is the rate so far;
//   - with nothing due the rate is 0 (the figure starts from zero, FAQ 4).
type Usage struct {
	Period PeriodView `json:"period"`
	Live   bool       `json:"live"`
	Due    int        `json:"due"`
	OnTime int        `json:"on_time"`
	// Rate 为百分比（0–100，保留一位小数）。
	Rate   float64        `json:"rate" example:"87.5" minimum:"0" maximum:"100"`
	Missed []MissedPeriod `json:"missed"`
} // @name UsageRate

// MissedPeriod is a due period that was not submitted.
type MissedPeriod struct {
	ChecklistID   int64  `json:"checklist_id"`
	ChecklistName string `json:"checklist_name"`
	PostName      string `json:"post_name"`
	PeriodKey     string `json:"period_key"`
	PeriodLabel   string `json:"period_label"`
} // @name MissedPeriod

// Usage computes an enterprise's usage rate for the half-month containing at.
func (s *Service) Usage(ctx context.Context, ent int64, at time.Time) (Usage, error) {
	now := s.clk.Now()
	half := period.Of(period.HalfMonthly, at, clock.Business)
	u := Usage{Period: s.periodView(half), Live: half.Contains(now), Missed: []MissedPeriod{}}
	if half.Start.After(now) {
		return u, nil
	}
	var lists []struct {
		ID        int64
		Name      string
		Frequency string
		CreatedAt time.Time
		PostName  string
	}
	db := s.db.WithContext(ctx)
	if err := db.Table("checklists c").Select("c.id, c.name, c.frequency, c.created_at, p.name AS post_name").
		Joins("JOIN posts p ON p.id = c.post_id").
		Where("c.enterprise_id = ? AND c.status = 'active' AND p.status = 'active'", ent).Order("c.id").Scan(&lists).Error; err != nil {
		return u, err
	}
	var submitted []struct {
		ChecklistID int64
		PeriodKey   string
	}
	if err := db.Table("inspections").Select("checklist_id, period_key").
		Where("enterprise_id = ? AND status = 'submitted' AND period_end > ? AND period_end <= ?", ent, half.Start.UTC(), half.End.UTC()).
		Scan(&submitted).Error; err != nil {
		return u, err
	}
	type key struct {
		list int64
		p    string
	}
	done := map[key]bool{}
	for _, x := range submitted {
		done[key{x.ChecklistID, x.PeriodKey}] = true
	}
	for _, l := range lists {
		for _, p := range period.EndingWithin(period.Frequency(l.Frequency), half.Start, half.End, clock.Business) {
			ok := done[key{l.ID, p.Key}]
			if !ok && p.End.After(now) {
				continue // still open and not yet submitted: not due yet
			}
			if !ok && !l.CreatedAt.Before(p.Start) {
				continue // created during the period and not submitted: not held against the enterprise
			}
			u.Due++
			if ok {
				u.OnTime++
			} else {
				u.Missed = append(u.Missed, MissedPeriod{ChecklistID: l.ID, ChecklistName: l.Name, PostName: l.PostName, PeriodKey: p.Key, PeriodLabel: p.Label()})
			}
		}
	}
	if u.Due > 0 {
		u.Rate = math.Round(float64(u.OnTime)/float64(u.Due)*1000) / 10
	}
	return u, nil
}
