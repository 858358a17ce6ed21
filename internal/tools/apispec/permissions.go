package apispec

import (
	"fmt"

	"yqyb/internal/rbac"
)

// permissionFields are the response fields that carry permission codes: they refer to the PermissionCode
// enum, so a client (the SPA's generated types among them) knows every code and a typo fails its type check.
// Request fields keep plain strings: an unknown code sent there is the server's to refuse (400).
var permissionFields = []struct {
	schema, property string
	list             bool
}{
	{"Me", "permissions", true},
	{"PermissionTree", "held", true},
	{"Node", "code", false},
	{"MenuNode", "code", false},
}

// typePermissionCodes adds the PermissionCode schema — every code of the permission catalogue — and points
// the fields that carry codes at it.
func typePermissionCodes(doc map[string]any) error {
	comps, _ := doc["components"].(map[string]any)
	schemas, _ := comps["schemas"].(map[string]any)
	if schemas == nil {
		return fmt.Errorf("permission codes: the document has no schemas")
	}
	codes := rbac.Codes()
	enum := make([]any, len(codes))
	for i, c := range codes {
		enum[i] = c
	}
	schemas["PermissionCode"] = map[string]any{
		"type":        "string",
		"description": "权限码：权限目录（GET /api/v1/permissions）中的一项，如 org:dept:create。",
		"enum":        enum,
	}
	ref := map[string]any{"$ref": "#/components/schemas/PermissionCode"}
	for _, f := range permissionFields {
		s, _ := schemas[f.schema].(map[string]any)
		props, _ := s["properties"].(map[string]any)
		prop, _ := props[f.property].(map[string]any)
		if prop == nil {
			return fmt.Errorf("permission codes: no schema property %s.%s", f.schema, f.property)
		}
		if f.list {
			prop["items"] = ref
			continue
		}
		props[f.property] = ref
	}
	return nil
}
