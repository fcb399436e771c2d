package holdings

import (
	"io"
	"strings"
	"time"

	"github.com/screener/screener/screener"
)

// Interactive Brokers Flex Query CSV ("Open Positions"): a header starting
// ClientAccountID, one row per position (or per lot). Identifier columns
// (CUSIP, ISIN, SecurityID) are often empty; Symbol, ListingExchange and
// IB's contract id (Conid) are what is always there.

// readIBKRCSV reads an IB Flex positions CSV through the alias table
// (ClientAccountID → Portfolio, CurrencyPrimary → Currency, Symbol → Ticker,
// Description → Name, ListingExchange → Exchange, MarkPrice → Price,
// PositionValue → MarketValue, PercentOfNAV → Weight) and adds Conid to
// OtherIDs as "IB conid". ReportDate (yyyymmdd) of the first row becomes
// Info.AsOf, ClientAccountID Info.Portfolio when every row has the same.
func readIBKRCSV(name string, r io.Reader, s Sink, info *Info) error {
	cr := newCSV(r, ',')
	rec, err := cr.Read()
	if err != nil {
		if pe, ok := csvReject(name, err); ok {
			return pe
		}
		return &screener.ParseError{File: name, Reason: "IBKR Flex CSV without a header row"}
	}
	c, err := newColumns(name, 1, rec)
	if err != nil {
		return err
	}
	conid, reportDate := -1, -1
	for j, h := range c.header {
		switch normalise(h) {
		case "conid":
			conid = j
		case "reportdate":
			reportDate = j
		}
	}
	account, sameAccount := "", true
	c.fix = func(h *screener.Holding, rec []string) *screener.ParseError {
		if conid >= 0 && conid < len(rec) {
			if v := trimSpace(rec[conid]); v != "" {
				h.OtherIDs = []screener.ID{{Type: "IB conid", Value: v}}
			}
		}
		if reportDate >= 0 && reportDate < len(rec) && info.AsOf.IsZero() {
			if t, err := time.Parse("20060102", trimSpace(rec[reportDate])); err == nil {
				info.AsOf = screener.DateOf(t)
			}
		}
		if account == "" {
			account = h.Portfolio
		} else if h.Portfolio != account {
			sameAccount = false
		}
		h.Ticker = strings.TrimSpace(h.Ticker)
		return nil
	}
	rows, err := tableLoop(cr, c, s, nil, 0)
	if err != nil {
		return err
	}
	if sameAccount {
		info.Portfolio = account
	}
	if rows == 0 {
		return &screener.ParseError{File: name, Line: 1, Reason: "the file has a header but no data rows"}
	}
	return nil
}
