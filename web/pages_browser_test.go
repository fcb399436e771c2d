package web

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/screener/screener/screener"
	"github.com/screener/screener/screener/labels"
	"github.com/screener/screener/screener/lists"
)

// The viewport every page is looked at in: a laptop screen.
const viewW, viewH = 1400, 900

// pageCheck is a JavaScript expression that must be true on a page.
type pageCheck struct{ what, js string }

// bigHoldings is a holdings file of several pages of findings: the demo
// rows repeated over many portfolios, some not US persons, plus a fund
// position (the fund registered by the test) that opens to its look-through.
func bigHoldings(t *testing.T) []byte {
	t.Helper()
	demo, err := os.ReadFile(filepath.Join("..", "testdata", "demo", "holdings.csv"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(demo)), "\n")
	var b bytes.Buffer
	b.WriteString(lines[0] + "\n")
	for p := 1; p <= 30; p++ {
		for _, row := range lines[1:] {
			_, rest, _ := strings.Cut(row, ",")
			fmt.Fprintf(&b, "Sleeve %02d,%s\n", p, rest)
		}
	}
	b.WriteString("Sleeve 01,yes,XS0000CMICF6,,,CMIC TEST FUND,1000,10.00,10000.00,USD,Fund\n")
	return b.Bytes()
}

// TestBrowserEveryPage opens every page of the app in Chromium at 1,400 ×
// 900 and printed: each shows its heading and its content, nothing is wider
// than the window, statuses and bases are shown in words (never a raw code
// like prohibited_locked), the big run pages its findings with the action
// column in view, and printing hides the navigation. With SCREENER_SHOTS set
// it saves a screenshot and the PDF of each page there, for a person to
// look at.
func TestBrowserEveryPage(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	ctx := newBrowserFor(t, 5*time.Minute)
	// Today is 45 days after the built-in list's date: its age shows.
	l, err := lists.Default()
	if err != nil {
		t.Fatal(err)
	}
	now := l.AsOf.Time(screener.Eastern).Add(45*24*time.Hour + 12*time.Hour)
	f := newFixture(t, func(c *Config) { c.Now = func() time.Time { return now } })
	importModified(t, f) // a stored snapshot, so the diff page has two sides
	co := f.login(RoleCompliance)
	if w := co.registerFund([][2]string{{"name", "CMIC test fund"}, {"isin", "XS0000CMICF6"}, {"holdings_as_of", "2022-01-03"}}, "fund.csv", []byte(fundCSV)); w.Code != http.StatusSeeOther {
		t.Fatalf("register a fund: %d %s", w.Code, w.Body)
	}
	ts := httptest.NewServer(f.srv)
	defer ts.Close()
	tmp := t.TempDir()
	demo, err := filepath.Abs("../testdata/demo/holdings.csv")
	if err != nil {
		t.Fatal(err)
	}
	big := filepath.Join(tmp, "sleeves.csv")
	if err := os.WriteFile(big, bigHoldings(t), 0o644); err != nil {
		t.Fatal(err)
	}

	signIn := func(role string) chromedp.Action { return browserSignIn(ts.URL, role+"1") }
	upload := func(portfolio, file string) chromedp.Action {
		return chromedp.Tasks{
			chromedp.Navigate(ts.URL + "/upload"),
			chromedp.WaitVisible("#upload", chromedp.ByID),
			chromedp.SendKeys("#portfolio", portfolio, chromedp.ByID),
			chromedp.SetValue("#as_of", "2022-01-10", chromedp.ByID),
			chromedp.SetValue("#us_person", "yes", chromedp.ByID),
			chromedp.SetUploadFiles("#file", []string{file}, chromedp.ByID),
			chromedp.Click("#screen", chromedp.ByID),
			chromedp.WaitVisible("#findings", chromedp.ByID),
		}
	}
	err = chromedp.Run(ctx,
		emulation.SetDeviceMetricsOverride(viewW, viewH, 1, false),
		signIn(RoleCompliance),
		upload("Demo Fund", demo),            // run 1
		upload("Sleeves", big),               // run 2: several pages of findings
		chromedp.Navigate(ts.URL+"/reviews"), // one decision, for the decisions page
		chromedp.WaitVisible("#reviews", chromedp.ByID),
		chromedp.SendKeys(`#reviews tbody tr:first-child input[name=reason]`, "different issuer: checked the prospectus", chromedp.ByQuery),
		chromedp.Click(`#reviews tbody tr:first-child button`, chromedp.ByQuery),
		chromedp.WaitVisible(".flash", chromedp.ByQuery),
	)
	if err != nil {
		t.Fatalf("sign in, upload and decide: %v", err)
	}
	if runs, _ := f.st.Runs(); len(runs) != 2 {
		t.Fatalf("stored runs: %d, want 2", len(runs))
	}

	actionInView := pageCheck{"the action column is in the window, at least 200 px wide",
		`(() => { const r = document.querySelector('#findings th.action').getBoundingClientRect(); return r.right <= window.innerWidth && r.width >= 200 })()`}
	cases := []struct {
		name, path, role string
		ready            string   // a selector the page shows when loaded
		want             []string // text of <main>
		checks           []pageCheck
		status           int // 0: 200
	}{
		{name: "login", path: "/login", ready: "#login", want: []string{"Sign in"}},
		{name: "dashboard", path: "/", role: RoleCompliance, ready: "#lists-age", want: []string{"open reviews", "Divestment deadlines coming up", "days"},
			checks: []pageCheck{
				{"an SVG chart", `document.querySelectorAll('main .charts svg').length > 0`},
				{"the list-age warning says how many days old", `[...document.querySelectorAll('.stale-banner')].some(p => /\d+ days old/.test(p.textContent))`},
			}},
		{name: "dashboard-fund-manager", path: "/", role: RoleFundManager, ready: "#lists-age", want: []string{"portfolios", "Lists in use"}},
		{name: "upload", path: "/upload", role: RoleCompliance, ready: "#upload", want: []string{"Upload a holdings file", "Lists in use"}},
		{name: "runs", path: "/runs", role: RoleCompliance, ready: "table.runs", want: []string{"#1", "#2", "Demo Fund", "Sleeves"}},
		{name: "run-demo", path: "/runs/1", role: RoleCompliance, ready: "#findings", want: []string{"CHINA MOBILE LTD", "Divest only", "2022-06-03", "Exposure by listed entity"},
			checks: []pageCheck{actionInView,
				{"status badges in words", `[...document.querySelectorAll('.statuses li')].every(li => !/_/.test(li.textContent))`},
			}},
		{name: "run-big", path: "/runs/2", role: RoleCompliance, ready: "#findings", want: []string{"Findings 1–100 of", "page 1 of"},
			checks: []pageCheck{actionInView,
				{"paging links", `document.querySelectorAll('nav.pager a[rel=next]').length > 0`},
				{"100 rows on a page", `document.querySelectorAll('#findings > tbody > tr').length === 100`},
			}},
		{name: "run-big-page2", path: "/runs/2?page=2", role: RoleCompliance, ready: "#findings", want: []string{"Findings 101–200 of", "page 2 of"},
			checks: []pageCheck{actionInView, {"a link back", `document.querySelectorAll('nav.pager a[rel=prev]').length > 0`}}},
		{name: "run-big-filtered", path: "/runs/2?status=divest_only&portfolio=Sleeve+07&q=china", role: RoleCompliance, ready: "#findings", want: []string{"matching"},
			checks: []pageCheck{actionInView,
				{"only Sleeve 07's divest-only rows", `[...document.querySelectorAll('#findings > tbody > tr')].every(tr => tr.textContent.includes('Sleeve 07') && tr.textContent.includes('Divest only'))`},
				{"the filter keeps its choice", `document.querySelector('#filters select[name=status]').value === 'divest_only'`},
			}},
		{name: "run-lookthrough", path: "/runs/2?q=CMIC+TEST+FUND", role: RoleCompliance, ready: "#findings", want: []string{"CMIC TEST FUND", "Look-through"},
			checks: []pageCheck{actionInView}},
		{name: "run-nomatch", path: "/runs/2?q=zzzz", role: RoleCompliance, ready: "#nomatch", want: []string{"No finding matches this filter"}},
		{name: "reviews", path: "/reviews", role: RoleCompliance, ready: "#reviews", want: []string{"Possible matches", "Decide"},
			checks: []pageCheck{{"the decision form is in the window", `(() => { const r = document.querySelector('#reviews th.action').getBoundingClientRect(); return r.right <= window.innerWidth })()`}}},
		{name: "reviews-by-run-portfolio", path: "/reviews?portfolio=Sleeves", role: RoleCompliance, ready: "#reviews", want: []string{"Sleeves · Sleeve"},
			checks: []pageCheck{{"only the run's reviews", `[...document.querySelectorAll('#reviews > tbody > tr')].every(tr => tr.textContent.includes('run #2'))`}}},
		{name: "reviews-by-row-portfolio", path: "/reviews?portfolio=Sleeve+30", role: RoleCompliance, ready: "#reviews", want: []string{"Sleeve 30", "matching"}},
		{name: "decisions", path: "/decisions", role: RoleCompliance, ready: "#decisions", want: []string{"different issuer: checked the prospectus", "in force"}},
		{name: "lookup-empty", path: "/lookup", role: RoleCompliance, ready: "#lookup", want: []string{"What the screener says"}},
		{name: "lookup-china-mobile", path: "/lookup?q=HK0941009539", role: RoleCompliance, ready: "#result", want: []string{"CHINA MOBILE", "30923"},
			checks: []pageCheck{{"a trade table", `document.querySelectorAll('#trades tbody tr').length >= 2`}}},
		{name: "lookup-ticker-non-us", path: "/lookup?q=941+HK&us_person=no", role: RoleCompliance, ready: "#result", want: []string{"30923"}},
		{name: "lists", path: "/lists", role: RoleCompliance, ready: "main table", want: []string{"In use", "Stored snapshots"}},
		{name: "lists-admin", path: "/lists", role: RoleAdmin, ready: "#import", want: []string{"Import a list snapshot"}},
		{name: "diff", path: "/lists/OFAC-CONSOLIDATED/diff?from=previous&to=latest", role: RoleCompliance, ready: "main h2", want: []string{"Added", "Removed", "Changed"}},
		{name: "funds", path: "/funds", role: RoleCompliance, ready: "#funds", want: []string{"CMIC test fund", "XS0000CMICF6", "Register a fund's holdings"}},
		{name: "portfolios", path: "/portfolios", role: RoleCompliance, ready: "#portfolio-list", want: []string{"Demo Fund", "Sleeves", "Share a portfolio"}},
		{name: "audit", path: "/audit", role: RoleCompliance, ready: "#audit", want: []string{"records"}},
		{name: "users", path: "/admin/users", role: RoleAdmin, ready: "#adduser", want: []string{"Users", "API keys", "compliance1"}},
		{name: "error-not-found", path: "/runs/999", role: RoleCompliance, ready: "p.error", want: []string{"HTTP 404"}, status: http.StatusNotFound},
		{name: "error-forbidden", path: "/admin/users", role: RoleCompliance, ready: "p.error", want: []string{"HTTP 403"}, status: http.StatusForbidden},
	}

	// Raw codes a page must put in words.
	var codes []string
	for _, l := range append(labels.Statuses(), labels.Bases()...) {
		if strings.Contains(l.Code, "_") {
			codes = append(codes, regexp.QuoteMeta(l.Code))
		}
	}
	codes = append(codes, regexp.QuoteMeta(string(screener.StatusProhibitedExposure)), "non_us_person")
	rawCode := regexp.MustCompile(`\b(` + strings.Join(codes, "|") + `)\b`)

	shots := os.Getenv("SCREENER_SHOTS")
	signedIn := ""
	for _, tc := range cases {
		if tc.role != signedIn {
			var act chromedp.Action = network.ClearBrowserCookies()
			if tc.role != "" {
				act = signIn(tc.role)
			}
			if err := chromedp.Run(ctx, act); err != nil {
				t.Fatalf("%s: sign in as %q: %v", tc.name, tc.role, err)
			}
			signedIn = tc.role
		}
		var status int64
		var main, h1 string
		var scrollW int
		var wide []string
		var shot, pdf []byte
		var navPrint string
		pctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		resp, err := chromedp.RunResponse(pctx, chromedp.Navigate(ts.URL+tc.path))
		if err == nil {
			status = resp.Status
			err = chromedp.Run(pctx,
				emulation.SetEmulatedMedia().WithMedia("screen"),
				chromedp.WaitVisible(tc.ready, chromedp.ByQuery),
				chromedp.Text("main h1", &h1, chromedp.ByQuery),
				chromedp.Text("main", &main, chromedp.ByQuery),
				chromedp.Evaluate(`document.documentElement.scrollWidth`, &scrollW),
				// Elements whose right edge is beyond the window (inside
				// a scrolling box or not).
				chromedp.Evaluate(`[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > window.innerWidth + 1 && getComputedStyle(e).display !== 'none').slice(0, 5).map(e => e.tagName + (e.id ? '#' + e.id : '') + (e.className && typeof e.className === 'string' ? '.' + e.className : ''))`, &wide),
				chromedp.ActionFunc(func(ctx context.Context) error {
					if shots == "" {
						return nil
					}
					// The page from the top, at most three windows tall.
					_, _, _, _, _, size, err := page.GetLayoutMetrics().Do(ctx)
					if err != nil {
						return err
					}
					h := min(size.Height, 3*viewH)
					shot, err = page.CaptureScreenshot().WithCaptureBeyondViewport(true).
						WithClip(&page.Viewport{Width: viewW, Height: h, Scale: 1}).Do(ctx)
					return err
				}),
				emulation.SetEmulatedMedia().WithMedia("print"),
				chromedp.Evaluate(`(() => { const n = document.querySelector('header nav'); return n ? getComputedStyle(n).display : 'none' })()`, &navPrint),
				chromedp.ActionFunc(func(ctx context.Context) error {
					var err error
					pdf, _, err = page.PrintToPDF().WithPrintBackground(true).Do(ctx)
					return err
				}),
				emulation.SetEmulatedMedia().WithMedia("screen"),
			)
		}
		cancel()
		if err != nil {
			t.Errorf("%s (%s): %v", tc.name, tc.path, err)
			continue
		}
		if shots != "" {
			if err := os.WriteFile(filepath.Join(shots, tc.name+".png"), shot, 0o644); err != nil {
				t.Error(err)
			}
			if err := os.WriteFile(filepath.Join(shots, tc.name+".pdf"), pdf, 0o644); err != nil {
				t.Error(err)
			}
		}
		want := tc.status
		if want == 0 {
			want = http.StatusOK
		}
		if status != int64(want) {
			t.Errorf("%s (%s): HTTP %d, want %d", tc.name, tc.path, status, want)
		}
		if strings.TrimSpace(h1) == "" {
			t.Errorf("%s: no heading", tc.name)
		}
		for _, w := range tc.want {
			if !strings.Contains(main, w) {
				t.Errorf("%s (%s): the page lacks %q; it says %.400q", tc.name, tc.path, w, main)
			}
		}
		if m := rawCode.FindAllString(main, 3); m != nil {
			t.Errorf("%s (%s): raw codes %q shown instead of words", tc.name, tc.path, m)
		}
		if scrollW > viewW || len(wide) > 0 {
			t.Errorf("%s (%s): wider than the %d px window: scrollWidth %d; beyond its right edge: %v", tc.name, tc.path, viewW, scrollW, wide)
		}
		for _, c := range tc.checks {
			var ok bool
			if err := chromedp.Run(ctx, chromedp.Evaluate(c.js, &ok)); err != nil || !ok {
				t.Errorf("%s (%s): not true: %s (%v)", tc.name, tc.path, c.what, err)
			}
		}
		if !bytes.HasPrefix(pdf, []byte("%PDF")) || len(pdf) < 2000 {
			t.Errorf("%s: printed, %d bytes, want a PDF", tc.name, len(pdf))
		}
		if navPrint != "none" {
			t.Errorf("%s: printed, the navigation shows (display %q)", tc.name, navPrint)
		}
	}
}
