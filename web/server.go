// Package web is the screener's web app and broker API, served by one echo
// (v4) instance on one port: server-rendered pages (html/template, embedded
// assets, no JavaScript build step) for fund managers, compliance officers and
// administrators, and a JSON API under /api/v1 for brokers, authenticated by
// API key and documented by the OpenAPI file it serves.
//
// It is the only package that imports echo. It hashes passwords, checks roles,
// CSRF tokens and rate limits, streams uploads into the holdings readers and
// renders every error in one place (handleError). It leaves matching and the
// report to package screener, file formats to screener/holdings and
// screener/lists, and keeping users, keys, sessions, runs, decisions and the
// audit log to screener/store.
package web

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/screener/screener/issuers"
	"github.com/screener/screener/screener"
	"github.com/screener/screener/screener/funds"
	"github.com/screener/screener/screener/store"
)

// Config wires a Server. Store, Lists and Dir are required.
type Config struct {
	// Store keeps users, keys, sessions, snapshots, runs and decisions.
	Store store.Interface
	// Lists are the built-in list snapshots (the embedded default). A stored
	// snapshot of the same list replaces one; New stores a built-in list the
	// store does not have yet (or has only older), so that runs and reviewer
	// decisions can name the snapshot they used.
	Lists []*screener.List
	// Dir is the issuer directory the matcher resolves securities with.
	Dir *issuers.Directory
	// Logger receives request logs and internal errors; nil means slog.Default.
	Logger *slog.Logger
	// Now is the clock for default as-of instants; nil means time.Now.
	Now func() time.Time
	// Secure marks cookies Secure (set it when serving over TLS).
	Secure bool
	// MaxUpload is the largest request body of an upload in bytes; 0 means
	// 1 GiB. A larger upload is refused with a 413 that names the limit.
	MaxUpload int64
	// RateLimit is the sustained number of API requests per second allowed
	// per API key; 0 means DefaultRateLimit, a negative value turns the limit
	// off. Burst is the bucket size; 0 means twice RateLimit.
	RateLimit float64
	Burst     int
	// SessionTTL is how long a login lasts; 0 means 12 hours.
	SessionTTL time.Duration
	// ListMaxAge is the age in days above which a list snapshot in use is
	// warned about on pages, in API responses and in the log; 0 means
	// listage.DefaultMaxAge.
	ListMaxAge int
	// UploadsPerPrincipal is how many uploads one user or key may run at
	// once (0: DefaultUploadsPerPrincipal); UploadsTotal how many all
	// together (0: the number of CPUs, at least 2).
	UploadsPerPrincipal int
	UploadsTotal        int
	// UploadWait is how long an upload beyond those limits waits for a
	// slot before its 429 (0: DefaultUploadWait; negative: no wait).
	UploadWait time.Duration
	// Quota is the stored bytes one principal's runs may take before its
	// uploads are refused (413); 0 means DefaultQuota, negative no quota.
	Quota int64
	// Retention, when positive, is how long RetentionLoop keeps runs.
	Retention time.Duration
	// TrustProxy takes the client address (sign-in throttling) from
	// X-Forwarded-For, for a server behind a reverse proxy; otherwise it
	// is the connection's peer.
	TrustProxy bool
	// LogSample logs one in LogSample requests that went well (status
	// below 500, answered within a second) at info; errors and slow
	// requests are always logged. 0 means 100; 1 logs every request.
	LogSample int
	// LookthroughMaxAge is the age in days above which a fund's holdings
	// are stale (RULES.md F-3); 0 means funds.DefaultMaxAge.
	LookthroughMaxAge int
}

// DefaultRateLimit is the API requests per second allowed per key when
// Config.RateLimit is 0.
const DefaultRateLimit = 5000

// defaultMaxUpload is the upload body limit when Config.MaxUpload is 0.
const defaultMaxUpload = 1 << 30

// apiBodyLimit bounds JSON request bodies of the API that are not uploads.
const apiBodyLimit = 1 << 20

// Server is the web app and the API. It is an http.Handler.
type Server struct {
	cfg Config
	st  store.Interface
	log *slog.Logger
	e   *echo.Echo
	eng atomic.Pointer[engine]
	// ageCache is listAges' last answer (listage.go).
	ageCache atomic.Pointer[ageCache]
	engMu    sync.Mutex // serialises reloads
	keys     keyCache
	limit    *limiter
	pages    map[string]pageTemplate
	loaded   atomic.Bool
	// wall is the real clock of sign-in throttling (the store stamps
	// failures with its own clock; tests set both).
	wall func() time.Time
	// reports keeps decoded reports of recent runs for paged pages.
	reports reportCache
	// uploads bounds concurrent uploads; logged counts requests for
	// sampling the request log.
	uploads *uploadSlots
	logged  atomic.Uint64
	// funds is the fund look-through every matcher uses (funds.go).
	funds *funds.Live
	// checks memoises the pre-trade check's answers (checkmemo.go).
	checks atomic.Pointer[checkMemo]
	// progress tracks the uploads the upload page polls (progress.go).
	progress progressTable
	// totals keeps saved runs' totals for the dashboard (overruns.go).
	totals runTotalsCache
}

// engine is the matcher and the lists it was built from, swapped whole when
// lists change so a request sees one consistent set.
type engine struct {
	lists []*screener.List
	snaps []store.Snapshot // stored snapshot of each list, ID 0 when built-in only
	ids   []uint64         // ids of the stored snapshots in use
	m     *screener.Matcher
	built time.Time
}

// New builds a Server: it stores the built-in lists the store lacks, builds
// the matcher and registers every route.
func New(cfg Config) (*Server, error) {
	if cfg.Store == nil {
		return nil, errors.New("web: Config.Store is required")
	}
	if cfg.Dir == nil {
		return nil, errors.New("web: Config.Dir is required")
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.MaxUpload <= 0 {
		cfg.MaxUpload = defaultMaxUpload
	}
	if cfg.RateLimit == 0 {
		cfg.RateLimit = DefaultRateLimit
	}
	if cfg.Burst <= 0 {
		cfg.Burst = int(2 * cfg.RateLimit)
		if cfg.Burst < 1 {
			cfg.Burst = 1
		}
	}
	if cfg.SessionTTL <= 0 {
		cfg.SessionTTL = 12 * time.Hour
	}
	if cfg.UploadsPerPrincipal <= 0 {
		cfg.UploadsPerPrincipal = DefaultUploadsPerPrincipal
	}
	if cfg.UploadWait == 0 {
		cfg.UploadWait = DefaultUploadWait
	}
	if cfg.UploadsTotal <= 0 {
		cfg.UploadsTotal = defaultUploadsTotal()
	}
	if cfg.Quota == 0 {
		cfg.Quota = DefaultQuota
	}
	if cfg.LogSample <= 0 {
		cfg.LogSample = 100
	}
	s := &Server{cfg: cfg, st: cfg.Store, log: cfg.Logger, keys: keyCache{m: map[string]cachedKey{}}, wall: time.Now,
		uploads: newUploadSlots(cfg.UploadsPerPrincipal, cfg.UploadsTotal)}
	if cfg.RateLimit > 0 {
		s.limit = newLimiter(cfg.RateLimit, cfg.Burst)
	}
	pages, err := parsePages()
	if err != nil {
		return nil, err
	}
	s.pages = pages
	if err := s.storeBuiltins(); err != nil {
		return nil, err
	}
	if err := s.reloadFunds(); err != nil {
		return nil, err
	}
	if err := s.reload(); err != nil {
		return nil, err
	}
	s.logListAge()
	s.e = echo.New()
	s.e.HideBanner, s.e.HidePort = true, true
	s.e.HTTPErrorHandler = s.handleError
	// The client address (sign-in throttling) is the connection's peer:
	// X-Forwarded-For is whatever a client wants it to be.
	s.e.IPExtractor = echo.ExtractIPDirect()
	if cfg.TrustProxy {
		s.e.IPExtractor = echo.ExtractIPFromXFFHeader()
	}
	s.routes()
	return s, nil
}

// ServeHTTP serves the app and the API.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.e.ServeHTTP(w, r) }

// Routes returns the method and path of every registered route, sorted as
// echo registered them (for the OpenAPI test and for documentation).
func (s *Server) Routes() []*echo.Route { return s.e.Routes() }

// storeBuiltins imports each built-in list the store has no snapshot of, or
// only older snapshots of.
func (s *Server) storeBuiltins() error {
	for _, l := range s.cfg.Lists {
		snaps, err := s.st.Snapshots(l.Name)
		if err != nil {
			return fmt.Errorf("web: snapshots of %s: %w", l.Name, err)
		}
		if n := len(snaps); n > 0 && !snaps[n-1].AsOf.Before(l.AsOf) {
			continue
		}
		_, err = s.st.Import([]*screener.List{l}, store.ImportOptions{User: "screener serve"})
		var re *store.RemovalError
		if errors.As(err, &re) {
			s.log.Warn("built-in list not stored: it would remove entries", "list", l.Name, "err", err)
			continue
		}
		if err != nil {
			return fmt.Errorf("web: store built-in list %s: %w", l.Name, err)
		}
	}
	return nil
}

// reload rebuilds the matcher from the built-in lists and the latest stored
// snapshot of each list (a stored snapshot replaces a built-in list of the
// same name).
func (s *Server) reload() error {
	s.engMu.Lock()
	defer s.engMu.Unlock()
	stored, snaps, err := s.st.LatestLists()
	if err != nil {
		return fmt.Errorf("web: load stored lists: %w", err)
	}
	eng := &engine{built: time.Now()}
	have := map[string]bool{}
	for i, l := range stored {
		have[l.Name] = true
		eng.lists = append(eng.lists, l)
		eng.snaps = append(eng.snaps, snaps[i])
		eng.ids = append(eng.ids, snaps[i].ID)
	}
	for _, l := range s.cfg.Lists {
		if !have[l.Name] {
			eng.lists = append(eng.lists, l)
			eng.snaps = append(eng.snaps, store.Snapshot{List: l.Name, Format: l.Format, AsOf: l.AsOf,
				SHA256: l.SHA256(), Entries: len(l.Entries)})
		}
	}
	eng.m = screener.NewMatcher(eng.lists, s.cfg.Dir)
	eng.m.SetFunds(s.funds)
	s.eng.Store(eng)
	s.loaded.Store(len(eng.lists) > 0)
	return nil
}

// engine returns the current matcher and lists.
func (s *Server) engine() *engine { return s.eng.Load() }

// apiError is the one JSON error shape of the API.
type apiError struct {
	Error apiErrorBody `json:"error"`
}

type apiErrorBody struct {
	Code      string `json:"code"`
	Message   string `json:"message"`
	RequestID string `json:"request_id,omitempty"`
}

// errUnauthorized is a missing or wrong credential.
var errUnauthorized = errors.New("unauthorized")

// errRateLimited is a key over its rate limit.
var errRateLimited = errors.New("rate limited")

// handleError turns any error a handler returns into one response: JSON
// under /api/, an HTML page elsewhere. Caller mistakes are 4xx with a
// message for people; anything else is a 500 whose cause goes to the log
// with the request id, never to the client.
func (s *Server) handleError(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	status, code, msg := s.classify(err)
	rid := c.Response().Header().Get(echo.HeaderXRequestID)
	if status >= 500 {
		s.log.Error("internal error", "request_id", rid, "method", c.Request().Method,
			"path", c.Request().URL.Path, "err", err)
		msg = "internal error; quote request id " + rid + " to the operator"
	}
	if isAPI(c) {
		if status == http.StatusUnauthorized {
			c.Response().Header().Set("WWW-Authenticate", `APIKey header="X-API-Key"`)
		}
		if c.Request().Method == http.MethodHead {
			_ = c.NoContent(status)
			return
		}
		_ = c.JSON(status, apiError{Error: apiErrorBody{Code: code, Message: msg, RequestID: rid}})
		return
	}
	if status == http.StatusUnauthorized && c.Request().Method == http.MethodGet {
		_ = c.Redirect(http.StatusSeeOther, "/login?next="+urlQueryEscape(c.Request().URL.RequestURI()))
		return
	}
	s.renderStatus(c, status, "error", pageData{Title: http.StatusText(status), Data: errorPage{Status: status, Code: code, Message: msg, RequestID: rid}})
}

// classify maps err to an HTTP status, a stable code and a message.
func (s *Server) classify(err error) (int, string, string) {
	var he *echo.HTTPError
	var pe *screener.ParseError
	switch {
	case errors.Is(err, errUnauthorized):
		return http.StatusUnauthorized, "unauthorized", "a valid API key (header X-API-Key) or a session is required"
	case errors.Is(err, errRateLimited):
		return http.StatusTooManyRequests, "rate_limited", "too many requests for this API key; slow down"
	case errors.As(err, &he):
		// echo's own errors: unknown route, wrong method, body too large...
		// and ours wrapped as HTTPError. Checked before ParseError so a body
		// limit hit inside a reader stays a 413.
		msg := http.StatusText(he.Code)
		if m, ok := he.Message.(string); ok && m != "" {
			msg = m
		}
		return he.Code, httpCode(he.Code), msg
	case screener.KindOf(err) == screener.KindTooLarge:
		// A file over its reading budget (a zip bomb, a huge cell): the
		// reader's message says which limit.
		return http.StatusRequestEntityTooLarge, "too_large", err.Error()
	case errors.As(err, &pe):
		return http.StatusBadRequest, "invalid_input", pe.Error()
	}
	msg := err.Error()
	switch screener.KindOf(err) {
	case screener.KindInvalid:
		return http.StatusBadRequest, "invalid_request", msg
	case screener.KindNotFound:
		return http.StatusNotFound, "not_found", msg
	case screener.KindConflict:
		return http.StatusConflict, "conflict", msg
	case screener.KindForbidden:
		return http.StatusForbidden, "forbidden", msg
	}
	return http.StatusInternalServerError, "internal", ""
}

// httpCode is the stable error code of an HTTP status echo produced.
func httpCode(status int) string {
	switch status {
	case http.StatusBadRequest:
		return "invalid_request"
	case http.StatusUnauthorized:
		return "unauthorized"
	case http.StatusForbidden:
		return "forbidden"
	case http.StatusNotFound:
		return "not_found"
	case http.StatusMethodNotAllowed:
		return "method_not_allowed"
	case http.StatusRequestEntityTooLarge:
		return "too_large"
	case http.StatusUnsupportedMediaType:
		return "unsupported_media_type"
	case http.StatusTooManyRequests:
		return "rate_limited"
	case http.StatusConflict:
		return "conflict"
	}
	if status >= 500 {
		return "internal"
	}
	return "invalid_request"
}

func isAPI(c echo.Context) bool {
	p := c.Request().URL.Path
	return strings.HasPrefix(p, "/api/") || p == "/healthz" || p == "/readyz"
}

// invalid returns a caller's-mistake error with a message for people.
func invalid(format string, args ...any) error {
	return screener.Errorf(screener.KindInvalid, format, args...)
}

// forbidden returns a permission error.
func forbidden(format string, args ...any) error {
	return screener.Errorf(screener.KindForbidden, format, args...)
}
