package config

import (
	"fmt"
	"net"
	"regexp"
	"strconv"
	"strings"
)

// File storage back-ends, the values of YQYB_STORAGE.
const (
	StorageLocal = "local" // files under StorageDir
	StorageS3    = "s3"    // an S3-compatible object store (S3* fields)
)

// bucketName is the shape S3 allows for a bucket name (3 to 63 lower-case letters, digits, dots, hyphens).
var bucketName = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$`)

// loadStorage reads YQYB_STORAGE and YQYB_S3_*; s3 needs the endpoint, the bucket and both keys.
func (c *Config) loadStorage(get func(name, def string) string) error {
	c.Storage = strings.ToLower(get("YQYB_STORAGE", StorageLocal))
	c.S3Endpoint = get("YQYB_S3_ENDPOINT", "")
	c.S3Bucket = get("YQYB_S3_BUCKET", "")
	c.S3Region = get("YQYB_S3_REGION", "us-east-1")
	c.S3AccessKey = get("YQYB_S3_ACCESS_KEY", "")
	c.S3SecretKey = get("YQYB_S3_SECRET_KEY", "")
	var err error
	if c.S3UseSSL, err = parseBool("YQYB_S3_USE_SSL", get("YQYB_S3_USE_SSL", "true")); err != nil {
		return err
	}
	switch c.Storage {
	case StorageLocal:
		return nil
	case StorageS3:
	default:
		return fmt.Errorf("YQYB_STORAGE=%q 无效：应为 %s 或 %s", c.Storage, StorageLocal, StorageS3)
	}
	var missing []string
	for _, v := range []struct{ name, value string }{
		{"YQYB_S3_ENDPOINT", c.S3Endpoint}, {"YQYB_S3_BUCKET", c.S3Bucket},
		{"YQYB_S3_ACCESS_KEY", c.S3AccessKey}, {"YQYB_S3_SECRET_KEY", c.S3SecretKey},
	} {
		if v.value == "" {
			missing = append(missing, v.name)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("YQYB_STORAGE=s3 时必须设置 %s", strings.Join(missing, "、"))
	}
	if !validEndpoint(c.S3Endpoint) {
		return fmt.Errorf("YQYB_S3_ENDPOINT=%q 无效：应为 主机:端口，如 minio:9000，不带 http:// 或 https://（是否加密由 YQYB_S3_USE_SSL 决定）", c.S3Endpoint)
	}
	if !bucketName.MatchString(c.S3Bucket) {
		return fmt.Errorf("YQYB_S3_BUCKET=%q 无效：桶名为 3 到 63 个小写字母、数字、点或连字符", c.S3Bucket)
	}
	return nil
}

// validEndpoint accepts host or host:port, without a scheme, a path or credentials.
func validEndpoint(ep string) bool {
	if strings.Contains(ep, "://") || strings.ContainsAny(ep, "/?#@ \t") {
		return false
	}
	host, port := ep, ""
	if strings.Contains(ep, ":") {
		var err error
		if host, port, err = net.SplitHostPort(ep); err != nil {
			return false
		}
		if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
			return false
		}
	}
	return host != ""
}
