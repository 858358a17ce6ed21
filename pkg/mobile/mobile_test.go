package mobile

import (
	"strings"
	"testing"
	"unicode"
)

func TestNormalize(t *testing.T) {
	tests := []struct {
		in   string
		want string
		ok   bool
	}{
		{"13812345678", "13812345678", true},
		{"19912345678", "19912345678", true},
		{"+8613812345678", "13812345678", true},
		{" 13812345678 ", "13812345678", true},
		{"12812345678", "", false},  // second digit 2
		{"10812345678", "", false},  // second digit 0
		{"1381234567", "", false},   // 10 digits
		{"138123456789", "", false}, // 12 digits
		{"23812345678", "", false},  // first digit not 1
		{"1381234567a", "", false},
		{"8613812345678", "", false}, // prefix without +
		{"+86 13812345678", "", false},
		{"+85213812345678", "", false},
		{"", "", false},
		{"１３８１２３４５６７８", "", false}, // full-width digits
	}
	for _, tt := range tests {
		got, err := Normalize(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("Normalize(%q) = %q, %v; want %q ok=%v", tt.in, got, err, tt.want, tt.ok)
		}
		if Valid(tt.in) != tt.ok {
			t.Errorf("Valid(%q) = %v", tt.in, !tt.ok)
		}
	}
}

func TestLast4(t *testing.T) {
	for in, want := range map[string]string{"+8613812345678": "5678", "13900001111": "1111", "bad": ""} {
		if got := Last4(in); got != want {
			t.Errorf("Last4(%q) = %q, want %q", in, got, want)
		}
	}
}

func FuzzNormalize(f *testing.F) {
	for _, s := range []string{"13812345678", "+8613812345678", "", "+86", "1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := Normalize(s)
		Last4(s)
		if err != nil {
			// Shown to users as is.
			if !strings.ContainsFunc(err.Error(), func(r rune) bool { return unicode.Is(unicode.Han, r) }) {
				t.Fatalf("Normalize(%q) error %q is not Chinese", s, err)
			}
			return
		}
		if len(n) != 11 || n[0] != '1' || n[1] < '3' || n[1] > '9' {
			t.Fatalf("Normalize(%q) = %q is not a mobile number", s, n)
		}
		if again, err := Normalize(n); err != nil || again != n {
			t.Fatalf("Normalize is not idempotent on %q: %q, %v", n, again, err)
		}
	})
}
