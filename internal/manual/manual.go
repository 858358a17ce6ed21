// Package manual is the operation manual (操作手册) built into the binary: Chinese chapters for enterprise
// admins, post users, enterprise users, regulators and platform admins, written in Markdown under content/
// and rendered to HTML once, on first use.
//
// Each chapter file is named NN-slug.md: NN orders the chapters and slug names the chapter in URLs
// (/help/faq). A file starts with its title line "# 标题" followed by an audience line
// "<!-- audience: 企业管理员,岗位用户 -->". Links between chapters are written with the bare slug,
// e.g. [统计口径](statistics); the SPA follows them as routes and the downloadable document turns them
// into anchors.
//
// The chapters are trusted content from this binary (raw HTML in the Markdown is not passed through).
package manual

import (
	"bytes"
	"embed"
	"fmt"
	"html"
	"io/fs"
	"path"
	"regexp"
	"sort"
	"strings"
	"sync"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"

	"yqyb/internal/platform/buildinfo"
)

//go:embed content/*.md
var content embed.FS

// Chapter is one chapter of the manual.
type Chapter struct {
	// Slug names the chapter in URLs, e.g. "faq".
	Slug string
	// Title is the chapter's title, e.g. "常见问题".
	Title string
	// Audience lists who the chapter is written for, e.g. 企业管理员, 岗位用户.
	Audience []string
	// HTML is the chapter body (without its title) rendered from Markdown.
	HTML string
}

var (
	once     sync.Once
	chapters []Chapter
	document []byte
	loadErr  error
)

// Chapters returns the chapters in order. The content is embedded and checked by the tests, so a
// chapter that cannot be read or rendered is a bug of the build: it panics.
func Chapters() []Chapter {
	load()
	out := make([]Chapter, len(chapters))
	for i, c := range chapters {
		c.Audience = append([]string(nil), c.Audience...)
		out[i] = c
	}
	return out
}

// Lookup returns the chapter with the given slug. (It cannot be called Chapter: that is the type.)
func Lookup(slug string) (Chapter, bool) {
	load()
	for _, c := range chapters {
		if c.Slug == slug {
			c.Audience = append([]string(nil), c.Audience...)
			return c, true
		}
	}
	return Chapter{}, false
}

// Document returns the whole manual as one standalone, printable HTML document (UTF-8, inline styles,
// table of contents), for download as 操作手册.html.
func Document() []byte {
	load()
	return append([]byte(nil), document...)
}

func load() {
	once.Do(func() {
		chapters, loadErr = parseAll(content)
		if loadErr == nil {
			document = buildDocument(chapters)
		}
	})
	if loadErr != nil {
		panic(loadErr)
	}
}

var (
	fileName     = regexp.MustCompile(`^(\d{2})-([a-z0-9]+(?:-[a-z0-9]+)*)\.md$`)
	audienceLine = regexp.MustCompile(`^<!--\s*audience:\s*(.*?)\s*-->$`)
)

func newMarkdown() goldmark.Markdown {
	// GFM tables; raw HTML in the Markdown is not passed through (goldmark's default).
	return goldmark.New(goldmark.WithExtensions(extension.Table))
}

// parseAll reads and renders every chapter of fsys's content directory, ordered by file name.
func parseAll(fsys fs.FS) ([]Chapter, error) {
	names, err := fs.Glob(fsys, "content/*.md")
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	md := newMarkdown()
	out := make([]Chapter, 0, len(names))
	seen := map[string]bool{}
	for _, name := range names {
		m := fileName.FindStringSubmatch(path.Base(name))
		if m == nil {
			return nil, fmt.Errorf("manual: %s: file name must be NN-slug.md", name)
		}
		raw, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		c, err := parse(md, m[2], string(raw))
		if err != nil {
			return nil, fmt.Errorf("manual: %s: %w", name, err)
		}
		if seen[c.Slug] {
			return nil, fmt.Errorf("manual: %s: duplicate slug %q", name, c.Slug)
		}
		seen[c.Slug] = true
		out = append(out, c)
	}
	return out, nil
}

// parse reads one chapter: the title line, the audience line, and the Markdown body.
func parse(md goldmark.Markdown, slug, raw string) (Chapter, error) {
	raw = strings.TrimPrefix(strings.ReplaceAll(raw, "\r\n", "\n"), "\ufeff")
	lines := strings.SplitN(raw, "\n", 3)
	if len(lines) < 3 {
		return Chapter{}, fmt.Errorf("needs a title line, an audience line and a body")
	}
	title, ok := strings.CutPrefix(lines[0], "# ")
	if title = strings.TrimSpace(title); !ok || title == "" {
		return Chapter{}, fmt.Errorf("first line must be \"# 标题\"")
	}
	am := audienceLine.FindStringSubmatch(strings.TrimSpace(lines[1]))
	if am == nil {
		return Chapter{}, fmt.Errorf("second line must be \"<!-- audience: … -->\"")
	}
	var audience []string
	for _, a := range strings.FieldsFunc(am[1], func(r rune) bool { return r == ',' || r == '，' || r == '、' }) {
		if a = strings.TrimSpace(a); a != "" {
			audience = append(audience, a)
		}
	}
	if len(audience) == 0 {
		return Chapter{}, fmt.Errorf("audience is empty")
	}
	var buf bytes.Buffer
	if err := md.Convert([]byte(lines[2]), &buf); err != nil {
		return Chapter{}, err
	}
	return Chapter{Slug: slug, Title: title, Audience: audience, HTML: buf.String()}, nil
}

// chapterLink matches a link to another chapter by its bare slug.
var chapterLink = regexp.MustCompile(`href="([a-z0-9]+(?:-[a-z0-9]+)*)"`)

// buildDocument lays the chapters out as one printable page.
func buildDocument(cs []Chapter) []byte {
	slugs := map[string]bool{}
	for _, c := range cs {
		slugs[c.Slug] = true
	}
	var b strings.Builder
	title := buildinfo.Name + " 操作手册"
	b.WriteString("<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n")
	b.WriteString("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
	fmt.Fprintf(&b, "<title>%s</title>\n<style>\n%s</style>\n</head>\n<body>\n", html.EscapeString(title), documentCSS)
	fmt.Fprintf(&b, "<header class=\"cover\">\n<p class=\"motto\">一企一标准 · 一岗一清单</p>\n<h1>%s</h1>\n<p class=\"subtitle\">操作手册</p>\n<p class=\"version\">版本 %s</p>\n</header>\n",
		html.EscapeString(buildinfo.Name), html.EscapeString(buildinfo.Version))
	b.WriteString("<nav class=\"toc\">\n<h2>目录</h2>\n<ol>\n")
	for _, c := range cs {
		fmt.Fprintf(&b, "<li><a href=\"#%s\">%s</a> <span class=\"aud\">（%s）</span></li>\n",
			c.Slug, html.EscapeString(c.Title), html.EscapeString(strings.Join(c.Audience, "、")))
	}
	b.WriteString("</ol>\n</nav>\n<main>\n")
	for i, c := range cs {
		body := chapterLink.ReplaceAllStringFunc(c.HTML, func(m string) string {
			slug := chapterLink.FindStringSubmatch(m)[1]
			if slugs[slug] {
				return `href="#` + slug + `"`
			}
			return m
		})
		fmt.Fprintf(&b, "<section class=\"chapter\" id=\"%s\">\n<h1>%d　%s</h1>\n<p class=\"audience\">适用对象：%s</p>\n%s</section>\n",
			c.Slug, i+1, html.EscapeString(c.Title), html.EscapeString(strings.Join(c.Audience, "、")), body)
	}
	b.WriteString("</main>\n</body>\n</html>\n")
	return []byte(b.String())
}

const documentCSS = `
:root { color-scheme: light; }
body { margin: 0 auto; max-width: 920px; padding: 24px 32px 64px; color: #1f2d3d; background: #fff;
  font: 15px/1.8 "PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", "Source Han Sans SC", sans-serif; }
.cover { text-align: center; padding: 48px 0 32px; border-bottom: 3px solid #1667c2; margin-bottom: 24px; }
.cover h1 { font-size: 28px; margin: 8px 0; color: #0d4a94; letter-spacing: 1px; }
.cover .motto { letter-spacing: 6px; color: #1667c2; margin: 0; }
.cover .subtitle { font-size: 22px; margin: 4px 0; }
.cover .version { color: #606c80; font-size: 13px; margin: 0; }
.toc h2 { font-size: 20px; }
.toc ol { padding-left: 28px; }
.toc li { margin: 4px 0; }
.toc .aud, .audience { color: #606c80; font-size: 13px; }
.chapter { margin-top: 40px; }
.chapter > h1 { font-size: 24px; color: #0d4a94; border-bottom: 1px solid #dcdfe6; padding-bottom: 6px; }
h2 { font-size: 19px; margin: 28px 0 8px; }
h3 { font-size: 16px; margin: 20px 0 6px; }
a { color: #1667c2; text-decoration: none; }
a:hover { text-decoration: underline; }
table { border-collapse: collapse; width: 100%; margin: 12px 0; font-size: 14px; }
th, td { border: 1px solid #dcdfe6; padding: 6px 10px; text-align: left; vertical-align: top; }
th { background: #f2f6fc; }
td:first-child { min-width: 6em; }
blockquote { margin: 12px 0; padding: 8px 16px; background: #f4f7fc; border-left: 4px solid #1667c2; }
blockquote p { margin: 4px 0; }
code { font-family: Consolas, "Courier New", monospace; background: #f4f4f5; padding: 1px 4px; border-radius: 3px; }
@page { size: A4; margin: 18mm 16mm; }
@media print {
  body { max-width: none; padding: 0; font-size: 11pt; }
  .cover { padding-top: 30vh; border: 0; }
  .toc { break-after: page; page-break-after: always; }
  .chapter { break-before: page; page-break-before: always; margin-top: 0; }
  a { color: inherit; }
  h1, h2, h3 { break-after: avoid; page-break-after: avoid; }
  tr, blockquote { break-inside: avoid; page-break-inside: avoid; }
  th { background: #eee; }
}
`
