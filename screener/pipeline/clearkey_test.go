package pipeline

import (
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/screener/screener/screener"
	"github.com/screener/screener/screener/funds"
	"github.com/screener/screener/screener/holdings"
	"github.com/screener/screener/screener/shareddata"
)

// collect is a holdings.Sink that keeps every holding.
type collect []screener.Holding

func (c *collect) Holding(h *screener.Holding) error { *c = append(*c, h.Clone()); return nil }
func (c *collect) Reject(*screener.ParseError) error { return nil }

// variants crosses names, ISINs, tickers written in every convention a
// holdings file uses (Bloomberg, Reuters/Yahoo, a bare code with the
// exchange as a MIC, an acronym or a full name, a bare code with no
// market) and asset classes, listed securities and clear ones, a fund and
// a bond: any field a key left out would join two of them that Match
// tells apart.
func variants() []screener.Holding {
	names := []string{"CHINA MOBILE LTD", "APPLE INC", "ISHARES MSCI CHINA ETF", "CNOOC FINANCE 2015 AU 4.2 05/05/45", ""}
	isins := []string{"HK0941009539", "US0378331005", "CNE100000PM8", ""}
	type spelling struct{ ticker, exchange string }
	spellings := []spelling{
		{"941 HK", ""}, {"0941.HK", ""}, {"941", "HKEX"}, {"0941", "Hong Kong Stock Exchange"}, {"941", "XHKG"},
		{"002415 CH", ""}, {"002415.SZ", ""}, {"002415", "Shenzhen Stock Exchange"}, {"002415", "XSHE"},
		{"AAPL US", ""}, {"AAPL.O", ""}, {"AAPL", "NASDAQ"}, {"AAPL", "XNAS"},
		{"7203 JP", ""}, {"7203.T", ""}, {"7203", "XTKS"},
		{"MCHI US", ""}, {"MCHI", ""}, {"2357", ""}, {"2357", "XHKG"}, {"", "XHKG"}, {"", ""},
	}
	classes := []string{"Equity", "Fixed Income", "ETF"}
	var out []screener.Holding
	line := 1
	for _, name := range names {
		for _, isin := range isins {
			for _, sp := range spellings {
				for _, class := range classes {
					line++
					out = append(out, screener.Holding{File: "variants.csv", Line: line, Portfolio: "P", Name: name, ISIN: isin,
						Ticker: sp.ticker, Exchange: sp.exchange, AssetClass: class, Currency: "USD"})
				}
			}
		}
	}
	return out
}

// Matcher.ClearKey promises that holdings with the same key are all clear
// with no basis or none is (the pipeline counts a row by another's outcome
// on it). Held on every holding of the real holdings files, the demo file
// and securities written in every ticker convention, as of two dates,
// without a fund registry and with one that registers a fund under a
// ticker: in each group of holdings that share a key, Match gives every
// member the same clear-with-no-basis verdict.
func TestClearKeyDecidesClear(t *testing.T) {
	root := shareddata.Path(t, "holdings")
	files := []string{filepath.Join("..", "..", "testdata", "demo", "holdings.csv")}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() && !strings.HasSuffix(p, ".md") && !strings.HasSuffix(p, ".txt") {
			files = append(files, p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	var hs collect
	for _, path := range files {
		_, _ = holdings.ReadFile(path, &hs) // a file refused whole adds nothing
	}
	hs = append(hs, variants()...)
	if len(hs) < 1000 {
		t.Fatalf("only %d holdings read", len(hs))
	}
	ls, dir := embedded(t)
	noRegistry := funds.New(nil, func(uint64) ([]screener.Holding, error) { return nil, nil }, funds.Options{NoRegistry: true})
	etf := funds.Fund{ID: 1, Name: "ISHARES MSCI CHINA ETF", IDs: []screener.ID{{Type: funds.IDTicker, Value: "MCHI"}}}
	registry := funds.New([]funds.Fund{etf}, func(uint64) ([]screener.Holding, error) { return nil, nil }, funds.Options{})
	looks := []struct {
		name string
		lt   screener.FundLookThrough
	}{{"no look-through", nil}, {"no registry", noRegistry}, {"a fund registered by ticker", registry}}
	shared, sharedClear, sharedNot := 0, 0, 0
	for _, look := range looks {
		for _, at := range []time.Time{time.Date(2021, 7, 1, 12, 0, 0, 0, time.UTC), time.Date(2024, 1, 2, 12, 0, 0, 0, time.UTC)} {
			m := screener.NewMatcher(ls, dir)
			m.SetFunds(look.lt)
			type group struct {
				clear   bool
				first   *screener.Holding
				written map[string]bool // ticker and exchange as written
			}
			groups := map[string]*group{}
			for i := range hs {
				h := &hs[i]
				key, ok := m.ClearKey(nil, h, screener.Options{})
				if !ok {
					t.Fatalf("%s: ClearKey refused the screener's own look-through", look.name)
				}
				f := m.Match(h, at, screener.Options{})
				clear := f.Status == screener.StatusClear && len(f.Basis) == 0 && f.Entry == nil
				g := groups[string(key)]
				if g == nil {
					groups[string(key)] = &group{clear: clear, first: h, written: map[string]bool{h.Ticker + "|" + h.Exchange: true}}
					continue
				}
				if g.clear != clear {
					t.Fatalf("%s, as of %s: %s line %d (ticker %q on %q) and %s line %d (ticker %q on %q) share a clear key, but Match finds one clear with no basis and not the other (%s)",
						look.name, at.Format(time.DateOnly), g.first.File, g.first.Line, g.first.Ticker, g.first.Exchange,
						h.File, h.Line, h.Ticker, h.Exchange, f.Status)
				}
				g.written[h.Ticker+"|"+h.Exchange] = true
			}
			for _, g := range groups {
				if len(g.written) > 1 {
					shared++
					if g.clear {
						sharedClear++
					} else {
						sharedNot++
					}
				}
			}
		}
	}
	// The test means something only if keys join holdings written
	// differently, clear ones and listed ones.
	if sharedClear < 10 || sharedNot < 10 {
		t.Fatalf("keys joined %d groups of differently written tickers (%d clear, %d not): too few to hold the promise to", shared, sharedClear, sharedNot)
	}
	t.Logf("%d holdings; %d groups of differently written tickers shared a key (%d clear, %d not)", len(hs), shared, sharedClear, sharedNot)
}

// A look-through that does not declare what it reads gets no key: the
// pipeline then matches every new row.
func TestClearKeyRefusesAnUndeclaredLookThrough(t *testing.T) {
	ls, dir := embedded(t)
	m := screener.NewMatcher(ls, dir)
	m.SetFunds(opaqueLookThrough{})
	h := screener.Holding{Name: "APPLE INC", Ticker: "AAPL US"}
	if _, ok := m.ClearKey(nil, &h, screener.Options{}); ok {
		t.Fatal("ClearKey keyed a holding for a look-through that may read any field")
	}
	if _, ok := m.ClearKey(nil, &h, screener.Options{Funds: opaqueLookThrough{}}); ok {
		t.Fatal("ClearKey keyed a holding for a run's look-through that may read any field")
	}
}

type opaqueLookThrough struct{}

func (opaqueLookThrough) LookThrough(_ *screener.Matcher, h *screener.Holding, f screener.Finding, _ time.Time, _ screener.Options) screener.Finding {
	if strings.HasPrefix(h.Portfolio, "Fund") {
		f.Status = screener.StatusReview
		f.Evidence = append(f.Evidence, fmt.Sprintf("portfolio %q", h.Portfolio))
	}
	return f
}
