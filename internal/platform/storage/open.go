package storage

import (
	"context"
	"fmt"

	"yqyb/internal/platform/config"
)

// Open returns the store the configuration selects (YQYB_STORAGE): the local directory StorageDir, or the
// S3-compatible bucket, which it checks is reachable and usable before returning.
func Open(ctx context.Context, cfg config.Config) (Store, error) {
	switch cfg.Storage {
	case config.StorageLocal, "":
		return NewLocal(cfg.StorageDir)
	case config.StorageS3:
		return NewS3(ctx, S3Config{
			Endpoint: cfg.S3Endpoint, Bucket: cfg.S3Bucket, Region: cfg.S3Region,
			AccessKey: cfg.S3AccessKey, SecretKey: cfg.S3SecretKey, UseSSL: cfg.S3UseSSL,
		})
	default:
		return nil, fmt.Errorf("YQYB_STORAGE=%q 无效：应为 %s 或 %s", cfg.Storage, config.StorageLocal, config.StorageS3)
	}
}
