package config

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestJWTKeys(t *testing.T) {
	strongA := "3f9c1a7be04d28e6a5c9b1f0d7e2a4c86b3d9e1f0a5c7b2d4e6f8a0c1b3d5e7f"
	strongB := "a8e2c4f6b1d3e5a7c9b0d2f4e6a8c1b3d5f7e9a0c2b4d6f8e1a3c5b7d9f0e2a4"
	tests := []struct {
		name string
		env  map[string]string
		want []JWTKey // nil: an error is expected
		err  string   // part of the error message
	}{
		{"keys, the first signs", map[string]string{"YQYB_JWT_KEYS": "k202611:" + strongA + ",k202605:" + strongB},
			[]JWTKey{{"k202611", strongA}, {"k202605", strongB}}, ""},
		{"spaces around items", map[string]string{"YQYB_JWT_KEYS": " new.1:abc , old_2:def "},
			[]JWTKey{{"new.1", "abc"}, {"old_2", "def"}}, ""},
		{"secret alone is the key default", map[string]string{"YQYB_JWT_SECRET": "given"}, []JWTKey{{"default", "given"}}, ""},
		{"production keys", map[string]string{"YQYB_ENV": "production", "YQYB_JWT_KEYS": "a:" + strongA + ",b:" + strongB},
			[]JWTKey{{"a", strongA}, {"b", strongB}}, ""},
		{"both set", map[string]string{"YQYB_JWT_KEYS": "k1:abc", "YQYB_JWT_SECRET": "given"}, nil, "不能同时设置 YQYB_JWT_KEYS 和 YQYB_JWT_SECRET"},
		{"missing colon", map[string]string{"YQYB_JWT_KEYS": "k1" + strongA}, nil, "缺少冒号"},
		{"empty kid", map[string]string{"YQYB_JWT_KEYS": ":" + strongA}, nil, "kid \"\" 无效"},
		{"kid with a space", map[string]string{"YQYB_JWT_KEYS": "k 1:" + strongA}, nil, "无效"},
		{"kid with a slash", map[string]string{"YQYB_JWT_KEYS": "k/1:" + strongA}, nil, "无效"},
		{"kid too long", map[string]string{"YQYB_JWT_KEYS": strings.Repeat("k", 33) + ":" + strongA}, nil, "无效"},
		{"duplicate kid", map[string]string{"YQYB_JWT_KEYS": "k1:" + strongA + ",k1:" + strongB}, nil, "kid \"k1\" 重复"},
		{"empty item", map[string]string{"YQYB_JWT_KEYS": "k1:" + strongA + ",,k2:" + strongB}, nil, "第 2 项为空"},
		{"empty secret", map[string]string{"YQYB_JWT_KEYS": "k1:"}, nil, "密钥为空"},
		{"production short key", map[string]string{"YQYB_ENV": "production", "YQYB_JWT_KEYS": "new:" + strongA + ",old:abc123"},
			nil, "YQYB_JWT_KEYS 的密钥 old 太短"},
		{"production well-known key", map[string]string{"YQYB_ENV": "production", "YQYB_JWT_KEYS": "k1:please-change-this-secret-in-production"},
			nil, "公开的示例值"},
		{"production repetitive key", map[string]string{"YQYB_ENV": "production", "YQYB_JWT_KEYS": "k1:" + strongA + ",k2:" + strings.Repeat("ab", 20)},
			nil, "YQYB_JWT_KEYS 的密钥 k2 字符种类太少"},
		{"production short secret", map[string]string{"YQYB_ENV": "production", "YQYB_JWT_SECRET": "abc123"}, nil, "YQYB_JWT_SECRET 太短"},
		{"production without either", map[string]string{"YQYB_ENV": "production"}, nil, "YQYB_JWT_KEYS（或 YQYB_JWT_SECRET）未设置"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			tt.env["YQYB_DATA_DIR"] = dir
			c, err := Load(env(tt.env))
			if tt.want == nil {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("Load error = %v, want mention of %q", err, tt.err)
				}
				if strings.Contains(tt.name, "production") && !errors.Is(err, ErrWeakSecret) {
					t.Fatalf("a weak production key should be ErrWeakSecret: %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(c.JWTKeys, tt.want) || !reflect.DeepEqual(c.SigningKeys(), tt.want) {
				t.Fatalf("JWTKeys = %v, SigningKeys = %v, want %v", c.JWTKeys, c.SigningKeys(), tt.want)
			}
			if _, err := os.Stat(filepath.Join(dir, "secret")); !errors.Is(err, os.ErrNotExist) {
				t.Fatalf("a secret file was written although keys were given")
			}
		})
	}
}

func TestJWTKeysGeneratedInDevelopment(t *testing.T) {
	c, err := Load(env(map[string]string{"YQYB_DATA_DIR": t.TempDir()}))
	if err != nil {
		t.Fatal(err)
	}
	if len(c.JWTKeys) != 1 || c.JWTKeys[0].ID != DefaultJWTKeyID || c.JWTKeys[0].Secret != c.JWTSecret || len(c.JWTSecret) != 64 {
		t.Fatalf("JWTKeys = %v, JWTSecret = %q", c.JWTKeys, c.JWTSecret)
	}
	// A Config built in code with only a secret (tests, tools) signs with it as "default".
	if got := (Config{JWTSecret: "s"}).SigningKeys(); !reflect.DeepEqual(got, []JWTKey{{DefaultJWTKeyID, "s"}}) {
		t.Fatalf("SigningKeys = %v", got)
	}
}

func TestJWTKeysDocumented(t *testing.T) {
	for _, v := range Vars {
		if v.Name == "YQYB_JWT_KEYS" {
			return
		}
	}
	t.Fatal("Vars does not list YQYB_JWT_KEYS")
}
