package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/shopspring/decimal"
)

func TestISINCheckDigit(t *testing.T) {
	tests := []struct {
		name string
		isin string
	}{
		{"China Mobile HK", "HK0941009539"},
		{"Sugon A", "CNE100001TW7"},
		{"Hikvision A", "CNE100000PM8"},
		{"Apple", "US0378331005"},
		{"CNOOC HK", "HK0883013259"},
		{"China Railway Group H", "CNE1000007Z2"},
		{"CGN Power H", "CNE100001T80"},
		{"China United Network A", "CNE000001CS2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got, want := isinCheckDigit(tt.isin), tt.isin[11]-'0'; got != want {
				t.Errorf("isinCheckDigit(%q) = %d, want %d", tt.isin, got, want)
			}
		})
	}
}

func generated(t *testing.T, args ...string) []byte {
	t.Helper()
	var out, errb bytes.Buffer
	if err := run(context.Background(), append([]string{"generate"}, args...), &out, &errb); err != nil {
		t.Fatalf("generate %v: %v (stderr %q)", args, err, errb.String())
	}
	return out.Bytes()
}

func TestGenerateDeterministic(t *testing.T) {
	a := generated(t, "--rows", "5000", "--seed", "42")
	b := generated(t, "--rows", "5000", "--seed", "42")
	c := generated(t, "--rows", "5000", "--seed", "43")
	if !bytes.Equal(a, b) {
		t.Fatalf("same seed gave different bytes (%d vs %d bytes)", len(a), len(b))
	}
	if bytes.Equal(a, c) {
		t.Fatalf("seeds 42 and 43 gave the same bytes")
	}
	// --out writes the same bytes as stdout.
	path := filepath.Join(t.TempDir(), "h.csv")
	generated(t, "--rows", "5000", "--seed", "42", "--out", path)
	f, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a, f) {
		t.Fatalf("--out file differs from stdout")
	}
}

// TestGenerateGolden pins the first rows of seed 1, so a change of the
// generator (and of every benchmark figure made with it) is deliberate.
func TestGenerateGolden(t *testing.T) {
	got := string(generated(t, "--rows", "3", "--seed", "1"))
	want := generateHeader + goldenSeed1
	if got != want {
		t.Errorf("generate --rows 3 --seed 1:\n got %q\nwant %q", got, want)
	}
	sum := sha256.Sum256(generated(t, "--rows", "100000", "--seed", "1"))
	if got, want := hex.EncodeToString(sum[:]), "016533162da8f1f381e782833fe4d7d157c7eca6043e7afc98b52ff83c918658"; got != want {
		t.Errorf("sha256 of 100,000 rows, seed 1 = %s, want %s", got, want)
	}
}

const goldenSeed1 = "" +
	"Lux Value 1000,no,,8077 HK,,ATLAS AEROSPACE INC,820,294.64,241604.80,HKD,Equity\n" +
	"Lux Value 1000,no,JP5245631477,7607.T,,GLOBAL BANK CO LTD-A,56800,442.33,25124344.00,JPY,Equity\n" +
	"Lux Value 1000,no,DE5765939853,,,SILVER FINANCIAL CO LTD,122092,375.61,45858976.12,EUR,Equity\n"

func TestGenerateContent(t *testing.T) {
	const rows = 20000
	data := generated(t, "--rows", "20000", "--seed", "7")
	cr := csv.NewReader(bytes.NewReader(data))
	header, err := cr.Read()
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(header, ","); got+"\n" != generateHeader {
		t.Fatalf("header = %q", got)
	}
	listed := map[string]bool{}
	for _, s := range genListed {
		listed[s.isin] = true
	}
	nearMiss := map[string]bool{}
	for _, s := range genNearMiss {
		nearMiss[s.name] = true
	}
	var n, nListed, nNear, nBad, nTickerOnly int
	portfolios := map[string]bool{}
	runs, prevPortfolio := 0, ""
	conventions := map[string]int{}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("row %d: %v", n+2, err)
		}
		n++
		portfolios[rec[0]] = true
		if rec[0] != prevPortfolio {
			runs++
			prevPortfolio = rec[0]
		}
		isin, ticker, exch, name, qty, price, mv := rec[2], rec[3], rec[4], rec[5], rec[6], rec[7], rec[8]
		switch {
		case isin == "" && ticker == "" && name == "":
			nBad++
			continue
		case slices.Contains(genBadQty, qty):
			nBad++
			continue
		case isin != "" && isinCheckDigit(isin) != isin[11]-'0':
			if name != "" || ticker != "" {
				t.Errorf("row %d: bad check digit %s on a row with other identifiers", n+1, isin)
			}
			nBad++
			continue
		}
		if listed[isin] {
			nListed++
		}
		if nearMiss[name] {
			nNear++
		}
		if isin == "" {
			nTickerOnly++
		}
		switch {
		case ticker == "":
		case exch != "":
			conventions["bare+exchange"]++
		case strings.Contains(ticker, " "):
			conventions["bloomberg"]++
		case strings.Contains(ticker, "."):
			conventions["reuters"]++
		}
		q, err1 := decimal.NewFromString(qty)
		p, err2 := decimal.NewFromString(price)
		v, err3 := decimal.NewFromString(mv)
		if err1 != nil || err2 != nil || err3 != nil {
			t.Fatalf("row %d: amounts %q %q %q not decimal", n+1, qty, price, mv)
		}
		want := q.Mul(p)
		if rec[10] == "Fixed Income" {
			want = want.Div(decimal.NewFromInt(100)).Truncate(2)
		}
		if !v.Equal(want) {
			t.Errorf("row %d: market value %s, want %s × %s = %s", n+1, mv, qty, price, want)
		}
	}
	if n != rows {
		t.Fatalf("%d rows, want %d", n, rows)
	}
	// Proportions: 2% listed (some carry only a ticker), 2% near miss,
	// 2% bad; thousands of portfolios would need more rows (rows/200).
	check := func(what string, got, lo, hi int) {
		t.Helper()
		if got < lo || got > hi {
			t.Errorf("%s = %d, want %d..%d", what, got, lo, hi)
		}
	}
	check("listed rows with an ISIN", nListed, 200, 400)
	check("near-miss rows", nNear, 300, 500)
	check("bad rows", nBad, 300, 500)
	check("portfolios", len(portfolios), 50, 100)
	// Files list an account's positions together: rows come in runs of one
	// portfolio (mean length rows/portfolios), not shuffled.
	check("portfolio runs", runs, 50, rows/100)
	check("ticker-only rows", nTickerOnly, 3000, 6000)
	for _, c := range []string{"bare+exchange", "bloomberg", "reuters"} {
		check(c+" tickers", conventions[c], 2000, 10000)
	}
	if len(data)/rows > 105 {
		t.Errorf("%d bytes a row, want about 90-100", len(data)/rows)
	}
}

func TestGenerateUsage(t *testing.T) {
	tests := []struct {
		name string
		args []string
	}{
		{"no rows", []string{"generate"}},
		{"negative rows", []string{"generate", "--rows", "-3"}},
		{"stray argument", []string{"generate", "--rows", "3", "x.csv"}},
		{"bad seed", []string{"generate", "--rows", "3", "--seed", "abc"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			err := run(context.Background(), tt.args, &out, &errb)
			if !errors.Is(err, errUsage) {
				t.Fatalf("err = %v, want errUsage", err)
			}
			if out.Len() != 0 {
				t.Errorf("wrote %d bytes to stdout on a usage error", out.Len())
			}
		})
	}
}
