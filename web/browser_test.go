package web

import (
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// chromium returns the browser the end-to-end tests drive, skipping (or,
// with SCREENER_REQUIRE_CHROMIUM=1, failing) when it is not installed.
func chromium(t *testing.T) string {
	t.Helper()
	for _, p := range []string{"/usr/bin/chromium", "/usr/bin/chromium-browser"} {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	if p, err := exec.LookPath("chromium"); err == nil {
		return p
	}
	msg := "chromium not found at /usr/bin/chromium: install it (apt-get install chromium) to run the browser tests"
	if os.Getenv("SCREENER_REQUIRE_CHROMIUM") == "1" {
		t.Fatal(msg)
	}
	t.Skip(msg)
	return ""
}

// newBrowser starts headless Chromium with an empty profile, for 90 seconds.
func newBrowser(t *testing.T) context.Context {
	t.Helper()
	return newBrowserFor(t, 90*time.Second)
}

// newBrowserFor is newBrowser for tests that need the browser for longer.
func newBrowserFor(t *testing.T, timeout time.Duration) context.Context {
	t.Helper()
	bin := chromium(t)
	// Not t.TempDir: Chromium's helper processes can still be writing to
	// the profile for a moment after the browser is closed, and TempDir's
	// cleanup then fails the test ("directory not empty").
	profile, err := os.MkdirTemp("", "screener-chromium-")
	if err != nil {
		t.Fatal(err)
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(bin),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(profile),
	}
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	// cdproto lags Chromium's protocol: unknown enum values in events it does
	// not use are logged as errors; keep them out of the test output.
	quiet := func(format string, args ...any) {
		if !strings.Contains(fmt.Sprintf(format, args...), "could not unmarshal event") {
			t.Logf(format, args...)
		}
	}
	ctx, cancelC := chromedp.NewContext(actx, chromedp.WithErrorf(quiet))
	ctx, cancelT := context.WithTimeout(ctx, timeout)
	t.Cleanup(func() {
		chromedp.Cancel(ctx) // close the browser and wait for it
		cancelT()
		cancelC()
		cancelA()
		for i := 0; i < 50; i++ {
			if err = os.RemoveAll(profile); err == nil {
				return
			}
			time.Sleep(100 * time.Millisecond)
		}
		t.Logf("left the browser profile %s behind: %v", profile, err)
	})
	if err := chromedp.Run(ctx); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return ctx
}

// browserSignIn signs in as user (a fixture user, testPassword) on the
// server at base, in a browser with no session cookie, and waits for the
// signed-in page.
func browserSignIn(base, user string) chromedp.Tasks {
	return chromedp.Tasks{
		network.ClearBrowserCookies(),
		chromedp.Navigate(base + "/login"),
		chromedp.WaitVisible("#login", chromedp.ByID),
		chromedp.SendKeys("#name", user, chromedp.ByID),
		chromedp.SendKeys("#password", testPassword, chromedp.ByID),
		chromedp.Click("#signin", chromedp.ByID),
		chromedp.WaitVisible("form.logout", chromedp.ByQuery),
	}
}

// TestBrowser signs in, uploads the demo holdings as of 2022-01-10, sees
// China Mobile divest_only with its deadline, clears a review with a reason
// and downloads the CSV report, in a real browser.
func TestBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	ctx := newBrowser(t)
	f := newFixture(t)
	ts := httptest.NewServer(f.srv)
	defer ts.Close()
	demo, err := filepath.Abs("../testdata/demo/holdings.csv")
	if err != nil {
		t.Fatal(err)
	}
	downloads := t.TempDir()

	var findings, flash, reviewsBefore, reviewsAfter string
	err = chromedp.Run(ctx,
		browser.SetDownloadBehavior(browser.SetDownloadBehaviorBehaviorAllowAndName).WithDownloadPath(downloads),
		chromedp.Navigate(ts.URL+"/runs"), // not signed in: sent to the sign-in page
		chromedp.WaitVisible("#login", chromedp.ByID),
		chromedp.SendKeys("#name", "compliance1", chromedp.ByID),
		chromedp.SendKeys("#password", testPassword, chromedp.ByID),
		chromedp.Click("#signin", chromedp.ByID),
		chromedp.WaitVisible("form.logout", chromedp.ByQuery), // signed in, on the runs page
		chromedp.Navigate(ts.URL+"/upload"),
		chromedp.WaitVisible("#upload", chromedp.ByID),
		chromedp.SendKeys("#portfolio", "Demo Fund", chromedp.ByID),
		chromedp.SetValue("#as_of", "2022-01-10", chromedp.ByID),
		chromedp.SetValue("#us_person", "yes", chromedp.ByID),
		chromedp.SetUploadFiles("#file", []string{demo}, chromedp.ByID),
		chromedp.Click("#screen", chromedp.ByID),
		chromedp.WaitVisible("#findings", chromedp.ByID),
		chromedp.Text("#findings", &findings, chromedp.ByID),
	)
	if err != nil {
		t.Fatalf("sign in and upload: %v", err)
	}
	var cm string
	for _, row := range strings.Split(findings, "\n") {
		if strings.Contains(row, "HK0941009539") {
			cm = row
		}
	}
	if !strings.Contains(findings, "HK0941009539") || !strings.Contains(findings, "Divest only") || !strings.Contains(findings, "2022-06-03") {
		t.Errorf("China Mobile \"Divest only\" with deadline 2022-06-03 not shown; row %q", cm)
	}

	err = chromedp.Run(ctx,
		chromedp.Navigate(ts.URL+"/reviews"),
		chromedp.WaitVisible("#reviews", chromedp.ByID),
		chromedp.Text("#reviews", &reviewsBefore, chromedp.ByID),
		chromedp.SetValue(`#reviews tbody tr:first-child select[name=outcome]`, "cleared", chromedp.ByQuery),
		chromedp.SendKeys(`#reviews tbody tr:first-child input[name=reason]`, "different issuer: checked the prospectus", chromedp.ByQuery),
		chromedp.Click(`#reviews tbody tr:first-child button`, chromedp.ByQuery),
		chromedp.WaitVisible(".flash", chromedp.ByQuery),
		chromedp.Text(".flash", &flash, chromedp.ByQuery),
		chromedp.Text("main", &reviewsAfter, chromedp.ByQuery),
	)
	if err != nil {
		t.Fatalf("clear a review: %v", err)
	}
	if !strings.HasPrefix(flash, "cleared ") {
		t.Errorf("flash %q, want a cleared decision", flash)
	}
	ds, _ := f.st.Decisions()
	if len(ds) != 1 || ds[0].Decision.Outcome != "cleared" || ds[0].Decision.Reviewer != "compliance1" {
		t.Errorf("stored decisions %+v", ds)
	}
	if strings.Count(reviewsAfter, "Decide") != strings.Count(reviewsBefore, "Decide")-1 {
		t.Errorf("the queue did not shrink by one:\nbefore %q\nafter %q", reviewsBefore, reviewsAfter)
	}

	err = chromedp.Run(ctx,
		chromedp.Navigate(ts.URL+"/runs/1"),
		chromedp.WaitVisible("#dl-csv", chromedp.ByID),
		chromedp.Click("#dl-csv", chromedp.ByID),
	)
	if err != nil {
		t.Fatalf("download: %v", err)
	}
	var csvText string
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline) && csvText == ""; time.Sleep(100 * time.Millisecond) {
		ents, _ := os.ReadDir(downloads)
		for _, e := range ents {
			if !strings.HasSuffix(e.Name(), ".crdownload") {
				b, _ := os.ReadFile(filepath.Join(downloads, e.Name()))
				csvText = string(b)
			}
		}
	}
	if !strings.Contains(csvText, "HK0941009539") || !strings.Contains(csvText, "divest_only") {
		t.Errorf("downloaded CSV lacks China Mobile's divest_only row: %.300q", csvText)
	}
}
