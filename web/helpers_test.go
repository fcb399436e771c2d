package web

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/screener/screener/issuers"
	"github.com/screener/screener/screener"
	"github.com/screener/screener/screener/lists"
	"github.com/screener/screener/screener/store"
	"golang.org/x/crypto/bcrypt"
)

// testPassword is every test user's password.
const testPassword = "correct-horse-battery"

// testNow is the tests' clock: 2023-01-01, after China Mobile's divestment
// date, so buying it is prohibited.
var testNow = time.Date(2023, 1, 1, 12, 0, 0, 0, screener.Eastern)

// fixture is a server on a real bbolt file with one user and one API key per
// role.
type fixture struct {
	t    testing.TB
	srv  *Server
	st   *store.Store
	keys map[string]string // role → API key
	log  *bytes.Buffer
}

var (
	dirOnce sync.Once
	dir     *issuers.Directory
	dirErr  error
	// hashOnce caches one bcrypt hash: the tests make many users.
	hashOnce sync.Once
	hash     []byte
)

func testDir(t testing.TB) *issuers.Directory {
	t.Helper()
	dirOnce.Do(func() { dir, dirErr = issuers.Default() })
	if dirErr != nil {
		t.Fatalf("issuers.Default: %v", dirErr)
	}
	return dir
}

func testHash(t testing.TB) []byte {
	t.Helper()
	hashOnce.Do(func() {
		// The lowest bcrypt cost: tests sign in (and fail to) hundreds of
		// times. HashPassword (the default cost) still runs wherever a test
		// adds a user through the admin page.
		var err error
		if hash, err = bcrypt.GenerateFromPassword([]byte(testPassword), bcrypt.MinCost); err != nil {
			panic(err)
		}
	})
	return hash
}

type syncBuf struct {
	mu sync.Mutex
	bytes.Buffer
}

func (b *syncBuf) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.Buffer.Write(p)
}

func newFixture(t *testing.T, mod ...func(*Config)) *fixture {
	t.Helper()
	return newFixtureTB(t, mod...)
}

func newFixtureTB(t testing.TB, mod ...func(*Config)) *fixture {
	t.Helper()
	return newFixtureStore(t, nil, mod...)
}

// newFixtureStore is newFixture with the store opened with opt.
func newFixtureStore(t testing.TB, opt *store.Options, mod ...func(*Config)) *fixture {
	t.Helper()
	st, err := store.Open(filepath.Join(t.TempDir(), "web.db"), opt)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	l, err := lists.Default()
	if err != nil {
		t.Fatal(err)
	}
	var logBuf syncBuf
	cfg := Config{Store: st, Lists: []*screener.List{l}, Dir: testDir(t),
		Logger: slog.New(slog.NewTextHandler(&logBuf, nil)), Now: func() time.Time { return testNow }, RateLimit: -1}
	for _, m := range mod {
		m(&cfg)
	}
	srv, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{t: t, srv: srv, st: st, keys: map[string]string{}, log: &logBuf.Buffer}
	for _, r := range Roles {
		if _, err := st.PutUser("test", store.User{Name: r + "1", Role: r, PasswordHash: testHash(t)}); err != nil {
			t.Fatal(err)
		}
		k, _, err := st.CreateAPIKey("test", r+"-key", r)
		if err != nil {
			t.Fatal(err)
		}
		f.keys[r] = k
	}
	return f
}

// do sends a request through the whole echo stack.
func (f *fixture) do(req *http.Request) *httptest.ResponseRecorder {
	f.t.Helper()
	w := httptest.NewRecorder()
	f.srv.ServeHTTP(w, req)
	return w
}

// api sends a JSON request with the API key of role ("" for none).
func (f *fixture) api(method, path, role, body string) *httptest.ResponseRecorder {
	f.t.Helper()
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req := httptest.NewRequest(method, path, r)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if role != "" {
		k := f.keys[role]
		if k == "" {
			k = role // a literal key
		}
		req.Header.Set(apiKeyHeader, k)
	}
	return f.do(req)
}

// session is a signed-in browser: its cookies.
type session struct {
	f       *fixture
	user    string
	cookies map[string]*http.Cookie
}

func (f *fixture) anon() *session { return &session{f: f, cookies: map[string]*http.Cookie{}} }

// login signs in the test user of role and returns its session.
func (f *fixture) login(role string) *session {
	f.t.Helper()
	s := f.anon()
	s.user = role + "1"
	s.get("/login")
	w := s.postForm("/login", url.Values{"name": {role + "1"}, "password": {testPassword}}, true)
	if w.Code != http.StatusSeeOther {
		f.t.Fatalf("login %s: status %d, body %s", role, w.Code, w.Body)
	}
	if s.cookies[sessionCookie] == nil {
		f.t.Fatalf("login %s: no session cookie", role)
	}
	return s
}

func (s *session) send(req *http.Request) *httptest.ResponseRecorder {
	for _, c := range s.cookies {
		req.AddCookie(c)
	}
	w := s.f.do(req)
	for _, c := range w.Result().Cookies() {
		if c.MaxAge < 0 {
			delete(s.cookies, c.Name)
		} else {
			s.cookies[c.Name] = c
		}
	}
	return w
}

func (s *session) get(path string) *httptest.ResponseRecorder {
	return s.send(httptest.NewRequest(http.MethodGet, path, nil))
}

func (s *session) csrf() string {
	if c := s.cookies[csrfCookie]; c != nil {
		return c.Value
	}
	return ""
}

// postForm posts a URL-encoded form, with the CSRF token when withToken.
func (s *session) postForm(path string, v url.Values, withToken bool) *httptest.ResponseRecorder {
	if withToken {
		v.Set(csrfField, s.csrf())
	}
	req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(v.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return s.send(req)
}

// multipartBody builds a form with fields (in order) then a file.
func multipartBody(t testing.TB, fields [][2]string, fileName string, content []byte) (string, *bytes.Buffer) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for _, kv := range fields {
		if err := mw.WriteField(kv[0], kv[1]); err != nil {
			t.Fatal(err)
		}
	}
	if fileName != "" {
		fw, err := mw.CreateFormFile("file", fileName)
		if err != nil {
			t.Fatal(err)
		}
		fw.Write(content)
	}
	mw.Close()
	return mw.FormDataContentType(), &buf
}

// upload posts a holdings file through the upload form.
func (s *session) upload(name string, content []byte, asOf string, withToken bool) *httptest.ResponseRecorder {
	fields := [][2]string{}
	if withToken {
		fields = append(fields, [2]string{csrfField, s.csrf()})
	}
	fields = append(fields, [2]string{"portfolio", "Fund of " + s.user}, [2]string{"as_of", asOf}, [2]string{"us_person", "yes"})
	ct, body := multipartBody(s.f.t, fields, name, content)
	req := httptest.NewRequest(http.MethodPost, "/upload", body)
	req.Header.Set("Content-Type", ct)
	return s.send(req)
}

// decode decodes a JSON response into a map.
func decode(t testing.TB, w *httptest.ResponseRecorder) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(w.Body.Bytes(), &m); err != nil {
		t.Fatalf("response is not a JSON object: %v\n%s", err, w.Body)
	}
	return m
}

// errCode returns error.code of an error response.
func errCode(t testing.TB, w *httptest.ResponseRecorder) string {
	t.Helper()
	m := decode(t, w)
	e, ok := m["error"].(map[string]any)
	if !ok || len(m) != 1 {
		t.Fatalf("want {\"error\":{...}}, got %s", w.Body)
	}
	code, _ := e["code"].(string)
	if msg, _ := e["message"].(string); msg == "" {
		t.Errorf("error without a message: %s", w.Body)
	}
	return code
}
