package holdings

import (
	"bytes"
	"errors"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/screener/screener/screener"
	"github.com/screener/screener/screener/shareddata"
	"github.com/shopspring/decimal"
)

// xsSink keeps copies of what a reader sends.
type xsSink struct {
	holdings []screener.Holding
	rejects  []screener.ParseError
}

func (s *xsSink) Holding(h *screener.Holding) error {
	s.holdings = append(s.holdings, *h)
	return nil
}

func (s *xsSink) Reject(e *screener.ParseError) error {
	s.rejects = append(s.rejects, *e)
	return nil
}

// find returns the first holding with the given ISIN or CUSIP.
func (s *xsSink) find(t *testing.T, id string) screener.Holding {
	t.Helper()
	for _, h := range s.holdings {
		if h.ISIN == id || h.CUSIP == id || h.Ticker == id {
			return h
		}
	}
	t.Fatalf("no holding with identifier %s", id)
	return screener.Holding{}
}

type xsReadFunc func(name string, r io.Reader, s Sink, info *Info) error

// xsRead runs read on the file at path and checks the row accounting.
func xsRead(t *testing.T, read xsReadFunc, path string) (*xsSink, Info) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	s := &xsSink{}
	var info Info
	if err := read(path, f, s, &info); err != nil {
		t.Fatalf("read %s: %v", path, err)
	}
	if info.Rows != info.Holdings+info.Rejected || info.Holdings != len(s.holdings) || info.Rejected != len(s.rejects) {
		t.Fatalf("info %+v does not add up with %d holdings and %d rejects sent", info, len(s.holdings), len(s.rejects))
	}
	return s, info
}

func xsDec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

// xsWant compares the fields a test names.
type xsWant struct {
	id                     string
	line                   int
	name, isin, cusip, lei string
	qty, value             string
	currency, portfolio    string
	warnings               int
}

func xsCheckHolding(t *testing.T, s *xsSink, w xsWant) {
	t.Helper()
	h := s.find(t, w.id)
	if h.Line != w.line || h.Name != w.name || h.ISIN != w.isin || h.CUSIP != w.cusip || h.LEI != w.lei ||
		h.Currency != w.currency || h.Portfolio != w.portfolio || len(h.Warnings) != w.warnings {
		t.Errorf("%s: got line %d name %q ISIN %q CUSIP %q LEI %q ccy %q portfolio %q warnings %q,\nwant %+v",
			w.id, h.Line, h.Name, h.ISIN, h.CUSIP, h.LEI, h.Currency, h.Portfolio, h.Warnings, w)
	}
	if !h.HasQuantity || !h.Quantity.Equal(xsDec(w.qty)) {
		t.Errorf("%s: quantity got %s (has %v), want %s", w.id, h.Quantity, h.HasQuantity, w.qty)
	}
	if !h.HasValue || !h.MarketValue.Equal(xsDec(w.value)) {
		t.Errorf("%s: market value got %s (has %v), want %s", w.id, h.MarketValue, h.HasValue, w.value)
	}
}

func TestXMLKind(t *testing.T) {
	tests := []struct {
		name, file, head, want string
	}{
		{name: "ibkr flex", file: "holdings/broker/ibkr_flex_statement_anonymised_2025.xml", want: FormatIBKRXML},
		{name: "13F info table with blank first line", file: "holdings/sec/13F-HR_infotable.xml", want: Format13F},
		{name: "13F SGML submission", file: "holdings/sec/13F-HR_0001894188-23-000007_full_submission.txt", want: Format13F},
		{name: "N-PORT goldman", file: "holdings/sec/NPORT-P_goldman_sachs_bond_fund_2023-03-31.xml", want: FormatNPORT},
		{name: "N-PORT dupree", file: "holdings/sec/NPORT-P_dupree_kentucky_taxfree_2022-12-31.xml", want: FormatNPORT},
		{name: "N-PORT by submission type", head: `<?xml version="1.0"?><edgarSubmission><headerData><submissionType>NPORT-P</submissionType>`, want: FormatNPORT},
		{name: "13F primary doc namespace", head: `<edgarSubmission xmlns="http://www.sec.gov/edgar/thirteenffiler">`, want: Format13F},
		{name: "SGML N-PORT", head: "<SEC-DOCUMENT>x.txt\n<SEC-HEADER>\nCONFORMED SUBMISSION TYPE:\tNPORT-P\n", want: FormatNPORT},
		{name: "SGML 10-K", head: "<SEC-DOCUMENT>x.txt\n<SEC-HEADER>\nCONFORMED SUBMISSION TYPE:\t10-K\n", want: ""},
		{name: "other XML", head: `<?xml version="1.0"?><rss><channel/></rss>`, want: ""},
		{name: "CSV", head: "Ticker,Name\nAAPL,Apple\n", want: ""},
		{name: "empty", head: "", want: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			head := []byte(tt.head)
			if tt.file != "" {
				b, err := os.ReadFile(shareddata.Path(t, tt.file))
				if err != nil {
					t.Fatal(err)
				}
				head = b[:min(len(b), 64<<10)]
			}
			if got := xmlKind(head); got != tt.want {
				t.Errorf("xmlKind got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestReadIBKRXML(t *testing.T) {
	t.Run("anonymised 2025 statement", func(t *testing.T) {
		s, info := xsRead(t, readIBKRXML, shareddata.Path(t, "holdings/broker/ibkr_flex_statement_anonymised_2025.xml"))
		if info.Rows != 1 || info.Holdings != 1 || info.AsOf.String() != "2026-01-01" || info.Portfolio != "U12349876" || info.Format != "ibkr-flex-xml" {
			t.Fatalf("info got %+v", info)
		}
		xsCheckHolding(t, s, xsWant{id: "US9220427424", line: 11, name: "VANGUARD TOT WORLD STK ETF", isin: "US9220427424",
			cusip: "922042742", qty: "200", value: "28212", currency: "USD", portfolio: "U12349876"})
		h := s.holdings[0]
		if h.FIGI != "BBG000GM5FZ6" || h.Ticker != "VT" || h.Exchange != "ARCA" || !h.Price.Equal(xsDec("141.06")) ||
			!h.Weight.Equal(xsDec("73.09")) || len(h.OtherIDs) != 1 || h.OtherIDs[0].Value != "52197301" {
			t.Errorf("got %+v", h)
		}
	})
	t.Run("summary and lots", func(t *testing.T) {
		s, info := xsRead(t, readIBKRXML, "testdata/xml-ibkr-summary-and-lots.xml")
		if info.Rows != 7 || info.Holdings != 3 || info.Rejected != 4 || info.AsOf.String() != "2023-06-30" || info.Portfolio != "U7654321" {
			t.Fatalf("info got %+v", info)
		}
		xsCheckHolding(t, s, xsWant{id: "HK0941009539", line: 5, name: "CHINA MOBILE LTD", isin: "HK0941009539",
			qty: "1000", value: "64150", currency: "HKD", portfolio: "U7654321"})
		xsCheckHolding(t, s, xsWant{id: "US0378331005", line: 8, name: "APPLE INC", isin: "US0378331005", cusip: "037833100",
			qty: "10", value: "1939.7", currency: "USD", portfolio: "U7654321"})
		// Sugon with a wrong check digit: kept, one warning, screened by name and ticker.
		xsCheckHolding(t, s, xsWant{id: "CNE100001TW8", line: 9, name: "DAWNING INFORMATION INDUSTR-A", isin: "CNE100001TW8",
			qty: "300", value: "12360", currency: "CNH", portfolio: "U7654321", warnings: 1})
		wantRejects := []struct {
			line  int
			field string
			has   string
		}{
			{6, "levelOfDetail", "summary row on line 5"},
			{7, "levelOfDetail", "summary row on line 5"},
			{10, "", "no name or other identifier"},
			{11, "position", `"1O" is not a number`},
		}
		for i, w := range wantRejects {
			r := s.rejects[i]
			if r.Line != w.line || r.Field != w.field || !strings.Contains(r.Reason, w.has) || r.File != "testdata/xml-ibkr-summary-and-lots.xml" {
				t.Errorf("reject %d got %v, want line %d field %q containing %q", i, &r, w.line, w.field, w.has)
			}
		}
	})
}

func TestRead13F(t *testing.T) {
	t.Run("information table", func(t *testing.T) {
		s, info := xsRead(t, read13F, shareddata.Path(t, "holdings/sec/13F-HR_infotable.xml"))
		if info.Rows != 255 || info.Holdings != 255 || !info.AsOf.IsZero() || info.Portfolio != "" {
			t.Fatalf("info got %+v", info)
		}
		xsCheckHolding(t, s, xsWant{id: "88579Y101", line: 4, name: "3M CO", isin: "US88579Y1010", cusip: "88579Y101",
			qty: "2334", value: "409469", currency: "USD"})
		xsCheckHolding(t, s, xsWant{id: "98980L101", line: 4068, name: "ZOOM VIDEO COMMUNICATIONS IN", isin: "US98980L1017",
			cusip: "98980L101", qty: "824", value: "215476", currency: "USD"})
	})
	t.Run("full SGML submission", func(t *testing.T) {
		s, info := xsRead(t, read13F, shareddata.Path(t, "holdings/sec/13F-HR_0001894188-23-000007_full_submission.txt"))
		if info.Rows != 14 || info.Holdings != 14 || info.AsOf.String() != "2023-09-30" || info.Portfolio != "LTS One Management LP" {
			t.Fatalf("info got %+v", info)
		}
		xsCheckHolding(t, s, xsWant{id: "023135106", line: 113, name: "AMAZON COM INC", isin: "US0231351067", cusip: "023135106",
			qty: "137500", value: "17479000", currency: "USD", portfolio: "LTS One Management LP"})
		xsCheckHolding(t, s, xsWant{id: "92826C839", line: 321, name: "VISA INC", isin: "US92826C8394", cusip: "92826C839",
			qty: "90000", value: "20701000", currency: "USD", portfolio: "LTS One Management LP"})
		if h := s.holdings[4]; h.AssetClass != "SPON ADR UNITS" {
			t.Errorf("FEMSA asset class got %q", h.AssetClass)
		}
	})
	tests := []struct {
		name, in   string
		line       int
		reason     string
		rows, rejs int
	}{
		{name: "truncated", in: "<informationTable>\n<infoTable>\n<nameOfIssuer>X</nameOfIssuer>\n", line: 4, reason: "malformed XML: unexpected EOF"},
		{name: "mismatched tag", in: "<informationTable>\n<infoTable>\n<cusip>037833100</value>\n</infoTable></informationTable>", line: 3, reason: "malformed XML"},
		{name: "no table", in: "<edgarSubmission/>", reason: "no 13F <informationTable>"},
		{name: "bad value", in: "<informationTable>\n<infoTable><nameOfIssuer>APPLE INC</nameOfIssuer><cusip>037833100</cusip>\n<value>1,000</value></infoTable></informationTable>", rows: 1, rejs: 1, line: 3, reason: `value: "1,000" is not a number`},
		{name: "no name no cusip", in: "<informationTable>\n<infoTable><cusip>N/A</cusip><value>5</value></infoTable></informationTable>", rows: 1, rejs: 1, line: 2, reason: "no name and no identifier"},
		{name: "old period in thousands", in: "<SEC-DOCUMENT>x\n<SEC-HEADER>\nCONFORMED PERIOD OF REPORT:\t20210630\n</SEC-HEADER>\n<XML>\n<informationTable><infoTable><nameOfIssuer>APPLE INC</nameOfIssuer><cusip>037833100</cusip><value>12</value></infoTable></informationTable>\n</XML>\n", rows: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := &xsSink{}
			var info Info
			err := read13F("in.xml", strings.NewReader(tt.in), s, &info)
			if info.Rows != tt.rows || len(s.rejects) != tt.rejs {
				t.Fatalf("got %d rows %d rejects (err %v), want %d and %d", info.Rows, len(s.rejects), err, tt.rows, tt.rejs)
			}
			if tt.reason == "" {
				if err != nil || !s.holdings[0].MarketValue.Equal(xsDec("12000")) {
					t.Fatalf("got err %v holdings %+v, want value 12000", err, s.holdings)
				}
				return
			}
			var pe *screener.ParseError
			if tt.rejs > 0 {
				pe = &s.rejects[0]
			} else if !errors.As(err, &pe) {
				t.Fatalf("got error %v, want a *screener.ParseError", err)
			}
			if pe.File != "in.xml" || pe.Line != tt.line || !strings.Contains(pe.Reason, tt.reason) {
				t.Errorf("got %v, want line %d with %q", pe, tt.line, tt.reason)
			}
		})
	}
}

func TestReadNPORT(t *testing.T) {
	t.Run("goldman sachs bond fund", func(t *testing.T) {
		s, info := xsRead(t, readNPORT, shareddata.Path(t, "holdings/sec/NPORT-P_goldman_sachs_bond_fund_2023-03-31.xml"))
		if info.Rows != 1685 || info.Holdings != 1685 || info.AsOf.String() != "2023-03-31" || info.Portfolio != "Goldman Sachs Bond Fund" {
			t.Fatalf("info got %+v", info)
		}
		xsCheckHolding(t, s, xsWant{id: "US3138W7WP51", line: 284, name: "Fannie Mae", isin: "US3138W7WP51", cusip: "3138W7WP5",
			lei: "B1V7KEBTPIMZEU4LTD58", qty: "13415.85", value: "12467.33", currency: "USD", portfolio: "Goldman Sachs Bond Fund"})
		// An FX forward: cusip 000000000 and no ISIN are no identifiers, and no warning.
		h := s.holdings[1]
		if h.Line != 318 || h.CUSIP != "" || h.ISIN != "" || len(h.Warnings) != 0 || h.LEI != "9R7GPTSO7KV3UQJZQ078" ||
			len(h.OtherIDs) != 1 || h.OtherIDs[0] != (screener.ID{Type: "Trade Identifier", Value: "23CJKBB56P4"}) || h.AssetClass != "DFE" {
			t.Errorf("forward got %+v", h)
		}
		warned := 0
		for _, h := range s.holdings {
			if len(h.Warnings) > 1 {
				t.Fatalf("line %d has %d warnings, want at most one", h.Line, len(h.Warnings))
			}
			warned += len(h.Warnings)
		}
		if warned != 0 {
			t.Errorf("got %d warnings, want 0", warned)
		}
	})
	t.Run("dupree kentucky tax-free", func(t *testing.T) {
		s, info := xsRead(t, readNPORT, shareddata.Path(t, "holdings/sec/NPORT-P_dupree_kentucky_taxfree_2022-12-31.xml"))
		if info.Rows != 55 || info.Holdings != 55 || info.AsOf.String() != "2022-12-31" || info.Portfolio != "Kentucky Tax-Free Short-to-Medium Series" {
			t.Fatalf("info got %+v", info)
		}
		xsCheckHolding(t, s, xsWant{id: "US49151FGH73", line: 84, name: "KENTUCKY ST PPTY & BLDGS COMMN", isin: "US49151FGH73",
			cusip: "49151FGH7", qty: "755000", value: "794207.15", currency: "USD", portfolio: "Kentucky Tax-Free Short-to-Medium Series"})
		if h := s.holdings[0]; h.Ticker != "KYSFAC" || !h.Weight.Equal(xsDec("1.9206978745")) {
			t.Errorf("got %+v", h)
		}
	})
	t.Run("malformed", func(t *testing.T) {
		var info Info
		err := readNPORT("n.xml", strings.NewReader("<edgarSubmission>\n<formData><invstOrSec>\n<name>X</name>\n<balance>1</balance>\n"), &xsSink{}, &info)
		var pe *screener.ParseError
		if !errors.As(err, &pe) || pe.File != "n.xml" || pe.Line != 5 {
			t.Errorf("got %v, want a ParseError at n.xml:5", err)
		}
	})
}

func TestXMLUSISIN(t *testing.T) {
	tests := []struct{ name, cusip, want string }{
		{"apple", "037833100", "US0378331005"},
		{"3M", "88579Y101", "US88579Y1010"},
		{"CINS has no US ISIN", "G23530AA9", ""},
		{"bad check digit", "037833101", ""},
		{"short", "0378331", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := xmlUSISIN(tt.cusip); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

// xsFuzz runs read on data and checks it neither panics nor miscounts.
func xsFuzz(t *testing.T, read xsReadFunc, data []byte) {
	s := &xsSink{}
	var info Info
	err := read("fuzz.xml", bytes.NewReader(data), s, &info)
	if info.Rows != info.Holdings+info.Rejected || info.Holdings != len(s.holdings) || info.Rejected != len(s.rejects) {
		t.Fatalf("info %+v does not add up", info)
	}
	var pe *screener.ParseError
	if err != nil && !errors.As(err, &pe) {
		t.Fatalf("error %v is not a *screener.ParseError", err)
	}
	for _, r := range s.rejects {
		if r.File != "fuzz.xml" || r.Line <= 0 || r.Reason == "" {
			t.Fatalf("reject without place or reason: %+v", r)
		}
	}
}

// xsSeed adds the first n bytes of a shared file, when it is there.
func xsSeed(f *testing.F, rel string, n int) {
	b, err := os.ReadFile(shareddata.Path(f, rel))
	if err != nil {
		return
	}
	f.Add(b[:min(n, len(b))])
}

func FuzzReadIBKRXML(f *testing.F) {
	xsSeed(f, "holdings/broker/ibkr_flex_statement_anonymised_2025.xml", 1<<20)
	if b, err := os.ReadFile("testdata/xml-ibkr-summary-and-lots.xml"); err == nil {
		f.Add(b)
	}
	f.Add([]byte(`<FlexQueryResponse><OpenPosition isin="US0378331005" position="x"/></FlexQueryResponse>`))
	f.Fuzz(func(t *testing.T, data []byte) { xsFuzz(t, readIBKRXML, data) })
}

func FuzzRead13F(f *testing.F) {
	xsSeed(f, "holdings/sec/13F-HR_infotable.xml", 2000)
	xsSeed(f, "holdings/sec/13F-HR_0001894188-23-000007_full_submission.txt", 1<<20)
	f.Add([]byte("<SEC-DOCUMENT>\n<XML>\n<informationTable><infoTable><cusip>N/A</cusip></infoTable>\n</XML>\n"))
	f.Fuzz(func(t *testing.T, data []byte) { xsFuzz(t, read13F, data) })
}

func FuzzReadNPORT(f *testing.F) {
	xsSeed(f, "holdings/sec/NPORT-P_dupree_kentucky_taxfree_2022-12-31.xml", 8000)
	xsSeed(f, "holdings/sec/NPORT-P_goldman_sachs_bond_fund_2023-03-31.xml", 20000)
	f.Add([]byte(`<edgarSubmission><invstOrSec><name>A</name><identifiers><isin value="N/A"/><other value="1"/></identifiers></invstOrSec></edgarSubmission>`))
	f.Fuzz(func(t *testing.T, data []byte) { xsFuzz(t, readNPORT, data) })
}
