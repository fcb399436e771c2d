package holdings

// Header words: a header cell is recognised by the words it holds, not by
// its whole text. "Security ISIN", "Isin No", "Identifier (ISIN)",
// "成分券代码\nConstituent Code" and "ＩＳＩＮ" all name their column without
// a table entry of their own. The alias table (table.go) is tried first on
// the whole folded cell; these rules are the fallback.

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// headerRank is the rank a field found by words gets: behind every alias
// table entry, so that an exact "Name" beats a "Mnemonic Name".
const headerRank = 100

// foldText applies Unicode NFKC (full-width forms to ASCII, ligatures) and
// lower-cases.
func foldText(s string) string {
	if isASCII(s) {
		return strings.ToLower(s)
	}
	return strings.ToLower(norm.NFKC.String(s))
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// splitBilingual splits a cell into its Latin-script part and its CJK part
// ("成分券代码Constituent Code" → "constituent code", "成分券代码"). Either
// may be empty.
func splitBilingual(s string) (latin, cjk string) {
	var l, c strings.Builder
	for _, r := range foldText(s) {
		if isCJK(r) {
			c.WriteRune(r)
			l.WriteByte(' ')
			continue
		}
		l.WriteRune(r)
	}
	return l.String(), c.String()
}

func isCJK(r rune) bool {
	return unicode.Is(unicode.Han, r) || unicode.Is(unicode.Hiragana, r) || unicode.Is(unicode.Katakana, r) || unicode.Is(unicode.Hangul, r)
}

// words splits folded Latin text at every character that is not a letter
// or digit.
func words(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
}

// idWords name the identifier kinds; a header holding one of them (in any
// position) is that identifier's column, a header holding two is a column
// of mixed identifiers typed value by value.
var idWords = map[string]field{"isin": fISIN, "cusip": fCUSIP, "sedol": fSEDOL, "figi": fFIGI, "lei": fLEI}

// wordSets are the Latin header words of each meaning.
var (
	wAccount  = set("account", "portfolio", "fund", "acct", "a/c", "client")
	wName     = set("name", "description", "security", "securities", "instrument", "issuer", "company", "holding", "investment", "product", "asset", "constituent", "stock", "title", "desc")
	wID       = set("id", "identifier", "code", "symbol", "ticker", "no", "number", "nr")
	wTickerID = set("ticker", "symbol")
	wQuantity = set("quantity", "qty", "shares", "nominal", "units", "holding", "holdings", "position", "balance", "par", "amount", "face", "volume")
	wPrice    = set("price")
	wValue    = set("value", "mv", "valuation")
	wMarket   = set("market", "mkt")
	wCurrency = set("currency", "ccy", "curr")
	wExchange = set("exchange", "mic", "market", "venue", "bourse")
	wWeight   = set("weight", "weighting", "percent", "percentage", "pct", "nav")
	wDate     = set("date", "asof", "dated")
	wOther    = set("index", "benchmark", "underlying", "parent", "issuerparent") // another security's columns
	wSkip     = set("type", "rate", "cost", "accrued", "accr", "interest", "int", "pl", "gain", "loss", "yield", "coupon", "maturity", "sector", "country", "region", "industry", "rating", "isocode", "fx")
)

func set(ws ...string) map[string]bool {
	m := make(map[string]bool, len(ws))
	for _, w := range ws {
		m[w] = true
	}
	return m
}

func hasAny(ws []string, m map[string]bool) bool {
	for _, w := range ws {
		if m[w] {
			return true
		}
	}
	return false
}

// cjkWords are the Chinese header words of each meaning, simplified and
// traditional, matched as substrings (Chinese has no spaces).
var cjkWords = []struct {
	f     field
	rank  int // lower wins among columns of one field
	parts []string
	not   []string // the cell holds none of these
}{
	{fName, headerRank - 1, []string{"英文名称", "英文名稱", "英文简称", "英文簡稱"}, nil},
	{fExchange, headerRank - 1, []string{"交易所英文", "市场英文", "市場英文"}, nil},
	{fTicker, headerRank, []string{"代码", "代碼", "代號", "代号", "编码", "編碼"}, nil},
	{fName, headerRank + 1, []string{"简称", "簡稱", "名称", "名稱"}, nil},
	{fExchange, headerRank + 1, []string{"交易所", "市场", "市場"}, []string{"价", "價", "值"}},
	{fQuantity, headerRank, []string{"数量", "數量", "持仓", "持倉", "持股", "股数", "股數", "面值"}, nil},
	{fMarketValue, headerRank, []string{"市值"}, nil},
	{fPrice, headerRank, []string{"价格", "價格", "收盘价", "收盤價"}, nil},
	{fWeight, headerRank, []string{"权重", "權重", "比例", "占比", "佔比"}, nil},
	{fCurrency, headerRank, []string{"币种", "幣種", "货币", "貨幣"}, nil},
}

// wordField names the field a header cell means by its words, when the
// alias table does not know the whole cell. Cells of several lines (a
// stacked header, or "中文\nEnglish") are read line by line, the first line
// that means something winning. ok is false for a cell of no known
// meaning.
func wordField(cell string) (f field, rank int, ok bool) {
	folded := foldText(cell)
	var ids []field
	for _, w := range words(folded) {
		if f, ok := idWords[w]; ok && !containsField(ids, f) {
			ids = append(ids, f)
		}
	}
	if len(ids) > 1 {
		return fSecurityID, headerRank, true // "ISIN/CUSIP": each value typed by its check
	}
	// A stacked header ("NOMINAL\nQUANTITY/\nVALUE DATE") names one meaning per
	// row of a record; the first part that means something is the column's.
	for _, line := range strings.Split(strings.ReplaceAll(cell, "\r\n", "\n"), "/\n") {
		line = strings.NewReplacer("\n", " ", "\r", " ", "\v", " ").Replace(line)
		latin, cjk := splitBilingual(line)
		if strings.Contains(latin, "%") && !hasAny(words(latin), wCurrency) {
			return fWeight, headerRank, true
		}
		ws := words(latin)
		if f, rank, ok := latinField(ws); ok {
			if hasAny(ws, set("eng", "english", "en")) {
				rank-- // the English column of a bilingual file
			}
			return f, rank, true
		}
		if hasAny(ws, wSkip) || hasAny(ws, wDate) || hasAny(ws, wOther) || strings.Contains(cjk, "指数") || strings.Contains(cjk, "指數") {
			return 0, 0, false // a column of another meaning, in either language
		}
		if n := normalise(latin); n != "" {
			if a, ok := aliasIndex[n]; ok {
				return a.f, a.rank, true
			}
		}
		if f, rank, ok := cjkField(cjk); ok {
			return f, rank, true
		}
	}
	return 0, 0, false
}

// cjkField reads the Chinese part of a header cell through cjkWords.
func cjkField(s string) (field, int, bool) {
	if s == "" {
		return 0, 0, false
	}
	for _, w := range cjkWords {
		hit := false
		for _, p := range w.parts {
			if strings.Contains(s, p) {
				hit = true
				break
			}
		}
		for _, p := range w.not {
			if strings.Contains(s, p) {
				hit = false
			}
		}
		if hit {
			return w.f, w.rank, true
		}
	}
	if strings.Contains(s, "日期") {
		return 0, 0, false
	}
	return 0, 0, false
}

// latinField reads the Latin words of a header cell. The order of the
// tests is the precedence of meanings: "Market Price Currency" is a
// currency, "Quantity Type" is nothing, "Securities Name" is a name.
func latinField(ws []string) (field, int, bool) {
	if len(ws) == 0 {
		return 0, 0, false
	}
	var ids []field
	for _, w := range ws {
		if f, ok := idWords[w]; ok && !containsField(ids, f) {
			ids = append(ids, f)
		}
	}
	last := ws[len(ws)-1]
	if hasAny(ws, wOther) {
		return 0, 0, false
	}
	switch {
	case len(ids) == 1 && !(last == "type"):
		return ids[0], headerRank, true
	case len(ids) > 1:
		return fSecurityID, headerRank, true
	case hasAny(ws, wDate):
		return 0, 0, false
	case last == "type" || last == "class" || last == "category":
		if hasAny(ws, set("asset", "security", "instrument", "investment")) && !hasAny(ws, wID) {
			return fAssetClass, headerRank, true
		}
		return 0, 0, false
	case hasAny(ws, wValue) && hasAny(ws, wMarket):
		return fMarketValue, headerRank, true
	case hasAny(ws, wCurrency):
		return fCurrency, headerRank, true
	case hasAny(ws, wSkip):
		return 0, 0, false
	case hasAny(ws, wPrice):
		return fPrice, headerRank, true
	case hasAny(ws, wValue) && (hasAny(ws, wMarket) || len(ws) == 1):
		return fMarketValue, headerRank, true
	case hasAny(ws, wWeight):
		return fWeight, headerRank, true
	case hasAny(ws, wAccount) && !hasAny(ws, set("security", "securities", "instrument")):
		return fPortfolio, headerRank, true
	case hasAny(ws, wTickerID):
		return fTicker, headerRank, true
	case hasAny(ws, wID) && hasAny(ws, set("security", "securities", "instrument", "investment", "asset")) && last != "name":
		return fSecurityID, headerRank, true
	case hasAny(ws, wID) && hasAny(ws, set("stock", "constituent", "share", "local")):
		return fTicker, headerRank, true
	case hasAny(ws, wExchange) && !hasAny(ws, wValue):
		return fExchange, headerRank, true
	case hasAny(ws, wQuantity) && !hasAny(ws, set("name", "description", "desc")):
		return fQuantity, headerRank, true
	case hasAny(ws, wName):
		rank := headerRank
		if !hasAny(ws, set("name", "description", "desc", "security", "securities", "instrument", "investment", "issuer")) {
			rank++ // "Holding", "Product": a name only when nothing says so plainly
		}
		return fName, rank, true
	}
	return 0, 0, false
}

func containsField(fs []field, f field) bool {
	for _, x := range fs {
		if x == f {
			return true
		}
	}
	return false
}

// exchangeMIC gives the MIC of the Chinese and Hong Kong exchanges written
// out in a constituent file's exchange column, in English or Chinese
// ("Shanghai", "Shenzhen Stock Exchange", "上海证券交易所", "深交所"); ""
// for anything else, which is kept as written.
func exchangeMIC(v string) string {
	latin, cjk := splitBilingual(v)
	var rest []string
	for _, w := range words(latin) {
		switch w {
		case "stock", "exchange", "securities", "se", "ltd", "limited", "the", "of", "market", "main", "board", "a", "b", "share", "shares":
		default:
			rest = append(rest, w)
		}
	}
	mic := ""
	switch strings.Join(rest, " ") {
	case "shanghai", "sse", "sh", "ss":
		mic = "XSHG"
	case "shenzhen", "szse", "sz":
		mic = "XSHE"
	case "beijing", "bse", "bj":
		mic = "BJSE"
	case "hong kong", "hongkong", "hkex", "sehk", "hk":
		mic = "XHKG"
	case "":
	default:
		return ""
	}
	cjkMIC := ""
	switch {
	case cjk == "":
	case strings.HasPrefix(cjk, "上海") || strings.HasPrefix(cjk, "上交所") || cjk == "沪市" || cjk == "滬市":
		cjkMIC = "XSHG"
	case strings.HasPrefix(cjk, "深圳") || strings.HasPrefix(cjk, "深交所") || cjk == "深市":
		cjkMIC = "XSHE"
	case strings.HasPrefix(cjk, "北京") || strings.HasPrefix(cjk, "北交所"):
		cjkMIC = "BJSE"
	case strings.HasPrefix(cjk, "香港") || strings.HasPrefix(cjk, "港交所"):
		cjkMIC = "XHKG"
	default:
		return ""
	}
	switch {
	case mic != "" && cjkMIC != "" && mic != cjkMIC:
		return ""
	case mic != "":
		return mic
	}
	return cjkMIC
}

// padCode restores the leading zeros a spreadsheet strips from an all-digit
// listing code: six digits in Shanghai, Shenzhen and Beijing, four in Hong
// Kong ("2415" on XSHE is 002415, "941" on XHKG is 0941).
func padCode(code, mic string) string {
	if code == "" || !allDigits(code) {
		return code
	}
	n := 0
	switch mic {
	case "XSHG", "XSHE", "BJSE":
		n = 6
	case "XHKG":
		n = 4
	}
	if len(code) < n {
		return strings.Repeat("0", n-len(code)) + code
	}
	return code
}
