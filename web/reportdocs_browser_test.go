package web

import (
	"context"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// saveShot writes a screenshot where SCREENER_SCREENSHOTS points, so a
// person can look at it (the test checks what it can measure).
func saveShot(t *testing.T, name string, png []byte) {
	if dir := os.Getenv("SCREENER_SCREENSHOTS"); dir != "" {
		if err := os.WriteFile(filepath.Join(dir, name), png, 0o644); err != nil {
			t.Error(err)
		}
	}
}

// TestBrowserReportCharts opens the run page in Chromium and checks its
// three chart images load under the app's Content-Security-Policy; then
// opens the downloaded HTML report from a file: it fetches nothing, draws
// its three SVG charts, links nowhere, and printed it repeats the table
// headers and runs to several pages.
func TestBrowserReportCharts(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	ctx := newBrowser(t)
	f := newFixture(t)
	sess, _, _ := uploadDemo(t, f)
	ts := httptest.NewServer(f.srv)
	defer ts.Close()

	var loaded []bool
	var shot []byte
	err := chromedp.Run(ctx,
		emulation.SetDeviceMetricsOverride(1400, 1000, 1, false),
		browserSignIn(ts.URL, "compliance1"),
		chromedp.Navigate(ts.URL+"/runs/1"),
		chromedp.WaitVisible("#report-charts", chromedp.ByID),
		chromedp.Poll(`[...document.querySelectorAll('#report-charts img')].every(i => i.complete)`, nil),
		chromedp.Evaluate(`[...document.querySelectorAll('#report-charts img')].map(i => i.naturalWidth > 100 && i.getBoundingClientRect().height > 100)`, &loaded),
		chromedp.CaptureScreenshot(&shot),
	)
	if err != nil {
		t.Fatalf("run page: %v", err)
	}
	saveShot(t, "run-page.png", shot)
	if len(loaded) != 3 || !loaded[0] || !loaded[1] || !loaded[2] {
		t.Errorf("chart images loaded: %v, want 3", loaded)
	}

	// The HTML report as a file, opened with no server behind it.
	w := sess.get("/runs/1/report/html")
	file := filepath.Join(t.TempDir(), "report.html")
	if err := os.WriteFile(file, w.Body.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	var fetched, links int
	var svgs []float64
	var theadPrint string
	var pdf []byte
	err = chromedp.Run(ctx,
		chromedp.Navigate("file://"+file),
		chromedp.WaitVisible("#signoff", chromedp.ByID),
		chromedp.Evaluate(`performance.getEntriesByType('resource').length`, &fetched),
		chromedp.Evaluate(`document.querySelectorAll('a[href]').length`, &links),
		chromedp.Evaluate(`[...document.querySelectorAll('figure.chart svg')].map(s => s.getBoundingClientRect().width)`, &svgs),
		chromedp.ActionFunc(func(ctx2 context.Context) error {
			for _, id := range []string{"summary", "charts", "findings", "signoff"} {
				var b []byte
				if err := chromedp.Screenshot("#"+id, &b, chromedp.ByID).Do(ctx2); err != nil {
					return err
				}
				saveShot(t, "report-html-"+id+".png", b)
			}
			return nil
		}),
		emulation.SetEmulatedMedia().WithMedia("print"),
		chromedp.Evaluate(`getComputedStyle(document.querySelector('table.findings thead')).display`, &theadPrint),
		chromedp.ActionFunc(func(ctx2 context.Context) error {
			var err error
			pdf, _, err = page.PrintToPDF().WithPrintBackground(true).Do(ctx2)
			return err
		}),
	)
	if err != nil {
		t.Fatalf("HTML report: %v", err)
	}
	if dir := os.Getenv("SCREENER_SCREENSHOTS"); dir != "" {
		os.WriteFile(filepath.Join(dir, "report-html-printed.pdf"), pdf, 0o644)
	}
	if fetched != 0 || links != 0 {
		t.Errorf("the HTML report fetched %d resources and has %d links; want none", fetched, links)
	}
	if len(svgs) != 3 || svgs[0] < 200 {
		t.Errorf("SVG chart widths %v, want 3 drawn", svgs)
	}
	if theadPrint != "table-header-group" {
		t.Errorf("printed table header display %q, want table-header-group (repeated on every page)", theadPrint)
	}
	if n := len(regexp.MustCompile(`/Type\s*/Page[^s]`).FindAll(pdf, -1)); n < 2 {
		t.Errorf("printed, the HTML report has %d page(s), want the sections on pages of their own", n)
	}
}
