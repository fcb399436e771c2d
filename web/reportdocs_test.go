package web

import (
	"bytes"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/screener/screener/screener"
	"github.com/screener/screener/screener/report"
)

// uploadDemo signs in as compliance and uploads the demo holdings as of
// 2022-01-10; it returns the session and the saved run's JSON report.
func uploadDemo(t *testing.T, f *fixture) (*session, *screener.Report, []byte) {
	t.Helper()
	s := f.login("compliance")
	demo, err := os.ReadFile(filepath.Join("..", "testdata", "demo", "holdings.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if w := s.upload("holdings.csv", demo, "2022-01-10", true); w.Code != http.StatusSeeOther {
		t.Fatalf("upload: %d %s", w.Code, w.Body)
	}
	w := s.get("/runs/1/report/json")
	if w.Code != http.StatusOK {
		t.Fatalf("json: %d", w.Code)
	}
	var rep screener.Report
	if err := json.Unmarshal(w.Body.Bytes(), &rep); err != nil {
		t.Fatal(err)
	}
	return s, &rep, w.Body.Bytes()
}

// TestRunPageChartsAndDownloads: the report page shows the three charts as
// SVG images and links every download; the XLSX, HTML and PDF downloads
// say what the saved JSON says.
func TestRunPageChartsAndDownloads(t *testing.T) {
	f := newFixture(t)
	s, rep, raw := uploadDemo(t, f)
	page := s.get("/runs/1")
	if page.Code != http.StatusOK {
		t.Fatalf("run page: %d", page.Code)
	}
	body := page.Body.String()
	if n := strings.Count(body, `src="data:image/svg&#43;xml;base64,`) + strings.Count(body, `src="data:image/svg+xml;base64,`); n != 3 {
		t.Errorf("%d chart images on the run page, want 3", n)
	}
	for _, id := range []string{"dl-json", "dl-csv", "dl-xlsx", "dl-pdf", "dl-pdf-letter", "dl-html", "report-charts"} {
		if !strings.Contains(body, `id="`+id+`"`) {
			t.Errorf("run page lacks #%s", id)
		}
	}

	w := s.get("/runs/1/report/xlsx")
	if w.Code != http.StatusOK || !strings.Contains(w.Header().Get("Content-Disposition"), "screener-run-1.xlsx") {
		t.Fatalf("xlsx: %d %v", w.Code, w.Header())
	}
	x, err := excelize.OpenReader(bytes.NewReader(w.Body.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	rows, _ := x.GetRows("Findings")
	x.Close()
	if len(rows)-1 != len(rep.Findings) {
		t.Errorf("xlsx: %d findings rows, JSON %d", len(rows)-1, len(rep.Findings))
	}

	w = s.get("/runs/1/report/html")
	if w.Code != http.StatusOK || !strings.HasPrefix(w.Header().Get("Content-Type"), "text/html") {
		t.Fatalf("html: %d %v", w.Code, w.Header())
	}
	h := w.Body.String()
	groups := strings.Count(h, `<h3 id="group-`)
	statuses := map[screener.Status]bool{}
	for _, fd := range rep.Findings {
		statuses[fd.Status] = true
	}
	if groups != len(statuses) || strings.Count(h, "<svg") != 3 {
		t.Errorf("html: %d groups for %d statuses, %d SVGs", groups, len(statuses), strings.Count(h, "<svg"))
	}
	if sum := report.DigestBytes(raw); !strings.Contains(h, "sha256:"+sum) {
		t.Error("html: the sign-off's digest is not the saved JSON's")
	}

	for _, q := range []string{"", "?paper=letter"} {
		w = s.get("/runs/1/report/pdf" + q)
		if w.Code != http.StatusOK || !bytes.HasPrefix(w.Body.Bytes(), []byte("%PDF-")) {
			t.Errorf("pdf%s: %d", q, w.Code)
		}
	}
	if w = s.get("/runs/1/report/pdf?paper=tabloid"); w.Code != http.StatusBadRequest {
		t.Errorf("pdf?paper=tabloid: %d, want 400", w.Code)
	}
	if w = s.get("/runs/1/report/docx"); w.Code != http.StatusNotFound {
		t.Errorf("docx: %d, want 404", w.Code)
	}
}
