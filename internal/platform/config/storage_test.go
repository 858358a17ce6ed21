package config

import (
	"reflect"
	"strings"
	"testing"
)

func TestLoadStorage(t *testing.T) {
	s3 := func(extra map[string]string) map[string]string {
		m := map[string]string{
			"YQYB_STORAGE": "s3", "YQYB_S3_ENDPOINT": "minio:9000", "YQYB_S3_BUCKET": "yqyb",
			"YQYB_S3_ACCESS_KEY": "yqyb-app", "YQYB_S3_SECRET_KEY": "s3cr3t",
		}
		for k, v := range extra {
			m[k] = v
		}
		return m
	}
	tests := []struct {
		name    string
		env     map[string]string
		want    Config // the storage fields only
		wantErr string // substring of the error; empty: no error
	}{
		{name: "default is local", env: map[string]string{},
			want: Config{Storage: StorageLocal, S3Region: "us-east-1", S3UseSSL: true}},
		{name: "local ignores incomplete S3 settings", env: map[string]string{"YQYB_STORAGE": "local", "YQYB_S3_BUCKET": "x"},
			want: Config{Storage: StorageLocal, S3Bucket: "x", S3Region: "us-east-1", S3UseSSL: true}},
		{name: "s3 with defaults", env: s3(nil),
			want: Config{Storage: StorageS3, S3Endpoint: "minio:9000", S3Bucket: "yqyb", S3Region: "us-east-1",
				S3AccessKey: "yqyb-app", S3SecretKey: "s3cr3t", S3UseSSL: true}},
		{name: "s3 with every setting, case and spaces", env: s3(map[string]string{"YQYB_STORAGE": " S3 ", "YQYB_S3_ENDPOINT": "s3.example.gov.cn:443",
			"YQYB_S3_REGION": "cn-north-1", "YQYB_S3_USE_SSL": "false", "YQYB_S3_SECRET_KEY": " s3cr3t\n"}),
			want: Config{Storage: StorageS3, S3Endpoint: "s3.example.gov.cn:443", S3Bucket: "yqyb", S3Region: "cn-north-1",
				S3AccessKey: "yqyb-app", S3SecretKey: "s3cr3t", S3UseSSL: false}},
		{name: "endpoint without port", env: s3(map[string]string{"YQYB_S3_ENDPOINT": "s3.example.gov.cn"}),
			want: Config{Storage: StorageS3, S3Endpoint: "s3.example.gov.cn", S3Bucket: "yqyb", S3Region: "us-east-1",
				S3AccessKey: "yqyb-app", S3SecretKey: "s3cr3t", S3UseSSL: true}},
		{name: "IPv6 endpoint", env: s3(map[string]string{"YQYB_S3_ENDPOINT": "[fd00::1]:9000"}),
			want: Config{Storage: StorageS3, S3Endpoint: "[fd00::1]:9000", S3Bucket: "yqyb", S3Region: "us-east-1",
				S3AccessKey: "yqyb-app", S3SecretKey: "s3cr3t", S3UseSSL: true}},

		{name: "unknown storage", env: map[string]string{"YQYB_STORAGE": "nfs"}, wantErr: `YQYB_STORAGE="nfs" 无效`},
		{name: "s3 without anything", env: map[string]string{"YQYB_STORAGE": "s3"},
			wantErr: "YQYB_STORAGE=s3 时必须设置 YQYB_S3_ENDPOINT、YQYB_S3_BUCKET、YQYB_S3_ACCESS_KEY、YQYB_S3_SECRET_KEY"},
		{name: "s3 without endpoint", env: s3(map[string]string{"YQYB_S3_ENDPOINT": ""}), wantErr: "必须设置 YQYB_S3_ENDPOINT"},
		{name: "s3 without bucket", env: s3(map[string]string{"YQYB_S3_BUCKET": " "}), wantErr: "必须设置 YQYB_S3_BUCKET"},
		{name: "s3 without access key", env: s3(map[string]string{"YQYB_S3_ACCESS_KEY": ""}), wantErr: "必须设置 YQYB_S3_ACCESS_KEY"},
		{name: "s3 without secret key", env: s3(map[string]string{"YQYB_S3_SECRET_KEY": ""}), wantErr: "必须设置 YQYB_S3_SECRET_KEY"},
		{name: "endpoint is a URL", env: s3(map[string]string{"YQYB_S3_ENDPOINT": "https://s3.example.gov.cn"}), wantErr: "YQYB_S3_ENDPOINT"},
		{name: "endpoint with a path", env: s3(map[string]string{"YQYB_S3_ENDPOINT": "minio:9000/yqyb"}), wantErr: "YQYB_S3_ENDPOINT"},
		{name: "endpoint with a bad port", env: s3(map[string]string{"YQYB_S3_ENDPOINT": "minio:http"}), wantErr: "YQYB_S3_ENDPOINT"},
		{name: "endpoint port out of range", env: s3(map[string]string{"YQYB_S3_ENDPOINT": "minio:70000"}), wantErr: "YQYB_S3_ENDPOINT"},
		{name: "endpoint with credentials", env: s3(map[string]string{"YQYB_S3_ENDPOINT": "user@minio:9000"}), wantErr: "YQYB_S3_ENDPOINT"},
		{name: "bad bucket name", env: s3(map[string]string{"YQYB_S3_BUCKET": "Yqyb_Files"}), wantErr: "YQYB_S3_BUCKET"},
		{name: "bad use ssl", env: s3(map[string]string{"YQYB_S3_USE_SSL": "yes please"}), wantErr: "YQYB_S3_USE_SSL"},
		{name: "bad use ssl with local storage", env: map[string]string{"YQYB_S3_USE_SSL": "maybe"}, wantErr: "YQYB_S3_USE_SSL"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.env["YQYB_DATA_DIR"] = t.TempDir()
			c, err := Load(env(tc.env))
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("Load = %v, want an error containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got := Config{Storage: c.Storage, S3Endpoint: c.S3Endpoint, S3Bucket: c.S3Bucket, S3Region: c.S3Region,
				S3AccessKey: c.S3AccessKey, S3SecretKey: c.S3SecretKey, S3UseSSL: c.S3UseSSL}
			if !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("storage settings = %+v, want %+v", got, tc.want)
			}
		})
	}
}

// TestStorageVarsDocumented: every variable loadStorage reads is in the Vars table, with the default Load
// applies.
func TestStorageVarsDocumented(t *testing.T) {
	want := map[string]string{
		"YQYB_STORAGE": StorageLocal, "YQYB_S3_ENDPOINT": "", "YQYB_S3_BUCKET": "", "YQYB_S3_REGION": "us-east-1",
		"YQYB_S3_ACCESS_KEY": "", "YQYB_S3_SECRET_KEY": "", "YQYB_S3_USE_SSL": "true",
	}
	for _, v := range Vars {
		def, ok := want[v.Name]
		if !ok {
			continue
		}
		delete(want, v.Name)
		if def != "" && v.Default != def {
			t.Errorf("Vars: %s default %q, Load uses %q", v.Name, v.Default, def)
		}
		if v.Description == "" {
			t.Errorf("Vars: %s has no description", v.Name)
		}
	}
	for name := range want {
		t.Errorf("Vars does not list %s", name)
	}
}
