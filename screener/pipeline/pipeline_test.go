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
	"github.com/screener/screener/screener/report/reporttest"
	"github.com/screener/screener/screener/shareddata"
)

// The table reader lends a row's cells from its chunk's buffer, which a
// later chunk reuses. A file of many chunks, whose rows repeat listed and
// clear securities under a different portfolio, quantity and value each
// time (findings made from a memoised template, with the row's own cells),
// must give the one-row-at-a-time report to the byte: a cell kept without
// a copy would show another chunk's bytes.
func TestParallelKeepsNoBorrowedCell(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(2))
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
	if n := bytes.Count(fast, []byte(`"status":"prohibited`)); n < 1000 {
		t.Fatalf("only %d prohibited findings: the file does not exercise findings made from templates", n)
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
