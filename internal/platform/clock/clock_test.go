package clock

import (
	"testing"
	"time"
)

func TestBusinessZone(t *testing.T) {
	// 2026-12-31T16:00:00Z is midnight of 1 January 2027 in Beijing.
	utc := time.Date(2026, 12, 31, 16, 0, 0, 0, time.UTC)
	tests := []struct {
		in   time.Time
		want string
	}{
		{utc, "2027-01-01"},
		{utc.Add(-time.Second), "2026-12-31"},
		{time.Date(2024, 2, 28, 16, 0, 0, 0, time.UTC), "2024-02-29"},
	}
	for _, tt := range tests {
		if got := BusinessDate(tt.in).Format(time.DateOnly); got != tt.want {
			t.Errorf("BusinessDate(%v) = %s, want %s", tt.in, got, tt.want)
		}
	}
	if _, off := InBusiness(utc).Zone(); off != 8*3600 {
		t.Errorf("business zone offset = %d, want +8h", off)
	}
}

func TestFixedAndShifted(t *testing.T) {
	start := time.Date(2026, 11, 15, 15, 59, 59, 0, time.UTC)
	f := NewFixed(start)
	if !f.Now().Equal(start) {
		t.Fatalf("Fixed.Now = %v", f.Now())
	}
	f.Advance(time.Second)
	if !f.Now().Equal(start.Add(time.Second)) {
		t.Fatalf("Advance: %v", f.Now())
	}

	s := NewShifted(f, time.Hour)
	if !s.Now().Equal(start.Add(time.Second + time.Hour)) {
		t.Fatalf("Shifted.Now = %v", s.Now())
	}
	target := time.Date(2027, 1, 1, 0, 0, 0, 0, Business)
	s.StandAt(target)
	if !s.Now().Equal(target) {
		t.Fatalf("StandAt: %v, want %v", s.Now(), target)
	}
	f.Advance(time.Minute) // the shifted clock keeps running with its base
	if !s.Now().Equal(target.Add(time.Minute)) {
		t.Fatalf("after base advanced: %v", s.Now())
	}
}
