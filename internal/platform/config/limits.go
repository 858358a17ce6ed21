package config

import (
	"fmt"
	"strconv"
	"strings"
)

// loadLimits reads the limits that keep one tenant from filling shared storage.
func (c *Config) loadLimits(get func(name, def string) string) error {
	v := get("YQYB_UPLOAD_DAILY_QUOTA", "2G")
	n, err := parseBytes(v)
	if err != nil {
		return fmt.Errorf("YQYB_UPLOAD_DAILY_QUOTA=%q 无效：应为字节数，可带 K、M、G 后缀，如 2G、500M；0 表示不限", v)
	}
	c.UploadDailyQuota = n
	return nil
}

// parseBytes reads a size such as 500M or 2G (binary multiples); a bare number is bytes.
func parseBytes(v string) (int64, error) {
	mult := int64(1)
	switch strings.ToUpper(v[len(v)-1:]) {
	case "K":
		mult = 1 << 10
	case "M":
		mult = 1 << 20
	case "G":
		mult = 1 << 30
	}
	if mult > 1 {
		v = v[:len(v)-1]
	}
	n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
	if err != nil || n < 0 || n > (1<<62)/mult {
		return 0, fmt.Errorf("bad size %q", v)
	}
	return n * mult, nil
}
