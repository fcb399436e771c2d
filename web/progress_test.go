package web

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// pollProgress asks GET /upload/progress for id as s.
func pollProgress(t *testing.T, s *session, id string) (int, progressReply) {
	t.Helper()
	w := s.get("/upload/progress?id=" + id)
	var p progressReply
	if w.Code == http.StatusOK {
		if err := json.Unmarshal(w.Body.Bytes(), &p); err != nil {
			t.Fatalf("progress is not JSON: %v: %s", err, w.Body)
		}
	}
	return w.Code, p
}

// TestUploadProgress: while an upload is screened its user sees the rows
// screened so far, then done with every row; another user, and an id that
// is no upload, get 404. The body is sent in two parts through a pipe, the
// second only once the poll has seen rows, so the test sees a run under
// way whatever the machine's speed.
func TestUploadProgress(t *testing.T) {
	f := newFixture(t)
	s := f.login(RoleFundManager)
	other := f.login(RoleCompliance)
	// The poller shares the uploader's cookies, not its map (the upload
	// writes it as its answer comes).
	poll := &session{f: f, user: s.user, cookies: maps.Clone(s.cookies)}
	const id = "0123456789abcdef0123456789abcdef"
	const rows = 80000 // about 2.5 MB: more than one of the pipeline's 1 MB chunks
	line := func(i int) string { return fmt.Sprintf("US0378331005,Apple row %06d\n", i) }

	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	req := httptest.NewRequest(http.MethodPost, "/upload", pr)
	req.ContentLength = -1
	req.Header.Set("Content-Type", mw.FormDataContentType())
	answered := make(chan *httptest.ResponseRecorder, 1)
	go func() { answered <- s.send(req) }()

	half := rows / 2
	wrote := make(chan error, 1)
	go func() {
		for _, kv := range [][2]string{{csrfField, s.csrf()}, {progressField, id},
			{"portfolio", "Big Fund"}, {"as_of", "2022-01-10"}, {"us_person", "yes"}} {
			if err := mw.WriteField(kv[0], kv[1]); err != nil {
				wrote <- err
				return
			}
		}
		fw, err := mw.CreateFormFile("file", "big.csv")
		if err == nil {
			_, err = io.WriteString(fw, "isin,name\n")
		}
		for i := 0; i < half && err == nil; i++ {
			_, err = io.WriteString(fw, line(i))
		}
		wrote <- err
	}()
	if err := <-wrote; err != nil {
		t.Fatalf("send the first half: %v", err)
	}

	// The first half is in: the run has screened rows and is not done.
	var seen progressReply
	for deadline := time.Now().Add(30 * time.Second); seen.Rows == 0; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("no rows screened after the first %d rows were sent", half)
		}
		code, p := pollProgress(t, poll, id)
		if code != http.StatusOK && code != http.StatusNotFound {
			t.Fatalf("progress: status %d", code)
		}
		seen = p
	}
	if seen.Done || seen.Rows > half {
		t.Errorf("mid-upload progress %+v, want some of the first %d rows, not done", seen, half)
	}
	if code, _ := pollProgress(t, other, id); code != http.StatusNotFound {
		t.Errorf("another user's poll: status %d, want 404", code)
	}
	if code, _ := pollProgress(t, poll, "fedcba9876543210fedcba9876543210"); code != http.StatusNotFound {
		t.Errorf("poll of an id that is no upload: status %d, want 404", code)
	}

	go func() {
		var b strings.Builder
		for i := half; i < rows; i++ {
			b.WriteString(line(i))
		}
		// The file part is still open: its bytes go on from where the
		// first half ended.
		_, err := io.WriteString(pw, b.String())
		if err == nil {
			err = mw.Close()
		}
		pw.CloseWithError(err)
	}()
	var w *httptest.ResponseRecorder
	select {
	case w = <-answered:
	case <-time.After(60 * time.Second):
		t.Fatal("the upload did not answer")
	}
	if w.Code != http.StatusSeeOther || !strings.HasPrefix(w.Header().Get("Location"), "/runs/") {
		t.Fatalf("upload: status %d location %q: %.300s", w.Code, w.Header().Get("Location"), w.Body)
	}
	code, p := pollProgress(t, poll, id)
	if code != http.StatusOK || !p.Done || p.Rows != rows {
		t.Errorf("after the upload: status %d %+v, want done with %d rows", code, p, rows)
	}
	if code, _ := pollProgress(t, other, id); code != http.StatusNotFound {
		t.Errorf("another user's poll after the upload: status %d, want 404", code)
	}
}

// TestProgressTable: tokens the page would not make are not tracked, a
// token in use is not taken twice, and the table is bounded.
func TestProgressTable(t *testing.T) {
	var pt progressTable
	for _, tc := range []struct{ name, token string }{
		{"empty", ""},
		{"short", "abc123"},
		{"upper case", "0123456789ABCDEF"},
		{"not hex", "0123456789abcdeg"},
		{"too long", strings.Repeat("a", 65)},
	} {
		if pt.start("u", tc.token) != nil {
			t.Errorf("%s: token %q tracked", tc.name, tc.token)
		}
	}
	tok := func(i int) string { return fmt.Sprintf("%016x", i) }
	if pt.start("u", tok(0)) == nil {
		t.Fatal("a valid token is not tracked")
	}
	if pt.start("u", tok(0)) != nil {
		t.Error("a token in use was tracked twice")
	}
	if pt.start("v", tok(0)) == nil {
		t.Error("another user's upload with the same token is not tracked")
	}
	for i := 1; i < maxProgress-1; i++ {
		if pt.start("u", tok(i)) == nil {
			t.Fatalf("upload %d of %d not tracked", i+2, maxProgress)
		}
	}
	if pt.start("u", tok(maxProgress)) != nil {
		t.Errorf("more than %d uploads tracked", maxProgress)
	}
	u := pt.get("u", tok(1))
	pt.forget("u", tok(1), u)
	if pt.get("u", tok(1)) != nil || pt.start("u", tok(maxProgress)) == nil {
		t.Error("a forgotten upload still takes its place")
	}
}
