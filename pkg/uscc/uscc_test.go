package uscc

import (
	"errors"
	"testing"
	"unicode/utf8"
)

func TestValidate(t *testing.T) {
	tests := []struct {
		name string
		code string
		want error
	}{
		{"example from the standard", "91350100M000100Y43", nil},
		{"check character zero", "91110000000000000X", ErrCheck},
		{"too short", "91350100M000100Y4", ErrLength},
		{"too long", "91350100M000100Y433", ErrLength},
		{"empty", "", ErrLength},
		{"letter I not permitted", "91350100M000100I43", ErrCharacter},
		{"letter O not permitted", "9135010OM000100Y43", ErrCharacter},
		{"lower case not normalized", "91350100m000100y43", ErrCharacter},
		{"letter in division code", "913A0100M000100Y43", ErrDivision},
		{"wrong check character", "91350100M000100Y44", ErrCheck},
		{"multi-byte characters", "九1350100M000100Y4", ErrLength},
		{"18 characters, one full-width", "９1350100M000100Y43", ErrCharacter},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Validate(tt.code)
			if tt.want == nil {
				if err != nil {
					t.Fatalf("Validate(%q) = %v, want nil", tt.code, err)
				}
				return
			}
			if !errors.Is(err, tt.want) {
				t.Fatalf("Validate(%q) = %v, want %v", tt.code, err, tt.want)
			}
		})
	}
}

func TestCheckChar(t *testing.T) {
	tests := []struct {
		first17 string
		want    byte
	}{
		{"91350100M000100Y4", '3'},
		// Sum is a multiple of 31 here, so the check value is 31 → 0.
		{"00000000000000000", '0'},
		{"91110105MA01ABCD1", mustCheck(t, "91110105MA01ABCD1")},
	}
	for _, tt := range tests {
		got, err := CheckChar(tt.first17)
		if err != nil || got != tt.want {
			t.Errorf("CheckChar(%q) = %q, %v; want %q", tt.first17, got, err, tt.want)
		}
		if !Valid(tt.first17 + string(got)) {
			t.Errorf("code built from CheckChar(%q) does not validate", tt.first17)
		}
	}
	if _, err := CheckChar("short"); !errors.Is(err, ErrLength) {
		t.Errorf("CheckChar(short) error = %v, want ErrLength", err)
	}
}

// mustCheck recomputes the check character by the formula written out longhand, as an independent oracle.
func mustCheck(t *testing.T, s string) byte {
	t.Helper()
	const chars = "0123456789ABCDEFGHJKLMNPQRTUWXY"
	sum, w := 0, 1
	for i := 0; i < 17; i++ {
		idx := -1
		for j := 0; j < len(chars); j++ {
			if chars[j] == s[i] {
				idx = j
			}
		}
		if idx < 0 {
			t.Fatalf("bad char in %q", s)
		}
		sum += idx * w
		w = w * 3 % 31
	}
	return chars[(31-sum%31)%31]
}

func TestNormalize(t *testing.T) {
	if got := Normalize("  91350100m000100y43\t"); got != "91350100M000100Y43" {
		t.Fatalf("Normalize = %q", got)
	}
}

func FuzzValidate(f *testing.F) {
	for _, s := range []string{"91350100M000100Y43", "", "00000000000000000", "91350100M000100Y4Z", "九", "９1350100M000100Y43"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		err := Validate(s)
		if err == nil {
			if len(s) != Length || Normalize(s) != s {
				t.Fatalf("accepted %q which is not an 18-character normalized code", s)
			}
			c, cerr := CheckChar(s[:17])
			if cerr != nil || c != s[17] {
				t.Fatalf("accepted %q but check char is %q (%v)", s, c, cerr)
			}
			// Any other final character must be rejected.
			alt := byte('0')
			if s[17] == '0' {
				alt = '1'
			}
			if Valid(s[:17] + string(alt)) {
				t.Fatalf("two check characters accepted for %q", s[:17])
			}
			return
		}
		if !errors.Is(err, ErrLength) && !errors.Is(err, ErrCharacter) && !errors.Is(err, ErrDivision) && !errors.Is(err, ErrCheck) {
			t.Fatalf("Validate(%q) returned an unclassified error %v", s, err)
		}
		// The message is shown to users as is: it must not blame the length of a code that has 18 characters.
		if errors.Is(err, ErrLength) && utf8.RuneCountInString(s) == Length {
			t.Fatalf("Validate(%q) = %v for a code of %d characters", s, err, Length)
		}
	})
}
