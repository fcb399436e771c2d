package issuers

import (
	"errors"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/screener/screener/screener/shareddata"
)

func TestParseTicker(t *testing.T) {
	cases := []struct {
		in, key string // key "" = no market
		code    string
	}{
		// OFAC Equity Ticker values, as printed (FORMATS.md 1.5)
		{"941 HK", "XHKG:941", ""},
		{"0941 HK", "XHKG:941", ""},
		{"0728 HK", "XHKG:728", ""},
		{"00883 HK", "XHKG:883", ""},
		{"00317  HK", "XHKG:317", ""},
		{"601698  CN", "XSHG:601698", ""},
		{"603019CN", "XSHG:603019", ""},
		{"002415 CN", "XSHE:002415", ""},
		{"300474 CN", "XSHE:300474", ""},
		{"688981 CN", "XSHG:688981", ""}, // STAR market
		{"003009 CN", "XSHE:003009", ""},
		{"CHL US", "US:CHL", ""},
		{"CHA RU", "RU:CHA", ""},
		{"ZCHA DE", "DE:ZCHA", ""},
		{"CHA AR", "XBUE:CHA", ""},
		{"K3ED SG", "XSES:K3ED", ""},
		{"CNU CA", "CA:CNU", ""},
		{"NC2B DE", "DE:NC2B", ""},
		// Bloomberg
		{"941 HK Equity", "XHKG:941", ""},
		{"600028 CH", "XSHG:600028", ""},
		{"000977 CH", "XSHE:000977", ""},
		{"977 C2", "XSHE:000977", ""},
		{"CHL UN", "US:CHL", ""},
		{"ZCHA GY", "DE:ZCHA", ""},
		{"K3ED SP", "XSES:K3ED", ""},
		{"CNU CN", "CA:CNU", ""}, // Bloomberg CN with letters: Canada
		{"CNU CT", "CA:CNU", ""},
		{"2357 TT", "XTAI:2357", ""},
		{"5930 KS", "XKRX:005930", ""},
		{"BRK/B US", "US:BRK.B", ""},
		{"BP/ LN", "XLON:BP", ""},
		{"ERICB SS", "XSTO:ERICB", ""},
		{"600028 SS", "XSHG:600028", ""},
		{"NESN CH", "XSWX:NESN", ""},
		{"7203 JT", "JP:7203", ""},
		// Reuters / Yahoo
		{"0941.HK", "XHKG:941", ""},
		{"600028.SS", "XSHG:600028", ""},
		{"600028.SH", "XSHG:600028", ""},
		{"000977.SZ", "XSHE:000977", ""},
		{"2357.TW", "XTAI:2357", ""},
		{"005930.KS", "XKRX:005930", ""},
		{"7203.T", "JP:7203", ""},
		{"VOD.L", "XLON:VOD", ""},
		{"SIE.DE", "DE:SIE", ""},
		{"IBM.N", "US:IBM", ""},
		{"AAPL.O", "US:AAPL", ""},
		{"BRK-B.N", "US:BRK.B", ""},
		{"RY.TO", "CA:RY", ""},
		// bare codes: no market, no key
		{"2357", "", "2357"},
		{"CHL", "", "CHL"},
		{"BRK.B", "", "BRK.B"},
		{"00941", "", "00941"},
		{"bp.", "", "BP"},
	}
	for _, c := range cases {
		t.Run(c.in, func(t *testing.T) {
			tk, err := ParseTicker(c.in)
			if err != nil {
				t.Fatalf("ParseTicker(%q): %v", c.in, err)
			}
			if tk.Raw != c.in {
				t.Errorf("Raw = %q, want %q", tk.Raw, c.in)
			}
			if got := tk.Key(); got != c.key {
				t.Errorf("Key() = %q, want %q", got, c.key)
			}
			if c.key == "" && (tk.Market != "" || tk.Code != c.code) {
				t.Errorf("got %+v, want code %q and no market", tk, c.code)
			}
		})
	}
}

func TestParseTickerErrors(t *testing.T) {
	cases := []struct {
		in   string
		want error
		text string
	}{
		{"", ErrBadTicker, `ticker "": is empty`},
		{"VOD GB", ErrAmbiguousExchange, `ticker "VOD GB": GB is Bloomberg's code for Berlin but ISO's for the United Kingdom; write LN or XLON for London, GR or DE for Germany`},
		{"ENI IT", ErrAmbiguousExchange, ""},
		{"CHL XX", ErrUnknownExchange, `ticker "CHL XX": "XX" is not a market code this package knows`},
		{"CHL.ZZ", ErrUnknownExchange, `ticker "CHL.ZZ": ".ZZ" is not an exchange suffix this package knows`},
		{"CHINA MOBILE LTD", ErrBadTicker, ""},
		{"CHL HK", ErrBadTicker, `ticker "CHL HK": Hong Kong codes are numbers, not "CHL"`},
		{"1234567 HK", ErrBadTicker, ""},
		{"1234567 CN", ErrUnknownExchange, `ticker "1234567 CN": "1234567" is not a Chinese exchange code (six digits)`},
		{"100001 CN", ErrUnknownExchange, `ticker "100001 CN": cannot tell whether 100001 trades in Shanghai or Shenzhen`},
	}
	for _, c := range cases {
		t.Run(c.in, func(t *testing.T) {
			tk, err := ParseTicker(c.in)
			if !errors.Is(err, c.want) {
				t.Fatalf("ParseTicker(%q) = %+v, %v; want an error wrapping %v", c.in, tk, err, c.want)
			}
			if c.text != "" && err.Error() != c.text {
				t.Errorf("got %q, want %q", err.Error(), c.text)
			}
			if tk.Key() != "" {
				t.Errorf("a failed ticker has key %q", tk.Key())
			}
		})
	}
}

func mustTicker(t *testing.T, f func() (Ticker, error)) Ticker {
	t.Helper()
	tk, err := f()
	if err != nil {
		t.Fatal(err)
	}
	return tk
}

// TestTickerEqualities: equal securities get equal keys whatever the
// convention; different ones do not.
func TestTickerEqualities(t *testing.T) {
	p := func(s string) Ticker { return mustTicker(t, func() (Ticker, error) { return ParseTicker(s) }) }
	on := func(code, ex string) Ticker {
		return mustTicker(t, func() (Ticker, error) { return TickerOn(code, ex) })
	}
	groups := [][]Ticker{
		{p("941 HK"), p("0941.HK"), on("00941", "XHKG"), on("941", "Hong Kong Exchanges And Clearing Ltd"), p("0941 HK"), on("941", "HK")},
		{p("603019CN"), p("603019 CH"), p("603019.SS"), on("603019", "XSHG"), on("603019", "Shanghai Stock Exchange")},
		{p("002415 CN"), p("002415.SZ"), on("2415", "Shenzhen Stock Exchange"), on("002415", "XSHE")},
		{p("CHL US"), on("CHL", "XNYS"), p("CHL UN"), on("CHL", "New York Stock Exchange Inc."), p("CHL.N")},
		{p("ZCHA DE"), p("ZCHA GY"), on("ZCHA", "Xetra"), on("ZCHA", "XFRA")},
		{p("K3ED SG"), p("K3ED SP"), on("K3ED", "XSES"), on("K3ED", "Singapore Exchange")},
		{p("000977 CH"), on("977", "Shenzhen Stock Exchange"), on("000977", "Shenzhen Stock Exchange")}, // Excel lost the zeros
		{p("5930 KS"), on("5930", "Korea Exchange (Stock Market)"), p("005930.KS")},
		{p("3293 TT"), on("3293", "Gretai Securities Market"), on("3293", "Taiwan Stock Exchange")},
		{p("CNU CA"), p("CNU CN"), on("CNU", "Toronto Stock Exchange"), p("CNU.TO")},
		{p("AAPL US"), on("AAPL", "NASDAQ"), on("AAPL", "Nasdaq"), p("AAPL.O")},
	}
	for _, g := range groups {
		for _, tk := range g[1:] {
			if tk.Key() != g[0].Key() || tk.Key() == "" {
				t.Errorf("%q → %q, want %q (as %q)", tk.Raw, tk.Key(), g[0].Key(), g[0].Raw)
			}
		}
	}
	differ := [][2]Ticker{
		{on("2357", "XHKG"), on("2357", "XTAI")}, // AviChina vs ASUSTeK
		{on("2357", "Hong Kong Exchanges And Clearing Ltd"), on("2357", "Taiwan Stock Exchange")},
		{p("CNU CN"), p("600028 CN")},
		{p("600028 CN"), p("000028 CN")},
		{p("CHL US"), p("CHL RU")},
	}
	for _, d := range differ {
		if d[0].Key() == d[1].Key() {
			t.Errorf("%q and %q both give %q", d[0].Raw, d[1].Raw, d[0].Key())
		}
	}
	if k := p("2357").Key(); k != "" {
		t.Errorf("bare 2357 has key %q, want none", k)
	}
}

func TestTickerOn(t *testing.T) {
	cases := []struct{ code, exchange, key string }{
		{"00941", "XHKG", "XHKG:941"},
		{"941", "Hong Kong Exchanges And Clearing Ltd", "XHKG:941"},
		{"941", "hong kong exchanges and clearing ltd.", "XHKG:941"},
		{"1816", "Hong Kong Exchanges And Clearing Ltd", "XHKG:1816"},
		{"977", "Shenzhen Stock Exchange", "XSHE:000977"},
		{"600893", "Shanghai", "XSHG:600893"}, // a constituent file's Exchange column: the city
		{"2", "Shenzhen", "XSHE:000002"},
		{"941", "Hong Kong", "XHKG:941"},
		{"601985", "Shanghai Stock Exchange", "XSHG:601985"},
		{"12450", "Korea Exchange (Stock Market)", "XKRX:012450"},
		{"5930", "XKRX", "XKRX:005930"},
		{"50", "Taiwan Stock Exchange", "XTAI:0050"},
		{"7203", "Tokyo Stock Exchange", "JP:7203"},
		{"7203", "TSE", "JP:7203"}, // IBKR's TSE is Toronto, but a numeric code is Tokyo's
		{"CNU", "TSE", "CA:CNU"},   // IBKR Toronto
		{"VT", "ARCA", "US:VT"},    // IBKR listingExchange
		{"LNG", "Nyse Mkt Llc", "US:LNG"},
		{"CBOE", "Cboe BZX formerly known as BATS", "US:CBOE"},
		{"BP.", "London Stock Exchange", "XLON:BP"},
		{"BT.A", "London Stock Exchange", "XLON:BT.A"},
		{"INVE B", "Nasdaq Omx Nordic", "XSTO:INVE.B"},
		{"PETR4", "XBSP", "BVMF:PETR4"},
		{"SBER", "Standard-Classica-Forts", "RU:SBER"},
		{"532483", "Bse Ltd", "IN:532483"},
		{"600028", ".SS", "XSHG:600028"},
		{"600028", "SS", "XSHG:600028"},
		{"600028", "CN", "XSHG:600028"},
		{"CNU", "CN", "CA:CNU"},
		{"CNU", "CA", "CA:CNU"},
		{"ESH2", "Index And Options Market", "XCME:ESH2"},
		{"MESH2", "Ice Futures U.S.", "IFUS:MESH2"},
	}
	for _, c := range cases {
		tk, err := TickerOn(c.code, c.exchange)
		if err != nil {
			t.Errorf("TickerOn(%q, %q): %v", c.code, c.exchange, err)
			continue
		}
		if tk.Key() != c.key || tk.Raw != c.code {
			t.Errorf("TickerOn(%q, %q) = %+v, want key %q", c.code, c.exchange, tk, c.key)
		}
	}
	errs := []struct {
		code, exchange string
		want           error
	}{
		{"941", "Moon Exchange", ErrUnknownExchange},
		{"941", "", ErrNoExchange},
		{"-", "-", ErrNoExchange},
		{"3357358Z", "NO MARKET (E.G. UNLISTED)", ErrNoExchange},
		{"VOD", "GB", ErrAmbiguousExchange},
		{"EUR", "IDEALFX", ErrUnknownExchange},
		{"CHL", "XHKG", ErrBadTicker},
		{"", "XHKG", ErrBadTicker},
	}
	for _, c := range errs {
		tk, err := TickerOn(c.code, c.exchange)
		if !errors.Is(err, c.want) {
			t.Errorf("TickerOn(%q, %q) = %+v, %v; want an error wrapping %v", c.code, c.exchange, tk, err, c.want)
		} else if !strings.Contains(err.Error(), c.exchange) {
			t.Errorf("TickerOn(%q, %q): error %q does not name the exchange", c.code, c.exchange, err)
		}
	}
}

func TestMarketOf(t *testing.T) {
	cases := []struct {
		in   string
		want string
		ok   bool
	}{
		{"XHKG", "XHKG", true},
		{"Hong Kong Exchanges And Clearing Ltd", "XHKG", true},
		{"XNAS", "US", true},
		{"New York Stock Exchange Inc.", "US", true},
		{"Xetra", "DE", true},
		{"Gretai Securities Market", "XTAI", true},
		{"CN", "CA", true}, // a lettered code reading
		{".SS", "XSHG", true},
		{"GB", "", false},
		{"Moon Exchange", "", false},
		{"-", "", false},
	}
	for _, c := range cases {
		got, ok := MarketOf(c.in)
		if got != c.want || ok != c.ok {
			t.Errorf("MarketOf(%q) = %q, %v; want %q, %v", c.in, got, ok, c.want, c.ok)
		}
	}
}

// TestExchangeNamesInFiles reads every Exchange value of the four iShares
// files, and IBKR's listingExchange values, and checks each has a market.
func TestExchangeNamesInFiles(t *testing.T) {
	noMarket := map[string]bool{"-": true, "NO MARKET (E.G. UNLISTED)": true, "": true}
	names := map[string]bool{}
	for _, f := range []string{
		"holdings/ishares/ishares_ACWI_holdings_2022-03-10.csv",
		"holdings/ishares/ishares_EEM_holdings_2025-01.csv",
		"holdings/ishares/ishares_ACWI_holdings_undated_early-2025.csv",
		"holdings/ishares/ishares_canada_XWD_holdings_mid-2022_excel-resaved.csv",
	} {
		recs := readSharedCSV(t, shareddata.Path(t, f))
		hdr := -1
		for i, r := range recs {
			if len(r) > 0 && r[0] == "Ticker" {
				hdr = i
				break
			}
		}
		if hdr < 0 {
			t.Fatalf("%s: no header", f)
		}
		ex := columnIndex(recs[hdr], "Exchange")
		for _, r := range recs[hdr+1:] {
			if len(r) > ex && len(r) > 10 {
				names[r[ex]] = true
			}
		}
	}
	b, err := os.ReadFile(shareddata.Path(t, "holdings/broker/ibkr_flex_statement_anonymised_2025.xml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range regexp.MustCompile(` listingExchange="([^"]*)"`).FindAllStringSubmatch(string(b), -1) {
		names[m[1]] = true
	}
	n := 0
	for name := range names {
		_, err := TickerOn("1", name)
		switch {
		case noMarket[strings.TrimSpace(name)]:
			if !errors.Is(err, ErrNoExchange) {
				t.Errorf("%q: got %v, want ErrNoExchange", name, err)
			}
		case err != nil && !errors.Is(err, ErrBadTicker):
			t.Errorf("exchange name %q: %v", name, err)
		default:
			if _, ok := MarketOf(name); !ok {
				t.Errorf("MarketOf(%q) not ok", name)
			}
			n++
		}
	}
	if n < 55 {
		t.Errorf("%d exchange names, want about 60", n)
	}
	t.Logf("%d exchange names from the iShares files and IBKR have a market", n)
}

// TestOFACTickers parses every Equity Ticker of the NS-CMIC entries.
func TestOFACTickers(t *testing.T) {
	p := shareddata.Path(t, "lists/ofac-cons-csv-2025-12/cons_prim.csv")
	re := regexp.MustCompile(`(?:^|; )(?:alt\. )?Equity Ticker ([^;]+)`)
	keys := map[string]string{}
	n := 0
	for _, r := range readSharedCSV(t, p) {
		if len(r) < 12 || !strings.Contains(r[3], "CMIC-EO13959") {
			continue
		}
		for _, m := range re.FindAllStringSubmatch(r[11], -1) {
			n++
			tk, err := ParseTicker(m[1])
			if err != nil || tk.Key() == "" {
				t.Errorf("entry %s ticker %q: %+v, %v", r[0], m[1], tk, err)
				continue
			}
			if prev, ok := keys[tk.Key()]; ok && prev != r[0] {
				t.Errorf("ticker key %s belongs to entries %s and %s", tk.Key(), prev, r[0])
			}
			keys[tk.Key()] = r[0]
		}
	}
	if n != 69 {
		t.Errorf("read %d tickers, want 69", n)
	}
	for _, c := range []struct{ in, ent string }{{"600941 CN", ""}, {"941 HK", "30923"}, {"1186 HK", "30959"}, {"603019 CH", "33113"}, {"883.HK", "30926"}} {
		tk := mustTicker(t, func() (Ticker, error) { return ParseTicker(c.in) })
		if got := keys[tk.Key()]; got != c.ent {
			t.Errorf("%s → %s → entry %q, want %q", c.in, tk.Key(), got, c.ent)
		}
	}
}

func FuzzParseTicker(f *testing.F) {
	for _, s := range []string{"941 HK", "601698  CN", "603019CN", "0941.HK", "CHL US", "2357", "BRK/B US",
		"K3ED SG", "977 C2", "VOD GB", "7203.T", "941 HK Equity", ".HK", "1.2.3"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		tk, err := ParseTicker(s)
		if err != nil {
			if tk.Key() != "" {
				t.Fatalf("ParseTicker(%q) failed but has key %q", s, tk.Key())
			}
			return
		}
		if tk.Code == "" {
			t.Fatalf("ParseTicker(%q) = %+v: no code", s, tk)
		}
		if (tk.Market == "") != (tk.Key() == "") {
			t.Fatalf("ParseTicker(%q) = %+v: key %q", s, tk, tk.Key())
		}
		if tk.Market != "" {
			// the canonical form is a fixed point
			again, err := TickerOn(tk.Code, tk.Market)
			if err != nil || again.Key() != tk.Key() {
				t.Fatalf("TickerOn(%q, %q) = %+v, %v; want key %q", tk.Code, tk.Market, again, err, tk.Key())
			}
		}
	})
}

func FuzzTickerOn(f *testing.F) {
	f.Add("00941", "XHKG")
	f.Add("977", "Shenzhen Stock Exchange")
	f.Add("INVE B", "Nasdaq Omx Nordic")
	f.Add("CNU", "CN")
	f.Add("7203", "TSE")
	f.Fuzz(func(t *testing.T, code, exchange string) {
		tk, err := TickerOn(code, exchange)
		if err != nil {
			if tk.Key() != "" {
				t.Fatalf("TickerOn(%q, %q) failed but has key %q", code, exchange, tk.Key())
			}
			return
		}
		if tk.Key() == "" {
			t.Fatalf("TickerOn(%q, %q) = %+v: no key", code, exchange, tk)
		}
		again, err := TickerOn(tk.Code, tk.Market)
		if err != nil || again.Key() != tk.Key() {
			t.Fatalf("TickerOn(%q, %q) = %+v, %v; want key %q", tk.Code, tk.Market, again, err, tk.Key())
		}
	})
}

// FuzzTickerWords holds tickerWords to strings.Fields on what ParseTicker
// cuts (a ticker cleaned and in capitals).
func FuzzTickerWords(f *testing.F) {
	for _, s := range []string{"941 HK", "  941   HK  Equity ", "", " ", "A B C D E", "A B C D", "\u00a0941\u2003HK", "0941.HK\t"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		up := strings.ToUpper(CleanID(s))
		var buf [4]string
		if got, want := tickerWords(up, &buf), strings.Fields(up); !slices.Equal(got, want) {
			t.Fatalf("tickerWords(%q) = %q, strings.Fields %q", up, got, want)
		}
	})
}
