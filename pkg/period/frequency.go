// Package period defines inspection frequencies and the reporting periods they divide time into.
package period

// Frequency is how often a checklist is inspected (FAQ 8: each enterprise sets it per post according to
// the post's safety responsibility).
type Frequency string

// The frequencies, from shortest to longest.
const (
	Daily       Frequency = "daily"
	Weekly      Frequency = "weekly"
	HalfMonthly Frequency = "half_monthly"
	Monthly     Frequency = "monthly"
	Quarterly   Frequency = "quarterly"
	Yearly      Frequency = "yearly"
)

// Frequencies lists every frequency in order.
var Frequencies = []Frequency{Daily, Weekly, HalfMonthly, Monthly, Quarterly, Yearly}

var labels = map[Frequency]string{
	Daily: "每日", Weekly: "每周", HalfMonthly: "每半月", Monthly: "每月", Quarterly: "每季度", Yearly: "每年",
}

// Label is the frequency's Chinese name.
func (f Frequency) Label() string { return labels[f] }

// Valid reports whether f is one of the frequencies.
func (f Frequency) Valid() bool { _, ok := labels[f]; return ok }

// Parse accepts a frequency by its code or its Chinese name (as typed in a spreadsheet).
func Parse(s string) (Frequency, bool) {
	if f := Frequency(s); f.Valid() {
		return f, true
	}
	for f, l := range labels {
		if l == s || l[len("每"):] == s {
			return f, true
		}
	}
	return "", false
}
