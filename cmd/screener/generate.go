package main

// generate writes synthetic but realistic holdings CSV files for benchmarks,
// load tests and fuzz seeds. Everything comes from one PCG stream seeded by
// --seed, so the same seed gives the same bytes on every machine.

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
)

const generateHelp = `
Usage: screener generate --rows N [--seed S] [--out FILE]

Writes a realistic holdings CSV of N data rows (about 90 bytes a row) for
benchmarks and load tests: thousands of portfolios, valid ISINs, tickers in
several conventions (941 HK, 0941.HK, bare code plus exchange, 600028 CH),
about 2% listed NS-CMIC securities, 2% near misses (subsidiaries of listed
parents) and 2% bad rows (bad ISIN check digit with no name, no identifier,
non-numeric quantity). The same seed always gives the same bytes.

Columns: portfolio,us_person,isin,ticker,exchange,name,quantity,price,
market_value,currency,asset_class

Examples:
  screener generate --rows 1000000 --out holdings-1m.csv
  screener generate --rows 100 --seed 7 | head
`

// generateHeader is the header line of a generated file.
const generateHeader = "portfolio,us_person,isin,ticker,exchange,name,quantity,price,market_value,currency,asset_class\n"

func runGenerate(ctx context.Context, args []string, stdout, stderr io.Writer) (err error) {
	fs := newFlags("screener generate", generateHelp, stderr)
	rows := fs.Int64("rows", -1, "number of data rows to write (required)")
	seed := fs.Uint64("seed", 1, "random seed; the same seed gives the same bytes")
	out := fs.String("out", "", "write to this file instead of stdout")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 0 {
		fmt.Fprintf(stderr, "screener generate: unexpected argument %q\n", fs.Arg(0))
		return errUsage
	}
	if *rows < 0 {
		fmt.Fprintln(stderr, "screener generate: --rows N is required (N >= 0)")
		fs.Usage()
		return errUsage
	}
	w := stdout
	if *out != "" {
		f, err := os.Create(*out)
		if err != nil {
			return err
		}
		defer func() {
			if cerr := f.Close(); err == nil {
				err = cerr
			}
		}()
		w = f
	}
	return generate(ctx, w, *rows, *seed)
}

// generate writes the header and rows data rows to w.
func generate(ctx context.Context, w io.Writer, rows int64, seed uint64) error {
	bw := bufio.NewWriterSize(w, 256<<10)
	g := newGenerator(rows, seed)
	if _, err := bw.WriteString(generateHeader); err != nil {
		return err
	}
	buf := make([]byte, 0, 512)
	for i := int64(0); i < rows; i++ {
		if i&0xffff == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		buf = g.row(buf[:0])
		if _, err := bw.Write(buf); err != nil {
			return err
		}
	}
	return bw.Flush()
}

// genSecurity is one security of the generated universe.
type genSecurity struct {
	isin     string
	code     string // local ticker code, e.g. "941", "600028", "AAPL"
	market   string // Bloomberg market code: HK, CH, CN, US, LN, GR, JP, FP
	name     string
	currency string
	class    string
	bond     bool
}

// genPortfolio is one generated portfolio.
type genPortfolio struct {
	name     string
	usPerson string
}

type generator struct {
	r          *rand.Rand
	portfolios []genPortfolio
	universe   []genSecurity
	cur        *genPortfolio // portfolio of the current run of rows
	left       int           // rows left in the current run
	runLen     int           // mean run length
}

// Real NS-CMIC listed securities (OFAC consolidated list, 2025-12), with the
// ticker as OFAC prints it, minus the market.
var genListed = []genSecurity{
	{isin: "HK0941009539", code: "941", market: "HK", name: "CHINA MOBILE LTD", currency: "HKD", class: "Equity"},
	{isin: "CNE100001TW7", code: "603019", market: "CH", name: "SUGON INFORMATION INDUSTRY CO LTD-A", currency: "CNY", class: "Equity"},
	{isin: "CNE100000PM8", code: "002415", market: "CN", name: "HANGZHOU HIKVISION DIGITAL TECHNOLOGY CO LTD-A", currency: "CNY", class: "Equity"},
	{isin: "HK0883013259", code: "883", market: "HK", name: "CNOOC LTD", currency: "HKD", class: "Equity"},
	{isin: "HK0000049939", code: "762", market: "HK", name: "CHINA UNICOM HONG KONG LTD", currency: "HKD", class: "Equity"},
	{isin: "CNE1000002V2", code: "728", market: "HK", name: "CHINA TELECOM CORP LTD-H", currency: "HKD", class: "Equity"},
	{isin: "CNE1000009T1", code: "601186", market: "CH", name: "CHINA RAILWAY CONSTRUCTION CORP LTD-A", currency: "CNY", class: "Equity"},
	{isin: "CNE000000SM3", code: "600118", market: "CH", name: "CHINA SPACESAT CO LTD-A", currency: "CNY", class: "Equity"},
	{isin: "CNE100000J75", code: "601989", market: "CH", name: "CHINA SHIPBUILDING INDUSTRY CO LTD-A", currency: "CNY", class: "Equity"},
	{isin: "CNE100002664", code: "300474", market: "CH", name: "CHANGSHA JINGJIA MICROELECTRONICS CO LTD-A", currency: "CNY", class: "Equity"},
}

// Near misses: real securities whose issuer is not listed but a parent or a
// namesake is (RULES.md, OFAC FAQ 857). They must not come out prohibited.
var genNearMiss = []genSecurity{
	{isin: "CNE1000007Z2", code: "390", market: "HK", name: "CHINA RAILWAY GROUP LTD-H", currency: "HKD", class: "Equity"},
	{isin: "CNE100001T80", code: "1816", market: "HK", name: "CGN POWER CO LTD-H", currency: "HKD", class: "Equity"},
	{isin: "CNE000001CS2", code: "600050", market: "CH", name: "CHINA UNITED NETWORK COMMUNICATIONS LTD-A", currency: "CNY", class: "Equity"},
	{isin: "CNE1000001Y8", code: "2357", market: "HK", name: "AVICHINA INDUSTRY & TECHNOLOGY CO LTD-H", currency: "HKD", class: "Equity"},
}

var (
	genWords1 = []string{"PACIFIC", "GLOBAL", "NORTHERN", "GOLDEN", "HARBOR", "SUMMIT", "ZHEJIANG", "JIANGSU",
		"SHENZHEN", "GUANGDONG", "ATLAS", "MERIDIAN", "EVEREST", "ORIENT", "NORDIC", "ALPINE", "SILVER",
		"CRESCENT", "PIONEER", "UNITED", "SICHUAN", "FUJIAN", "OSAKA", "RHINE", "THAMES", "HUDSON"}
	genWords2 = []string{"INDUSTRIAL", "TECHNOLOGY", "ENERGY", "FINANCIAL", "CONSUMER", "MEDICAL", "RAILWAY",
		"NETWORK", "POWER", "MINING", "ELECTRONICS", "LOGISTICS", "FOODS", "CHEMICAL", "SOFTWARE", "MOTORS",
		"PROPERTIES", "TELECOM", "SHIPPING", "AEROSPACE", "BANK", "INSURANCE"}
	genWords3  = []string{"HOLDINGS", "GROUP", "CO LTD", "CORP", "INC", "LTD", "PLC", "AG", "SA", "CO LTD-A", "CO LTD-H"}
	genFunds1  = []string{"US", "Global", "Asia", "EM", "China", "World", "Lux", "Dublin", "Cayman", "Income", "Growth", "Value"}
	genFunds2  = []string{"Equity", "Income", "Growth", "Bond", "Value", "Tech", "Div", "Multi"}
	genMarkets = []struct{ country, market, currency string }{
		{"US", "US", "USD"}, {"US", "US", "USD"}, {"US", "US", "USD"}, {"GB", "LN", "GBP"},
		{"DE", "GR", "EUR"}, {"FR", "FP", "EUR"}, {"JP", "JP", "JPY"}, {"HK", "HK", "HKD"},
		{"CN", "CH", "CNY"}, {"KY", "HK", "HKD"},
	}
	// genExchanges names a market the ways holdings files do, for the
	// "bare code plus exchange column" convention.
	genExchanges = map[string][]string{
		"HK": {"XHKG", "Hong Kong Exchanges And Clearing Ltd", "HKEX"},
		"CH": {"XSHG", "Shanghai Stock Exchange", "XSHE", "Shenzhen Stock Exchange"},
		"CN": {"XSHE", "Shenzhen Stock Exchange"},
		"US": {"XNAS", "NASDAQ", "New York Stock Exchange", "XNYS"},
		"LN": {"XLON", "London Stock Exchange"},
		"GR": {"XETR", "Xetra"},
		"FP": {"XPAR", "Euronext Paris"},
		"JP": {"XTKS", "Tokyo Stock Exchange"},
	}
	genYahoo = map[string]string{"HK": "HK", "CH": "SS", "CN": "SZ", "US": "", "LN": "L", "GR": "DE", "FP": "PA", "JP": "T"}
)

func newGenerator(rows int64, seed uint64) *generator {
	g := &generator{r: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))}
	np := rows / 200
	np = max(1, min(np, 5000))
	if rows >= 100000 {
		np = max(np, 2000)
	}
	g.portfolios = make([]genPortfolio, np)
	g.runLen = int(max(1, rows/np))
	for i := range g.portfolios {
		p := &g.portfolios[i]
		p.name = genFunds1[g.r.IntN(len(genFunds1))] + " " + genFunds2[g.r.IntN(len(genFunds2))] + " " + strconv.Itoa(1000+i)
		switch n := g.r.IntN(10); {
		case n < 6:
			p.usPerson = "yes"
		case n < 9:
			p.usPerson = "no"
		default:
			p.usPerson = ""
		}
	}
	g.universe = make([]genSecurity, 20000)
	for i := range g.universe {
		g.universe[i] = g.security(i)
	}
	return g
}

// security makes the i-th security of the universe: a valid ISIN in its
// country's numbering space and a ticker code that does not collide with the
// listed codes above (codes are drawn from ranges no NS-CMIC issuer uses).
func (g *generator) security(i int) genSecurity {
	m := genMarkets[g.r.IntN(len(genMarkets))]
	s := genSecurity{market: m.market, currency: m.currency, class: "Equity"}
	s.name = genWords1[g.r.IntN(len(genWords1))] + " " + genWords2[g.r.IntN(len(genWords2))] + " " + genWords3[g.r.IntN(len(genWords3))]
	body := make([]byte, 0, 12)
	body = append(body, m.country...)
	switch m.market {
	case "HK":
		s.code = strconv.Itoa(8000 + i%1999) // GEM-board range: no listed CMIC issuer
	case "CH":
		s.code = strconv.Itoa(605000 + i%999)
	case "JP":
		s.code = strconv.Itoa(1300 + i%8000)
	default:
		n := 2 + g.r.IntN(3)
		b := make([]byte, n)
		for j := range b {
			b[j] = byte('A' + g.r.IntN(26))
		}
		// Keep clear of real listed US tickers (CHL, CHA, CHU...).
		if b[0] == 'C' {
			b[0] = 'Q'
		}
		s.code = string(b)
	}
	if m.country == "CN" {
		body = append(body, 'E', '1', '0', '0')
		for range 5 {
			body = append(body, genAlnum[g.r.IntN(len(genAlnum))])
		}
	} else {
		for range 9 {
			body = append(body, byte('0'+g.r.IntN(10)))
		}
	}
	body = append(body, '0'+isinCheckDigit(string(body)))
	s.isin = string(body)
	if g.r.IntN(8) == 0 {
		s.bond = true
		s.class = "Fixed Income"
		s.name = s.name + " " + strconv.Itoa(1+g.r.IntN(7)) + "." + strconv.Itoa(g.r.IntN(10)) + "25 " +
			fmt.Sprintf("%02d/%02d/%02d", 1+g.r.IntN(12), 1+g.r.IntN(28), 26+g.r.IntN(20))
	}
	return s
}

// genBadQty are quantity cells a spreadsheet leaves behind that are not
// numbers (and not the null markers "n/a", "-" that readers accept).
var genBadQty = []string{"#VALUE!", "12O00", "1.2.3", "TBD"}

const genAlnum = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ"

// isinCheckDigit returns the ISIN check digit (ISO 6166, Luhn over the
// letters-as-numbers expansion) of the first 11 characters of s, which must
// be upper-case letters and digits.
func isinCheckDigit(s string) byte {
	var digits [24]byte
	n := 0
	for i := 0; i < len(s) && i < 11; i++ {
		c := s[i]
		if c >= 'A' && c <= 'Z' {
			v := c - 'A' + 10
			digits[n], digits[n+1] = v/10, v%10
			n += 2
		} else {
			digits[n] = c - '0'
			n++
		}
	}
	sum := 0
	// Double every second digit from the right, the rightmost one first.
	for i := 0; i < n; i++ {
		d := int(digits[n-1-i])
		if i%2 == 0 {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return byte((10 - sum%10) % 10)
}

// row appends one data row to b.
func (g *generator) row(b []byte) []byte {
	r := g.r
	// Files list an account's positions together: rows come in runs of one
	// portfolio (about rows/portfolios long), not shuffled row by row.
	if g.left == 0 {
		g.cur = &g.portfolios[r.IntN(len(g.portfolios))]
		g.left = 1 + r.IntN(2*g.runLen)
	}
	g.left--
	p := g.cur
	b = appendCSV(b, p.name)
	b = append(b, ',')
	b = append(b, p.usPerson...)
	b = append(b, ',')
	var s *genSecurity
	switch k := r.IntN(100); {
	case k < 2:
		s = &genListed[r.IntN(len(genListed))]
	case k < 4:
		s = &genNearMiss[r.IntN(len(genNearMiss))]
	case k < 6:
		return g.badRow(b)
	default:
		s = &g.universe[r.IntN(len(g.universe))]
	}
	// Which identifiers the file carries: ISIN and ticker, ISIN only,
	// ticker only.
	withISIN, withTicker := true, true
	switch r.IntN(4) {
	case 0:
		withTicker = false
	case 1:
		withISIN = false
	}
	if s.bond {
		withISIN, withTicker = true, false
	}
	if withISIN {
		b = append(b, s.isin...)
	}
	b = append(b, ',')
	if withTicker {
		b = g.appendTicker(b, s)
	} else {
		b = append(b, ',')
	}
	b = append(b, ',')
	b = appendCSV(b, s.name)
	b = append(b, ',')
	return g.appendAmounts(b, s)
}

// appendTicker appends "ticker,exchange" in one of the conventions files use.
func (g *generator) appendTicker(b []byte, s *genSecurity) []byte {
	code := s.code
	switch g.r.IntN(4) {
	case 0: // Bloomberg: "941 HK", "600028 CH"
		if s.market == "HK" && g.r.IntN(2) == 0 {
			code = padLeft(code, 5)
		}
		b = append(b, code...)
		b = append(b, ' ')
		b = append(b, s.market...)
		return append(b, ',')
	case 1: // Reuters/Yahoo: "0941.HK", "600028.SS"
		if s.market == "HK" {
			code = padLeft(code, 4)
		}
		b = append(b, code...)
		if suf := genYahoo[s.market]; suf != "" {
			b = append(b, '.')
			b = append(b, suf...)
		}
		return append(b, ',')
	default: // bare code plus an exchange column
		b = append(b, code...)
		b = append(b, ',')
		ex := genExchanges[s.market]
		return appendCSV(b, ex[g.r.IntN(len(ex))])
	}
}

// appendAmounts appends quantity, price, market value, currency and asset
// class. Prices are whole cents; the value is computed in integers, so no
// float ever touches money.
func (g *generator) appendAmounts(b []byte, s *genSecurity) []byte {
	r := g.r
	var qty, cents int64
	if s.bond {
		qty = int64(1+r.IntN(500)) * 10000 // nominal
		cents = int64(8000 + r.IntN(4000)) // price per 100 nominal
		b = strconv.AppendInt(b, qty, 10)
		b = append(b, ',')
		b = appendCents(b, cents)
		b = append(b, ',')
		b = appendCents(b, qty*cents/100)
	} else {
		qty = int64(1 + r.IntN(200000))
		cents = int64(1 + r.IntN(50000))
		b = strconv.AppendInt(b, qty, 10)
		b = append(b, ',')
		b = appendCents(b, cents)
		b = append(b, ',')
		b = appendCents(b, qty*cents)
	}
	b = append(b, ',')
	b = append(b, s.currency...)
	b = append(b, ',')
	b = append(b, s.class...)
	return append(b, '\n')
}

// badRow appends a row the readers must reject (and count), after the
// portfolio and us_person cells already in b.
func (g *generator) badRow(b []byte) []byte {
	r := g.r
	s := &g.universe[r.IntN(len(g.universe))]
	switch r.IntN(3) {
	case 0: // bad ISIN check digit and no name: nothing to screen on
		isin := []byte(s.isin)
		isin[11] = '0' + (isin[11]-'0'+1+byte(r.IntN(9)))%10
		b = append(b, isin...)
		b = append(b, ",,,,"...)
	case 1: // no identifier at all
		b = append(b, ",,,,"...)
	default: // non-numeric quantity
		b = append(b, s.isin...)
		b = append(b, ",,,"...)
		b = appendCSV(b, s.name)
		b = append(b, ',')
		b = append(b, genBadQty[r.IntN(len(genBadQty))]...)
		b = append(b, ',')
		b = appendCents(b, int64(1+r.IntN(50000)))
		b = append(b, ",,"...)
		b = append(b, s.currency...)
		b = append(b, ',')
		b = append(b, s.class...)
		return append(b, '\n')
	}
	b = strconv.AppendInt(b, int64(1+r.IntN(100000)), 10)
	b = append(b, ',')
	b = appendCents(b, int64(1+r.IntN(50000)))
	b = append(b, ",,"...)
	b = append(b, s.currency...)
	b = append(b, ',')
	b = append(b, s.class...)
	return append(b, '\n')
}

// appendCents appends c cents as a decimal string with two places.
func appendCents(b []byte, c int64) []byte {
	if c < 0 {
		b = append(b, '-')
		c = -c
	}
	b = strconv.AppendInt(b, c/100, 10)
	b = append(b, '.')
	f := c % 100
	return append(b, byte('0'+f/10), byte('0'+f%10))
}

// appendCSV appends s as a CSV field, quoted when it must be.
func appendCSV(b []byte, s string) []byte {
	if !strings.ContainsAny(s, ",\"\n\r") {
		return append(b, s...)
	}
	b = append(b, '"')
	b = append(b, strings.ReplaceAll(s, `"`, `""`)...)
	return append(b, '"')
}

func padLeft(s string, n int) string {
	for len(s) < n {
		s = "0" + s
	}
	return s
}
