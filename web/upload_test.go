package web

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
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
