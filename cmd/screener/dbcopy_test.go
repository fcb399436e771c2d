package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/screener/screener/screener"
	"github.com/screener/screener/screener/store"
	"github.com/screener/screener/screener/store/pgtest"
	"github.com/screener/screener/screener/store/storetest"
)

// populatedFile makes a bbolt file holding records of every kind.
func populatedFile(t *testing.T) (string, uint64, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "source.db")
	s, err := store.Open(path, &store.Options{Now: storetest.Clock()})
	if err != nil {
		t.Fatal(err)
	}
	storetest.Populate(t, s)
	seq, head, err := s.AuditHead()
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	return path, seq, head
}

// checkCopyOutput checks what 'db copy' printed: a count per kind, equal
// in source and copy, and the chain's length and head.
func checkCopyOutput(t *testing.T, out string, seq uint64, head string) {
	t.Helper()
	for _, k := range store.Kinds {
		m := regexp.MustCompile(`(?m)^` + k + ` +(\d+) +(\d+)$`).FindStringSubmatch(out)
		if m == nil || m[1] != m[2] || m[1] == "0" {
			t.Errorf("no equal, non-zero counts of %s in:\n%s", k, out)
		}
	}
	want := fmt.Sprintf("audit chain verified: %d records, head %s\n", seq, head)
	if !strings.HasSuffix(out, want) {
		t.Errorf("output ends %q, want %q", out[max(0, len(out)-120):], want)
	}
}

// TestDBCopyFileToFile copies a file into a new file, checks it with
// 'audit verify', and refuses to copy into a file that holds records.
func TestDBCopyFileToFile(t *testing.T) {
	src, seq, head := populatedFile(t)
	dst := filepath.Join(t.TempDir(), "copy.db")
	checkCopyOutput(t, mustRun(t, "db", "copy", "--from", src, "--to", dst), seq, head)
	if out := mustRun(t, "audit", "verify", "--db", dst); !strings.HasPrefix(out, "audit log verified: "+strconv.FormatUint(seq, 10)+" records") {
		t.Errorf("audit verify of the copy said %q", out)
	}
	_, _, err := runCmd(t, "db", "copy", "--from", src, "--to", dst)
	if screener.KindOf(err) != screener.KindConflict || !strings.Contains(err.Error(), "is not empty") {
		t.Errorf("copy into a file holding records: %v; want a not-empty conflict", err)
	}
	if out := mustRun(t, "audit", "verify", "--db", dst); !strings.HasPrefix(out, "audit log verified: "+strconv.FormatUint(seq, 10)+" records") {
		t.Errorf("after the refused copy, audit verify said %q", out)
	}
	if _, _, err := runCmd(t, "db", "copy", "--from", src); err != errUsage {
		t.Errorf("no --to: %v, want the usage", err)
	}
}

// TestDBCopyFileToPostgresAndBack runs the move a deployment makes to run
// replicas: the file into PostgreSQL, then back into a new file, each
// verified, and a second copy into the database refused.
func TestDBCopyFileToPostgresAndBack(t *testing.T) {
	dsn := pgtest.DSN(t)
	src, seq, head := populatedFile(t)
	checkCopyOutput(t, mustRun(t, "db", "copy", "--from", src, "--to", dsn), seq, head)
	if out := mustRun(t, "audit", "verify", "--db", dsn); !strings.HasPrefix(out, "audit log verified: "+strconv.FormatUint(seq, 10)+" records") {
		t.Errorf("audit verify on PostgreSQL said %q", out)
	}
	if out := mustRun(t, "runs", "--db", dsn); !strings.Contains(out, "EM fund") || !strings.Contains(out, "Asia") {
		t.Errorf("runs on PostgreSQL:\n%s", out)
	}
	back := filepath.Join(t.TempDir(), "back.db")
	checkCopyOutput(t, mustRun(t, "db", "copy", "--from", dsn, "--to", back), seq, head)
	_, _, err := runCmd(t, "db", "copy", "--from", src, "--to", dsn)
	if screener.KindOf(err) != screener.KindConflict || !strings.Contains(err.Error(), "is not empty") {
		t.Errorf("copy into a database holding records: %v; want a not-empty conflict", err)
	}
}

// TestDBCopyRefusesABrokenChain: a source whose audit log was altered is
// refused before anything is written, and the file made for the copy is
// removed.
func TestDBCopyRefusesABrokenChain(t *testing.T) {
	src, _, _ := populatedFile(t)
	raw, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(raw, []byte(`"actor":"compliance"`)) {
		t.Fatal("the grant's audit record is not in the file")
	}
	raw = bytes.ReplaceAll(raw, []byte(`"actor":"compliance"`), []byte(`"actor":"compliancE"`))
	if err := os.WriteFile(src, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	dst := filepath.Join(t.TempDir(), "copy.db")
	_, _, err = runCmd(t, "db", "copy", "--from", src, "--to", dst)
	if err == nil || !strings.Contains(err.Error(), "audit chain does not verify") || !strings.Contains(err.Error(), "hash mismatch") {
		t.Errorf("copy of a tampered file: %v; want the source's chain refused", err)
	}
	if _, err := os.Stat(dst); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the destination file is left behind: %v", err)
	}
}
