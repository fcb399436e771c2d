package holdings

import (
	"bytes"
	"strings"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/traditionalchinese"
)

// readString reads content as a holdings file.
func readString(t *testing.T, content string) (Info, *collect, error) {
	t.Helper()
	var c collect
	info, err := Read("h.csv", strings.NewReader(content), &c)
	return info, &c, err
}

// Header words: a header holding an identifier word anywhere, or a known
// word in either language, is recognised without a table entry of its own.
func TestWordField(t *testing.T) {
	tests := []struct {
		cell string
		want field
		ok   bool
	}{
		{"Security ISIN", fISIN, true},
		{"Isin No", fISIN, true},
		{"Identifier (ISIN)", fISIN, true},
		{"ＩＳＩＮ　Ｃｏｄｅ", fISIN, true}, // full-width
		{"ISIN/CUSIP", fSecurityID, true},
		{"Sedol Code", fSEDOL, true},
		{"Securities ID", fSecurityID, true},
		{"Securities ID Type", 0, false},
		{"Quantity Type", 0, false},
		{"Record Type", 0, false},
		{"Securities name", fName, true},
		{"Custody Account No", fPortfolio, true},
		{"Market Price Currency", fCurrency, true},
		{"Market Unit Price", fPrice, true},
		{"Equivalent Market Value", fMarketValue, true},
		{"Exchange Rate", 0, false},
		{"Statement Date", 0, false},
		{"Holding", fQuantity, true},
		{"NOMINAL\nQUANTITY/\nVALUE DATE", fQuantity, true}, // stacked header: the first part
		{"DEAL\nCCY/\nINT RATE", fCurrency, true},
		{"% OF\nTOTAL", fWeight, true},
		{"成分券代码Constituent Code", fTicker, true},
		{"成分券代码\nConstituent Code", fTicker, true},
		{"成份股代號", fTicker, true}, // traditional, another variant
		{"证券简称", fName, true},
		{"股票名稱", fName, true},
		{"交易所", fExchange, true},
		{"持仓数量", fQuantity, true},
		{"Constituent Name(Eng.)", fName, true},
		{"Colour", 0, false},
	}
	for _, tt := range tests {
		f, _, ok := wordField(tt.cell)
		if ok != tt.ok || ok && f != tt.want {
			t.Errorf("wordField(%q) = %v %v, want %v %v", tt.cell, f, ok, tt.want, tt.ok)
		}
	}
	// The English name of a bilingual file outranks the Chinese one.
	_, en, _ := wordField("成分券英文名称Constituent Name(Eng)")
	_, cn, _ := wordField("成分券名称Constituent Name")
	if en >= cn {
		t.Errorf("rank of the English name %d, of the Chinese %d: want the English first", en, cn)
	}
}

// Columns are typed by their values too, and what each column was used as
// is reported.
func TestInferColumnsByValues(t *testing.T) {
	tests := []struct {
		name    string
		content string
		isin    string
		cusip   string
		qty     string
		err     string
	}{
		{name: "ISIN under an unknown header", content: "Code,Name,Quantity\nHK0941009539,CHINA MOBILE,200\nUS0378331005,APPLE,1\n", isin: "HK0941009539", qty: "200"},
		{name: "Holding over names is the name", content: "Identifier (ISIN),Holding,Units\nHK0941009539,CHN MOBILE,200\n", isin: "HK0941009539", qty: "200"},
		{name: "mixed column typed by check", content: "ISIN/CUSIP,Name,Shares\n16941M109,CHINA MOBILE ADR,10\n", cusip: "16941M109", qty: "10"},
		{name: "ignored column of ISINs", content: "ISIN,Name,Underlying,Quantity\nHK0941009539,A,US0378331005,1\nUS0378331005,B,US5949181045,2\n",
			err: `column 3 "Underlying" holds ISIN values but is not used`},
		{name: "a few 7-digit numbers are not SEDOLs", content: "Name,Ref\nAPPLE,2046251\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			info, c, err := readString(t, tt.content)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) || !strings.Contains(err.Error(), "--ignore-column") {
					t.Fatalf("err = %v, want %q and how to leave the column out", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			h := c.holdings[0]
			if h.ISIN != tt.isin || h.CUSIP != tt.cusip || tt.qty != "" && h.Quantity.String() != tt.qty {
				t.Errorf("holding %+v, want ISIN %q CUSIP %q quantity %s", h, tt.isin, tt.cusip, tt.qty)
			}
			if len(info.Columns) == 0 {
				t.Errorf("no column uses reported")
			}
		})
	}
	// --ignore-column leaves the column out.
	var c collect
	_, err := ReadWith("h.csv", strings.NewReader("ISIN,Name,Underlying,Quantity\nHK0941009539,A,US0378331005,1\n"), &c, Options{IgnoreColumns: []string{"underlying"}})
	if err != nil || len(c.holdings) != 1 {
		t.Fatalf("with the column ignored: %v, %d holdings", err, len(c.holdings))
	}
}

// A plain CSV may have title lines above its header, as spreadsheets do.
func TestCSVPreamble(t *testing.T) {
	for _, content := range []string{
		"Custodian Holdings Report\nAccount: 12345678\nAs of: 31/12/2021\n\nISIN,Security Name,Nominal\nHK0941009539,CHINA MOBILE LTD,1000\n",
		"Report, printed 31 Dec, 2021\n\nISIN\tSecurity Name\tNominal\nHK0941009539\tCHINA MOBILE LTD\t1000\n", // a comma in the title, tabs in the table
	} {
		info, c, err := readString(t, content)
		if err != nil {
			t.Fatal(err)
		}
		if info.Rows != 1 || c.holdings[0].ISIN != "HK0941009539" || c.holdings[0].Quantity.String() != "1000" {
			t.Errorf("info %+v holdings %+v", info, c.holdings)
		}
		if info.Skipped["title or preamble line above the header"] == 0 {
			t.Errorf("skipped = %v, want the title lines counted", info.Skipped)
		}
	}
}

// Chinese text in GBK/GB18030 or Big5 is detected and decoded.
func TestChineseEncodings(t *testing.T) {
	text := "Constituent Code,Constituent Name,Exchange\n600050,中国联通,上海证券交易所\n2415,海康威视,深圳证券交易所\n"
	for name, enc := range map[string]func(string) []byte{
		"gbk": func(s string) []byte { b, _ := simplifiedchinese.GBK.NewEncoder().Bytes([]byte(s)); return b },
		"big5": func(s string) []byte {
			b, _ := traditionalchinese.Big5.NewEncoder().Bytes([]byte(strings.NewReplacer("中国联通", "中國聯通", "证券", "證券", "威视", "威視").Replace(s)))
			return b
		},
	} {
		b := enc(text)
		if bytes.Equal(b, []byte(text)) {
			t.Fatalf("%s: not encoded", name)
		}
		_, c, err := readString(t, string(b))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if len(c.holdings) != 2 || !strings.HasPrefix(c.holdings[0].Name, "中") || !strings.Contains(c.holdings[0].Name, "联") && !strings.Contains(c.holdings[0].Name, "聯") {
			t.Errorf("%s: holdings %+v, want the Chinese names decoded", name, c.holdings)
		}
		if len(c.holdings) == 2 && c.holdings[1].Ticker != "002415" {
			t.Errorf("%s: ticker %q, want 002415 (zeros restored on Shenzhen)", name, c.holdings[1].Ticker)
		}
	}
	// Latin-1 text stays Latin-1.
	if enc, _ := sniffEncoding([]byte("name\nSoci\xe9t\xe9 G\xe9n\xe9rale\n")); enc != encWindows1252 {
		t.Errorf("Latin-1 sniffed as %v", enc)
	}
}

func TestExchangeMIC(t *testing.T) {
	for in, want := range map[string]string{
		"Shanghai": "XSHG", "Shanghai Stock Exchange": "XSHG", "上海证券交易所": "XSHG", "交易所Shenzhen": "",
		"深交所": "XSHE", "Shenzhen": "XSHE", "Hong Kong": "XHKG", "香港交易所": "XHKG", "NASDAQ": "", "London Stock Exchange": "",
		"深圳证券交易所 Shanghai": "",
	} {
		if got := exchangeMIC(in); got != want {
			t.Errorf("exchangeMIC(%q) = %q, want %q", in, got, want)
		}
	}
	for _, tt := range [][3]string{{"2415", "XSHE", "002415"}, {"941", "XHKG", "0941"}, {"600050", "XSHG", "600050"}, {"AAPL", "XSHG", "AAPL"}} {
		if got := padCode(tt[0], tt[1]); got != tt[2] {
			t.Errorf("padCode(%q, %s) = %q, want %q", tt[0], tt[1], got, tt[2])
		}
	}
}
