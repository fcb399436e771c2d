package issuers

import (
	"strings"
	"testing"
)

func TestReadOpenFIGIMappingReal(t *testing.T) {
	for _, tc := range []struct {
		file        string
		results     int
		data0       int
		err0        string
		figi, exch  string
		ticker, nm  string
		job         FIGIJob
		lookupCUSIP string
	}{
		{"cusip_with_exchange.json", 1, 1, "", "BBG000BLNNH6", "US", "IBM", "INTL BUSINESS MACHINES CORP", FIGIJob{IDType: "ID_CUSIP", IDValue: "459200101", ExchCode: "US"}, "459200101"},
		{"currency_mic_example.json", 1, 1, "", "BBG000DH0LL7", "GY", "APC", "APPLE INC", FIGIJob{}, ""},
		{"invalid_identifier.json", 1, 0, "Invalid idValue format.", "", "", "", "", FIGIJob{}, ""},
		{"isin_example.json", 1, 198, "", "BBG000BLNNH6", "US", "IBM", "INTL BUSINESS MACHINES CORP", FIGIJob{IDType: "ID_ISIN", IDValue: "US4592001014"}, "459200101"},
	} {
		t.Run(tc.file, func(t *testing.T) {
			res, err := ReadOpenFIGIMapping(openShared(t, "reference/openfigi/v3_responses/mapping/"+tc.file), tc.file)
			if err != nil {
				t.Fatal(err)
			}
			if len(res) != tc.results || len(res[0].Data) != tc.data0 || res[0].Error != tc.err0 {
				t.Fatalf("got %d results, %d instruments, error %q", len(res), len(res[0].Data), res[0].Error)
			}
			secs := FIGISecurities(res, []FIGIJob{tc.job}, Provenance{Source: tc.file})
			if len(secs) != tc.data0 {
				t.Fatalf("securities = %d, want %d", len(secs), tc.data0)
			}
			if tc.data0 == 0 {
				return
			}
			d := NewDirectory()
			for _, s := range secs {
				d.Add(s)
			}
			s := one(t, d, tc.figi)
			if s.IssuerName != tc.nm {
				t.Errorf("issuer = %q, want %q", s.IssuerName, tc.nm)
			}
			if got := one(t, d, key(t, tc.ticker, tc.exch)); got != s {
				t.Errorf("ticker %s %s finds %+v, want the FIGI's record", tc.ticker, tc.exch, got)
			}
			if tc.lookupCUSIP != "" {
				if got := one(t, d, tc.lookupCUSIP); got != s {
					t.Errorf("CUSIP %s finds %+v", tc.lookupCUSIP, got)
				}
			}
		})
	}
}

func FuzzReadOpenFIGIMapping(f *testing.F) {
	f.Add(`[{"data":[{"figi":"BBG000BLNNH6","name":"INTL BUSINESS MACHINES CORP","ticker":"IBM","exchCode":"US","compositeFIGI":"BBG000BLNNH6","securityType":"Common Stock","marketSector":"Equity"}]}]`)
	f.Add(`[{"error":"Invalid idValue format."}]`)
	f.Fuzz(func(t *testing.T, s string) {
		res, err := ReadOpenFIGIMapping(strings.NewReader(s), "fuzz.json")
		if err != nil {
			return
		}
		_ = FIGISecurities(res, []FIGIJob{{IDType: "ID_ISIN", IDValue: "US4592001014"}}, Provenance{})
	})
}
