// Package mobile validates mainland-China mobile phone numbers: "1[3-9]" followed by nine digits,
// optionally written with the country prefix "+86".
package mobile

import (
	"errors"
	"strings"
)

// ErrInvalid is returned for anything that is not a mainland mobile number.
var ErrInvalid = errors.New("手机号码格式不正确，应为11位大陆手机号（可带+86）")

// Normalize trims white space, removes an optional "+86" prefix and validates the rest, returning the
// 11-digit form in which numbers are stored.
func Normalize(s string) (string, error) {
	s = strings.TrimSpace(s)
	s = strings.TrimPrefix(s, "+86")
	if len(s) != 11 || s[0] != '1' || s[1] < '3' || s[1] > '9' {
		return "", ErrInvalid
	}
	for i := 2; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return "", ErrInvalid
		}
	}
	return s, nil
}

// Valid reports whether s is a mainland mobile number.
func Valid(s string) bool {
	_, err := Normalize(s)
	return err == nil
}

// Last4 returns the last four digits of a valid number (used in derived initial passwords), or "" when s
// is not valid.
func Last4(s string) string {
	n, err := Normalize(s)
	if err != nil {
		return ""
	}
	return n[7:]
}
