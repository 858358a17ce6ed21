package account

import (
	"crypto/rand"
	"math/big"
	"strings"
	"unicode"

	"golang.org/x/crypto/bcrypt"

	"yqyb/internal/platform/apperr"
	"yqyb/pkg/initials"
	"yqyb/pkg/mobile"
)

// Hasher hashes and verifies passwords. Production uses bcrypt at its default cost; tests use the minimum
// cost to stay fast.
type Hasher struct {
	Cost int
	// Verified, if set, learns of every verification and its outcome once it is done. Tests count
	// verifications with it (the lockout bounds how many passwords are ever tried) and hold one back to
	// order concurrent logins; production leaves it nil.
	Verified func(ok bool)
}

// DefaultHasher is bcrypt at cost 10.
var DefaultHasher = Hasher{Cost: bcrypt.DefaultCost}

// Hash returns the bcrypt hash of pw.
func (h Hasher) Hash(pw string) (string, error) {
	b, err := bcrypt.GenerateFromPassword([]byte(pw), h.Cost)
	return string(b), err
}

// Verify reports whether pw matches hash.
func (h Hasher) Verify(hash, pw string) bool {
	ok := bcrypt.CompareHashAndPassword([]byte(hash), []byte(pw)) == nil
	if h.Verified != nil {
		h.Verified(ok)
	}
	return ok
}

// Policy limits.
const (
	MinPasswordLen = 8
	MaxPasswordLen = 64
)

// PasswordRules is the policy as users read it.
const PasswordRules = "密码长度8至64位，至少包含大写字母、小写字母、数字、符号中的三类；不能与用户名相同；不能是初始密码或当前密码"

// ErrWeakPassword lists the rules a new password breaks in details.rules.
var ErrWeakPassword = apperr.New(apperr.Invalid, "weak_password", "新密码不符合密码规则")

// CheckPolicy checks a new password. forbidden are passwords it must not equal: the user's derived initial
// password and its current (temporary) one.
func CheckPolicy(pw, loginName string, forbidden ...string) error {
	var broken []string
	n := len([]rune(pw))
	if n < MinPasswordLen || n > MaxPasswordLen || len(pw) > 72 {
		broken = append(broken, "长度应为8至64位")
	}
	var upper, lower, digit, symbol bool
	for _, r := range pw {
		switch {
		case r >= 'A' && r <= 'Z':
			upper = true
		case r >= 'a' && r <= 'z':
			lower = true
		case r >= '0' && r <= '9':
			digit = true
		case unicode.IsSpace(r) || unicode.IsControl(r):
			broken = append(broken, "不能包含空白或控制字符")
		default:
			symbol = true
		}
	}
	classes := 0
	for _, ok := range []bool{upper, lower, digit, symbol} {
		if ok {
			classes++
		}
	}
	if classes < 3 {
		broken = append(broken, "至少包含大写字母、小写字母、数字、符号中的三类")
	}
	if loginName != "" && strings.EqualFold(pw, loginName) {
		broken = append(broken, "不能与用户名相同")
	}
	for _, f := range forbidden {
		if f != "" && pw == f {
			broken = append(broken, "不能使用初始密码或当前密码")
			break
		}
	}
	if len(broken) > 0 {
		return ErrWeakPassword.WithDetails(map[string]any{"rules": dedupe(broken), "policy": PasswordRules})
	}
	return nil
}

func dedupe(s []string) []string {
	out := s[:0]
	seen := map[string]bool{}
	for _, x := range s {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}

// InitialPassword derives an enterprise account's initial password (FAQ 23): the upper-case pinyin initials
// of the first five characters of the enterprise name, the last six characters of its unified social credit
// code and the last four digits of the legal representative's phone. Because anyone who knows those facts
// can derive it, it must be changed at first login and can never be chosen again.
func InitialPassword(enterpriseName, creditCode, legalPhone string) string {
	code := strings.ToUpper(strings.TrimSpace(creditCode))
	if len(code) > 6 {
		code = code[len(code)-6:]
	}
	phone := mobile.Last4(legalPhone)
	if phone == "" {
		// A phone that is not a mobile number still contributes its last four digits.
		digits := strings.Map(func(r rune) rune {
			if r >= '0' && r <= '9' {
				return r
			}
			return -1
		}, legalPhone)
		if len(digits) > 4 {
			digits = digits[len(digits)-4:]
		}
		phone = digits
	}
	return initials.Of(enterpriseName, 5) + code + phone
}

// temporaryAlphabets leave out characters that are easily confused (0/O, 1/l/I).
var temporaryAlphabets = []string{"ABCDEFGHJKLMNPQRSTUVWXYZ", "abcdefghijkmnpqrstuvwxyz", "23456789", "@#%+=?"}

// TemporaryPassword makes a random 12-character password that satisfies the policy, for resets and new
// accounts; it is shown once and must be changed at first login.
func TemporaryPassword() string {
	const n = 12
	b := make([]byte, 0, n)
	for _, a := range temporaryAlphabets {
		b = append(b, a[randInt(len(a))])
	}
	all := strings.Join(temporaryAlphabets, "")
	for len(b) < n {
		b = append(b, all[randInt(len(all))])
	}
	for i := len(b) - 1; i > 0; i-- {
		j := randInt(i + 1)
		b[i], b[j] = b[j], b[i]
	}
	return string(b)
}

func randInt(n int) int {
	v, err := rand.Int(rand.Reader, big.NewInt(int64(n)))
	if err != nil {
		panic(err)
	}
	return int(v.Int64())
}
