package initials

import "testing"

func TestOf(t *testing.T) {
	tests := []struct {
		in   string
		n    int
		want string
	}{
		{"北京市朝阳区", 5, "BJSCY"},
		{"重庆长安汽车股份有限公司", 5, "CQCAQ"}, // 重 and 长 by their words, not their commonest readings
		{"中国银行股份有限公司", 5, "ZGYHG"},
		{"北京银行", 5, "BJYH"}, // shorter than five: all of it
		{"长城汽车", 5, "CCQC"},
		{"厦门航空有限公司", 5, "XMHKY"},
		{"北京快乐音乐器材", 5, "BJKLY"}, // 音乐 then 乐器 must not both claim 乐
		{"会计师事务所", 5, "KJSSW"},
		{"北京ABC科技有限公司", 5, "BJABC"},
		{"北京abc1", 5, "BJABC"},
		{"３６０安全科技", 5, "360AQ"},
		{"北京（中国）有限公司", 5, "BJZG"}, // brackets count as characters but yield nothing
		{"北京 朝阳 商场", 5, "BJCYS"},  // spaces are ignored
		{"长", 5, "Z"},             // alone, the commonest reading
		{"银", 1, "Y"},
		{"银行", 1, "Y"}, // a word crossing the limit still decides the reading
		{"", 5, ""},
	}
	for _, tt := range tests {
		if got := Of(tt.in, tt.n); got != tt.want {
			t.Errorf("Of(%q, %d) = %q, want %q", tt.in, tt.n, got, tt.want)
		}
	}
}

func FuzzOf(f *testing.F) {
	for _, s := range []string{"重庆长安", "北京ABC", "（）", "银行"} {
		f.Add(s, 5)
	}
	f.Fuzz(func(t *testing.T, s string, n int) {
		if n < 0 || n > 100 {
			return
		}
		got := Of(s, n)
		if len(got) > n {
			t.Fatalf("Of(%q, %d) = %q is longer than %d", s, n, got, n)
		}
		for _, r := range got {
			if !(r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
				t.Fatalf("Of(%q, %d) = %q contains %q", s, n, got, r)
			}
		}
	})
}
