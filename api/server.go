package api

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
	"gorm.io/gorm"

	"yqyb/internal/account"
	"yqyb/internal/apikey"
	"yqyb/internal/association"
	"yqyb/internal/audit"
	"yqyb/internal/auth"
	"yqyb/internal/enterprise"
	"yqyb/internal/feed"
	"yqyb/internal/files"
	"yqyb/internal/hazard"
	"yqyb/internal/idempotency"
	"yqyb/internal/inspection"
	"yqyb/internal/org"
	"yqyb/internal/platform/clock"
	"yqyb/internal/platform/config"
	"yqyb/internal/platform/database"
	"yqyb/internal/platform/storage"
	"yqyb/internal/rbac"
	"yqyb/internal/session"
	"yqyb/internal/setup"
	"yqyb/internal/standard"
	"yqyb/internal/stats"
	"yqyb/internal/webhook"
)

// Deps is everything the HTTP layer needs; main builds it once and passes it in.
type Deps struct {
	Config config.Config
	DB     *gorm.DB
	Clock  clock.Clock
	Log    *slog.Logger
	Files  storage.Store
	// SPA is the built single-page app served on the same port; nil serves none.
	SPA fs.FS
	// Hasher hashes passwords; zero means bcrypt at its default cost (tests pass a cheap one).
	Hasher account.Hasher
	// Replica, if set, is a read-only PostgreSQL streaming standby the regulators' dashboards and reports
	// read from while it is up and within Config.ReplicaMaxLag of the primary (see database.ReplicaGuard).
	Replica *gorm.DB
	// DevClock, set only with Config.DevFeatures (development mode on a loopback address), is the
	// shiftable clock behind Clock that the development clock endpoint moves.
	DevClock *clock.Shifted
}

// Route is one API endpoint. Every route is either public or names the permission code it requires; the
// table of routes is the single place where that is declared.
type Route struct {
	Method string
	Path   string
	// Public routes need no token.
	Public bool
	// Perm is the permission code the caller must hold, or loggedIn for any signed-in caller.
	Perm string
	// BeforePasswordChange marks the few routes an account may use while it must still change its
	// initial or reset password (who-am-i, change password, logout).
	BeforePasswordChange bool
	// Idempotent marks a write the app may retry on a weak signal: it honours an Idempotency-Key header
	// (api/idempotency.go), so a retry answers what the first attempt answered instead of writing twice.
	Idempotent bool
	// PeopleOnly marks a route that hands out credentials (the initial passwords): API keys are refused
	// whatever their scopes, since a key that could read an account's password could become that account.
	PeopleOnly bool
	Handler    echo.HandlerFunc
}

// Server is the configured Echo instance with its routes and the domain services its handlers call.
type Server struct {
	echo   *echo.Echo
	deps   Deps
	routes []Route
	// trusted are the reverse proxies whose forwarded headers are believed.
	trusted []*net.IPNet

	accounts     *account.Service
	auth         *auth.Service
	authz        *rbac.Authorizer
	roles        *rbac.Service
	org          *org.Service
	setup        *setup.Service
	enterprises  *enterprise.Service
	associations *association.Service
	templates    *standard.Templates
	standards    *standard.Service
	files        *files.Service
	hazards      *hazard.Service
	inspections  *inspection.Service
	stats        *stats.Service
	// regStats is stats as regulators' pages read it: from the replica while it is healthy. An enterprise's
	// own pages use stats (the primary), so they see their own writes at once.
	regStats  *stats.Service
	replica   *database.ReplicaGuard
	audit     *audit.Service
	feed      *feed.Service
	idem      *idempotency.Service
	apikeys   *apikey.Service
	webhooks  *webhook.Service
	hookGuard *webhook.Guard
	// hookReaders decides whom an endpoint may push to: those its creator could read the feed for.
	hookReaders webhook.Readers
	ready       readiness
	metrics     *metrics
}

// domainCacheSize bounds how many enterprises' policies one instance keeps in memory.
const domainCacheSize = 20_000

// Session cache defaults, when the configuration leaves them unset (tests).
const (
	defaultSessionCacheSize = 100_000
	defaultSessionCacheTTL  = 5 * time.Minute
)

// sessionCache builds the cache of authenticated sessions, or nil when the configuration turns it off. On
// SQLite it is live at once, told of every commit to the tables it reads (database.WatchCommits); on
// PostgreSQL it stays bypassed until SessionListener's connection LISTENs.
func sessionCache(d Deps) *auth.Cache {
	size, ttl := d.Config.SessionCacheSize, d.Config.SessionCacheTTL
	if size < 0 {
		return nil
	}
	if size == 0 {
		size = defaultSessionCacheSize
	}
	if ttl <= 0 {
		ttl = defaultSessionCacheTTL
	}
	c := auth.NewCache(size, ttl, nil)
	if database.Dialect(d.DB) == database.SQLite &&
		database.WatchCommits(d.DB, auth.CachedTables, func() { c.Invalidate("*") }) {
		c.SetLive(true)
	}
	return c
}

// SessionListener returns what keeps the session cache live on PostgreSQL: a connection of its own to url
// LISTENing for revocations. Nil when there is nothing to listen for (SQLite, or no cache); the caller runs
// it until shutdown.
func (s *Server) SessionListener(url string) *auth.Listener {
	c := s.auth.Cache()
	if c == nil || database.Dialect(s.deps.DB) != database.Postgres {
		return nil
	}
	return &auth.Listener{URL: url, Cache: c, Log: s.deps.Log.With("component", "session-cache")}
}

// requestTimeout bounds the work of one request.
const requestTimeout = 60 * time.Second

// New builds the server: services, middleware, error handling, routes.
func New(d Deps) (*Server, error) {
	if d.Hasher.Cost == 0 {
		d.Hasher = account.DefaultHasher
	}
	if d.Config.DevFeatures && d.Config.Env != config.Development {
		return nil, fmt.Errorf("开发用接口只能在开发模式下提供（YQYB_ENV=%s）", d.Config.Env)
	}
	if d.Config.BenchFloor && d.Config.Env != config.Development {
		return nil, fmt.Errorf("YQYB_BENCH_FLOOR 只能在开发模式下使用（YQYB_ENV=%s）", d.Config.Env)
	}
	accounts := account.NewService(d.DB, d.Clock, d.Hasher)
	accounts.SetInitialPasswordTTL(d.Config.InitialPasswordTTL)
	authCfg := auth.DefaultConfig(signingKeys(d.Config)...)
	if d.Config.AccessTTL > 0 {
		authCfg.AccessTTL = d.Config.AccessTTL
		authCfg.Sessions = session.Lifetimes{Refresh: d.Config.RefreshTTL, Absolute: d.Config.SessionMaxAge}
		authCfg.LockThreshold, authCfg.LockDuration = d.Config.LockThreshold, d.Config.LockDuration
	}
	if d.Config.LockEscalation != nil {
		authCfg.LockEscalation = d.Config.LockEscalation
	}
	authCfg.LoginPerIP = d.Config.LoginPerIP
	authSvc, err := auth.NewService(d.DB, d.Clock, authCfg, accounts)
	if err != nil {
		return nil, err
	}
	authSvc.UseCache(sessionCache(d))
	authz := rbac.NewAuthorizer(d.DB, domainCacheSize)

	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.Validator = newValidator()
	e.HTTPErrorHandler = errorHandler(d.Log)
	trusted, err := parseCIDRs(d.Config.TrustedProxies)
	if err != nil {
		return nil, err
	}
	e.IPExtractor = ipExtractor(trusted)
	e.SchemeExtractor = schemeExtractor(trusted)

	// Order matters: the request id first so every later log line has it; recovery inside the logger so a
	// panic is logged as a 500 with its request id.
	e.Use(requestID(trusted))
	m := newMetrics(d.DB)
	e.Use(requestLogger(d.Log, m))
	e.Use(recoverPanics(d.Log))
	spa := d.SPA
	if !d.Config.ServeSPA {
		spa = nil
	}
	e.Use(securityHeaders(spa))
	if len(d.Config.CORSOrigins) > 0 {
		e.Use(cors(d.Config.CORSOrigins))
	}
	e.Use(middleware.BodyLimit(d.Config.BodyLimit))
	e.Use(gzipUnlessSmall(spa))
	e.Use(deadline(requestTimeout))

	// The services, each built once with the rules that must never be skipped: a post, checklist or grade
	// that other domains hold history for is not deleted, whichever caller asks.
	st := setup.New(d.DB, setup.Sources{StandardItems: standard.StandardItemCounts,
		PostsWithChecklist: standard.PostsWithChecklistCounts, ChecklistPosts: standard.PostsWithChecklist})
	hazards := hazard.NewService(d.DB, d.Clock)
	s := &Server{echo: e, deps: d, trusted: trusted, metrics: m, accounts: accounts, auth: authSvc, authz: authz,
		roles:        rbac.NewService(d.DB, d.Clock, authz),
		org:          org.NewService(d.DB, d.Clock, d.Files, org.WithPostHistory(standard.PostChecklistHistory, inspection.PostHistory)),
		setup:        st,
		enterprises:  enterprise.NewService(d.DB, d.Clock, accounts, st),
		associations: association.NewService(d.DB, d.Clock, st),
		templates:    standard.NewTemplates(d.DB, d.Clock),
		standards: standard.NewService(d.DB, d.Clock,
			standard.WithChecklistHistory(inspection.ChecklistHistory), standard.WithGradeUsage(hazard.GradeUsage)),
		files:       files.NewService(d.DB, d.Clock, d.Files, d.Config.UploadDailyQuota),
		hazards:     hazards,
		inspections: inspection.NewService(d.DB, d.Clock, hazards),
		stats:       stats.New(d.DB, d.Clock, st),
		audit:       audit.NewService(d.DB),
		feed:        feed.NewService(d.DB, feedSecrets(d.Config)...),
		idem:        idempotency.NewService(d.DB, d.Clock),
		apikeys:     apikey.NewService(d.DB, d.Clock),
		ready:       readiness{db: d.DB, files: d.Files},
	}
	if d.Replica != nil {
		s.replica = database.NewReplicaGuard(d.DB, d.Replica, d.Config.ReplicaMaxLag, time.Second, d.Log)
	}
	s.regStats = s.stats.OnReplica(s.replica)
	m.watchReplica(s.replica)
	s.feed.CacheHorizon(feedHorizonCache)
	if s.hookGuard, err = webhook.ParseAllow(d.Config.WebhookAllow); err != nil {
		return nil, err
	}
	s.hookReaders = webhook.CreatorReaders{DB: d.DB, Authz: authz}
	s.webhooks = webhook.NewService(d.DB, d.Clock, s.feed, s.hookGuard, s.hookReaders)
	m.watchSessionCache(authSvc.Cache())
	for _, routes := range s.routeTables() {
		s.register(routes...)
	}
	if d.Config.BenchFloor {
		s.mountBenchFloor()
	}
	s.mountDocs()
	s.mountSPA()
	return s, nil
}

// routeTables are the route tables of every area (api/<area>.go), in registration order; the developer's
// routes that move the clock and run the jobs (unauthenticated, a developer's own machine only) come last
// when the configuration enables them. A table only names handlers, so it can be read from a Server whose
// services are not built (Operations does, for the contract).
func (s *Server) routeTables() [][]Route {
	tables := [][]Route{
		s.systemRoutes(), s.authRoutes(), s.manualRoutes(),
		// An enterprise: its organisation, accounts and profile.
		s.setupRoutes(), s.profileRoutes(), s.departmentRoutes(), s.postRoutes(), s.userRoutes(), s.roleRoutes(),
		s.auditRoutes(), s.associationRoutes(), s.apiKeyRoutes(),
		// Its standard, checklists and their use.
		s.templateRoutes(), s.standardRoutes(), s.gradeRoutes(), s.checklistRoutes(), s.inspectionRoutes(),
		s.fileRoutes(), s.hazardRoutes(),
		// Figures and integration.
		s.dashboardRoutes(), s.reportRoutes(), s.feedRoutes(), s.webhookRoutes(),
		// Regulators and the platform.
		s.enterpriseRoutes(), s.regionRoutes(), s.regulatorRoutes(),
	}
	if s.deps.Config.DevFeatures {
		tables = append(tables, s.devRoutes())
	}
	return tables
}

// parseCIDRs reads YQYB_TRUSTED_PROXIES.
func parseCIDRs(cidrs []string) ([]*net.IPNet, error) {
	out := make([]*net.IPNet, 0, len(cidrs))
	for _, c := range cidrs {
		_, n, err := net.ParseCIDR(c)
		if err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, nil
}

// ipExtractor believes X-Forwarded-For only from the configured proxies.
func ipExtractor(trusted []*net.IPNet) echo.IPExtractor {
	if len(trusted) == 0 {
		return echo.ExtractIPDirect()
	}
	opts := []echo.TrustOption{echo.TrustLoopback(false), echo.TrustLinkLocal(false), echo.TrustPrivateNet(false)}
	for _, n := range trusted {
		opts = append(opts, echo.TrustIPRange(n))
	}
	return echo.ExtractIPFromXFFHeader(opts...)
}

// schemeExtractor believes X-Forwarded-Proto (HTTPS at the proxy: HSTS, Secure cookies) only from the
// configured proxies, like X-Forwarded-For.
func schemeExtractor(trusted []*net.IPNet) echo.SchemeExtractor {
	if len(trusted) == 0 {
		return echo.ExtractSchemeDirect()
	}
	opts := []echo.TrustOption{echo.TrustLoopback(false), echo.TrustLinkLocal(false), echo.TrustPrivateNet(false)}
	for _, n := range trusted {
		opts = append(opts, echo.TrustIPRange(n))
	}
	return echo.ExtractSchemeFromHeaders(opts...)
}

// register adds routes to Echo, each behind the authentication and permission check its table entry
// declares, and remembers them for the contract tests.
func (s *Server) register(routes ...Route) {
	for _, r := range routes {
		switch {
		case r.Public && r.Perm != "":
			panic(fmt.Sprintf("route %s %s is public but names permission %s", r.Method, r.Path, r.Perm))
		case r.Public && r.Idempotent:
			panic(fmt.Sprintf("route %s %s is public: an idempotency key belongs to a signed-in account", r.Method, r.Path))
		case r.Public:
			s.echo.Add(r.Method, r.Path, r.Handler)
		case r.Perm == "":
			panic(fmt.Sprintf("route %s %s is neither public nor guarded by a permission code", r.Method, r.Path))
		default:
			if r.Perm != loggedIn && !rbac.Known(r.Perm) {
				panic(fmt.Sprintf("route %s %s names unknown permission %s", r.Method, r.Path, r.Perm))
			}
			mw := []echo.MiddlewareFunc{s.authenticate(r)}
			if r.PeopleOnly {
				mw = append(mw, refuseKeys)
			}
			mw = append(mw, s.authorize(r.Perm))
			if r.Idempotent {
				mw = append(mw, s.idempotent)
			}
			s.echo.Add(r.Method, r.Path, r.Handler, mw...)
		}
		s.routes = append(s.routes, r)
	}
}

// Routes returns the API routes in registration order.
func (s *Server) Routes() []Route { return append([]Route(nil), s.routes...) }

// Handler is the server as an http.Handler (tests drive it directly).
func (s *Server) Handler() http.Handler { return s.echo }

// Serve answers requests on ln until ctx is cancelled (SIGTERM in main), then stops accepting connections
// and waits up to the configured shutdown timeout for in-flight requests to finish.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	srv := &http.Server{
		Handler:           s.echo,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       2 * time.Minute,
		WriteTimeout:      requestTimeout + 30*time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(s.deps.Log.Handler(), slog.LevelWarn),
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	wait := s.deps.Config.ShutdownWait
	s.deps.Log.Info("shutting down: no new connections, draining in-flight requests", "timeout", wait)
	sctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	err := srv.Shutdown(sctx)
	if serr := <-errc; serr != nil && !errors.Is(serr, http.ErrServerClosed) && err == nil {
		err = serr
	}
	return err
}
