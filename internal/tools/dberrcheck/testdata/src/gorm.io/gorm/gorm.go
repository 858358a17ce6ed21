// Package gorm is the shape of gorm.DB the check looks for, enough to type-check the cases.
package gorm

type DB struct{ Error error }

func (db *DB) Table(string) *DB                     { return db }
func (db *DB) Count(*int64) *DB                     { return db }
func (db *DB) Exec(string, ...any) *DB              { return db }
func (db *DB) Rollback() *DB                        { return db }
func (db *DB) Transaction(func(tx *DB) error) error { return nil }
