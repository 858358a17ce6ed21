package account

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"yqyb/internal/platform/apperr"
)

func TestInitialPassword(t *testing.T) {
	tests := []struct {
		name, code, phone, want string
	}{
		// initials of the first five characters + last 6 of the code + last 4 of the phone
		{"北京朝阳示范商场有限公司", "91110105MA01ABCD13", "13800138000", "BJCYS" + "ABCD13" + "8000"},
		{"重庆长安汽车股份有限公司", "91500000202811441J", "13912345678", "CQCAQ" + "11441J" + "5678"},  // 重 chóng, 长 cháng
		{"中国银行股份有限公司", "911000001000013428", "+8613600001111", "ZGYHG" + "013428" + "1111"}, // 行 háng
		{"北京银行", "91110000101174712L", "13700001234", "BJYH" + "74712L" + "1234"},           // shorter than five
		{"北京ABC科技有限公司", "91110108MA01JXJG2N", "010-62345678", "BJABC" + "JXJG2N" + "5678"},  // letters kept; landline digits
		{"厦门航空有限公司", "91350200260130346X", "13599998888", "XMHKY" + "30346X" + "8888"},
		{"北京朝阳示范商场", "91110105ma01abcd13", "13800138000", "BJCYS" + "ABCD13" + "8000"}, // code case folded
	}
	for _, tt := range tests {
		if got := InitialPassword(tt.name, tt.code, tt.phone); got != tt.want {
			t.Errorf("InitialPassword(%s) = %s, want %s", tt.name, got, tt.want)
		}
	}
}

func TestCheckPolicy(t *testing.T) {
	tests := []struct {
		pw, login string
		forbidden []string
		broken    string // a rule the error must name; "" means accepted
	}{
		{"Good#Pass2026", "张三", nil, ""},
		{"goodpass2026!", "张三", nil, ""}, // lower, digit, symbol: three classes
		{"GOODPASS2026", "张三", nil, "三类"},
		{"Ab1!", "张三", nil, "长度"},
		{strings.Repeat("Ab1!", 17), "张三", nil, "长度"},
		{"Good Pass2026", "张三", nil, "空白"},
		{"Zhang#San2026", "zhang#san2026", nil, "用户名"},
		{"BJCYSABCD138000", "x", []string{"BJCYSABCD138000"}, "初始密码"},
		{"密码Abc12345", "x", nil, ""}, // Chinese characters count as symbols
	}
	for _, tt := range tests {
		err := CheckPolicy(tt.pw, tt.login, tt.forbidden...)
		if tt.broken == "" {
			if err != nil {
				t.Errorf("CheckPolicy(%q) = %v", tt.pw, err)
			}
			continue
		}
		if !errors.Is(err, ErrWeakPassword) {
			t.Errorf("CheckPolicy(%q) = %v", tt.pw, err)
			continue
		}
		e, _ := apperr.As(err)
		if !strings.Contains(fmt.Sprint(e.Details["rules"]), tt.broken) {
			t.Errorf("CheckPolicy(%q) rules %v lack %q", tt.pw, e.Details["rules"], tt.broken)
		}
	}
}

func TestTemporaryPassword(t *testing.T) {
	seen := map[string]bool{}
	for range 200 {
		p := TemporaryPassword()
		if err := CheckPolicy(p, "user"); err != nil {
			t.Fatalf("temporary password %q breaks the policy: %v", p, err)
		}
		if strings.ContainsAny(p, "0O1lI") {
			t.Fatalf("temporary password %q has confusable characters", p)
		}
		if seen[p] {
			t.Fatalf("temporary password repeated: %q", p)
		}
		seen[p] = true
	}
}

func TestLoginNames(t *testing.T) {
	tests := []struct {
		in, norm string
		valid    bool
	}{
		{" 北京（中国）有限公司 ", "北京(中国)有限公司", true},
		{"朝阳商场-安全员", "朝阳商场-安全员", true},
		{"ＡＢＣ", "ABC", true},
		{"a", "a", false},
		{"有 空格", "有 空格", false},
		{strings.Repeat("长", 51), strings.Repeat("长", 51), false},
	}
	for _, tt := range tests {
		n := NormalizeLoginName(tt.in)
		if n != tt.norm || ValidLoginName(n) != tt.valid {
			t.Errorf("%q → %q valid=%v, want %q %v", tt.in, n, ValidLoginName(n), tt.norm, tt.valid)
		}
	}
}
