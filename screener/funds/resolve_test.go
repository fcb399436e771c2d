package funds_test

import (
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/screener/screener/screener"
	"github.com/screener/screener/screener/funds"
	"github.com/screener/screener/screener/holdings"
	"github.com/screener/screener/screener/lists"
	"github.com/screener/screener/screener/shareddata"
	"github.com/shopspring/decimal"
)

var (
	matcherOnce sync.Once
	matcher     *screener.Matcher
	matcherErr  error
)

// testMatcher is the engine over the embedded OFAC snapshot (no reference
// directory: the constituents below are matched by ISIN and ticker).
func testMatcher(t testing.TB) *screener.Matcher {
	t.Helper()
	matcherOnce.Do(func() {
		l, err := lists.Default()
		if err != nil {
			matcherErr = err
			return
		}
		matcher = screener.NewMatcher([]*screener.List{l}, nil)
	})
	if matcherErr != nil {
		t.Fatal(matcherErr)
	}
	return matcher
}

func asOf(t testing.TB, s string) time.Time {
	t.Helper()
	at, err := screener.ParseAsOf(s)
	if err != nil {
		t.Fatal(err)
	}
	return at
}

func date(t testing.TB, s string) screener.Date {
	t.Helper()
	d, err := screener.ParseDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// registry is a test registry: funds with sets of rows in memory (the store
// keeps the same values; store tests cover the bbolt side).
type registry struct {
	funds []funds.Fund
	rows  map[uint64][]screener.Holding
	loads map[uint64]int
	seq   uint64
	mu    sync.Mutex
}

func newRegistry() *registry {
	return &registry{rows: map[uint64][]screener.Holding{}, loads: map[uint64]int{}}
}

// add registers rows as the holdings of the fund with ISIN isin as of day.
func (r *registry) add(t testing.TB, isin, name, day string, rows ...screener.Holding) {
	t.Helper()
	r.seq++
	set := funds.SetInfo{Seq: r.seq, AsOf: date(t, day), File: name + ".csv", SHA256: fmt.Sprintf("%064d", r.seq), Rows: len(rows), Holdings: len(rows)}
	r.rows[r.seq] = rows
	for i := range r.funds {
		if r.funds[i].IDs[0].Value == isin {
			r.funds[i].Sets = append(r.funds[i].Sets, set)
			return
		}
	}
	r.funds = append(r.funds, funds.Fund{ID: uint64(len(r.funds) + 1), Name: name,
		IDs: []screener.ID{{Type: funds.IDISIN, Value: isin}}, Sets: []funds.SetInfo{set}})
}

func (r *registry) load(seq uint64) ([]screener.Holding, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.loads[seq]++
	hs, ok := r.rows[seq]
	if !ok {
		return nil, fmt.Errorf("no set %d", seq)
	}
	return hs, nil
}

func (r *registry) resolver(opt funds.Options) *funds.Resolver {
	return funds.New(append([]funds.Fund(nil), r.funds...), r.load, opt)
}

func row(isin, name string, weight string) screener.Holding {
	h := screener.Holding{File: "fund.csv", Line: 2, ISIN: isin, Name: name, Currency: "USD"}
	if weight != "" {
		h.Weight, h.HasWeight = decimal.RequireFromString(weight), true
	}
	return h
}

// Real identifiers: China Mobile's H share (CMIC 30923), Apple, Microsoft.
const (
	chinaMobile = "HK0941009539"
	apple       = "US0378331005"
	microsoft   = "US5949181045"
)

func screen(t testing.TB, r *funds.Resolver, h screener.Holding, day string) screener.Finding {
	t.Helper()
	m := testMatcher(t)
	return m.Match(&h, asOf(t, day), screener.Options{Funds: r})
}

func TestRecursionFeederMasterCMIC(t *testing.T) {
	reg := newRegistry()
	// H-13: US feeder → UCITS master → CMIC share.
	reg.add(t, "IE00MASTER01", "UCITS master", "2023-06-01",
		row(apple, "APPLE INC", "97.5"), row(chinaMobile, "CHINA MOBILE LTD", "2.5"))
	reg.add(t, "US00FEEDER01", "US feeder", "2023-06-05",
		row("IE00MASTER01", "UCITS MASTER FUND", "50"), row(microsoft, "MICROSOFT CORP", "50"))
	f := screen(t, reg.resolver(funds.Options{}), screener.Holding{ISIN: "US00FEEDER01", Name: "US FEEDER", MarketValue: decimal.RequireFromString("10000"), HasValue: true, Currency: "USD"}, "2023-06-15")
	if f.Status != screener.StatusProhibitedExposure {
		t.Fatalf("status %s, want prohibited_exposure; evidence %v", f.Status, f.Evidence)
	}
	if len(f.Basis) != 1 || f.Basis[0] != screener.BasisFundLookthrough {
		t.Errorf("basis %v, want [fund_lookthrough]", f.Basis)
	}
	lt := f.Lookthrough
	if lt == nil {
		t.Fatal("no lookthrough")
	}
	want := []string{"ISIN:US00FEEDER01", "ISIN:IE00MASTER01", "ISIN:" + chinaMobile}
	if strings.Join(lt.Path, " ") != strings.Join(want, " ") {
		t.Errorf("path %v, want %v", lt.Path, want)
	}
	if lt.HoldingsAsOf != date(t, "2023-06-05") {
		t.Errorf("holdings_as_of %s, want the feeder's 2023-06-05", lt.HoldingsAsOf)
	}
	// 50 % of the feeder in the master, 2.5 % of the master in China Mobile.
	if lt.ExposureWeight == nil || !lt.ExposureWeight.Equal(decimal.RequireFromString("1.25")) {
		t.Errorf("exposure weight %v, want 1.25", lt.ExposureWeight)
	}
	if f.Entry == nil || f.Entry.ID != "30923" {
		t.Errorf("entry %+v, want 30923 CHINA MOBILE LIMITED", f.Entry)
	}
	d, _ := screener.TradeDecision(&f, screener.SideBuy)
	if d != screener.DecisionReject {
		t.Errorf("buy decision %s, want reject (FAQ 861)", d)
	}
}

func TestCycleIsReviewNotLoop(t *testing.T) {
	reg := newRegistry()
	reg.add(t, "XS000000A001", "Fund A", "2023-06-01", row("XS000000B001", "FUND B", "100"))
	reg.add(t, "XS000000B001", "Fund B", "2023-06-01", row("XS000000A001", "FUND A", "50"), row(apple, "APPLE INC", "50"))
	f := screen(t, reg.resolver(funds.Options{}), screener.Holding{ISIN: "XS000000A001", Name: "FUND A"}, "2023-06-15")
	if f.Status != screener.StatusReview || f.Reason != screener.ReasonLookthroughUnavailable {
		t.Fatalf("status %s reason %q, want review lookthrough_unavailable", f.Status, f.Reason)
	}
	if !strings.Contains(strings.Join(evidenceOf(f), " "), "cycle") {
		t.Errorf("no cycle named in %v", evidenceOf(f))
	}
	// A cycle under a CMIC line still prohibits: the CMIC line decides.
	reg.add(t, "XS000000B001", "Fund B", "2023-06-10", row("XS000000A001", "FUND A", "50"), row(chinaMobile, "CHINA MOBILE LTD", "50"))
	f = screen(t, reg.resolver(funds.Options{}), screener.Holding{ISIN: "XS000000A001", Name: "FUND A"}, "2023-06-15")
	if f.Status != screener.StatusProhibitedExposure {
		t.Errorf("status %s, want prohibited_exposure", f.Status)
	}
}

func TestDepthLimit(t *testing.T) {
	reg := newRegistry()
	// F0 → F1 → … → F5 → China Mobile.
	for i := 5; i >= 0; i-- {
		child := row(chinaMobile, "CHINA MOBILE LTD", "10")
		if i < 5 {
			child = row(fmt.Sprintf("XS00000000F%d", i+1), "FUND", "10")
		}
		reg.add(t, fmt.Sprintf("XS00000000F%d", i), fmt.Sprintf("F%d", i), "2023-06-01", child)
	}
	top := screener.Holding{ISIN: "XS00000000F0", Name: "F0"}
	if f := screen(t, reg.resolver(funds.Options{}), top, "2023-06-15"); f.Status != screener.StatusProhibitedExposure || len(f.Lookthrough.Path) != 7 {
		t.Errorf("depth 6: status %s path %v, want prohibited_exposure over 7 keys", f.Status, f.Lookthrough.Path)
	}
	f := screen(t, reg.resolver(funds.Options{MaxDepth: 3}), top, "2023-06-15")
	if f.Status != screener.StatusReview || f.Reason != screener.ReasonLookthroughUnavailable {
		t.Errorf("depth limit 3: status %s reason %q, want review lookthrough_unavailable", f.Status, f.Reason)
	}
}

func TestHoldingsDateRule(t *testing.T) {
	reg := newRegistry()
	reg.add(t, "XS00000DATE1", "Dated", "2023-01-31", row(apple, "APPLE INC", "100"))
	reg.add(t, "XS00000DATE1", "Dated", "2023-02-28", row(chinaMobile, "CHINA MOBILE LTD", "100"))
	r := reg.resolver(funds.Options{})
	h := screener.Holding{ISIN: "XS00000DATE1", Name: "DATED FUND"}
	cases := []struct {
		day, status, reason, holdings string
	}{
		{"2023-01-15", "review", screener.ReasonLookthroughUnavailable, ""},     // nothing on or before
		{"2023-02-15", "clear", "", "2023-01-31"},                               // the January set: Apple only
		{"2023-02-28", "prohibited_exposure", "", "2023-02-28"},                 // on the date itself
		{"2023-03-20", "prohibited_exposure", "", "2023-02-28"},                 // latest on or before
		{"2023-04-30", "review", screener.ReasonLookthroughStale, "2023-02-28"}, // 61 days old
	}
	for _, c := range cases {
		f := screen(t, r, h, c.day)
		got := ""
		if f.Lookthrough != nil {
			got = f.Lookthrough.HoldingsAsOf.String()
		}
		if string(f.Status) != c.status || f.Reason != c.reason || got != c.holdings {
			t.Errorf("%s: status %s reason %q holdings %q, want %s %q %q", c.day, f.Status, f.Reason, got, c.status, c.reason, c.holdings)
		}
	}
	// A longer limit makes the April screen current.
	if f := screen(t, reg.resolver(funds.Options{MaxAge: 90}), h, "2023-04-30"); f.Status != screener.StatusProhibitedExposure {
		t.Errorf("max age 90: status %s, want prohibited_exposure", f.Status)
	}
}

func TestUnknownFundNeverClear(t *testing.T) {
	empty := funds.New(nil, func(uint64) ([]screener.Holding, error) { return nil, nil }, funds.Options{NoRegistry: true})
	reg := newRegistry()
	reg.add(t, "XS0000BROKEN", "Broken", "2023-06-01", row(apple, "APPLE INC", "100"))
	broken := funds.New(reg.funds, func(uint64) ([]screener.Holding, error) { return nil, os.ErrNotExist }, funds.Options{})
	cases := []struct {
		name string
		r    *funds.Resolver
		h    screener.Holding
	}{
		{"UCITS ETF by name", empty, screener.Holding{ISIN: "IE00B4L5Y983", Name: "ISHARES CORE MSCI WORLD UCITS ETF"}},
		{"fund by asset class", empty, screener.Holding{ISIN: "LU0000000001", Name: "GLOBAL EQUITY SELECTION", AssetClass: "Mutual Fund"}},
		{"N-PORT registered fund", empty, screener.Holding{CUSIP: "464287234", Name: "EMERGING MARKETS", AssetClass: "RF"}},
		{"SICAV by name", empty, screener.Holding{Name: "AMUNDI FUNDS SICAV - CHINA EQUITY"}},
		{"closed-end fund by name", empty, screener.Holding{Name: "MEXICO FUND INC", AssetClass: "Equity"}},
		{"REIT ETF: the strong word wins", empty, screener.Holding{Name: "ISHARES GLOBAL REIT ETF", AssetClass: "Equity"}},
		{"real-estate fund with a fund asset class", empty, screener.Holding{Name: "EUROPEAN PROPERTY FUND", AssetClass: "Fund"}},
		{"holdings unreadable", broken, screener.Holding{ISIN: "XS0000BROKEN", Name: "BROKEN"}},
	}
	for _, c := range cases {
		f := screen(t, c.r, c.h, "2023-06-15")
		if f.Status != screener.StatusReview || f.Reason != screener.ReasonLookthroughUnavailable {
			t.Errorf("%s: status %s reason %q, want review lookthrough_unavailable", c.name, f.Status, f.Reason)
		}
	}
	// Not funds: a share, a money-market sweep, a name that only contains
	// a fund word inside another word.
	for _, h := range []screener.Holding{
		{ISIN: apple, Name: "APPLE INC", AssetClass: "Equity"},
		{Name: "BLK CSH FND TREASURY SL AGENCY", AssetClass: "Money Market"},
		{Name: "REFUNDABLE DEPOSIT CORP"},
		// J-REITs own buildings, not securities: FUND in their names
		// (ACWI's lines, truncated as iShares writes them) is no fund.
		{Name: "NIPPON BUILDING FUND REIT INC", AssetClass: "Equity"},
		{Name: "JAPAN METROPOLITAN FUND INVESTMENT", AssetClass: "Equity"},
		{Name: "NOMURA REAL ESTATE MASTER FUND REI", AssetClass: "Equity"},
	} {
		if f := screen(t, empty, h, "2023-06-15"); f.Status != screener.StatusClear {
			t.Errorf("%s: status %s, want clear", h.Name, f.Status)
		}
	}
}

func TestNonUSPersonAccount(t *testing.T) {
	reg := newRegistry()
	reg.add(t, "XS0000CMICF1", "CMIC fund", "2023-06-01", row(chinaMobile, "CHINA MOBILE LTD", "3"), row(apple, "APPLE INC", "97"))
	h := screener.Holding{ISIN: "XS0000CMICF1", Name: "CMIC FUND", USPerson: screener.USPersonNo}
	f := screen(t, reg.resolver(funds.Options{}), h, "2023-06-15")
	if f.Status != screener.StatusProhibitedExposure || f.USPerson != "non_us_person" {
		t.Fatalf("status %s us %s, want prohibited_exposure for a non_us_person", f.Status, f.USPerson)
	}
	if !strings.Contains(f.Action, "Non-US-person") {
		t.Errorf("action %q does not give the F-4 treatment", f.Action)
	}
	for _, side := range []screener.Side{screener.SideBuy, screener.SideSell} {
		if d, why := screener.TradeDecision(&f, side); d != screener.DecisionAllow {
			t.Errorf("%s: %s (%s), want allow for a non-US-person account", side, d, why)
		}
	}
	h.USPerson = screener.USPersonYes
	f = screen(t, reg.resolver(funds.Options{}), h, "2023-06-15")
	if d, _ := screener.TradeDecision(&f, screener.SideSell); d != screener.DecisionReject {
		t.Errorf("US person sell: %s, want reject", d)
	}
}

func TestMemoisedPerSet(t *testing.T) {
	reg := newRegistry()
	reg.add(t, "XS0000MEMO01", "Memo", "2023-06-01", row(chinaMobile, "CHINA MOBILE LTD", "1"), row(apple, "APPLE INC", "99"))
	r := reg.resolver(funds.Options{})
	var wg sync.WaitGroup
	for i := 0; i < 500; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			f := screen(t, r, screener.Holding{ISIN: "XS0000MEMO01", Portfolio: fmt.Sprint("acct", i)}, "2023-06-15")
			if f.Status != screener.StatusProhibitedExposure {
				t.Errorf("status %s", f.Status)
			}
		}()
	}
	wg.Wait()
	if n := reg.loads[1]; n != 1 {
		t.Errorf("holdings loaded %d times for 500 accounts, want 1", n)
	}
}

func TestNPORTAsSource(t *testing.T) {
	path := shareddata.Path(t, "holdings/sec/NPORT-P_goldman_sachs_bond_fund_2023-03-31.xml")
	c := &collect{}
	info, err := holdings.ReadFile(path, c)
	if err != nil {
		t.Fatal(err)
	}
	var series string
	for _, id := range info.FundIDs {
		if id.Type == funds.IDSeries {
			series = id.Value
		}
	}
	if series == "" || !strings.HasPrefix(series, "S") {
		t.Fatalf("N-PORT file gave fund ids %v, want a series id", info.FundIDs)
	}
	if info.AsOf.IsZero() {
		t.Fatal("N-PORT file gave no repPdDate")
	}
	if err := funds.CheckDate(info.AsOf.AddDays(1), info.AsOf, path, false); err == nil {
		t.Error("a --holdings-as-of that disagrees with repPdDate was accepted without --force")
	}
	if err := funds.CheckDate(info.AsOf.AddDays(1), info.AsOf, path, true); err != nil {
		t.Errorf("--force: %v", err)
	}
	fund := funds.Fund{ID: 1, Name: info.Portfolio, IDs: info.FundIDs, Sets: []funds.SetInfo{{Seq: 1, AsOf: info.AsOf, File: "nport.xml", Rows: info.Rows, Holdings: len(c.hs), Rejected: info.Rejected}}}
	r := funds.New([]funds.Fund{fund}, func(uint64) ([]screener.Holding, error) { return c.hs, nil }, funds.Options{})
	// A position given by the N-PORT series id finds the fund.
	h := screener.Holding{Name: "GS BOND FUND", OtherIDs: []screener.ID{{Type: "series id", Value: series}}}
	f := screen(t, r, h, info.AsOf.AddDays(10).String())
	if f.Lookthrough == nil || f.Lookthrough.HoldingsAsOf != info.AsOf {
		t.Fatalf("not looked through: %+v", f)
	}
	if f.Status == screener.StatusClear && info.Rejected > 0 {
		t.Errorf("clear with %d rejected rows", info.Rejected)
	}
	// The same holdings screened directly give the same worst constituent.
	m := testMatcher(t)
	worst := screener.StatusClear
	for i := range c.hs {
		if g := m.MatchDirect(&c.hs[i], asOf(t, info.AsOf.AddDays(10).String()), screener.Options{}); g.Status.Rank() < worst.Rank() {
			worst = g.Status
		}
	}
	if screener.IsCMICStatus(worst) != (f.Status == screener.StatusProhibitedExposure) {
		t.Errorf("look-through %s, but the worst constituent screened directly is %s", f.Status, worst)
	}
}

type collect struct{ hs []screener.Holding }

func (c *collect) Holding(h *screener.Holding) error   { c.hs = append(c.hs, h.Clone()); return nil }
func (c *collect) Reject(e *screener.ParseError) error { return nil }

func evidenceOf(f screener.Finding) []string {
	out := append([]string(nil), f.Evidence...)
	if f.Lookthrough != nil {
		for _, c := range f.Lookthrough.Constituents {
			out = append(out, c.Evidence...)
		}
	}
	return out
}
