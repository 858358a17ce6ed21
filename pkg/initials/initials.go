// Package initials turns the start of a Chinese name into the upper-case initials of its pinyin, as used in
// derived passwords ("企业名称前五个字首字母大写"). Characters with several readings are read by the word
// they stand in (重庆 → CQ, 长安 → CA, 银行 → YH) using a table of common words; other Chinese characters
// take their most common reading from go-pinyin. Latin letters and digits are kept (upper-cased, full-width
// forms folded to ASCII); other symbols produce nothing but still count as characters.
package initials

import (
	"strings"
	"unicode"

	"github.com/mozillazg/go-pinyin"
	"golang.org/x/text/width"
)

// words gives the initials of words whose characters have several readings and where the most common
// reading is wrong. The longest matching word wins.
var words = map[string]string{
	// 长 cháng (not zhǎng) in place and enterprise names
	"长安": "CA", "长城": "CC", "长春": "CC", "长沙": "CS", "长江": "CJ", "长虹": "CH", "长征": "CZ", "长治": "CZ",
	"长宁": "CN", "长兴": "CX", "长丰": "CF", "长阳": "CY", "长庆": "CQ", "长海": "CH", "长乐": "CL", "长寿": "CS",
	"长葛": "CG", "长岭": "CL", "长河": "CH", "长峰": "CF", "长辛店": "CXD", "长沟": "CG", "长陵": "CL", "长椿": "CC",
	"长哨营": "CSY", "长白": "CB", "长汀": "CT", "长泰": "CT", "长荣": "CR", "长远": "CY", "长久": "CJ", "长青": "CQ",
	"长途": "CT", "长期": "CQ", "长度": "CD", "长效": "CX", "长和": "CH", "长天": "CT", "长鑫": "CX", "长盛": "CS",
	"长运": "CY", "长源": "CY", "长隆": "CL", "长龙": "CL",
	// 重 chóng
	"重庆": "CQ", "重新": "CX", "重复": "CF", "重建": "CJ", "重组": "CZ", "重阳": "CY", "重叠": "CD", "重生": "CS",
	// 行 háng
	"银行": "YH", "行业": "HY", "商行": "SH", "车行": "CH", "琴行": "QH", "建行": "JH", "工行": "GH", "农行": "NH",
	"招行": "ZH", "央行": "YH", "支行": "ZH", "分行": "FH", "总行": "ZH", "同行": "TH", "行情": "HQ", "投行": "TH",
	"车行道": "CXD", "行长": "HZ", "各行": "GH", "电器行": "DQH", "五金行": "WJH", "珠宝行": "ZBH", "米行": "MH",
	// 厦 xià in 厦门
	"厦门": "XM",
	// 会 kuài
	"会计": "KJ",
	// 乐 yuè
	"乐器": "YQ", "乐团": "YT", "乐队": "YD", "乐曲": "YQ", "乐府": "YF", "音乐": "YL", "声乐": "SY", "器乐": "QY",
	// 藏 zàng
	"西藏": "XZ", "藏族": "ZZ", "藏药": "ZY", "宝藏": "BZ",
	// 调 tiáo
	"调整": "TZ", "调解": "TJ", "调节": "TJ", "调味": "TW", "调料": "TL", "空调": "KT", "调控": "TK", "协调": "XT",
	"调和": "TH", "调试": "TS", "调配": "TP", "调理": "TL", "调剂": "TJ", "调制": "TZ", "调温": "TW", "调速": "TS",
	// 率 lǜ
	"效率": "XL", "频率": "PL", "概率": "GL", "汇率": "HL", "利率": "LL", "功率": "GL",
	// place names with unusual readings
	"番禺": "PY", "十里堡": "SLP", "大栅栏": "DSL", "蚌埠": "BB", "六安": "LA", "丽水": "LS", "台州": "TZ",
	"秘鲁": "BL", "朝阳": "CY", "朝外": "CW", "朝内": "CN", "堡垒": "BL", "单县": "SX",
	// other common words in enterprise names
	"弹簧": "TH", "人参": "RS", "校对": "JD", "投降": "TX", "盛饭": "CF", "着陆": "ZL", "供给": "GJ",
	"传记": "ZJ", "自传": "ZZ", "曾经": "CJ", "差事": "CS", "参差": "CC", "数码": "SM", "几何": "JH",
}

// longest is the length in characters of the longest word in the table.
var longest = func() int {
	n := 0
	for w := range words {
		n = max(n, len([]rune(w)))
	}
	return n
}()

var args = func() pinyin.Args {
	a := pinyin.NewArgs()
	a.Style = pinyin.FirstLetter
	return a
}()

// Of returns the initials of the first n characters of s (white space ignored). The reading of a character
// may depend on the characters after it, so words that cross the n-th character are still recognised.
func Of(s string, n int) string {
	runes := []rune(strings.Join(strings.Fields(s), ""))
	var b strings.Builder
	for i := 0; i < len(runes) && i < n; {
		if w, size := wordAt(runes, i); size > 0 {
			// Keep only the initials of the characters within the first n.
			take := min(size, n-i)
			b.WriteString(w[:take])
			i += size
			continue
		}
		b.WriteString(initialOf(runes[i]))
		i++
	}
	return b.String()
}

func wordAt(runes []rune, i int) (string, int) {
	for size := min(longest, len(runes)-i); size >= 2; size-- {
		if w, ok := words[string(runes[i:i+size])]; ok {
			return w, size
		}
	}
	return "", 0
}

func initialOf(r rune) string {
	if unicode.Is(unicode.Han, r) {
		if p := pinyin.SinglePinyin(r, args); len(p) > 0 && p[0] != "" {
			return strings.ToUpper(p[0][:1])
		}
		return ""
	}
	// Full-width letters and digits (Ａ, １) fold to ASCII.
	if folded := []rune(width.Narrow.String(string(r))); len(folded) == 1 {
		r = folded[0]
	}
	if r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
		return strings.ToUpper(string(r))
	}
	return ""
}
