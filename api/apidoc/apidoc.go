// Package apidoc embeds the OpenAPI document so the binary can serve it with Swagger UI. The file here is
// written by `make openapi` together with the top-level openapi.yaml; a test keeps the two identical.
package apidoc

import _ "embed"

// OpenAPI is the OpenAPI 3 document in YAML.
//
//go:embed openapi.yaml
var OpenAPI []byte
