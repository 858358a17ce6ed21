package templatedata

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"
)

// catalogue is the part of the main-business catalogue (migration 0003) that may carry a template.
var catalogue = map[string]string{
	"retail":       "商场超市",
	"catering":     "餐饮",
	"warehouse":    "仓储物流",
	"machinery":    "一般机械制造",
	"construction": "建筑施工",
	"property":     "办公楼宇/物业",
	"hotel":        "住宿",
	"hazchem":      "危险化学品经营使用",
}

const (
	minSpecific = 22
	minTotal    = 30
)

var (
	// a document in 《》 or a standard number such as GB 50016-2014, GB/T 13869, JGJ 46, TSG 81-2022
	basisPattern = regexp.MustCompile(`《[^》]+》|\b(GB|GB/T|GBZ|AQ|AQ/T|JGJ|JGJ/T|TSG|DL/T|JB/T|CJJ|XF)\s*[A-Z]?\s*\d`)
	placeholders = []string{"示例", "待补充", "TODO", "xxx", "……", "FIXME", "TBD"}
	grades       = map[string]bool{"A": true, "B": true, "C": true, "D": true}
)

func count(cats []Category) int {
	n := 0
	for _, c := range cats {
		n += len(c.Items)
	}
	return n
}

// checkItem reports every problem of one item.
func checkItem(t *testing.T, where string, it Item) {
	t.Helper()
	fields := []struct{ name, value string }{
		{"Subject", it.Subject}, {"Content", it.Content}, {"Criterion", it.Criterion}, {"Basis", it.Basis}, {"Grade", it.Grade},
	}
	for _, f := range fields {
		if strings.TrimSpace(f.value) == "" {
			t.Errorf("%s: %s is empty", where, f.name)
		}
		if f.value != strings.TrimSpace(f.value) {
			t.Errorf("%s: %s has leading or trailing space", where, f.name)
		}
		if !utf8.ValidString(f.value) {
			t.Errorf("%s: %s is not valid UTF-8", where, f.name)
		}
		lower := strings.ToLower(f.value)
		for _, p := range placeholders {
			if strings.Contains(lower, strings.ToLower(p)) {
				t.Errorf("%s: %s contains placeholder %q", where, f.name, p)
			}
		}
	}
	if !grades[it.Grade] {
		t.Errorf("%s: grade %q is not one of A, B, C, D", where, it.Grade)
	}
	if it.Major && it.Grade != "A" {
		t.Errorf("%s: major item has grade %q, want A", where, it.Grade)
	}
	if !basisPattern.MatchString(it.Basis) {
		t.Errorf("%s: basis %q cites neither a document in 《》 nor a standard number", where, it.Basis)
	}
	if utf8.RuneCountInString(it.Subject) > 20 {
		t.Errorf("%s: subject %q is longer than 20 characters", where, it.Subject)
	}
	if strings.Count(it.Basis, "《") != strings.Count(it.Basis, "》") {
		t.Errorf("%s: basis %q has unbalanced 《》", where, it.Basis)
	}
}

func checkCategories(t *testing.T, owner string, cats []Category) {
	t.Helper()
	names := map[string]bool{}
	for _, c := range cats {
		if strings.TrimSpace(c.Name) == "" {
			t.Errorf("%s: category with an empty name", owner)
		}
		if names[c.Name] {
			t.Errorf("%s: category %q appears twice", owner, c.Name)
		}
		names[c.Name] = true
		if len(c.Items) == 0 {
			t.Errorf("%s: category %q has no items", owner, c.Name)
		}
		for i, it := range c.Items {
			checkItem(t, fmt.Sprintf("%s/%s#%d %s", owner, c.Name, i+1, it.Subject), it)
		}
	}
}

func TestGeneralCategories(t *testing.T) {
	required := []string{"消防安全", "用电安全", "特种设备", "有限空间作业", "危险化学品", "应急管理"}
	byName := map[string]Category{}
	for _, c := range General {
		byName[c.Name] = c
	}
	for _, name := range required {
		t.Run(name, func(t *testing.T) {
			c, ok := byName[name]
			if !ok {
				t.Fatalf("General lacks category %q", name)
			}
			if n := len(c.Items); n < 5 || n > 8 {
				t.Errorf("category %q has %d items, want 5 to 8", name, n)
			}
		})
	}
	checkCategories(t, "General", General)
}

func TestTemplates(t *testing.T) {
	if len(Templates) < 6 {
		t.Fatalf("%d templates, want at least 6", len(Templates))
	}
	for _, code := range []string{"retail", "catering", "warehouse", "machinery", "construction", "property"} {
		found := false
		for _, tpl := range Templates {
			found = found || tpl.MainBusiness == code
		}
		if !found {
			t.Errorf("no template for required main business %q", code)
		}
	}
	seen := map[string]bool{}
	for _, tpl := range Templates {
		t.Run(tpl.MainBusiness, func(t *testing.T) {
			if _, ok := catalogue[tpl.MainBusiness]; !ok {
				t.Fatalf("main business %q is not in the catalogue", tpl.MainBusiness)
			}
			if seen[tpl.MainBusiness] {
				t.Fatalf("main business %q has two templates", tpl.MainBusiness)
			}
			seen[tpl.MainBusiness] = true

			checkCategories(t, tpl.MainBusiness, tpl.Categories)
			specific := count(tpl.Categories)
			if specific < minSpecific {
				t.Errorf("%d specific items, want at least %d", specific, minSpecific)
			}
			if total := specific + count(General); total < minTotal {
				t.Errorf("%d items with General, want at least %d", total, minTotal)
			}
			for _, c := range tpl.Categories {
				for _, g := range General {
					if c.Name == g.Name {
						t.Errorf("specific category %q repeats a General category", c.Name)
					}
				}
			}
		})
	}
}

func TestNoDuplicateItems(t *testing.T) {
	for _, tpl := range Templates {
		t.Run(tpl.MainBusiness, func(t *testing.T) {
			type key struct{ subject, content string }
			where := map[key]string{}
			subjects := map[string]string{}
			for _, c := range append(append([]Category{}, tpl.Categories...), General...) {
				for _, it := range c.Items {
					k := key{it.Subject, it.Content}
					if prev, ok := where[k]; ok {
						t.Errorf("item %q appears in %q and %q with the same content", it.Subject, prev, c.Name)
					}
					where[k] = c.Name
					if prev, ok := subjects[it.Subject]; ok {
						t.Errorf("subject %q appears in both %q and %q", it.Subject, prev, c.Name)
					}
					subjects[it.Subject] = c.Name
				}
			}
		})
	}
}

func TestMajorItemsCiteAJudgementStandard(t *testing.T) {
	standards := []string{"重大事故隐患判定标准", "重大火灾隐患判定方法", "重大生产安全事故隐患判定标准"}
	for _, tpl := range Templates {
		for _, c := range append(append([]Category{}, tpl.Categories...), General...) {
			for _, it := range c.Items {
				if !it.Major {
					continue
				}
				cited := false
				for _, s := range standards {
					cited = cited || strings.Contains(it.Basis, s)
				}
				if !cited {
					t.Errorf("%s/%s: major item %q does not cite a major-hazard criterion", tpl.MainBusiness, c.Name, it.Subject)
				}
				if !strings.Contains(it.Criterion, "判定为重大") {
					t.Errorf("%s/%s: major item %q does not state the major-hazard condition in its criterion", tpl.MainBusiness, c.Name, it.Subject)
				}
			}
		}
	}
}
