package screener

import (
	"encoding/json"

	"github.com/screener/screener/screener/jsonw"
)

// AppendJSON appends t as encoding/json writes it. A report over
// thousands of portfolios has tens of thousands of totals (one per
// portfolio and currency), and by reflection they were the larger part of
// the serial end of a screen, after the last row. Exposure through funds,
// seldom more than a few lines, still goes through encoding/json.
func (t Totals) AppendJSON(b []byte) []byte { return t.appendJSON(b, nil) }

// appendJSON is AppendJSON that hands b to flush, when set, each time it
// passes 64 KB, and goes on appending to what flush returns.
func (t Totals) appendJSON(b []byte, flush func([]byte) []byte) []byte {
	b = appendTotals(append(b, `{"by_portfolio":`...), t.ByPortfolio, flush)
	b = appendTotals(append(b, `,"by_entry":`...), t.ByEntry, flush)
	b = appendTotals(append(b, `,"by_status":`...), t.ByStatus, flush)
	if len(t.ByEntryViaFunds) > 0 {
		v, err := json.Marshal(t.ByEntryViaFunds)
		if err != nil {
			panic(err) // strings, ints and decimals always marshal
		}
		b = append(append(b, `,"by_entry_via_funds":`...), v...)
	}
	return append(b, '}')
}

func appendTotals(b []byte, ts []Total, flush func([]byte) []byte) []byte {
	if ts == nil {
		return append(b, "null"...)
	}
	b = append(b, '[')
	for i := range ts {
		t := &ts[i]
		if i > 0 {
			b = append(b, ',')
		}
		b = jsonw.Field(append(b, '{'), `"key":`, t.Key)
		b = jsonw.Field(b, `,"currency":`, t.Currency)
		b = jsonw.Int(append(b, `,"positions":`...), t.Positions)
		b = jsonw.Decimal(append(b, `,"market_value":`...), t.MarketValue)
		b = append(b, '}')
		if flush != nil && len(b) >= 64<<10 {
			b = flush(b)
		}
	}
	return append(b, ']')
}
