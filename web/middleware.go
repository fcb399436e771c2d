package web

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"log/slog"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/labstack/echo/v4"
)

// contentSecurityPolicy allows nothing but this origin's own files: no inline
// script or style, no framing, forms post only here.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// securityHeaderValues are the headers every response carries, their keys
// in canonical form. Every response shares the value slices, whose length
// is their capacity: Header.Set replaces a value and Header.Add appends to
// a copy, so none writes to them (this saves an allocation a header on
// each request).
var securityHeaderValues = [...]struct {
	key   string
	value []string
}{
	{"Content-Security-Policy", []string{contentSecurityPolicy}[:1:1]},
	{"X-Content-Type-Options", []string{"nosniff"}[:1:1]},
	{"X-Frame-Options", []string{"DENY"}[:1:1]},
	{"Referrer-Policy", []string{"same-origin"}[:1:1]},
	{"Cross-Origin-Opener-Policy", []string{"same-origin"}[:1:1]},
}

var hstsValue = []string{"max-age=31536000"}[:1:1]

// securityHeaders sets the headers every response carries.
func (s *Server) securityHeaders(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		h := c.Response().Header()
		for _, kv := range securityHeaderValues {
			h[kv.key] = kv.value
		}
		if s.secure(c) {
			h["Strict-Transport-Security"] = hstsValue
		}
		return next(c)
	}
}

// requestLog logs requests with their request id: every error (5xx) and
// every slow one (over a second, at warn), and one in Config.LogSample of
// the others (at info), so a flood of requests cannot flood the log.
func (s *Server) requestLog(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		start := time.Now()
		err := next(c)
		if err != nil {
			c.Error(err) // render now so the logged status is the one sent
		}
		req, res := c.Request(), c.Response()
		took := time.Since(start)
		lvl := slog.LevelInfo
		switch {
		case res.Status >= 500:
			lvl = slog.LevelError
		case took > time.Second:
			lvl = slog.LevelWarn
		case s.logged.Add(1)%uint64(s.cfg.LogSample) != 0:
			return nil // sampled out: one in LogSample is logged
		}
		if !s.log.Enabled(req.Context(), lvl) {
			return nil
		}
		user := ""
		if p := who(c); p != nil {
			user = p.Name
		}
		s.log.LogAttrs(req.Context(), lvl, "request",
			slog.String("request_id", res.Header().Get(echo.HeaderXRequestID)),
			slog.String("method", req.Method), slog.String("path", req.URL.Path),
			slog.Int("status", res.Status), slog.Duration("took", took),
			slog.Int64("bytes", res.Size), slog.String("user", user))
		return nil
	}
}

// CSRF protection is a double-submit token: a random value in an HttpOnly,
// SameSite=Strict cookie that every form repeats in its _csrf field (or the
// X-CSRF-Token header). Upload forms are read as a stream, so their handlers
// check the token themselves from the first part of the multipart body.
const (
	csrfCookie = "screener_csrf"
	csrfField  = "_csrf"
	csrfHeader = "X-CSRF-Token"
	csrfCtxKey = "csrf"
)

// streamed names the routes whose handlers read a multipart body as a
// stream and check the CSRF token themselves.
var streamed = map[string]bool{"/upload": true, "/lists/import": true, "/funds": true}

func newToken() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic("crypto/rand failed: " + err.Error()) // cannot happen on Linux
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// csrf issues the token on safe requests and checks it on the others.
// Signed in, the token is derived from the session's token (csrfFor), so it
// changes at every sign-in and a token from another session never passes;
// signed out (the sign-in form), it is the double-submit cookie alone.
func (s *Server) csrf(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		tok := ""
		if ck, err := c.Cookie(csrfCookie); err == nil && len(ck.Value) >= 32 {
			tok = ck.Value
		}
		bound := ""
		if st, ok := c.Get(sessionCtxKey).(string); ok && st != "" {
			bound = csrfFor(st)
		}
		switch c.Request().Method {
		case http.MethodGet, http.MethodHead, http.MethodOptions:
			switch {
			case bound != "" && tok != bound:
				tok = bound
				s.setCSRFCookie(c, tok)
			case tok == "":
				tok = newToken()
				s.setCSRFCookie(c, tok)
			}
			c.Set(csrfCtxKey, tok)
			return next(c)
		}
		if bound != "" && tok != bound {
			tok = "" // the cookie must be this session's token too
		}
		c.Set(csrfCtxKey, tok)
		mt, _, _ := mime.ParseMediaType(c.Request().Header.Get(echo.HeaderContentType))
		if mt == "multipart/form-data" && streamed[c.Path()] {
			return next(c) // the handler calls checkCSRF on the first part
		}
		sent := c.Request().Header.Get(csrfHeader)
		if sent == "" {
			sent = c.FormValue(csrfField)
		}
		if err := checkCSRF(tok, sent); err != nil {
			return err
		}
		return next(c)
	}
}

// csrfFor is the CSRF token of a session: a one-way function of the
// session token, so knowing it reveals nothing of the session.
func csrfFor(sessionToken string) string {
	sum := sha256.Sum256([]byte("screener csrf\x00" + sessionToken))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

func (s *Server) setCSRFCookie(c echo.Context, tok string) {
	c.SetCookie(&http.Cookie{Name: csrfCookie, Value: tok, Path: "/", HttpOnly: true,
		Secure: s.secure(c), SameSite: http.SameSiteStrictMode, MaxAge: 7 * 24 * 3600})
}

// checkCSRF compares the cookie's token with the one the form sent.
func checkCSRF(cookie, sent string) error {
	if cookie == "" || sent == "" || subtle.ConstantTimeCompare([]byte(cookie), []byte(sent)) != 1 {
		return echo.NewHTTPError(http.StatusForbidden, "the form's security token is missing or stale: reload the page and try again")
	}
	return nil
}

func csrfToken(c echo.Context) string {
	t, _ := c.Get(csrfCtxKey).(string)
	return t
}

// validText refuses a request whose path, query or header values are not
// valid UTF-8 (400), before any handler reads them: a stored string must
// re-encode to the bytes it was stored as (the audit chain hashes them),
// and nothing a person typed is fixed up silently. Form bodies are checked
// by validForm, multipart fields by streamForm, file names by displayName.
func (s *Server) validText(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		req := c.Request()
		if !utf8.ValidString(req.URL.Path) {
			return invalid("the address is not valid UTF-8")
		}
		q, err := url.ParseQuery(req.URL.RawQuery)
		if err != nil {
			return invalid("the query string is malformed: %v", err)
		}
		if k, ok := invalidValues(q); !ok {
			return invalid("query parameter %q is not valid UTF-8", k)
		}
		for k, vs := range req.Header {
			for _, v := range vs {
				if !utf8.ValidString(v) {
					return invalid("header %s is not valid UTF-8", k)
				}
			}
		}
		return next(c)
	}
}

// validForm refuses a URL-encoded form body with a field that is not valid
// UTF-8 (400).
func validForm(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		req := c.Request()
		mt, _, _ := mime.ParseMediaType(req.Header.Get(echo.HeaderContentType))
		if req.Method == http.MethodPost && mt == echo.MIMEApplicationForm {
			if err := req.ParseForm(); err != nil {
				return wrapBodyErr(err, "read the form")
			}
			if k, ok := invalidValues(req.PostForm); !ok {
				return invalid("form field %q is not valid UTF-8", k)
			}
		}
		return next(c)
	}
}

// invalidValues returns the first name or value of v that is not valid
// UTF-8, and false; or "", true.
func invalidValues(v url.Values) (string, bool) {
	for k, vs := range v {
		if !utf8.ValidString(k) {
			return strings.ToValidUTF8(k, "\uFFFD"), false
		}
		for _, x := range vs {
			if !utf8.ValidString(x) {
				return k, false
			}
		}
	}
	return "", true
}
