package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/screener/screener/screener/store"
)

// screenBoth screens files with the parallel table path and with the
// one-row-at-a-time path and returns both reports.
func screenBoth(t *testing.T, args ...string) (parallel, serial string) {
	t.Helper()
	out := func() string {
		var o, e bytes.Buffer
		err := run(context.Background(), append([]string{"screen", "--quiet", "--as-of", "2023-01-01"}, args...), &o, &e)
		if err != nil {
			return "error: " + err.Error()
		}
		return o.String()
	}
	parallel = out()
	serialScreen = true
	defer func() { serialScreen = false }()
	serial = out()
	return parallel, serial
}

// TestParallelSameReport holds the parallel path to the byte against the
// one-row path, on a generated file big enough for several chunks (listed
// securities, near misses, bad rows, repeated securities in every ticker
// convention), in every format, with more workers than cores.
func TestParallelSameReport(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(4))
	dir := t.TempDir()
	gen := filepath.Join(dir, "gen.csv")
	var o, e bytes.Buffer
	if err := run(context.Background(), []string{"generate", "--rows", "40000", "--seed", "3", "--out", gen}, &o, &e); err != nil {
		t.Fatal(err, e.String())
	}
	for _, args := range [][]string{
		{"--format", "json", gen},
		{"--format", "csv", gen},
		{"--format", "text", "--us-person", "no", gen},
		{"--format", "json", "--all", gen},
		{"--format", "json", "--affiliate-policy", gen, filepath.Join("..", "..", "testdata", "demo", "holdings.csv")},
	} {
		p, s := screenBoth(t, args...)
		if strings.HasPrefix(p, "error") || p != s {
			t.Errorf("%v: the parallel report differs from the one-row report:\n%s", args, firstDiff(p, s))
		}
	}
}

// TestParallelSameOnBadFiles runs the bad-input corpus through both paths:
// the same report or the same error.
func TestParallelSameOnBadFiles(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("..", "..", "testdata", "bad", "*"))
	for _, f := range files {
		if strings.HasSuffix(f, ".txt") {
			continue
		}
		if st, err := os.Stat(f); err != nil || st.IsDir() {
			continue
		}
		p, s := screenBoth(t, "--format", "json", f)
		if p != s {
			t.Errorf("%s: parallel and one-row reports differ:\n%s", filepath.Base(f), firstDiff(p, s))
		}
	}
}

// TestSaveKeepsFindings: a saved run keeps its findings whatever the
// report's format (they used to stream past the run being saved).
func TestSaveKeepsFindings(t *testing.T) {
	demo := filepath.Join("..", "..", "testdata", "demo", "holdings.csv")
	for _, format := range []string{"json", "csv", "text"} {
		db := filepath.Join(t.TempDir(), "s.db")
		var o, e bytes.Buffer
		if err := run(context.Background(), []string{"screen", "--quiet", "--as-of", "2023-01-01", "--db", db, "--save", "--format", format, demo}, &o, &e); err != nil {
			t.Fatal(err, e.String())
		}
		st, err := store.Open(db, nil)
		if err != nil {
			t.Fatal(err)
		}
		infos, err := st.Runs()
		st.Close()
		if err != nil || len(infos) != 1 {
			t.Fatalf("%s: runs %v, %v", format, infos, err)
		}
		if infos[0].Findings == 0 {
			t.Errorf("--format %s --save: the saved run has no findings", format)
		}
	}
}
