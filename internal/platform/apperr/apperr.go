// Package apperr defines the one kind of error the product shows to its users: a stable machine code, a
// Chinese message and optional details, classified by a Kind that the HTTP layer maps to a status.
//
// Domains declare their errors as package-level sentinels built with New, return them (or a copy with
// details from WithDetails), and tests compare them with errors.Is, which matches on the code.
package apperr

import (
	"errors"
	"maps"
)

// Kind classifies an error for the transport layer.
type Kind int

// The kinds, named after what the caller did wrong (or what went wrong on our side).
const (
	Internal        Kind = iota // a bug or an unexpected failure; never shown in detail
	Invalid                     // the request is malformed or breaks a rule of the input
	Unauthenticated             // no or bad credentials
	Forbidden                   // authenticated but not allowed
	NotFound                    // the thing does not exist for this caller
	Conflict                    // the request clashes with the current state
	Gone                        // the thing existed but can no longer be changed (e.g. a closed period)
	TooLarge                    // the request body or upload is too big
	Unsupported                 // an upload's type is not accepted
	Locked                      // the account is locked
	TooMany                     // rate limited
	Unavailable                 // a dependency (the database) is down; retry later
	NotAllowed                  // the method is not supported on this resource
)

// Error is a classified error with a stable code and a Chinese message.
type Error struct {
	Kind    Kind
	Code    string
	Message string
	Details map[string]any
	cause   error
}

// New declares an error. Codes are snake_case, stable across releases, and documented in the API.
func New(kind Kind, code, message string) *Error {
	return &Error{Kind: kind, Code: code, Message: message}
}

func (e *Error) Error() string {
	if e.cause != nil {
		return e.Code + ": " + e.Message + ": " + e.cause.Error()
	}
	return e.Code + ": " + e.Message
}

// Unwrap exposes the cause for logging and errors.Is on the underlying error.
func (e *Error) Unwrap() error { return e.cause }

// Is matches any *Error with the same code, so a sentinel matches its copies with details.
func (e *Error) Is(target error) bool {
	var t *Error
	if errors.As(target, &t) {
		return t.Code == e.Code
	}
	return false
}

// WithDetails returns a copy carrying extra details merged over the existing ones.
func (e *Error) WithDetails(d map[string]any) *Error {
	c := *e
	c.Details = make(map[string]any, len(e.Details)+len(d))
	maps.Copy(c.Details, e.Details)
	maps.Copy(c.Details, d)
	return &c
}

// WithMessage returns a copy with a more specific message (e.g. naming the record concerned).
func (e *Error) WithMessage(msg string) *Error {
	c := *e
	c.Message = msg
	return &c
}

// Wrap returns a copy that records the underlying cause for the logs; the cause is never shown to users.
func (e *Error) Wrap(cause error) *Error {
	c := *e
	c.cause = cause
	return &c
}

// As extracts the *Error from err's chain.
func As(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}

// Errors every domain shares.
var (
	ErrInternal     = New(Internal, "internal_error", "服务器内部错误，请稍后重试")
	ErrBadRequest   = New(Invalid, "bad_request", "请求格式不正确")
	ErrValidation   = New(Invalid, "validation_failed", "提交的数据有误，请检查后重试")
	ErrUnauthorized = New(Unauthenticated, "unauthorized", "请先登录")
	ErrForbidden    = New(Forbidden, "forbidden", "没有执行此操作的权限")
	ErrNotFound     = New(NotFound, "not_found", "请求的资源不存在")
	ErrConflict     = New(Conflict, "conflict", "数据已被修改，请刷新后重试")
	ErrTooLarge     = New(TooLarge, "payload_too_large", "请求内容过大")
	ErrUnavailable  = New(Unavailable, "service_unavailable", "服务暂时不可用，请稍后重试")
	ErrTooMany      = New(TooMany, "too_many_requests", "请求过于频繁，请稍后再试")
)

// FieldError is one bad field of a request, as listed in details.fields of a validation error.
type FieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// Validation builds a validation_failed error listing the bad fields in order.
func Validation(fields ...FieldError) *Error {
	return ErrValidation.WithDetails(map[string]any{"fields": fields})
}
