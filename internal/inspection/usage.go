package inspection

import (
	"context"
	"math"
	"time"

	"gorm.io/gorm"

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
//     count, so the live figure is the rate so far (Live is true only for that half-month);
//   - a finished half-month is read from its snapshot, frozen when it ended (internal/stats), so later
//     edits to the structure or the record never change it;
//   - with nothing due there is no rate (null, NothingDue: 无应排查), not 0 %: such a half-month is left out
//     of averages and rankings.
type Usage struct {
	Period PeriodView `json:"period"`
	Live   bool       `json:"live"`
	Due    int        `json:"due"`
	OnTime int        `json:"on_time"`
	// Rate is on-time ÷ due in percent, one decimal; null when nothing was due (NothingDue).
	Rate *float64 `json:"rate" example:"87.5" extensions:"x-nullable" minimum:"0" maximum:"100"`
	// NothingDue is true when no period was due (无应排查): there is no rate, not 0 %.
	NothingDue bool           `json:"nothing_due"`
	Missed     []MissedPeriod `json:"missed"`
} // @name UsageRate

// MissedPeriod is a due period that was not submitted.
type MissedPeriod struct {
	ChecklistID   int64  `json:"checklist_id"`
	ChecklistName string `json:"checklist_name"`
	PostName      string `json:"post_name"`
	PeriodKey     string `json:"period_key"`
	PeriodLabel   string `json:"period_label"`
} // @name MissedPeriod

// Tallied is one enterprise's usage counts for one half-month, with the due periods it missed.
type Tallied struct {
	Due    int
	OnTime int
	Missed []MissedPeriod
}

// RateOf is on-time ÷ due as a percentage with one decimal; 0 when nothing is due (the stored column of a
// snapshot; what the API shows is RatePtr).
func RateOf(onTime, due int) float64 {
	if due == 0 {
		return 0
	}
	return math.Round(float64(onTime)/float64(due)*1000) / 10
}

// RatePtr is RateOf, or nil when nothing is due.
func RatePtr(onTime, due int) *float64 {
	if due == 0 {
		return nil
	}
	r := RateOf(onTime, due)
	return &r
}

// ViewOf describes a period as the API shows it, with the seconds left at now.
func ViewOf(p period.Period, now time.Time) PeriodView {
	left := int64(p.End.Sub(now).Seconds())
	return PeriodView{Key: p.Key, Label: p.Label(), Start: p.Start, End: p.End, Deadline: p.Last(), SecondsLeft: max(left, 0)}
}

// Tally computes, by the rules of Usage, the counts of every enterprise in ids for the half-month half as
// they stand at now, in two queries. Enterprises with no checklists are absent from the map.
func Tally(ctx context.Context, db *gorm.DB, ids []int64, half period.Period, now time.Time) (map[int64]Tallied, error) {
	out := make(map[int64]Tallied, len(ids))
	if len(ids) == 0 || half.Start.After(now) {
		return out, nil
	}
	var lists []struct {
		ID           int64
		EnterpriseID int64
		Name         string
		Frequency    string
		CreatedAt    time.Time
		PostName     string
	}
	db = db.WithContext(ctx)
	if err := db.Table("checklists c").Select("c.id, c.enterprise_id, c.name, c.frequency, c.created_at, p.name AS post_name").
		Joins("JOIN posts p ON p.id = c.post_id").
		Where("c.enterprise_id IN ? AND c.status = 'active' AND p.status = 'active'", ids).Order("c.enterprise_id, c.id").Scan(&lists).Error; err != nil {
		return nil, err
	}
	if len(lists) == 0 {
		return out, nil
	}
	var submitted []struct {
		ChecklistID int64
		PeriodKey   string
	}
	if err := db.Table("inspections").Select("checklist_id, period_key").
		Where("enterprise_id IN ? AND status = 'submitted' AND period_end >= ? AND period_end <= ?", ids, EndsAfter(half.Start), half.End.UTC()).
		Scan(&submitted).Error; err != nil {
		return nil, err
	}
	type key struct {
		list int64
		p    string
	}
	done := map[key]bool{}
	for _, x := range submitted {
		done[key{x.ChecklistID, x.PeriodKey}] = true
	}
	ends := map[period.Frequency][]period.Period{}
	for _, l := range lists {
		f := period.Frequency(l.Frequency)
		ps, ok := ends[f]
		if !ok {
			ps = period.EndingWithin(f, half.Start, half.End, clock.Business)
			ends[f] = ps
		}
		u := out[l.EnterpriseID]
		if u.Missed == nil {
			u.Missed = []MissedPeriod{}
		}
		for _, p := range ps {
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
		out[l.EnterpriseID] = u
	}
	return out, nil
}
