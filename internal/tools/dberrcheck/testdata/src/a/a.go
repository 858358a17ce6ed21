package a

import (
	"context"
	"database/sql"

	"gorm.io/gorm"
)

func revoke(tx *gorm.DB, id int64) error { return nil }

func pure(id int64) error { return nil }

func cases(db *gorm.DB, sqldb *sql.DB) error {
	var n int64
	db.Table("users").Count(&n)                            // want `the error of this GORM call is not read`
	_ = db.Exec("DELETE FROM t")                           // want `the error of this GORM call is not read`
	defer db.Exec("SELECT 1")                              // want `the error of this GORM call is not read`
	revoke(db, 1)                                          // want `the error of this database call is not read`
	db.Transaction(func(tx *gorm.DB) error { return nil }) // want `the error of this database call is not read`
	sqldb.ExecContext(context.Background(), "SELECT 1")    // want `the error of this database call is not read`

	// Read, deliberately ignored, or not a database call: nothing to report.
	if err := db.Table("users").Count(&n).Error; err != nil {
		return err
	}
	res := db.Exec("UPDATE t SET a = 1")
	_ = revoke(db, 2)
	_, _ = sqldb.ExecContext(context.Background(), "SELECT 1")
	pure(3)
	defer db.Rollback()
	defer sqldb.Close()
	return res.Error
}
