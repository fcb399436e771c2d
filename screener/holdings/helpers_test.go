package holdings

import (
	"testing"

	"github.com/screener/screener/screener"
	"github.com/screener/screener/screener/shareddata"
	"github.com/shopspring/decimal"
)

// collect is a Sink that keeps copies of everything.
type collect struct {
	holdings []screener.Holding
	rejects  []*screener.ParseError
}

func (c *collect) Holding(h *screener.Holding) error {
	c.holdings = append(c.holdings, h.Clone())
	return nil
}

func (c *collect) Reject(e *screener.ParseError) error {
	c.rejects = append(c.rejects, e)
	return nil
}

// byLine returns the holding read from line, failing the test if none.
func (c *collect) byLine(t *testing.T, line int) screener.Holding {
	t.Helper()
	for _, h := range c.holdings {
		if h.Line == line {
			return h
		}
	}
	t.Fatalf("no holding from line %d", line)
	return screener.Holding{}
}

// readShared reads a shared data file through ReadFile.
func readShared(t *testing.T, rel string) (Info, *collect) {
	t.Helper()
	path := shareddata.Path(t, rel)
	var c collect
	info, err := ReadFile(path, &c)
	if err != nil {
		t.Fatalf("ReadFile(%s): %v", rel, err)
	}
	if info.Rows != info.Holdings+info.Rejected || info.Holdings != len(c.holdings) || info.Rejected != len(c.rejects) {
		t.Fatalf("counts do not add up: %+v, sink saw %d holdings %d rejects", info, len(c.holdings), len(c.rejects))
	}
	return info, &c
}

func dec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

// want is the part of a Holding a test checks; empty strings and nil
// decimals are checked too (they must be empty).
type want struct {
	line                                 int
	portfolio, name, isin, cusip, sedol  string
	ticker, exchange, currency, assetCls string
	qty, price, value, weight            string // "" = Has flag false
	otherIDs                             []screener.ID
	warnings                             int
}

func checkHolding(t *testing.T, h screener.Holding, w want) {
	t.Helper()
	str := func(field, got, want string) {
		if got != want {
			t.Errorf("line %d %s = %q, want %q", w.line, field, got, want)
		}
	}
	str("Portfolio", h.Portfolio, w.portfolio)
	str("Name", h.Name, w.name)
	str("ISIN", h.ISIN, w.isin)
	str("CUSIP", h.CUSIP, w.cusip)
	str("SEDOL", h.SEDOL, w.sedol)
	str("Ticker", h.Ticker, w.ticker)
	str("Exchange", h.Exchange, w.exchange)
	str("Currency", h.Currency, w.currency)
	str("AssetClass", h.AssetClass, w.assetCls)
	num := func(field string, got decimal.Decimal, has bool, want string) {
		if want == "" {
			if has {
				t.Errorf("line %d %s = %s, want none", w.line, field, got)
			}
			return
		}
		if !has || !got.Equal(dec(want)) {
			t.Errorf("line %d %s = %s (has %v), want %s", w.line, field, got, has, want)
		}
	}
	num("Quantity", h.Quantity, h.HasQuantity, w.qty)
	num("Price", h.Price, h.HasPrice, w.price)
	num("MarketValue", h.MarketValue, h.HasValue, w.value)
	num("Weight", h.Weight, h.HasWeight, w.weight)
	if len(h.OtherIDs) != len(w.otherIDs) {
		t.Errorf("line %d OtherIDs = %v, want %v", w.line, h.OtherIDs, w.otherIDs)
	} else {
		for i := range h.OtherIDs {
			if h.OtherIDs[i] != w.otherIDs[i] {
				t.Errorf("line %d OtherIDs = %v, want %v", w.line, h.OtherIDs, w.otherIDs)
			}
		}
	}
	if len(h.Warnings) != w.warnings {
		t.Errorf("line %d warnings = %q, want %d", w.line, h.Warnings, w.warnings)
	}
}
