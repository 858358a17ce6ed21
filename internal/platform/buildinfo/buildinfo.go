// Package buildinfo holds the version stamped into the binary at link time.
package buildinfo

// Version is set by the Makefile with -ldflags "-X yqyb/internal/platform/buildinfo.Version=...".
var Version = "dev"

// Name is the product's display name, shown by the API and the SPA.
const Name = "北京市安全生产事故隐患排查信息系统"
