package storage

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

// S3Config says where the S3-compatible object store is and how to sign in to it.
type S3Config struct {
	Endpoint  string // host:port, without a scheme (minio:9000, s3.example.gov.cn:443)
	Bucket    string // must exist already; the program never creates it
	Region    string // us-east-1 when empty
	AccessKey string
	SecretKey string
	UseSSL    bool // https to the endpoint
}

// ErrBucket matches (errors.Is) the error of NewS3 and Ping when the bucket does not exist or the account may
// not use it.
var ErrBucket = errors.New("对象存储桶不存在或无权访问")

// bucketError names the bucket, and what the store said when it said something.
type bucketError struct{ bucket, detail string }

func (e bucketError) Error() string {
	msg := fmt.Sprintf("对象存储桶 %s 不存在或无权访问", e.bucket)
	if e.detail != "" {
		msg += "（" + e.detail + "）"
	}
	return msg
}

func (e bucketError) Is(target error) bool { return target == ErrBucket }

// s3PartSize is the size of the parts a long upload is cut into, and so the memory one such upload holds;
// 10,000 parts of it (the S3 limit) allow objects far larger than any upload the API accepts.
const s3PartSize = 8 << 20

// s3CheckTimeout bounds the bucket check of NewS3 when the caller's context has no deadline, so a wrong
// endpoint fails the start instead of hanging in retries.
const s3CheckTimeout = 15 * time.Second

// S3 stores objects in a bucket of an S3-compatible object store (MinIO, Ceph RGW, a cloud's S3 interface),
// so that every instance of the program sees the same files. Keys are used as object names unchanged.
type S3 struct {
	client *minio.Client
	bucket string
}

// NewS3 connects to the object store and checks that the bucket exists and the account may use it.
func NewS3(ctx context.Context, cfg S3Config) (*S3, error) {
	switch {
	case cfg.Endpoint == "":
		return nil, errors.New("对象存储地址（YQYB_S3_ENDPOINT）未设置")
	case cfg.Bucket == "":
		return nil, errors.New("对象存储桶（YQYB_S3_BUCKET）未设置")
	case cfg.AccessKey == "" || cfg.SecretKey == "":
		return nil, errors.New("对象存储账号（YQYB_S3_ACCESS_KEY、YQYB_S3_SECRET_KEY）未设置")
	}
	if strings.ContainsAny(cfg.Endpoint, "/?#@ ") {
		return nil, fmt.Errorf("对象存储地址 %q 无效：应为 主机:端口，不带 http:// 或 https://", cfg.Endpoint)
	}
	region := cfg.Region
	if region == "" {
		region = "us-east-1"
	}
	client, err := minio.New(cfg.Endpoint, &minio.Options{
		Creds:  credentials.NewStaticV4(cfg.AccessKey, cfg.SecretKey, ""),
		Secure: cfg.UseSSL,
		// A known region spares a GetBucketLocation call, which accounts limited to one bucket often may not make.
		Region: region,
	})
	if err != nil {
		return nil, fmt.Errorf("对象存储地址 %q 无效（应为 主机:端口，不带 http://）: %w", cfg.Endpoint, err)
	}
	s := &S3{client: client, bucket: cfg.Bucket}
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, s3CheckTimeout)
		defer cancel()
	}
	if err := s.Ping(ctx); err != nil {
		return nil, err
	}
	return s, nil
}

// Ping checks that the object store answers and the bucket is usable; a readiness probe can call it.
func (s *S3) Ping(ctx context.Context) error {
	ok, err := s.client.BucketExists(ctx, s.bucket)
	if err == nil && !ok {
		return bucketError{bucket: s.bucket}
	}
	if err != nil {
		switch minio.ToErrorResponse(err).StatusCode {
		case http.StatusForbidden, http.StatusUnauthorized, http.StatusNotFound:
			return bucketError{bucket: s.bucket, detail: describeS3(err)}
		}
		return fmt.Errorf("无法访问对象存储 %s: %w", s.client.EndpointURL().Host, err)
	}
	return nil
}

// Bucket is the bucket the store writes to.
func (s *S3) Bucket() string { return s.bucket }

// Put uploads r under key. S3 makes an object visible only once its upload completes, and a failed multipart
// upload is aborted, so a reader never sees half an object. A cancelled ctx stops the upload.
func (s *S3) Put(ctx context.Context, key string, r io.Reader) error {
	if err := checkKey(key); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	var body io.Reader
	var size int64
	switch rr := r.(type) {
	case *bytes.Reader: // what the services pass: the upload, already read and checked
		body, size = rr, int64(rr.Len())
	case *strings.Reader:
		body, size = rr, int64(rr.Len())
	default:
		r = contextReader{ctx, r}
		// Read up to one part: most uploads end within it and go up in one PUT of known size, which is
		// retried as a whole; only a longer stream is uploaded in parts as it is read.
		var head bytes.Buffer
		n, err := head.ReadFrom(io.LimitReader(r, s3PartSize))
		if err != nil {
			return err
		}
		body, size = bytes.NewReader(head.Bytes()), n
		if n == s3PartSize {
			body, size = io.MultiReader(bytes.NewReader(head.Bytes()), r), -1
		}
	}
	_, err := s.client.PutObject(ctx, s.bucket, key, body, size, minio.PutObjectOptions{
		ContentType: "application/octet-stream",
		PartSize:    s3PartSize,
		// Content-MD5 (a signed header) lets the store verify every request's body, over http too, instead
		// of the aws-chunked streaming signature minio-go would use without TLS; some S3-compatible stores
		// do not decode aws-chunked part uploads correctly, Content-MD5 every one of them checks.
		SendContentMd5:       true,
		DisableContentSha256: true,
	})
	if err != nil {
		if ctxErr := ctx.Err(); ctxErr != nil && !errors.Is(err, ctxErr) {
			return fmt.Errorf("%w: %w", ctxErr, err)
		}
		return err
	}
	return nil
}

// Open streams the object; a missing object is ErrNotFound, as for Local.
func (s *S3) Open(ctx context.Context, key string) (io.ReadCloser, error) {
	if err := checkKey(key); err != nil {
		return nil, err
	}
	// Core.GetObject sends the request now, so a missing object is reported here rather than on first Read.
	rc, _, _, err := minio.Core{Client: s.client}.GetObject(ctx, s.bucket, key, minio.GetObjectOptions{})
	if err != nil {
		if minio.ToErrorResponse(err).Code == minio.NoSuchKey {
			return nil, ErrNotFound
		}
		return nil, err
	}
	return rc, nil
}

// Delete removes the object; deleting a missing key is not an error, as for Local.
func (s *S3) Delete(ctx context.Context, key string) error {
	if err := checkKey(key); err != nil {
		return err
	}
	err := s.client.RemoveObject(ctx, s.bucket, key, minio.RemoveObjectOptions{})
	if err != nil && minio.ToErrorResponse(err).Code == minio.NoSuchKey {
		return nil
	}
	return err
}

// List lists the bucket's current objects (in a versioned bucket, not the older versions nor the deleted
// ones); objects under keys the stores would not make are skipped, as for Local.
func (s *S3) List(ctx context.Context, fn func(Object) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel() // stops the listing goroutine when fn fails
	for o := range s.client.ListObjects(ctx, s.bucket, minio.ListObjectsOptions{Recursive: true}) {
		if o.Err != nil {
			return o.Err
		}
		if checkKey(o.Key) != nil {
			continue
		}
		if err := fn(Object{Key: o.Key, Size: o.Size, ModTime: o.LastModified}); err != nil {
			return err
		}
	}
	return ctx.Err()
}

// describeS3 is the store's own error code and message, for an operator reading the log.
func describeS3(err error) string {
	resp := minio.ToErrorResponse(err)
	parts := []string{}
	for _, p := range []string{resp.Code, resp.Message} {
		if p != "" {
			parts = append(parts, p)
		}
	}
	if len(parts) == 0 {
		return err.Error()
	}
	return strings.Join(parts, ": ")
}
