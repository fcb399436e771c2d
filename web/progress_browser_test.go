package web

import (
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// slowBody hands the server an upload a little at a time, so that the page
// is seen while the server screens.
type slowBody struct{ io.ReadCloser }

func (b slowBody) Read(p []byte) (int, error) {
	time.Sleep(250 * time.Millisecond)
	return b.ReadCloser.Read(p[:min(len(p), 256)])
}

// statusWriter keeps the status a handler answered.
type statusWriter struct {
	http.ResponseWriter
	code int
}

func (w *statusWriter) WriteHeader(code int) {
	w.code = code
	w.ResponseWriter.WriteHeader(code)
}

// TestBrowserUploadProgress uploads the demo file through the page's
// script: the progress bar shows while the server (slowed down) reads and
// screens the file, the page polls the upload's progress and gets answers,
// and the browser ends on the run's page. A bad file's error is shown on
// the upload page, with what was typed still there.
func TestBrowserUploadProgress(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	ctx := newBrowser(t)
	f := newFixture(t)
	var polled atomic.Int32 // progress polls answered 200
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost && r.URL.Path == "/upload" {
			r.Body = slowBody{r.Body}
		}
		sw := &statusWriter{ResponseWriter: w, code: http.StatusOK}
		f.srv.ServeHTTP(sw, r)
		if r.URL.Path == "/upload/progress" && sw.code == http.StatusOK {
			polled.Add(1)
		}
	}))
	defer ts.Close()
	demo, err := filepath.Abs("../testdata/demo/holdings.csv")
	if err != nil {
		t.Fatal(err)
	}

	var hiddenBefore bool
	var bar int
	var shot []byte
	var status, url string
	err = chromedp.Run(ctx,
		emulation.SetDeviceMetricsOverride(1400, 900, 1, false),
		browserSignIn(ts.URL, "fund_manager1"),
		chromedp.Navigate(ts.URL+"/upload"),
		chromedp.WaitVisible("#upload", chromedp.ByID),
		chromedp.Evaluate(`document.getElementById('upload-status').hidden`, &hiddenBefore),
		chromedp.Evaluate(`document.querySelectorAll('#upload-status progress').length`, &bar),
		chromedp.SendKeys("#portfolio", "Demo Fund", chromedp.ByID),
		chromedp.SetValue("#as_of", "2022-01-10", chromedp.ByID),
		chromedp.SetUploadFiles("#file", []string{demo}, chromedp.ByID),
		chromedp.Click("#screen", chromedp.ByID),
		chromedp.WaitVisible("#upload-bar", chromedp.ByID),
		// Wait for an answered poll, so the picture shows the server's count.
		chromedp.Poll(`document.getElementById('upload-text').textContent.indexOf('rows screened') >= 0`, nil),
		chromedp.Text("#upload-text", &status, chromedp.ByID),
		chromedp.FullScreenshot(&shot, 100), // 100: PNG,
		chromedp.WaitVisible("#findings", chromedp.ByID),
		chromedp.Location(&url),
	)
	if err != nil {
		t.Fatalf("upload with the progress bar: %v", err)
	}
	saveShot(t, "upload-progress.png", shot)
	if !hiddenBefore || bar != 1 {
		t.Errorf("before the upload: status hidden %v, %d progress bars; want hidden, 1", hiddenBefore, bar)
	}
	if !strings.HasPrefix(status, "Sent") {
		t.Errorf("progress text %q, want it to say what was sent", status)
	}
	if polled.Load() == 0 {
		t.Error("the page never got an answer from GET /upload/progress")
	}
	if !regexp.MustCompile(`/runs/\d+$`).MatchString(url) {
		t.Errorf("ended on %s, want the run's page", url)
	}

	// A file the server refuses: its message shows above the form, which
	// keeps the portfolio name typed.
	bad := filepath.Join(t.TempDir(), "notes.csv")
	if err := os.WriteFile(bad, []byte("some notes\nnot a holdings table\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	var msg, kept, where string
	err = chromedp.Run(ctx,
		chromedp.Navigate(ts.URL+"/upload"),
		chromedp.WaitVisible("#upload", chromedp.ByID),
		chromedp.SendKeys("#portfolio", "Kept Fund", chromedp.ByID),
		chromedp.SetUploadFiles("#file", []string{bad}, chromedp.ByID),
		chromedp.Click("#screen", chromedp.ByID),
		chromedp.WaitVisible("#upload-error", chromedp.ByID),
		chromedp.Text("#upload-error", &msg, chromedp.ByID),
		chromedp.Value("#portfolio", &kept, chromedp.ByID),
		chromedp.Location(&where),
	)
	if err != nil {
		t.Fatalf("refused upload: %v", err)
	}
	if msg == "" || strings.Contains(msg, "<") || kept != "Kept Fund" || !strings.HasSuffix(where, "/upload") {
		t.Errorf("refused upload: message %q, portfolio %q, on %s; want the message, the name kept, still on /upload", msg, kept, where)
	}
}
