// Package reporttest builds reports for the report writers' tests: small
// ones with every kind of row, and large generated ones for benchmarks.
package reporttest

import (
	"fmt"
	"github.com/screener/screener/issuers"
	"github.com/screener/screener/screener/lists"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/screener/screener/screener"
)

// AsOf is the instant of the sample reports.
var AsOf = time.Date(2022, 1, 10, 17, 0, 0, 0, time.UTC)

func days(n int) *int { return &n }

// Sample returns a report with findings of several statuses in three
// currencies, one open divestment window past another, a finding whose
// name looks like a formula and one that looks like markup, and a rejected
// row. Its summary and totals are built by screener.ReportBuilder from the
// findings, as a screening run builds them.
func Sample() *screener.Report {
	cm := &screener.EntryRef{ID: "30923", Name: "CHINA MOBILE LIMITED", Program: screener.ProgramCMIC, List: "OFAC-CONSOLIDATED"}
	hik := &screener.EntryRef{ID: "30946", Name: "HANGZHOU HIKVISION DIGITAL TECHNOLOGY CO., LTD.", Program: screener.ProgramCMIC, List: "OFAC-CONSOLIDATED"}
	d := func(y int, m time.Month, dd int) screener.Date { return screener.Date{Year: y, Month: m, Day: dd} }
	fs := []screener.Finding{
		{File: "h.csv", Line: 2, Portfolio: "Growth", USPerson: "us_person", Security: screener.Security{Name: `=HYPERLINK("http://attacker.invalid","CHINA MOBILE")`, ISIN: "HK0941009539", Ticker: "941 HK"},
			Quantity: decimal.RequireFromString("1000"), MarketValue: decimal.RequireFromString("50000.00"), Currency: "HKD",
			Status: screener.StatusDivestOnly, Basis: []screener.Basis{screener.BasisISINListed}, Entry: cm,
			Evidence: []string{"HK0941009539 (ISIN) → ISIN of OFAC 30923"}, ListingDate: d(2021, 6, 3), EffectiveDate: d(2021, 8, 2),
			DivestmentDate: d(2022, 6, 3), DaysLeft: days(144), Action: "Divest before 2022-06-03", Key: "HK0941009539"},
		{File: "h.csv", Line: 3, Portfolio: "Growth", USPerson: "us_person", Security: screener.Security{Name: "<script>alert(1)</script> Hikvision", ISIN: "CNE100000PM8"},
			Quantity: decimal.RequireFromString("7.125"), MarketValue: decimal.RequireFromString("71.25"), Currency: "CNY",
			Status: screener.StatusDivestOnly, Basis: []screener.Basis{screener.BasisISINListed}, Entry: hik,
			ListingDate: d(2021, 6, 3), EffectiveDate: d(2021, 8, 2), DivestmentDate: d(2022, 6, 3), DaysLeft: days(144), Action: "Divest", Key: "CNE100000PM8"},
		{File: "h.csv", Line: 4, Portfolio: "Income", USPerson: "us_person", Security: screener.Security{Name: "SUGON INFORMATION INDUSTRY", ISIN: "CNE100001TW7"},
			Quantity: decimal.RequireFromString("30000"), MarketValue: decimal.RequireFromString("837000"), Currency: "CNY",
			Status: screener.StatusPreEffective, Basis: []screener.Basis{screener.BasisISINListed},
			Entry:       &screener.EntryRef{ID: "33113", Name: "DAWNING INFORMATION INDUSTRY CO., LTD", Program: screener.ProgramCMIC, List: "OFAC-CONSOLIDATED"},
			ListingDate: d(2021, 11, 16), EffectiveDate: d(2022, 1, 15), DivestmentDate: d(2022, 11, 11), DaysLeft: days(305), Action: "Divest by 2022-11-11", Key: "CNE100001TW7"},
		{File: "h.csv", Line: 5, Portfolio: "Income", USPerson: "us_person", Security: screener.Security{Name: "CHINA MOBILE 2031 bond", CUSIP: "16941MAA7"},
			Quantity: decimal.RequireFromString("200"), MarketValue: decimal.RequireFromString("12345678901234567.89"), Currency: "USD",
			Status: screener.StatusReview, Basis: []screener.Basis{screener.BasisNameSimilar}, Entry: cm, Action: "Review", Key: "16941MAA7"},
		{File: "h.csv", Line: 6, Portfolio: "Growth", USPerson: "us_person", Security: screener.Security{Name: "Société Générale — Ærø 中国", ISIN: "FR0000130809"},
			Quantity: decimal.RequireFromString("10"), MarketValue: decimal.RequireFromString("-250.5"), Currency: "EUR",
			Status: screener.StatusClear, Action: "None", Key: "FR0000130809"},
	}
	b := screener.NewReportBuilder(nil, AsOf, screener.Options{All: true})
	for _, f := range fs {
		b.Add(f)
	}
	b.Reject(screener.ParseError{File: "h.csv", Line: 7, Column: 9, Field: "market_value", Reason: `"12,3.4" is not a number`})
	b.AddFile("h.csv")
	r := b.Report()
	r.Lists = []screener.ListInfo{{Name: "OFAC-CONSOLIDATED", AsOf: d(2025, 12, 19), SHA256: "7027f6656b7815e38b1a5517e66d7f00ad7bdae814510cddff11771c439f08b2", Entries: 442}}
	return r
}

// WithLookthrough returns Sample with a fund position whose look-through
// reached a listed constituent, and one whose fund's holdings were not
// available.
func WithLookthrough() *screener.Report {
	r := Sample()
	w := decimal.RequireFromString("1.25")
	v := decimal.RequireFromString("12500")
	r.Findings = append(r.Findings,
		screener.Finding{File: "h.csv", Line: 8, Portfolio: "Growth", USPerson: "us_person",
			Security: screener.Security{Name: "ISHARES MSCI CHINA ETF", ISIN: "US46429B6719"}, Quantity: decimal.NewFromInt(500),
			MarketValue: decimal.NewFromInt(1000000), Currency: "USD", Status: screener.StatusReview,
			Basis: []screener.Basis{screener.BasisFundLookthrough}, Action: "Review the fund's exposure", Key: "US46429B6719",
			Lookthrough: &screener.Lookthrough{Fund: "iShares MSCI China ETF", Path: []string{"ISIN:US46429B6719"},
				HoldingsAsOf: screener.Date{Year: 2021, Month: 12, Day: 31}, Source: "mchi.csv sha256:ab12", ExposureWeight: &w,
				ExposureValue: &v, Currency: "USD", Omitted: 3,
				Constituents: []screener.Constituent{{Path: []string{"ISIN:US46429B6719", "ISIN:HK0941009539"},
					Security: screener.Security{Name: "=CHINA MOBILE", ISIN: "HK0941009539"}, Status: screener.StatusDivestOnly,
					Basis: []screener.Basis{screener.BasisISINListed}, Entry: Sample().Findings[0].Entry, Evidence: []string{"ISIN listed"}, Weight: &w}}}},
		screener.Finding{File: "h.csv", Line: 9, Portfolio: "Growth", USPerson: "us_person",
			Security: screener.Security{Name: "UNKNOWN FUND", ISIN: "LU0000000000"}, Quantity: decimal.NewFromInt(1),
			MarketValue: decimal.NewFromInt(10), Currency: "USD", Status: screener.StatusReview, Action: "Review",
			Lookthrough: &screener.Lookthrough{Path: []string{"ISIN:LU0000000000"}}})
	return r
}

// Generated returns a report of n findings (a mix of statuses, entities
// and currencies, most of them clear as in a real book) for benchmarks.
func Generated(n int) *screener.Report {
	s := Sample()
	b := screener.NewReportBuilder(nil, AsOf, screener.Options{All: true})
	for i := 0; i < n; i++ {
		f := s.Findings[i%len(s.Findings)]
		f.Line = i + 2
		f.Portfolio = fmt.Sprintf("Fund %d", i%37)
		f.Quantity = decimal.NewFromInt(int64(100 + i%9000))
		f.MarketValue = decimal.New(int64(1000000+i*37), -2)
		if f.Entry != nil {
			e := *f.Entry
			e.ID = fmt.Sprint(30000 + i%120)
			f.Entry = &e
		}
		b.Add(f)
	}
	b.AddFile("generated.csv")
	r := b.Report()
	r.Lists = s.Lists
	return r
}

// Embedded returns the embedded OFAC snapshot and the embedded reference
// data, the defaults a screening run uses with no flags.
func Embedded(tb testing.TB) (*screener.List, *issuers.Directory) {
	tb.Helper()
	l, err := lists.Default()
	if err != nil {
		tb.Fatal(err)
	}
	dir, err := issuers.Default()
	if err != nil {
		tb.Fatal(err)
	}
	return l, dir
}
