package api

import (
	"net/http"
	"net/url"

	"github.com/labstack/echo/v4"

	"yqyb/internal/manual"
	"yqyb/internal/platform/apperr"
)

// ManualChapterInfo is a chapter of the operation manual as its table of contents lists it.
type ManualChapterInfo struct {
	Slug     string   `json:"slug" example:"faq"`
	Title    string   `json:"title" example:"常见问题"`
	Audience []string `json:"audience" example:"企业管理员,岗位用户"`
} // @name ManualChapterInfo

// ManualChapter is one chapter of the operation manual with its body.
type ManualChapter struct {
	Slug     string   `json:"slug" example:"faq"`
	Title    string   `json:"title" example:"常见问题"`
	Audience []string `json:"audience" example:"企业管理员,岗位用户"`
	// HTML is the chapter body rendered from the manual's Markdown (without the title). Links to other
	// chapters are the bare slug, e.g. href="statistics".
	HTML string `json:"html" example:"<h2>1、个人用户如何登录？</h2><p>…</p>"`
} // @name ManualChapter

var errManualChapter = apperr.ErrNotFound.WithMessage("操作手册中没有该章节")

// manualFileName is the name the downloaded manual is saved under.
const manualFileName = "操作手册.html"

func (s *Server) manualRoutes() []Route {
	return []Route{
		{Method: http.MethodGet, Path: "/api/v1/manual", Public: true, Handler: s.listManualChapters},
		{Method: http.MethodGet, Path: "/api/v1/manual/download", Public: true, Handler: s.downloadManual},
		{Method: http.MethodGet, Path: "/api/v1/manual/:slug", Public: true, Handler: s.getManualChapter},
	}
}

// listManualChapters godoc
//
//	@Summary		操作手册目录
//	@Description	操作手册的章节列表（按顺序）：章节标识、标题和适用对象（企业管理员、岗位用户、企业用户、监管部门、平台管理员）。无需登录，登录页也可打开帮助。
//	@Tags			帮助
//	@Produce		json
//	@Success		200	{array}	ManualChapterInfo
//	@Router			/api/v1/manual [get]
func (s *Server) listManualChapters(c echo.Context) error {
	cs := manual.Chapters()
	out := make([]ManualChapterInfo, len(cs))
	for i, ch := range cs {
		out[i] = ManualChapterInfo{Slug: ch.Slug, Title: ch.Title, Audience: ch.Audience}
	}
	return c.JSON(http.StatusOK, out)
}

// getManualChapter godoc
//
//	@Summary		操作手册章节
//	@Description	一个章节的内容，html 为由手册 Markdown 生成的正文（不含标题），指向其他章节的链接为章节标识（如 href="statistics"）。统计口径见章节 statistics，常见问题见章节 faq。
//	@Tags			帮助
//	@Produce		json
//	@Param			slug	path		string	true	"章节标识，如 faq"
//	@Success		200		{object}	ManualChapter
//	@Failure		404		{object}	ErrorBody	"not_found"
//	@Router			/api/v1/manual/{slug} [get]
func (s *Server) getManualChapter(c echo.Context) error {
	ch, ok := manual.Lookup(c.Param("slug"))
	if !ok {
		return errManualChapter
	}
	return c.JSON(http.StatusOK, ManualChapter{Slug: ch.Slug, Title: ch.Title, Audience: ch.Audience, HTML: ch.HTML})
}

// downloadManual godoc
//
//	@Summary		下载操作手册
//	@Description	完整的操作手册，一个独立的 HTML 文件（UTF-8，样式内嵌，含目录和全部章节，适合离线阅读和打印，浏览器“打印”可另存为 PDF），以附件“操作手册.html”下载。
//	@Tags			帮助
//	@Produce		text/html
//	@Success		200	{file}	binary
//	@Router			/api/v1/manual/download [get]
func (s *Server) downloadManual(c echo.Context) error {
	h := c.Response().Header()
	// RFC 6266 with an RFC 5987 UTF-8 name; the ASCII name is for clients that ignore filename*.
	h.Set(echo.HeaderContentDisposition, `attachment; filename="manual.html"; filename*=UTF-8''`+url.PathEscape(manualFileName))
	h.Set("X-Content-Type-Options", "nosniff")
	return c.Blob(http.StatusOK, "text/html; charset=utf-8", manual.Document())
}
