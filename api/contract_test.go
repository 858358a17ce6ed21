package api

import (
	"context"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"yqyb/api/apidoc"
	"yqyb/internal/platform/listq"
)

// outsideContract are the routes that are deliberately not API operations: the documentation itself and the
// SPA catch-alls.
var outsideContract = map[string]bool{
	"GET /api/openapi.yaml":  true,
	"GET /api/docs":          true,
	"GET /api/docs/":         true,
	"GET /api/docs/*":        true,
	"GET /api/docs/doc.json": true,
	"GET /*":                 true,
	"HEAD /*":                true,
}

var pathParam = regexp.MustCompile(`:([a-zA-Z_]+)`)

func loadContract(t *testing.T) *openapi3.T {
	t.Helper()
	doc, err := openapi3.NewLoader().LoadFromData(apidoc.OpenAPI)
	if err != nil {
		t.Fatalf("openapi.yaml does not parse: %v", err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatalf("openapi.yaml is not valid OpenAPI 3: %v", err)
	}
	return doc
}

// TestRoutesMatchContract fails when a registered route is missing from openapi.yaml or the document lists
// an operation no route serves, and when a route's public/guarded status disagrees with its documented
// security.
func TestRoutesMatchContract(t *testing.T) {
	doc := loadContract(t)
	srv := newEnv(t).srv

	documented := map[string]*openapi3.Operation{}
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			documented[method+" "+path] = op
		}
	}
	registered := map[string]Route{}
	for _, r := range srv.Routes() {
		registered[r.Method+" "+pathParam.ReplaceAllString(r.Path, "{$1}")] = r
	}
	var missing, extra []string
	for k := range registered {
		if documented[k] == nil {
			missing = append(missing, k)
		}
	}
	for k := range documented {
		if _, ok := registered[k]; !ok {
			extra = append(extra, k)
		}
	}
	sort.Strings(missing)
	sort.Strings(extra)
	if len(missing) > 0 {
		t.Errorf("routes without an operation in openapi.yaml (add swag annotations, run make openapi): %v", missing)
	}
	if len(extra) > 0 {
		t.Errorf("operations in openapi.yaml that no route serves: %v", extra)
	}

	for k, r := range registered {
		op := documented[k]
		if op == nil {
			continue
		}
		secured := op.Security != nil && len(*op.Security) > 0
		if r.Public == secured {
			t.Errorf("%s: public=%v but documented security=%v (use @Security BearerAuth exactly on guarded routes)", k, r.Public, secured)
		}
		if op.Summary == "" || len(op.Tags) == 0 {
			t.Errorf("%s: operation needs a summary and a tag", k)
		}
		want, err := operationOf(r)
		if err != nil {
			t.Error(err)
			continue
		}
		if op.OperationID != want.ID || op.Extensions["x-permission"] != want.Permission {
			t.Errorf("%s: operationId %q, x-permission %v; the route table says %q, %q (run make openapi)",
				k, op.OperationID, op.Extensions["x-permission"], want.ID, want.Permission)
		}
		if !r.Public && op.Extensions["x-account-kinds"] == nil {
			t.Errorf("%s: a guarded operation needs x-account-kinds", k)
		}
		// Every error status has the one error shape and an example per code it can answer with.
		for status, resp := range op.Responses.Map() {
			if status < "400" {
				continue
			}
			mt := resp.Value.Content.Get("application/json")
			if mt == nil || mt.Schema == nil || mt.Schema.Ref != "#/components/schemas/Error" || len(mt.Examples) == 0 {
				t.Errorf("%s: error %s needs the Error schema and an example per code", k, status)
				continue
			}
			for code, ex := range mt.Examples {
				if v, _ := ex.Value.Value.(map[string]any); v["code"] != code || v["message"] == "" {
					t.Errorf("%s: error %s: example %s is %v", k, status, code, ex.Value.Value)
				}
			}
		}
		if !r.Public && op.Responses.Value("401") == nil {
			t.Errorf("%s: a guarded operation answers 401", k)
		}
	}
	ids := map[string]string{}
	for k, op := range documented {
		if prev, ok := ids[op.OperationID]; ok {
			t.Errorf("operationId %s is used by %s and %s", op.OperationID, prev, k)
		}
		ids[op.OperationID] = k
	}
	for name := range doc.Components.Schemas {
		if strings.Contains(name, ".") {
			t.Errorf("schema %s carries a Go package prefix", name)
		}
	}

	// Every route Echo knows is either in the route table or deliberately outside the contract.
	for _, er := range srv.echo.Routes() {
		k := er.Method + " " + pathParam.ReplaceAllString(er.Path, "{$1}")
		if _, ok := registered[k]; ok || outsideContract[k] || strings.HasSuffix(k, " /api/*") {
			continue
		}
		t.Errorf("route %s bypasses the route table", k)
	}
}

// TestPageTypesMatchListq keeps the documented page types identical in JSON shape to listq.Page.
func TestPageTypesMatchListq(t *testing.T) {
	keys := func(v any) string {
		var out []string
		rt := reflect.TypeOf(v)
		for i := 0; i < rt.NumField(); i++ {
			out = append(out, rt.Field(i).Tag.Get("json"))
		}
		return strings.Join(out, ",")
	}
	want := keys(listq.Page[int]{})
	for _, p := range []any{UserPage{}, RolePage{}, AuditPage{}, EnterprisePage{}, PostPage{}, CandidatePage{}, ChecklistPage{}, InspectionPage{}, HazardPage{}} {
		if got := keys(p); got != want {
			t.Errorf("%T has fields %s, listq.Page has %s", p, got, want)
		}
	}
}
