// Package apispec produces the OpenAPI 3 contract (openapi.yaml) from the swag annotations in package api:
// swag writes Swagger 2.0, which is converted to OpenAPI 3.0 with kin-openapi, given a proper bearer
// security scheme, validated, and rendered as YAML with sorted keys so that the output is byte-for-byte
// reproducible and drift can be detected by comparison.
package apispec

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"os"
	"path/filepath"

	"github.com/getkin/kin-openapi/openapi2"
	"github.com/getkin/kin-openapi/openapi2conv"
	"github.com/getkin/kin-openapi/openapi3"
	"github.com/ghodss/yaml"
	"github.com/swaggo/swag"
)

// Outputs are the files Generate's result is written to, relative to the repository root: the contract
// integrators read, and the copy the binary embeds to serve under /api/docs.
var Outputs = []string{"openapi.yaml", filepath.Join("api", "apidoc", "openapi.yaml")}

const header = "# 本文件由 `make openapi` 根据 api/ 中的 swag 注释生成，请勿手工修改。\n"

// Generate parses the annotations under root/api (and the types they use under root/internal) and returns
// the OpenAPI 3 document as YAML.
func Generate(root string) ([]byte, error) {
	root, err := filepath.Abs(root)
	if err != nil {
		return nil, err
	}
	// Every type the annotations use lives under api/, internal/ or pkg/, so dependencies need not be
	// parsed (which would walk the standard library and take seconds).
	// The module root is the one search dir, so packages get their real import paths (which generic types
	// such as listq.Page[T] need); the directories that hold no Go API code are excluded.
	p := swag.New(swag.ParseUsingGoList(true), swag.SetDebugger(log.New(io.Discard, "", 0)),
		swag.SetExcludedDirsAndFiles("frontend,bin,data,deploy,internal/webui,cmd"))
	p.ParseInternal = true
	// Response fields are always present (nullable ones say so); optional request fields say omitempty.
	p.RequiredByDefault = true
	if err := p.ParseAPIMultiSearchDir([]string{root}, "api/doc.go", 100); err != nil {
		return nil, fmt.Errorf("swag: %w", err)
	}
	v2json, err := json.Marshal(p.GetSwagger())
	if err != nil {
		return nil, err
	}
	var v2 openapi2.T
	if err := json.Unmarshal(v2json, &v2); err != nil {
		return nil, err
	}
	doc, err := openapi2conv.ToV3(&v2)
	if err != nil {
		return nil, fmt.Errorf("convert to OpenAPI 3: %w", err)
	}
	// Swagger 2.0 can only say "an API key in a header"; integrators and generated clients understand an
	// HTTP bearer scheme better.
	if ref, ok := doc.Components.SecuritySchemes["BearerAuth"]; ok && ref.Value != nil {
		ref.Value = openapi3.NewJWTSecurityScheme().WithDescription(ref.Value.Description)
	}
	if err := describeOperations(root, doc); err != nil {
		return nil, err
	}
	v3json, err := json.Marshal(doc)
	if err != nil {
		return nil, err
	}
	var generic map[string]any
	if err := json.Unmarshal(v3json, &generic); err != nil {
		return nil, err
	}
	if err := unprefixSchemas(generic); err != nil {
		return nil, err
	}
	if err := typePermissionCodes(generic); err != nil {
		return nil, err
	}
	if err := typeFeedActions(generic); err != nil {
		return nil, err
	}
	if v3json, err = json.Marshal(generic); err != nil {
		return nil, err
	}
	final, err := openapi3.NewLoader().LoadFromData(v3json)
	if err != nil {
		return nil, err
	}
	if err := final.Validate(context.Background()); err != nil {
		return nil, fmt.Errorf("the generated document is not valid OpenAPI 3: %w", err)
	}
	y, err := yaml.JSONToYAML(v3json)
	if err != nil {
		return nil, err
	}
	return append([]byte(header), y...), nil
}

// Write generates the document and writes every output under root.
func Write(root string) error {
	doc, err := Generate(root)
	if err != nil {
		return err
	}
	for _, out := range Outputs {
		if err := os.WriteFile(filepath.Join(root, out), doc, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// Check reports which outputs under root differ from what the annotations produce.
func Check(root string) ([]string, error) {
	doc, err := Generate(root)
	if err != nil {
		return nil, err
	}
	var stale []string
	for _, out := range Outputs {
		b, err := os.ReadFile(filepath.Join(root, out))
		if err != nil || !bytes.Equal(b, doc) {
			stale = append(stale, out)
		}
	}
	return stale, nil
}
