package web

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/screener/screener/screener"
	"github.com/screener/screener/screener/store"
)

func TestCheck(t *testing.T) {
	f := newFixture(t)
	tests := []struct {
		name     string
		body     string
		decision string
		status   screener.Status
		entry    string
	}{
		{"buy after the divestment date", `{"items":[{"id":"HK0941009539","side":"buy"}],"as_of":"2023-01-01"}`, "reject", screener.StatusProhibitedLocked, "30923"},
		{"hold after the divestment date", `{"items":[{"id":"HK0941009539","side":"hold"}],"as_of":"2023-01-01"}`, "allow", screener.StatusProhibitedLocked, "30923"},
		{"buy in the divestment window", `{"items":[{"id":"HK0941009539","side":"buy"}],"as_of":"2022-01-10"}`, "reject", screener.StatusDivestOnly, "30923"},
		{"sell in the divestment window", `{"items":[{"id":"HK0941009539","side":"sell","us_person":true}],"as_of":"2022-01-10"}`, "review", screener.StatusDivestOnly, "30923"},
		{"ticker with exchange", `{"items":[{"id":"941","exchange":"XHKG","side":"buy"}],"as_of":"2023-01-01"}`, "reject", screener.StatusProhibitedLocked, "30923"},
		{"default as-of is the clock", `{"items":[{"id":"HK0941009539","side":"buy"}]}`, "reject", screener.StatusProhibitedLocked, "30923"},
		{"unlisted security", `{"items":[{"id":"US0378331005","side":"buy"}],"as_of":"2023-01-01"}`, "allow", screener.StatusClear, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := f.api(http.MethodPost, "/api/v1/check", RoleBroker, tc.body)
			if w.Code != http.StatusOK {
				t.Fatalf("status %d, want 200: %s", w.Code, w.Body)
			}
			var res checkResponse
			if err := json.Unmarshal(w.Body.Bytes(), &res); err != nil {
				t.Fatal(err)
			}
			if len(res.Results) != 1 {
				t.Fatalf("got %d results, want 1", len(res.Results))
			}
			r := res.Results[0]
			if r.Decision != tc.decision || r.Status != tc.status {
				t.Errorf("got %s/%s, want %s/%s (reason %q)", r.Decision, r.Status, tc.decision, tc.status, r.Reason)
			}
			id := ""
			if r.Entry != nil {
				id = r.Entry.ID
			}
			if id != tc.entry {
				t.Errorf("entry %q, want %q", id, tc.entry)
			}
			if r.Reason == "" {
				t.Error("no reason")
			}
		})
	}
}

// TestCheckDecisionFirst: an acceptance script takes the first "decision"
// key of the document: it must be the first result's, before any nested
// object of that result.
func TestCheckDecisionFirst(t *testing.T) {
	f := newFixture(t)
	w := f.api(http.MethodPost, "/api/v1/check", RoleBroker, `{"items":[{"id":"HK0941009539","side":"buy"},{"id":"HK0941009539","side":"hold"}],"as_of":"2023-01-01"}`)
	body := w.Body.String()
	d, e, r := strings.Index(body, `"decision"`), strings.Index(body, `"entry"`), strings.Index(body, `"results"`)
	if !(r < d && d < e) {
		t.Fatalf("want results < decision < entry, got %d %d %d in %s", r, d, e, body)
	}
	if !strings.HasPrefix(body[d:], `"decision":"reject"`) {
		t.Errorf("first decision is not the buy's reject: %.40s", body[d:])
	}
	if strings.Count(body, `"decision"`) != 2 {
		t.Errorf("want one decision per result, got %d", strings.Count(body, `"decision"`))
	}
}

func TestCheckNonUSPerson(t *testing.T) {
	f := newFixture(t)
	w := f.api(http.MethodPost, "/api/v1/check", RoleBroker, `{"items":[{"id":"HK0941009539","side":"buy"}],"as_of":"2023-01-01","us_person":false}`)
	var res checkResponse
	if err := json.Unmarshal(w.Body.Bytes(), &res); err != nil {
		t.Fatal(err)
	}
	if r := res.Results[0]; r.Decision != "allow" || r.USPerson != "non_us_person" {
		t.Errorf("non-US person buying: got %s (%s), want allow (non_us_person); reason %q", r.Decision, r.USPerson, r.Reason)
	}
}

func TestAPIErrors(t *testing.T) {
	f := newFixture(t)
	big := `{"items":[{"id":"` + strings.Repeat("A", apiBodyLimit) + `","side":"buy"}]}`
	tests := []struct {
		name, method, path, role, body string
		status                         int
		code                           string
	}{
		{"no key", "POST", "/api/v1/check", "", `{"items":[{"id":"HK0941009539","side":"buy"}]}`, 401, "unauthorized"},
		{"wrong key", "POST", "/api/v1/check", "sk_wrong-key-0123456789abcdef", `{"items":[{"id":"HK0941009539","side":"buy"}]}`, 401, "unauthorized"},
		{"bad side", "POST", "/api/v1/check", RoleBroker, `{"items":[{"id":"HK0941009539","side":"short"}]}`, 400, "invalid_request"},
		{"no side", "POST", "/api/v1/check", RoleBroker, `{"items":[{"id":"HK0941009539"}]}`, 400, "invalid_request"},
		{"no items", "POST", "/api/v1/check", RoleBroker, `{"items":[]}`, 400, "invalid_request"},
		{"unknown field", "POST", "/api/v1/check", RoleBroker, `{"itemz":[]}`, 400, "invalid_request"},
		{"not JSON", "POST", "/api/v1/check", RoleBroker, `items=1`, 400, "invalid_request"},
		{"empty body", "POST", "/api/v1/check", RoleBroker, ``, 400, "invalid_request"},
		{"bad as-of", "POST", "/api/v1/check", RoleBroker, `{"items":[{"id":"HK0941009539","side":"buy"}],"as_of":"01/01/2023"}`, 400, "invalid_request"},
		{"too large", "POST", "/api/v1/check", RoleBroker, big, 413, "too_large"},
		{"wrong method", "GET", "/api/v1/check", RoleBroker, ``, 404, "not_found"},
		{"unknown route", "GET", "/api/v1/nothing", RoleBroker, ``, 404, "not_found"},
		{"unknown run", "GET", "/api/v1/runs/999", RoleBroker, ``, 404, "not_found"},
		{"bad run id", "GET", "/api/v1/runs/abc", RoleBroker, ``, 404, "not_found"},
		{"unknown list", "GET", "/api/v1/lists/NOPE/snapshots", RoleBroker, ``, 404, "not_found"},
		{"screen without positions", "POST", "/api/v1/screen", RoleBroker, `{"positions":[]}`, 400, "invalid_request"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := f.api(tc.method, tc.path, tc.role, tc.body)
			if w.Code != tc.status {
				t.Fatalf("status %d, want %d: %s", w.Code, tc.status, w.Body)
			}
			if got := errCode(t, w); got != tc.code {
				t.Errorf("code %q, want %q", got, tc.code)
			}
		})
	}
}

func TestRevokedKey(t *testing.T) {
	f := newFixture(t)
	body := `{"items":[{"id":"HK0941009539","side":"buy"}]}`
	if w := f.api("POST", "/api/v1/check", RoleBroker, body); w.Code != 200 {
		t.Fatalf("before revoking: %d", w.Code)
	}
	keys, _ := f.st.APIKeys()
	for _, k := range keys {
		if k.Role == RoleBroker {
			if err := f.st.RevokeAPIKey("test", k.Hash); err != nil {
				t.Fatal(err)
			}
			f.srv.keys.drop(k.Hash) // as the admin page does
		}
	}
	if w := f.api("POST", "/api/v1/check", RoleBroker, body); w.Code != 401 {
		t.Errorf("after revoking: %d, want 401", w.Code)
	}
}

func TestRateLimit(t *testing.T) {
	f := newFixture(t, func(c *Config) { c.RateLimit, c.Burst = 0.001, 2 })
	body := `{"items":[{"id":"HK0941009539","side":"hold"}]}`
	var codes []int
	for range 3 {
		codes = append(codes, f.api("POST", "/api/v1/check", RoleBroker, body).Code)
	}
	if codes[0] != 200 || codes[1] != 200 || codes[2] != 429 {
		t.Fatalf("codes %v, want [200 200 429]", codes)
	}
	// Another key has its own bucket.
	if w := f.api("POST", "/api/v1/check", RoleCompliance, body); w.Code != 200 {
		t.Errorf("other key: %d, want 200", w.Code)
	}
	w := f.api("POST", "/api/v1/check", RoleBroker, body)
	if got := errCode(t, w); got != "rate_limited" || w.Header().Get("Retry-After") == "" {
		t.Errorf("code %q, Retry-After %q", got, w.Header().Get("Retry-After"))
	}
}

func TestScreenJSONAndRun(t *testing.T) {
	f := newFixture(t)
	body := `{"portfolio":"US Growth Fund","as_of":"2022-01-10","us_person":true,"positions":[
		{"isin":"HK0941009539","name":"CHINA MOBILE LTD","quantity":"120000","market_value":"6282000.00","currency":"HKD"},
		{"isin":"US0378331005","name":"APPLE INC","quantity":5000,"market_value":"949750.00","currency":"USD"},
		{"quantity":"1"}]}`
	w := f.api("POST", "/api/v1/screen", RoleBroker, body)
	if w.Code != http.StatusCreated {
		t.Fatalf("status %d: %s", w.Code, w.Body)
	}
	loc := w.Header().Get("Location")
	if loc != "/api/v1/runs/1" {
		t.Errorf("Location %q, want /api/v1/runs/1", loc)
	}
	var rep screener.Report
	if err := json.Unmarshal(w.Body.Bytes(), &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Schema != screener.ReportSchema || rep.Summary.Rows != 3 || rep.Summary.Screened != 2 || rep.Summary.Rejected != 1 {
		t.Errorf("summary %+v, schema %q", rep.Summary, rep.Schema)
	}
	if len(rep.Findings) != 1 || rep.Findings[0].Status != screener.StatusDivestOnly || rep.Findings[0].DivestmentDate.String() != "2022-06-03" {
		t.Fatalf("findings %+v", rep.Findings)
	}
	if got := rep.Findings[0].MarketValue.String(); got != "6282000" {
		t.Errorf("market value %s, want 6282000", got)
	}
	again := f.api("GET", loc, RoleBroker, "")
	if again.Code != 200 || !bytes.Equal(again.Body.Bytes(), w.Body.Bytes()) {
		t.Errorf("GET %s: %d, same bytes %v", loc, again.Code, bytes.Equal(again.Body.Bytes(), w.Body.Bytes()))
	}
	for role, want := range map[string]int{RoleCompliance: 200, RoleAdmin: 200, RoleFundManager: 404} {
		if got := f.api("GET", loc, role, "").Code; got != want {
			t.Errorf("%s reading a broker's run: %d, want %d", role, got, want)
		}
	}
}

func TestScreenMultipart(t *testing.T) {
	f := newFixture(t)
	demo, err := os.ReadFile("../testdata/demo/holdings.csv")
	if err != nil {
		t.Fatal(err)
	}
	ct, body := multipartBody(t, [][2]string{{"portfolio", "Demo"}}, "../../etc/holdings.csv", demo)
	req := httptest.NewRequest("POST", "/api/v1/screen?as_of=2022-01-10&us_person=yes", body)
	req.Header.Set("Content-Type", ct)
	req.Header.Set(apiKeyHeader, f.keys[RoleBroker])
	w := f.do(req)
	if w.Code != http.StatusCreated {
		t.Fatalf("status %d: %s", w.Code, w.Body)
	}
	var rep screener.Report
	if err := json.Unmarshal(w.Body.Bytes(), &rep); err != nil {
		t.Fatal(err)
	}
	if len(rep.Files) != 1 || rep.Files[0] != "holdings.csv" {
		t.Errorf("files %q: want the client's base name only", rep.Files)
	}
	if rep.Summary.Rows != 13 || rep.Summary.Rows != rep.Summary.Screened+rep.Summary.Rejected {
		t.Errorf("summary %+v, want 13 rows", rep.Summary)
	}
	var cm *screener.Finding
	for i := range rep.Findings {
		if rep.Findings[i].Security.ISIN == "HK0941009539" {
			cm = &rep.Findings[i]
		}
	}
	if cm == nil || cm.Status != screener.StatusDivestOnly || cm.Entry == nil || cm.Entry.ID != "30923" {
		t.Fatalf("China Mobile finding %+v", cm)
	}
	if cm.DaysLeft == nil || *cm.DaysLeft != 144 {
		t.Errorf("days left %v, want 144 (2022-01-10 → 2022-06-03)", cm.DaysLeft)
	}
}

func TestListsAPI(t *testing.T) {
	f := newFixture(t)
	w := f.api("GET", "/api/v1/lists", RoleBroker, "")
	var ls struct{ Lists []listInfo }
	if err := json.Unmarshal(w.Body.Bytes(), &ls); err != nil {
		t.Fatal(err)
	}
	if len(ls.Lists) != 1 || ls.Lists[0].Name != screener.ListOFACConsolidated || ls.Lists[0].Entries != 442 || ls.Lists[0].SnapshotID != 1 {
		t.Fatalf("lists %+v", ls.Lists)
	}
	importModified(t, f)
	w = f.api("GET", "/api/v1/lists/OFAC-CONSOLIDATED/snapshots", RoleBroker, "")
	var sn struct {
		Snapshots []struct{ ID, Entries int }
	}
	json.Unmarshal(w.Body.Bytes(), &sn)
	if len(sn.Snapshots) != 2 || sn.Snapshots[1].Entries != 441 {
		t.Fatalf("snapshots %s", w.Body)
	}
	w = f.api("GET", "/api/v1/lists/OFAC-CONSOLIDATED/diff?from=1&to=2", RoleBroker, "")
	var d screener.ListDiff
	if err := json.Unmarshal(w.Body.Bytes(), &d); err != nil {
		t.Fatalf("%v: %s", err, w.Body)
	}
	if len(d.Removed) != 1 || len(d.Added) != 0 || d.Removed[0].ID != removedID {
		t.Errorf("diff: added %v removed %v", d.Added, d.Removed)
	}
	// The matcher now uses snapshot 2.
	w = f.api("GET", "/api/v1/lists", RoleBroker, "")
	json.Unmarshal(w.Body.Bytes(), &ls)
	if ls.Lists[0].SnapshotID != 2 || ls.Lists[0].Entries != 441 {
		t.Errorf("after import: %+v", ls.Lists[0])
	}
}

// removedID is the entry importModified drops: the last non-CMIC entry.
var removedID string

// importModified stores a second snapshot of the default list with one
// non-CMIC entry removed, and reloads the matcher.
func importModified(t *testing.T, f *fixture) {
	t.Helper()
	l := *f.srv.cfg.Lists[0]
	l.Entries = nil
	drop := -1
	for i, e := range f.srv.cfg.Lists[0].Entries {
		if !e.HasProgram(screener.ProgramCMIC) {
			drop = i
		}
	}
	for i, e := range f.srv.cfg.Lists[0].Entries {
		if i == drop {
			removedID = e.ID
			continue
		}
		l.Entries = append(l.Entries, e)
	}
	l.Sources = []screener.SourceFile{{Path: "modified.csv", SHA256: strings.Repeat("ab", 32), Size: 1}}
	if _, err := f.st.Import([]*screener.List{&l}, store.ImportOptions{User: "test"}); err != nil {
		t.Fatal(err)
	}
	if err := f.srv.reload(); err != nil {
		t.Fatal(err)
	}
}

func TestHealth(t *testing.T) {
	f := newFixture(t)
	for _, p := range []string{"/healthz", "/readyz"} {
		w := f.api("GET", p, "", "")
		if w.Code != 200 {
			t.Errorf("%s: %d", p, w.Code)
		}
	}
	if w := f.api("GET", "/readyz", "", ""); decode(t, w)["status"] != "ready" {
		t.Errorf("readyz: %s", w.Body)
	}
}

func TestSecurityHeaders(t *testing.T) {
	f := newFixture(t)
	for _, p := range []string{"/login", "/healthz", "/api/v1/lists"} {
		w := f.api("GET", p, "", "")
		h := w.Header()
		csp := h.Get("Content-Security-Policy")
		if !strings.Contains(csp, "default-src 'self'") || !strings.Contains(csp, "frame-ancestors 'none'") || strings.Contains(csp, "unsafe-inline") {
			t.Errorf("%s: CSP %q", p, csp)
		}
		if h.Get("X-Content-Type-Options") != "nosniff" || h.Get("Referrer-Policy") == "" || h.Get("X-Request-Id") == "" {
			t.Errorf("%s: headers %v", p, h)
		}
	}
}

// TestCheckNotIdentified: what the check could not identify is never
// allowed, for any side; the answer says why and what it may have meant.
func TestCheckNotIdentified(t *testing.T) {
	f := newFixture(t)
	tests := []struct {
		name, id, reason, candidate string
		status                      screener.Status
	}{
		{"bad check digit", "HK0941009538", screener.ReasonNotIdentified, "HK0941009539", screener.StatusReview},
		{"bad CUSIP check digit", "16941M108", screener.ReasonNotIdentified, "16941M109", screener.StatusReview},
		{"bare code", "941", screener.ReasonAmbiguous, "XHKG:941", screener.StatusReview},
		{"bare letter code", "CHL", screener.ReasonAmbiguous, "US:CHL", screener.StatusReview},
		{"zero-width space is cleaned", "HK0941009539\u200b", "", "", screener.StatusProhibitedLocked},
		{"full-width letters are folded", "\uff28\uff2b0941009539", "", "", screener.StatusProhibitedLocked},
		{"BOM and NUL are removed", "\ufeffHK0941\u0000009539", "", "", screener.StatusProhibitedLocked},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for _, side := range []string{"buy", "sell", "hold"} {
				body, _ := json.Marshal(map[string]any{"items": []map[string]string{{"id": tc.id, "side": side}}, "as_of": "2023-01-01"})
				w := f.api(http.MethodPost, "/api/v1/check", RoleBroker, string(body))
				if w.Code != http.StatusOK {
					t.Fatalf("status %d, want 200: %s", w.Code, w.Body)
				}
				var res checkResponse
				if err := json.Unmarshal(w.Body.Bytes(), &res); err != nil {
					t.Fatal(err)
				}
				r := res.Results[0]
				if r.Status != tc.status || r.ReasonCode != tc.reason {
					t.Errorf("%s: status %s, reason_code %q; want %s, %q", side, r.Status, r.ReasonCode, tc.status, tc.reason)
				}
				if tc.reason != "" && r.Decision != screener.DecisionReview {
					t.Errorf("%s: decision %s, want review (%s)", side, r.Decision, r.Reason)
				}
				if tc.reason == "" && side == "buy" && r.Decision != screener.DecisionReject {
					t.Errorf("buy: decision %s, want reject once cleaned", r.Decision)
				}
				if tc.candidate != "" {
					found := false
					for _, c := range r.Candidates {
						found = found || (c.Query == tc.candidate && c.Entry != nil && c.Entry.ID == "30923")
					}
					if !found {
						t.Errorf("%s: candidates %+v, want %s (China Mobile, 30923)", side, r.Candidates, tc.candidate)
					}
				}
			}
		})
	}
}

// TestScreenJSONBadPositions: an invalid identifier or a position that is
// not a position is one rejected row naming its index, and the others are
// screened.
func TestScreenJSONBadPositions(t *testing.T) {
	f := newFixture(t)
	body := `{"as_of":"2023-01-01","positions":[
		{"isin":"XX"},
		{"isin":"HK0941009538","name":"CHINA MOBILE LTD"},
		{"isin":"HK0941009539\u200b","quantity":"10"},
		{"isin":"US0378331005","quantity":"abc"},
		{"isin":"US0378331005","colour":"red"},
		{"cusip":"16941M108"},
		{"isin":"US0378331005","quantity":"5"}]}`
	w := f.api("POST", "/api/v1/screen", RoleBroker, body)
	if w.Code != http.StatusCreated {
		t.Fatalf("status %d, want 201: %s", w.Code, w.Body)
	}
	var rep screener.Report
	if err := json.Unmarshal(w.Body.Bytes(), &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Summary.Rows != 7 || rep.Summary.Screened != 2 || rep.Summary.Rejected != 5 {
		t.Errorf("summary %+v, want 7 rows = 2 screened + 5 rejected", rep.Summary)
	}
	want := map[string]string{"positions[0]": "isin", "positions[1]": "check digit", "positions[3]": "not a position",
		"positions[4]": "colour", "positions[5]": "cusip"}
	for _, r := range rep.Rejected {
		sub, ok := want[r.Field]
		if !ok || !strings.Contains(r.Reason, sub) {
			t.Errorf("rejected %s: %q, want one of %v", r.Field, r.Reason, want)
		}
		delete(want, r.Field)
	}
	if len(want) > 0 {
		t.Errorf("not rejected: %v", want)
	}
	if len(rep.Findings) != 1 || rep.Findings[0].Status != screener.StatusProhibitedLocked || rep.Findings[0].Security.ISIN != "HK0941009539" {
		t.Errorf("findings %+v, want China Mobile's ISIN (cleaned of its zero-width space) prohibited_locked", rep.Findings)
	}
}
