package holdings

import (
	"bytes"
	"strings"
	"testing"

	"github.com/screener/screener/screener"
)

// checkSink fails the fuzz run when a reader breaks its contract: rows
// without file or line, rejects without a reason.
type checkSink struct {
	t    *testing.T
	n, r int
}

func (s *checkSink) Holding(h *screener.Holding) error {
	if h.File == "" || h.Line <= 0 {
		s.t.Fatalf("holding without place: %+v", h)
	}
	s.n++
	return nil
}

func (s *checkSink) Reject(e *screener.ParseError) error {
	if e.File == "" || e.Reason == "" {
		s.t.Fatalf("reject without file or reason: %+v", e)
	}
	s.r++
	return nil
}

func FuzzParseNumber(f *testing.F) {
	for _, s := range []string{"1,234.56", "(1,234.56)", "-2,513,764.12", "20345,00", "0.97%", "NA", "-", "1e5", "NaN",
		"747,682,723.92", "12345678901234567890123456789.5", "1.234,56"} {
		f.Add(s, false)
		f.Add(s, true)
	}
	f.Fuzz(func(t *testing.T, s string, european bool) {
		d, ok, err := parseNumber(s, european)
		if err != nil && ok {
			t.Fatalf("parseNumber(%q) ok with error %v", s, err)
		}
		if ok {
			// A parsed number round-trips through its plain form.
			e, ok2, err2 := parseNumber(d.String(), false)
			if err2 != nil || !ok2 || !e.Equal(d) {
				t.Fatalf("parseNumber(%q) = %s, which reads back as %s, %v", s, d, e, err2)
			}
		}
	})
}

// scanPlain, the fast path of scanNumber, reads every cell it takes as
// the whole grammar does.
func FuzzScanPlain(f *testing.F) {
	for _, s := range []string{"22506", "473.66", "10660191.96", "0", "007", ".5", "5.", ".", "1,5", "123456789012345678",
		"1234567890123456789", "1.2.3", " 1", "-1", "0.000"} {
		f.Add(s, false)
		f.Add(s, true)
	}
	f.Fuzz(func(t *testing.T, s string, european bool) {
		point := byte('.')
		if european {
			point = ','
		}
		got, ok := scanPlain(s, point)
		if !ok {
			return
		}
		want, wok, err := scanGrammar(s, european)
		if err != nil || !wok || got != want {
			t.Fatalf("scanPlain(%q, %q) = %+v, the grammar reads %+v, %v, %v", s, point, got, want, wok, err)
		}
	})
}

func FuzzReadTable(f *testing.F) {
	f.Add([]byte("portfolio;isin;name;quantity;market_value;currency;us_person\nFUND-EU;HK0941009539;CHINA MOBILE LTD;1.000;12.345,67;HKD;no\n"))
	f.Add([]byte("Security ID\tDescription\tNominal\tValue\n941 HK\tCHINA MOBILE\t500\t19,500.00\n"))
	f.Add([]byte("ISIN,Name,Quantity,Market Value\nHK0941009538,CHINA MOBILE LTD,100,4200.00\n,,\"5\n"))
	f.Add([]byte("Ticker,Name,ISIN,Quantity,isin\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		s := &checkSink{t: t}
		var info Info
		err := readTable("fuzz.csv", bytes.NewReader(data), s, &info)
		if err != nil && s.n+s.r > 0 && !strings.Contains(err.Error(), "fuzz.csv") {
			t.Fatalf("error without file name: %v", err)
		}
	})
}

func FuzzRead(f *testing.F) {
	f.Add([]byte("\xef\xbb\xbfiShares MSCI ACWI ETF\nFund Holdings as of,\"Mar 10, 2022\"\n \nTicker,Name,Sector,Asset Class,Market Value,Weight (%),Notional Value,Shares,Price,Location,Exchange,Currency,FX Rate,Market Currency,Accrual Date\n\"2357\",\"AVICHINA INDUSTRY & TECHNOLOGY LTD\",\"Industrials\",\"Equity\",\"457,402.91\",\"0.00\",\"457,402.91\",\"856,000.00\",\"0.53\",\"China\",\"Hong Kong Exchanges And Clearing Ltd\",\"USD\",\"7.82\",\"HKD\",\"-\"\n \n\"The content\ncontained\"\n"))
	f.Add([]byte("Product,Symbol/ISIN,Amount,Closing,Local value,,Value in CHF\nCASH & CASH FUND & FTX CASH (CHF),,,,CHF,\"960,35\",\"960,35\"\nAMAZON.COM INC,US0231351067,65,\"313,00\",USD,\"20345,00\",\"16128,25\"\n"))
	f.Add([]byte("ClientAccountID,CurrencyPrimary,AssetClass,Symbol,Description,Conid,ReportDate,Quantity,MarkPrice,PositionValue\nU1234567,USD,STK,CAST,CHINACAST EDUCATION CORP,42865194,20121119,42700,0.185,7899.5\n"))
	g := "ReportMode\tDescription\tInvestID\tQuantity\tLocalPrice\tMarketValueBook\tInvest\r\nInvestments\tCNOOC 5.875 03/10/35\tUS65334HAE27 HTM\t\"16,626,000.00\"\tNA\t\"168,393,139.15\"\t0.08%\r\n\t\t\t\t\t\t\r\nParameterName\tParameterValue\r\nPortfolio\t12XXX\r\nPeriodEndDate\t11/30/2020 23:59\r\n"
	u16 := []byte{0xFF, 0xFE}
	for _, r := range g {
		u16 = append(u16, byte(r), byte(r>>8))
	}
	f.Add(u16)
	f.Add([]byte("isin,name,quantity\nUS0378331005,APPLE,1\n"))
	f.Add([]byte("\x00\x01binary"))
	f.Fuzz(func(t *testing.T, data []byte) {
		s := &checkSink{t: t}
		info, err := Read("fuzz", bytes.NewReader(data), s)
		if info.Rows != s.n+s.r || info.Holdings != s.n || info.Rejected != s.r {
			t.Fatalf("info %+v, sink saw %d holdings %d rejects", info, s.n, s.r)
		}
		_ = err
	})
}
