// Package apperrtest checks, in tests, the product's rule for refusals: bad input gets a product error with a
// stable code and a Chinese message, never an internal error. Fuzz targets in several packages share it.
package apperrtest

import (
	"testing"
	"unicode"

	"yqyb/internal/platform/apperr"
)

// HasHan reports whether s holds a Chinese character: the messages users read are in Chinese.
func HasHan(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			return true
		}
	}
	return false
}

// Refusal fails tb unless err is nil or a product error that is not internal and whose message is Chinese.
// It returns the product error (nil for nil) so a caller can check its details too.
func Refusal(tb testing.TB, err error) *apperr.Error {
	tb.Helper()
	if err == nil {
		return nil
	}
	e, ok := apperr.As(err)
	if !ok {
		tb.Fatalf("not a product error: %T %v", err, err)
	}
	if e.Kind == apperr.Internal || !HasHan(e.Message) {
		tb.Fatalf("error %s: kind %v, message %q", e.Code, e.Kind, e.Message)
	}
	return e
}
