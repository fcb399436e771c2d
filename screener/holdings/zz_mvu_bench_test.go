package holdings

import (
	"testing"
)

func BenchmarkZZMVU(b *testing.B) {
	header := []string{"portfolio", "us_person", "isin", "ticker", "exchange", "name", "quantity", "price", "market_value", "currency", "asset_class"}
	c, err := newColumns("h.csv", 1, header)
	if err != nil {
		b.Fatal(err)
	}
	rec := []string{"Global Div 3345", "yes", "", "ZFH", "New York Stock Exchange", "FUJIAN INSURANCE PLC", "22506", "473.66", "10660191.96", "USD", "Equity"}
	r := Row{c: c, rec: rec, line: 2}
	var sum int64
	for b.Loop() {
		u, ok := r.MarketValueUnits()
		if !ok {
			b.Fatal("not ok")
		}
		sum += u
	}
	_ = sum
}
