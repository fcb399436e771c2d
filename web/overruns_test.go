package web

import (
	"encoding/base64"
	"html"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/shopspring/decimal"

	"github.com/screener/screener/screener"
	"github.com/screener/screener/screener/store"
)

const overRunsTitle = "Exposure over saved runs (market value by status)"

// TestDashboardExposureOverRuns: with one saved run the dashboard has no
// chart of exposure over runs; with two (as of different dates) it has
// one, an SVG image with the chart's title.
func TestDashboardExposureOverRuns(t *testing.T) {
	f := newFixture(t)
	s := f.login(RoleCompliance)
	demo, err := os.ReadFile("../testdata/demo/holdings.csv")
	if err != nil {
		t.Fatal(err)
	}
	for i, asOf := range []string{"2022-01-10", "2022-07-01"} {
		if w := s.upload("holdings.csv", demo, asOf, true); w.Code != http.StatusSeeOther {
			t.Fatalf("upload %s: %d %s", asOf, w.Code, w.Body)
		}
		w := s.get("/")
		if w.Code != http.StatusOK {
			t.Fatalf("dashboard: %d", w.Code)
		}
		body := w.Body.String()
		has := strings.Contains(body, `id="exposure-over-runs"`)
		if want := i == 1; has != want {
			t.Fatalf("%d run(s): chart of exposure over runs shown %v, want %v", i+1, has, want)
		}
		if !has {
			continue
		}
		m := regexp.MustCompile(`id="exposure-over-runs" src="([^"]+)" alt="([^"]+)"`).FindStringSubmatch(body)
		src, ok := "", false
		if m != nil {
			src, ok = strings.CutPrefix(html.UnescapeString(m[1]), "data:image/svg+xml;base64,")
		}
		if !ok {
			t.Fatalf("the chart is not an SVG image with a title: %.400s", body[strings.Index(body, `id="exposure-over-runs"`):])
		}
		svg, err := base64.StdEncoding.DecodeString(src)
		if err != nil {
			t.Fatal(err)
		}
		if m[2] != overRunsTitle || !strings.Contains(string(svg), overRunsTitle) || !strings.Contains(string(svg), "2022-07-01") {
			t.Errorf("chart alt %q; SVG with the title and the second date: %v", m[2], strings.Contains(string(svg), overRunsTitle))
		}
	}
}

// TestRunPoints: one point per as-of date, oldest first, summing each
// portfolio's latest run as of that date (a portfolio not screened that
// day counts with its earlier run).
func TestRunPoints(t *testing.T) {
	day := func(d int) time.Time { return time.Date(2022, 1, d, 12, 0, 0, 0, screener.Eastern) }
	runs := []store.RunInfo{ // newest first, as the store lists them
		{ID: 4, Portfolio: "A", AsOf: day(3)},
		{ID: 3, Portfolio: "B", AsOf: day(2)},
		{ID: 2, Portfolio: "A", AsOf: day(2)},
		{ID: 1, Portfolio: "A", AsOf: day(1)},
	}
	value := map[uint64]int64{1: 100, 2: 60, 3: 5, 4: 10}
	totals := func(id uint64) ([]screener.Total, error) {
		return []screener.Total{{Key: string(screener.StatusBlocked), Currency: "USD", Positions: 1, MarketValue: decimal.NewFromInt(value[id])}}, nil
	}
	pts, err := runPoints(runs, totals)
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		date string
		sum  int64
	}{{"2022-01-01", 100}, {"2022-01-02", 65}, {"2022-01-03", 15}}
	if len(pts) != len(want) {
		t.Fatalf("%d points, want %d: %+v", len(pts), len(want), pts)
	}
	for i, w := range want {
		sum := decimal.Zero
		for _, tl := range pts[i].ByStatus {
			sum = sum.Add(tl.MarketValue)
		}
		if pts[i].Date != w.date || !sum.Equal(decimal.NewFromInt(w.sum)) {
			t.Errorf("point %d: %s %s, want %s %d", i, pts[i].Date, sum, w.date, w.sum)
		}
	}
}

// TestBrowserDashboardOverRuns: in Chromium, under the app's
// Content-Security-Policy, the dashboard's chart of exposure over saved
// runs loads and is drawn at its size.
func TestBrowserDashboardOverRuns(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	ctx := newBrowser(t)
	f := newFixture(t)
	s := f.login(RoleCompliance)
	demo, err := os.ReadFile("../testdata/demo/holdings.csv")
	if err != nil {
		t.Fatal(err)
	}
	for _, asOf := range []string{"2022-01-10", "2022-03-01", "2022-07-01"} {
		if w := s.upload("holdings.csv", demo, asOf, true); w.Code != http.StatusSeeOther {
			t.Fatalf("upload %s: %d %s", asOf, w.Code, w.Body)
		}
	}
	ts := httptest.NewServer(f.srv)
	defer ts.Close()
	var drawn []float64
	var shot []byte
	err = chromedp.Run(ctx,
		emulation.SetDeviceMetricsOverride(1400, 900, 1, false),
		browserSignIn(ts.URL, "compliance1"),
		chromedp.Navigate(ts.URL+"/"),
		chromedp.WaitVisible("#exposure-over-runs", chromedp.ByID),
		chromedp.Poll(`document.getElementById('exposure-over-runs').complete`, nil),
		chromedp.Evaluate(`(() => { const i = document.getElementById('exposure-over-runs');
			const r = i.getBoundingClientRect(); return [i.naturalWidth, r.width, r.height]; })()`, &drawn),
		chromedp.ScrollIntoView("#exposure-over-runs", chromedp.ByID),
		chromedp.CaptureScreenshot(&shot),
	)
	if err != nil {
		t.Fatalf("dashboard: %v", err)
	}
	saveShot(t, "dashboard-over-runs.png", shot)
	if len(drawn) != 3 || drawn[0] == 0 || drawn[1] < 600 || drawn[2] < 250 {
		t.Errorf("the chart of exposure over runs: natural width, width and height %v; want it loaded, about 720×320", drawn)
	}
}
