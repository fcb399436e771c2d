package web

import (
	"bytes"
	"encoding/csv"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"
)

func TestLogin(t *testing.T) {
	f := newFixture(t)
	tests := []struct {
		name, user, password string
		status               int
	}{
		{"right password", "compliance1", testPassword, http.StatusSeeOther},
		{"wrong password", "compliance1", "not-the-password", http.StatusUnauthorized},
		{"unknown user", "nobody", testPassword, http.StatusUnauthorized},
		{"broker on the web", "broker1", testPassword, http.StatusUnauthorized},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := f.anon()
			s.get("/login")
			w := s.postForm("/login", url.Values{"name": {tc.user}, "password": {tc.password}, "next": {"//evil.example/"}}, true)
			if w.Code != tc.status {
				t.Fatalf("status %d, want %d", w.Code, tc.status)
			}
			if tc.status != http.StatusSeeOther {
				if s.cookies[sessionCookie] != nil {
					t.Error("a failed login set a session cookie")
				}
				return
			}
			if loc := w.Header().Get("Location"); loc != "/" {
				t.Errorf("redirect to %q, want / (next must stay on the site)", loc)
			}
			var ck *http.Cookie
			for _, c := range w.Result().Cookies() {
				if c.Name == sessionCookie {
					ck = c
				}
			}
			if ck == nil || !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode {
				t.Errorf("session cookie %+v: want HttpOnly, SameSite=Lax", ck)
			}
			if w := s.get("/runs"); w.Code != 200 {
				t.Errorf("after login /runs: %d", w.Code)
			}
			if w := s.postForm("/logout", url.Values{}, true); w.Code != http.StatusSeeOther {
				t.Errorf("logout: %d", w.Code)
			}
			if w := s.get("/runs"); w.Code != http.StatusSeeOther {
				t.Errorf("after logout /runs: %d, want 303 to sign in", w.Code)
			}
		})
	}
	recs, _ := f.st.Audit(0, 0)
	var actions []string
	for _, r := range recs {
		if strings.HasPrefix(r.Action, "log") {
			actions = append(actions, r.Action)
		}
	}
	if got := strings.Join(actions, " "); got != "login logout login.failed login.failed login.failed" {
		t.Errorf("audit of logins: %q", got)
	}
}

func TestSecureCookies(t *testing.T) {
	f := newFixture(t, func(c *Config) { c.Secure = true })
	s := f.anon()
	s.get("/login")
	w := s.postForm("/login", url.Values{"name": {"admin1"}, "password": {testPassword}}, true)
	for _, c := range w.Result().Cookies() {
		if !c.Secure || !c.HttpOnly {
			t.Errorf("cookie %s: Secure %v HttpOnly %v", c.Name, c.Secure, c.HttpOnly)
		}
	}
	if s.cookies[csrfCookie].SameSite != http.SameSiteStrictMode {
		t.Errorf("CSRF cookie SameSite %v, want Strict", s.cookies[csrfCookie].SameSite)
	}
}

// TestCSRF: a POST without the form's token (or with another session's)
// is refused and changes nothing.
func TestCSRF(t *testing.T) {
	f := newFixture(t)
	demo, err := os.ReadFile("../testdata/demo/holdings.csv")
	if err != nil {
		t.Fatal(err)
	}
	admin := f.login(RoleAdmin)
	other := f.login(RoleCompliance)
	newUser := url.Values{"name": {"mallory"}, "role": {RoleAdmin}, "password": {"0123456789abc"}}
	tests := []struct {
		name string
		send func() *httptest.ResponseRecorder
	}{
		{"form without token", func() *httptest.ResponseRecorder { return admin.postForm("/admin/users", cloneValues(newUser), false) }},
		{"form with another session's token", func() *httptest.ResponseRecorder {
			v := cloneValues(newUser)
			v.Set(csrfField, other.csrf())
			req := httptest.NewRequest("POST", "/admin/users", strings.NewReader(v.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			return admin.send(req)
		}},
		{"form without the cookie", func() *httptest.ResponseRecorder {
			v := cloneValues(newUser)
			v.Set(csrfField, admin.csrf())
			req := httptest.NewRequest("POST", "/admin/users", strings.NewReader(v.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.AddCookie(admin.cookies[sessionCookie])
			return f.do(req)
		}},
		{"upload without token", func() *httptest.ResponseRecorder { return admin.upload("h.csv", demo, "2022-01-10", false) }},
		{"login without token", func() *httptest.ResponseRecorder {
			return f.anon().postForm("/login", url.Values{"name": {"admin1"}, "password": {testPassword}}, false)
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := tc.send()
			if w.Code != http.StatusForbidden {
				t.Errorf("status %d, want 403", w.Code)
			}
		})
	}
	if _, err := f.st.User("mallory"); err == nil {
		t.Error("a refused POST created a user")
	}
	if runs, _ := f.st.Runs(); len(runs) != 0 {
		t.Errorf("a refused upload saved %d runs", len(runs))
	}
	// With the token the same requests work.
	if w := admin.postForm("/admin/users", cloneValues(newUser), true); w.Code != http.StatusSeeOther {
		t.Errorf("with token: %d %s", w.Code, w.Body)
	}
	if w := admin.upload("h.csv", demo, "2022-01-10", true); w.Code != http.StatusSeeOther {
		t.Errorf("upload with token: %d %s", w.Code, w.Body)
	}
}

func cloneValues(v url.Values) url.Values {
	out := url.Values{}
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}

// TestXSS: names from an uploaded file (security, portfolio and the file
// name itself) are shown as text on every page.
func TestXSS(t *testing.T) {
	f := newFixture(t)
	evil, err := os.ReadFile("testdata/xss-security-name.csv")
	if err != nil {
		t.Fatal(err)
	}
	s := f.login(RoleCompliance)
	w := s.upload(`<svg onload=alert(3)>.csv`, evil, "2022-01-10", true)
	if w.Code != http.StatusSeeOther {
		t.Fatalf("upload: %d %s", w.Code, w.Body)
	}
	for _, p := range []string{w.Header().Get("Location"), "/runs", "/portfolios", "/reviews"} {
		body := s.get(p).Body.String()
		for _, bad := range []string{"<script>alert(1)</script>", "<img src=x", "<svg onload", "<b>Evil Fund</b>"} {
			if strings.Contains(body, bad) {
				t.Errorf("%s: %q appears unescaped", p, bad)
			}
		}
		if p == w.Header().Get("Location") && !strings.Contains(body, "&lt;script&gt;alert(1)&lt;/script&gt;") {
			t.Errorf("%s: the security name is not shown as text", p)
		}
	}
}

// TestUploadAndReview is the fund manager's and the compliance officer's
// path through the pages, without a browser.
func TestUploadAndReview(t *testing.T) {
	f := newFixture(t)
	demo, err := os.ReadFile("../testdata/demo/holdings.csv")
	if err != nil {
		t.Fatal(err)
	}
	s := f.login(RoleCompliance)
	w := s.upload("holdings.csv", demo, "2022-01-10", true)
	if w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/runs/1" {
		t.Fatalf("upload: %d to %q: %s", w.Code, w.Header().Get("Location"), w.Body)
	}
	page := s.get("/runs/1").Body.String()
	for _, want := range []string{"divest_only", "2022-06-03", "CHINA MOBILE", "30923", "Rows 13 = screened"} {
		if !strings.Contains(page, want) {
			t.Errorf("report page lacks %q", want)
		}
	}
	dl := s.get("/runs/1/report/csv")
	if dl.Code != 200 || !strings.HasPrefix(dl.Header().Get("Content-Type"), "text/csv") || !strings.Contains(dl.Header().Get("Content-Disposition"), "attachment") {
		t.Fatalf("CSV download: %d %v", dl.Code, dl.Header())
	}
	if _, err := csv.NewReader(bytes.NewReader(dl.Body.Bytes())).ReadAll(); err != nil {
		t.Errorf("CSV download does not parse: %v", err)
	}
	if js := s.get("/runs/1/report/json"); !bytes.Contains(js.Body.Bytes(), []byte(`"schema": "screener.report/v1"`)) && !bytes.Contains(js.Body.Bytes(), []byte(`"schema":"screener.report/v1"`)) {
		t.Errorf("JSON download: %.200s", js.Body)
	}
	if tx := s.get("/runs/1/report/text"); tx.Code != 200 || !strings.Contains(tx.Body.String(), "HK0941009539") {
		t.Errorf("text download: %d", tx.Code)
	}
	reviews, _ := f.st.OpenReviews()
	if len(reviews) == 0 {
		t.Fatal("the demo file leaves no review open")
	}
	first := reviews[0]
	rq := s.get("/reviews").Body.String()
	if !strings.Contains(rq, first.Finding.Entry.ID) {
		t.Errorf("review queue lacks entry %s", first.Finding.Entry.ID)
	}
	// A decision without a reason is refused.
	v := url.Values{"run": {"1"}, "file": {first.Finding.File}, "line": {itoa(int64(first.Finding.Line))}, "entry": {first.Finding.Entry.ID}, "outcome": {"cleared"}}
	if w := s.postForm("/reviews/decide", cloneValues(v), true); w.Code != http.StatusBadRequest {
		t.Errorf("decision without reason: %d, want 400", w.Code)
	}
	v.Set("reason", "different issuer: checked the prospectus")
	if w := s.postForm("/reviews/decide", v, true); w.Code != http.StatusSeeOther {
		t.Fatalf("decide: %d %s", w.Code, w.Body)
	}
	after, _ := f.st.OpenReviews()
	if len(after) != len(reviews)-1 {
		t.Errorf("open reviews %d → %d, want one fewer", len(reviews), len(after))
	}
	ds, _ := f.st.Decisions()
	if len(ds) != 1 || ds[0].Decision.Reviewer != "compliance1" || ds[0].Decision.Reason != "different issuer: checked the prospectus" {
		t.Errorf("decisions %+v", ds)
	}
	// Portfolios and exposure, lists, audit.
	if p := s.get("/portfolios").Body.String(); !strings.Contains(p, "Fund of compliance1") || !strings.Contains(p, "CHINA MOBILE") {
		t.Errorf("portfolios page lacks the demo's portfolio or exposure")
	}
	if p := s.get("/lists").Body.String(); !strings.Contains(p, "OFAC-CONSOLIDATED") || !strings.Contains(p, "442") {
		t.Errorf("lists page lacks the default list")
	}
	if p := s.get("/audit").Body.String(); !strings.Contains(p, "review.decide") || !strings.Contains(p, "the hash chain verifies") {
		t.Errorf("audit page lacks the decision or the verification")
	}
}

func TestAdminPages(t *testing.T) {
	f := newFixture(t)
	s := f.login(RoleAdmin)
	w := s.postForm("/admin/keys", url.Values{"name": {"acme"}, "role": {RoleBroker}}, true)
	if w.Code != 200 {
		t.Fatalf("create key: %d %s", w.Code, w.Body)
	}
	key := regexp.MustCompile(`<code id="newkey">([A-Za-z0-9_.-]{20,})</code>`).FindStringSubmatch(w.Body.String())
	if key == nil {
		t.Fatal("the new key is not shown")
	}
	f.keys["acme"] = key[1]
	if w := f.api("POST", "/api/v1/check", "acme", `{"items":[{"id":"HK0941009539","side":"buy"}]}`); w.Code != 200 {
		t.Errorf("new key: %d", w.Code)
	}
	if strings.Contains(s.get("/admin/users").Body.String(), key[1]) {
		t.Error("the key is shown again")
	}
	keys, _ := f.st.APIKeys()
	hash := keys[len(keys)-1].Hash
	if w := s.postForm("/admin/keys/revoke", url.Values{"hash": {hash}}, true); w.Code != http.StatusSeeOther {
		t.Fatalf("revoke: %d", w.Code)
	}
	if w := f.api("POST", "/api/v1/check", "acme", `{"items":[{"id":"HK0941009539","side":"buy"}]}`); w.Code != 401 {
		t.Errorf("revoked key: %d, want 401", w.Code)
	}
	tests := []struct {
		name   string
		v      url.Values
		status int
	}{
		{"new user", url.Values{"name": {"carol"}, "role": {RoleFundManager}, "password": {"long-enough-pw"}}, http.StatusSeeOther},
		{"existing user", url.Values{"name": {"carol"}, "role": {RoleFundManager}, "password": {"long-enough-pw"}}, http.StatusConflict},
		{"short password", url.Values{"name": {"dave"}, "role": {RoleFundManager}, "password": {"short"}}, http.StatusBadRequest},
		{"bad role", url.Values{"name": {"erin"}, "role": {"root"}, "password": {"long-enough-pw"}}, http.StatusBadRequest},
		{"bad name", url.Values{"name": {"<b>x</b>"}, "role": {RoleAdmin}, "password": {"long-enough-pw"}}, http.StatusBadRequest},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if w := s.postForm("/admin/users", tc.v, true); w.Code != tc.status {
				t.Errorf("status %d, want %d: %.200s", w.Code, tc.status, w.Body)
			}
		})
	}
}

func TestUploadErrors(t *testing.T) {
	f := newFixture(t, func(c *Config) { c.MaxUpload = 4 << 10 })
	s := f.login(RoleFundManager)
	tests := []struct {
		name    string
		content []byte
		asOf    string
		status  int
	}{
		{"not a holdings file", []byte("\x00\x01\x02 binary junk"), "2022-01-10", http.StatusBadRequest},
		{"bad as-of", []byte("isin\nHK0941009539\n"), "10/01/2022", http.StatusBadRequest},
		{"over the limit", bytes.Repeat([]byte("isin\nHK0941009539\n"), 1000), "2022-01-10", http.StatusRequestEntityTooLarge},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := s.upload("h.csv", tc.content, tc.asOf, true)
			if w.Code != tc.status {
				t.Errorf("status %d, want %d: %.300s", w.Code, tc.status, w.Body)
			}
			if !strings.Contains(w.Header().Get("Content-Type"), "text/html") {
				t.Errorf("content type %q: pages answer errors in HTML", w.Header().Get("Content-Type"))
			}
		})
	}
}
