// Package webui carries the built SPA (frontend/dist, copied here by `make build`) inside the binary, so
// one file serves the pages and the API on one port.
package webui

import (
	"embed"
	"io/fs"
)

// dist holds the build output; the committed .keep file lets the package compile before the SPA is built.
//
//go:embed all:dist
var dist embed.FS

// FS returns the built SPA, or nil when the binary was built without it.
func FS() fs.FS {
	sub, err := fs.Sub(dist, "dist")
	if err != nil {
		return nil
	}
	if _, err := fs.Stat(sub, "index.html"); err != nil {
		return nil
	}
	return sub
}
