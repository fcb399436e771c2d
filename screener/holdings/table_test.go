package holdings

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/screener/screener/screener"
)

func readFixture(t *testing.T, name string) (Info, *collect, error) {
	t.Helper()
	var c collect
	info, err := ReadFile(filepath.Join("testdata", name), &c)
	return info, &c, err
}

func TestGenericTables(t *testing.T) {
	tests := []struct {
		name     string
		file     string
		format   string
		rows     int
		want     []want
		usPerson map[int]screener.USPerson
	}{
		{
			name: "semicolon file with European numbers and us_person", file: "semicolon_european_numbers.csv", format: "csv", rows: 3,
			want: []want{
				{line: 2, portfolio: "FUND-EU", name: "CHINA MOBILE LTD", isin: "HK0941009539", currency: "HKD", qty: "1000", value: "12345.67"},
				{line: 3, portfolio: "FUND-EU", name: "APPLE INC", isin: "US0378331005", currency: "USD", qty: "250", value: "-1234.50"},
				{line: 4, portfolio: "FUND-EU", name: "CNOOC LTD", currency: "HKD", qty: "2000", value: "3500"},
			},
			usPerson: map[int]screener.USPerson{2: screener.USPersonNo, 3: screener.USPersonYes, 4: screener.USPersonUnknown},
		},
		{
			name: "TSV with a Security ID column", file: "tsv_security_id_column.tsv", format: "csv", rows: 2,
			want: []want{
				{line: 2, portfolio: "ACC-1", name: "CHINA MOBILE", ticker: "941 HK", currency: "HKD", qty: "500", value: "19500"},
				{line: 3, portfolio: "ACC-1", name: "NEXEN 5.875 03/10/35", isin: "US65334HAE27", currency: "USD", qty: "1000000", value: "1100000", warnings: 1},
			},
			usPerson: map[int]screener.USPerson{2: screener.USPersonNo, 3: screener.USPersonUnknown},
		},
		{
			name: "UTF-16 BE without BOM", file: "utf16be_no_bom.csv", format: "csv", rows: 1,
			want: []want{{line: 2, name: "CHINA MOBILE LTD", isin: "HK0941009539", qty: "100"}},
		},
		{
			name: "Windows-1252 text", file: "windows1252_name.csv", format: "csv", rows: 1,
			want: []want{{line: 2, name: "LVMH MOÉT HENNESSY", isin: "FR0000121014", qty: "19"}},
		},
		{
			name: "Geneva with two sections, stray BOM and a Bloomberg ticker", file: "geneva_two_sections_stray_bom.utf16le.txt", format: "geneva", rows: 2,
			want: []want{
				{line: 2, portfolio: "12XXXChinaLifeOverseasBondGroup", name: "CNOOC 4.375 05/02/28", isin: "US12634MAE03", currency: "HKD", assetCls: "Corporate Bond",
					qty: "20000000", value: "159681986.21", weight: "0.08", otherIDs: []screener.ID{{Type: "Geneva InvestID", Value: "US12634MAE03 HTM"}}},
				{line: 10, portfolio: "12734EquityGroup", name: "CHINA MOBILE LTD", ticker: "941 HK", currency: "HKD", assetCls: "Equity",
					qty: "10000", price: "39.5", value: "395000", weight: "0.20", otherIDs: []screener.ID{{Type: "Geneva InvestID", Value: "941 HK"}}},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			info, c, err := readFixture(t, tt.file)
			if err != nil {
				t.Fatal(err)
			}
			if info.Format != tt.format || info.Rows != tt.rows || info.Rejected != 0 {
				t.Errorf("info = %+v, want format %s, %d rows, no rejects; rejects %v", info, tt.format, tt.rows, c.rejects)
			}
			for _, w := range tt.want {
				h := c.byLine(t, w.line)
				checkHolding(t, h, w)
				if u, ok := tt.usPerson[w.line]; ok && h.USPerson != u {
					t.Errorf("line %d USPerson = %v, want %v", w.line, h.USPerson, u)
				}
			}
		})
	}
}

// Bad identifiers and numbers: the row is kept with a warning when it can
// still be screened (a bad ISIN stays as written, since OFAC lists some
// malformed ISINs verbatim), rejected with the column named otherwise.
func TestRejectsAndWarnings(t *testing.T) {
	info, c, err := readFixture(t, "bad_isin_and_numbers.csv")
	if err != nil {
		t.Fatal(err)
	}
	if info.Rows != 8 || info.Holdings != 1 || info.Rejected != 7 {
		t.Fatalf("info = %+v, want 8 rows: 1 holding, 7 rejected", info)
	}
	h := c.byLine(t, 2)
	if h.ISIN != "HK0941009538" || len(h.Warnings) != 1 || !strings.Contains(h.Warnings[0], `ISIN "HK0941009538"`) || !strings.Contains(h.Warnings[0], "check digit") {
		t.Errorf("line 2: ISIN %q warnings %q, want the bad ISIN kept verbatim (lists carry malformed ISINs) and named", h.ISIN, h.Warnings)
	}
	wantRejects := []struct {
		line   int
		column int
		field  string
		reason string
	}{
		{3, 1, "ISIN", `ISIN "HK0941009538"`},
		{4, 3, "Quantity", "exponent"},
		{5, 3, "Quantity", "NaN"},
		{6, 3, "Quantity", "more than 30 digits"},
		{7, 3, "Quantity", "misplaced thousands separator"},
		{8, 0, "", "the row has 3 cells, the header has 4"},
		{9, 0, "", "no identifier, ticker or name"},
	}
	if len(c.rejects) != len(wantRejects) {
		t.Fatalf("rejects = %v", c.rejects)
	}
	for i, w := range wantRejects {
		r := c.rejects[i]
		if r.Line != w.line || r.Column != w.column || r.Field != w.field || !strings.Contains(r.Reason, w.reason) || r.File != filepath.Join("testdata", "bad_isin_and_numbers.csv") {
			t.Errorf("reject %d = %+v, want line %d column %d field %q reason containing %q", i, r, w.line, w.column, w.field, w.reason)
		}
	}
}

// Files that cannot be read at all give a *screener.ParseError that says
// what is wrong and what the reader looked for.
func TestFatalErrors(t *testing.T) {
	tests := []struct {
		name    string
		file    string // fixture, or "" to use data
		data    string
		line    int
		col     int
		message string
	}{
		{name: "duplicate header", file: "duplicate_header.csv", line: 1, col: 5, message: `columns 3 "ISIN" and 5 "isin" have the same name`},
		{name: "no identifier column", file: "no_identifier_column.csv", line: 1, message: "no column identifies a security: looked for ISIN"},
		{name: "header only", file: "header_only.csv", line: 1, message: "header but no data rows"},
		{name: "empty", data: "", message: "the file is empty; looked for XLSX"},
		{name: "blank lines only", data: "\n \r\n\t\n", message: "only blank lines"},
		{name: "binary", data: "\x01\x02\x03garbage\x00\x00\xff", message: "binary data"},
		{name: "unknown XML", data: "<?xml version=\"1.0\"?><foo/>", message: "XML or SGML of a kind this reader does not know"},
		{name: "iShares preamble without header", data: "iShares MSCI ACWI ETF\nFund Holdings as of,\"Mar 10, 2022\"\n", message: `looked for a line starting "Ticker,Name"`},
		{name: "iShares bad date", data: "iShares X\nFund Holdings as of,\"10.03.2022\"\nTicker,Name\n", line: 2, col: 2, message: "holdings date \"10.03.2022\" not understood"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var c collect
			var err error
			if tt.file != "" {
				_, _, err = readFixture(t, tt.file)
			} else {
				_, err = Read("upload.csv", strings.NewReader(tt.data), &c)
			}
			var pe *screener.ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("err = %v (%T), want *screener.ParseError", err, err)
			}
			if pe.Line != tt.line || pe.Column != tt.col || !strings.Contains(pe.Reason, tt.message) {
				t.Errorf("err = %+v, want line %d column %d reason containing %q", pe, tt.line, tt.col, tt.message)
			}
			if screener.KindOf(err) != screener.KindInvalid {
				t.Errorf("kind = %v, want invalid", screener.KindOf(err))
			}
		})
	}
}

func TestDetect(t *testing.T) {
	read := func(p string) []byte {
		b, err := os.ReadFile(filepath.Join("testdata", p))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	tests := []struct {
		name string
		head []byte
		want string
	}{
		{"xlsx zip", []byte("PK\x03\x04\x14\x00"), "xlsx"},
		{"xls OLE", []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, "xls"},
		{"geneva utf-16", read("geneva_two_sections_stray_bom.utf16le.txt"), "geneva"},
		{"ibkr csv", []byte("ClientAccountID,CurrencyPrimary,AssetClass\n"), "ibkr-csv"},
		{"ibkr csv quoted", []byte("\"ClientAccountID\",\"CurrencyPrimary\"\n"), "ibkr-csv"},
		{"degiro", []byte("Product,Symbol/ISIN,Amount,Closing,Local value,,Value in CHF\n"), "degiro"},
		{"ishares preamble", []byte("\xef\xbb\xbfiShares MSCI ACWI ETF\nFund Holdings as of,\"Mar 10, 2022\"\n"), "ishares"},
		{"ishares header", []byte("Ticker,Name,Sector,Asset Class,Market Value,Weight (%),Notional Value,Quantity,Price,Location,Exchange,Currency,FX Rate,Market Currency,Accrual Date\n"), "ishares"},
		{"generic", []byte("isin,name,quantity\n"), "csv"},
		{"utf-16 be no bom", read("utf16be_no_bom.csv"), "csv"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Detect(tt.head)
			if err != nil || got != tt.want {
				t.Errorf("Detect = %q, %v; want %q", got, err, tt.want)
			}
		})
	}
}

// An error from the sink stops the read and comes back unchanged.
func TestSinkErrorStops(t *testing.T) {
	stop := errors.New("stop")
	s := &stopSink{after: 2, err: stop}
	info, err := ReadFile(filepath.Join("testdata", "semicolon_european_numbers.csv"), s)
	if err != stop || info.Holdings != 3 || s.n != 3 {
		t.Errorf("err = %v, info %+v, sink called %d times; want the sink's error after 3 calls", err, info, s.n)
	}
}

type stopSink struct {
	n, after int
	err      error
}

func (s *stopSink) Holding(*screener.Holding) error {
	s.n++
	if s.n > s.after {
		return s.err
	}
	return nil
}
func (s *stopSink) Reject(*screener.ParseError) error { return nil }

// A line longer than MaxLineBytes stops the read of every text format, with
// the line named, instead of taking memory out of all proportion.
func TestLongLineStopsEveryTextFormat(t *testing.T) {
	long := strings.Repeat("A", MaxLineBytes+10)
	tests := []struct {
		name, text string
		line       int
	}{
		{"generic", "isin,name,quantity\nHK0941009539,CHINA MOBILE LTD,1\nUS0378331005," + long + ",2\n", 3},
		{"ishares", "iShares MSCI ACWI ETF\nFund Holdings as of,\"Mar 10, 2022\"\n \nTicker,Name,Sector,Asset Class,Market Value,Weight (%),Notional Value,Shares,Price,Location,Exchange,Currency,FX Rate,Market Currency,Accrual Date\n" + long + "\n", 5},
		{"degiro", "Product,Symbol/ISIN,Amount,Closing,Local value,,Value in CHF\n\"" + long + "\",US0378331005,1,\"1,00\",USD,\"1,00\",\"1,00\"\n", 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Read(tc.name+".csv", strings.NewReader(tc.text), &collect{})
			var pe *screener.ParseError
			if !errors.As(err, &pe) || pe.Line != tc.line || !strings.Contains(pe.Reason, "longer than") {
				t.Fatalf("err %v, want a ParseError on line %d saying the line is too long", err, tc.line)
			}
		})
	}
}
