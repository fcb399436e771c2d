package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/screener/screener/screener"
	"github.com/screener/screener/screener/report"
)

// injectCSV holds security names that a spreadsheet or a browser would run
// if a report wrote them as formulas or markup.
const injectCSV = `portfolio,us_person,isin,ticker,exchange,name,quantity,price,market_value,currency,asset_class
Injected,yes,HK0941009539,941 HK,,"=HYPERLINK(""http://attacker.invalid"",""CHINA MOBILE"")",1000,50.00,50000.00,HKD,Equity
Injected,yes,US0378331005,AAPL,,+cmd|' /C calc'!A0,10,150.00,1500.00,USD,Equity
Injected,yes,CNE100000PM8,,,<script>alert(1)</script> Hikvision,7.125,10,71.25,CNY,Equity
`

// screenFormats screens the demo file and the injection file into every
// report format (with --all, so clear findings are listed too) and returns
// the JSON report and the paths of the others.
func screenFormats(t *testing.T, extra ...string) (*screener.Report, []byte, map[string]string) {
	t.Helper()
	dir := t.TempDir()
	inject := filepath.Join(dir, "inject.csv")
	if err := os.WriteFile(inject, []byte(injectCSV), 0o644); err != nil {
		t.Fatal(err)
	}
	demo := filepath.Join("..", "..", "testdata", "demo", "holdings.csv")
	out := map[string]string{}
	for _, f := range []string{"json", "xlsx", "html", "pdf"} {
		out[f] = filepath.Join(dir, "r."+f)
		args := append([]string{"screen", "--quiet", "--all", "--as-of", "2022-01-10", "--format", f, "--out", out[f]}, extra...)
		args = append(args, demo, inject)
		var errb bytes.Buffer
		if err := run(context.Background(), args, io.Discard, &errb); err != nil {
			t.Fatalf("screen --format %s: %v (%s)", f, err, errb.String())
		}
	}
	raw, err := os.ReadFile(out["json"])
	if err != nil {
		t.Fatal(err)
	}
	var rep screener.Report
	if err := json.Unmarshal(raw, &rep); err != nil {
		t.Fatal(err)
	}
	if len(rep.Findings) < 10 || len(rep.Rejected) == 0 {
		t.Fatalf("the demo run has %d findings and %d rejected rows: want both", len(rep.Findings), len(rep.Rejected))
	}
	return &rep, raw, out
}

func statusCounts(fs []screener.Finding) map[string]int {
	m := map[string]int{}
	for _, f := range fs {
		m[string(f.Status)]++
	}
	return m
}

// TestXLSXMatchesJSON opens the workbook with excelize and checks it says
// what the JSON report says: one Findings row per finding with the same
// statuses, numbers as numbers, dates as dates, text never a formula, the
// open divestment windows, the rejected rows, and the Summary's counts and
// native charts.
func TestXLSXMatchesJSON(t *testing.T) {
	rep, _, out := screenFormats(t)
	f, err := excelize.OpenFile(out["xlsx"])
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := f.GetSheetList(); strings.Join(got, ",") != "Summary,Findings,Divestment,Rejected" {
		t.Fatalf("sheets %v", got)
	}
	rows, err := f.GetRows("Findings")
	if err != nil {
		t.Fatal(err)
	}
	if len(rows)-1 != len(rep.Findings) {
		t.Fatalf("Findings sheet: %d rows, JSON: %d findings", len(rows)-1, len(rep.Findings))
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	got := map[string]int{}
	for i, row := range rows[1:] {
		fd := rep.Findings[i]
		got[row[col["Status"]]]++
		if row[col["Security"]] != fd.Security.Name {
			t.Errorf("row %d: security %q, JSON %q", i+2, row[col["Security"]], fd.Security.Name)
		}
		for _, name := range []string{"Quantity", "Market value", "Line"} {
			c, _ := excelize.CoordinatesToCellName(col[name]+1, i+2)
			typ, err := f.GetCellType("Findings", c)
			if err != nil || (typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset) {
				t.Errorf("%s %s: type %v, want a number", name, c, typ)
			}
		}
		c, _ := excelize.CoordinatesToCellName(col["Market value"]+1, i+2)
		raw, _ := f.GetCellValue("Findings", c, excelize.Options{RawCellValue: true})
		if v, err := strconv.ParseFloat(raw, 64); err != nil || strconv.FormatFloat(v, 'f', -1, 64) != fd.MarketValue.String() {
			t.Errorf("%s: market value %q, JSON %s", c, raw, fd.MarketValue)
		}
		if !fd.DivestmentDate.IsZero() {
			c, _ := excelize.CoordinatesToCellName(col["Divestment date"]+1, i+2)
			if v, _ := f.GetCellValue("Findings", c); v != fd.DivestmentDate.String() {
				t.Errorf("%s: divestment date shows %q, want %s", c, v, fd.DivestmentDate)
			}
		}
		for j := range row {
			c, _ := excelize.CoordinatesToCellName(j+1, i+2)
			if fm, _ := f.GetCellFormula("Findings", c); fm != "" {
				t.Errorf("%s holds a formula %q", c, fm)
			}
		}
	}
	if want := statusCounts(rep.Findings); !equalCounts(got, want) {
		t.Errorf("Findings statuses %v, JSON %v", got, want)
	}
	if !strings.Contains(strings.Join(flatten(rows), "\n"), `=HYPERLINK("http://attacker.invalid","CHINA MOBILE")`) {
		t.Error("the formula-looking security name is not kept as text")
	}
	panes, err := f.GetPanes("Findings")
	if err != nil || !panes.Freeze || panes.YSplit != 1 {
		t.Errorf("Findings header not frozen: %+v %v", panes, err)
	}
	names := f.GetDefinedName()
	filtered := false
	for _, n := range names {
		filtered = filtered || (n.Name == "_xlnm._FilterDatabase" && n.Scope == "Findings")
	}
	if !filtered {
		t.Errorf("Findings has no autofilter: %+v", names)
	}

	div, _ := f.GetRows("Divestment")
	if want := len(report.Windows(rep)); len(div)-1 != want || want == 0 {
		t.Errorf("Divestment sheet: %d rows, want %d open windows", len(div)-1, want)
	}
	for i := 2; i < len(div); i++ {
		if div[i][0] < div[i-1][0] {
			t.Errorf("Divestment sheet not by deadline: %s after %s", div[i][0], div[i-1][0])
		}
	}
	rej, _ := f.GetRows("Rejected")
	if len(rej)-1 != len(rep.Rejected) {
		t.Errorf("Rejected sheet: %d rows, JSON %d", len(rej)-1, len(rep.Rejected))
	}
	for i, e := range rep.Rejected {
		if rej[i+1][0] != e.File || rej[i+1][1] != strconv.Itoa(e.Line) || rej[i+1][4] != e.Reason {
			t.Errorf("Rejected row %d: %v, JSON %+v", i+2, rej[i+1], e)
		}
	}
	sum, _ := f.GetRows("Summary")
	text := strings.Join(flatten(sum), "\n")
	for _, l := range rep.Lists {
		if !strings.Contains(text, l.SHA256) {
			t.Errorf("Summary lacks list %s's SHA-256", l.Name)
		}
	}
	for st, n := range rep.Summary.ByStatus {
		if n > 0 && !regexp.MustCompile(`(?m)^`+string(st)+`\n`+strconv.Itoa(n)+`$`).MatchString(text) {
			t.Errorf("Summary lacks %s: %d", st, n)
		}
	}
	zr, err := excelize.OpenFile(out["xlsx"])
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	charts := 0
	for k := range zr.Pkg.Range {
		if p, ok := k.(string); ok && strings.HasPrefix(p, "xl/charts/chart") {
			charts++
		}
	}
	if charts < 2 {
		t.Errorf("%d native charts, want value by status and by listed entity", charts)
	}
}

func flatten(rows [][]string) []string {
	var out []string
	for _, r := range rows {
		out = append(out, r...)
	}
	return out
}

func equalCounts(a, b map[string]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// TestHTMLMatchesJSON checks the HTML report lists every finding of the
// JSON report in its status's group, draws its charts as inline SVG,
// fetches nothing and escapes every name.
func TestHTMLMatchesJSON(t *testing.T) {
	rep, raw, out := screenFormats(t, "--prepared-by", "A. Officer <ao@example.com>")
	b, err := os.ReadFile(out["html"])
	if err != nil {
		t.Fatal(err)
	}
	h := string(b)
	if n := strings.Count(h, "<svg"); n != 3 {
		t.Errorf("%d inline SVG charts, want 3", n)
	}
	for _, bad := range []string{`href="http://attacker.invalid`, "<script>", "<link", "<img", "@import", "url(http"} {
		if strings.Contains(h, bad) {
			t.Errorf("HTML holds %q", bad)
		}
	}
	if !strings.Contains(h, "&lt;script&gt;alert(1)&lt;/script&gt; Hikvision") || !strings.Contains(h, "=HYPERLINK(&#34;http://attacker.invalid&#34;") {
		t.Error("the injected names are not shown as text")
	}
	for _, want := range []string{"@media print", "table-header-group", "A. Officer &lt;ao@example.com&gt;", "sha256:" + report.DigestBytes(raw)} {
		if !strings.Contains(h, want) {
			t.Errorf("HTML lacks %q", want)
		}
	}
	// One group per status, with as many rows as the JSON has findings of
	// that status.
	groups := regexp.MustCompile(`(?s)<h3 id="group-([a-z_]+)">.*?<tbody>(.*?)</tbody>`).FindAllStringSubmatch(h, -1)
	got := map[string]int{}
	for _, g := range groups {
		got[g[1]] = strings.Count(g[2], "<tr>")
	}
	if want := statusCounts(rep.Findings); !equalCounts(got, want) {
		t.Errorf("HTML groups %v, JSON %v", got, want)
	}
}

// TestPDFMatchesJSON reads the PDF's text (pdftotext, Debian's
// poppler-utils) and checks it has page numbers, every non-clear finding
// with its row, the clear ones summarised by count, and the sign-off; and
// that --paper letter changes the page size.
func TestPDFMatchesJSON(t *testing.T) {
	pdftotext := popplerTool(t, "pdftotext")
	rep, raw, out := screenFormats(t)
	txt, err := exec.Command(pdftotext, "-layout", out["pdf"], "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	text := string(txt)
	pages := regexp.MustCompile(`Page (\d+) of (\d+)`).FindAllStringSubmatch(text, -1)
	if len(pages) == 0 || pages[0][1] != "1" || pages[len(pages)-1][1] != pages[0][2] {
		t.Fatalf("page numbers: %v", pages)
	}
	flat := strings.Join(strings.Fields(text), " ")
	clear := 0
	for _, f := range rep.Findings {
		if f.Status == screener.StatusClear {
			clear++
			continue
		}
		row := filepath.Base(f.File) + ":" + strconv.Itoa(f.Line)
		if !strings.Contains(strings.ReplaceAll(flat, " ", ""), row) {
			t.Errorf("PDF lacks finding %s (%s)", row, f.Security.Name)
		}
		if f.Security.ISIN != "" && !strings.Contains(flat, f.Security.ISIN) {
			t.Errorf("PDF lacks %s's ISIN %s", row, f.Security.ISIN)
		}
	}
	if clear == 0 || !strings.Contains(flat, strconv.Itoa(rep.Summary.ByStatus[screener.StatusClear])+" position(s) are clear") {
		t.Errorf("PDF does not summarise the %d clear positions", clear)
	}
	for _, want := range []string{"Sign-off", "Prepared by", "Reviewed by", "sha256:" + report.DigestBytes(raw), "HYPERLINK"} {
		if !strings.Contains(flat, want) {
			t.Errorf("PDF lacks %q", want)
		}
	}
	// Letter is 279.4 mm wide in landscape, A4 297 mm: the media boxes differ.
	letter := filepath.Join(t.TempDir(), "letter.pdf")
	if err := run(context.Background(), []string{"screen", "--quiet", "--as-of", "2022-01-10", "--format", "pdf", "--paper", "letter", "--out", letter,
		filepath.Join("..", "..", "testdata", "demo", "holdings.csv")}, io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	a4b, _ := os.ReadFile(out["pdf"])
	lb, _ := os.ReadFile(letter)
	box := regexp.MustCompile(`/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]`)
	if m := box.FindSubmatch(a4b); m == nil || !strings.HasPrefix(string(m[1]), "841.8") {
		t.Errorf("A4 media box %q", m)
	}
	if m := box.FindSubmatch(lb); m == nil || string(m[1]) != "792.00" {
		t.Errorf("Letter media box %q", m)
	}
}

// popplerTool finds a poppler-utils command, skipping (or failing, when
// SCREENER_REQUIRE_POPPLER=1 as in CI) when it is not installed.
func popplerTool(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err == nil {
		return p
	}
	msg := name + " not found: install poppler-utils (apt-get install poppler-utils) to read the PDF report's text"
	if os.Getenv("SCREENER_REQUIRE_POPPLER") == "1" {
		t.Fatal(msg)
	}
	t.Skip(msg)
	return ""
}

// TestRunsShowRendersSavedRun saves a run and renders it twice in each
// format: the same saved bytes give the same report, and its counts are
// the saved JSON's.
func TestRunsShowRendersSavedRun(t *testing.T) {
	db := filepath.Join(t.TempDir(), "s.db")
	demo := filepath.Join("..", "..", "testdata", "demo", "holdings.csv")
	if err := run(context.Background(), []string{"screen", "--quiet", "--as-of", "2022-01-10", "--db", db, "--save", "--format", "json", demo}, io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	var saved bytes.Buffer
	if err := run(context.Background(), []string{"runs", "show", "--db", db, "1"}, &saved, io.Discard); err != nil {
		t.Fatal(err)
	}
	var rep screener.Report
	if err := json.Unmarshal(saved.Bytes(), &rep); err != nil {
		t.Fatal(err)
	}
	for _, format := range []string{"xlsx", "html", "pdf"} {
		// Several renderings: the libraries' map-ordered output would
		// differ between some of them.
		var a bytes.Buffer
		for i := 0; i < 5; i++ {
			var b bytes.Buffer
			if err := run(context.Background(), []string{"runs", "show", "--db", db, "--format", format, "1"}, &b, io.Discard); err != nil {
				t.Fatalf("runs show --format %s: %v", format, err)
			}
			if i == 0 {
				a = b
			} else if b.Len() == 0 || !bytes.Equal(a.Bytes(), b.Bytes()) {
				t.Fatalf("runs show --format %s: renderings of one saved run differ (%d, %d bytes)", format, a.Len(), b.Len())
			}
		}
		switch format {
		case "xlsx":
			f, err := excelize.OpenReader(bytes.NewReader(a.Bytes()))
			if err != nil {
				t.Fatal(err)
			}
			rows, _ := f.GetRows("Findings")
			if len(rows)-1 != len(rep.Findings) {
				t.Errorf("runs show xlsx: %d findings rows, saved JSON %d", len(rows)-1, len(rep.Findings))
			}
			f.Close()
		case "html":
			if !strings.Contains(a.String(), "sha256:"+report.DigestBytes(saved.Bytes())) {
				t.Error("runs show html: the sign-off's report digest is not the saved JSON's")
			}
		case "pdf":
			if !bytes.HasPrefix(a.Bytes(), []byte("%PDF")) {
				t.Error("runs show pdf: not a PDF")
			}
		}
	}
}
