// Package logging builds the process logger (log/slog): human-readable text in development, JSON in
// production, at the configured level. Loggers are passed in, never kept in globals.
package logging

import (
	"io"
	"log/slog"
)

// New returns a logger writing to w in the given format ("text" or "json") at the given level.
func New(w io.Writer, format, level string) *slog.Logger {
	opts := &slog.HandlerOptions{Level: ParseLevel(level)}
	if format == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// ParseLevel maps a config level name to a slog level; unknown names mean info (config validates them).
func ParseLevel(s string) slog.Level {
	switch s {
	case "debug":
		return slog.LevelDebug
	case "warn":
		return slog.LevelWarn
	case "error":
		return slog.LevelError
	}
	return slog.LevelInfo
}

// Discard is a logger that drops everything, for tests that do not look at logs.
func Discard() *slog.Logger { return slog.New(slog.DiscardHandler) }
