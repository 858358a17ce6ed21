// Package config reads the product's configuration from environment variables, fills in defaults that let
// the program run with no configuration at all (embedded SQLite, a generated secret kept in the data
// directory), and refuses unsafe settings in production mode.
package config

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Mode names.
const (
	Development = "development"
	Production  = "production"
)

// Config is everything the program reads from its environment. The table in Vars is the single source of
// the variable names, defaults and descriptions; the README lists the same table.
type Config struct {
	Env         string // development or production
	Addr        string // listen address HOST:PORT
	DatabaseURL string // postgres://... or sqlite:PATH; empty means SQLite under DataDir
	ReplicaURL  string // optional read-only PostgreSQL replica for dashboards and reports
	// ReplicaMaxLag is how far behind the primary the replica may be before its reads go to the primary.
	ReplicaMaxLag time.Duration
	DataDir       string        // where the embedded database, the generated secret and files live
	JWTSecret     string        // YQYB_JWT_SECRET (or the generated secret): the single key "default"
	JWTKeys       []JWTKey      // access-token keys, the signing one first (see jwtkeys.go)
	StorageDir    string        // root of the local file store
	LogLevel      string        // debug, info, warn, error
	LogFormat     string        // text or json
	CORSOrigins   []string      // origins allowed to call the API from a separately hosted SPA
	BodyLimit     string        // maximum request body, e.g. 20M
	AutoMigrate   bool          // apply pending migrations when serve starts
	ServeSPA      bool          // serve the embedded SPA on the same port
	WebUIDir      string        // serve the SPA from this directory instead of the embedded copy; empty: embedded
	MetricsAddr   string        // address of the Prometheus metrics listener; empty means none
	PprofAddr     string        // loopback address of the pprof listener; empty means none
	DBMaxOpen     int           // connection pool size
	DBMaxIdle     int           // idle connections kept
	DBMaxLife     time.Duration // maximum lifetime of a pooled connection
	ShutdownWait  time.Duration // how long SIGTERM waits for in-flight requests

	// MigrationLockTimeout bounds a migration's wait for a lock on PostgreSQL; zero waits without limit.
	MigrationLockTimeout time.Duration

	// BenchFloor adds, in development only, GET /api/v1/dev/floor: authentication, the session check and one
	// permission check, then 204 and nothing else, the floor `make bench` measures the endpoints against.
	BenchFloor bool
	// WebhookAllow is YQYB_WEBHOOK_ALLOW: the internal addresses (CIDRs, addresses, host names) webhook
	// deliveries may reach; internal/webhook parses it.
	WebhookAllow string
	// WebhookLogDays is YQYB_WEBHOOK_LOG_DAYS: how many days finished webhook delivery attempts are kept in
	// an endpoint's delivery log (0: kept for ever).
	WebhookLogDays int
	// DevFeatures turns on what only a developer's own machine may offer: the unauthenticated development
	// routes (moving the clock, running the jobs now). LoadServe sets it for development mode on a loopback
	// listen address; it is never set in production.
	DevFeatures bool
	// Warnings are settings serve accepts but reports (it logs them at start).
	Warnings []string

	// Storage selects the file store: StorageLocal (under StorageDir) or StorageS3 (the S3 fields; see storage.go).
	Storage     string
	S3Endpoint  string // host:port, no scheme
	S3Bucket    string // must exist
	S3Region    string
	S3AccessKey string
	S3SecretKey string
	S3UseSSL    bool

	AccessTTL      time.Duration // lifetime of an access token
	RefreshTTL     time.Duration // an unused refresh token expires after this
	SessionMaxAge  time.Duration // a login session ends this long after login
	LockThreshold  int           // consecutive failed logins that lock an account
	LockDuration   time.Duration // how long a lockout lasts
	LoginPerIP     int           // login attempts allowed per IP per minute (0: unlimited)
	TrustedProxies []string      // CIDRs of reverse proxies whose X-Forwarded-For and X-Request-ID are believed

	// LockEscalation are the durations of a second, third, … lockout that follows the previous one within a
	// day (the last repeats); the first lasts LockDuration.
	LockEscalation []time.Duration
	// InitialPasswordTTL is how long a derived initial password (FAQ 23) works after it was issued.
	InitialPasswordTTL time.Duration

	// UploadDailyQuota bounds the bytes of photos one enterprise uploads per day (Beijing time); 0: no bound.
	UploadDailyQuota int64

	// FakeNow and ClockOffset move the server's clock, outside production only, so demos and browser tests
	// can stand at a period boundary.
	FakeNow     time.Time
	ClockOffset time.Duration

	// NotifyURL is the direct PostgreSQL connection the session cache LISTENs on (default DatabaseURL).
	NotifyURL string
	// SessionCacheSize bounds the sessions one instance caches: 0 the default, negative none.
	SessionCacheSize int
	// SessionCacheTTL is the longest a cached session is used without reading it again.
	SessionCacheTTL time.Duration

	// InspectionRetentionYears is YQYB_INSPECTION_RETENTION_YEARS: months of inspections that ended at
	// least this many years ago are detached from the partitioned tables (PostgreSQL) for archiving; 0 keeps all.
	InspectionRetentionYears int

	// SecretGenerated is true when the secret was created on this start (first run); serve logs it.
	SecretGenerated bool
}

// Var documents one environment variable.
type Var struct {
	Name, Default, Description string
}

// Vars lists every variable the program reads, with its default and meaning.
var Vars = []Var{
	{"YQYB_ENV", "(空：监听回环地址时为 development，否则拒绝启动)", "运行模式：development 或 production。production 下必须提供足够强的 JWT 签名密钥（YQYB_JWT_KEYS 或 YQYB_JWT_SECRET），日志为 JSON，禁止开发用接口。不设置时，serve 只在监听本机回环地址（127.0.0.1、::1、localhost）时按开发模式启动，监听其他地址则拒绝启动；开发用接口（调整时钟、立即运行定时任务）只在回环地址上提供，显式设置 development 而监听其他地址时这些接口不存在"},
	{"YQYB_ADDR", "127.0.0.1:8080", "监听地址 HOST:PORT；`serve --addr` 优先"},
	{"DATABASE_URL", "(空：使用数据目录下的 SQLite 文件)", "postgres://user:pass@host:5432/db?sslmode=disable 切换到 PostgreSQL；也可写 sqlite:/path/to/file.db"},
	{"YQYB_DATABASE_REPLICA_URL", "(空：统计也读主库)", "只读副本（PostgreSQL 流复制备库）的地址；监管看板、监管查看的企业统计和报表从这里读；企业自己的页面、写入和变更流始终走主库。备库不可用、不是备库或落后超过 YQYB_REPLICA_MAX_LAG 时改读主库（日志记一行，指标 yqyb_replica_fallback_reads_total 计数），不返回错误"},
	{"YQYB_REPLICA_MAX_LAG", "30s", "只读副本最多落后主库多久仍可读（按主库 WAL 位置与备库回放位置比较，主库空闲时不算落后）；超过即改读主库，追上后自动恢复读备库"},
	{"YQYB_NOTIFY_DATABASE_URL", "(空：同 DATABASE_URL)", "会话缓存接收撤销通知（LISTEN/NOTIFY）所用的 PostgreSQL 直连地址；DATABASE_URL 经过事务模式的连接池（如 PgBouncer pool_mode=transaction）时必须设置为直连主库的地址，因为事务模式下无法 LISTEN"},
	{"YQYB_BENCH_FLOOR", "false", "仅开发模式（make bench 使用）：提供 GET /api/v1/dev/floor，只做令牌校验、会话检查和一次权限检查（排查权限 hz:inspect）后返回 204，作为压测各接口的对照下限；生产模式设置即拒绝启动"},
	{"YQYB_SESSION_CACHE_SIZE", "100000", "每个实例缓存的登录会话数上限（最近最少使用者先出），每个约 0.5 KB；0 表示不缓存，每个请求都查数据库。PostgreSQL 上只在通知连接正常时使用缓存，连接中断时清空并绕过缓存直到重新 LISTEN 成功"},
	{"YQYB_INSPECTION_RETENTION_YEARS", "0", "仅 PostgreSQL：排查记录（按上报周期结束的月份分区）保留年数。每日的分区维护任务把整月都早于这么多年的月分区（inspections_pYYYYMM 与 inspection_answers_pYYYYMM）从表中分离（DETACH，不删除）并记日志，由运维用 pg_dump 归档后删除，见 deploy/README.md。分离后这些月份的排查记录不再出现在任何页面和统计中（隐患台账保留）。0 表示全部保留"},
	{"YQYB_SESSION_CACHE_TTL", "5m", "缓存的会话最长使用多久后重新查库（撤销、改密、停用、权限变更通过通知立即生效，不等这个时间）"},
	{"YQYB_DATA_DIR", "./data", "数据目录：内置 SQLite 文件、自动生成的密钥、默认文件存储都在这里"},
	{"YQYB_JWT_KEYS", "(空：使用 YQYB_JWT_SECRET)", "访问令牌签名密钥列表 kid1:密钥1,kid2:密钥2：第一个用于签发，全部用于校验（按令牌头部的 kid 查找），用于不停机轮换密钥；kid 为 1–32 个字母、数字或 ._-，不得重复；生产模式下每个密钥至少 32 字节；不能与 YQYB_JWT_SECRET 同时设置"},
	{"YQYB_JWT_SECRET", "(空：开发模式下自动生成并保存在数据目录 secret 文件)", "单个访问令牌签名密钥（kid 为 default），至少 32 字节；生产模式下与 YQYB_JWT_KEYS 二者必设其一（推荐 YQYB_JWT_KEYS）"},
	{"YQYB_STORAGE_DIR", "$YQYB_DATA_DIR/files", "上传文件（岗位责任制、隐患照片）的本地存储目录"},
	{"YQYB_STORAGE", "local", "文件存储方式：local（存在 YQYB_STORAGE_DIR，仅适合单实例）或 s3（S3 兼容对象存储，多实例部署必须用它）"},
	{"YQYB_S3_ENDPOINT", "(空)", "对象存储地址 主机:端口，如 minio:9000、s3.example.gov.cn:443，不带 http://；YQYB_STORAGE=s3 时必填"},
	{"YQYB_S3_BUCKET", "(空)", "存放上传文件的桶，须事先建好（启动时检查，不存在或无权访问则拒绝启动）；YQYB_STORAGE=s3 时必填"},
	{"YQYB_S3_REGION", "us-east-1", "对象存储的区域；MinIO、Ceph 等一般保持默认"},
	{"YQYB_S3_ACCESS_KEY", "(空)", "对象存储账号的 Access Key（建议只授权该桶）；YQYB_STORAGE=s3 时必填"},
	{"YQYB_S3_SECRET_KEY", "(空)", "对象存储账号的 Secret Key；YQYB_STORAGE=s3 时必填"},
	{"YQYB_S3_USE_SSL", "true", "是否用 HTTPS 连接对象存储；仅在内网专用网络中可设为 false"},
	{"YQYB_LOG_LEVEL", "info", "日志级别：debug、info、warn、error"},
	{"YQYB_LOG_FORMAT", "text（生产模式为 json）", "日志格式：text 或 json"},
	{"YQYB_CORS_ORIGINS", "(空：不允许跨域)", "单独部署前端时允许的来源，逗号分隔，如 https://yh.example.gov.cn"},
	{"YQYB_BODY_LIMIT", "20M", "请求体大小上限"},
	{"YQYB_WEBHOOK_ALLOW", "(空：只推送到公网地址)", "事件推送（webhook）允许到达的内部地址，逗号分隔的网段、地址或主机名，如 10.20.0.0/16,hooks.internal。默认拒绝推送到本机回环、链路本地（含 169.254.169.254）、内网和共享地址，解析域名后、建立连接时检查，不跟随重定向；放行的地址或主机也可用 http://，其余只能用 https://"},
	{"YQYB_WEBHOOK_LOG_DAYS", "30", "事件推送记录（推送日志）保留天数：送达或已放弃超过这么多天的推送记录由推送任务定期删除（每小时一次），仍在等待重试的不删；0 表示永久保留"},
	{"YQYB_AUTO_MIGRATE", "开发模式 true，生产模式 false", "serve 启动时是否自动执行数据库迁移"},
	{"YQYB_MIGRATION_LOCK_TIMEOUT", "5s", "PostgreSQL 上迁移等待表锁的最长时间（lock_timeout）：超时则该迁移回滚并报错，而不是排在长事务后面阻塞这张表的全部读写；稍后重新执行即可。0 表示一直等待。并发建索引（CONCURRENTLY）不受此限制"},
	{"YQYB_SERVE_SPA", "true", "是否在同一端口提供内置前端页面"},
	{"YQYB_WEBUI_DIR", "(空：使用内置前端)", "从该目录（npm run build 的输出 frontend/dist）提供前端页面，代替程序内置的一份；供开发和浏览器测试试验新版前端（如新版本提示），目录中须有 index.html。生产部署不需要设置"},
	{"YQYB_METRICS", "(已废弃)", "已废弃：指标不再在业务端口的 /metrics 提供，改由 YQYB_METRICS_ADDR 的独立端口提供。设为 true 而未设置 YQYB_METRICS_ADDR 时 serve 拒绝启动；设为 false 等同于不设置 YQYB_METRICS_ADDR"},
	{"YQYB_METRICS_ADDR", "(空：不提供指标)", "Prometheus 指标的独立监听地址 HOST:PORT，路径 /metrics，如 127.0.0.1:9090；Kubernetes 中用 0.0.0.0:9090 供集群内 Prometheus 按 Pod 地址采集（Service 与 Ingress 不转发该端口）。不能与业务端口相同；业务端口上没有 /metrics"},
	{"YQYB_PPROF_ADDR", "(空：不开启)", "性能剖析（Go pprof）监听地址，只能是回环 IP（不接受主机名），如 127.0.0.1:6060 或 [::1]:6060；与业务端口分开，供运维排查性能问题时临时开启"},
	{"YQYB_DB_MAX_OPEN_CONNS", "20", "数据库连接池最大连接数"},
	{"YQYB_DB_MAX_IDLE_CONNS", "10", "数据库连接池最大空闲连接数"},
	{"YQYB_DB_CONN_MAX_LIFETIME", "30m", "连接最长存活时间"},
	{"YQYB_SHUTDOWN_TIMEOUT", "30s", "收到 SIGTERM 后等待进行中请求完成的最长时间"},
	{"YQYB_ACCESS_TOKEN_TTL", "15m", "访问令牌有效期"},
	{"YQYB_REFRESH_TOKEN_TTL", "168h", "刷新令牌闲置多久后失效（每次刷新都会轮换）"},
	{"YQYB_SESSION_MAX_AGE", "720h", "一次登录会话的最长时间，到期须重新登录"},
	{"YQYB_LOCKOUT_THRESHOLD", "5", "连续输错密码多少次锁定账号"},
	{"YQYB_LOCKOUT_DURATION", "15m", "账号锁定时长"},
	{"YQYB_LOCKOUT_ESCALATION", "1h,24h", "再次锁定（距上次锁定结束不足 24 小时）时的锁定时长，逗号分隔：第 2 次、第 3 次……，最后一项重复使用；企业管理账号与企业用户账号共用一个失败计数"},
	{"YQYB_INITIAL_PASSWORD_TTL", "720h", "按公式生成的企业初始密码（FAQ 23）自下发起的有效期，过期未修改即失效，须由属地监管部门重新下发"},
	{"YQYB_LOGIN_RATE_PER_MINUTE", "30", "每个 IP 每分钟允许的登录尝试次数（0 表示不限）"},
	{"YQYB_TRUSTED_PROXIES", "(空：直接取连接地址)", "可信反向代理的网段（逗号分隔 CIDR），只有来自这些地址的 X-Forwarded-For 和 X-Request-ID 才被采信（请求 ID 还须为 1–64 个字母、数字或 ._:-，否则另行生成）"},
	{"YQYB_UPLOAD_DAILY_QUOTA", "2G", "每家企业每天（北京时间）上传照片的总量上限，可带 K、M、G 后缀；超过后当天的上传被拒绝（upload_quota_exceeded），0 表示不限。上传后 3 天仍未用于任何隐患或排查记录的照片由定时任务清理"},
	{"YQYB_FAKE_NOW", "(空)", "仅开发模式：启动时把服务器时钟拨到该时刻（RFC 3339，或北京时间 2006-01-02 15:04:05）后继续走时；生产模式设置即拒绝启动"},
	{"YQYB_CLOCK_OFFSET", "(空)", "仅开发模式：服务器时钟的偏移量，如 -36h、15m；生产模式设置即拒绝启动"},
}

// MinSecretLen is the shortest JWT secret production mode accepts.
const MinSecretLen = 32

// wellKnownSecrets are secrets that appear in tutorials and sample files; production refuses them even when
// they are long enough.
var wellKnownSecrets = []string{
	"secret", "changeme", "change-me", "changeit", "your-secret-key", "your-256-bit-secret", "jwt-secret",
	"jwtsecret", "mysecret", "supersecret", "default", "password", "123456", "12345678", "admin", "test",
	"development", "yqyb", "please-change-this-secret-in-production", "replace-me-with-a-long-random-string",
}

// Lookup reads one variable; os.LookupEnv in production, a map in tests.
type Lookup func(string) (string, bool)

// Load reads the configuration. It creates the data directory and, in development mode without a secret,
// generates one and keeps it there so that tokens survive restarts.
func Load(lookup Lookup) (Config, error) { return load(lookup, false, "") }

// LoadServe is Load for `yqyb serve` listening on addr (empty: YQYB_ADDR or its default). Before anything is
// written to the data directory it settles what depends on the listen address:
//
//   - YQYB_ENV unset is development on a loopback address (127.0.0.1, ::1, localhost), so `make run` needs no
//     setting; on any other address the server refuses to start and says what to set, since a development
//     server answers unauthenticated requests that move its clock (back-filling closed periods).
//   - The development features (DevFeatures) are served on a loopback address only: explicit development
//     on another address serves without them, with a warning.
//   - The metrics listener (YQYB_METRICS_ADDR) is not the API's port, and the retired YQYB_METRICS switch
//     does not silently lose an operator's metrics.
func LoadServe(lookup Lookup, addr string) (Config, error) { return load(lookup, true, addr) }

func load(lookup Lookup, serve bool, addr string) (Config, error) {
	get := func(name, def string) string {
		if v, ok := lookup(name); ok && strings.TrimSpace(v) != "" {
			return strings.TrimSpace(v)
		}
		return def
	}
	if addr == "" {
		addr = get("YQYB_ADDR", "127.0.0.1:8080")
	}
	envSet := get("YQYB_ENV", "") != ""
	c := Config{
		Env:          get("YQYB_ENV", Development),
		Addr:         addr,
		DatabaseURL:  get("DATABASE_URL", ""),
		ReplicaURL:   get("YQYB_DATABASE_REPLICA_URL", ""),
		NotifyURL:    get("YQYB_NOTIFY_DATABASE_URL", ""),
		DataDir:      get("YQYB_DATA_DIR", "data"),
		LogLevel:     strings.ToLower(get("YQYB_LOG_LEVEL", "info")),
		BodyLimit:    get("YQYB_BODY_LIMIT", "20M"),
		WebhookAllow: get("YQYB_WEBHOOK_ALLOW", ""),
	}
	// The secret is not trimmed: surrounding spaces would be part of the key the operator chose.
	c.JWTSecret, _ = lookup("YQYB_JWT_SECRET")
	if c.Env != Development && c.Env != Production {
		return c, fmt.Errorf("YQYB_ENV=%q 无效：应为 %s 或 %s", c.Env, Development, Production)
	}
	prod := c.Env == Production
	c.StorageDir = get("YQYB_STORAGE_DIR", filepath.Join(c.DataDir, "files"))
	if err := c.loadStorage(get); err != nil {
		return c, err
	}
	c.LogFormat = strings.ToLower(get("YQYB_LOG_FORMAT", map[bool]string{true: "json", false: "text"}[prod]))
	if o := get("YQYB_CORS_ORIGINS", ""); o != "" {
		for _, s := range strings.Split(o, ",") {
			if s = strings.TrimSpace(s); s != "" {
				c.CORSOrigins = append(c.CORSOrigins, s)
			}
		}
	}
	var err error
	if c.AutoMigrate, err = parseBool("YQYB_AUTO_MIGRATE", get("YQYB_AUTO_MIGRATE", strconv.FormatBool(!prod))); err != nil {
		return c, err
	}
	if c.MigrationLockTimeout, err = parseDuration("YQYB_MIGRATION_LOCK_TIMEOUT", get("YQYB_MIGRATION_LOCK_TIMEOUT", "5s")); err != nil {
		return c, err
	}
	if c.MetricsAddr = get("YQYB_METRICS_ADDR", ""); c.MetricsAddr != "" {
		if _, port, err := net.SplitHostPort(c.MetricsAddr); err != nil || !numericPort(port) {
			return c, fmt.Errorf("YQYB_METRICS_ADDR=%q 无效：应为 HOST:PORT，如 127.0.0.1:9090", c.MetricsAddr)
		}
	}
	if c.PprofAddr = get("YQYB_PPROF_ADDR", ""); c.PprofAddr != "" {
		// Profiles reveal code paths and memory contents, so the listener never leaves the machine. Only a
		// literal loopback IP is taken: a name such as localhost goes through /etc/hosts and DNS.
		host, _, err := net.SplitHostPort(c.PprofAddr)
		if err != nil || !LoopbackIP(host) {
			return c, fmt.Errorf("YQYB_PPROF_ADDR=%q 无效：只能监听回环地址，如 127.0.0.1:6060", c.PprofAddr)
		}
	}
	if c.ReplicaURL != "" && (!isPostgres(c.ReplicaURL) || !isPostgres(c.DatabaseURL)) {
		return c, fmt.Errorf("YQYB_DATABASE_REPLICA_URL 只能与 PostgreSQL 主库（DATABASE_URL=postgres://...）一起使用，且本身须为 postgres:// 地址")
	}
	if c.NotifyURL == "" {
		c.NotifyURL = c.DatabaseURL
	} else if !isPostgres(c.NotifyURL) || !isPostgres(c.DatabaseURL) {
		return c, fmt.Errorf("YQYB_NOTIFY_DATABASE_URL 只能与 PostgreSQL 主库（DATABASE_URL=postgres://...）一起使用，且本身须为 postgres:// 地址")
	}
	if c.BenchFloor, err = parseBool("YQYB_BENCH_FLOOR", get("YQYB_BENCH_FLOOR", "false")); err != nil {
		return c, err
	}
	if c.BenchFloor && prod {
		return c, fmt.Errorf("生产模式拒绝启动：YQYB_BENCH_FLOOR 只用于压测（make bench）")
	}
	if c.SessionCacheSize, err = parseInt("YQYB_SESSION_CACHE_SIZE", get("YQYB_SESSION_CACHE_SIZE", "100000")); err != nil {
		return c, err
	}
	if c.SessionCacheSize <= 0 {
		c.SessionCacheSize = -1
	}
	if c.SessionCacheTTL, err = parseDuration("YQYB_SESSION_CACHE_TTL", get("YQYB_SESSION_CACHE_TTL", "5m")); err != nil {
		return c, err
	}
	if c.SessionCacheTTL <= 0 {
		return c, fmt.Errorf("YQYB_SESSION_CACHE_TTL 须大于 0（不要缓存请设 YQYB_SESSION_CACHE_SIZE=0）")
	}
	if c.InspectionRetentionYears, err = parseInt("YQYB_INSPECTION_RETENTION_YEARS", get("YQYB_INSPECTION_RETENTION_YEARS", "0")); err != nil {
		return c, err
	}
	if c.ServeSPA, err = parseBool("YQYB_SERVE_SPA", get("YQYB_SERVE_SPA", "true")); err != nil {
		return c, err
	}
	c.WebUIDir = strings.TrimSpace(get("YQYB_WEBUI_DIR", ""))
	if c.WebhookLogDays, err = parseInt("YQYB_WEBHOOK_LOG_DAYS", get("YQYB_WEBHOOK_LOG_DAYS", "30")); err != nil {
		return c, err
	}
	if c.DBMaxOpen, err = parseInt("YQYB_DB_MAX_OPEN_CONNS", get("YQYB_DB_MAX_OPEN_CONNS", "20")); err != nil {
		return c, err
	}
	if c.DBMaxIdle, err = parseInt("YQYB_DB_MAX_IDLE_CONNS", get("YQYB_DB_MAX_IDLE_CONNS", "10")); err != nil {
		return c, err
	}
	if c.ReplicaMaxLag, err = parseDuration("YQYB_REPLICA_MAX_LAG", get("YQYB_REPLICA_MAX_LAG", "30s")); err != nil {
		return c, err
	}
	if c.DBMaxLife, err = parseDuration("YQYB_DB_CONN_MAX_LIFETIME", get("YQYB_DB_CONN_MAX_LIFETIME", "30m")); err != nil {
		return c, err
	}
	if c.ShutdownWait, err = parseDuration("YQYB_SHUTDOWN_TIMEOUT", get("YQYB_SHUTDOWN_TIMEOUT", "30s")); err != nil {
		return c, err
	}
	durations := []struct {
		dst  *time.Duration
		name string
		def  string
	}{
		{&c.AccessTTL, "YQYB_ACCESS_TOKEN_TTL", "15m"},
		{&c.RefreshTTL, "YQYB_REFRESH_TOKEN_TTL", "168h"},
		{&c.SessionMaxAge, "YQYB_SESSION_MAX_AGE", "720h"},
		{&c.LockDuration, "YQYB_LOCKOUT_DURATION", "15m"},
		{&c.InitialPasswordTTL, "YQYB_INITIAL_PASSWORD_TTL", "720h"},
	}
	for _, d := range durations {
		if *d.dst, err = parseDuration(d.name, get(d.name, d.def)); err != nil {
			return c, err
		}
	}
	if c.LockThreshold, err = parseInt("YQYB_LOCKOUT_THRESHOLD", get("YQYB_LOCKOUT_THRESHOLD", "5")); err != nil {
		return c, err
	}
	if c.LoginPerIP, err = parseInt("YQYB_LOGIN_RATE_PER_MINUTE", get("YQYB_LOGIN_RATE_PER_MINUTE", "30")); err != nil {
		return c, err
	}
	if c.LockThreshold < 1 {
		return c, fmt.Errorf("YQYB_LOCKOUT_THRESHOLD 至少为 1")
	}
	if c.LockDuration < time.Minute {
		return c, fmt.Errorf("YQYB_LOCKOUT_DURATION 至少为 1m")
	}
	if c.LockEscalation, err = parseEscalation(get("YQYB_LOCKOUT_ESCALATION", "1h,24h"), c.LockDuration); err != nil {
		return c, err
	}
	if c.InitialPasswordTTL < time.Hour {
		return c, fmt.Errorf("YQYB_INITIAL_PASSWORD_TTL 至少为 1h（企业需要时间收到初始密码并首次登录）")
	}
	if c.AccessTTL < time.Minute || c.RefreshTTL < c.AccessTTL || c.SessionMaxAge < c.RefreshTTL {
		return c, fmt.Errorf("令牌有效期不合理：需 YQYB_ACCESS_TOKEN_TTL ≥ 1m 且 ≤ YQYB_REFRESH_TOKEN_TTL ≤ YQYB_SESSION_MAX_AGE")
	}
	if p := get("YQYB_TRUSTED_PROXIES", ""); p != "" {
		for _, cidr := range strings.Split(p, ",") {
			if cidr = strings.TrimSpace(cidr); cidr == "" {
				continue
			}
			if _, _, err := net.ParseCIDR(cidr); err != nil {
				return c, fmt.Errorf("YQYB_TRUSTED_PROXIES 中 %q 不是有效的网段", cidr)
			}
			c.TrustedProxies = append(c.TrustedProxies, cidr)
		}
	}
	if v := get("YQYB_FAKE_NOW", ""); v != "" {
		if prod {
			return c, fmt.Errorf("生产模式拒绝启动：不允许设置 YQYB_FAKE_NOW（服务器时钟以系统时间为准）")
		}
		t, err := time.Parse(time.RFC3339, v)
		if err != nil {
			t, err = time.ParseInLocation(time.DateTime, v, shanghai)
		}
		if err != nil {
			return c, fmt.Errorf("YQYB_FAKE_NOW=%q 无效：应为 RFC 3339 时间或 2006-01-02 15:04:05（北京时间）", v)
		}
		c.FakeNow = t
	}
	if v := get("YQYB_CLOCK_OFFSET", ""); v != "" {
		if prod {
			return c, fmt.Errorf("生产模式拒绝启动：不允许设置 YQYB_CLOCK_OFFSET（服务器时钟以系统时间为准）")
		}
		d, err := time.ParseDuration(v)
		if err != nil {
			return c, fmt.Errorf("YQYB_CLOCK_OFFSET=%q 无效：应为时长，如 -36h、15m", v)
		}
		c.ClockOffset = d
	}
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		return c, fmt.Errorf("YQYB_LOG_LEVEL=%q 无效：应为 debug、info、warn 或 error", c.LogLevel)
	}
	if c.LogFormat != "text" && c.LogFormat != "json" {
		return c, fmt.Errorf("YQYB_LOG_FORMAT=%q 无效：应为 text 或 json", c.LogFormat)
	}
	if serve {
		if err := c.checkServe(get, envSet); err != nil {
			return c, err
		}
	}
	if err := os.MkdirAll(c.DataDir, 0o750); err != nil {
		return c, fmt.Errorf("无法创建数据目录 %s: %w", c.DataDir, err)
	}
	if err := c.loadJWTKeys(lookup, prod); err != nil {
		return c, err
	}
	if err := c.loadLimits(get); err != nil {
		return c, err
	}
	return c, nil
}

// checkServe settles the settings that depend on the listen address (see LoadServe).
func (c *Config) checkServe(get func(name, def string) string, envSet bool) error {
	_, port, err := net.SplitHostPort(c.Addr)
	if err != nil {
		return fmt.Errorf("监听地址 %q 无效：应为 HOST:PORT，如 127.0.0.1:8080", c.Addr)
	}
	loopback := LoopbackAddr(c.Addr)
	switch {
	case !envSet && !loopback:
		return fmt.Errorf("YQYB_ENV 未设置，而监听地址 %s 不是本机回环地址，拒绝启动：对外提供服务请设置 YQYB_ENV=production；"+
			"本机开发请监听 127.0.0.1（make run 即如此）。"+
			"(YQYB_ENV is not set and %s is not a loopback address: set YQYB_ENV=production to serve on a network, "+
			"or listen on 127.0.0.1 for development)", c.Addr, c.Addr)
	case c.Env == Development && loopback:
		c.DevFeatures = true
	case c.Env == Development:
		c.Warnings = append(c.Warnings, fmt.Sprintf("YQYB_ENV=development on %s, which is not a loopback address: "+
			"the development routes (moving the clock, running the jobs now) are not served; they are served on 127.0.0.1 only", c.Addr))
	}
	if c.MetricsAddr != "" {
		if _, mport, _ := net.SplitHostPort(c.MetricsAddr); mport == port && port != "0" {
			return fmt.Errorf("YQYB_METRICS_ADDR=%q 与服务端口 %s 相同：指标须使用单独的端口，如 127.0.0.1:9090", c.MetricsAddr, c.Addr)
		}
	}
	// YQYB_METRICS switched /metrics on the API port, which is gone. An operator who asked for metrics must
	// say where they go now, rather than find the scrapes failing.
	if v := get("YQYB_METRICS", ""); v != "" {
		on, err := parseBool("YQYB_METRICS", v)
		switch {
		case err != nil:
			return err
		case on && c.MetricsAddr == "":
			return fmt.Errorf("YQYB_METRICS 已废弃：指标不再在业务端口的 /metrics 提供，请改设 YQYB_METRICS_ADDR（独立的监听地址，如 127.0.0.1:9090，Kubernetes 中 0.0.0.0:9090）并删除 YQYB_METRICS")
		case !on && c.MetricsAddr != "":
			return fmt.Errorf("YQYB_METRICS=false 与 YQYB_METRICS_ADDR=%q 矛盾：YQYB_METRICS 已废弃，不要指标时删除 YQYB_METRICS_ADDR 即可", c.MetricsAddr)
		}
		c.Warnings = append(c.Warnings, "YQYB_METRICS is retired and can be removed: metrics are served on YQYB_METRICS_ADDR only (none when it is empty)")
	}
	return nil
}

// LoopbackAddr reports whether HOST:PORT names this machine's loopback interface only: a literal loopback IP
// or localhost. An empty host, 0.0.0.0 or :: listen on every interface.
func LoopbackAddr(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	return err == nil && (LoopbackIP(host) || strings.EqualFold(host, "localhost"))
}

// LoopbackIP reports whether host is a literal loopback IP (127.0.0.0/8, ::1).
func LoopbackIP(host string) bool {
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func numericPort(p string) bool {
	n, err := strconv.Atoi(p)
	return err == nil && n >= 0 && n <= 65535
}

// shanghai is the business zone; config does not import the clock package to stay a leaf.
var shanghai = func() *time.Location {
	l, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		return time.FixedZone("CST", 8*3600)
	}
	return l
}()

// ErrWeakSecret is returned when production mode is given an unusable secret.
var ErrWeakSecret = errors.New("生产模式拒绝启动")

// CheckProductionSecret refuses empty, short, well-known and trivially repetitive secrets.
func CheckProductionSecret(s string) error { return checkSecret("YQYB_JWT_SECRET", s) }

// checkSecret is CheckProductionSecret for the secret the message calls name (YQYB_JWT_SECRET, or one key of
// YQYB_JWT_KEYS).
func checkSecret(name, s string) error {
	switch {
	case s == "":
		return fmt.Errorf("%w：%s 未设置", ErrWeakSecret, name)
	case len(s) < MinSecretLen:
		return fmt.Errorf("%w：%s 太短（%d 字节，至少 %d 字节）", ErrWeakSecret, name, len(s), MinSecretLen)
	}
	lower := strings.ToLower(s)
	for _, w := range wellKnownSecrets {
		if lower == w || strings.Trim(lower, "0123456789-_") == w {
			return fmt.Errorf("%w：%s 是公开的示例值", ErrWeakSecret, name)
		}
	}
	distinct := map[rune]bool{}
	for _, r := range s {
		distinct[r] = true
	}
	if len(distinct) < 8 {
		return fmt.Errorf("%w：%s 字符种类太少（%d 种），请使用随机生成的密钥", ErrWeakSecret, name, len(distinct))
	}
	return nil
}

func loadOrCreateSecret(path string) (secret string, created bool, err error) {
	b, err := os.ReadFile(path)
	if err == nil {
		if s := strings.TrimSpace(string(b)); s != "" {
			return s, false, nil
		}
	} else if !errors.Is(err, os.ErrNotExist) {
		return "", false, fmt.Errorf("读取密钥文件 %s: %w", path, err)
	}
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return "", false, err
	}
	secret = hex.EncodeToString(raw)
	// O_EXCL: if two processes start at once, one wins and the other reads the winner's secret.
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, os.ErrExist) {
		return loadOrCreateSecret(path)
	}
	if err != nil {
		return "", false, fmt.Errorf("写入密钥文件 %s: %w", path, err)
	}
	defer f.Close()
	if _, err := f.WriteString(secret + "\n"); err != nil {
		return "", false, err
	}
	return secret, true, f.Sync()
}

func parseBool(name, v string) (bool, error) {
	b, err := strconv.ParseBool(v)
	if err != nil {
		return false, fmt.Errorf("%s=%q 无效：应为 true 或 false", name, v)
	}
	return b, nil
}

func parseInt(name, v string) (int, error) {
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("%s=%q 无效：应为非负整数", name, v)
	}
	return n, nil
}

func parseDuration(name, v string) (time.Duration, error) {
	d, err := time.ParseDuration(v)
	if err != nil || d < 0 {
		return 0, fmt.Errorf("%s=%q 无效：应为时长，如 30s、5m", name, v)
	}
	return d, nil
}

// parseEscalation reads the lockout durations after the first: each at least the one before it (a repeated
// burst never earns a shorter lock), the first at least base.
func parseEscalation(v string, base time.Duration) ([]time.Duration, error) {
	out := []time.Duration{} // set, if empty: every lockout lasts YQYB_LOCKOUT_DURATION
	prev := base
	for _, f := range strings.Split(v, ",") {
		if f = strings.TrimSpace(f); f == "" {
			continue
		}
		d, err := time.ParseDuration(f)
		if err != nil || d < prev {
			return nil, fmt.Errorf("YQYB_LOCKOUT_ESCALATION=%q 无效：应为逗号分隔的时长，如 1h,24h，且逐项不短于前一项和 YQYB_LOCKOUT_DURATION", v)
		}
		out, prev = append(out, d), d
	}
	return out, nil
}

func isPostgres(url string) bool {
	return strings.HasPrefix(url, "postgres://") || strings.HasPrefix(url, "postgresql://")
}
