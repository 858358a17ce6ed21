package api

import (
	"fmt"
	"io/fs"
	"net/http"
	"path"
	"strings"

	"github.com/ghodss/yaml"
	"github.com/labstack/echo/v4"
	echoSwagger "github.com/swaggo/echo-swagger"

	"yqyb/api/apidoc"
	"yqyb/internal/platform/apperr"
	"yqyb/internal/platform/config"
)

// Paths outside the API contract: the documentation itself and the SPA.
const (
	docsPath     = "/api/docs"
	contractPath = "/api/openapi.yaml"
)

// mountDocs serves the OpenAPI document and Swagger UI.
func (s *Server) mountDocs() {
	s.echo.GET(contractPath, func(c echo.Context) error {
		c.Response().Header().Set("Cache-Control", "no-cache")
		return c.Blob(http.StatusOK, "application/yaml; charset=utf-8", apidoc.OpenAPI)
	})
	index := func(c echo.Context) error { return c.Redirect(http.StatusFound, docsPath+"/index.html") }
	s.echo.GET(docsPath, index)
	s.echo.GET(docsPath+"/", index)
	// Swagger UI's own doc.json would ask swag's registry, which this binary leaves empty: answer it with
	// the same contract, as JSON.
	asJSON, err := yaml.YAMLToJSON(apidoc.OpenAPI)
	if err != nil {
		panic(fmt.Sprintf("the embedded OpenAPI document is not YAML: %v", err))
	}
	s.echo.GET(docsPath+"/doc.json", func(c echo.Context) error {
		c.Response().Header().Set("Cache-Control", "no-cache")
		return c.Blob(http.StatusOK, echo.MIMEApplicationJSONCharsetUTF8, asJSON)
	})
	// A token typed into Swagger UI is kept across reloads (in localStorage, readable by any page of this
	// origin) only on a developer's machine.
	persist := s.deps.Config.Env == config.Development
	s.echo.GET(docsPath+"/*", echoSwagger.EchoWrapHandler(
		echoSwagger.URL(contractPath), echoSwagger.DocExpansion("none"), echoSwagger.PersistAuthorization(persist)))
}

var errSPANotBuilt = apperr.New(apperr.NotFound, "spa_not_built", "前端页面未随本程序构建（请运行 make build）；接口文档见 /api/docs")

// mountSPA serves the built single-page app: files as they are (hashed assets cached for a year), and
// index.html for every other page path so that client-side routes survive a reload. API paths never fall
// through to the SPA: an unknown API path is a JSON 404.
func (s *Server) mountSPA() {
	spa := s.deps.SPA
	if !s.deps.Config.ServeSPA {
		spa = nil
	}
	handler := func(c echo.Context) error {
		p := c.Request().URL.Path
		if isAPIPath(p) {
			return errRouteNotFound
		}
		if spa == nil {
			return errSPANotBuilt
		}
		name := strings.TrimPrefix(path.Clean(p), "/")
		if name != "" {
			if st, err := fs.Stat(spa, name); err == nil && !st.IsDir() {
				if strings.HasPrefix(name, "assets/") {
					c.Response().Header().Set("Cache-Control", "public, max-age=31536000, immutable")
				}
				return echo.StaticFileHandler(name, spa)(c)
			}
			if path.Ext(name) != "" {
				// A missing file (an old asset, a typo) is a 404, not the app shell.
				return apperr.ErrNotFound
			}
		}
		c.Response().Header().Set("Cache-Control", "no-cache")
		return echo.StaticFileHandler("index.html", spa)(c)
	}
	s.echo.GET("/*", handler)
	s.echo.HEAD("/*", handler)
	s.echo.Any("/api/*", s.unknownAPI)
}

// unknownAPI answers requests that no API route takes: 405 with an Allow header when the path exists for
// other methods, else 404. (Echo would otherwise hand them to the catch-all routes.)
func (s *Server) unknownAPI(c echo.Context) error {
	p := c.Request().URL.Path
	var allowed []string
	seen := map[string]bool{}
	for _, r := range s.routes {
		if seen[r.Method] {
			continue
		}
		seen[r.Method] = true
		ctx := s.echo.NewContext(nil, nil)
		s.echo.Router().Find(r.Method, p, ctx)
		if route := ctx.Path(); route != "" && route != "/*" && route != "/api/*" {
			allowed = append(allowed, r.Method)
		}
	}
	if len(allowed) == 0 {
		return errRouteNotFound
	}
	c.Response().Header().Set(echo.HeaderAllow, strings.Join(allowed, ", "))
	return errMethodNotAllowed
}
