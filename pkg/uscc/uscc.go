// Package uscc validates the unified social credit code (统一社会信用代码) defined by GB 32100-2015.
//
// A code has 18 characters drawn from "0123456789ABCDEFGHJKLMNPQRTUWXY" (I, O, Z, S and V are left out so
// that they cannot be confused with digits). Positions 3–8 hold the administrative-division code, and the
// last character is a check character computed from the first 17 with the weights 3^(i-1) mod 31.
package uscc

import (
	"errors"
	"fmt"
	"strings"
)

// Length is the number of characters in a code.
const Length = 18

// alphabet lists the permitted characters; a character's value is its index.
const alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"

// weights are 3^(i-1) mod 31 for positions 1..17.
var weights = [Length - 1]int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}

// value maps a byte to its value in the alphabet, or -1.
var value = func() (v [256]int8) {
	for i := range v {
		v[i] = -1
	}
	for i := 0; i < len(alphabet); i++ {
		v[alphabet[i]] = int8(i)
	}
	return v
}()

// Sentinel errors; Validate wraps them with the position where it applies, so callers can test with
// errors.Is and still show a precise message.
var (
	ErrLength    = errors.New("统一社会信用代码应为18位")
	ErrCharacter = errors.New("统一社会信用代码含有不允许的字符")
	ErrDivision  = errors.New("统一社会信用代码第3至8位应为行政区划码数字")
	ErrCheck     = errors.New("统一社会信用代码校验位不正确")
)

// Normalize trims surrounding white space and upper-cases the code, the form in which codes are stored and
// compared. It does not validate.
func Normalize(s string) string {
	return strings.ToUpper(strings.TrimSpace(s))
}

// Validate reports whether code (already normalized) is a well-formed code with a correct check character.
func Validate(code string) error {
	if len(code) != Length {
		// Counting bytes is right here: every permitted character is one byte, so a code with multi-byte
		// characters in it is wrong either way; report the length the user sees, and when that is 18, the
		// character that is not allowed (a full-width digit, say) rather than a length that looks right.
		if n := len([]rune(code)); n == Length {
			for i, r := range []rune(code) {
				if r >= 0x80 {
					return fmt.Errorf("%w：第%d位", ErrCharacter, i+1)
				}
			}
		}
		return fmt.Errorf("%w（当前%d位）", ErrLength, len([]rune(code)))
	}
	for i := 0; i < Length; i++ {
		if value[code[i]] < 0 {
			return fmt.Errorf("%w：第%d位", ErrCharacter, i+1)
		}
	}
	for i := 2; i < 8; i++ {
		if code[i] < '0' || code[i] > '9' {
			return fmt.Errorf("%w：第%d位", ErrDivision, i+1)
		}
	}
	want, _ := CheckChar(code[:Length-1])
	if code[Length-1] != want {
		return ErrCheck
	}
	return nil
}

// Valid is Validate for callers that need only a yes or no.
func Valid(code string) bool { return Validate(code) == nil }

// CheckChar computes the check character for the first 17 characters of a code.
func CheckChar(first17 string) (byte, error) {
	if len(first17) != Length-1 {
		return 0, ErrLength
	}
	sum := 0
	for i := 0; i < Length-1; i++ {
		v := value[first17[i]]
		if v < 0 {
			return 0, fmt.Errorf("%w：第%d位", ErrCharacter, i+1)
		}
		sum += int(v) * weights[i]
	}
	c := 31 - sum%31
	if c == 31 {
		c = 0
	}
	return alphabet[c], nil
}
