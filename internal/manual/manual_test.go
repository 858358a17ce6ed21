package manual

import (
	"regexp"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
	"unicode/utf8"
)

func TestChaptersHaveTitleAndAudience(t *testing.T) {
	cs := Chapters()
	if len(cs) < 8 {
		t.Fatalf("want at least 8 chapters, got %d", len(cs))
	}
	seen := map[string]bool{}
	for _, c := range cs {
		if c.Slug == "" || c.Title == "" {
			t.Errorf("chapter %+v: empty slug or title", c.Slug)
		}
		if seen[c.Slug] {
			t.Errorf("duplicate slug %q", c.Slug)
		}
		seen[c.Slug] = true
		if len(c.Audience) == 0 {
			t.Errorf("%s: no audience", c.Slug)
		}
		if strings.TrimSpace(c.HTML) == "" {
			t.Errorf("%s: empty body", c.Slug)
		}
		got, ok := Lookup(c.Slug)
		if !ok || got.Title != c.Title || got.HTML != c.HTML {
			t.Errorf("Lookup(%q) = %q, %v", c.Slug, got.Title, ok)
		}
	}
	for _, slug := range []string{"getting-started", "enterprise-admin", "post-user", "hazards", "regulator", "statistics", "faq", "platform"} {
		if !seen[slug] {
			t.Errorf("chapter %q is missing", slug)
		}
	}
	if _, ok := Lookup("no-such-chapter"); ok {
		t.Error("Lookup of an unknown slug succeeded")
	}
}

func TestAudiencesAreKnown(t *testing.T) {
	known := map[string]bool{"企业管理员": true, "岗位用户": true, "企业用户": true, "监管部门": true, "平台管理员": true}
	covered := map[string]bool{}
	for _, c := range Chapters() {
		for _, a := range c.Audience {
			if !known[a] {
				t.Errorf("%s: unknown audience %q", c.Slug, a)
			}
			covered[a] = true
		}
	}
	for a := range known {
		if !covered[a] {
			t.Errorf("no chapter is written for %s", a)
		}
	}
}

// The FAQ of the original system (faq-and-login-guide.txt), question by question: the FAQ chapter must
// answer every one of them under its own heading.
func TestFAQChapterAnswersEveryQuestion(t *testing.T) {
	questions := []struct {
		no    int
		title string
	}{
		{1, "个人用户如何登录？"},
		{2, "哪种浏览器兼容性最好？"},
		{3, "一企一标隐患排查系统操作手册在哪里下载？"},
		{4, "系统使用率为什么变成0？"},
		{5, "信息完备率统计哪方面的信息？"},
		{6, "主营业务没有企业经营范围对应选项，怎么办？"},
		{7, "登录进系统没有初始化页面，该怎填写？"},
		{8, "现在自查的频率有要求吗？还是每月一次吗？"},
		{9, "登录岗位用户，岗位清单页面为什么不显示内容？"},
		{10, "如何设置岗位用户权限？"},
		{11, "岗位用户登录系统提示“密码错误”，无法登录"},
		{12, "用户授权和角色授权有什么区别？"},
		{13, "岗位清单和个性化标准的区别"},
		{14, "企业级的隐患等级和管理级的一般隐患、重大隐患如何进行级联？"},
		{15, "隐患排查如何填写？"},
		{16, "岗位责任制必须上传么？岗位责任制模板是什么？"},
		{17, "页面出现“温馨提示”或“正在建设中”怎么办？"},
		{18, "错过上报周期，排查信息还可以补录么？"},
		{19, "导入岗位清单时系统提示“公司不存在‘**’部门”，如何操作？"},
		{20, "建立的岗位信息不显示怎么办？"},
		{21, "申请关联里面，系统里面没有我们单位，怎么办？"},
		{22, "下载APP点击后页面没有变化"},
		{23, "使用“企业用户登录”提示账号密码错误"},
		{24, "如何修改企业基本信息"},
	}
	faq, ok := Lookup("faq")
	if !ok {
		t.Fatal("no faq chapter")
	}
	heading := regexp.MustCompile(`<h2[^>]*>(.*?)</h2>`)
	var headings []string
	for _, m := range heading.FindAllStringSubmatch(faq.HTML, -1) {
		headings = append(headings, m[1])
	}
	if len(headings) != len(questions) {
		t.Errorf("faq has %d questions, want %d", len(headings), len(questions))
	}
	for i, q := range questions {
		want := htmlText(q.title)
		found := false
		for _, h := range headings {
			if strings.Contains(h, want) {
				found = true
			}
		}
		if !found {
			t.Errorf("FAQ %d %q has no heading in the faq chapter", q.no, q.title)
		}
		if i < len(headings) && !strings.HasPrefix(headings[i], strconv.Itoa(q.no)+"、") {
			t.Errorf("heading %d is %q, want it numbered %d", i+1, headings[i], q.no)
		}
	}
}

// htmlText is how goldmark writes text that contains the characters it escapes.
func htmlText(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;").Replace(s)
}

// Rendered HTML must not show Markdown syntax to readers.
func TestRenderedHTMLHasNoMarkdownMarkers(t *testing.T) {
	// "‘**’" is quoted from the original FAQ 19 question, where ** stands for a department name.
	literal := strings.NewReplacer("‘**’", "")
	markers := []struct {
		name string
		re   *regexp.Regexp
	}{
		{"bold", regexp.MustCompile(`\*\*|__`)},
		{"heading", regexp.MustCompile(`(?m)(^|>)\s*#{1,6}\s`)},
		{"link", regexp.MustCompile(`\]\(|\[[^\]]*\]\s*$`)},
		{"table", regexp.MustCompile(`\|\s*-{3,}|(?m)^\s*\|.*\|\s*$`)},
		{"fence", regexp.MustCompile("```")},
		{"list", regexp.MustCompile(`(?m)^\s*[-*+]\s+\S`)},
		{"quote", regexp.MustCompile(`(?m)^\s*&gt;\s`)},
		{"raw html omitted", regexp.MustCompile(`raw HTML omitted`)},
		{"audience comment", regexp.MustCompile(`audience:`)},
	}
	for _, c := range Chapters() {
		text := literal.Replace(c.HTML)
		for _, m := range markers {
			if loc := m.re.FindStringIndex(text); loc != nil {
				from := max(0, loc[0]-40)
				t.Errorf("%s: %s marker in rendered HTML near %q", c.Slug, m.name, text[from:min(len(text), loc[1]+40)])
			}
		}
		if !strings.Contains(c.HTML, "<h2") {
			t.Errorf("%s: no section headings rendered", c.Slug)
		}
		if strings.Contains(c.HTML, "<h1") {
			t.Errorf("%s: the title must not be repeated in the body", c.Slug)
		}
	}
	// Every chapter with a table renders it as <table> (GFM tables are on).
	if c, _ := Lookup("statistics"); !strings.Contains(c.HTML, "<table>") {
		t.Error("statistics: tables are not rendered")
	}
}

func TestLinksBetweenChaptersResolve(t *testing.T) {
	slugs := map[string]bool{}
	for _, c := range Chapters() {
		slugs[c.Slug] = true
	}
	href := regexp.MustCompile(`href="([^"]*)"`)
	for _, c := range Chapters() {
		for _, m := range href.FindAllStringSubmatch(c.HTML, -1) {
			if !slugs[m[1]] {
				t.Errorf("%s: link to %q is not a chapter", c.Slug, m[1])
			}
		}
	}
	doc := string(Document())
	for _, m := range href.FindAllStringSubmatch(doc, -1) {
		if id := strings.TrimPrefix(m[1], "#"); id == m[1] || !slugs[id] {
			t.Errorf("document: link %q is not an anchor of a chapter", m[1])
		}
	}
}

func TestDocument(t *testing.T) {
	doc := Document()
	if !utf8.Valid(doc) {
		t.Fatal("document is not UTF-8")
	}
	s := string(doc)
	for _, want := range []string{"<!DOCTYPE html>", `<meta charset="utf-8">`, "<style>", "@media print", "目录", "操作手册"} {
		if !strings.Contains(s, want) {
			t.Errorf("document lacks %q", want)
		}
	}
	for _, c := range Chapters() {
		if !strings.Contains(s, `id="`+c.Slug+`"`) || !strings.Contains(s, `href="#`+c.Slug+`"`) {
			t.Errorf("document lacks chapter %s or its table-of-contents entry", c.Slug)
		}
		// The body is there (links rewritten to anchors, so compare its first heading).
		if h2 := regexp.MustCompile(`<h2>[^<]*</h2>`).FindString(c.HTML); h2 == "" || !strings.Contains(s, h2) {
			t.Errorf("document lacks the body of %s", c.Slug)
		}
	}
	if strings.Contains(s, "<script") {
		t.Error("document must not contain scripts")
	}
	doc[0] = 'x'
	if Document()[0] == 'x' {
		t.Error("Document returns shared memory")
	}
}

func TestParseRejectsMalformedChapters(t *testing.T) {
	tests := []struct {
		name, file, body string
	}{
		{"bad file name", "content/faq.md", "# 标题\n<!-- audience: 企业管理员 -->\n正文\n"},
		{"no title", "content/01-a.md", "标题\n<!-- audience: 企业管理员 -->\n正文\n"},
		{"no audience", "content/01-a.md", "# 标题\n正文\n更多\n"},
		{"empty audience", "content/01-a.md", "# 标题\n<!-- audience: , -->\n正文\n"},
		{"too short", "content/01-a.md", "# 标题\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fsys := fstest.MapFS{tt.file: {Data: []byte(tt.body)}}
			if _, err := parseAll(fsys); err == nil {
				t.Error("parseAll accepted a malformed chapter")
			}
		})
	}
	fsys := fstest.MapFS{
		"content/01-a.md": {Data: []byte("# 甲\n<!-- audience: 企业管理员、岗位用户 -->\n## 节\n\n| a | b |\n|---|---|\n| 1 | 2 |\n")},
		"content/02-a.md": {Data: []byte("# 乙\n<!-- audience: 监管部门 -->\n正文\n")},
	}
	if _, err := parseAll(fsys); err == nil || !strings.Contains(err.Error(), "duplicate") {
		t.Errorf("duplicate slugs: err = %v", err)
	}
	delete(fsys, "content/02-a.md")
	cs, err := parseAll(fsys)
	if err != nil {
		t.Fatal(err)
	}
	if c := cs[0]; c.Slug != "a" || c.Title != "甲" || strings.Join(c.Audience, ",") != "企业管理员,岗位用户" || !strings.Contains(c.HTML, "<table>") {
		t.Errorf("parsed %+v", c)
	}
}
