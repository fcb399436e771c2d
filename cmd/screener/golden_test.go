package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// TestGoldenDemoReport screens the demo holdings file as of a fixed date
// and compares the whole report, in every format, with the reviewed golden
// files. Run with -update to rewrite them, then review the diff like code.
func TestGoldenDemoReport(t *testing.T) {
	demo := filepath.Join("..", "..", "testdata", "demo", "holdings.csv")
	for _, tc := range []struct {
		name, format, asOf string
	}{
		{"demo-2023-01-01.json", "json", "2023-01-01"},
		{"demo-2023-01-01.txt", "text", "2023-01-01"},
		{"demo-2023-01-01.csv", "csv", "2023-01-01"},
		{"demo-2022-01-10.txt", "text", "2022-01-10"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			err := run(context.Background(), []string{"screen", "--quiet", "--as-of", tc.asOf, "--format", tc.format, demo}, &out, &errb)
			if err != nil {
				t.Fatalf("screen: %v (%s)", err, errb.String())
			}
			path := filepath.Join("..", "..", "testdata", "golden", tc.name)
			if *update {
				if err := os.WriteFile(path, out.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test ./cmd/screener -run TestGoldenDemoReport -update)", err)
			}
			if !bytes.Equal(out.Bytes(), want) {
				t.Errorf("report differs from %s; run with -update and review the diff:\n%s", path, firstDiff(out.String(), string(want)))
			}
		})
	}
}

// firstDiff shows the first line where got and want differ.
func firstDiff(got, want string) string {
	g, w := bytes.Split([]byte(got), []byte("\n")), bytes.Split([]byte(want), []byte("\n"))
	for i := 0; i < len(g) || i < len(w); i++ {
		var a, b []byte
		if i < len(g) {
			a = g[i]
		}
		if i < len(w) {
			b = w[i]
		}
		if !bytes.Equal(a, b) {
			return fmt.Sprintf("line %d:\n got: %s\nwant: %s", i+1, a, b)
		}
	}
	return ""
}
