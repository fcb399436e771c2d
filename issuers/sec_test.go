package issuers

import (
	"strings"
	"testing"
)

func TestReadSECTickersReal(t *testing.T) {
	rows, err := ReadSECTickers(openShared(t, "reference/sec/sec_company_tickers.json"), "sec_company_tickers.json")
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 9610 {
		t.Errorf("rows = %d, want 9610", len(rows))
	}
	if rows[0] != (SECTicker{CIK: 789019, Ticker: "MSFT", Title: "MICROSOFT CORP"}) {
		t.Errorf("first row = %+v", rows[0])
	}
	d := NewDirectory()
	for _, s := range SECSecurities(rows, Provenance{Source: "sec_company_tickers.json"}) {
		d.Add(s)
	}
	for _, tc := range []struct{ ticker, issuer, cat string }{
		{"MSFT", "MICROSOFT CORP", ""},
		{"EADSY", "Airbus SE", "ADR"},
		{"EBCOY", "EBARA CORP", "ADR"},
	} {
		t.Run(tc.ticker, func(t *testing.T) {
			s := one(t, d, key(t, tc.ticker, "US"))
			if s.IssuerName != tc.issuer || s.Category != tc.cat {
				t.Errorf("got %+v, want issuer %q category %q", s, tc.issuer, tc.cat)
			}
			if tc.cat == "ADR" && (len(s.Links) != 1 || s.Links[0].Relation != RelDRUnderlying || s.Links[0].Name != tc.issuer) {
				t.Errorf("ADR links = %+v, want dr_underlying to %q", s.Links, tc.issuer)
			}
		})
	}
}

func FuzzReadSECTickers(f *testing.F) {
	f.Add(`{"0":{"cik_str":789019,"ticker":"MSFT","title":"MICROSOFT CORP"},"1":{"cik_str":1378580,"ticker":"EADSY","title":"Airbus SE/ADR"}}`)
	f.Fuzz(func(t *testing.T, s string) {
		rows, err := ReadSECTickers(strings.NewReader(s), "fuzz.json")
		if err != nil {
			return
		}
		_ = SECSecurities(rows, Provenance{})
	})
}
