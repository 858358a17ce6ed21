package period

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Period is one reporting window of a frequency: open from Start (inclusive) to End (exclusive), in the
// calendar of a time zone. An inspection belongs to exactly one period and can be submitted only while it
// is open; a period that has ended cannot be back-filled (FAQ 18).
type Period struct {
	Frequency Frequency
	Start     time.Time // first instant
	End       time.Time // first instant of the next period
	Key       string    // stable name: 2026-11-28, 2026-W48, 2026-11-H2, 2026-11, 2026-Q4, 2026
}

// Of returns the period of frequency f that contains t, in the calendar of loc.
func Of(f Frequency, t time.Time, loc *time.Location) Period {
	t = t.In(loc)
	y, m, d := t.Date()
	var start, end time.Time
	switch f {
	case Daily:
		start = time.Date(y, m, d, 0, 0, 0, 0, loc)
		end = start.AddDate(0, 0, 1)
	case Weekly:
		// Weeks run Monday to Sunday.
		offset := (int(t.Weekday()) + 6) % 7
		start = time.Date(y, m, d-offset, 0, 0, 0, 0, loc)
		end = start.AddDate(0, 0, 7)
	case HalfMonthly:
		if d <= 15 {
			start = time.Date(y, m, 1, 0, 0, 0, 0, loc)
			end = time.Date(y, m, 16, 0, 0, 0, 0, loc)
		} else {
			start = time.Date(y, m, 16, 0, 0, 0, 0, loc)
			end = time.Date(y, m+1, 1, 0, 0, 0, 0, loc)
		}
	case Monthly:
		start = time.Date(y, m, 1, 0, 0, 0, 0, loc)
		end = start.AddDate(0, 1, 0)
	case Quarterly:
		q := (int(m) - 1) / 3
		start = time.Date(y, time.Month(q*3+1), 1, 0, 0, 0, 0, loc)
		end = start.AddDate(0, 3, 0)
	case Yearly:
		start = time.Date(y, 1, 1, 0, 0, 0, 0, loc)
		end = start.AddDate(1, 0, 0)
	default:
		panic("period: unknown frequency " + string(f))
	}
	return Period{Frequency: f, Start: start, End: end, Key: key(f, start)}
}

func key(f Frequency, start time.Time) string {
	switch f {
	case Daily:
		return start.Format("2006-01-02")
	case Weekly:
		y, w := start.ISOWeek()
		return fmt.Sprintf("%d-W%02d", y, w)
	case HalfMonthly:
		half := 1
		if start.Day() > 15 {
			half = 2
		}
		return fmt.Sprintf("%s-H%d", start.Format("2006-01"), half)
	case Monthly:
		return start.Format("2006-01")
	case Quarterly:
		return fmt.Sprintf("%d-Q%d", start.Year(), (int(start.Month())-1)/3+1)
	}
	return strconv.Itoa(start.Year())
}

// Contains reports whether t falls in the period.
func (p Period) Contains(t time.Time) bool { return !t.Before(p.Start) && t.Before(p.End) }

// Last is the last instant of the period that a clock with one-second resolution shows.
func (p Period) Last() time.Time { return p.End.Add(-time.Second) }

// Next returns the following period.
func (p Period) Next() Period { return Of(p.Frequency, p.End, p.Start.Location()) }

// Prev returns the preceding period.
func (p Period) Prev() Period {
	return Of(p.Frequency, p.Start.Add(-time.Nanosecond), p.Start.Location())
}

var quarterNames = []string{"第一季度", "第二季度", "第三季度", "第四季度"}

// Label is the period's Chinese name, e.g. 2026年11月下半月.
func (p Period) Label() string {
	s := p.Start
	switch p.Frequency {
	case Daily:
		return s.Format("2006年1月2日")
	case Weekly:
		last := p.End.AddDate(0, 0, -1)
		_, w := s.ISOWeek()
		return fmt.Sprintf("%d年第%d周（%d月%d日—%d月%d日）", s.Year(), w, s.Month(), s.Day(), last.Month(), last.Day())
	case HalfMonthly:
		if s.Day() == 1 {
			return s.Format("2006年1月上半月")
		}
		return s.Format("2006年1月下半月")
	case Monthly:
		return s.Format("2006年1月")
	case Quarterly:
		return fmt.Sprintf("%d年%s", s.Year(), quarterNames[(int(s.Month())-1)/3])
	}
	return fmt.Sprintf("%d年", s.Year())
}

// Parse reads a period key back.
func ParseKey(f Frequency, k string, loc *time.Location) (Period, error) {
	bad := fmt.Errorf("period: %q is not a %s period", k, f)
	var t time.Time
	var err error
	switch f {
	case Daily:
		t, err = time.ParseInLocation("2006-01-02", k, loc)
	case Weekly:
		var y, w int
		if _, err = fmt.Sscanf(k, "%d-W%d", &y, &w); err == nil {
			// The Monday of ISO week w: January 4th is always in week 1.
			jan4 := time.Date(y, 1, 4, 0, 0, 0, 0, loc)
			t = jan4.AddDate(0, 0, -((int(jan4.Weekday())+6)%7)+(w-1)*7)
		}
	case HalfMonthly:
		ym, half, ok := strings.Cut(k, "-H")
		if !ok || (half != "1" && half != "2") {
			return Period{}, bad
		}
		if t, err = time.ParseInLocation("2006-01", ym, loc); err == nil && half == "2" {
			t = t.AddDate(0, 0, 15)
		}
	case Monthly:
		t, err = time.ParseInLocation("2006-01", k, loc)
	case Quarterly:
		var y, q int
		if _, err = fmt.Sscanf(k, "%d-Q%d", &y, &q); err == nil && q >= 1 && q <= 4 {
			t = time.Date(y, time.Month((q-1)*3+1), 1, 0, 0, 0, 0, loc)
		} else if err == nil {
			err = bad
		}
	case Yearly:
		var y int
		if y, err = strconv.Atoi(k); err == nil {
			t = time.Date(y, 1, 1, 0, 0, 0, 0, loc)
		}
	default:
		return Period{}, bad
	}
	if err != nil {
		return Period{}, bad
	}
	p := Of(f, t, loc)
	if p.Key != k {
		return Period{}, bad
	}
	return p, nil
}

// EndingWithin lists the periods of f whose last instant falls within [from, to): the periods due in that
// span. (A period's End is the first instant after it, so that is from < End <= to.)
func EndingWithin(f Frequency, from, to time.Time, loc *time.Location) []Period {
	var out []Period
	for p := Of(f, from, loc); !p.End.After(to); p = p.Next() {
		out = append(out, p)
	}
	return out
}
