// Package webui carries the built SPA (frontend/dist, copied here by `make build`) inside the binary, so
// one file serves the pages and the API on one port.
package webui

import (
	"embed"
	"fmt"
	"io/fs"
	"os"
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

// Select is the SPA the server serves: the build in dir (YQYB_WEBUI_DIR) when it is set, read from disk on
// every request so that a new build placed there is what the next request gets; else the embedded one
// (nil when the binary has none). A dir without index.html is an error, not a silently empty site.
func Select(dir string) (fs.FS, error) {
	if dir == "" {
		return FS(), nil
	}
	sub := os.DirFS(dir)
	if st, err := fs.Stat(sub, "index.html"); err != nil || st.IsDir() {
		return nil, fmt.Errorf("YQYB_WEBUI_DIR=%q 不是前端构建目录：其中没有 index.html（先运行 npm run build，指向 frontend/dist）", dir)
	}
	return sub, nil
}
