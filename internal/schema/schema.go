// Package schema assembles the product's migrations: the SQL files of package database and the Go
// migrations that load reference data (the industry template standards). Every tool that migrates a
// database — the binary, the test helpers — takes them from here.
package schema

import (
	"yqyb/internal/platform/database"
	"yqyb/internal/standard"
)

// Migrations returns every migration in order.
func Migrations() ([]database.Migration, error) {
	return database.LoadMigrations(database.Migrations(), standard.TemplateMigration())
}
