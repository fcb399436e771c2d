package holdings

import (
	"fmt"
	"io"
	"strings"

	"github.com/screener/screener/screener"
)

// DEGIRO "Portfolio" export:
//
//	Product,Symbol/ISIN,Amount,Closing,Local value,,Value in CHF
//	CASH & CASH FUND & FTX CASH (CHF),,,,CHF,"960,35","960,35"
//	AMAZON.COM INC,US0231351067,65,"313,00",USD,"20345,00","16128,25"
//
// Numbers use a decimal comma. "Local value" spans two columns: the
// currency, then (under an empty header) the amount. The last column is the
// value in the account's base currency. The cash line comes first.

// readDEGIRO reads a DEGIRO portfolio export. Name is Product, the
// Symbol/ISIN cell goes to ISIN (or Ticker when it is not ISIN-shaped),
// Quantity is Amount, Price is Closing, MarketValue and Currency the local
// value and its currency. Cash lines (no identifier, product starting
// "CASH") get AssetClass "Cash".
func readDEGIRO(name string, r io.Reader, s Sink, info *Info) error {
	cr := newCSV(r, ',')
	rec, err := cr.Read()
	if err != nil {
		if pe, ok := csvReject(name, err); ok {
			return pe
		}
		return &screener.ParseError{File: name, Reason: "DEGIRO export without a header row"}
	}
	header := append([]string(nil), rec...)
	col := func(n string) int {
		for j, h := range header {
			if normalise(h) == n {
				return j
			}
		}
		return -1
	}
	c := &columns{file: name, header: header, european: true}
	for f := range c.idx {
		c.idx[f] = -1
	}
	c.idx[fName] = col("product")
	c.idx[fSecurityID] = col("symbolisin")
	c.idx[fQuantity] = col("amount")
	c.idx[fPrice] = col("closing")
	lv := col("localvalue")
	if c.idx[fName] < 0 || c.idx[fSecurityID] < 0 || c.idx[fQuantity] < 0 || lv < 0 {
		return &screener.ParseError{File: name, Line: 1,
			Reason: fmt.Sprintf("DEGIRO header should have Product, Symbol/ISIN, Amount and Local value; it is %s", quoteList(header))}
	}
	if lv+1 >= len(header) || trimSpace(header[lv+1]) != "" {
		return &screener.ParseError{File: name, Line: 1, Column: lv + 2,
			Reason: "DEGIRO header should have an empty cell after \"Local value\" (the amount under it, the currency under \"Local value\")"}
	}
	c.idx[fCurrency] = lv
	c.idx[fMarketValue] = lv + 1
	c.fix = func(h *screener.Holding, _ []string) *screener.ParseError {
		if h.ISIN == "" && h.Ticker == "" && strings.HasPrefix(strings.ToUpper(h.Name), "CASH") {
			h.AssetClass = "Cash"
		}
		return nil
	}
	rows, err := tableLoop(cr, c, s, nil, 0)
	if err != nil {
		return err
	}
	if rows == 0 {
		return &screener.ParseError{File: name, Line: 1, Reason: "the file has a header but no data rows"}
	}
	return nil
}
