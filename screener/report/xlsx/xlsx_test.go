package xlsx_test

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"io"
	"os"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/screener/screener/screener"
	"github.com/screener/screener/screener/report/reporttest"
	"github.com/screener/screener/screener/report/xlsx"
)

func write(t testing.TB, r *screener.Report) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := xlsx.Write(&b, r); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func part(t *testing.T, b []byte, name string) string {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range zr.File {
		if f.Name == name {
			rc, _ := f.Open()
			x, _ := io.ReadAll(rc)
			rc.Close()
			return string(x)
		}
	}
	t.Fatalf("no part %s", name)
	return ""
}

// TestTextNeverAFormula: a name that starts with = is an inline string,
// and no cell of any sheet holds a formula.
func TestTextNeverAFormula(t *testing.T) {
	b := write(t, reporttest.Sample())
	for _, sheet := range []string{"sheet1", "sheet2", "sheet3", "sheet4"} {
		x := part(t, b, "xl/worksheets/"+sheet+".xml")
		if strings.Contains(x, "<f>") || strings.Contains(x, "<f ") {
			t.Errorf("%s holds a formula", sheet)
		}
	}
	f, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	v, _ := f.GetCellValue("Findings", "E2")
	typ, _ := f.GetCellType("Findings", "E2")
	if v != `=HYPERLINK("http://attacker.invalid","CHINA MOBILE")` || typ != excelize.CellTypeInlineString {
		t.Errorf("E2 = %q (%v), want the name as an inline string", v, typ)
	}
}

// TestNumbersExactOrText: a value a float64 carries exactly is a number
// with a number format; one it cannot carry is text, never rounded.
func TestNumbersExactOrText(t *testing.T) {
	r := reporttest.Sample()
	f, err := excelize.OpenReader(bytes.NewReader(write(t, r)))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for i, fd := range r.Findings {
		row := i + 2
		for col, d := range map[string]string{"M": fd.Quantity.String(), "N": fd.MarketValue.String()} {
			c := col + string(rune('0'+row))
			raw, _ := f.GetCellValue("Findings", c, excelize.Options{RawCellValue: true})
			typ, _ := f.GetCellType("Findings", c)
			if raw != d {
				t.Errorf("%s = %q, want %s exactly", c, raw, d)
			}
			exact := d != "12345678901234567.89"
			if exact && typ != excelize.CellTypeUnset && typ != excelize.CellTypeNumber {
				t.Errorf("%s (%s): type %v, want a number", c, d, typ)
			}
			if !exact && typ != excelize.CellTypeInlineString {
				t.Errorf("%s (%s): type %v, want text (a float64 cannot carry it)", c, d, typ)
			}
		}
	}
	// Quantity 7.125 shows its three decimals, 1000 none; market values two.
	if v, _ := f.GetCellValue("Findings", "M3"); v != "7.125" {
		t.Errorf("M3 shows %q", v)
	}
	if v, _ := f.GetCellValue("Findings", "M2"); v != "1,000" {
		t.Errorf("M2 shows %q", v)
	}
	if v, _ := f.GetCellValue("Findings", "N2"); v != "50,000.00" {
		t.Errorf("N2 shows %q", v)
	}
	if v, _ := f.GetCellValue("Findings", "Y2"); v != "2022-06-03" {
		t.Errorf("divestment date Y2 shows %q", v)
	}
}

// TestStatusCellsColoured: each status has its own fill.
func TestStatusCellsColoured(t *testing.T) {
	f, err := excelize.OpenReader(bytes.NewReader(write(t, reporttest.Sample())))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	fills := map[string]string{}
	for row := 2; row <= 6; row++ {
		c := "P" + string(rune('0'+row))
		st, _ := f.GetCellValue("Findings", c)
		id, _ := f.GetCellStyle("Findings", c)
		style, err := f.GetStyle(id)
		if err != nil || len(style.Fill.Color) == 0 {
			t.Fatalf("%s (%s): no fill: %v", c, st, err)
		}
		fills[st] = style.Fill.Color[0]
	}
	if fills["divest_only"] == fills["clear"] || fills["review"] == fills["clear"] {
		t.Errorf("statuses share a colour: %v", fills)
	}
}

// TestEmptyReport: a report with no finding and no rejected row is still a
// workbook with every sheet and its header.
func TestEmptyReport(t *testing.T) {
	b := screener.NewReportBuilder(nil, reporttest.AsOf, screener.Options{})
	f, err := excelize.OpenReader(bytes.NewReader(write(t, b.Report())))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, s := range []string{"Findings", "Divestment", "Rejected"} {
		rows, err := f.GetRows(s)
		if err != nil || len(rows) != 1 {
			t.Errorf("%s: %d rows, %v; want the header only", s, len(rows), err)
		}
	}
}

// TestSameReportSameBytes: excelize writes parts in map order; the writer
// sorts them, so one report always gives one file.
func TestSameReportSameBytes(t *testing.T) {
	r := reporttest.Sample()
	a := write(t, r)
	for i := 0; i < 4; i++ {
		if !bytes.Equal(a, write(t, r)) {
			t.Fatal("two workbooks of one report differ")
		}
	}
}

// peak samples the heap in use while fn runs.
func peak(fn func()) uint64 {
	var max atomic.Uint64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		var ms runtime.MemStats
		for {
			runtime.ReadMemStats(&ms)
			if ms.HeapInuse > max.Load() {
				max.Store(ms.HeapInuse)
			}
			select {
			case <-stop:
				return
			case <-time.After(20 * time.Millisecond):
			}
		}
	}()
	fn()
	close(stop)
	wg.Wait()
	return max.Load()
}

// BenchmarkWrite100k writes a 100,000-position report as XLSX and, as the
// baseline measured in the same run, as JSON; it reports the peak heap in
// use (MB) and, for XLSX, the time as a ratio to JSON. Run:
//
//	go test ./screener/report/xlsx -run '^$' -bench Write100k -benchtime 3x
func BenchmarkWrite100k(b *testing.B) {
	r := reporttest.Generated(100_000)
	runtime.GC()
	var jsonNs float64
	b.Run("json", func(b *testing.B) {
		var mb uint64
		for i := 0; i < b.N; i++ {
			mb = max(mb, peak(func() {
				if err := r.WriteJSON(io.Discard); err != nil {
					b.Fatal(err)
				}
			}))
		}
		jsonNs = float64(b.Elapsed().Nanoseconds()) / float64(b.N)
		b.ReportMetric(float64(mb)/1e6, "peak-heap-MB")
	})
	b.Run("xlsx", func(b *testing.B) {
		var mb uint64
		out, err := os.CreateTemp(b.TempDir(), "*.xlsx")
		if err != nil {
			b.Fatal(err)
		}
		defer out.Close()
		for i := 0; i < b.N; i++ {
			out.Truncate(0)
			out.Seek(0, 0)
			mb = max(mb, peak(func() {
				if err := xlsx.Write(out, r); err != nil {
					b.Fatal(err)
				}
			}))
		}
		ns := float64(b.Elapsed().Nanoseconds()) / float64(b.N)
		b.ReportMetric(float64(mb)/1e6, "peak-heap-MB")
		if jsonNs > 0 {
			b.ReportMetric(ns/jsonNs, "x-json")
		}
		st, _ := out.Stat()
		b.ReportMetric(float64(st.Size())/1e6, "file-MB")
	})
}

// TestGeneratedRowsMatch checks the generated benchmark report writes one
// Findings row per finding (so the benchmark measures the real thing).
func TestGeneratedRowsMatch(t *testing.T) {
	r := reporttest.Generated(3000)
	f, err := excelize.OpenReader(bytes.NewReader(write(t, r)))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, _ := f.GetRows("Findings")
	if len(rows)-1 != len(r.Findings) {
		t.Errorf("%d rows for %d findings", len(rows)-1, len(r.Findings))
	}
	var js bytes.Buffer
	r.WriteJSON(&js)
	var back screener.Report
	if err := json.Unmarshal(js.Bytes(), &back); err != nil || len(back.Findings) != len(r.Findings) {
		t.Errorf("JSON round trip: %v", err)
	}
}

// TestFundsSheet: a Funds sheet only when findings look through funds,
// with a row per constituent (or one for a fund that lists none).
func TestFundsSheet(t *testing.T) {
	f, err := excelize.OpenReader(bytes.NewReader(write(t, reporttest.Sample())))
	if err != nil {
		t.Fatal(err)
	}
	if idx, _ := f.GetSheetIndex("Funds"); idx != -1 {
		t.Error("a Funds sheet without look-through findings")
	}
	f.Close()
	r := reporttest.WithLookthrough()
	f, err = excelize.OpenReader(bytes.NewReader(write(t, r)))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := strings.Join(f.GetSheetList(), ","); got != "Summary,Findings,Divestment,Rejected,Funds" {
		t.Fatalf("sheets %s", got)
	}
	rows, _ := f.GetRows("Funds")
	if len(rows) != 3 {
		t.Fatalf("Funds: %d rows, want header + 2", len(rows))
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	got := rows[1]
	for k, want := range map[string]string{"Fund": "iShares MSCI China ETF", "Constituent": "=CHINA MOBILE", "Constituent status": "divest_only",
		"Entry ID": "30923", "Weight %": "1.25", "Exposure value": "12,500.00", "Holdings as of": "2021-12-31", "Not listed": "3",
		"Constituent path": "ISIN:US46429B6719 > ISIN:HK0941009539"} {
		if got[col[k]] != want {
			t.Errorf("Funds %s = %q, want %q", k, got[col[k]], want)
		}
	}
	if rows[2][col["Fund position"]] != "UNKNOWN FUND (LU0000000000)" {
		t.Errorf("fund without constituents: %v", rows[2])
	}
	if fm, _ := f.GetCellFormula("Funds", "M2"); fm != "" {
		t.Errorf("constituent name written as a formula %q", fm)
	}
}

// FuzzNameRoundTrip: whatever a security's name holds, the workbook opens,
// the name reads back as text (never a formula), and the row count holds.
func FuzzNameRoundTrip(f *testing.F) {
	for _, s := range []string{"=1+1", "+cmd|' /C calc'!A0", "@SUM(A1)", "-2", "\t=x", "a\x00b", "<c r=\"A1\"><f>1</f></c>", " lead", "\uFFFE", "x\r\ny"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		r := reporttest.Sample()
		r.Findings[0].Security.Name = name
		var b bytes.Buffer
		if err := xlsx.Write(&b, r); err != nil {
			t.Fatal(err)
		}
		x, err := excelize.OpenReader(bytes.NewReader(b.Bytes()))
		if err != nil {
			t.Fatalf("workbook does not open: %v", err)
		}
		defer x.Close()
		rows, err := x.GetRows("Findings")
		if err != nil || len(rows)-1 != len(r.Findings) {
			t.Fatalf("%d rows, %v", len(rows), err)
		}
		if fm, _ := x.GetCellFormula("Findings", "E2"); fm != "" {
			t.Fatalf("name %q became formula %q", name, fm)
		}
		if typ, _ := x.GetCellType("Findings", "E2"); name != "" && typ != excelize.CellTypeInlineString {
			t.Fatalf("name %q: cell type %v", name, typ)
		}
	})
}

// TestEntityChartFirstRows: with many listed entities the Summary lists
// them all, and the native chart shows the first 20 and says so.
func TestEntityChartFirstRows(t *testing.T) {
	r := reporttest.Generated(2000)
	b := write(t, r)
	x := part(t, b, "xl/charts/chart2.xml")
	if !strings.Contains(x, "(first 20 of ") {
		t.Errorf("entity chart title does not say it shows the first 20")
	}
	m := regexp.MustCompile(`\$A\$(\d+):\$A\$(\d+)`).FindStringSubmatch(x)
	if m == nil {
		t.Fatal("no category range in the entity chart")
	}
	a, _ := strconv.Atoi(m[1])
	z, _ := strconv.Atoi(m[2])
	if z-a+1 != 20 {
		t.Errorf("entity chart spans %d rows, want 20", z-a+1)
	}
}
