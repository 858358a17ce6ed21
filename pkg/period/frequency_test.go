package period

import "testing"

func TestParse(t *testing.T) {
	tests := []struct {
		in   string
		want Frequency
		ok   bool
	}{
		{"daily", Daily, true}, {"每日", Daily, true}, {"日", Daily, true},
		{"每半月", HalfMonthly, true}, {"半月", HalfMonthly, true}, {"half_monthly", HalfMonthly, true},
		{"季度", Quarterly, true}, {"每年", Yearly, true},
		{"每两周", "", false}, {"", "", false}, {"Daily", "", false},
	}
	for _, tt := range tests {
		got, ok := Parse(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("Parse(%q) = %q %v, want %q %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
	for _, f := range Frequencies {
		if !f.Valid() || f.Label() == "" {
			t.Errorf("%s has no label", f)
		}
	}
}
