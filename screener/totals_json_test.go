package screener

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"testing"

	"github.com/screener/screener/screener/jsonw/jsonwtest"
	"github.com/shopspring/decimal"
)

func checkTotalsJSON(t *testing.T, what string, tt Totals) {
	t.Helper()
	want, err := json.Marshal(tt)
	if err != nil {
		t.Fatal(err)
	}
	if got := tt.AppendJSON([]byte("x")); !bytes.Equal(got[1:], want) || got[0] != 'x' {
		t.Fatalf("%s: AppendJSON differs from encoding/json:\n got  %s\n want x%s", what, got, want)
	}
}

// TestTotalsJSON holds Totals.AppendJSON to encoding/json: every field set
// at every depth (it fails when Totals or Total gains a field the writer
// does not write), nil and empty lists, and totals as a report sums them.
func TestTotalsJSON(t *testing.T) {
	var full Totals
	full.ByPortfolio = make([]Total, 2)
	full.ByEntry = make([]Total, 1)
	full.ByStatus = make([]Total, 3)
	full.ByEntryViaFunds = make([]FundExposure, 2)
	jsonwtest.Fill(reflect.ValueOf(&full).Elem(), nil)
	checkTotalsJSON(t, "every field set", full)
	checkTotalsJSON(t, "zero", Totals{})
	checkTotalsJSON(t, "empty lists", Totals{ByPortfolio: []Total{}, ByEntry: []Total{}, ByStatus: []Total{}, ByEntryViaFunds: []FundExposure{}})

	b := NewReportBuilder(nil, at("2022-01-10"), Options{})
	tl := NewTally()
	for i, v := range []string{"0", "0.00", "-12.5", "10660191.96", "123456789012345678901234.5", "0.000000001", "1e3"} {
		d := decimal.RequireFromString(v)
		b.Add(Finding{Portfolio: "P<&>" + v, Currency: "USD", MarketValue: d, Status: StatusReview,
			Entry: &EntryRef{List: "OFAC-SDN", ID: "1", Name: "A \"B\""}})
		tl.AddClear("P"+v, "HKD", int64(i)*1_000_000_007)
	}
	b.AddTally(tl)
	checkTotalsJSON(t, "a report's totals", b.Report().Totals)
}

// TestTotalsJSONInParts: written in parts of 64 KB (as JSONSink writes
// the totals of thousands of portfolios), the totals are the same bytes.
func TestTotalsJSONInParts(t *testing.T) {
	var tt Totals
	for i := range 5000 {
		tt.ByPortfolio = append(tt.ByPortfolio, Total{Key: fmt.Sprintf("Portfolio %d", i), Currency: "USD", Positions: i,
			MarketValue: decimal.New(int64(i)*123456789, -4)})
	}
	var out []byte
	parts := 0
	rest := tt.appendJSON(nil, func(b []byte) []byte {
		parts++
		out = append(out, b...)
		return b[:0]
	})
	out = append(out, rest...)
	if want := tt.AppendJSON(nil); !bytes.Equal(out, want) || parts < 2 {
		t.Fatalf("in %d parts, %d bytes; whole, %d bytes", parts, len(out), len(want))
	}
	checkTotalsJSON(t, "5,000 portfolios", tt)
}

// TestParseErrorJSON holds ParseError.AppendJSON to encoding/json: every
// field set (it fails when ParseError gains a field the writer does not
// write), the omitted ones empty, and text that needs escaping.
func TestParseErrorJSON(t *testing.T) {
	var full ParseError
	jsonwtest.Fill(reflect.ValueOf(&full).Elem(), func(v reflect.Value, n int) bool {
		return v.Type() == reflect.TypeFor[error]() // Err is not written
	})
	for _, e := range []ParseError{full, {}, {File: "h.csv", Line: 7, Reason: `"12,3.4" is not a number <&>`},
		{File: "a\\b.csv", Line: 1, Column: 9, Field: "market_value\u2028", Reason: "\xff bad"}} {
		want, err := json.Marshal(&e)
		if err != nil {
			t.Fatal(err)
		}
		if got := e.AppendJSON(nil); !bytes.Equal(got, want) {
			t.Errorf("AppendJSON = %s, encoding/json %s", got, want)
		}
	}
}
