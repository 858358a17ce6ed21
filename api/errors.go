package api

import (
	"context"
	"database/sql/driver"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strconv"

	"github.com/go-playground/validator/v10"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/labstack/echo/v4"
	"gorm.io/gorm"

	"yqyb/internal/platform/apperr"
)

// ErrorBody is the one shape of every error response.
type ErrorBody struct {
	Code    string         `json:"code" example:"validation_failed"`
	Message string         `json:"message" example:"提交的数据有误，请检查后重试"`
	Details map[string]any `json:"details,omitempty"`
} // @name Error

var statusOf = map[apperr.Kind]int{
	apperr.Internal:        http.StatusInternalServerError,
	apperr.Invalid:         http.StatusBadRequest,
	apperr.Unauthenticated: http.StatusUnauthorized,
	apperr.Forbidden:       http.StatusForbidden,
	apperr.NotFound:        http.StatusNotFound,
	apperr.Conflict:        http.StatusConflict,
	apperr.Gone:            http.StatusGone,
	apperr.TooLarge:        http.StatusRequestEntityTooLarge,
	apperr.Unsupported:     http.StatusUnsupportedMediaType,
	apperr.Locked:          http.StatusLocked,
	apperr.TooMany:         http.StatusTooManyRequests,
	apperr.Unavailable:     http.StatusServiceUnavailable,
	apperr.NotAllowed:      http.StatusMethodNotAllowed,
}

// Errors of the HTTP layer itself.
var (
	errRouteNotFound    = apperr.New(apperr.NotFound, "route_not_found", "接口不存在")
	errMethodNotAllowed = apperr.New(apperr.NotAllowed, "method_not_allowed", "接口不支持该请求方法")
	errUnsupportedType  = apperr.New(apperr.Unsupported, "unsupported_media_type", "请求内容类型不受支持，请使用 application/json")
	errBadJSON          = apperr.New(apperr.Invalid, "bad_request", "请求体不是有效的 JSON")
)

// classify turns any error a handler or middleware returns into a product error.
func classify(err error) *apperr.Error {
	if e, ok := apperr.As(err); ok {
		return e
	}
	var he *echo.HTTPError
	if errors.As(err, &he) {
		if he.Internal != nil {
			if e := classifyDecode(he.Internal); e != nil {
				return e
			}
		}
		switch he.Code {
		case http.StatusNotFound:
			return errRouteNotFound
		case http.StatusMethodNotAllowed:
			return errMethodNotAllowed
		case http.StatusRequestEntityTooLarge:
			return apperr.ErrTooLarge
		case http.StatusUnsupportedMediaType:
			return errUnsupportedType
		case http.StatusBadRequest:
			return apperr.ErrBadRequest
		case http.StatusUnauthorized:
			return apperr.ErrUnauthorized
		case http.StatusForbidden:
			return apperr.ErrForbidden
		case http.StatusTooManyRequests:
			return apperr.ErrTooMany
		case http.StatusServiceUnavailable:
			return apperr.ErrUnavailable
		}
		return apperr.ErrInternal.Wrap(err)
	}
	var ve validator.ValidationErrors
	if errors.As(err, &ve) {
		return validationError(ve)
	}
	if e := classifyDecode(err); e != nil {
		return e
	}
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return apperr.ErrNotFound
	}
	if unstorableText(err) {
		return errUnstorableText
	}
	if unavailable(err) {
		return apperr.ErrUnavailable.Wrap(err)
	}
	return apperr.ErrInternal.Wrap(err)
}

func classifyDecode(err error) *apperr.Error {
	var typeErr *json.UnmarshalTypeError
	if errors.As(err, &typeErr) {
		field := typeErr.Field
		if field == "" {
			field = "body"
		}
		return apperr.Validation(apperr.FieldError{Field: field, Message: fmt.Sprintf("类型不正确，应为%s", jsonKind(typeErr.Type.Kind().String()))})
	}
	var syn *json.SyntaxError
	if errors.As(err, &syn) {
		return errBadJSON.WithDetails(map[string]any{"offset": syn.Offset})
	}
	return nil
}

func jsonKind(goKind string) string {
	switch goKind {
	case "string":
		return "字符串"
	case "bool":
		return "布尔值"
	case "slice", "array":
		return "数组"
	case "struct", "map", "ptr":
		return "对象"
	case "int", "int8", "int16", "int32", "int64", "uint", "uint8", "uint16", "uint32", "uint64":
		return "整数"
	case "float32", "float64":
		return "数字"
	}
	return goKind
}

// errUnstorableText answers text PostgreSQL refuses to store or compare, such as a NUL character (\u0000)
// in a JSON string or a query parameter: the client sent it, so it is the client's error, not a 500.
var errUnstorableText = apperr.New(apperr.Invalid, "invalid_character", "提交的内容包含无法保存的字符（如空字符），请删除后重试")

// unstorableText reports PostgreSQL's refusal of a character: 22021 character_not_in_repertoire (NUL or
// invalid UTF-8) and 22P05 untranslatable_character.
func unstorableText(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && (pe.Code == "22021" || pe.Code == "22P05")
}

// unavailable reports errors that mean the database (or another dependency) cannot be reached right now:
// the client should retry, and the process must not treat it as a bug.
func unavailable(err error) bool {
	if errors.Is(err, driver.ErrBadConn) || errors.Is(err, context.DeadlineExceeded) {
		return true
	}
	// The server went away mid-conversation: pgx answers a bare io.ErrUnexpectedEOF for the statement whose
	// reply was cut off, and pgconn.ErrConnClosed for the next use of that connection. (Request bodies never
	// get here with these: bind and formFile map their own read errors first.)
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, pgconn.ErrConnClosed) {
		return true
	}
	var ce *pgconn.ConnectError
	if errors.As(err, &ce) {
		return true
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		// Class 08 is connection exceptions; 57P01–57P03 are the server shutting down or starting up.
		return len(pe.Code) == 5 && (pe.Code[:2] == "08" || pe.Code == "57P01" || pe.Code == "57P02" || pe.Code == "57P03")
	}
	var ne net.Error
	return errors.As(err, &ne)
}

// errorHandler writes every failure in the one error shape. Internal errors are logged with the request id
// and shown only as a generic message that carries the id, so support can find the log line.
func errorHandler(log *slog.Logger) echo.HTTPErrorHandler {
	return func(err error, c echo.Context) {
		if c.Response().Committed {
			return
		}
		e := classify(err)
		status := statusOf[e.Kind]
		rid := c.Response().Header().Get(echo.HeaderXRequestID)
		body := ErrorBody{Code: e.Code, Message: e.Message, Details: e.Details}
		switch {
		case e.Kind == apperr.Internal:
			log.ErrorContext(c.Request().Context(), "internal error", "request_id", rid, "method", c.Request().Method,
				"path", c.Request().URL.Path, "err", err)
			body = ErrorBody{Code: apperr.ErrInternal.Code, Message: apperr.ErrInternal.Message + "（请求编号 " + rid + "）",
				Details: map[string]any{"request_id": rid}}
		case e.Kind == apperr.Unavailable:
			log.WarnContext(c.Request().Context(), "dependency unavailable", "request_id", rid, "path", c.Request().URL.Path, "err", err)
			c.Response().Header().Set("Retry-After", "5")
		case e.Kind == apperr.TooMany:
			// A refusal that knows when to come back (details.retry_after_seconds) says it in the standard header too.
			if s, ok := e.Details["retry_after_seconds"].(int); ok && s > 0 {
				c.Response().Header().Set("Retry-After", strconv.Itoa(s))
			}
		}
		if c.Request().Method == http.MethodHead {
			err = c.NoContent(status)
		} else {
			err = c.JSON(status, body)
		}
		if err != nil {
			log.ErrorContext(c.Request().Context(), "write error response", "request_id", rid, "err", err)
		}
	}
}
