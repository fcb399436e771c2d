package web

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"testing"
)

// route is one row of the role × route matrix: who may use it.
type route struct {
	method, path string
	allowed      []string // roles that pass; admin is listed where it passes
	kind         string   // "page", "form", "upload", "poll" or "api"
}

var (
	pageRoles   = []string{RoleFundManager, RoleCompliance, RoleAdmin}
	reviewRoles = []string{RoleCompliance, RoleAdmin}
	adminRoles  = []string{RoleAdmin}
	apiRoles    = []string{RoleFundManager, RoleCompliance, RoleBroker, RoleAdmin}
)

var matrix = []route{
	{"GET", "/", pageRoles, "page"},
	{"GET", "/upload", pageRoles, "page"},
	{"POST", "/upload", pageRoles, "upload"},
	// No upload of the caller's runs under this id: 404 past the role gate.
	{"GET", "/upload/progress?id=0123456789abcdef", pageRoles, "poll"},
	{"GET", "/runs", pageRoles, "page"},
	{"GET", "/runs/1", pageRoles, "page"},
	{"GET", "/runs/2", reviewRoles, "page"}, // compliance's run: not the fund manager's
	{"GET", "/runs/1/report/json", pageRoles, "page"},
	{"GET", "/runs/1/report/csv", pageRoles, "page"},
	{"GET", "/runs/1/report/text", pageRoles, "page"},
	{"GET", "/portfolios", pageRoles, "page"},
	{"GET", "/lists", pageRoles, "page"},
	{"GET", "/lists/OFAC-CONSOLIDATED/diff?from=1&to=1", pageRoles, "page"},
	{"POST", "/lists/import", adminRoles, "upload"},
	{"GET", "/reviews", reviewRoles, "page"},
	{"POST", "/reviews/decide", reviewRoles, "form"},
	{"GET", "/audit", reviewRoles, "page"},
	{"GET", "/admin/users", adminRoles, "page"},
	{"POST", "/admin/users", adminRoles, "form"},
	{"POST", "/admin/keys", adminRoles, "form"},
	{"POST", "/admin/keys/revoke", adminRoles, "form"},
	{"POST", "/admin/users/unlock", adminRoles, "form"},
	{"POST", "/portfolios/access", reviewRoles, "form"},
	{"POST", "/api/v1/check", apiRoles, "api"},
	{"POST", "/api/v1/screen", apiRoles, "api"},
	{"GET", "/api/v1/runs/1", []string{RoleCompliance, RoleAdmin}, "api"}, // a fund manager's page run: not the keys'
	{"GET", "/api/v1/lists", apiRoles, "api"},
	{"POST", "/api/v1/admin/backup", adminRoles, "api"},
	{"POST", "/api/v1/admin/purge", adminRoles, "api"},
	{"GET", "/api/v1/lists/OFAC-CONSOLIDATED/snapshots", apiRoles, "api"},
	{"GET", "/api/v1/lists/OFAC-CONSOLIDATED/diff?from=1&to=1", apiRoles, "api"},
	{"GET", "/api/v1/runs/1/findings?limit=5", []string{RoleCompliance, RoleAdmin}, "api"},
	{"GET", "/lookup?q=HK0941009539", pageRoles, "page"},
	{"GET", "/decisions", reviewRoles, "page"},
	{"GET", "/funds", pageRoles, "page"},
	{"POST", "/funds", reviewRoles, "upload"},
	{"GET", "/api/v1/funds", apiRoles, "api"},
}

// TestRoleMatrix walks every route with every role (and nobody) and checks
// the answer: allowed roles pass the gate (2xx, 3xx, or a 400 for the empty
// test form), others get 403 (pages), 404 (someone else's run over the API)
// or 401 (nobody).
func TestRoleMatrix(t *testing.T) {
	f := newFixture(t)
	demo, err := os.ReadFile("../testdata/demo/holdings.csv")
	if err != nil {
		t.Fatal(err)
	}
	// Run 1 is the fund manager's, run 2 compliance's.
	for _, r := range []string{RoleFundManager, RoleCompliance} {
		if w := f.login(r).upload("holdings.csv", demo, "2022-01-10", true); w.Code != http.StatusSeeOther {
			t.Fatalf("upload as %s: %d %s", r, w.Code, w.Body)
		}
	}
	sessions := map[string]*session{"": f.anon()}
	for _, r := range []string{RoleFundManager, RoleCompliance, RoleAdmin} {
		sessions[r] = f.login(r)
	}
	// Brokers cannot sign in; give one a session anyway to prove pages refuse it.
	tok, _, err := f.st.Login(RoleBroker+"1", f.srv.cfg.SessionTTL)
	if err != nil {
		t.Fatal(err)
	}
	bs := f.anon()
	bs.get("/login")
	bs.cookies[sessionCookie] = &http.Cookie{Name: sessionCookie, Value: tok}
	sessions[RoleBroker] = bs

	for _, rt := range matrix {
		for _, role := range append([]string{""}, Roles...) {
			name := role
			if name == "" {
				name = "nobody"
			}
			t.Run(rt.method+" "+rt.path+" as "+name, func(t *testing.T) {
				allowed := false
				for _, a := range rt.allowed {
					allowed = allowed || a == role
				}
				var w *httptest.ResponseRecorder
				if rt.kind == "api" {
					body := ""
					if rt.method == "POST" && strings.HasSuffix(rt.path, "check") {
						body = `{"items":[{"id":"HK0941009539","side":"buy"}]}`
					} else if rt.method == "POST" {
						body = `{"positions":[{"isin":"HK0941009539"}]}`
					}
					w = f.api(rt.method, rt.path, role, body)
				} else {
					s := sessions[role]
					switch rt.kind {
					case "page", "poll":
						w = s.get(rt.path)
					case "form":
						w = s.postForm(rt.path, url.Values{}, true)
					case "upload":
						w = s.upload("holdings.csv", demo, "2022-01-10", true)
						if rt.path != "/upload" {
							ct, body := multipartBody(t, [][2]string{{csrfField, s.csrf()}}, "", nil)
							req := httptest.NewRequest("POST", rt.path, body)
							req.Header.Set("Content-Type", ct)
							w = s.send(req)
						}
					}
				}
				code := w.Code
				switch {
				case role == "" && rt.kind == "api":
					if code != http.StatusUnauthorized {
						t.Errorf("nobody: %d, want 401", code)
					}
				case role == "" && rt.method == "GET":
					if code != http.StatusSeeOther || !strings.HasPrefix(w.Header().Get("Location"), "/login?next=") {
						t.Errorf("nobody: %d to %q, want 303 to the sign-in page", code, w.Header().Get("Location"))
					}
				case role == "":
					if code != http.StatusUnauthorized {
						t.Errorf("nobody: %d, want 401", code)
					}
				case allowed:
					if code == 401 || code == 403 || (code == 404 && rt.kind != "form" && rt.kind != "poll") || code >= 500 {
						t.Errorf("%s allowed, got %d: %.300s", role, code, w.Body)
					}
				case rt.kind == "api":
					if code != http.StatusForbidden && code != http.StatusNotFound {
						t.Errorf("%s denied, got %d, want 403 or 404", role, code)
					}
				default:
					if code != http.StatusForbidden {
						t.Errorf("%s denied, got %d, want 403: %.200s", role, code, w.Body)
					}
				}
			})
		}
	}
}

// TestMatrixCoversRoutes fails when a route is added without a matrix row.
func TestMatrixCoversRoutes(t *testing.T) {
	f := newFixture(t)
	have := map[string]bool{}
	for _, rt := range matrix {
		p := rt.path
		if i := strings.IndexByte(p, '?'); i >= 0 {
			p = p[:i]
		}
		have[rt.method+" "+p] = true
	}
	public := map[string]bool{"GET /login": true, "POST /login": true, "POST /logout": true, "GET /healthz": true,
		"GET /readyz": true, "GET /api/v1/openapi.json": true, "GET /assets/*": true}
	for _, r := range f.srv.Routes() {
		key := r.Method + " " + r.Path
		if public[key] || (r.Method != "GET" && r.Method != "POST") {
			continue
		}
		concrete := strings.NewReplacer(":id", "1", ":list", "OFAC-CONSOLIDATED", ":format", "csv").Replace(r.Path)
		if !have[r.Method+" "+concrete] {
			t.Errorf("route %s has no row in the role matrix", key)
		}
	}
}
