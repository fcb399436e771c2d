package screener

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"
	"time"

	"github.com/screener/screener/issuers"
	"github.com/shopspring/decimal"
)

// testList is a small hand-made snapshot with real OFAC data for three CMIC
// entries, one SDN entry and one entry of another program.
func testList(t *testing.T) *List {
	t.Helper()
	tk := func(raw string) issuers.Ticker {
		x, err := issuers.ParseTicker(raw)
		if err != nil {
			t.Fatalf("ParseTicker(%q): %v", raw, err)
		}
		return x
	}
	annex := func(e Entry) Entry {
		e.List, e.Programs = ListOFACConsolidated, []string{ProgramCMIC}
		e.ListingDate, e.EffectiveDate, e.DivestmentDate = NewDate(2021, 6, 3), NewDate(2021, 8, 2), NewDate(2022, 6, 3)
		return e
	}
	dec16 := func(e Entry) Entry {
		e = annex(e)
		e.ListingDate, e.EffectiveDate, e.DivestmentDate = NewDate(2021, 12, 16), NewDate(2022, 2, 14), NewDate(2022, 12, 16)
		return e
	}
	return &List{Name: ListOFACConsolidated, AsOf: NewDate(2025, 12, 19), Sources: []SourceFile{{Path: "test", SHA256: "abc"}},
		Entries: []Entry{
			annex(Entry{ID: "30923", Name: "CHINA MOBILE LIMITED", ISINs: []string{"HK0941009539", "US16941M1099"},
				Tickers: []issuers.Ticker{tk("CHL US"), tk("941 HK")}, LinkedTo: []string{"CHINA MOBILE COMMUNICATIONS GROUP CO., LTD"}}),
			annex(Entry{ID: "30944", Name: "CHINA MOBILE COMMUNICATIONS GROUP CO., LTD."}),
			annex(Entry{ID: "30959", Name: "CHINA RAILWAY CONSTRUCTION CORPORATION LIMITED", ISINs: []string{"CNE100000981"},
				Tickers: []issuers.Ticker{tk("601186 CN"), tk("1186 HK")}}),
			annex(Entry{ID: "30930", Name: "CHINA COMMUNICATIONS CONSTRUCTION COMPANY LIMITED", ISINs: []string{"CND10002K094"}}),
			annex(Entry{ID: "30926", Name: "CNOOC LIMITED", ISINs: []string{"BRC1EODR004", "HK0883013259"}}),
			dec16(Entry{ID: "33091", Name: "MEGVII TECHNOLOGY LIMITED"}),
			dec16(Entry{ID: "33113", Name: "DAWNING INFORMATION INDUSTRY CO., LTD", ISINs: []string{"CNE100001TW7"},
				IssuerNames: []string{"Sugon Information Industry Co., Ltd."}, Tickers: []issuers.Ticker{tk("603019CN")},
				Aliases: []Alias{{Name: "SUGON", Type: "aka", Strength: "weak"}}}),
			{List: ListOFACConsolidated, ID: "17022", Name: "OPEN JOINT-STOCK COMPANY ROSNEFT OIL COMPANY", Programs: []string{"UKRAINE-EO13662", "RUSSIA-EO14024"}},
		}}
}

func sdnList() *List {
	return &List{Name: ListOFACSDN, Entries: []Entry{
		{List: ListOFACSDN, ID: "306", Name: "BANCO NACIONAL DE CUBA", Programs: []string{"CUBA"}},
		{List: ListOFACSDN, ID: "906", Name: "HAVIN BANK LIMITED", Programs: []string{"CUBA"}},
	}}
}

func at(s string) time.Time {
	t, err := ParseAsOf(s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestMatchStatuses(t *testing.T) {
	m := NewMatcher([]*List{testList(t), sdnList()}, nil)
	tests := []struct {
		name     string
		h        Holding
		asOf     string
		status   Status
		entry    string
		basis    Basis
		daysLeft int // -1: none
	}{
		{"ISIN in the window", Holding{ISIN: "HK0941009539"}, "2022-01-10", StatusDivestOnly, "30923", BasisISINListed, 144},
		{"ADR ISIN locked", Holding{ISIN: "US16941M1099"}, "2023-01-01", StatusProhibitedLocked, "30923", BasisISINListed, 0},
		{"Bloomberg ticker", Holding{Ticker: "941 HK"}, "2022-01-10", StatusDivestOnly, "30923", BasisTickerListed, 144},
		{"Reuters ticker", Holding{Ticker: "0941.HK"}, "2022-01-10", StatusDivestOnly, "30923", BasisTickerListed, 144},
		{"code plus MIC", Holding{Ticker: "00941", Exchange: "XHKG"}, "2022-01-10", StatusDivestOnly, "30923", BasisTickerListed, 144},
		{"before the effective date", Holding{ISIN: "HK0941009539"}, "2021-07-01", StatusPreEffective, "30923", BasisISINListed, 337},
		{"name before listing", Holding{Name: "Megvii Technology Ltd"}, "2021-12-01", StatusClear, "33091", BasisIssuerNameExact, -1},
		{"name pre-effective", Holding{Name: "Megvii Technology Ltd"}, "2022-01-10", StatusPreEffective, "33091", BasisIssuerNameExact, 340},
		{"name divest only", Holding{Name: "Megvii Technology Ltd"}, "2022-03-01", StatusDivestOnly, "33091", BasisIssuerNameExact, 290},
		{"name locked", Holding{Name: "Megvii Technology Ltd"}, "2023-01-01", StatusProhibitedLocked, "33091", BasisIssuerNameExact, 0},
		{"issuer name differs from list name", Holding{Name: "Sugon Information Industry Co Ltd-A"}, "2023-01-01", StatusProhibitedLocked, "33113", BasisIssuerNameExact, 0},
		{"malformed list ISIN matches verbatim", Holding{ISIN: "CND10002K094"}, "2023-01-01", StatusProhibitedLocked, "30930", BasisISINListed, 0},
		{"11-character list ISIN matches verbatim", Holding{ISIN: "BRC1EODR004", Name: "CNOOC LTD BDR"}, "2023-01-01", StatusProhibitedLocked, "30926", BasisISINListed, 0},
		{"H-share name", Holding{Name: "CHINA RAILWAY CONSTRUCTION CORP LTD-H"}, "2023-01-01", StatusProhibitedLocked, "30959", BasisIssuerNameExact, 0},
		{"SDN is blocked", Holding{Name: "Havin Bank Ltd"}, "2023-01-01", StatusBlocked, "906", BasisIssuerNameExact, -1},
		{"a name with no legal form is never exact", Holding{Name: "Banco Nacional de Cuba"}, "2023-01-01", StatusReview, "306", BasisNameSimilar, -1},
		{"other program is a risk flag", Holding{Name: "Open Joint-Stock Company Rosneft Oil Company"}, "2023-01-01", StatusRiskFlag, "17022", BasisIssuerNameExact, -1},
		{"sovereign bond is clear", Holding{Name: "CHINA 2.125 12/03/29"}, "2023-01-01", StatusClear, "", "", -1},
		{"unrelated is clear", Holding{ISIN: "US0378331005", Name: "APPLE INC"}, "2023-01-01", StatusClear, "", "", -1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := m.Match(&tc.h, at(tc.asOf), Options{})
			if f.Status != tc.status {
				t.Fatalf("status %s, want %s (evidence %q)", f.Status, tc.status, f.Evidence)
			}
			if tc.entry == "" {
				if f.Entry != nil && f.Status != StatusClear {
					t.Errorf("entry %v, want none", f.Entry)
				}
				return
			}
			if f.Entry == nil || f.Entry.ID != tc.entry {
				t.Fatalf("entry %+v, want %s", f.Entry, tc.entry)
			}
			if f.Basis[0] != tc.basis {
				t.Errorf("basis %v, want %s first", f.Basis, tc.basis)
			}
			if tc.daysLeft < 0 && f.DaysLeft != nil {
				t.Errorf("days left %d, want none", *f.DaysLeft)
			}
			if tc.daysLeft >= 0 && (f.DaysLeft == nil || *f.DaysLeft != tc.daysLeft) {
				t.Errorf("days left %v, want %d", f.DaysLeft, tc.daysLeft)
			}
		})
	}
}

func TestEvidenceAndAction(t *testing.T) {
	m := NewMatcher([]*List{testList(t)}, nil)
	f := m.Match(&Holding{Ticker: "941 HK"}, at("2022-01-10"), Options{})
	want := `941 HK (Bloomberg ticker) → equity ticker "941 HK" of OFAC 30923 CHINA MOBILE LIMITED`
	if len(f.Evidence) == 0 || f.Evidence[0] != want {
		t.Errorf("evidence %q, want first %q", f.Evidence, want)
	}
	if wantA := "No purchases; divest to a non-US person before 12:01 a.m. ET 2022-06-03: 144 days left"; f.Action != wantA {
		t.Errorf("action %q, want %q", f.Action, wantA)
	}
	f = m.Match(&Holding{ISIN: "HK0941009539"}, at("2023-01-01"), Options{})
	if !strings.HasPrefix(f.Action, "Hold; no purchase or sale without an OFAC licence; no DRIP") {
		t.Errorf("locked action %q", f.Action)
	}
}

// TestCutoffs is RULES.md H-19: a sale at 23:59 ET the day before the
// divestment date is in the window; at 00:01 ET on that date it is locked.
func TestCutoffs(t *testing.T) {
	m := NewMatcher([]*List{testList(t)}, nil)
	h := Holding{ISIN: "HK0941009539"}
	cases := []struct {
		at   string
		want Status
	}{
		{"2022-06-02T23:59:00-04:00", StatusDivestOnly},
		{"2022-06-03T00:00:59-04:00", StatusDivestOnly},
		{"2022-06-03T00:01:00-04:00", StatusProhibitedLocked},
		{"2022-06-03T04:00:30Z", StatusDivestOnly}, // 00:00:30 EDT
		{"2021-08-02T00:00:00-04:00", StatusPreEffective},
		{"2021-08-02T00:01:00-04:00", StatusDivestOnly},
	}
	for _, c := range cases {
		got := m.Match(&h, at(c.at), Options{}).Status
		if got != c.want {
			t.Errorf("%s: %s, want %s", c.at, got, c.want)
		}
	}
}

func TestNonUSPerson(t *testing.T) {
	m := NewMatcher([]*List{testList(t)}, nil)
	f := m.Match(&Holding{ISIN: "HK0941009539", USPerson: USPersonNo}, at("2023-01-01"), Options{})
	if f.Status != StatusProhibitedLocked {
		t.Fatalf("status %s: the finding must still be shown", f.Status)
	}
	if !strings.Contains(f.Action, "do not apply") {
		t.Errorf("action %q does not say the prohibition does not apply", f.Action)
	}
	if d, _ := TradeDecision(&f, SideBuy); d != DecisionAllow {
		t.Errorf("non-US buy: %s, want allow", d)
	}
	f = m.Match(&Holding{ISIN: "HK0941009539"}, at("2023-01-01"), Options{})
	for side, want := range map[Side]string{SideBuy: DecisionReject, SideSell: DecisionReject, SideHold: DecisionAllow} {
		if d, _ := TradeDecision(&f, side); d != want {
			t.Errorf("US %s: %s, want %s", side, d, want)
		}
	}
}

func TestDecisionsApplyAndReopen(t *testing.T) {
	l := testList(t)
	m := NewMatcher([]*List{l}, nil)
	h := Holding{Name: "CHINA 4.5 GROUP"} // nothing
	_ = h
	e, _ := m.Entry(ListOFACConsolidated, "30959")
	fp := EntryFingerprint(e)
	dec := ReviewDecision{Key: "NAME:X", List: ListOFACConsolidated, EntryID: "30959", Fingerprint: fp,
		Decision: Decision{Outcome: "cleared", Reviewer: "ann", At: "2023-01-02T10:00:00Z", Reason: "different issuer"}}
	f := Finding{Key: "NAME:X", Status: StatusReview}
	idx := m.byKey[ListOFACConsolidated+"/30959"]
	m.applyDecision(&f, idx, at("2023-01-01"), USPersonYes, Options{Decisions: []ReviewDecision{dec}})
	if f.Status != StatusCleared || f.Decision == nil {
		t.Fatalf("status %s decision %v, want cleared", f.Status, f.Decision)
	}
	dec.Fingerprint = "changed"
	f = Finding{Key: "NAME:X", Status: StatusReview}
	m.applyDecision(&f, idx, at("2023-01-01"), USPersonYes, Options{Decisions: []ReviewDecision{dec}})
	if f.Status != StatusReview || len(f.Warnings) == 0 || !strings.Contains(f.Warnings[0], "re-opened") {
		t.Errorf("status %s warnings %q, want review re-opened", f.Status, f.Warnings)
	}
}

// A confirmed review takes the listed entry's status; the machine's
// status stays in LegalStatus.
func TestConfirmedReviewTakesEntryStatus(t *testing.T) {
	m := NewMatcher([]*List{testList(t)}, nil)
	e, _ := m.Entry(ListOFACConsolidated, "30959")
	h := Holding{Name: "CHINA RAILWAY CONSTRUCTIO"} // truncated, no share class: similar, not exact
	f := m.Match(&h, at("2023-01-01"), Options{})
	if f.Status != StatusReview || f.Entry == nil || f.Entry.ID != "30959" {
		t.Fatalf("status %s entry %+v, want review of 30959", f.Status, f.Entry)
	}
	dec := ReviewDecision{Key: f.Key, List: ListOFACConsolidated, EntryID: "30959", Fingerprint: EntryFingerprint(e),
		Decision: Decision{Outcome: "confirmed", Reviewer: "ann", At: "2023-01-02T10:00:00Z", Reason: "same issuer"}}
	f = m.Match(&h, at("2023-01-01"), Options{Decisions: []ReviewDecision{dec}})
	if f.Status != StatusProhibitedLocked || f.LegalStatus != StatusReview || f.Decision == nil {
		t.Errorf("status %s legal %s decision %v, want prohibited_locked over review", f.Status, f.LegalStatus, f.Decision)
	}
}

func TestReportRowsInvariantAndTotals(t *testing.T) {
	l := testList(t)
	hs := []Holding{
		{File: "f", Line: 2, Portfolio: "A", ISIN: "HK0941009539", MarketValue: decimal.RequireFromString("100.50"), Currency: "HKD"},
		{File: "f", Line: 3, Portfolio: "A", ISIN: "HK0941009539", MarketValue: decimal.RequireFromString("10"), Currency: "USD"},
		{File: "f", Line: 4, Portfolio: "A", Name: "APPLE INC", MarketValue: decimal.RequireFromString("5"), Currency: "USD"},
	}
	rej := []ParseError{{File: "f", Line: 5, Reason: "no identifier"}}
	r := Screen(hs, rej, []*List{l}, nil, at("2023-01-01"), Options{})
	if r.Summary.Rows != 4 || r.Summary.Screened != 3 || r.Summary.Rejected != 1 {
		t.Fatalf("summary %+v", r.Summary)
	}
	if len(r.Findings) != 2 {
		t.Errorf("%d findings, want 2 (clear rows left out)", len(r.Findings))
	}
	var hkd, usd bool
	for _, tot := range r.Totals.ByEntry {
		if tot.Currency == "HKD" && tot.MarketValue.Equal(decimal.RequireFromString("100.50")) {
			hkd = true
		}
		if tot.Currency == "USD" && tot.MarketValue.Equal(decimal.RequireFromString("10")) {
			usd = true
		}
	}
	if !hkd || !usd {
		t.Errorf("totals by entry must keep currencies apart: %+v", r.Totals.ByEntry)
	}
	r = Screen(hs, rej, []*List{l}, nil, at("2023-01-01"), Options{All: true})
	if len(r.Findings) != 3 {
		t.Errorf("--all: %d findings, want 3", len(r.Findings))
	}
}

func TestCSVInjection(t *testing.T) {
	r := &Report{Schema: ReportSchema, AsOf: "2023-01-01T12:00:00-05:00", Findings: []Finding{{
		File: "x.csv", Line: 2, Portfolio: "=HYPERLINK(\"http://evil\")", Status: StatusReview,
		Security:    Security{Name: "@SUM(A1:A9)", Ticker: "+1"},
		MarketValue: decimal.RequireFromString("-2513764.12"), Quantity: decimal.RequireFromString("-5"),
		Evidence: []string{"-cmd"},
		// A custom list's entry carries formulas too: its cells are
		// neutralised like the holdings'.
		Entry: &EntryRef{List: "=cmd|' /C calc'!A0", ID: "=HYPERLINK(\"http://evil\",\"1\")", Name: "+x", Program: "@P"},
	}}}
	var buf bytes.Buffer
	if err := r.WriteCSV(&buf); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]string{}
	for i, h := range recs[0] {
		col[h] = recs[1][i]
	}
	for k, want := range map[string]string{
		"portfolio": `'=HYPERLINK("http://evil")`, "security_name": "'@SUM(A1:A9)", "ticker": "'+1",
		"evidence": "'-cmd", "market_value": "-2513764.12", "quantity": "-5",
		"list": `'=cmd|' /C calc'!A0`, "entry_id": `'=HYPERLINK("http://evil","1")`, "entry_name": "'+x", "program": "'@P",
	} {
		if col[k] != want {
			t.Errorf("%s = %q, want %q", k, col[k], want)
		}
	}
}

// Totals add exactly: integer fast path, overflow into decimal, and values
// the fast path does not take (more than 9 decimals, huge coefficients).
func TestTotalsExact(t *testing.T) {
	vals := []string{"10660191.96", "9000000000.123456789", "-0.000000001", "12345678901234567890.5",
		"0.0000000001", "-9000000000.123456789", "1e3", "999999999999999999", "4000000000", "4000000000.5"}
	a := &acc{}
	want := decimal.Zero
	for i := 0; i < 3000; i++ {
		v := decimal.RequireFromString(vals[i%len(vals)])
		a.add(v)
		want = want.Add(v)
	}
	if got := a.total().MarketValue; !got.Equal(want) || a.total().Positions != 3000 {
		t.Errorf("total %s (%d positions), want %s", got, a.total().Positions, want)
	}
}

// FuzzBondClass holds bondClass, which compares only where a word may
// start, to strings.EqualFold at every place.
func FuzzBondClass(f *testing.F) {
	for _, s := range []string{"Fixed Income", "Equity", "BOND", "debt instrument", "ﬁxed", "Debt", "d", "xbondx", "ſ", "Ｆixed", "F\u017fixed"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, ac string) {
		want := false
		for _, w := range []string{"bond", "fixed", "debt"} {
			for i := 0; i+len(w) <= len(ac); i++ {
				if strings.EqualFold(ac[i:i+len(w)], w) {
					want = true
				}
			}
		}
		if got := bondClass(ac); got != want {
			t.Fatalf("bondClass(%q) = %v, want %v", ac, got, want)
		}
	})
}
