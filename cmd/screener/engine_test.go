package main

import (
	"bytes"
	"encoding/json"
	"io"
	"io/fs"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/screener/screener/issuers"
	"github.com/screener/screener/screener/shareddata"
	"github.com/screener/screener/screener/store"
	"github.com/screener/screener/web"
)

// TestCLIEqualsAPI holds the CLI and POST /api/v1/screen to one engine:
// every real holdings file in ../shared/data/holdings, the demo file and a
// generated file of several chunks give the same JSON report, field for
// field, from `screener screen --format json` and from an upload (or the
// same refusal: both fail).
func TestCLIEqualsAPI(t *testing.T) {
	root := shareddata.Path(t, "holdings")
	var files []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() && !strings.HasSuffix(p, ".md") {
			files = append(files, p)
		}
		return err
	})
	if err != nil || len(files) == 0 {
		t.Fatalf("no holdings files under %s: %v", root, err)
	}
	demo, err := filepath.Abs(filepath.Join("..", "..", "testdata", "demo", "holdings.csv"))
	if err != nil {
		t.Fatal(err)
	}
	gen := filepath.Join(t.TempDir(), "generated.csv")
	if _, e, err := serveCmd(t, "generate", "--rows", "30000", "--seed", "5", "--out", gen); err != nil {
		t.Fatal(err, e)
	}
	files = append(files, demo, gen)
	sort.Strings(files)

	st, err := store.Open(filepath.Join(t.TempDir(), "s.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ls, err := loadLists(nil)
	if err != nil {
		t.Fatal(err)
	}
	dir, err := issuers.Default()
	if err != nil {
		t.Fatal(err)
	}
	srv, err := web.New(web.Config{Store: st, Lists: ls, Dir: dir, RateLimit: -1, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	key, _, err := st.CreateAPIKey("test", "engine", web.RoleBroker)
	if err != nil {
		t.Fatal(err)
	}
	// The CLI gets an empty store of its own, as the server's is empty:
	// the same lists, no decisions, a fund registry with no funds.
	cliDB := filepath.Join(t.TempDir(), "cli.db")
	cst, err := store.Open(cliDB, nil)
	if err != nil {
		t.Fatal(err)
	}
	cst.Close()
	const asOf = "2023-01-01"
	for _, path := range files {
		name := filepath.Base(path)
		t.Run(name, func(t *testing.T) {
			// The CLI names the file as given: run it from the file's
			// folder, so that it says what the upload's file name says.
			t.Chdir(filepath.Dir(path))
			cli, cerr, cliErr := serveCmd(t, "screen", "--quiet", "--db", cliDB, "--format", "json", "--as-of", asOf, name)

			var body bytes.Buffer
			mw := multipart.NewWriter(&body)
			fw, _ := mw.CreateFormFile("file", name)
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			fw.Write(data)
			mw.Close()
			req := httptest.NewRequest(http.MethodPost, "/api/v1/screen?as_of="+asOf, &body)
			req.Header.Set("Content-Type", mw.FormDataContentType())
			req.Header.Set("X-API-Key", key)
			w := httptest.NewRecorder()
			srv.ServeHTTP(w, req)

			if cliErr != nil {
				if w.Code == http.StatusCreated {
					t.Fatalf("the CLI refused the file (%v) and the API screened it", cliErr)
				}
				return
			}
			if w.Code != http.StatusCreated {
				t.Fatalf("the CLI screened the file and the API answered %d: %s (CLI stderr %q)", w.Code, w.Body.String(), cerr)
			}
			var a, c map[string]any
			if err := json.Unmarshal(w.Body.Bytes(), &a); err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal([]byte(cli), &c); err != nil {
				t.Fatal(err)
			}
			for k := range c {
				if !reflect.DeepEqual(a[k], c[k]) {
					ab, _ := json.Marshal(a[k])
					cb, _ := json.Marshal(c[k])
					t.Errorf("%q differs:\napi %.300s\ncli %.300s", k, ab, cb)
				}
			}
			if len(a) != len(c) {
				t.Errorf("the API report has %d fields, the CLI's %d", len(a), len(c))
			}
		})
	}
}
