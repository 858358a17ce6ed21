package api

import (
	"fmt"
	"reflect"
	"regexp"
	"runtime"
	"strings"

	"yqyb/internal/apikey"
	"yqyb/internal/auth"
	"yqyb/internal/platform/apperr"
	"yqyb/internal/platform/config"
	"yqyb/internal/rbac"
)

// What an operation's x-permission says when it names no permission code.
const (
	PermissionPublic        = "public"        // no token needed
	PermissionAuthenticated = "authenticated" // any signed-in account
)

// Operation is what the contract (openapi.yaml) says about one route beyond the handler's annotations,
// taken from the route table: its stable operationId, the permission it needs, the account kinds that can
// hold that permission, and the errors the middleware in front of the handler answers with.
type Operation struct {
	Method string
	// Path is in OpenAPI form (/api/v1/departments/{id}).
	Path string
	// ID is the operationId: the handler's name (verbNoun), so renaming a handler changes the contract.
	ID string
	// Permission is the permission code, PermissionPublic or PermissionAuthenticated.
	Permission string
	// AccountKinds are the kinds of account that can call the operation (none for a public one).
	AccountKinds []string
	// Errors are what authentication and authorization answer with before the handler runs.
	Errors []*apperr.Error
}

// pathParamPattern finds Echo path parameters (:id) to write them in OpenAPI form ({id}).
var pathParamPattern = regexp.MustCompile(`:([a-zA-Z_]+)`)

// operationVerbs are the verbs a handler's name, the operationId, may start with.
var operationVerbs = []string{"accept", "apply", "approve", "assign", "change", "create", "delete", "disable",
	"dissolve", "download", "enable", "export", "fix", "get", "import", "lift", "list", "login", "logout",
	"redeliver", "refresh", "register", "reissue", "reject", "rename", "reorder", "report", "reset", "revoke", "run", "save", "set",
	"sign", "start", "submit", "supervise", "update", "upload", "withdraw"}

// Operations lists every API route, the developer's routes included, as the contract documents it. It reads
// the route tables only, so it needs no database.
func Operations() ([]Operation, error) {
	s := &Server{deps: Deps{Config: config.Config{DevFeatures: true}}}
	var out []Operation
	seen := map[string]string{}
	for _, table := range s.routeTables() {
		for _, r := range table {
			op, err := operationOf(r)
			if err != nil {
				return nil, err
			}
			if prev, ok := seen[op.ID]; ok {
				return nil, fmt.Errorf("operationId %s names both %s and %s %s", op.ID, prev, op.Method, op.Path)
			}
			seen[op.ID] = op.Method + " " + op.Path
			out = append(out, op)
		}
	}
	return out, nil
}

func operationOf(r Route) (Operation, error) {
	op := Operation{Method: r.Method, Path: pathParamPattern.ReplaceAllString(r.Path, "{$1}")}
	// The method value's function is named yqyb/api.(*Server).listDepartments-fm.
	name := runtime.FuncForPC(reflect.ValueOf(r.Handler).Pointer()).Name()
	name = strings.TrimSuffix(name[strings.LastIndex(name, ".")+1:], "-fm")
	op.ID = name
	if !startsWithVerb(name) {
		return op, fmt.Errorf("handler %s of %s %s: name handlers verbNoun (listDepartments), the name is the operationId", name, r.Method, r.Path)
	}
	switch {
	case r.Public:
		op.Permission = PermissionPublic
		return op, nil
	case r.Perm == loggedIn:
		op.Permission = PermissionAuthenticated
		op.AccountKinds = rbac.AllKinds()
	default:
		op.Permission = r.Perm
		op.AccountKinds = rbac.Kinds(r.Perm)
		if len(op.AccountKinds) == 0 {
			return op, fmt.Errorf("%s %s needs %s, which no kind of account can hold", r.Method, r.Path, r.Perm)
		}
	}
	op.Errors = []*apperr.Error{auth.ErrTokenMissing, auth.ErrTokenInvalid, auth.ErrTokenExpired, auth.ErrTokenRevoked,
		auth.ErrKeyInvalid, auth.ErrKeyExpired, auth.ErrKeyRevoked, apikey.ErrRateLimited}
	// A key is refused while its creator must change its password, even on the routes that let a person
	// through then, and outside its scopes on any route.
	op.Errors = append(op.Errors, auth.ErrPasswordChangeRequired, errKeyScope)
	if r.Perm != loggedIn {
		op.Errors = append(op.Errors, apperr.ErrForbidden)
	}
	return op, nil
}

func startsWithVerb(name string) bool {
	for _, v := range operationVerbs {
		if rest, ok := strings.CutPrefix(name, v); ok && (rest == "" || rest[0] >= 'A' && rest[0] <= 'Z') {
			return true
		}
	}
	return false
}

// ShapeErrors are the errors any operation answers with because of the shape of its request, whatever its
// handler does: a JSON body that is missing, malformed, too large, of another type or invalid; a query
// parameter that is invalid; a path id that names nothing; and a failure on the server's side.
type ShapeErrors struct {
	JSONBody, Query, PathID, Any []*apperr.Error
}

// RequestShapeErrors returns the ShapeErrors of this server.
func RequestShapeErrors() ShapeErrors {
	return ShapeErrors{
		JSONBody: []*apperr.Error{errBadJSON, apperr.ErrValidation, apperr.ErrTooLarge, errUnsupportedType},
		Query:    []*apperr.Error{apperr.ErrValidation},
		PathID:   []*apperr.Error{apperr.ErrNotFound},
		Any:      []*apperr.Error{apperr.ErrInternal, apperr.ErrUnavailable},
	}
}

// StatusOf is the HTTP status an error of kind k answers with.
func StatusOf(k apperr.Kind) int { return statusOf[k] }
