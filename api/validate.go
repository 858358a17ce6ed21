package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"strings"
	"sync"
	"time"

	"github.com/go-playground/locales/zh"
	ut "github.com/go-playground/universal-translator"
	"github.com/go-playground/validator/v10"
	zhtrans "github.com/go-playground/validator/v10/translations/zh"
	"github.com/labstack/echo/v4"

	"yqyb/internal/platform/apperr"
	"yqyb/pkg/mobile"
	"yqyb/pkg/uscc"
)

// nameSep joins a field's JSON name and its Chinese label in the name the validator reports, so one
// validation pass yields both the JSON path (for details.fields[].field) and a Chinese message that names
// the field by its label.
const nameSep = "\x1f"

// requestValidator checks request types by their `validate` tags and explains failures in Chinese, naming
// fields by their `label` tag (falling back to the JSON name).
type requestValidator struct {
	v     *validator.Validate
	trans ut.Translator
}

func newValidator() *requestValidator {
	v := validator.New(validator.WithRequiredStructEnabled())
	loc := zh.New()
	trans, _ := ut.New(loc, loc).GetTranslator("zh")
	if err := zhtrans.RegisterDefaultTranslations(v, trans); err != nil {
		panic(err)
	}
	v.RegisterTagNameFunc(func(f reflect.StructField) string {
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" {
			return ""
		}
		if name == "" {
			name = f.Name
		}
		if label := f.Tag.Get("label"); label != "" {
			return name + nameSep + label
		}
		return name
	})
	// Product rules with their own Chinese reasons: the message says what exactly is wrong.
	custom := []struct {
		tag   string
		check func(string) error
	}{
		{"uscc", func(s string) error { return uscc.Validate(uscc.Normalize(s)) }},
		{"mobile", func(s string) error { _, err := mobile.Normalize(s); return err }},
	}
	for _, c := range custom {
		check := c.check
		v.RegisterValidation(c.tag, func(fl validator.FieldLevel) bool {
			return check(fl.Field().String()) == nil
		})
		v.RegisterTranslation(c.tag, trans, func(ut.Translator) error { return nil },
			func(_ ut.Translator, fe validator.FieldError) string {
				s, _ := fe.Value().(string)
				if err := check(s); err != nil {
					return err.Error()
				}
				return "格式不正确"
			})
	}
	return &requestValidator{v: v, trans: trans}
}

// Validate implements echo.Validator.
func (rv *requestValidator) Validate(i any) error {
	err := rv.v.Struct(i)
	var ve validator.ValidationErrors
	if err != nil && !errors.As(err, &ve) {
		return err
	}
	fields := rv.explain(ve)
	seen := make(map[string]bool, len(fields))
	for _, f := range fields {
		seen[f.Field] = true
	}
	for _, f := range blankRequired(reflect.ValueOf(i), "") {
		if !seen[f.Field] {
			fields = append(fields, f)
		}
	}
	if len(fields) == 0 {
		return nil
	}
	return apperr.Validation(fields...)
}

// blankRequired finds the required strings that hold only spaces: the validator's required accepts them,
// and the services, which trim what they store, would then save an empty name. It walks the request the
// way the validator does (nested structs, and slices marked dive) and names fields by their JSON paths.
// What it reads of a type's fields is worked out once per type (every request of a kind has the same), and
// the paths are only spelled out for what it finds.
func blankRequired(v reflect.Value, prefix string) []apperr.FieldError {
	for v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface {
		if v.IsNil() {
			return nil
		}
		v = v.Elem()
	}
	if v.Kind() != reflect.Struct || v.Type() == reflect.TypeOf(time.Time{}) {
		return nil
	}
	var out []apperr.FieldError
	for _, f := range blankFieldsOf(v.Type()) {
		fv := v.Field(f.index)
		path := func() string {
			if f.anonymous {
				return prefix
			}
			return strings.TrimPrefix(prefix+"."+f.name, ".")
		}
		switch fv.Kind() {
		case reflect.String:
			if f.required && isBlank(fv.String()) {
				out = append(out, apperr.FieldError{Field: path(), Message: f.label + "为必填字段"})
			}
		case reflect.Slice, reflect.Array:
			if !f.dive {
				continue
			}
			for j := 0; j < fv.Len(); j++ {
				el := fv.Index(j)
				if el.Kind() == reflect.String {
					if f.elemRequired && isBlank(el.String()) {
						out = append(out, apperr.FieldError{Field: fmt.Sprintf("%s[%d]", path(), j), Message: fmt.Sprintf("%s第%d项为必填字段", f.label, j+1)})
					}
					continue
				}
				// The element's own findings, named under it.
				for _, e := range blankRequired(el, "") {
					at := fmt.Sprintf("%s[%d]", path(), j)
					if e.Field != "" {
						at += "." + e.Field
					}
					e.Field = at
					out = append(out, e)
				}
			}
		case reflect.Struct, reflect.Pointer, reflect.Interface:
			out = append(out, blankRequired(fv, path())...)
		}
	}
	return out
}

// blankField is what blankRequired reads of a struct field.
type blankField struct {
	index              int
	name, label        string
	anonymous          bool
	required           bool // a string marked required
	dive, elemRequired bool // a slice whose elements are checked, strings among them marked required
}

var blankFields sync.Map // reflect.Type → []blankField

func blankFieldsOf(t reflect.Type) []blankField {
	if fs, ok := blankFields.Load(t); ok {
		return fs.([]blankField)
	}
	var fs []blankField
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if !f.IsExported() || name == "-" || f.Tag.Get("validate") == "-" {
			continue
		}
		if name == "" {
			name = f.Name
		}
		own, elems, dive := strings.Cut(f.Tag.Get("validate"), "dive")
		label := f.Tag.Get("label")
		if label == "" {
			label = name
		}
		fs = append(fs, blankField{index: i, name: name, label: label, anonymous: f.Anonymous, required: hasTag(own, "required"),
			dive: dive, elemRequired: hasTag(elems, "required")})
	}
	blankFields.Store(t, fs)
	return fs
}

func hasTag(tags, tag string) bool {
	for _, t := range strings.Split(tags, ",") {
		if strings.TrimSpace(t) == tag {
			return true
		}
	}
	return false
}

func isBlank(s string) bool { return s != "" && strings.TrimSpace(s) == "" }

func (rv *requestValidator) explain(ve validator.ValidationErrors) []apperr.FieldError {
	fields := make([]apperr.FieldError, 0, len(ve))
	for _, fe := range ve {
		msg := fe.Translate(rv.trans)
		name, label, hasLabel := strings.Cut(fe.Field(), nameSep)
		if !hasLabel {
			label = name
		}
		switch fe.Tag() {
		case "uscc", "mobile":
			// The pkg messages name their subject already (统一社会信用代码…); prefix the label only when
			// it adds something, e.g. which of several phone numbers is wrong.
			if !strings.HasPrefix(msg, label) {
				msg = label + "：" + msg
			}
		default:
			msg = strings.ReplaceAll(msg, fe.Field(), label)
		}
		fields = append(fields, apperr.FieldError{Field: jsonPath(fe.Namespace()), Message: msg})
	}
	return fields
}

// validationError explains ValidationErrors that reached the error handler without going through
// Validate (which already explains them); it keeps the Go names.
func validationError(ve validator.ValidationErrors) *apperr.Error {
	fields := make([]apperr.FieldError, 0, len(ve))
	for _, fe := range ve {
		fields = append(fields, apperr.FieldError{Field: jsonPath(fe.Namespace()), Message: fe.Error()})
	}
	return apperr.Validation(fields...)
}

// jsonPath turns "Request.items[0].name\x1f名称" into "items[0].name".
func jsonPath(ns string) string {
	_, rest, found := strings.Cut(ns, ".")
	if !found {
		rest = ns
	}
	var parts []string
	for _, p := range strings.Split(rest, ".") {
		if p != "" && p[0] >= 'A' && p[0] <= 'Z' {
			continue // an embedded struct's Go name: its fields belong to the enclosing object
		}
		if name, _, ok := strings.Cut(p, nameSep); ok {
			// An indexed field keeps its index after the label: "items\x1f明细[0]".
			idx := ""
			if j := strings.IndexByte(p, '['); j > 0 {
				idx = p[j:]
			}
			p = name + idx
		}
		parts = append(parts, p)
	}
	return strings.Join(parts, ".")
}

// bind decodes a JSON request body into v and validates it. An empty body, another content type, bad JSON,
// wrong types and rule violations each give their own clear error.
func bind(c echo.Context, v any) error {
	req := c.Request()
	ct := req.Header.Get(echo.HeaderContentType)
	if !strings.HasPrefix(strings.ToLower(ct), echo.MIMEApplicationJSON) {
		return errUnsupportedType
	}
	dec := json.NewDecoder(req.Body)
	if err := dec.Decode(v); err != nil {
		var he *echo.HTTPError
		switch {
		case errors.Is(err, io.EOF):
			return apperr.ErrBadRequest.WithMessage("请求体为空")
		case errors.As(err, &he) && he.Code == http.StatusRequestEntityTooLarge:
			return apperr.ErrTooLarge
		}
		if e := classifyDecode(err); e != nil {
			return e
		}
		return errBadJSON
	}
	if dec.More() {
		return errBadJSON.WithMessage("请求体只能包含一个 JSON 对象")
	}
	return c.Validate(v)
}
