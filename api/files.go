package api

import (
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"

	"yqyb/internal/platform/apperr"
)

func (s *Server) fileRoutes() []Route {
	return []Route{
		{Method: http.MethodPost, Path: "/api/v1/files", Perm: loggedIn, Idempotent: true, Handler: s.uploadImage},
		{Method: http.MethodGet, Path: "/api/v1/files/:id", Perm: loggedIn, Handler: s.downloadFile},
	}
}

// uploadImage godoc
//
//	@Summary		上传照片
//	@Description	上传一张照片（JPG、PNG、WebP，不超过 8 MB，按内容识别类型），返回的 id 用于排查结果、隐患登记、整改和验收的 photo_ids；3 天内未被任何记录使用的上传会被定时清理。
//	@Tags			文件
//	@Accept			multipart/form-data
//	@Produce		json
//	@Security		BearerAuth
//	@Param			file	formData	file	true	"图片"
//	@Param			Idempotency-Key	header		string	false	"幂等键（1–100 个字母、数字或 - _ . :）：同一账号重试同一请求时带上同一个键，服务器返回第一次的结果（响应头 Idempotent-Replayed: true）而不会重复写入；24 小时内有效"
//	@Success		201		{object}	files.File
//	@Failure		400		{object}	ErrorBody	"idempotency_key_invalid"
//	@Failure		409		{object}	ErrorBody	"idempotency_in_progress | idempotency_key_reused"
//	@Failure		413		{object}	ErrorBody	"image_too_large"
//	@Failure		415		{object}	ErrorBody	"image_type_not_allowed"
//	@Failure		429		{object}	ErrorBody	"upload_quota_exceeded（本企业当天上传总量达到 YQYB_UPLOAD_DAILY_QUOTA）"
//	@Router			/api/v1/files [post]
func (s *Server) uploadImage(c echo.Context) error {
	ent, err := enterpriseOf(c)
	if err != nil {
		return err
	}
	f, name, err := formFile(c)
	if err != nil {
		return err
	}
	defer f.Close()
	out, err := s.files.UploadImage(c.Request().Context(), principal(c).UserID, ent, "photo", name, f)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, out)
}

// downloadFile godoc
//
//	@Summary		查看照片
//	@Tags			文件
//	@Produce		image/jpeg
//	@Security		BearerAuth
//	@Param			id	path	int	true	"文件ID"
//	@Success		200	{file}	file
//	@Failure		404	{object}	ErrorBody	"file_not_found"
//	@Router			/api/v1/files/{id} [get]
func (s *Server) downloadFile(c echo.Context) error {
	ent, id, err := entAndID(c)
	if err != nil {
		return err
	}
	f, rc, err := s.files.Open(c.Request().Context(), ent, id)
	if err != nil {
		return err
	}
	defer rc.Close()
	c.Response().Header().Set("Cache-Control", "private, max-age=86400")
	c.Response().Header().Set("X-Content-Type-Options", "nosniff")
	return c.Stream(http.StatusOK, f.ContentType, rc)
}

var errNoFile = apperr.New(apperr.Invalid, "file_missing", "请选择要上传的文件（表单字段 file）")

// formFile opens the multipart field "file".
func formFile(c echo.Context) (multipart.File, string, error) {
	fh, err := c.FormFile("file")
	if err != nil {
		// A body without a Content-Length passes the body-limit middleware and is cut off while the form is
		// read: Echo's limited reader fails with its 413, which multipart wraps.
		var tooLarge *http.MaxBytesError
		if errors.Is(err, echo.ErrStatusRequestEntityTooLarge) || errors.As(err, &tooLarge) {
			return nil, "", apperr.ErrTooLarge
		}
		return nil, "", errNoFile
	}
	f, err := fh.Open()
	if err != nil {
		return nil, "", err
	}
	return f, fh.Filename, nil
}

// attachment sends content as a download named name; Chinese names survive through RFC 5987 encoding.
func attachment(c echo.Context, name, contentType string, r io.Reader) error {
	ascii := strings.Map(func(r rune) rune {
		if r < 0x20 || r > 0x7e || r == '"' || r == '\\' {
			return '_'
		}
		return r
	}, name)
	c.Response().Header().Set(echo.HeaderContentDisposition,
		fmt.Sprintf(`attachment; filename="%s"; filename*=UTF-8''%s`, ascii, url.PathEscape(name)))
	c.Response().Header().Set("X-Content-Type-Options", "nosniff")
	return c.Stream(http.StatusOK, contentType, r)
}

const xlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
