package period

import (
	"strings"
	"testing"
	"time"
)

var sh = func() *time.Location {
	l, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		panic(err)
	}
	return l
}()

func at(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04:05", s, sh)
	if err != nil {
		panic(err)
	}
	return t
}

// TestBoundaries stands at the first and last second of periods: month ends, the leap day, year end,
// quarter end, half-month and week changes.
func TestBoundaries(t *testing.T) {
	tests := []struct {
		f     Frequency
		at    string
		key   string
		start string
		end   string
	}{
		{Daily, "2026-11-28 00:00:00", "2026-11-28", "2026-11-28 00:00:00", "2026-11-29 00:00:00"},
		{Daily, "2026-11-28 23:59:59", "2026-11-28", "2026-11-28 00:00:00", "2026-11-29 00:00:00"},
		{Daily, "2024-02-29 23:59:59", "2024-02-29", "2024-02-29 00:00:00", "2024-03-01 00:00:00"},
		{Daily, "2026-12-31 23:59:59", "2026-12-31", "2026-12-31 00:00:00", "2027-01-01 00:00:00"},
		{Weekly, "2026-11-23 00:00:00", "2026-W48", "2026-11-23 00:00:00", "2026-11-30 00:00:00"}, // a Monday
		{Weekly, "2026-11-29 23:59:59", "2026-W48", "2026-11-23 00:00:00", "2026-11-30 00:00:00"}, // the Sunday after
		{Weekly, "2026-11-30 00:00:00", "2026-W49", "2026-11-30 00:00:00", "2026-12-07 00:00:00"},
		{Weekly, "2027-01-01 12:00:00", "2026-W53", "2026-12-28 00:00:00", "2027-01-04 00:00:00"}, // ISO week of the old year
		{HalfMonthly, "2026-11-15 23:59:59", "2026-11-H1", "2026-11-01 00:00:00", "2026-11-16 00:00:00"},
		{HalfMonthly, "2026-11-16 00:00:00", "2026-11-H2", "2026-11-16 00:00:00", "2026-12-01 00:00:00"},
		{HalfMonthly, "2024-02-29 23:59:59", "2024-02-H2", "2024-02-16 00:00:00", "2024-03-01 00:00:00"},
		{HalfMonthly, "2026-02-28 23:59:59", "2026-02-H2", "2026-02-16 00:00:00", "2026-03-01 00:00:00"},
		{Monthly, "2026-11-30 23:59:59", "2026-11", "2026-11-01 00:00:00", "2026-12-01 00:00:00"},
		{Monthly, "2026-12-01 00:00:00", "2026-12", "2026-12-01 00:00:00", "2027-01-01 00:00:00"},
		{Monthly, "2024-02-29 12:00:00", "2024-02", "2024-02-01 00:00:00", "2024-03-01 00:00:00"},
		{Quarterly, "2026-09-30 23:59:59", "2026-Q3", "2026-07-01 00:00:00", "2026-10-01 00:00:00"},
		{Quarterly, "2026-10-01 00:00:00", "2026-Q4", "2026-10-01 00:00:00", "2027-01-01 00:00:00"},
		{Yearly, "2026-12-31 23:59:59", "2026", "2026-01-01 00:00:00", "2027-01-01 00:00:00"},
		{Yearly, "2027-01-01 00:00:00", "2027", "2027-01-01 00:00:00", "2028-01-01 00:00:00"},
	}
	for _, tt := range tests {
		p := Of(tt.f, at(tt.at), sh)
		if p.Key != tt.key || !p.Start.Equal(at(tt.start)) || !p.End.Equal(at(tt.end)) {
			t.Errorf("Of(%s, %s) = %s [%v, %v)", tt.f, tt.at, p.Key, p.Start, p.End)
		}
		if !p.Contains(at(tt.at)) || p.Contains(p.End) || !p.Contains(p.Start) || !p.Contains(p.Last()) {
			t.Errorf("%s: containment wrong at the edges", p.Key)
		}
		back, err := ParseKey(tt.f, p.Key, sh)
		if err != nil || back != p {
			t.Errorf("ParseKey(%s) = %+v %v", p.Key, back, err)
		}
		if p.Next().Start != p.End || p.Next().Prev() != p {
			t.Errorf("%s: next/prev do not chain", p.Key)
		}
	}
}

func TestTheInstantIsUTCAgnostic(t *testing.T) {
	// 2026-11-15T16:00:00Z is midnight of 16 November in Beijing: the second half has begun.
	utc := time.Date(2026, 11, 15, 16, 0, 0, 0, time.UTC)
	if got := Of(HalfMonthly, utc, sh).Key; got != "2026-11-H2" {
		t.Fatalf("Of = %s", got)
	}
	if got := Of(HalfMonthly, utc.Add(-time.Second), sh).Key; got != "2026-11-H1" {
		t.Fatalf("one second earlier = %s", got)
	}
}

func TestLabels(t *testing.T) {
	tests := []struct {
		f    Frequency
		at   string
		want string
	}{
		{Daily, "2026-11-28 10:00:00", "2026年11月28日"},
		{Weekly, "2026-11-28 10:00:00", "2026年第48周（11月23日—11月29日）"},
		{HalfMonthly, "2026-11-28 10:00:00", "2026年11月下半月"},
		{HalfMonthly, "2026-11-02 10:00:00", "2026年11月上半月"},
		{Monthly, "2026-11-28 10:00:00", "2026年11月"},
		{Quarterly, "2026-11-28 10:00:00", "2026年第四季度"},
		{Yearly, "2026-11-28 10:00:00", "2026年"},
	}
	for _, tt := range tests {
		if got := Of(tt.f, at(tt.at), sh).Label(); got != tt.want {
			t.Errorf("Label(%s) = %s, want %s", tt.f, got, tt.want)
		}
	}
}

func TestParseKeyRejects(t *testing.T) {
	for _, c := range []struct {
		f Frequency
		k string
	}{{Daily, "2026-13-01"}, {Weekly, "2026-W60"}, {HalfMonthly, "2026-11-H3"}, {Quarterly, "2026-Q5"}, {Monthly, "2026-1"}, {Yearly, "x"}} {
		if _, err := ParseKey(c.f, c.k, sh); err == nil {
			t.Errorf("ParseKey(%s, %s) accepted", c.f, c.k)
		}
	}
}

func TestEndingWithin(t *testing.T) {
	// The second half of November 2026 (16th to 30th): which periods end in it?
	from, to := at("2026-11-16 00:00:00"), at("2026-12-01 00:00:00")
	tests := []struct {
		f    Frequency
		keys string
	}{
		{Daily, "15 days"},
		{Weekly, "2026-W47,2026-W48"}, // ending Nov 23 and Nov 30 (the latter at the very end)
		{HalfMonthly, "2026-11-H2"},
		{Monthly, "2026-11"},
		{Quarterly, ""},
		{Yearly, ""},
	}
	for _, tt := range tests {
		ps := EndingWithin(tt.f, from, to, sh)
		var keys []string
		for _, p := range ps {
			keys = append(keys, p.Key)
		}
		var got string
		if tt.f == Daily {
			got = map[bool]string{true: "15 days", false: "wrong"}[len(ps) == 15 && ps[0].Key == "2026-11-16" && ps[14].Key == "2026-11-30"]
		} else {
			got = strings.Join(keys, ",")
		}
		if got != tt.keys {
			t.Errorf("%s: %v", tt.f, keys)
		}
	}
}
