package store_test

import (
	"path/filepath"
	"testing"

	"github.com/screener/screener/screener"
	"github.com/screener/screener/screener/funds"
	"github.com/screener/screener/screener/store"
	"github.com/shopspring/decimal"
)

func fundReg(t *testing.T, day, sha string, ids ...screener.ID) funds.Registration {
	t.Helper()
	d, err := screener.ParseDate(day)
	if err != nil {
		t.Fatal(err)
	}
	h := screener.Holding{File: "eem.csv", Line: 2, ISIN: "HK0941009539", Name: "CHINA MOBILE LTD",
		Weight: decimal.RequireFromString("1.5"), HasWeight: true, USPerson: screener.USPersonYes}
	return funds.Registration{Name: "iShares MSCI Emerging Markets ETF", IDs: ids, Holdings: []screener.Holding{h},
		Set: funds.SetInfo{AsOf: d, File: "eem.csv", SHA256: sha, Rows: 1, Holdings: 1}}
}

func TestFundRegistryKeepsHistory(t *testing.T) {
	path := filepath.Join(t.TempDir(), "funds.db")
	st := openAt(t, path)
	isin := screener.ID{Type: funds.IDISIN, Value: "US4642872349"}
	tick := screener.ID{Type: funds.IDTicker, Value: "US:EEM"}
	f1, s1, added, err := st.AddFundHoldings("alice", fundReg(t, "2025-01-31", "aa", isin))
	if err != nil || !added {
		t.Fatalf("first set: added %v, %v", added, err)
	}
	// The same file again: not stored twice.
	if _, _, added, err := st.AddFundHoldings("alice", fundReg(t, "2025-01-31", "aa", isin)); err != nil || added {
		t.Fatalf("repeat: added %v, %v; want not added", added, err)
	}
	// An older set, found by the CUSIP inside the ISIN, with a new ticker.
	cusip := screener.ID{Type: funds.IDCUSIP, Value: "464287234"}
	f2, s2, added, err := st.AddFundHoldings("bob", fundReg(t, "2024-12-31", "bb", cusip, tick))
	if err != nil || !added || f2.ID != f1.ID {
		t.Fatalf("second set: fund %d (want %d), added %v, %v", f2.ID, f1.ID, added, err)
	}
	if s2.Seq == s1.Seq {
		t.Fatal("two sets share a number")
	}
	// Identifiers of two funds in one registration are refused.
	other := screener.ID{Type: funds.IDISIN, Value: "IE00B4L5Y983"}
	if _, _, _, err := st.AddFundHoldings("bob", fundReg(t, "2025-01-31", "cc", other)); err != nil {
		t.Fatal(err)
	}
	if _, _, _, err := st.AddFundHoldings("bob", fundReg(t, "2025-02-28", "dd", other, isin)); screener.KindOf(err) != screener.KindConflict {
		t.Errorf("ids of two funds: %v, want a conflict", err)
	}
	st.Close()

	st, err = store.Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	fl, err := st.Funds()
	if err != nil || len(fl) != 2 {
		t.Fatalf("funds %d, %v; want 2", len(fl), err)
	}
	f, err := st.FundByKey("TICKER:US:EEM")
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Sets) != 2 || f.Sets[0].AsOf.String() != "2024-12-31" || f.Sets[1].By != "alice" || f.Sets[0].By != "bob" {
		t.Fatalf("sets %+v, want both, oldest first, with who registered each", f.Sets)
	}
	hs, err := st.FundHoldings(f.Sets[1].Seq)
	if err != nil || len(hs) != 1 || !hs[0].HasWeight || !hs[0].Weight.Equal(decimal.RequireFromString("1.5")) || hs[0].USPerson != screener.USPersonYes {
		t.Fatalf("holdings back %+v, %v: want the row with its weight flag", hs, err)
	}
	recs, err := st.Audit(0, 100)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, r := range recs {
		if r.Action == "fund.holdings.add" {
			n++
		}
	}
	if n != 3 {
		t.Errorf("%d fund audit records, want 3 (one per set stored)", n)
	}
	if err := st.VerifyAudit(); err != nil {
		t.Error(err)
	}
}
