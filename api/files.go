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
