package api

import (
	"bytes"
	"fmt"
	"io"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strconv"
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

// mountSPA serves the built single-page app: files as they are, and index.html for every other page path so
// that client-side routes survive a reload. API paths never fall through to the SPA: an unknown API path is a
// JSON 404. Hashed assets (assets/, their names change with their content) are cached for a year and sent in
// the build's precompressed form (.br, .gz) when the browser takes it; everything else (index.html, the
// service worker, the web app manifest, the icons) is revalidated on every use, so that a new deployment is
// seen at once.
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
				return serveSPAFile(c, spa, name)
			}
			if path.Ext(name) != "" {
				// A missing file (an old asset, a typo) is a 404, not the app shell.
				return apperr.ErrNotFound
			}
		}
		return serveSPAFile(c, spa, "index.html")
	}
	s.echo.GET("/*", handler)
	s.echo.HEAD("/*", handler)
	s.echo.Any("/api/*", s.unknownAPI)
}

// hashedAsset reports the build's content-hashed files: their name changes whenever their content does.
func hashedAsset(name string) bool { return strings.HasPrefix(name, "assets/") }

// spaTypes are the content types Go's table may lack (the container image has no /etc/mime.types).
var spaTypes = map[string]string{
	".js":          "text/javascript; charset=utf-8",
	".mjs":         "text/javascript; charset=utf-8",
	".css":         "text/css; charset=utf-8",
	".html":        "text/html; charset=utf-8",
	".svg":         "image/svg+xml",
	".png":         "image/png",
	".json":        "application/json",
	".webmanifest": "application/manifest+json",
	".woff2":       "font/woff2",
	".woff":        "font/woff",
	".ttf":         "font/ttf",
	".ico":         "image/x-icon",
}

// precompressed are the encodings the build writes beside a hashed asset, in order of preference.
var precompressed = []struct{ coding, ext string }{{"br", ".br"}, {"gzip", ".gz"}}

// precompressedVariant returns the file to send for a hashed asset and its Content-Encoding: the smallest
// encoding the browser accepts that the build wrote, or the asset itself ("").
func precompressedVariant(spa fs.FS, name, acceptEncoding string) (file, coding string) {
	if !hashedAsset(name) {
		return name, ""
	}
	for _, p := range precompressed {
		if !acceptsEncoding(acceptEncoding, p.coding) {
			continue
		}
		if st, err := fs.Stat(spa, name+p.ext); err == nil && !st.IsDir() {
			return name + p.ext, p.coding
		}
	}
	return name, ""
}

// hasPrecompressed reports whether the build wrote a compressed copy of the asset at path p; the on-the-fly
// gzip middleware leaves those requests alone (the answer is already compressed, or the browser wants none).
func hasPrecompressed(spa fs.FS, p string) bool {
	if spa == nil {
		return false
	}
	name := strings.TrimPrefix(path.Clean(p), "/")
	if !hashedAsset(name) {
		return false
	}
	for _, v := range precompressed {
		if _, err := fs.Stat(spa, name+v.ext); err == nil {
			return true
		}
	}
	return false
}

// acceptsEncoding reads an Accept-Encoding header (RFC 9110 §12.5.3): coding is acceptable when it is listed,
// or "*" is, with a q-value above 0.
func acceptsEncoding(header, coding string) bool {
	star := false
	for _, part := range strings.Split(header, ",") {
		token, params, _ := strings.Cut(part, ";")
		token = strings.ToLower(strings.TrimSpace(token))
		if token != coding && token != "*" {
			continue
		}
		q := 1.0
		for _, param := range strings.Split(params, ";") {
			k, v, ok := strings.Cut(strings.TrimSpace(param), "=")
			if ok && strings.EqualFold(strings.TrimSpace(k), "q") {
				if f, err := strconv.ParseFloat(strings.TrimSpace(v), 64); err == nil {
					q = f
				} else {
					q = 0
				}
			}
		}
		if token == coding {
			return q > 0
		}
		star = q > 0
	}
	return star
}

// serveSPAFile sends one file of the build with its caching rule and, for a hashed asset, its best
// precompressed form.
func serveSPAFile(c echo.Context, spa fs.FS, name string) error {
	req, res := c.Request(), c.Response()
	file, coding := precompressedVariant(spa, name, req.Header.Get(echo.HeaderAcceptEncoding))
	f, err := spa.Open(file)
	if err != nil {
		return apperr.ErrNotFound
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return err
	}
	body, ok := f.(io.ReadSeeker)
	if !ok {
		// Both fs.FS kinds the server uses (embed, os.DirFS) give seekable files; anything else is read whole.
		b, err := io.ReadAll(f)
		if err != nil {
			return err
		}
		body = bytes.NewReader(b)
	}
	h := res.Header()
	if hashedAsset(name) {
		h.Set("Cache-Control", "public, max-age=31536000, immutable")
		if hasPrecompressed(spa, name) {
			// The gzip middleware, which says so for everything else, skips these.
			h.Add(echo.HeaderVary, echo.HeaderAcceptEncoding)
		}
	} else {
		h.Set("Cache-Control", "no-cache")
	}
	if t, ok := spaTypes[path.Ext(name)]; ok {
		h.Set(echo.HeaderContentType, t)
	} else if t := mime.TypeByExtension(path.Ext(name)); t != "" {
		h.Set(echo.HeaderContentType, t)
	}
	if coding != "" {
		h.Set(echo.HeaderContentEncoding, coding)
	}
	http.ServeContent(res, req, name, st.ModTime(), body)
	return nil
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
