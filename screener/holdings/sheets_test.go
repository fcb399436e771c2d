package holdings

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/screener/screener/screener"
	"github.com/screener/screener/screener/shareddata"
	"github.com/xuri/excelize/v2"
)

// sheetFixture writes the XLSX used by the tests and the fuzz seed: a
// 2-line preamble on a second sheet's worth of rows above the header, real
// identifiers, a code stored as text with leading zeros, a value whose
// number format hides its cents, a bad ISIN with a name (warning) and a row
// with nothing to screen by (reject).
func sheetFixture(t testing.TB) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	sh := "Holdings"
	if err := f.SetSheetName("Sheet1", sh); err != nil {
		t.Fatal(err)
	}
	rows := [][]any{
		{"Model Portfolio A - Holdings Report"},
		{"As of", "2024-06-28"},
		{"Security Name", "ISIN", "Ticker", "Exchange", "Quantity", "Market Value", "Currency"},
		{"CHINA MOBILE LTD", "HK0941009539", "0941", "XHKG", 2000, 129500.5, "HKD"},
		{"SUGON (DAWNING INFORMATION INDUSTRY) A", "CNE100001TW7", "603019", "XSHG", 1500, 93345, "CNY"},
		{"APPLE INC", "US0378331005", "AAPL", "XNAS", 25, 5265.75, "USD"},
		{"", "US0378331006", "", "", 10, 100, "USD"},
		{"CHINA TELECOM CORP LTD-H", "CNE1000002V3", "0728", "XHKG", 4000, 7960, "HKD"},
	}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow(sh, cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	// Market values shown without decimals; the reader must keep 129500.5.
	style, err := f.NewStyle(&excelize.Style{NumFmt: 3}) // #,##0
	if err != nil {
		t.Fatal(err)
	}
	if err := f.SetCellStyle(sh, "F4", "F8", style); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestReadXLSX(t *testing.T) {
	s := &xsSink{}
	var info Info
	if err := readXLSX("model.xlsx", bytes.NewReader(sheetFixture(t)), s, &info); err != nil {
		t.Fatal(err)
	}
	if info.Format != "xlsx" || info.Rows != 5 || info.Holdings != 4 || info.Rejected != 1 {
		t.Fatalf("info got %+v", info)
	}
	tests := []struct {
		name, id, hName, ticker, exchange, qty, value, ccy string
		line, warnings                                     int
	}{
		{"china mobile, value with hidden cents", "HK0941009539", "CHINA MOBILE LTD", "0941", "XHKG", "2000", "129500.5", "HKD", 4, 0},
		{"sugon", "CNE100001TW7", "SUGON (DAWNING INFORMATION INDUSTRY) A", "603019", "XSHG", "1500", "93345", "CNY", 5, 0},
		{"apple", "US0378331005", "APPLE INC", "AAPL", "XNAS", "25", "5265.75", "USD", 6, 0},
		{"bad check digit with a name", "0728", "CHINA TELECOM CORP LTD-H", "0728", "XHKG", "4000", "7960", "HKD", 8, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := s.find(t, tt.id)
			if h.File != "model.xlsx" || h.Line != tt.line || h.Name != tt.hName || h.Ticker != tt.ticker || h.Exchange != tt.exchange ||
				h.Currency != tt.ccy || len(h.Warnings) != tt.warnings {
				t.Errorf("got %+v", h)
			}
			if !h.Quantity.Equal(xsDec(tt.qty)) || !h.MarketValue.Equal(xsDec(tt.value)) {
				t.Errorf("got quantity %s value %s, want %s %s", h.Quantity, h.MarketValue, tt.qty, tt.value)
			}
		})
	}
	r := s.rejects[0]
	if r.File != "model.xlsx" || r.Line != 7 || r.Column != 2 || r.Field != "ISIN" || !strings.Contains(r.Reason, "US0378331006") {
		t.Errorf("reject got %v", &r)
	}
}

func TestReadXLSXErrors(t *testing.T) {
	noHeader := func() []byte {
		f := excelize.NewFile()
		defer f.Close()
		_ = f.SetCellValue("Sheet1", "A1", "just a note")
		var buf bytes.Buffer
		_ = f.Write(&buf)
		return buf.Bytes()
	}()
	tests := []struct {
		name   string
		in     []byte
		reason string
	}{
		{"not a zip", []byte("Ticker,Name\n"), "not a readable XLSX workbook"},
		{"no header", noHeader, "no header row found in sheet(s) \"Sheet1\""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var info Info
			err := readXLSX("x.xlsx", bytes.NewReader(tt.in), &xsSink{}, &info)
			var pe *screener.ParseError
			if !errors.As(err, &pe) || pe.File != "x.xlsx" || !strings.Contains(pe.Reason, tt.reason) {
				t.Errorf("got %v, want a ParseError with %q", err, tt.reason)
			}
		})
	}
}

const csiFile = "holdings/index/csi300_constituents_000300cons_2023-06-01.xls"

func TestReadXLSCSI300(t *testing.T) {
	s, info := xsRead(t, readXLS, shareddata.Path(t, csiFile))
	if info.Format != "xls" || info.Rows != 300 || info.Holdings != 300 || info.AsOf.String() != "2023-06-01" {
		t.Fatalf("info got %+v", info)
	}
	tests := []struct {
		code, name, exchange string
		line                 int
	}{
		{"601985", "China National Nuclear Power Co.,Ltd.", "Shanghai Stock Exchange", 2},
		{"600941", "China Mobile Limited", "Shanghai Stock Exchange", 112},
		{"603019", "Dawning Information Industry Co., Ltd.", "Shanghai Stock Exchange", 295},
		{"002648", "SATELLITE CHEMICAL CO., LTD.", "Shenzhen Stock Exchange", 289}, // string split over an SST CONTINUE record
		{"300433", "Lens Technology Co., Ltd.", "Shenzhen Stock Exchange", 301},
	}
	for _, tt := range tests {
		t.Run(tt.code, func(t *testing.T) {
			h := s.find(t, tt.code)
			if h.Name != tt.name || h.Exchange != tt.exchange || h.Line != tt.line {
				t.Errorf("got name %q exchange %q line %d, want %q %q %d", h.Name, h.Exchange, h.Line, tt.name, tt.exchange, tt.line)
			}
		})
	}
}

func TestReadCSIConstituents(t *testing.T) {
	cs, err := ReadCSIConstituents(shareddata.Path(t, csiFile))
	if err != nil {
		t.Fatal(err)
	}
	if len(cs) != 300 {
		t.Fatalf("got %d constituents, want 300", len(cs))
	}
	by := map[string]Constituent{}
	for _, c := range cs {
		if len(c.Code) != 6 {
			t.Errorf("code %q is not 6 digits", c.Code)
		}
		by[c.Code] = c
	}
	tests := []Constituent{
		{Date: "20230601", Code: "600941", Exchange: "Shanghai Stock Exchange", NameCN: "中国移动", NameEN: "China Mobile Limited"},
		{Date: "20230601", Code: "603019", Exchange: "Shanghai Stock Exchange", NameCN: "中科曙光", NameEN: "Dawning Information Industry Co., Ltd."},
		{Date: "20230601", Code: "002415", Exchange: "Shenzhen Stock Exchange", NameCN: "海康威视", NameEN: by["002415"].NameEN},
		{Date: "20230601", Code: "000001", Exchange: "Shenzhen Stock Exchange", NameCN: "平安银行", NameEN: by["000001"].NameEN},
	}
	for _, want := range tests {
		t.Run(want.Code, func(t *testing.T) {
			if got := by[want.Code]; got != want || got.NameEN == "" {
				t.Errorf("got %+v, want %+v", got, want)
			}
		})
	}
}

func TestReadXLSErrors(t *testing.T) {
	tests := []struct {
		name string
		in   []byte
	}{
		{"not OLE2", []byte("PK\x03\x04 this is a zip")},
		{"empty", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var info Info
			err := readXLS("old.xls", bytes.NewReader(tt.in), &xsSink{}, &info)
			var pe *screener.ParseError
			if !errors.As(err, &pe) || pe.File != "old.xls" || !strings.Contains(pe.Reason, "legacy .xls could not be read") ||
				!strings.HasSuffix(pe.Reason, "save it as .xlsx") {
				t.Errorf("got %v", err)
			}
		})
	}
}

func TestSheetCell(t *testing.T) {
	tests := []struct{ name, raw, formatted, want string }{
		{"same", "25", "25", "25"},
		{"hidden cents", "129500.5", "129,501", "129500.5"},
		{"leading zeros kept", "1", "000001", "000001"},
		{"percent as printed", "0.0123", "1.23%", "1.23%"},
		{"date as printed", "45471", "06-28-24", "06-28-24"},
		{"float artifact", "12467.330000000002", "12467.33", "12467.33"},
		{"float artifact hidden", "0.30000000000000004", "0", "0.3"},
		{"text", "APPLE INC", "APPLE INC", "APPLE INC"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := sheetCell(tt.raw, tt.formatted); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func FuzzReadXLSX(f *testing.F) {
	f.Add(sheetFixture(f))
	f.Fuzz(func(t *testing.T, data []byte) {
		s := &xsSink{}
		var info Info
		err := readXLSX("fuzz.xlsx", bytes.NewReader(data), s, &info)
		if info.Rows != info.Holdings+info.Rejected || info.Holdings != len(s.holdings) || info.Rejected != len(s.rejects) {
			t.Fatalf("info %+v does not add up", info)
		}
		var pe *screener.ParseError
		if err != nil && !errors.As(err, &pe) {
			t.Fatalf("error %v is not a *screener.ParseError", err)
		}
	})
}

func FuzzReadXLS(f *testing.F) {
	xsSeed(f, csiFile, 1<<20)
	f.Fuzz(func(t *testing.T, data []byte) {
		s := &xsSink{}
		var info Info
		err := readXLS("fuzz.xls", bytes.NewReader(data), s, &info)
		if info.Rows != info.Holdings+info.Rejected || info.Holdings != len(s.holdings) || info.Rejected != len(s.rejects) {
			t.Fatalf("info %+v does not add up", info)
		}
		var pe *screener.ParseError
		if err != nil && !errors.As(err, &pe) {
			t.Fatalf("error %v is not a *screener.ParseError", err)
		}
	})
}
