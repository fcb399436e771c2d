package pipeline

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/screener/screener/issuers"
	"github.com/screener/screener/screener"
	"github.com/screener/screener/screener/holdings"
	"github.com/screener/screener/screener/report/reporttest"
	"github.com/screener/screener/screener/shareddata"
)

// poisonReleasedChunks runs the test on two workers with released chunk
// buffers overwritten (holdings.PoisonReleased), so a cell kept without a
// copy shows another chunk's bytes.
func poisonReleasedChunks(t *testing.T) {
	procs := runtime.GOMAXPROCS(2)
	holdings.PoisonReleased = true
	t.Cleanup(func() { holdings.PoisonReleased = false; runtime.GOMAXPROCS(procs) })
}

// The table reader lends a row's cells from its chunk's buffer, which a
// later chunk reuses. A file of many chunks, whose rows repeat listed and
// clear securities under a different portfolio, quantity and value each
// time (findings made from a memoised template, with the row's own cells),
// must give the one-row-at-a-time report to the byte: a cell kept without
// a copy would show another chunk's bytes.
func TestParallelKeepsNoBorrowedCell(t *testing.T) {
	poisonReleasedChunks(t)
	path := filepath.Join(t.TempDir(), "many-chunks.csv")
	var b bytes.Buffer
	b.WriteString("portfolio,us_person,isin,ticker,exchange,name,quantity,price,market_value,currency,asset_class\n")
	secs := []string{
		"HK0941009539,941,HKEX,CHINA MOBILE LTD",   // listed
		",0883,Hong Kong Stock Exchange,CNOOC LTD", // listed, by ticker
		"US0378331005,AAPL,NASDAQ,APPLE INC",       // clear
		",7203,Tokyo Stock Exchange,TOYOTA MOTOR",  // clear
	}
	ccys := []string{"HKD", "USD", "EUR", "GBP"}
	for i := range 120000 {
		fmt.Fprintf(&b, "Fund %06d %s,%s,%s,%d,%d.25,%d.50,%s,Equity\n",
			i, []string{"Alpha", "Beta", "Gamma"}[i%3], []string{"yes", "no"}[i/7%2],
			secs[i%len(secs)], 100+i, 1+i%90, (100+i)*(1+i%90), ccys[i/3%len(ccys)])
	}
	if err := os.WriteFile(path, b.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	fast := sameAsOneRow(t, path)
	if n := bytes.Count(fast, []byte(`"status":"prohibited`)); n < 1000 {
		t.Fatalf("only %d prohibited findings: the file does not exercise findings made from templates", n)
	}
}

// TestParallelMatchesNewIdentitiesInPlace: a row whose security is new is
// matched from its lent cells (chunkSink.knownClear) and, when clear, is
// never decoded or copied. The file has tens of thousands of securities,
// each written several ways and seen again chunks later, with names near
// listed ones, bonds and exchange names; its chunks are poisoned when
// released, so a memo of the matcher that kept a cell without a copy
// would change a later row's finding, and the report would differ from
// the one-row path's.
func TestParallelMatchesNewIdentitiesInPlace(t *testing.T) {
	poisonReleasedChunks(t)
	path := filepath.Join(t.TempDir(), "new-identities.csv")
	var b bytes.Buffer
	b.WriteString("portfolio,us_person,isin,ticker,exchange,name,quantity,price,market_value,currency,asset_class\n")
	words := []string{"PACIFIC", "CHINA MOBILE", "HIKVISION", "GOLDEN", "SUGON", "HARBOR", "CNOOC", "ATLAS"}
	more := strings.Fields("TELECOM DIGITAL INFORMATION ENERGY POWER RAILWAY MINING FOODS MOTORS SHIPPING BANK " +
		"CHEMICAL SOFTWARE MEDICAL NETWORK LOGISTICS INSURANCE AEROSPACE CONSUMER TECHNOLOGY")
	forms := []string{"LTD", "HOLDINGS", "CO LTD-H", "GROUP", "INC"}
	for i := range 150000 {
		n := (i * 7919) % 30000 // each security comes back chunks later
		first, second := words[n%len(words)], more[n/len(words)%len(more)]
		name := fmt.Sprintf("%s %s %s", first, second, forms[n/len(words)/len(more)%len(forms)])
		class := "Equity"
		if n%9 == 0 {
			name, class = fmt.Sprintf("%s %s 4.375 05/02/%02d", first, second, 28+n%10), "Fixed Income"
		}
		var ticker string
		switch i % 4 {
		case 0:
			ticker = fmt.Sprintf("%d HK,", 8000+n%1999)
		case 1:
			ticker = fmt.Sprintf("%04d.HK,", 8000+n%1999)
		case 2:
			ticker = fmt.Sprintf("%d,Hong Kong Exchanges And Clearing Ltd", 8000+n%1999)
		default:
			ticker = ","
		}
		fmt.Fprintf(&b, "P%d,%s,,%s,%s,%d,1.5,%d.5,HKD,%s\n", i/50, []string{"yes", "no", ""}[i%3], ticker, name, 10+i%90, 15+i%90, class)
	}
	if err := os.WriteFile(path, b.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	rep := sameAsOneRow(t, path)
	if n := bytes.Count(rep, []byte(`"status":"review"`)); n < 100 {
		t.Fatalf("only %d review findings: the names near listed ones are not exercised", n)
	}
}

// sameAsOneRow screens path on the parallel path and on the one-row path
// and fails unless the two reports are the same to the byte; it returns
// the report.
func sameAsOneRow(t *testing.T, path string) []byte {
	t.Helper()
	ls, dir := embedded(t)
	at := time.Date(2024, 1, 2, 12, 0, 0, 0, time.UTC)
	report := func(serial bool) []byte {
		run := New(Config{Matcher: screener.NewMatcher(ls, dir), Lists: ls, At: at, Serial: serial})
		if err := run.File(context.Background(), path); err != nil {
			t.Fatal(err)
		}
		var out bytes.Buffer
		if err := run.Report().WriteJSON(&out); err != nil {
			t.Fatal(err)
		}
		return out.Bytes()
	}
	fast, serial := report(false), report(true)
	if !bytes.Equal(fast, serial) {
		i := 0
		for i < len(fast) && i < len(serial) && fast[i] == serial[i] {
			i++
		}
		lo := max(0, i-200)
		t.Fatalf("parallel and one-row reports differ at byte %d:\nparallel: %s\none-row:  %s",
			i, fast[lo:min(len(fast), i+100)], serial[lo:min(len(serial), i+100)])
	}
	return fast
}

// A row whose cells are new but whose security is known to be clear under
// another spelling is counted from its lent cells (chunkSink.knownClear),
// without decoding it. Such rows with a number that does not read, an
// identifier that fails its check or a US-person cell not understood must
// still be rejected, warned about or screened as decoding does: the
// report is the one-row path's to the byte, and every bad number is a
// rejected row.
func TestKnownClearRowsAsDecoded(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(2))
	path := filepath.Join(t.TempDir(), "spellings.csv")
	var b bytes.Buffer
	b.WriteString("portfolio,us_person,isin,ticker,exchange,name,quantity,price,market_value,currency,asset_class\n")
	// Each spelling is a new row identity of one clear security: ISINs
	// with a zero-width space somewhere in them (cleaned before
	// matching) and tickers in other conventions.
	var spellings []string
	for i := range 12 {
		isin := "US0378331005"
		spellings = append(spellings, isin[:i]+"\u200b"+isin[i:]+",AAPL,NASDAQ,APPLE INC")
	}
	spellings = append(spellings, ",7203,Tokyo Stock Exchange,TOYOTA MOTOR", ",7203 JP,,TOYOTA MOTOR",
		",7203.T,,TOYOTA MOTOR", ",7203,XTKS,TOYOTA MOTOR")
	bad := 0
	for i := range 60000 {
		sp := spellings[i%len(spellings)]
		us := []string{"yes", "no", "maybe"}[i%3]
		qty, mv := fmt.Sprint(100+i), fmt.Sprintf("%d.50", 7*i)
		switch i % 97 {
		case 5:
			mv, bad = "12x", bad+1 // rejected
		case 11:
			qty, bad = "1.2.3", bad+1 // rejected
		case 17:
			sp = strings.Replace(sp, "US0378331005", "US0378331006", 1) // bad check digit: dropped, warned
		case 23:
			sp = strings.Replace(sp, "APPLE INC", "", 1) + "" // screened by its identifiers alone
		}
		fmt.Fprintf(&b, "Fund %d,%s,%s,%s,1.25,%s,USD,Equity\n", i%5, us, sp, qty, mv)
	}
	if err := os.WriteFile(path, b.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	rep := sameAsOneRow(t, path)
	var r screener.Report
	if err := json.Unmarshal(rep, &r); err != nil {
		t.Fatal(err)
	}
	if r.Summary.Rejected != bad || r.Summary.Rows != 60000 {
		t.Fatalf("rows %d, rejected %d: want 60000 and the %d rows with a bad number", r.Summary.Rows, r.Summary.Rejected, bad)
	}
}

// plainFinding is screener.Finding without its methods: json.Marshal of
// one is encoding/json's reflection.
type plainFinding screener.Finding

// Finding.AppendJSON writes what encoding/json's reflection writes, on
// every finding (clear ones too) of every real holdings file, the demo
// file and the bad-input corpus.
func TestFindingJSONOnTheCorpus(t *testing.T) {
	root := shareddata.Path(t, "holdings")
	files, _ := filepath.Glob(filepath.Join("..", "..", "testdata", "bad", "*"))
	files = append(files, filepath.Join("..", "..", "testdata", "demo", "holdings.csv"))
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() && !strings.HasSuffix(p, ".md") {
			files = append(files, p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	ls, dir := embedded(t)
	m := screener.NewMatcher(ls, dir)
	n := 0
	for _, path := range files {
		if st, err := os.Stat(path); err != nil || st.IsDir() || strings.HasSuffix(path, ".txt") {
			continue
		}
		for _, at := range []time.Time{time.Date(2021, 7, 1, 12, 0, 0, 0, time.UTC), time.Date(2024, 1, 2, 12, 0, 0, 0, time.UTC)} {
			run := New(Config{Matcher: m, Lists: ls, At: at, Options: screener.Options{All: true}})
			if err := run.File(context.Background(), path); err != nil {
				continue // a file refused whole has no findings
			}
			for _, f := range run.Report().Findings {
				got, err := f.AppendJSON(nil)
				if err != nil {
					t.Fatal(err)
				}
				want, err := json.Marshal((*plainFinding)(&f))
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(got, want) {
					t.Fatalf("%s line %d: AppendJSON differs from encoding/json:\n got  %s\n want %s", path, f.Line, got, want)
				}
				n++
			}
		}
	}
	if n < 1000 {
		t.Fatalf("only %d findings compared", n)
	}
	t.Logf("%d findings compared", n)
}

// embedded returns the embedded OFAC snapshot and reference data.
func embedded(t *testing.T) ([]*screener.List, *issuers.Directory) {
	l, dir := reporttest.Embedded(t)
	return []*screener.List{l}, dir
}
