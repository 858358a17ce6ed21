package apispec

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"net/http"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"yqyb/api"
	"yqyb/internal/platform/apperr"
)

// kinds maps the names of apperr's kinds, as written in apperr.New(apperr.NotFound, …), to the kinds.
var kinds = map[string]apperr.Kind{
	"Internal": apperr.Internal, "Invalid": apperr.Invalid, "Unauthenticated": apperr.Unauthenticated,
	"Forbidden": apperr.Forbidden, "NotFound": apperr.NotFound, "Conflict": apperr.Conflict, "Gone": apperr.Gone,
	"TooLarge": apperr.TooLarge, "Unsupported": apperr.Unsupported, "Locked": apperr.Locked,
	"TooMany": apperr.TooMany, "Unavailable": apperr.Unavailable, "NotAllowed": apperr.NotAllowed,
}

// declared is one error the code declares: its status and message.
type declared struct {
	status  int
	message string
}

// errorCatalogue reads every apperr.New(kind, "code", "message") in the product's code (api/ and
// internal/, tests and tools aside): the codes the service really answers with, by status.
func errorCatalogue(root string) (map[string][]declared, error) {
	out := map[string][]declared{}
	fset := token.NewFileSet()
	for _, dir := range []string{"api", "internal"} {
		err := filepath.WalkDir(filepath.Join(root, dir), func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() {
				if name := d.Name(); name == "tools" || name == "suites" || name == "testdata" || name == "node_modules" {
					return filepath.SkipDir
				}
				return nil
			}
			if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
				return nil
			}
			f, err := parser.ParseFile(fset, path, nil, 0)
			if err != nil {
				return err
			}
			inApperr := f.Name.Name == "apperr"
			ast.Inspect(f, func(n ast.Node) bool {
				call, ok := n.(*ast.CallExpr)
				if !ok || len(call.Args) != 3 || !isApperr(call.Fun, "New", inApperr) {
					return true
				}
				kindName := ""
				switch k := call.Args[0].(type) {
				case *ast.SelectorExpr:
					if isApperr(k, k.Sel.Name, inApperr) {
						kindName = k.Sel.Name
					}
				case *ast.Ident:
					if inApperr {
						kindName = k.Name
					}
				}
				kind, ok := kinds[kindName]
				code, okCode := stringLit(call.Args[1])
				if !ok || !okCode {
					return true
				}
				msg, _ := stringLit(call.Args[2])
				d := declared{status: api.StatusOf(kind), message: msg}
				for _, have := range out[code] {
					if have.status == d.status {
						return true
					}
				}
				out[code] = append(out[code], d)
				return true
			})
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

func isApperr(e ast.Expr, name string, inApperr bool) bool {
	switch x := e.(type) {
	case *ast.SelectorExpr:
		id, ok := x.X.(*ast.Ident)
		return ok && id.Name == "apperr" && x.Sel.Name == name
	case *ast.Ident:
		return inApperr && x.Name == name
	}
	return false
}

func stringLit(e ast.Expr) (string, bool) {
	lit, ok := e.(*ast.BasicLit)
	if !ok || lit.Kind != token.STRING {
		return "", false
	}
	s, err := strconv.Unquote(lit.Value)
	return s, err == nil
}

var errorCode = regexp.MustCompile(`^[a-z][a-z0-9]*(_[a-z0-9]+)*$`)

// annotatedCodes reads the codes a handler's @Failure annotation names: "a | b（note）" or "a, b".
func annotatedCodes(desc string) ([]string, error) {
	if i := strings.IndexAny(desc, "（("); i >= 0 {
		desc = desc[:i]
	}
	var out []string
	for _, part := range strings.FieldsFunc(desc, func(r rune) bool { return r == '|' || r == ',' }) {
		code := strings.TrimSpace(part)
		if !errorCode.MatchString(code) {
			return nil, fmt.Errorf("%q is not an error code", code)
		}
		out = append(out, code)
	}
	return out, nil
}

// describeOperations gives every operation of doc what the route table says about it — operationId,
// x-permission, x-account-kinds — and every error status it can answer with, each with an example per code
// carrying the message the code is declared with.
func describeOperations(root string, doc *openapi3.T) error {
	ops, err := api.Operations()
	if err != nil {
		return err
	}
	catalogue, err := errorCatalogue(root)
	if err != nil {
		return err
	}
	shape := api.RequestShapeErrors()
	patterns := api.PeriodPatterns()
	for key, pattern := range patterns {
		name, prop, ok := strings.Cut(key, ".")
		if !ok {
			continue
		}
		found := false
		for full, s := range doc.Components.Schemas {
			if schemaPrefix.ReplaceAllString(full, "") == name && s.Value != nil && s.Value.Properties[prop] != nil {
				s.Value.Properties[prop].Value.Pattern = pattern
				found = true
			}
		}
		if !found {
			return fmt.Errorf("pattern for %s: no such schema property", key)
		}
	}
	byKey := map[string]api.Operation{}
	for _, op := range ops {
		byKey[op.Method+" "+op.Path] = op
	}
	for path, item := range doc.Paths.Map() {
		for method, o := range item.Operations() {
			key := method + " " + path
			op, ok := byKey[key]
			if !ok {
				return fmt.Errorf("%s is documented but no route serves it", key)
			}
			delete(byKey, key)
			o.OperationID = op.ID
			if o.Extensions == nil {
				o.Extensions = map[string]any{}
			}
			o.Extensions["x-permission"] = op.Permission
			if len(op.AccountKinds) > 0 {
				o.Extensions["x-account-kinds"] = op.AccountKinds
			}

			// The errors: those the handler declares, then those of the middleware and the request's shape.
			codes := map[int][]string{}
			notes := map[int]string{}
			add := func(status int, code string) {
				for _, c := range codes[status] {
					if c == code {
						return
					}
				}
				codes[status] = append(codes[status], code)
			}
			for status, ref := range o.Responses.Map() {
				n, err := strconv.Atoi(status)
				if err != nil || n < 400 {
					continue
				}
				desc := ""
				if ref.Value != nil && ref.Value.Description != nil {
					desc = *ref.Value.Description
				}
				cs, err := annotatedCodes(desc)
				if err != nil {
					return fmt.Errorf("%s: @Failure %s: %w", key, status, err)
				}
				for _, c := range cs {
					if !declares(catalogue[c], n) {
						return fmt.Errorf("%s: @Failure %s names %s, which the code never answers with status %s", key, status, c, status)
					}
					add(n, c)
				}
				notes[n] = desc
			}
			extra := append([]*apperr.Error(nil), op.Errors...)
			if hasJSONBody(o) {
				extra = append(extra, shape.JSONBody...)
			}
			for _, p := range o.Parameters {
				switch {
				case p.Value == nil:
				case p.Value.In == openapi3.ParameterInQuery:
					extra = append(extra, shape.Query...)
					if pattern, ok := patterns[p.Value.Name]; ok && p.Value.Schema != nil && p.Value.Schema.Value != nil {
						p.Value.Schema.Value.Pattern = pattern
					}
				case p.Value.In == openapi3.ParameterInPath && (p.Value.Name == "id" || strings.HasSuffix(p.Value.Name, "_id")):
					extra = append(extra, shape.PathID...)
				}
			}
			extra = append(extra, shape.Any...)
			for _, e := range extra {
				add(api.StatusOf(e.Kind), e.Code)
			}
			for status, cs := range codes {
				o.Responses.Set(strconv.Itoa(status), &openapi3.ResponseRef{Value: errorResponse(doc, status, cs, notes[status], catalogue)})
			}
		}
	}
	// Every tag an operation uses is listed.
	var tags []string
	seenTag := map[string]bool{}
	for _, path := range doc.Paths.InMatchingOrder() {
		for _, o := range doc.Paths.Value(path).Operations() {
			for _, t := range o.Tags {
				if !seenTag[t] {
					seenTag[t] = true
					tags = append(tags, t)
				}
			}
		}
	}
	sort.Strings(tags)
	doc.Tags = nil
	for _, t := range tags {
		doc.Tags = append(doc.Tags, &openapi3.Tag{Name: t})
	}
	if len(byKey) > 0 {
		var missing []string
		for k := range byKey {
			missing = append(missing, k)
		}
		sort.Strings(missing)
		return fmt.Errorf("routes without swag annotations: %v", missing)
	}
	return nil
}

func declares(ds []declared, status int) bool {
	for _, d := range ds {
		if d.status == status {
			return true
		}
	}
	return false
}

func hasJSONBody(o *openapi3.Operation) bool {
	return o.RequestBody != nil && o.RequestBody.Value != nil && o.RequestBody.Value.Content.Get("application/json") != nil
}

// errorResponse is the response of one error status: the one error shape, an example per code. The
// examples live once under components/examples, named after the code (and the status, for a code declared
// with more than one).
func errorResponse(doc *openapi3.T, status int, codes []string, note string, catalogue map[string][]declared) *openapi3.Response {
	desc := note
	if desc == "" {
		desc = strings.Join(codes, " | ")
	} else if rest := missingFrom(note, codes); len(rest) > 0 {
		desc += " | " + strings.Join(rest, " | ")
	}
	mt := openapi3.NewMediaType().WithSchemaRef(&openapi3.SchemaRef{Ref: "#/components/schemas/Error"})
	mt.Examples = openapi3.Examples{}
	for _, c := range codes {
		msg := http.StatusText(status)
		for _, d := range catalogue[c] {
			if d.status == status {
				msg = d.message
				break
			}
		}
		name := c
		if len(catalogue[c]) > 1 {
			name = fmt.Sprintf("%s_%d", c, status)
		}
		if doc.Components.Examples == nil {
			doc.Components.Examples = openapi3.Examples{}
		}
		ex := openapi3.NewExample(map[string]any{"code": c, "message": msg})
		ex.Summary = msg
		doc.Components.Examples[name] = &openapi3.ExampleRef{Value: ex}
		mt.Examples[c] = &openapi3.ExampleRef{Ref: "#/components/examples/" + name}
	}
	return openapi3.NewResponse().WithDescription(desc).WithContent(openapi3.Content{"application/json": mt})
}

func missingFrom(note string, codes []string) []string {
	named, _ := annotatedCodes(note)
	var out []string
	for _, c := range codes {
		found := false
		for _, n := range named {
			found = found || n == c
		}
		if !found {
			out = append(out, c)
		}
	}
	return out
}

// schemaPrefix matches a Go package prefix in a component schema's name (standard.ItemInput).
var schemaPrefix = regexp.MustCompile(`^[a-z][a-z0-9]*\.`)

// unprefixSchemas renames the component schemas named after their Go package (standard.ItemInput →
// ItemInput) in the JSON form of the document, references included, and lets free-form objects hold null. A name two schemas would share is an
// error: give one of the types a `// @name` comment.
func unprefixSchemas(doc map[string]any) error {
	comps, _ := doc["components"].(map[string]any)
	schemas, _ := comps["schemas"].(map[string]any)
	renamed := map[string]string{}
	for name := range schemas {
		if schemaPrefix.MatchString(name) {
			renamed[name] = schemaPrefix.ReplaceAllString(name, "")
		}
	}
	for from, to := range renamed {
		if _, taken := schemas[to]; taken {
			return fmt.Errorf("schema %s would be renamed %s, which another schema is named: name one of the types with `// @name`", from, to)
		}
		schemas[to] = schemas[from]
		delete(schemas, from)
	}
	for from, to := range renamed {
		for other, to2 := range renamed {
			if other != from && to == to2 {
				return fmt.Errorf("schemas %s and %s would both be named %s: name one of the types with `// @name`", from, other, to)
			}
		}
	}
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			// A free-form object (map[string]any) holds any value, null included, which OpenAPI 3.0's
			// empty schema does not admit and "nullable" needs a type for.
			if ap, ok := x["additionalProperties"].(map[string]any); ok && len(ap) == 0 {
				x["additionalProperties"] = map[string]any{"anyOf": []any{
					map[string]any{"type": "string", "nullable": true}, map[string]any{"type": "number"},
					map[string]any{"type": "boolean"}, map[string]any{"type": "object", "additionalProperties": true},
					map[string]any{"type": "array", "items": map[string]any{}},
				}}
			}
			if ref, ok := x["$ref"].(string); ok {
				if name, ok := strings.CutPrefix(ref, "#/components/schemas/"); ok {
					if to, ok := renamed[name]; ok {
						x["$ref"] = "#/components/schemas/" + to
					}
				}
			}
			for _, c := range x {
				walk(c)
			}
		case []any:
			for _, c := range x {
				walk(c)
			}
		}
	}
	walk(doc)
	return nil
}
