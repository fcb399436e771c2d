package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/screener/screener/screener"
	"github.com/screener/screener/screener/funds"
	"github.com/screener/screener/screener/shareddata"
)

// TestFundsCommands registers the shared ACWI file (which states its own
// date), lists and shows it, and screens and checks a position in it.
func TestFundsCommands(t *testing.T) {
	acwi := shareddata.Path(t, "holdings/ishares/ishares_ACWI_holdings_2022-03-10.csv")
	dir := t.TempDir()
	db := filepath.Join(dir, "f.db")
	// The file says "Fund Holdings as of Mar 10, 2022": another date is refused.
	_, _, err := runCmd(t, "funds", "add", "--db", db, "--isin", "US4642882579", "--holdings-as-of", "2022-03-31", acwi)
	if err == nil || !strings.Contains(err.Error(), "2022-03-10") || !strings.Contains(err.Error(), "--force") {
		t.Fatalf("a date the file contradicts: %v, want a refusal naming the file's date and --force", err)
	}
	if _, err := os.Stat(db); err == nil {
		if out := mustRun(t, "funds", "list", "--db", db); !strings.Contains(out, "no funds") {
			t.Fatalf("a refused file was registered: %s", out)
		}
	}
	mustRun(t, "funds", "add", "--db", db, "--isin", "US4642882579", "--ticker", "ACWI US", "--name", "iShares MSCI ACWI ETF", "--holdings-as-of", "2022-03-10", acwi)
	// Forced, a second dated set: history is kept.
	out := mustRun(t, "funds", "add", "--db", db, "--isin", "US4642882579", "--holdings-as-of", "2022-04-30", "--force", acwi)
	if !strings.Contains(out, "2022-04-30") {
		t.Errorf("forced add: %s", out)
	}
	var rows []funds.Summary
	if err := json.Unmarshal([]byte(mustRun(t, "funds", "list", "--db", db, "--format", "json", "--as-of", "2022-06-30")), &rows); err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1 || rows[0].Sets != 2 || rows[0].HoldingsAsOf.String() != "2022-04-30" || !rows[0].Stale {
		t.Fatalf("list %+v, want one fund, two sets, newest 2022-04-30, stale on 2022-06-30", rows)
	}
	var f funds.Fund
	if err := json.Unmarshal([]byte(mustRun(t, "funds", "show", "--db", db, "--format", "json", "US4642882579")), &f); err != nil {
		t.Fatal(err)
	}
	if len(f.Sets) != 2 || !f.Sets[1].Forced || f.Sets[0].FileAsOf.String() != "2022-03-10" || len(f.Sets[0].SHA256) != 64 {
		t.Fatalf("show %+v", f.Sets)
	}
	// A position by ticker finds the fund; on 2022-03-15 the March set is used.
	pf := filepath.Join(dir, "p.csv")
	os.WriteFile(pf, []byte("ticker,exchange,name,quantity,market_value,currency\nACWI,NASDAQ,ISHARES MSCI ACWI ETF,100,10000,USD\n"), 0o600)
	var rep screener.Report
	if err := json.Unmarshal([]byte(mustRun(t, "screen", "--db", db, "--format", "json", "--as-of", "2022-03-15", pf)), &rep); err != nil {
		t.Fatal(err)
	}
	if len(rep.Findings) != 1 || rep.Findings[0].Lookthrough == nil || rep.Findings[0].Lookthrough.HoldingsAsOf.String() != "2022-03-10" {
		t.Fatalf("screen: %+v", rep.Findings)
	}
	if st := rep.Findings[0].Status; st == screener.StatusClear {
		t.Errorf("ACWI in March 2022 held CMIC securities, got clear")
	}
	// Without --db an ETF is never clear.
	var c screener.CheckResult
	if err := json.Unmarshal([]byte(mustRun(t, "check", "--format", "json", "--as-of", "2022-03-15", "ISHARES MSCI ACWI ETF")), &c); err != nil {
		t.Fatal(err)
	}
	if c.Status != screener.StatusReview || c.Reason != screener.ReasonLookthroughUnavailable {
		t.Errorf("check without a registry: %s %q, want review lookthrough_unavailable", c.Status, c.Reason)
	}
}
