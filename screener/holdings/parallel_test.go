package holdings

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/screener/screener/screener"
)

// readChunked reads path through OpenTable and its chunks, in order, on
// this goroutine. ok is false when OpenTable declines the file. With
// prefetch, the sink is a PrefetchSink, so rows go through batchLoop.
func readChunked(t *testing.T, path string, prefetch ...bool) (c *collect, rows int, err error, ok bool) {
	t.Helper()
	tb, ok, err := OpenTable(path)
	if err != nil || !ok {
		return nil, 0, err, ok
	}
	defer tb.Close()
	c = &collect{}
	var s Sink = c
	if len(prefetch) > 0 && prefetch[0] {
		pc := &prefetchCollect{t: t}
		c, s = &pc.collect, pc
		defer func() {
			if len(pc.shown) > 0 {
				t.Errorf("rows of lines %v were shown to Prefetch and never given to RawRow", pc.shown)
			}
		}()
	}
	for {
		ch, err := tb.Next()
		if err != nil {
			return c, rows, err, true
		}
		if ch == nil {
			break
		}
		n, err := ch.Read(s)
		rows += n
		if err != nil {
			return c, rows, err, true
		}
	}
	if rows == 0 {
		return c, 0, tb.NoRows(), true
	}
	return c, rows, nil, true
}

// sameAsReadFile checks that the chunked reader gives exactly what ReadFile
// gives for path, with chunks of every size in sizes.
func sameAsReadFile(t *testing.T, path string, sizes ...int) {
	t.Helper()
	var whole collect
	_, wantErr := ReadFile(path, &whole)
	defer func(old int) { chunkBytes = old }(chunkBytes)
	for _, run := range sizes {
		size, prefetch := run, false
		if size < 0 { // a PrefetchSink reads chunks of -size
			size, prefetch = -size, true
		}
		chunkBytes = size
		got, _, err, ok := readChunked(t, path, prefetch)
		if !ok {
			if wantErr == nil {
				// Declining is allowed only for files ReadFile does not
				// read as plain tables; the caller says which it expects.
				return
			}
			continue
		}
		if (err == nil) != (wantErr == nil) || (err != nil && err.Error() != wantErr.Error()) {
			t.Fatalf("%s, chunks of %d: error %v, ReadFile's %v", filepath.Base(path), size, err, wantErr)
		}
		if wantErr != nil {
			continue // the run fails either way; rows before it may differ in number
		}
		if !reflect.DeepEqual(got.holdings, whole.holdings) {
			for i := range whole.holdings {
				if i >= len(got.holdings) || !reflect.DeepEqual(got.holdings[i], whole.holdings[i]) {
					t.Fatalf("%s, chunks of %d: holding %d differs:\n got %+v\nwant %+v", filepath.Base(path), size, i, at(got.holdings, i), whole.holdings[i])
				}
			}
			t.Fatalf("%s, chunks of %d: %d holdings, ReadFile %d", filepath.Base(path), size, len(got.holdings), len(whole.holdings))
		}
		if fmt.Sprint(rejectLines(got.rejects)) != fmt.Sprint(rejectLines(whole.rejects)) {
			t.Fatalf("%s, chunks of %d: rejects\n got %v\nwant %v", filepath.Base(path), size, rejectLines(got.rejects), rejectLines(whole.rejects))
		}
	}
}

// prefetchCollect is collect as a PrefetchSink: reading through it holds
// batchLoop to tableLoop (the same holdings and rejects), and it checks
// that every row given to RawRow was shown to Prefetch first, in order.
type prefetchCollect struct {
	collect
	t     *testing.T
	shown []int // lines shown and not yet given to RawRow
}

func (p *prefetchCollect) Prefetch(rows []Row) {
	if len(p.shown) > 0 {
		p.t.Errorf("a batch came before the rows of lines %v of the last one were given", p.shown)
	}
	p.shown = p.shown[:0]
	for _, r := range rows {
		p.shown = append(p.shown, r.Line())
	}
}

// RawRow takes a row shown to Prefetch, or one read by encoding/csv (a
// chunk with quotes is not batched) when none is waiting.
func (p *prefetchCollect) RawRow(r Row) (bool, error) {
	switch {
	case len(p.shown) == 0:
	case p.shown[0] != r.Line():
		p.t.Errorf("RawRow of line %d, but Prefetch was shown %v next", r.Line(), p.shown)
	default:
		p.shown = p.shown[1:]
		batchedRows.Add(1)
	}
	return false, nil
}

func at(hs []screener.Holding, i int) any {
	if i < len(hs) {
		return hs[i]
	}
	return "none"
}

func rejectLines(es []*screener.ParseError) []string {
	var out []string
	for _, e := range es {
		out = append(out, fmt.Sprintf("%d:%d %s", e.Line, e.Column, e.Reason))
	}
	return out
}

func writeTemp(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestChunkedTableSameAsReadFile(t *testing.T) {
	cases := map[string]string{
		"plain": "portfolio,isin,name,quantity,market_value,currency\n" +
			"A,HK0941009539,China Mobile,100,1000.50,HKD\n" +
			"A,,Tencent,5,(12.5),HKD\n" +
			"B,US0378331005,Apple,1,2,USD\n",
		"quoted newlines and commas": "portfolio,name,ticker,quantity\n" +
			"\"Fund, A\",\"CHINA MOBILE\nLTD\",941 HK,1\n" +
			"\"Fund \"\"B\"\"\",\"x,y\",0941.HK,\"1,000\"\r\n" +
			"C,plain,700 HK,2\n",
		"bad quotes": "portfolio,name,ticker,quantity\n" +
			"A,ab\"c,941 HK,1\n" +
			"A,\"abc\"x,941 HK,1\n" +
			"A,ok,941 HK,1\n" +
			"A,\"never closed,941 HK,1\n" +
			"A,swallowed,700 HK,2\n",
		"ragged, blank and bad numbers": "\n\nportfolio,name,ticker,quantity,price\n" +
			"A,CNOOC,883 HK,1\n" +
			",,,,\n" +
			"A,CNOOC,883 HK,#VALUE!,1\n" +
			"A,CNOOC,883 HK,1,2,,\n" +
			"A,CNOOC,883 HK,1,2,3\n" +
			"\n" +
			"A,,,,\n" +
			"A,CNOOC,883 HK,1,2",
		"bom and semicolons": "\ufeffportfolio;name;isin;quantity;market value\n" +
			"A;China Mobile;HK0941009539;1.234,5;10,00\n" +
			"A;X;HK0941009538;1;1\n",
		"header only": "portfolio,name,isin\n",
		"tabs":        "portfolio\tname\tisin\nA\tChina Mobile\tHK0941009539\nB\t\"a\tb\"\tUS0378331005\n",
	}
	for name, content := range cases {
		t.Run(name, func(t *testing.T) {
			p := writeTemp(t, "h.csv", content)
			if _, ok, _ := OpenTable(p); !ok {
				t.Fatalf("OpenTable declined a plain table")
			}
			sameAsReadFile(t, p, 1, 2, 3, 7, 16, 64, 1<<20, -1, -7, -64, -(1 << 20))
		})
	}
	if batchedRows.Load() == 0 {
		t.Fatal("no row went through batchLoop")
	}
}

// batchedRows counts the rows prefetchCollect was given from a batch.
var batchedRows atomic.Int64

func TestChunkedTableDeclinesOtherFormats(t *testing.T) {
	for name, content := range map[string]string{
		"empty":        "",
		"utf16":        "\xff\xfep\x00,\x00n\x00\n\x00",
		"latin1":       "portfolio,name\nA,Soci\xe9t\xe9 G\xe9n\xe9rale\n",
		"no id column": "a,b\n1,2\n",
		"degiro":       "Product,Symbol/ISIN,Amount\nX,US0378331005,1\n",
	} {
		p := writeTemp(t, "h.csv", content)
		if tb, ok, _ := OpenTable(p); ok {
			tb.Close()
			t.Errorf("%s: OpenTable took a file ReadFile reads otherwise", name)
		}
	}
}

func TestChunkedTableLongLine(t *testing.T) {
	p := writeTemp(t, "h.csv", "portfolio,name\nA,x\nA,"+strings.Repeat("y", MaxLineBytes+10)+"\nA,z\n")
	_, _, err, ok := readChunked(t, p)
	if !ok {
		t.Fatal("OpenTable declined")
	}
	var pe *screener.ParseError
	if !errors.As(err, &pe) || pe.Line != 3 || !strings.Contains(pe.Reason, "longer than") {
		t.Fatalf("err = %v, want line 3 too long", err)
	}
	_, wantErr := ReadFile(p, &collect{})
	if wantErr == nil || err.Error() != wantErr.Error() {
		t.Fatalf("chunked error %v, ReadFile's %v", err, wantErr)
	}
}

func TestChunkedTableOwnFixtures(t *testing.T) {
	files, _ := filepath.Glob("../../testdata/bad/*")
	files = append(files, "../../testdata/demo/holdings.csv")
	for _, f := range files {
		if strings.HasSuffix(f, ".txt") {
			continue
		}
		sameAsReadFile(t, f, 5, 100, 1<<20, -100, -(1 << 20))
	}
}

func TestRowKeyAndValue(t *testing.T) {
	c, err := newColumns("f", 1, []string{"portfolio", "isin", "name", "quantity", "market_value", "currency"})
	if err != nil {
		t.Fatal(err)
	}
	r := Row{c: c, rec: []string{" A ", "HK0941009539", "China Mobile", "1,000", "1234.5", "HKD "}, line: 2}
	r2 := Row{c: c, rec: []string{"B", "HK0941009539", "China Mobile", "3", "-", "USD"}, line: 3}
	r3 := Row{c: c, rec: []string{"B", "HK0941009539", "China Mobil", "3", "7", "USD"}, line: 4}
	if string(r.Key(nil)) != string(r2.Key(nil)) {
		t.Error("rows with the same identity cells have different keys")
	}
	if string(r.Key(nil)) == string(r3.Key(nil)) {
		t.Error("rows with different names have the same key")
	}
	if r.Portfolio() != "A" || r.Currency() != "HKD" {
		t.Errorf("portfolio %q currency %q", r.Portfolio(), r.Currency())
	}
	if u, ok := r.MarketValueUnits(); !ok || u != 1234_500_000_000 {
		t.Errorf("units %d %v", u, ok)
	}
	if u, ok := r2.MarketValueUnits(); !ok || u != 0 {
		t.Errorf("null value: units %d %v", u, ok)
	}
	bad := Row{c: c, rec: []string{"B", "x", "y", "12O00", "7", "USD"}, line: 5}
	if _, ok := bad.MarketValueUnits(); ok {
		t.Error("a row whose quantity is rejected must be decoded")
	}
	long := Row{c: c, rec: []string{"B", "x", "y", "1", "0.0000000001", "USD"}, line: 5}
	if _, ok := long.MarketValueUnits(); ok {
		t.Error("10 decimals do not fit 1e-9 units")
	}
}

// FuzzChunkedTable checks that cutting a table into chunks never changes
// what is read: the same holdings, rejects and errors as ReadFile.
func FuzzChunkedTable(f *testing.F) {
	f.Add("portfolio,name,isin,quantity\nA,\"x\ny\",HK0941009539,1\nB,a\"b,,2\n", 3)
	f.Add("name;isin\n\"a;b\";x\n\"q\"r;y\nz;w", 1)
	f.Add("name,isin\r\n\r\nA,HK0941009539\r\nB,x\rc\nC,y\r", 2)
	f.Fuzz(func(t *testing.T, content string, size int) {
		if size < 1 || size > 1<<12 {
			return
		}
		p := writeTemp(t, "h.csv", content)
		sameAsReadFile(t, p, size)
	})
}

// TestChunkedTableQuoteNeverCloses: a quote that never closes makes the
// rest of the file one record; past a few chunks the rest is read as one
// stream (not rescanned), with ReadFile's rejects, line numbers and errors.
func TestChunkedTableQuoteNeverCloses(t *testing.T) {
	var b strings.Builder
	b.WriteString("portfolio,name,isin\nA,ok,HK0941009539\nA,\"never closed,HK0941009539\n")
	for i := 0; i < 2000; i++ {
		b.WriteString("A,swallowed,HK0941009539\n")
	}
	p := writeTemp(t, "h.csv", b.String())
	sameAsReadFile(t, p, 16, 1000, 1<<20, -1000)
	b.WriteString("A," + strings.Repeat("y", MaxLineBytes+10) + "\n")
	p = writeTemp(t, "h.csv", b.String())
	sameAsReadFile(t, p, 16, 1000, 1<<20)
}

// TestChunkedTableDeclinesFIFO: a FIFO (or a pipe, /dev/stdin) cannot be
// read twice, so OpenTable must decline it without opening it (opening a
// FIFO blocks until a writer comes).
func TestChunkedTableDeclinesFIFO(t *testing.T) {
	p := filepath.Join(t.TempDir(), "fifo.csv")
	if err := syscall.Mkfifo(p, 0o600); err != nil {
		t.Skipf("no FIFOs here: %v", err)
	}
	done := make(chan bool, 1)
	go func() {
		_, ok, _ := OpenTable(p)
		done <- ok
	}()
	select {
	case ok := <-done:
		if ok {
			t.Fatal("OpenTable took a FIFO")
		}
	case <-time.After(5 * time.Second):
		t.Fatal("OpenTable blocked on a FIFO")
	}
}

// FuzzSplit holds split, which reads a word at a time, to strings.Split.
func FuzzSplit(f *testing.F) {
	for _, s := range []string{"", ",", "a", "a,b", "abcdefgh,", ",abcdefgh", "abcdefg,h", "0123456,89abcdef,,x",
		"Global Div 3345,yes,,ZFH,New York Stock Exchange,FUJIAN INSURANCE PLC,22506,473.66,10660191.96,USD,Equity"} {
		f.Add(s, byte(','))
	}
	f.Add("a;b;;c\x80;", byte(';'))
	f.Fuzz(func(t *testing.T, s string, comma byte) {
		got := split([]string{"kept"}, s, comma)
		want := append([]string{"kept"}, strings.Split(s, string([]byte{comma}))...)
		if !slices.Equal(got, want) {
			t.Fatalf("split(%q, %q) = %q, want %q", s, comma, got, want)
		}
	})
}

// unitsByGrammar is MarketValueUnits as it was written before its plain
// cells had a loop of their own: every cell through scanNumber.
func unitsByGrammar(r Row) (int64, bool) {
	for _, f := range [...]field{fQuantity, fPrice, fWeight} {
		if r.c.idx[f] < 0 {
			continue
		}
		if _, _, err := scanNumber(r.c.cell(r.rec, f), r.c.european); err != nil {
			return 0, false
		}
	}
	if r.c.idx[fMarketValue] < 0 {
		return 0, true
	}
	return scannedUnits(r.c.cell(r.rec, fMarketValue), r.c.european)
}

// FuzzMarketValueUnits holds MarketValueUnits to scanNumber and Units on
// any cells, in both number conventions.
func FuzzMarketValueUnits(f *testing.F) {
	for _, c := range [][3]string{{"22506", "473.66", "10660191.96"}, {"1", ".5", "5."}, {"", "-", "n/a"},
		{"1,234.5", "(12)", "4.15%"}, {"123456789012345678", "0.0000000001", "9999999999.999999"},
		{"1.2.3", "#VALUE!", "12O00"}, {" 7 ", "7", "  "}, {"00000000000000000001", "1", "4611686018.427387904"}} {
		f.Add(c[0], c[1], c[2], false)
		f.Add(c[0], c[1], c[2], true)
	}
	header := []string{"portfolio", "name", "quantity", "price", "market_value", "currency"}
	f.Fuzz(func(t *testing.T, q, p, mv string, european bool) {
		c, err := newColumns("h.csv", 1, header)
		if err != nil {
			t.Fatal(err)
		}
		c.european = european
		r := Row{c: c, rec: []string{"A", "B", q, p, mv, "USD"}, line: 2}
		gu, gok := r.MarketValueUnits()
		wu, wok := unitsByGrammar(r)
		if gu != wu || gok != wok {
			t.Fatalf("MarketValueUnits(%q, %q, %q, european %v) = %d, %v; by the grammar %d, %v", q, p, mv, european, gu, gok, wu, wok)
		}
	})
}
