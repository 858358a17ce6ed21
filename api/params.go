package api

import (
	"fmt"
	"maps"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"yqyb/internal/platform/apperr"
	"yqyb/internal/platform/clock"
)

// idParam reads a numeric path id. A malformed id names nothing, so it is not found rather than invalid.
func idParam(c echo.Context, name string) (int64, error) {
	id, err := strconv.ParseInt(c.Param(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, apperr.ErrNotFound
	}
	return id, nil
}

// queryID reads an optional numeric filter; 0 when absent.
func queryID(c echo.Context, name, label string) (int64, error) {
	raw := c.QueryParam(name)
	if raw == "" {
		return 0, nil
	}
	id, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || id <= 0 {
		return 0, apperr.Validation(apperr.FieldError{Field: name, Message: label + "应为正整数"})
	}
	return id, nil
}

// queryEnum reads an optional filter that must be one of the allowed values.
func queryEnum(c echo.Context, name, label string, allowed ...string) (string, error) {
	raw := c.QueryParam(name)
	if raw == "" {
		return "", nil
	}
	for _, a := range allowed {
		if raw == a {
			return raw, nil
		}
	}
	return "", apperr.Validation(apperr.FieldError{Field: name, Message: label + "取值无效"})
}

// The years a date filter may name.
const (
	minQueryYear = 2000
	maxQueryYear = 2100
)

// queryDate reads an optional calendar date (YYYY-MM-DD) in the business zone: the instant it starts, or,
// with endOfDay, the instant the day after starts (an exclusive upper bound).
func queryDate(c echo.Context, name, label string, endOfDay bool) (time.Time, error) {
	raw := c.QueryParam(name)
	if raw == "" {
		return time.Time{}, nil
	}
	d, err := time.ParseInLocation(time.DateOnly, raw, clock.Business)
	if err != nil {
		return time.Time{}, apperr.Validation(apperr.FieldError{Field: name, Message: label + "应为日期，格式 YYYY-MM-DD"})
	}
	// Far dates name no business period and overflow what an answer can carry (year 10000 has no RFC 3339
	// form); the product's data lies well inside this range.
	if d.Year() < minQueryYear || d.Year() > maxQueryYear {
		return time.Time{}, apperr.Validation(apperr.FieldError{Field: name,
			Message: fmt.Sprintf("%s应在%d年至%d年之间", label, minQueryYear, maxQueryYear)})
	}
	if endOfDay {
		d = d.AddDate(0, 0, 1)
	}
	return d, nil
}

// entAndID returns the caller's enterprise and the path id: the pair every enterprise-scoped handler
// starts from.
func entAndID(c echo.Context) (int64, int64, error) {
	ent, err := enterpriseOf(c)
	if err != nil {
		return 0, 0, err
	}
	id, err := idParam(c, "id")
	return ent, id, err
}

// periodPatterns are the formats of the period parameters, which the contract states as patterns (swag
// cannot annotate a parameter's pattern): a report's period is a quarter or a year, a checklist period's key
// is a day, an ISO week, a half-month, a month or a quarter. Keys name query parameters, or a request
// schema's property as Schema.property.
var periodPatterns = map[string]string{
	"period":                 `^\d{4}(-Q[1-4])?$`,
	"SignReportInput.period": `^\d{4}(-Q[1-4])?$`,
	"period_key":             `^\d{4}-(\d{2}|\d{2}-\d{2}|\d{2}-H[12]|W\d{2}|Q[1-4])$`,
}

// PeriodPatterns returns the patterns of the period parameters, for the contract.
func PeriodPatterns() map[string]string { return maps.Clone(periodPatterns) }
