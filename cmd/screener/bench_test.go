package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/screener/screener/issuers"
	"github.com/screener/screener/screener"
)

// BenchmarkScreenGenerated runs the path of `screener screen --format json`
// (screenFiles, then the JSON report) over 200,000 generated rows, with the
// lists and reference data loaded once outside the timer. Profile it with
//
//	go test -run '^$' -bench ScreenGenerated -benchtime 3x \
//	  -cpuprofile cpu.out -memprofile mem.out ./cmd/screener
//	go tool pprof -top cpu.out
func BenchmarkScreenGenerated(b *testing.B) {
	const rows = 200000
	var buf bytes.Buffer
	if err := generate(context.Background(), &buf, rows, 1); err != nil {
		b.Fatal(err)
	}
	path := filepath.Join(b.TempDir(), "holdings-200k.csv")
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		b.Fatal(err)
	}
	lists, err := loadLists(nil)
	if err != nil {
		b.Fatal(err)
	}
	dir, err := issuers.Default()
	if err != nil {
		b.Fatal(err)
	}
	at := time.Date(2025, 12, 31, 17, 0, 0, 0, time.UTC)
	// "parallel" is what screen does with a plain table; "one-row" is the
	// path every other format takes (and the baseline the parallel path
	// is measured against in the same run).
	for _, mode := range []struct {
		name     string
		parallel bool
	}{{"parallel", true}, {"one-row", false}} {
		b.Run(mode.name, func(b *testing.B) {
			serialScreen = !mode.parallel
			defer func() { serialScreen = false }()
			b.SetBytes(int64(buf.Len()))
			b.ReportAllocs()
			for b.Loop() {
				rep, err := screenFiles(context.Background(), []string{path}, lists, dir, at, screener.Options{}, nil)
				if err != nil {
					b.Fatal(err)
				}
				if rep.Summary.Rows != rows {
					b.Fatalf("%d rows screened, want %d", rep.Summary.Rows, rows)
				}
				if err := rep.WriteJSON(io.Discard); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(rows*b.N)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}
