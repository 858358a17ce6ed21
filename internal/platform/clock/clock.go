// Package clock supplies the current time through an interface so that every rule that depends on time
// (reporting periods, deadlines, lockouts, token expiry) can be tested at any instant, including the last
// second of a period, and so that a development server can be stood at a chosen moment.
package clock

import (
	"sync/atomic"
	"time"
	_ "time/tzdata" // the business zone must load even on hosts without a zoneinfo database
)

// BusinessZoneName is the time zone in which the product's calendar rules are defined.
const BusinessZoneName = "Asia/Shanghai"

// Business is China Standard Time, the zone of reporting periods and deadlines. Loading it cannot fail
// because the tz database is embedded.
var Business = func() *time.Location {
	loc, err := time.LoadLocation(BusinessZoneName)
	if err != nil {
		panic("clock: " + err.Error())
	}
	return loc
}()

// Clock tells the current instant. Implementations must be safe for concurrent use.
type Clock interface {
	Now() time.Time
}

// System is the real clock.
type System struct{}

// Now returns the current instant.
func (System) Now() time.Time { return time.Now() }

// Fixed is a clock that stands still until moved; tests use it.
type Fixed struct{ ns atomic.Int64 }

// NewFixed returns a clock standing at t.
func NewFixed(t time.Time) *Fixed {
	f := &Fixed{}
	f.Set(t)
	return f
}

// Now returns the instant the clock stands at.
func (f *Fixed) Now() time.Time { return time.Unix(0, f.ns.Load()) }

// Set moves the clock to t.
func (f *Fixed) Set(t time.Time) { f.ns.Store(t.UnixNano()) }

// Advance moves the clock by d.
func (f *Fixed) Advance(d time.Duration) { f.ns.Add(int64(d)) }

// Shifted runs at the speed of a base clock but displaced by an offset that can be changed at run time.
// Outside production mode the server uses it so demos and browser tests can stand near a period boundary
// while time still passes.
type Shifted struct {
	base   Clock
	offset atomic.Int64
}

// NewShifted returns a clock displaced from base by offset.
func NewShifted(base Clock, offset time.Duration) *Shifted {
	s := &Shifted{base: base}
	s.offset.Store(int64(offset))
	return s
}

// Now returns the base clock's instant plus the offset.
func (s *Shifted) Now() time.Time { return s.base.Now().Add(time.Duration(s.offset.Load())) }

// Offset returns the current displacement.
func (s *Shifted) Offset() time.Duration { return time.Duration(s.offset.Load()) }

// SetOffset changes the displacement.
func (s *Shifted) SetOffset(d time.Duration) { s.offset.Store(int64(d)) }

// StandAt sets the displacement so that Now is t at this moment.
func (s *Shifted) StandAt(t time.Time) { s.offset.Store(int64(t.Sub(s.base.Now()))) }

// InBusiness returns t expressed in the business zone.
func InBusiness(t time.Time) time.Time { return t.In(Business) }

// BusinessDate returns the calendar date of t in the business zone, at midnight of that zone.
func BusinessDate(t time.Time) time.Time {
	b := t.In(Business)
	return time.Date(b.Year(), b.Month(), b.Day(), 0, 0, 0, 0, Business)
}
