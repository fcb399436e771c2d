package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/screener/screener/screener"
	"github.com/screener/screener/screener/shareddata"
	"github.com/screener/screener/screener/store"
	"github.com/shopspring/decimal"
)

// runCmd runs the program with args and returns stdout, stderr and the error.
func runCmd(t *testing.T, args ...string) (string, string, error) {
	t.Helper()
	var out, errb bytes.Buffer
	err := run(context.Background(), args, &out, &errb)
	return out.String(), errb.String(), err
}

func mustRun(t *testing.T, args ...string) string {
	t.Helper()
	out, stderr, err := runCmd(t, args...)
	if err != nil {
		t.Fatalf("screener %s: %v\n%s", strings.Join(args, " "), err, stderr)
	}
	return out
}

// TestListsImportHistoryDiff is the store check on real data: the March
// XML, then the December CSV set, then the CSV set again.
func TestListsImportHistoryDiff(t *testing.T) {
	xml := shareddata.Path(t, "lists/ofac-cons-xml-2025-03/consolidated.xml")
	csv := shareddata.Path(t, "lists/ofac-cons-csv-2025-12")
	db := filepath.Join(t.TempDir(), "s.db")

	if out := mustRun(t, "lists", "import", "--db", db, "--user", "tester", xml); out != "snapshot 1: OFAC-CONSOLIDATED ofac-xml as of 2025-03-28, 443 entries\n" {
		t.Errorf("import xml said %q", out)
	}
	if out := mustRun(t, "lists", "import", "--db", db, csv); out != "snapshot 2: OFAC-CONSOLIDATED ofac-csv as of unknown, 442 entries (0 added, 1 removed since snapshot 1)\n" {
		t.Errorf("import csv said %q", out)
	}
	if out := mustRun(t, "lists", "import", "--db", db, csv); !strings.Contains(out, "already imported (snapshot 2)") {
		t.Errorf("re-import said %q", out)
	}
	hist := mustRun(t, "lists", "history", "--db", db)
	if lines := strings.Split(strings.TrimSpace(hist), "\n"); len(lines) != 3 || !strings.HasPrefix(lines[1], "1 ") || !strings.Contains(lines[2], "ofac-csv") {
		t.Errorf("history:\n%s", hist)
	}

	var d screener.ListDiff
	if err := json.Unmarshal([]byte(mustRun(t, "lists", "diff", "--db", db, "--format", "json", "previous", "latest")), &d); err != nil {
		t.Fatal(err)
	}
	if len(d.Added) != 0 || len(d.Removed) != 1 || d.Removed[0].ID != "26182" || len(d.Changed) != 12 || d.From.ID != 1 || d.To.ID != 2 {
		t.Errorf("diff: %d added, removed %v, %d changed, %d → %d", len(d.Added), d.Removed, len(d.Changed), d.From.ID, d.To.ID)
	}
	text := mustRun(t, "lists", "diff", "--db", db, "1", "2")
	for _, want := range []string{"0 added, 1 removed, 12 changed", "- 26182 KAYAKIRAN, Evren", "~ 18782 ROSOBORONEKSPORT OAO\n    programs -SYRIA\n",
		`name "RN-KOMSOMOLSKY REFINERY LLC" → "RN KOMSOMOLSKIY REFINERY LLC"`, "note: remarks not compared"} {
		if !strings.Contains(text, want) {
			t.Errorf("text diff lacks %q:\n%s", want, text)
		}
	}

	if out := mustRun(t, "audit", "verify", "--db", db); !strings.HasPrefix(out, "audit log verified: 2 records") {
		t.Errorf("audit verify said %q", out)
	}

	// Change one byte of the first audit record in the file itself
	// (every copy bbolt keeps of it): verify fails and names record 1.
	raw, err := os.ReadFile(db)
	if err != nil {
		t.Fatal(err)
	}
	n := bytes.Count(raw, []byte(`"actor":"tester"`))
	if n == 0 {
		t.Fatal("audit record 1 not found in the file")
	}
	raw = bytes.ReplaceAll(raw, []byte(`"actor":"tester"`), []byte(`"actor":"tesTer"`))
	if err := os.WriteFile(db, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	// verify opens the file read-only: it checks a write-protected copy.
	if err := os.Chmod(db, 0o444); err != nil {
		t.Fatal(err)
	}
	_, stderr, err := runCmd(t, "audit", "verify", "--db", db)
	var ee *exitError
	if !errors.As(err, &ee) || ee.code != 1 || !strings.Contains(ee.msg, "audit record 1: hash mismatch") {
		t.Errorf("audit verify after tampering: %v, want exit 1 naming record 1", err)
	}
	if !strings.Contains(stderr, "bad: audit record 1: hash mismatch") {
		t.Errorf("audit verify lists no bad records on stderr: %q", stderr)
	}
}

// savedRun writes a database with the March XML imported and one saved run
// whose one finding needs review.
func savedRun(t *testing.T) (db string, report []byte) {
	t.Helper()
	xml := shareddata.Path(t, "lists/ofac-cons-xml-2025-03/consolidated.xml")
	db = filepath.Join(t.TempDir(), "s.db")
	mustRun(t, "lists", "import", "--db", db, xml)
	s, err := store.Open(db, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	rep := screener.Report{Schema: screener.ReportSchema, AsOf: "2026-01-15T09:30:00Z", Files: []string{"eem.csv"},
		Summary: screener.Summary{Rows: 1, Screened: 1, ByStatus: map[screener.Status]int{screener.StatusReview: 1}},
		Findings: []screener.Finding{{File: "eem.csv", Line: 17, Portfolio: "EM", Status: screener.StatusReview, Key: "HK0941009539",
			Security: screener.Security{Name: "CHINA MOBILE LTD", ISIN: "HK0941009539"},
			Entry:    &screener.EntryRef{ID: "30923", Name: "CHINA MOBILE LIMITED", Program: screener.ProgramCMIC, List: screener.ListOFACConsolidated},
			Quantity: decimal.RequireFromString("1200"), MarketValue: decimal.RequireFromString("10440"), Currency: "HKD"}}}
	report, _ = json.MarshalIndent(rep, "", "  ")
	if _, err := s.SaveRun(store.Run{Portfolio: "EM", User: "ann", AsOf: time.Date(2026, 1, 15, 9, 30, 0, 0, time.UTC),
		Files: []string{"eem.csv"}, Holdings: []screener.Holding{{File: "eem.csv", Line: 17, Name: "CHINA MOBILE LTD"}},
		Report: report, SnapshotIDs: []uint64{1}}); err != nil {
		t.Fatal(err)
	}
	return db, report
}

func TestRunsAndReview(t *testing.T) {
	db, report := savedRun(t)
	if out := mustRun(t, "runs", "--db", db); !strings.Contains(out, "EM") || !strings.Contains(out, "ann") {
		t.Errorf("runs:\n%s", out)
	}
	if out := mustRun(t, "runs", "show", "--db", db, "1"); out != string(report) {
		t.Errorf("runs show changed the report:\n%s", out)
	}
	if out := mustRun(t, "runs", "show", "1", "--db", db, "--format", "text"); !strings.Contains(out, "eem.csv:17  review  CHINA MOBILE LTD (HK0941009539)  30923 CHINA MOBILE LIMITED") {
		t.Errorf("runs show text:\n%s", out)
	}
	if out := mustRun(t, "review", "--db", db); !strings.Contains(out, "1 open") || !strings.Contains(out, "30923") {
		t.Errorf("review:\n%s", out)
	}
	_, stderr, err := runCmd(t, "review", "decide", "--db", db, "--run", "1", "--line", "17")
	if !errors.Is(err, errUsage) || !strings.Contains(stderr, "missing --entry, --outcome, --reviewer, --reason") {
		t.Errorf("decide without flags: %v\n%s", err, stderr)
	}
	out := mustRun(t, "review", "decide", "--db", db, "--run", "1", "--line", "17", "--entry", "30923",
		"--outcome", "confirmed", "--reviewer", "J. Smith", "--reason", "H-share of the listed company")
	if !strings.HasPrefix(out, "recorded: confirmed HK0941009539 → OFAC-CONSOLIDATED 30923 by J. Smith") {
		t.Errorf("decide said %q", out)
	}
	if out := mustRun(t, "review", "--db", db); out != "no open reviews\n" {
		t.Errorf("review after the decision:\n%s", out)
	}
	if out := mustRun(t, "audit", "verify", "--db", db); !strings.HasPrefix(out, "audit log verified: 3 records") {
		t.Errorf("audit verify: %q", out)
	}

	bak := filepath.Join(t.TempDir(), "copy.db")
	if out := mustRun(t, "backup", "--db", db, bak); !strings.Contains(out, "written to "+bak) {
		t.Errorf("backup said %q", out)
	}
	if out := mustRun(t, "runs", "show", "--db", bak, "1"); out != string(report) {
		t.Error("the backup's report differs")
	}
}

func TestStoreCommandErrors(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "none.db")
	tests := []struct {
		name string
		args []string
		want string // in the error
		kind screener.Kind
	}{
		{"history of a missing database", []string{"lists", "history", "--db", missing}, "no database at", screener.KindNotFound},
		{"diff with a bad reference", []string{"lists", "diff", "--db", missing, "a", "b"}, "no database at", screener.KindNotFound},
		{"runs show a bad id", []string{"runs", "show", "--db", missing, "x"}, "want a number", screener.KindInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := runCmd(t, tt.args...)
			if err == nil || !strings.Contains(err.Error(), tt.want) || screener.KindOf(err) != tt.kind {
				t.Errorf("got %v (kind %s), want %q of kind %s", err, screener.KindOf(err), tt.want, tt.kind)
			}
		})
	}
	if _, err := os.Stat(missing); err == nil {
		t.Error("a read command created the database")
	}
}

func TestStoreCommandHelp(t *testing.T) {
	for _, args := range [][]string{
		{"lists", "import"}, {"lists", "history"}, {"lists", "diff"}, {"runs"}, {"runs", "show"},
		{"review"}, {"review", "decide"}, {"audit", "verify"}, {"audit", "list"}, {"backup"},
	} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			_, stderr, err := runCmd(t, append(args, "--help")...)
			if !errors.Is(err, flag.ErrHelp) || !strings.Contains(stderr, "Usage: screener "+args[0]) || !strings.Contains(stderr, "Examples:") {
				t.Errorf("got %v\n%s", err, stderr)
			}
		})
	}
}

// runs purge needs --retention, says what it removes, and keeps the
// portfolio's latest run.
func TestRunsPurge(t *testing.T) {
	db, _ := savedRun(t)
	if _, stderr, err := runCmd(t, "runs", "purge", "--db", db); !errors.Is(err, errUsage) || !strings.Contains(stderr, "--retention") {
		t.Errorf("purge without --retention: %v %s", err, stderr)
	}
	out := mustRun(t, "runs", "purge", "--db", db, "--retention", "1", "--dry-run")
	if !strings.HasPrefix(out, "would remove 0 run(s) older than 1 days") {
		t.Errorf("dry run said %q", out)
	}
	out = mustRun(t, "runs", "purge", "--db", db, "--retention", "1", "--user", "carol")
	if !strings.HasPrefix(out, "removed 0 run(s)") {
		t.Errorf("purge said %q", out)
	}
	if out := mustRun(t, "audit", "list", "--db", db); !strings.Contains(out, "carol run.purge runs") {
		t.Errorf("no purge in the audit log:\n%s", out)
	}
}
