package web

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/screener/screener/screener/store"
)

// fakeClock is a clock tests move by hand, shared by the store and the
// server.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *fakeClock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func clockFixture(t *testing.T) (*fixture, *fakeClock) {
	clk := &fakeClock{t: time.Date(2026, 1, 15, 9, 0, 0, 0, time.UTC)}
	f := newFixtureStore(t, &store.Options{Now: clk.now})
	f.srv.wall = clk.now
	return f, clk
}

// rawForm posts body as a URL-encoded form exactly as given (so it can
// carry bytes url.Values would escape), with the session's CSRF token.
func (s *session) rawForm(path, body string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodPost, path, strings.NewReader("_csrf="+s.csrf()+"&"+body))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return s.send(req)
}

// Invalid UTF-8 in a form, a query or a header is refused before it is
// stored, so the audit chain keeps verifying.
func TestInvalidUTF8Refused(t *testing.T) {
	f := newFixture(t)
	anon := f.anon()
	anon.get("/login")
	if w := anon.rawForm("/login", "name=%FFattacker&password=x"); w.Code != http.StatusBadRequest {
		t.Errorf("login with an invalid UTF-8 name: %d, want 400", w.Code)
	}
	if w := f.api("GET", "/api/v1/lists?portfolio=%C3%28", RoleBroker, ""); w.Code != http.StatusBadRequest {
		t.Errorf("API query with invalid UTF-8: %d, want 400", w.Code)
	}
	req := httptest.NewRequest("GET", "/api/v1/lists", nil)
	req.Header.Set(apiKeyHeader, f.keys[RoleBroker])
	req.Header.Set("X-Note", "\xff")
	if w := f.do(req); w.Code != http.StatusBadRequest {
		t.Errorf("header with invalid UTF-8: %d, want 400", w.Code)
	}
	fm := f.login(RoleFundManager)
	ct, body := multipartBody(t, [][2]string{{csrfField, fm.csrf()}, {"portfolio", "Book \xc3\x28"}}, "h.csv", []byte("ISIN\nUS0378331005\n"))
	req = httptest.NewRequest("POST", "/upload", body)
	req.Header.Set("Content-Type", ct)
	if w := fm.send(req); w.Code != http.StatusBadRequest {
		t.Errorf("upload field with invalid UTF-8: %d, want 400", w.Code)
	}
	// A file name is only a label: its bad bytes are replaced, once.
	ct, body = multipartBody(t, [][2]string{{csrfField, fm.csrf()}, {"portfolio", "Book"}}, "h\xff.csv", []byte("ISIN\nUS0378331005\n"))
	req = httptest.NewRequest("POST", "/upload", body)
	req.Header.Set("Content-Type", ct)
	if w := fm.send(req); w.Code != http.StatusSeeOther {
		t.Errorf("upload with an invalid UTF-8 file name: %d, want 303: %.300s", w.Code, w.Body)
	}
	// Whatever got through, the store keeps text it can re-encode.
	if _, err := f.st.LoginFailed("\xffattacker", "192.0.2.1", "direct", time.Hour); err != nil {
		t.Fatal(err)
	}
	if err := f.st.VerifyAudit(); err != nil {
		t.Errorf("audit after invalid UTF-8: %v", err)
	}
}

func TestSafeNext(t *testing.T) {
	for in, want := range map[string]string{
		"/runs/3":                       "/runs/3",
		"/runs?page=2#top":              "/runs?page=2#top",
		"/":                             "/",
		"":                              "/",
		"//evil.example/":               "/",
		"/\\evil.example":               "/",
		"/\t/evil.example/phish":        "/",
		"/\n/evil.example":              "/",
		"https://evil.example/":         "/",
		"javascript:alert(1)":           "/",
		"/%09/evil.example":             "/%09/evil.example", // still a path on this site once decoded by us
		"/\u0085/evil.example":          "/",
		"/runs/\xff":                    "/",
		"evil.example":                  "/",
		"/" + strings.Repeat("a", 3000): "/",
	} {
		if got := safeNext(in); got != want {
			t.Errorf("safeNext(%q) = %q, want %q", in, got, want)
		}
	}
	// Through the form: the field is URL-decoded, so %09 is a tab.
	f := newFixture(t)
	s := f.anon()
	s.get("/login")
	w := s.rawForm("/login", "name=compliance1&password="+testPassword+"&next=/%09/evil.example/phish")
	if loc := w.Header().Get("Location"); w.Code != http.StatusSeeOther || loc != "/" {
		t.Errorf("login with next=/%%09/evil.example: %d to %q, want 303 to /", w.Code, loc)
	}
}

// Failed sign-ins back off per name and per address and lock a name; a
// refused attempt checks no password and writes no audit record; an admin
// lifts the lock.
func TestLoginThrottle(t *testing.T) {
	f, clk := clockFixture(t)
	try := func(name, pw string) *httptest.ResponseRecorder {
		s := f.anon()
		s.get("/login")
		return s.postForm("/login", url.Values{"name": {name}, "password": {pw}}, true)
	}
	n0, _, _ := f.st.AuditHead()
	codes := map[int]int{}
	for i := 0; i < 30; i++ {
		w := try("fund_manager1", "wrong")
		codes[w.Code]++
		if w.Code == http.StatusTooManyRequests && w.Header().Get("Retry-After") == "" {
			t.Error("429 without Retry-After")
		}
	}
	if codes[http.StatusUnauthorized] != nameThrottle.free || codes[http.StatusTooManyRequests] != 30-nameThrottle.free {
		t.Errorf("30 fast failures: %v, want %d 401 then 429", codes, nameThrottle.free)
	}
	n1, _, _ := f.st.AuditHead()
	if n1-n0 != uint64(nameThrottle.free) {
		t.Errorf("%d audit records for 30 attempts, want %d (refused attempts write nothing)", n1-n0, nameThrottle.free)
	}
	// Backed off, even the right password waits.
	if w := try("fund_manager1", testPassword); w.Code != http.StatusTooManyRequests {
		t.Errorf("right password while backed off: %d, want 429", w.Code)
	}
	// Other names are not affected (the address allows more failures).
	if w := try("compliance1", testPassword); w.Code != http.StatusSeeOther {
		t.Errorf("another user: %d, want 303", w.Code)
	}
	// Waiting out each back-off, failures go on to the lockout.
	for i := nameThrottle.free; i < nameThrottle.lock; i++ {
		clk.add(nameThrottle.max)
		if w := try("fund_manager1", "wrong"); w.Code != http.StatusUnauthorized {
			t.Fatalf("failure %d after its back-off: %d, want 401", i+1, w.Code)
		}
	}
	clk.add(nameThrottle.max)
	w := try("fund_manager1", testPassword)
	if w.Code != http.StatusTooManyRequests || !strings.Contains(w.Body.String(), "locked") {
		t.Fatalf("locked name, right password: %d, want 429 saying locked", w.Code)
	}
	// The admin page lists it; lifting it lets the user in, audited.
	admin := f.login(RoleAdmin)
	if page := admin.get("/admin/users").Body.String(); !strings.Contains(page, "name:fund_manager1") {
		t.Error("the admin page does not list the locked name")
	}
	if w := admin.postForm("/admin/users/unlock", url.Values{"key": {"name:fund_manager1"}}, true); w.Code != http.StatusSeeOther {
		t.Fatalf("unlock: %d %s", w.Code, w.Body)
	}
	if w := try("fund_manager1", testPassword); w.Code != http.StatusSeeOther {
		t.Errorf("after unlock: %d, want 303", w.Code)
	}
	recs, _ := f.st.Audit(0, 0)
	unlocked := false
	for _, r := range recs {
		unlocked = unlocked || (r.Action == store.ActionLoginUnlock && r.Actor == "admin1" && r.Subject == "name:fund_manager1")
	}
	if !unlocked {
		t.Error("no audit record of the unlock")
	}
	// A lock expires an hour after the last failure.
	for i := 0; i < nameThrottle.lock; i++ {
		clk.add(nameThrottle.max)
		try("admin1", "wrong")
	}
	if w := try("admin1", testPassword); w.Code != http.StatusTooManyRequests {
		t.Errorf("admin locked: %d, want 429", w.Code)
	}
	clk.add(nameThrottle.forget + time.Second)
	if w := try("admin1", testPassword); w.Code != http.StatusSeeOther {
		t.Errorf("an hour later: %d, want 303", w.Code)
	}
}

// The per-address limit catches guesses spread over many names, and an
// X-Forwarded-For header does not change the address.
func TestLoginThrottleAddress(t *testing.T) {
	f, _ := clockFixture(t)
	got429 := false
	for i := 0; i < addrThrottle.free+3; i++ {
		s := f.anon()
		s.get("/login")
		// Names no user can have: no password hash is computed for them,
		// and each counts on the address all the same.
		v := url.Values{"name": {"user #" + strings.Repeat("x", i%60)}, "password": {"wrong"}, csrfField: {s.csrf()}}
		req := httptest.NewRequest(http.MethodPost, "/login", strings.NewReader(v.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("X-Forwarded-For", "198.51.100."+string(rune('0'+i%10)))
		if s.send(req).Code == http.StatusTooManyRequests {
			got429 = true
		}
	}
	if !got429 {
		t.Errorf("%d failures from one address over many names: no 429", addrThrottle.free+3)
	}
}

// Names and other fields are bounded before they reach the audit log.
func TestLoginFieldsBounded(t *testing.T) {
	f := newFixture(t)
	s := f.anon()
	s.get("/login")
	long := strings.Repeat("n", 60000)
	if w := s.postForm("/login", url.Values{"name": {long}, "password": {"x"}}, true); w.Code != http.StatusUnauthorized {
		t.Errorf("60 KB name: %d, want 401", w.Code)
	}
	recs, _ := f.st.Audit(0, 0)
	last := recs[len(recs)-1]
	if last.Action != store.ActionLoginFailed || len(last.Actor) > 256 || len(last.Subject) > 256 {
		t.Errorf("failed login with a 60 KB name stored a %d-byte actor", len(last.Actor))
	}
}

// The CSRF token changes at sign-in and is bound to the session: the
// token from before sign-in, or another session's, is refused.
func TestCSRFRotatedAtLogin(t *testing.T) {
	f := newFixture(t)
	s := f.anon()
	s.get("/login")
	before := s.csrf()
	w := s.postForm("/login", url.Values{"name": {"admin1"}, "password": {testPassword}}, true)
	if w.Code != http.StatusSeeOther {
		t.Fatalf("login: %d", w.Code)
	}
	after := s.csrf()
	if after == "" || after == before {
		t.Fatalf("CSRF token not rotated at login: before %q after %q", before, after)
	}
	if after != csrfFor(s.cookies[sessionCookie].Value) {
		t.Error("the CSRF token is not the session's")
	}
	// The pre-login token in both cookie and form: refused.
	v := url.Values{"name": {"mallory"}, "role": {RoleAdmin}, "password": {"0123456789abc"}, csrfField: {before}}
	req := httptest.NewRequest(http.MethodPost, "/admin/users", strings.NewReader(v.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.AddCookie(s.cookies[sessionCookie])
	req.AddCookie(&http.Cookie{Name: csrfCookie, Value: before})
	if w := f.do(req); w.Code != http.StatusForbidden {
		t.Errorf("pre-login token after login: %d, want 403", w.Code)
	}
	if w := s.postForm("/admin/users", url.Values{"name": {"mallory"}, "role": {RoleAdmin}, "password": {"0123456789abc"}}, true); w.Code != http.StatusSeeOther {
		t.Errorf("session token: %d %s", w.Code, w.Body)
	}
	// Logging out rotates it again.
	s.postForm("/logout", url.Values{}, true)
	if s.csrf() == after {
		t.Error("CSRF token kept after logout")
	}
}

// uploadTo posts a holdings file into portfolio through the upload form.
func (s *session) uploadTo(portfolio, name string, content []byte) *httptest.ResponseRecorder {
	ct, body := multipartBody(s.f.t, [][2]string{{csrfField, s.csrf()}, {"portfolio", portfolio}, {"as_of", "2023-01-01"},
		{"us_person", "yes"}}, name, content)
	req := httptest.NewRequest(http.MethodPost, "/upload", body)
	req.Header.Set("Content-Type", ct)
	return s.send(req)
}

// A portfolio belongs to whoever created it: another fund manager or a
// broker key gets 403 to upload into it or read its runs, until compliance
// grants access (audited).
func TestPortfolioOwnership(t *testing.T) {
	f := newFixture(t)
	if _, err := f.st.PutUser("test", store.User{Name: "fund_manager2", Role: RoleFundManager, PasswordHash: testHash(t)}); err != nil {
		t.Fatal(err)
	}
	demo := []byte("ISIN,Name,Quantity\nHK0941009539,CHINA MOBILE LTD,100\nUS0378331005,APPLE INC,5\n")
	fm1 := f.login(RoleFundManager)
	w := fm1.uploadTo("Secret Book", "h.csv", demo)
	if w.Code != http.StatusSeeOther {
		t.Fatalf("fm1 upload: %d %s", w.Code, w.Body)
	}
	run1 := w.Header().Get("Location")
	fm2 := f.anon()
	fm2.user = "fund_manager2"
	fm2.get("/login")
	if w := fm2.postForm("/login", url.Values{"name": {"fund_manager2"}, "password": {testPassword}}, true); w.Code != http.StatusSeeOther {
		t.Fatalf("fm2 login: %d", w.Code)
	}
	if w := fm2.uploadTo("Secret Book", "h.csv", demo); w.Code != http.StatusForbidden {
		t.Errorf("fm2 uploading into fm1's portfolio: %d, want 403", w.Code)
	}
	for _, path := range []string{run1, run1 + "/report/csv", run1 + "/report/json"} {
		if w := fm2.get(path); w.Code != http.StatusForbidden {
			t.Errorf("fm2 reading %s: %d, want 403", path, w.Code)
		}
	}
	if page := fm2.get("/portfolios").Body.String(); strings.Contains(page, "Secret Book") {
		t.Error("fm2's portfolio page lists fm1's portfolio")
	}
	// A broker key cannot overwrite the portfolio's latest run either.
	ct, body := multipartBody(t, nil, "clean.csv", []byte("ISIN\nUS0378331005\n"))
	req := httptest.NewRequest("POST", "/api/v1/screen?portfolio=Secret+Book", body)
	req.Header.Set("Content-Type", ct)
	req.Header.Set(apiKeyHeader, f.keys[RoleBroker])
	if w := f.do(req); w.Code != http.StatusForbidden {
		t.Errorf("broker key uploading into fm1's portfolio: %d, want 403", w.Code)
	}
	if runs, _ := f.st.Runs(); len(runs) != 1 {
		t.Errorf("%d runs saved, want only fm1's", len(runs))
	}
	// Without a portfolio name, a taken file name becomes fm2's own.
	if w := fm1.uploadTo("", "book.csv", demo); w.Code != http.StatusSeeOther {
		t.Fatalf("fm1 unnamed upload: %d", w.Code)
	}
	if w := fm2.uploadTo("", "book.csv", demo); w.Code != http.StatusSeeOther {
		t.Fatalf("fm2 unnamed upload of the same file name: %d %s", w.Code, w.Body)
	}
	if p, err := f.st.Portfolio("book.csv (fund_manager2)"); err != nil || p.Owner != "fund_manager2" {
		t.Errorf("fm2's unnamed upload: %+v, %v", p, err)
	}
	// Compliance grants fm2 access: now fm2 reads and uploads.
	comp := f.login(RoleCompliance)
	if w := comp.postForm("/portfolios/access", url.Values{"portfolio": {"Secret Book"}, "principal": {"fund_manager2"}, "action": {"grant"}}, true); w.Code != http.StatusSeeOther {
		t.Fatalf("grant: %d %s", w.Code, w.Body)
	}
	if w := fm2.get(run1); w.Code != http.StatusOK {
		t.Errorf("fm2 after the grant: %d", w.Code)
	}
	if w := fm2.uploadTo("Secret Book", "h.csv", demo); w.Code != http.StatusSeeOther {
		t.Errorf("fm2 upload after the grant: %d", w.Code)
	}
	recs, _ := f.st.Audit(0, 0)
	granted := false
	for _, r := range recs {
		granted = granted || (r.Action == store.ActionPortfolioGrant && r.Actor == "compliance1" && r.Detail["principal"] == "fund_manager2")
	}
	if !granted {
		t.Error("no audit record of the grant")
	}
}

// A review stays in the queue when a later upload lacks the row.
func TestReviewNotSettledByUpload(t *testing.T) {
	f := newFixture(t)
	fm := f.login(RoleFundManager)
	demo, err := os.ReadFile("../testdata/demo/holdings.csv")
	if err != nil {
		t.Fatal(err)
	}
	if w := fm.uploadTo("Book", "h.csv", demo); w.Code != http.StatusSeeOther {
		t.Fatalf("upload: %d %s", w.Code, w.Body)
	}
	before, err := f.st.OpenReviews()
	if err != nil || len(before) == 0 {
		t.Fatalf("the demo file leaves no review open (%v)", err)
	}
	if w := fm.uploadTo("Book", "h.csv", []byte("ISIN,Quantity\nUS0378331005,5\n")); w.Code != http.StatusSeeOther {
		t.Fatalf("clean upload: %d", w.Code)
	}
	after, _ := f.st.OpenReviews()
	if len(after) != len(before) {
		t.Errorf("a clean upload changed the open reviews from %d to %d", len(before), len(after))
	}
	comp := f.login(RoleCompliance)
	if page := comp.get("/reviews").Body.String(); !strings.Contains(page, before[0].Finding.Security.Name) {
		t.Error("the review queue lost the review after a clean upload")
	}
}

// takeUploadSlots takes every upload slot of who, as running uploads would.
func takeUploadSlots(t *testing.T, f *fixture, who string) {
	t.Helper()
	for i := 0; i < f.srv.cfg.UploadsPerPrincipal; i++ {
		if ok, _ := f.srv.uploads.acquire(who); !ok {
			t.Fatal("could not take an upload slot")
		}
	}
}

// At most UploadsPerPrincipal uploads of one principal run at once: the
// next waits UploadWait for a slot, then gets 429 with Retry-After, before
// its body is read.
func TestUploadConcurrencyLimit(t *testing.T) {
	f := newFixture(t, func(c *Config) { c.UploadsTotal = 10; c.UploadWait = 150 * time.Millisecond })
	demo := []byte("ISIN,Quantity\nUS0378331005,5\n")
	fm := f.login(RoleFundManager)
	takeUploadSlots(t, f, "fund_manager1")
	start := time.Now()
	w := fm.uploadTo("Book", "h.csv", demo)
	if waited := time.Since(start); waited < 150*time.Millisecond {
		t.Errorf("the refused upload waited %v, want the 150ms UploadWait", waited)
	}
	if w.Code != http.StatusTooManyRequests || w.Header().Get("Retry-After") == "" {
		t.Errorf("upload while %d run: %d (Retry-After %q), want 429 with Retry-After", f.srv.cfg.UploadsPerPrincipal, w.Code, w.Header().Get("Retry-After"))
	}
	// Another principal is not held up; the same key over the API is.
	ct, body := multipartBody(t, nil, "h.csv", demo)
	req := httptest.NewRequest("POST", "/api/v1/screen?portfolio=Other", body)
	req.Header.Set("Content-Type", ct)
	req.Header.Set(apiKeyHeader, f.keys[RoleBroker])
	if w := f.do(req); w.Code != http.StatusCreated {
		t.Errorf("another principal's upload: %d, want 201", w.Code)
	}
	f.srv.uploads.release("fund_manager1")
	if w := fm.uploadTo("Book", "h.csv", demo); w.Code != http.StatusSeeOther {
		t.Errorf("upload after a slot freed: %d, want 303", w.Code)
	}
	// The server-wide limit.
	all := newUploadSlots(5, 1)
	if ok, _ := all.acquire("a"); !ok {
		t.Fatal("first slot refused")
	}
	if ok, mine := all.acquire("b"); ok || mine {
		t.Errorf("second principal past the total limit: ok %v mine %v", ok, mine)
	}
}

// A principal whose saved runs reach the quota gets 413; others do not.
func TestUploadQuota(t *testing.T) {
	f := newFixture(t, func(c *Config) { c.Quota = 2000 })
	demo := []byte("ISIN,Name,Quantity\nHK0941009539,CHINA MOBILE LTD,100\nUS0378331005,APPLE INC,5\n")
	fm := f.login(RoleFundManager)
	if w := fm.uploadTo("Book", "h.csv", demo); w.Code != http.StatusSeeOther {
		t.Fatalf("first upload: %d", w.Code)
	}
	used, err := f.st.Usage("fund_manager1")
	if err != nil || used < 2000 {
		t.Fatalf("usage %d, %v: want at least the 2000-byte quota after one run", used, err)
	}
	w := fm.uploadTo("Book", "h.csv", demo)
	if w.Code != http.StatusRequestEntityTooLarge || !strings.Contains(w.Body.String(), "quota") {
		t.Errorf("upload over the quota: %d, want 413 naming the quota", w.Code)
	}
	if w := f.login(RoleCompliance).uploadTo("Comp", "h.csv", demo); w.Code != http.StatusSeeOther {
		t.Errorf("another user's upload: %d, want 303", w.Code)
	}
}

// /readyz fails when the store cannot take a write.
func TestReadyzNeedsWrites(t *testing.T) {
	f := newFixture(t)
	if w := f.api("GET", "/readyz", "", ""); w.Code != http.StatusOK {
		t.Fatalf("readyz: %d %s", w.Code, w.Body)
	}
	copyPath := t.TempDir() + "/copy.db"
	if _, err := f.st.BackupFile(copyPath); err != nil {
		t.Fatal(err)
	}
	ro, err := store.Open(copyPath, &store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	srv, err := New(Config{Store: ro, Lists: f.srv.cfg.Lists, Dir: f.srv.cfg.Dir, Logger: f.srv.log})
	if err != nil {
		t.Fatal(err)
	}
	w := httptest.NewRecorder()
	srv.ServeHTTP(w, httptest.NewRequest("GET", "/readyz", nil))
	if w.Code != http.StatusServiceUnavailable || !strings.Contains(w.Body.String(), "cannot write") {
		t.Errorf("readyz on a store that cannot write: %d %s, want 503", w.Code, w.Body)
	}
}

// Requests that went well are logged one in LogSample.
func TestRequestLogSampled(t *testing.T) {
	f := newFixture(t, func(c *Config) { c.LogSample = 10 })
	for i := 0; i < 50; i++ {
		f.api("GET", "/healthz", "", "")
	}
	if n := strings.Count(f.log.String(), "msg=request "); n != 5 {
		t.Errorf("%d request lines for 50 requests at 1 in 10, want 5", n)
	}
}

// A backup through the server while it serves: the copy opens, its audit
// chain verifies and holds what the live store holds; only admin keys.
func TestBackupWhileServing(t *testing.T) {
	f := newFixture(t)
	f.login(RoleFundManager).uploadTo("Book", "h.csv", []byte("ISIN\nUS0378331005\n"))
	ts := httptest.NewServer(f.srv)
	defer ts.Close()
	out := t.TempDir() + "/b.db"
	if _, err := FetchBackup(t.Context(), ts.URL, f.keys[RoleBroker], out); err == nil || !strings.Contains(err.Error(), "403") {
		t.Errorf("backup with a broker key: %v, want refused with 403", err)
	}
	n, err := FetchBackup(t.Context(), ts.URL, f.keys[RoleAdmin], out)
	if err != nil || n == 0 {
		t.Fatalf("backup: %d bytes, %v", n, err)
	}
	cp, err := store.Open(out, &store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer cp.Close()
	a, _, _ := f.st.AuditHead()
	b, _, _ := cp.AuditHead()
	if a != b || a == 0 {
		t.Errorf("copy's audit head %d, live %d", b, a)
	}
	recs, _ := f.st.Audit(a-1, 0)
	if len(recs) != 1 || recs[0].Action != store.ActionBackup || recs[0].Actor != "key:admin-key" {
		t.Errorf("last audit record %+v, want the backup by the admin key", recs)
	}
	if _, err := FetchBackup(t.Context(), ts.URL, f.keys[RoleAdmin], out); err == nil {
		t.Error("a backup overwrote an existing file")
	}
}

// POST /api/v1/admin/purge removes nothing recent, and is audited.
func TestPurgeAPI(t *testing.T) {
	f := newFixture(t)
	f.login(RoleFundManager).uploadTo("Book", "h.csv", []byte("ISIN\nUS0378331005\n"))
	w := f.api("POST", "/api/v1/admin/purge", RoleAdmin, `{"retention_days": 30}`)
	if w.Code != http.StatusOK {
		t.Fatalf("purge: %d %s", w.Code, w.Body)
	}
	if m := decode(t, w); len(m["removed"].([]any)) != 0 {
		t.Errorf("purge of 30 days removed a run saved just now: %v", m)
	}
	recs, _ := f.st.Audit(0, 0)
	if last := recs[len(recs)-1]; last.Action != store.ActionPurge || last.Actor != "key:admin-key" {
		t.Errorf("last audit record %s by %s, want run.purge by the admin key", last.Action, last.Actor)
	}
	if w := f.api("POST", "/api/v1/admin/purge", RoleBroker, `{"retention_days": 30}`); w.Code != http.StatusForbidden {
		t.Errorf("purge with a broker key: %d, want 403", w.Code)
	}
}

// An upload beyond the limit queues: when a slot frees within UploadWait
// it runs (a broker's burst of uploads is screened, not refused); the
// queue of one principal is bounded.
func TestUploadWaitsForASlot(t *testing.T) {
	f := newFixture(t, func(c *Config) { c.UploadsTotal = 10; c.UploadWait = 20 * time.Second })
	demo := []byte("ISIN,Quantity\nUS0378331005,5\n")
	fm := f.login(RoleFundManager)
	takeUploadSlots(t, f, "fund_manager1")
	done := make(chan int)
	go func() { done <- fm.uploadTo("Book", "h.csv", demo).Code }()
	select {
	case code := <-done:
		t.Fatalf("upload ran (%d) while every slot was taken", code)
	case <-time.After(100 * time.Millisecond):
	}
	f.srv.uploads.release("fund_manager1")
	select {
	case code := <-done:
		if code != http.StatusSeeOther {
			t.Errorf("queued upload after a slot freed: %d, want 303", code)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("queued upload did not run after a slot freed")
	}
	// A full queue refuses at once.
	u := newUploadSlots(1, 10)
	u.acquire("a")
	u.waiting["a"] = maxWaitingPer
	start := time.Now()
	if ok, mine := u.await(context.Background(), "a", time.Minute); ok || !mine {
		t.Errorf("past a full queue: ok %v mine %v, want refused as the principal's limit", ok, mine)
	}
	if time.Since(start) > 5*time.Second {
		t.Error("a full queue made the upload wait")
	}
	// A request that ends stops waiting.
	delete(u.waiting, "a")
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if ok, _ := u.await(ctx, "a", time.Minute); ok {
		t.Error("await took a slot that was never freed")
	}
	if u.waiting["a"] != 0 {
		t.Errorf("waiting count %d after the wait ended, want 0", u.waiting["a"])
	}
}
