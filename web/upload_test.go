package web

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/screener/screener/screener/store"
)

// uploadAPI posts content as the multipart file of POST /api/v1/screen.
// With chunked set the body has no Content-Length, so the limit is met
// while it streams rather than from the header.
func uploadAPI(f *fixture, content []byte, chunked bool) *httptest.ResponseRecorder {
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, _ := mw.CreateFormFile("file", "h.csv")
	fw.Write(content)
	mw.Close()
	var r io.Reader = &body
	if chunked {
		r = io.MultiReader(&body) // hides the length from httptest
	}
	req := httptest.NewRequest(http.MethodPost, "/api/v1/screen?as_of=2022-01-10", r)
	if chunked {
		req.ContentLength = -1
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set(apiKeyHeader, f.keys[RoleBroker])
	return f.do(req)
}

// TestUploadLimit: the upload limit is a setting, and an upload over it is
// a 413 that names the limit and the setting, whether the body says its
// length or only turns out too long as it streams; nothing is saved.
func TestUploadLimit(t *testing.T) {
	f := newFixture(t, func(c *Config) { c.MaxUpload = 8 << 10 })
	small := []byte("isin\nHK0941009539\n")
	big := append([]byte("isin\n"), bytes.Repeat([]byte("HK0941009539\n"), 1000)...)
	for _, tc := range []struct {
		name    string
		content []byte
		chunked bool
		status  int
	}{
		{"under the limit", small, false, http.StatusCreated},
		{"over, by Content-Length", big, false, http.StatusRequestEntityTooLarge},
		{"over, found while streaming", big, true, http.StatusRequestEntityTooLarge},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before, _ := f.st.Runs()
			w := uploadAPI(f, tc.content, tc.chunked)
			if w.Code != tc.status {
				t.Fatalf("status %d, want %d: %.300s", w.Code, tc.status, w.Body)
			}
			after, _ := f.st.Runs()
			if tc.status != http.StatusCreated {
				if !strings.Contains(w.Body.String(), "8 KiB") || !strings.Contains(w.Body.String(), "--max-upload") {
					t.Errorf("the 413 does not name the limit and its setting: %s", w.Body)
				}
				if len(after) != len(before) {
					t.Errorf("a refused upload was saved")
				}
			}
		})
	}
	if d := newFixture(t); d.srv.cfg.MaxUpload != 1<<30 {
		t.Errorf("default upload limit %d, want 1 GiB", d.srv.cfg.MaxUpload)
	}
}

// TestUploadStoresDigestNotRows: a saved upload keeps its report and its
// input by size and SHA-256, not its rows.
func TestUploadStoresDigestNotRows(t *testing.T) {
	f := newFixture(t)
	content := []byte("isin,name\nHK0941009539,China Mobile\nUS0378331005,Apple\n")
	w := uploadAPI(f, content, false)
	if w.Code != http.StatusCreated {
		t.Fatalf("status %d: %s", w.Code, w.Body)
	}
	runs, err := f.st.Runs()
	if err != nil || len(runs) != 1 {
		t.Fatalf("runs %v, %v", runs, err)
	}
	r := runs[0]
	sum := sha256.Sum256(content)
	want := store.Input{Name: "h.csv", Bytes: int64(len(content)), SHA256: hex.EncodeToString(sum[:])}
	if len(r.Inputs) != 1 || r.Inputs[0] != want {
		t.Errorf("inputs %+v, want %+v", r.Inputs, want)
	}
	if r.Holdings != 2 || r.Findings < 1 {
		t.Errorf("holdings %d findings %d, want 2 and at least 1", r.Holdings, r.Findings)
	}
	run, err := f.st.Run(r.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(run.Holdings) != 0 {
		t.Errorf("the run stored %d holdings rows", len(run.Holdings))
	}
}

// TestUploadFormReadThroughBuffer: the form is read through a pooled
// buffer bigger than mime/multipart's own: uploads larger than it, one
// after another, keep their own bytes (size and SHA-256 of each input,
// every row screened), and a form without a boundary is refused by name.
func TestUploadFormReadThroughBuffer(t *testing.T) {
	f := newFixture(t)
	for i, rows := range []int{30000, 21000} { // 400 KB and 280 KB
		var b bytes.Buffer
		b.WriteString("isin,name\n")
		for r := range rows {
			fmt.Fprintf(&b, "US0378331005,Apple %d\n", r+i)
		}
		w := uploadAPI(f, b.Bytes(), i == 1)
		if w.Code != http.StatusCreated {
			t.Fatalf("upload %d: status %d: %.300s", i, w.Code, w.Body)
		}
		runs, err := f.st.Runs()
		if err != nil || len(runs) != i+1 {
			t.Fatalf("runs %v, %v", runs, err)
		}
		sum := sha256.Sum256(b.Bytes())
		want := store.Input{Name: "h.csv", Bytes: int64(b.Len()), SHA256: hex.EncodeToString(sum[:])}
		if r := runs[0]; len(r.Inputs) != 1 || r.Inputs[0] != want || r.Holdings != rows {
			t.Errorf("upload %d: inputs %+v holdings %d, want %+v and %d", i, r.Inputs, r.Holdings, want, rows)
		}
	}
	req := httptest.NewRequest(http.MethodPost, "/api/v1/screen", strings.NewReader("--x\r\n"))
	req.Header.Set("Content-Type", "multipart/form-data")
	req.Header.Set(apiKeyHeader, f.keys[RoleBroker])
	if w := f.do(req); w.Code != http.StatusBadRequest || !strings.Contains(w.Body.String(), "boundary") {
		t.Errorf("a form without a boundary: %d %s", w.Code, w.Body)
	}
}

// TestUploadReusesReportBuffer: an answered upload leaves its report
// buffer for the next one (which then does not clear megabytes afresh),
// and neither upload's answer nor its saved report shows the other's
// bytes.
func TestUploadReusesReportBuffer(t *testing.T) {
	reportBufs.empty()
	defer reportBufs.empty()
	f := newFixture(t)
	file := func(isin string) []byte {
		var b bytes.Buffer
		b.WriteString("portfolio,isin,name,quantity\n")
		for i := range 90000 { // over 2 MB: a report buffer of over 1 MB is kept
			fmt.Fprintf(&b, "P%d,US0378331005,Apple,%d\n", i%50, i+1)
			if i%20000 == 0 {
				fmt.Fprintf(&b, "P%d,%s,Listed,%d\n", i%50, isin, i+1)
			}
		}
		return b.Bytes()
	}
	shelved := func() int {
		reportBufs.mu.Lock()
		defer reportBufs.mu.Unlock()
		return len(reportBufs.bufs)
	}
	var answers []*httptest.ResponseRecorder
	for i, isin := range []string{"HK0941009539", "CNE100000PM8"} {
		w := uploadAPI(f, file(isin), false)
		if w.Code != http.StatusCreated {
			t.Fatalf("upload %d: status %d: %.300s", i, w.Code, w.Body)
		}
		if n := shelved(); n != 1 {
			t.Fatalf("after upload %d, %d report buffers kept, want 1", i, n)
		}
		answers = append(answers, w)
	}
	for i, w := range answers {
		own, other := []string{"HK0941009539", "CNE100000PM8"}[i], []string{"CNE100000PM8", "HK0941009539"}[i]
		body := w.Body.String()
		if strings.Count(body, own) < 4 || strings.Contains(body, other) {
			t.Errorf("answer %d: %d findings of %s, and %s in it: %v", i, strings.Count(body, own), own, other, strings.Contains(body, other))
		}
		id, err := strconv.ParseUint(w.Header().Get("X-Run-ID"), 10, 64)
		if err != nil {
			t.Fatal(err)
		}
		run, err := f.st.Run(id)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(run.Report, w.Body.Bytes()) {
			t.Errorf("run %d: the saved report (%d bytes) is not the answer (%d bytes)", id, len(run.Report), w.Body.Len())
		}
	}
}

// The shelf keeps the largest few buffers, none small, and gives one back
// only when it is large enough.
func TestBufShelf(t *testing.T) {
	var s bufShelf
	if s.give(make([]byte, 10, bufShelfMin-1)) {
		t.Fatal("give says it kept a small buffer")
	}
	if b := s.take(bufShelfMin - 1); b != nil {
		t.Fatal("a small buffer was kept")
	}
	for i := range bufShelfLen + 1 {
		s.give(make([]byte, 5, bufShelfMin*(i+1)))
	}
	if len(s.bufs) != bufShelfLen {
		t.Fatalf("%d buffers kept, want %d", len(s.bufs), bufShelfLen)
	}
	for _, n := range []int{0, 1, bufShelfMin - 1} { // small or unknown size
		if b := s.take(n); b != nil {
			t.Fatalf("take(%d) took a buffer of %d bytes", n, cap(b))
		}
	}
	if b := s.take(bufShelfMin * (bufShelfLen + 2)); b != nil {
		t.Fatal("a buffer too small was given")
	}
	b := s.take(bufShelfMin*bufShelfLen + 1)
	if cap(b) != bufShelfMin*(bufShelfLen+1) || len(b) != 0 {
		t.Fatalf("took len %d cap %d", len(b), cap(b))
	}
	for range bufShelfLen - 1 {
		if s.take(bufShelfMin*2) == nil {
			t.Fatal("a kept buffer was not given")
		}
	}
	if s.take(bufShelfMin) != nil {
		t.Fatal("the smallest buffer was kept when a larger one came")
	}
	s.give(b)
	s.empty()
	if s.take(bufShelfMin) != nil {
		t.Fatal("a buffer outlived empty")
	}
}
