package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
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

// TestOutIsAtomic: --out gets the whole report or nothing; a run that
// fails part-way (the second file is unreadable) leaves no file and no
// temporary file behind, and a good run leaves exactly the report.
func TestOutIsAtomic(t *testing.T) {
	demo := filepath.Join("..", "..", "testdata", "demo", "holdings.csv")
	dir := t.TempDir()
	out := filepath.Join(dir, "report.json")
	err := run(context.Background(), []string{"screen", "--quiet", "--format", "json", "--out", out, demo, filepath.Join(dir, "missing.csv")}, io.Discard, io.Discard)
	if err == nil {
		t.Fatal("screening a missing file succeeded")
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 0 {
		t.Fatalf("a failed run left %v in the output folder", ents)
	}
	if err := run(context.Background(), []string{"screen", "--quiet", "--format", "json", "--out", out, demo}, io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	ents, _ := os.ReadDir(dir)
	if len(ents) != 1 || ents[0].Name() != "report.json" {
		t.Fatalf("output folder holds %v, want just report.json", ents)
	}
	b, _ := os.ReadFile(out)
	if !bytes.HasSuffix(b, []byte("}\n")) || !bytes.Contains(b, []byte(`"schema": "screener.report/v1"`)) {
		t.Errorf("report.json is not a whole report: %.80q…", b)
	}
}
