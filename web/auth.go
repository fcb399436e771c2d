package web

import (
	"crypto/subtle"
	"errors"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/screener/screener/screener"
	"github.com/screener/screener/screener/store"
	"golang.org/x/crypto/bcrypt"
)

// Roles a user or an API key has.
const (
	RoleFundManager = "fund_manager" // uploads and reads its own portfolios
	RoleCompliance  = "compliance"   // reads everything, decides reviews
	RoleBroker      = "broker"       // the API only
	RoleAdmin       = "admin"        // everything, plus users, keys and list imports
)

// Roles lists every role.
var Roles = []string{RoleFundManager, RoleCompliance, RoleBroker, RoleAdmin}

// ValidRole reports whether r is one of Roles.
func ValidRole(r string) bool {
	for _, x := range Roles {
		if x == r {
			return true
		}
	}
	return false
}

// MinPasswordLength is the shortest password HashPassword accepts.
const MinPasswordLength = 10

// HashPassword returns the bcrypt hash of password, refusing one shorter than
// MinPasswordLength or longer than bcrypt's 72 bytes.
func HashPassword(password string) ([]byte, error) {
	if len(password) < MinPasswordLength {
		return nil, screener.Errorf(screener.KindInvalid, "password: at least %d characters, please", MinPasswordLength)
	}
	if len(password) > 72 {
		return nil, screener.Errorf(screener.KindInvalid, "password: at most 72 bytes (bcrypt's limit)")
	}
	return bcrypt.GenerateFromPassword([]byte(password), bcrypt.DefaultCost)
}

// dummyHash is compared against when a user does not exist, so a login
// takes as long for an unknown name as for a wrong password. It is made on
// first use: hashing at package init cost every CLI command 50 ms.
var dummyHash = sync.OnceValue(func() []byte {
	h, _ := bcrypt.GenerateFromPassword([]byte("not-a-password-at-all"), bcrypt.DefaultCost)
	return h
})

// checkPassword reports whether password matches hash.
func checkPassword(hash []byte, password string) bool {
	return bcrypt.CompareHashAndPassword(hash, []byte(password)) == nil
}

// principal is who a request acts for: a signed-in user or an API key.
type principal struct {
	Name  string // user name, or "key:" + key name
	Role  string
	IsKey bool
	hash  string // API key hash, for the rate limiter
}

const principalKey = "principal"

func who(c echo.Context) *principal {
	p, _ := c.Get(principalKey).(*principal)
	return p
}

// has reports whether p has one of roles; admin has every role's rights
// except broker-only ones are also open to admin.
func (p *principal) has(roles ...string) bool {
	if p == nil {
		return false
	}
	for _, r := range roles {
		if p.Role == r {
			return true
		}
	}
	return false
}

// sessionCookie names the session cookie; sessionCtxKey keeps a valid
// session's token in the request context (the CSRF token derives from it).
const (
	sessionCookie = "screener_session"
	sessionCtxKey = "session_token"
)

// withSession loads the session user, if any, into the context; it never
// refuses a request (requireRole does).
func (s *Server) withSession(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		ck, err := c.Cookie(sessionCookie)
		if err == nil && ck.Value != "" {
			sess, err := s.st.Session(ck.Value)
			if err == nil {
				u, err := s.st.User(sess.User)
				if err == nil && !u.Disabled {
					c.Set(principalKey, &principal{Name: u.Name, Role: u.Role})
					c.Set(sessionCtxKey, ck.Value)
				}
			} else if screener.KindOf(err) != screener.KindNotFound {
				return err
			}
		}
		return next(c)
	}
}

// requireRole refuses a page request from nobody (401, which handleError
// turns into a redirect to the sign-in page for GET) or from a user with none
// of roles (403). Admin passes every check. Brokers never see pages.
func requireRole(roles ...string) echo.MiddlewareFunc {
	return roleGate(roles, func(p *principal, c echo.Context) error {
		return forbidden("your role (%s) may not open this page", p.Role)
	})
}

// roleGate passes a request whose principal has one of roles (admin passes
// every gate), answers 401 when there is none, and refused otherwise.
func roleGate(roles []string, refused func(p *principal, c echo.Context) error) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			p := who(c)
			if p == nil {
				return errUnauthorized
			}
			if p.Role == RoleAdmin || p.has(roles...) {
				return next(c)
			}
			return refused(p, c)
		}
	}
}

// login checks a name and password and opens a session. A name or
// address with too many recent failures is refused (*errThrottled) before
// the password is checked; a name that cannot be a user's (too long, odd
// characters) fails without a password hash and reaches the audit log
// clipped.
func (s *Server) login(c echo.Context, name, password string) error {
	addr := c.RealIP()
	key := name
	if !validUserName(name) {
		key = clipRunes(name, 64)
	}
	if err := s.throttled(key, addr); err != nil {
		return err
	}
	var u store.User
	var err error
	ok := false
	if validUserName(name) {
		u, err = s.st.User(name)
		if err != nil && screener.KindOf(err) != screener.KindNotFound {
			return err
		}
		if err == nil && !u.Disabled {
			ok = checkPassword(u.PasswordHash, password)
		} else {
			checkPassword(dummyHash(), password)
		}
	}
	if !ok || u.Role == RoleBroker {
		reason := "wrong name or password"
		if ok {
			reason = "brokers use the API"
		}
		if _, err := s.st.LoginFailed(key, addr, reason, nameThrottle.forget); err != nil {
			return err
		}
		return errBadLogin
	}
	tok, sess, err := s.st.Login(u.Name, s.cfg.SessionTTL)
	if err != nil {
		return err
	}
	c.SetCookie(&http.Cookie{Name: sessionCookie, Value: tok, Path: "/", Expires: sess.Expires,
		HttpOnly: true, Secure: s.secure(c), SameSite: http.SameSiteLaxMode})
	// A new session gets a new CSRF token, derived from it (see csrf).
	s.setCSRFCookie(c, csrfFor(tok))
	return nil
}

// clipRunes cuts s to at most n runes.
func clipRunes(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n])
	}
	return s
}

var errBadLogin = errors.New("wrong name or password")

func (s *Server) logout(c echo.Context) error {
	if ck, err := c.Cookie(sessionCookie); err == nil && ck.Value != "" {
		if err := s.st.Logout(ck.Value); err != nil {
			return err
		}
	}
	c.SetCookie(&http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, Secure: s.secure(c), SameSite: http.SameSiteLaxMode})
	s.setCSRFCookie(c, newToken())
	return nil
}

func (s *Server) secure(c echo.Context) bool { return s.cfg.Secure || c.Request().TLS != nil }

// keyCache keeps API keys by hash so a check request costs no store read.
// Entries expire so a key revoked from the command line stops working
// within keyCacheTTL.
type keyCache struct {
	mu sync.RWMutex
	m  map[string]cachedKey
}

type cachedKey struct {
	p       *principal
	fetched time.Time
}

const keyCacheTTL = 30 * time.Second

func (k *keyCache) get(hash string, now time.Time) (*principal, bool) {
	k.mu.RLock()
	e, ok := k.m[hash]
	k.mu.RUnlock()
	if !ok || now.Sub(e.fetched) > keyCacheTTL {
		return nil, false
	}
	return e.p, true
}

func (k *keyCache) put(hash string, p *principal, now time.Time) {
	k.mu.Lock()
	if len(k.m) > 10000 {
		clear(k.m)
	}
	k.m[hash] = cachedKey{p: p, fetched: now}
	k.mu.Unlock()
}

func (k *keyCache) dropAll() {
	k.mu.Lock()
	clear(k.m)
	k.mu.Unlock()
}

func (k *keyCache) drop(hash string) {
	k.mu.Lock()
	delete(k.m, hash)
	k.mu.Unlock()
}

// apiKeyHeader is the header that carries an API key.
const apiKeyHeader = "X-API-Key"

// requireKey authenticates an API request by its key (any role) and applies
// the key's rate limit.
func (s *Server) requireKey(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		key := c.Request().Header.Get(apiKeyHeader)
		if key == "" || len(key) > 200 {
			return errUnauthorized
		}
		hash := store.HashSecret(key)
		now := time.Now()
		p, ok := s.keys.get(hash, now)
		if !ok {
			k, err := s.st.APIKeyByHash(hash)
			if err != nil {
				if screener.KindOf(err) == screener.KindNotFound {
					return errUnauthorized
				}
				return err
			}
			// The map lookup is by hash; compare again in constant time.
			if k.Revoked || subtle.ConstantTimeCompare([]byte(k.Hash), []byte(hash)) != 1 {
				return errUnauthorized
			}
			p = &principal{Name: "key:" + k.Name, Role: k.Role, IsKey: true, hash: hash}
			s.keys.put(hash, p, now)
		}
		if s.limit != nil && !s.limit.allow(hash, now) {
			c.Response().Header().Set("Retry-After", "1")
			return errRateLimited
		}
		c.Set(principalKey, p)
		return next(c)
	}
}

// apiRole refuses an API key with none of roles (admin passes).
func apiRole(roles ...string) echo.MiddlewareFunc {
	return roleGate(roles, func(p *principal, c echo.Context) error {
		return forbidden("this API key's role (%s) may not call %s", p.Role, c.Path())
	})
}

// limiter is a token bucket per API key. With several replicas behind a
// load balancer each takes its share (rate and burst divided by the
// replicas alive, as the store's heartbeat counts them), so the limit holds
// for the whole service, not per process.
type limiter struct {
	mu      sync.Mutex
	rate    float64 // tokens per second
	burst   float64
	share   float64 // replicas alive; 1 when alone
	buckets map[string]*bucket
}

// setReplicas sets how many replicas share the limit.
func (l *limiter) setReplicas(n int) {
	l.mu.Lock()
	l.share = float64(max(n, 1))
	l.mu.Unlock()
}

type bucket struct {
	tokens float64
	last   time.Time
}

func newLimiter(rate float64, burst int) *limiter {
	return &limiter{rate: rate, burst: float64(burst), share: 1, buckets: map[string]*bucket{}}
}

func (l *limiter) allow(id string, now time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	rate, burst := l.rate/l.share, max(l.burst/l.share, 1)
	b := l.buckets[id]
	if b == nil {
		if len(l.buckets) > 10000 {
			clear(l.buckets)
		}
		b = &bucket{tokens: burst, last: now}
		l.buckets[id] = b
	}
	b.tokens += now.Sub(b.last).Seconds() * rate
	if b.tokens > burst {
		b.tokens = burst
	}
	b.last = now
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}

// ownsRun reports whether p may read a run saved by user for portfolio:
// compliance and admin read every run; others the runs they saved and the
// runs of the portfolios they own or were granted.
func (s *Server) ownsRun(p *principal, info store.RunInfo) (bool, error) {
	if p.has(RoleCompliance, RoleAdmin) {
		return true, nil
	}
	if info.User == p.Name {
		return true, nil
	}
	pf, err := s.st.Portfolio(info.Portfolio)
	if screener.KindOf(err) == screener.KindNotFound {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return pf.MayRead(p.Name), nil
}

// ownPortfolios returns the portfolios p owns or was granted; nil means
// all (compliance and admin).
func (s *Server) ownPortfolios(p *principal) (map[string]bool, error) {
	if p.has(RoleCompliance, RoleAdmin) {
		return nil, nil
	}
	names, err := s.st.PortfoliosOf(p.Name)
	if err != nil {
		return nil, err
	}
	own := make(map[string]bool, len(names))
	for _, n := range names {
		own[n] = true
	}
	return own, nil
}

// maxPortfolioName bounds a portfolio name (bytes).
const maxPortfolioName = 200

// claimPortfolio settles which portfolio a run goes to, before any of the
// file is read: the name asked for, which must be p's (owned or granted)
// unless p is compliance or admin (403 otherwise); or, when none was
// asked for, fallback (the file's name), made the principal's own
// ("holdings.csv (fm2)") when someone else has that name already.
// SaveRun checks ownership again in its transaction.
func (s *Server) claimPortfolio(job *screenJob, fallback string) error {
	asked := job.Portfolio != ""
	if !asked {
		job.Portfolio = fallback
	}
	if len(job.Portfolio) > maxPortfolioName {
		return invalid("portfolio name: at most %d bytes", maxPortfolioName)
	}
	for _, r := range job.Portfolio {
		if r < 0x20 || r == 0x7f {
			return invalid("portfolio name: no control characters")
		}
	}
	if job.Any {
		return nil
	}
	pf, err := s.st.Portfolio(job.Portfolio)
	if screener.KindOf(err) == screener.KindNotFound {
		return nil
	}
	if err != nil {
		return err
	}
	if pf.Owner == "" || pf.MayRead(job.User) {
		return nil
	}
	if asked {
		return forbidden("portfolio %q belongs to another user: ask compliance for access, or choose another name", job.Portfolio)
	}
	job.Portfolio = clipRunes(fallback, maxPortfolioName/2) + " (" + clipRunes(job.User, 64) + ")"
	return nil
}

func trimName(s string) string { return strings.TrimSpace(s) }
