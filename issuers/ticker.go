package issuers

import (
	"errors"
	"fmt"
	"maps"
	"strings"
	"sync"
	"sync/atomic"
)

// Ticker is an exchange ticker as printed and in normalised form.
//
// Every convention is brought to one canonical form so that equal
// securities get equal keys: Bloomberg "941 HK", "00883 HK Equity",
// "601698  CN", "603019CN"; Reuters and Yahoo "0941.HK", "600028.SS";
// and a bare code with its exchange given apart (TickerOn). Market is a
// canonical market (see the table below), Code the code as that market
// writes it: Hong Kong without leading zeros (00941 → 941), China A-shares
// and Korea six digits (977 → 000977), Taiwan at least four digits, share
// classes joined with "." (BRK/B, BRK-B, BRK.B → BRK.B), upper case.
//
// Canonical markets. A market that is one exchange is that exchange's ISO
// 10383 MIC; a country with many venues that share one code space is one
// market named by its ISO 3166 country code, so that the same stock keeps
// the same key on every venue:
//
//	market  what                                   read from (MIC; Bloomberg; ISO as OFAC writes it; Reuters/Yahoo suffix)
//	XHKG    Hong Kong Exchanges                    XHKG; HK; HK; .HK
//	XSHG    Shanghai (main board, STAR, B)         XSHG XSSC; CN CH C1 C2 CG CS with a 6… or 900… code, SS with digits; .SS .SH
//	XSHE    Shenzhen (main, ChiNext, B)            XSHE XSEC; CN CH C1 C2 CG CS with a 0…, 2… or 3… code; .SZ
//	BJSE    Beijing Stock Exchange                 BJSE; CN CH C1 C2 CG CS with a 4…, 8… or 920… code; .BJ
//	XTAI    Taiwan: TWSE and TPEx (one code space) XTAI ROCO; TT; TW; .TW .TWO
//	XKRX    Korea: KOSPI and KOSDAQ (one space)    XKRX XKOS; KS KQ; KR; .KS .KQ
//	JP      Japan: Tokyo, Nagoya, Fukuoka, Sapporo XTKS XJPX XNGO XFKA XSAP; JP JT; JP; .T
//	US      United States: every venue            XNYS XNAS XASE ARCX BATS IEXG OTC…; US UN UW UQ UR UA UP UF UV; US; .N .O .OQ .K
//	DE      Germany: Xetra and regional exchanges  XETR XFRA XBER XSTU XMUN XDUS XHAM XHAN XGAT; GR GY GF GS GM GD GH GI; DE; .DE .F .BE .SG .MU .HM .HA
//	CA      Canada: TSX, TSXV, CSE, NEO           XTSE XTSX XCNQ NEOE; CT CV, and CN with a lettered code; CA; .TO .V .CN .NE
//	IN      India: NSE and BSE                     XNSE XBOM; IN IS IB; IN; .NS .BO
//	RU      Russia: MOEX and SPB                   MISX XMOS RTSX XSPB; RM RU; RU; .MM .ME
//	XLON    London                                 XLON; LN LI; —; .L
//	XSES    Singapore                              XSES; SP; SG; .SI
//	XSWX    SIX Swiss Exchange                     XSWX XVTX; SW VX, and CH with a lettered code; —; .S .SW
//	BVMF    B3, Brazil                             BVMF XBSP; BZ; BR; .SA
//	XBUE    Buenos Aires                           XBUE; AR; AR; .BA
//	…       and XPAR XAMS XBRU XLIS XMIL XMAD XASX XNZE XWBO XHEL XSTO XCSE XOSL XMEX XSGO XBOG XJSE XTAE XIST XATH
//	        XBKK XKLS XIDX XPHS XSAU DSMD XADS XDFM XKUW XCAI XWAR XPRA XBUD XDUB, and derivatives venues as their MIC.
//
// Two-letter codes mean different things in Bloomberg and in ISO (which
// OFAC writes). CN is Bloomberg's Canada and OFAC's China, CH Bloomberg's
// China and ISO's Switzerland, SS Bloomberg's Stockholm and Reuters'
// Shanghai: those are told apart by the code (Chinese codes are six
// digits, the others carry letters). GB (Bloomberg Berlin, ISO United
// Kingdom), IT (Tel Aviv, Italy), SE (SIX, Sweden), AT (ASX, Austria), PL
// (Lisbon, Poland), ID (Dublin, Indonesia), TH (Tradegate, Thailand) cannot
// be told apart and are refused. GR is read as Bloomberg's Germany, not as
// ISO's Greece.
type Ticker struct {
	Raw    string `json:"raw"`    // as printed
	Code   string `json:"code"`   // normalised code
	Market string `json:"market"` // normalised market; "" when unknown (ambiguous)
}

// Key returns Market+":"+Code, or "" when the market is unknown.
func (t Ticker) Key() string {
	if t.Market == "" || t.Code == "" {
		return ""
	}
	return t.Market + ":" + t.Code
}

// String returns the key, or the code followed by "(no market)".
func (t Ticker) String() string {
	if k := t.Key(); k != "" {
		return k
	}
	return t.Code + " (no market)"
}

// Errors from ParseTicker, TickerOn and MarketOf, for errors.Is.
var (
	// ErrUnknownExchange: the exchange or market code is not in the table.
	ErrUnknownExchange = errors.New("unknown exchange")
	// ErrAmbiguousExchange: the code means different markets in different
	// conventions (GB is Berlin in Bloomberg, the United Kingdom in ISO).
	ErrAmbiguousExchange = errors.New("ambiguous exchange code")
	// ErrNoExchange: the file says the security has no exchange ("-",
	// "NO MARKET (E.G. UNLISTED)").
	ErrNoExchange = errors.New("no exchange")
	// ErrBadTicker: the ticker or code cannot be read.
	ErrBadTicker = errors.New("bad ticker")
)

// TickerError says what is wrong with a ticker. Err is one of the errors
// above.
type TickerError struct {
	Ticker   string // as given
	Exchange string // as given to TickerOn; "" for ParseTicker
	Reason   string
	Err      error
}

func (e *TickerError) Error() string {
	if e.Exchange != "" {
		return fmt.Sprintf("ticker %q on %q: %s", e.Ticker, e.Exchange, e.Reason)
	}
	return fmt.Sprintf("ticker %q: %s", e.Ticker, e.Reason)
}

// Unwrap returns the sentinel error.
func (e *TickerError) Unwrap() error { return e.Err }

// ParseTicker reads a ticker in any convention: Bloomberg "<code> <market>"
// with any spacing and an optional " Equity", or none at all when the code
// is numeric ("603019CN"); Reuters or Yahoo "<code>.<suffix>"; or a bare
// code. A bare code ("2357", "CHL", "BRK.B") parses with Market "" and no
// error: it is ambiguous and has no Key. An unknown market code is an
// error wrapping ErrUnknownExchange or ErrAmbiguousExchange.
func ParseTicker(s string) (Ticker, error) {
	t := Ticker{Raw: s}
	var words [4]string
	f := tickerWords(strings.ToUpper(CleanID(s)), &words)
	if n := len(f); n > 1 && f[n-1] == "EQUITY" {
		f = f[:n-1]
	}
	switch len(f) {
	case 0:
		return t, &TickerError{Ticker: s, Reason: "is empty", Err: ErrBadTicker}
	case 1:
		tok := f[0]
		// Reuters/Yahoo: code.suffix, where the suffix is a known market.
		if i := strings.LastIndexByte(tok, '.'); i > 0 && i < len(tok)-1 {
			code, suf := tok[:i], tok[i+1:]
			if res, ok := suffixMarkets[suf]; ok {
				return finish(t, code, res, "")
			}
			if len(suf) > 1 && !isDigit(suf[0]) {
				return t, &TickerError{Ticker: s, Err: ErrUnknownExchange,
					Reason: fmt.Sprintf("%q is not an exchange suffix this package knows", "."+suf)}
			}
			// BRK.B: a class letter, not a market.
		}
		// Bloomberg without the space: digits then two letters (603019CN).
		if code, mkt, ok := splitGlued(tok); ok {
			return parseBloomberg(t, code, mkt)
		}
		code, err := normCode(tok, "")
		if err != nil {
			return t, &TickerError{Ticker: s, Reason: err.Error(), Err: ErrBadTicker}
		}
		t.Code = code
		return t, nil
	case 2:
		return parseBloomberg(t, f[0], f[1])
	}
	return t, &TickerError{Ticker: s, Err: ErrBadTicker,
		Reason: "has more than two words; want <code> <market>, <code>.<suffix> or a bare code"}
}

// tickerWords returns the words of a cleaned ticker as strings.Fields
// cuts them, in buf when they are few (a ticker is seldom more than three
// words, and this runs for every row with one): CleanID leaves no white
// space but ' ' (controls go, other spaces become ' ').
func tickerWords(s string, buf *[4]string) []string {
	f := buf[:0]
	for w := range strings.SplitSeq(s, " ") {
		if w == "" {
			continue
		}
		if len(f) == len(buf) {
			return strings.Fields(s) // more words than buf holds
		}
		f = append(f, w)
	}
	return f
}

func parseBloomberg(t Ticker, code, mkt string) (Ticker, error) {
	res, ok := codeMarkets[mkt]
	if !ok {
		if _, amb := ambiguousCodes[mkt]; amb {
			return t, &TickerError{Ticker: t.Raw, Reason: ambiguousCodes[mkt], Err: ErrAmbiguousExchange}
		}
		return t, &TickerError{Ticker: t.Raw, Err: ErrUnknownExchange,
			Reason: fmt.Sprintf("%q is not a market code this package knows", mkt)}
	}
	return finish(t, code, res, "")
}

// splitGlued splits "603019CN" into "603019" and "CN".
func splitGlued(tok string) (code, mkt string, ok bool) {
	n := len(tok)
	if n < 3 || n > 8 || !isUpper(tok[n-1]) || !isUpper(tok[n-2]) {
		return "", "", false
	}
	for i := 0; i < n-2; i++ {
		if !isDigit(tok[i]) {
			return "", "", false
		}
	}
	if _, known := codeMarkets[tok[n-2:]]; !known {
		return "", "", false
	}
	return tok[:n-2], tok[n-2:], true
}

// TickerOn reads a code on an exchange given apart, as holdings files print
// them: the exchange may be a MIC ("XHKG"), a market code in Bloomberg,
// ISO or Reuters convention ("HK", "CN", ".SS"), or the exchange's name as
// files print it ("Hong Kong Exchanges And Clearing Ltd", "Shenzhen Stock
// Exchange", "NASDAQ", IBKR's "ARCA"). An unknown exchange is an error
// wrapping ErrUnknownExchange; "-" or "NO MARKET (E.G. UNLISTED)" an error
// wrapping ErrNoExchange.
func TickerOn(code, exchange string) (Ticker, error) {
	t := Ticker{Raw: code}
	res, err := lookupExchange(exchange)
	if err != nil {
		var te *TickerError
		if errors.As(err, &te) {
			te.Ticker = code
		}
		return t, err
	}
	return finish(t, CleanIDUpper(code), res, exchange)
}

// MarketOf returns the canonical market of an exchange given as a MIC, a
// market code or a name, as TickerOn reads it. Where the market depends on
// the code (CN is China for numeric codes, Canada for lettered ones) it
// returns the reading for a lettered code; ok is false for an unknown,
// ambiguous or absent exchange.
func MarketOf(exchange string) (string, bool) {
	res, err := lookupExchange(exchange)
	if err != nil {
		return "", false
	}
	if res.market != "" {
		return res.market, true
	}
	m, _ := res.pick("A")
	return m, m != ""
}

// exchangeMemo keeps lookupExchange's resolvers of the exchanges it
// found, as written (a holdings file spells a handful of exchanges over
// and over, and reading a name costs two allocations); at most
// exchangeMemoMax. Errors are made afresh each time (callers fill them in).
//
// The memo is a map read without a lock: a new exchange is added to a
// copy, published whole (a file names a few dozen exchanges, so copies are
// few and small, and a read is one map access, where a sync.Map hashed
// each name through an interface).
var (
	exchangeMemo   atomic.Pointer[map[string]resolver]
	exchangeMemoMu sync.Mutex // writers
)

const exchangeMemoMax = 4096

func lookupExchange(exchange string) (resolver, error) {
	if m := exchangeMemo.Load(); m != nil {
		if r, ok := (*m)[exchange]; ok {
			return r, nil
		}
	}
	r, err := readExchange(exchange)
	if err != nil {
		return r, err
	}
	exchangeMemoMu.Lock()
	defer exchangeMemoMu.Unlock()
	old := exchangeMemo.Load()
	if old != nil && len(*old) >= exchangeMemoMax {
		return r, nil
	}
	next := make(map[string]resolver, 1+lenOf(old))
	if old != nil {
		maps.Copy(next, *old)
	}
	next[strings.Clone(exchange)] = r
	exchangeMemo.Store(&next)
	return r, nil
}

func lenOf(m *map[string]resolver) int {
	if m == nil {
		return 0
	}
	return len(*m)
}

// readExchange is lookupExchange without the memo.
func readExchange(exchange string) (resolver, error) {
	e := CleanID(exchange)
	up := strings.ToUpper(e)
	switch {
	case e == "":
		return resolver{}, &TickerError{Exchange: exchange, Reason: "no exchange given", Err: ErrNoExchange}
	case strings.HasPrefix(up, "."):
		if r, ok := suffixMarkets[up[1:]]; ok {
			return r, nil
		}
	default:
		if m, ok := micMarkets[up]; ok {
			return fixed(m), nil
		}
		key := exchangeNameKey(e)
		if r, ok := nameMarkets[key]; ok {
			return r, nil
		}
		if noMarketNames[key] {
			return resolver{}, &TickerError{Exchange: exchange, Reason: "the file says the security is not listed", Err: ErrNoExchange}
		}
		if r, ok := codeMarkets[up]; ok {
			return r, nil
		}
		if why, ok := ambiguousCodes[up]; ok {
			return resolver{}, &TickerError{Exchange: exchange, Reason: why, Err: ErrAmbiguousExchange}
		}
		if r, ok := suffixMarkets[up]; ok {
			return r, nil
		}
	}
	return resolver{}, &TickerError{Exchange: exchange, Err: ErrUnknownExchange,
		Reason: "is not an exchange this package knows (want a MIC, a Bloomberg, ISO or Reuters market code, or an exchange name)"}
}

// exchangeNameKey upper-cases a name and turns every run of other
// characters than letters and digits into one space.
func exchangeNameKey(s string) string {
	var b strings.Builder
	space := false
	for _, r := range strings.ToUpper(s) {
		if r == '&' {
			r = ' '
			if b.Len() > 0 {
				b.WriteString(" AND")
			}
		}
		if (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9') {
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteRune(r)
			continue
		}
		space = true
	}
	return b.String()
}

// finish normalises code for the market the resolver picks; exchange is
// TickerOn's, for messages.
func finish(t Ticker, code string, res resolver, exchange string) (Ticker, error) {
	fail := func(reason string) (Ticker, error) {
		return t, &TickerError{Ticker: t.Raw, Exchange: exchange, Reason: reason, Err: ErrBadTicker}
	}
	if code == "" {
		return fail("has no code")
	}
	market, why := res.pick(code)
	if market == "" {
		return t, &TickerError{Ticker: t.Raw, Exchange: exchange, Reason: why, Err: ErrUnknownExchange}
	}
	c, err := normCode(code, market)
	if err != nil {
		return fail(err.Error())
	}
	t.Code, t.Market = c, market
	return t, nil
}

// normCode brings a code to the canonical form of market ("" = unknown).
func normCode(code, market string) (string, error) {
	code = strings.ToUpper(strings.TrimSpace(code))
	switch market {
	case "XHKG":
		if !allDigits(code) {
			return "", fmt.Errorf("Hong Kong codes are numbers, not %q", code)
		}
		code = strings.TrimLeft(code, "0")
		if code == "" || len(code) > 5 {
			return "", fmt.Errorf("Hong Kong codes are 1 to 5 digits")
		}
		return code, nil
	case "XSHG", "XSHE", "BJSE":
		if !allDigits(code) || len(code) > 6 {
			return "", fmt.Errorf("Chinese exchange codes are six digits, not %q", code)
		}
		return zeroPad(code, 6), nil
	case "XKRX":
		if allDigits(code) && len(code) <= 6 {
			return zeroPad(code, 6), nil
		}
		if len(code) != 6 || !allAlnum(code) {
			return "", fmt.Errorf("Korean codes are six digits or letters, not %q", code)
		}
		return code, nil
	case "XTAI":
		// Separators first: "0." is code 0, padded like "0" (the
		// canonical form must be a fixed point).
		c, err := joinClass(code)
		if err == nil && allDigits(c) && len(c) < 4 {
			return zeroPad(c, 4), nil
		}
		return c, err
	}
	return joinClass(code)
}

// joinClass turns the share-class separators "/", "-", " " and "." into
// one "." and drops a trailing one (Bloomberg "BP/", LSE "BP.").
func joinClass(code string) (string, error) {
	var b strings.Builder
	sep := false
	for i := 0; i < len(code); i++ {
		c := code[i]
		switch {
		case isAlnum(c):
			if sep && b.Len() > 0 {
				b.WriteByte('.')
			}
			sep = false
			b.WriteByte(c)
		case c == '/' || c == '-' || c == '.' || c == ' ' || c == '_':
			sep = true
		default:
			return "", fmt.Errorf("a code has only letters, digits and / - . separators, not %s", quoteByte(c))
		}
	}
	if b.Len() == 0 {
		return "", fmt.Errorf("has no letters or digits")
	}
	if b.Len() > 24 {
		return "", fmt.Errorf("is too long for a ticker")
	}
	return b.String(), nil
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return true
}

func zeroPad(s string, n int) string {
	if len(s) >= n {
		return s
	}
	return strings.Repeat("0", n-len(s)) + s
}

// ---------------------------------------------------------------------------
// Market tables

// resolver picks the market of a code: a fixed market, or a rule that looks
// at the code (CN: digits → China, letters → Canada).
type resolver struct {
	market string
	rule   func(code string) (market, why string)
}

func fixed(m string) resolver { return resolver{market: m} }

func (r resolver) pick(code string) (string, string) {
	if r.rule != nil {
		return r.rule(code)
	}
	return r.market, ""
}

// chinaByCode places a numeric A- or B-share code on its exchange.
func chinaByCode(code string) (string, string) {
	if !allDigits(code) || len(code) > 6 {
		return "", fmt.Sprintf("%q is not a Chinese exchange code (six digits)", code)
	}
	c := zeroPad(code, 6)
	switch {
	case strings.HasPrefix(c, "920"):
		return "BJSE", ""
	case c[0] == '6' || c[0] == '9':
		return "XSHG", "" // 600…, 601…, 603…, 605…, 688… STAR, 900… B-shares
	case c[0] == '0' || c[0] == '2' || c[0] == '3':
		return "XSHE", "" // 000…, 001…, 002…, 003…, 200… B-shares, 300… ChiNext
	case c[0] == '4' || c[0] == '8':
		return "BJSE", ""
	}
	return "", fmt.Sprintf("cannot tell whether %s trades in Shanghai or Shenzhen", c)
}

// chinaOr is China for numeric codes and other for lettered ones.
func chinaOr(other string) resolver {
	return resolver{rule: func(code string) (string, string) {
		if allDigits(code) {
			return chinaByCode(code)
		}
		return other, ""
	}}
}

// numericOr is numeric for codes of digits and other for the rest.
func numericOr(numeric, other string) resolver {
	return resolver{rule: func(code string) (string, string) {
		if allDigits(code) {
			return numeric, ""
		}
		return other, ""
	}}
}

var chinaRule = resolver{rule: chinaByCode}

// codeMarkets reads the two-letter market after a Bloomberg-style code:
// Bloomberg exchange codes and the ISO country codes that OFAC writes.
var codeMarkets = map[string]resolver{
	// China and Hong Kong. CN and CH: see chinaOr.
	"CN": chinaOr("CA"), "CH": chinaOr("XSWX"), "C1": chinaRule, "C2": chinaRule, "CG": chinaRule, "CS": chinaRule,
	"SS": numericOr("XSHG", "XSTO"),
	"HK": fixed("XHKG"), "H1": fixed("XHKG"), "H2": fixed("XHKG"),
	"TT": fixed("XTAI"), "TW": fixed("XTAI"),
	"KS": fixed("XKRX"), "KQ": fixed("XKRX"), "KR": fixed("XKRX"),
	"JP": fixed("JP"), "JT": fixed("JP"),
	"US": fixed("US"), "UN": fixed("US"), "UW": fixed("US"), "UQ": fixed("US"), "UR": fixed("US"),
	"UA": fixed("US"), "UP": fixed("US"), "UF": fixed("US"), "UV": fixed("US"),
	"GR": fixed("DE"), "GY": fixed("DE"), "GF": fixed("DE"), "GS": fixed("DE"), "GM": fixed("DE"),
	"GD": fixed("DE"), "GH": fixed("DE"), "GI": fixed("DE"), "DE": fixed("DE"),
	"CA": fixed("CA"), "CT": fixed("CA"), "CV": fixed("CA"),
	"IN": fixed("IN"), "IS": fixed("IN"), "IB": fixed("IN"),
	"RU": fixed("RU"), "RM": fixed("RU"),
	"LN": fixed("XLON"), "LI": fixed("XLON"),
	"SP": fixed("XSES"), "SG": fixed("XSES"),
	"SW": fixed("XSWX"), "VX": fixed("XSWX"),
	"FP": fixed("XPAR"), "FR": fixed("XPAR"),
	"NA": fixed("XAMS"), "NL": fixed("XAMS"),
	"BB": fixed("XBRU"), "BE": fixed("XBRU"),
	"PT": fixed("XLIS"),
	"IM": fixed("XMIL"),
	"SM": fixed("XMAD"), "SQ": fixed("XMAD"), "ES": fixed("XMAD"),
	"AU": fixed("XASX"),
	"NZ": fixed("XNZE"),
	"AV": fixed("XWBO"),
	"FH": fixed("XHEL"), "FI": fixed("XHEL"),
	"DC": fixed("XCSE"), "DK": fixed("XCSE"),
	"NO": fixed("XOSL"),
	"BZ": fixed("BVMF"), "BR": fixed("BVMF"),
	"AR": fixed("XBUE"),
	"MM": fixed("XMEX"), "MX": fixed("XMEX"),
	"CI": fixed("XSGO"), "CL": fixed("XSGO"),
	"CB": fixed("XBOG"), "CO": fixed("XBOG"),
	"SJ": fixed("XJSE"), "ZA": fixed("XJSE"),
	"IL": fixed("XTAE"),
	"TI": fixed("XIST"), "TR": fixed("XIST"),
	"GA": fixed("XATH"),
	"TB": fixed("XBKK"),
	"MK": fixed("XKLS"), "MY": fixed("XKLS"),
	"IJ": fixed("XIDX"),
	"PM": fixed("XPHS"), "PH": fixed("XPHS"),
	"AB": fixed("XSAU"),
	"QD": fixed("DSMD"), "QA": fixed("DSMD"),
	"DH": fixed("XADS"), "UH": fixed("XDFM"),
	"KK": fixed("XKUW"), "KW": fixed("XKUW"),
	"EY": fixed("XCAI"), "EG": fixed("XCAI"),
	"PW": fixed("XWAR"),
	"CP": fixed("XPRA"), "CZ": fixed("XPRA"),
	"HB": fixed("XBUD"), "HU": fixed("XBUD"),
	"IE": fixed("XDUB"),
}

// ambiguousCodes are two-letter codes that name one market in Bloomberg's
// convention and another in ISO's, with codes of the same shape in both.
var ambiguousCodes = map[string]string{
	"GB": "GB is Bloomberg's code for Berlin but ISO's for the United Kingdom; write LN or XLON for London, GR or DE for Germany",
	"IT": "IT is Bloomberg's code for Tel Aviv but ISO's for Italy; write IM or XMIL for Milan, IL or XTAE for Tel Aviv",
	"SE": "SE is Bloomberg's code for SIX Swiss but ISO's for Sweden; write SW or XSWX, or XSTO",
	"AT": "AT is Bloomberg's code for the ASX but ISO's for Austria; write AU or XASX, or AV or XWBO",
	"PL": "PL is Bloomberg's code for Lisbon but ISO's for Poland; write PT or XLIS, or PW or XWAR",
	"ID": "ID is Bloomberg's code for Dublin but ISO's for Indonesia; write IE or XDUB, or IJ or XIDX",
	"TH": "TH is Bloomberg's code for Tradegate but ISO's for Thailand; write GR or DE, or TB or XBKK",
}

// suffixMarkets reads Reuters and Yahoo suffixes (after the dot). Single
// letters that are also share classes (.A, .B, .P) are left out.
var suffixMarkets = map[string]resolver{
	"HK": fixed("XHKG"), "SS": fixed("XSHG"), "SH": fixed("XSHG"), "SZ": fixed("XSHE"), "BJ": fixed("BJSE"),
	"TW": fixed("XTAI"), "TWO": fixed("XTAI"), "KS": fixed("XKRX"), "KQ": fixed("XKRX"), "T": fixed("JP"),
	"N": fixed("US"), "O": fixed("US"), "OQ": fixed("US"), "K": fixed("US"),
	"DE": fixed("DE"), "F": fixed("DE"), "BE": fixed("DE"), "SG": fixed("DE"), "MU": fixed("DE"), "HM": fixed("DE"), "HA": fixed("DE"),
	"TO": fixed("CA"), "V": fixed("CA"), "CN": chinaOr("CA"), "NE": fixed("CA"),
	"NS": fixed("IN"), "BO": fixed("IN"), "MM": fixed("RU"), "ME": fixed("RU"),
	"L": fixed("XLON"), "SI": fixed("XSES"), "S": fixed("XSWX"), "SW": fixed("XSWX"),
	"PA": fixed("XPAR"), "AS": fixed("XAMS"), "BR": fixed("XBRU"), "LS": fixed("XLIS"), "MI": fixed("XMIL"),
	"MC": fixed("XMAD"), "AX": fixed("XASX"), "NZ": fixed("XNZE"), "VI": fixed("XWBO"), "HE": fixed("XHEL"),
	"ST": fixed("XSTO"), "CO": fixed("XCSE"), "OL": fixed("XOSL"), "SA": fixed("BVMF"), "BA": fixed("XBUE"),
	"MX": fixed("XMEX"), "SN": fixed("XSGO"), "J": fixed("XJSE"), "JO": fixed("XJSE"), "TA": fixed("XTAE"),
	"IS": fixed("XIST"), "AT": fixed("XATH"), "BK": fixed("XBKK"), "KL": fixed("XKLS"), "JK": fixed("XIDX"),
	"PS": fixed("XPHS"), "SR": fixed("XSAU"), "QA": fixed("DSMD"), "AD": fixed("XADS"), "KW": fixed("XKUW"),
	"CA": fixed("XCAI"), "WA": fixed("XWAR"), "PR": fixed("XPRA"), "BD": fixed("XBUD"), "I": fixed("XDUB"), "IR": fixed("XDUB"),
}

// micMarkets maps ISO 10383 MICs (operating and segment) to markets.
var micMarkets = func() map[string]string {
	m := map[string]string{}
	add := func(market string, mics ...string) {
		for _, c := range mics {
			m[c] = market
		}
	}
	add("XHKG", "XHKG", "XHKF")
	add("XSHG", "XSHG", "XSSC")
	add("XSHE", "XSHE", "XSEC")
	add("BJSE", "BJSE")
	add("XTAI", "XTAI", "ROCO")
	add("XKRX", "XKRX", "XKOS", "XKON")
	add("JP", "XTKS", "XJPX", "XNGO", "XFKA", "XSAP", "XTK1", "XTK2", "XTK3")
	add("US", "XNYS", "XNAS", "XNGS", "XNMS", "XNCM", "XASE", "ARCX", "BATS", "BATY", "EDGA", "EDGX",
		"IEXG", "XCHI", "XPHL", "XBOS", "XCIS", "OTCM", "XOTC", "PINX", "OOTC", "MEMX", "LTSE")
	add("DE", "XETR", "XETA", "XFRA", "XBER", "XSTU", "XMUN", "XDUS", "XHAM", "XHAN", "XGAT", "XQTX")
	add("CA", "XTSE", "XTSX", "XCNQ", "NEOE", "XATS")
	add("IN", "XNSE", "XBOM")
	add("RU", "MISX", "XMOS", "RTSX", "XSPB")
	add("XLON", "XLON", "AIMX")
	add("XSWX", "XSWX", "XVTX")
	add("BVMF", "BVMF", "XBSP")
	add("XMAD", "XMAD", "XMCE", "BMEX")
	for _, c := range []string{"XSES", "XPAR", "XAMS", "XBRU", "XLIS", "XMIL", "XASX", "XNZE", "XWBO", "XHEL",
		"XSTO", "XCSE", "XOSL", "XBUE", "XMEX", "XSGO", "XBOG", "XJSE", "XTAE", "XIST", "XATH", "XBKK", "XKLS",
		"XIDX", "XPHS", "XSAU", "DSMD", "XADS", "XDFM", "XKUW", "XCAI", "XWAR", "XPRA", "XBUD", "XDUB",
		// derivatives venues: their own markets, never merged with equities
		"IFUS", "IFEU", "XCME", "XCBT", "XNYM", "XCBO", "XEUR", "XSFE"} {
		m[c] = c
	}
	return m
}()

// nameMarkets maps exchange names, as holdings files print them (keyed by
// exchangeNameKey), to markets. It holds every name in the Exchange column
// of the iShares files in the shared data, the CSI 300 file's, IBKR's
// listingExchange codes, and common variants.
var nameMarkets = func() map[string]resolver {
	m := map[string]resolver{}
	add := func(r resolver, names ...string) {
		for _, n := range names {
			m[exchangeNameKey(n)] = r
		}
	}
	add(fixed("XHKG"), "Hong Kong Exchanges And Clearing Ltd", "Hong Kong Exchanges and Clearing", "Hong Kong Stock Exchange",
		"Stock Exchange of Hong Kong", "HKEX", "SEHK", "Hong Kong")
	// Constituent files name the exchange by its city alone (CSI's
	// Exchange column: Shanghai, Shenzhen).
	add(fixed("XSHG"), "Shanghai Stock Exchange", "SSE", "SEHKNTL", "Shanghai-Hong Kong Stock Connect", "Shanghai")
	add(fixed("XSHE"), "Shenzhen Stock Exchange", "SZSE", "SEHKSZSE", "Shenzhen-Hong Kong Stock Connect", "Shenzhen")
	add(fixed("BJSE"), "Beijing Stock Exchange", "Beijing")
	add(fixed("XTAI"), "Taiwan Stock Exchange", "TWSE", "Gretai Securities Market", "Taipei Exchange", "TPEx")
	add(fixed("XKRX"), "Korea Exchange (Stock Market)", "Korea Exchange (Kosdaq)", "Korea Exchange", "KOSPI", "KOSDAQ", "KSE")
	add(fixed("JP"), "Tokyo Stock Exchange", "Japan Exchange Group", "TSEJ", "Nagoya Stock Exchange")
	add(fixed("US"), "New York Stock Exchange Inc.", "New York Stock Exchange", "NYSE", "NASDAQ", "Nasdaq Global Select Market",
		"Nasdaq Global Market", "Nasdaq Capital Market", "Nyse Mkt Llc", "NYSE American", "NYSE MKT", "AMEX", "NYSE Arca", "ARCA",
		"Cboe BZX formerly known as BATS", "Cboe BZX", "BATS", "ISLAND", "IEX", "PINK", "OTC Markets", "NYSENAT")
	add(fixed("DE"), "Xetra", "Deutsche Boerse Xetra", "Deutsche Börse Xetra", "Frankfurt Stock Exchange", "Boerse Frankfurt",
		"IBIS", "IBIS2", "FWB", "FWB2", "SWB", "Boerse Stuttgart", "Tradegate")
	// IBKR's "TSE" is Toronto, but TSE also abbreviates Tokyo: Tokyo codes are numbers.
	add(numericOr("JP", "CA"), "TSE")
	add(fixed("CA"), "Toronto Stock Exchange", "TSX", "TSX Venture Exchange", "VENTURE", "Canadian Securities Exchange")
	add(fixed("IN"), "National Stock Exchange Of India", "NSE", "Bse Ltd", "Bombay Stock Exchange")
	add(fixed("RU"), "Standard-Classica-Forts", "Moscow Exchange", "MOEX")
	add(fixed("XLON"), "London Stock Exchange", "LSE", "LSEETF")
	add(fixed("XSES"), "Singapore Exchange", "SGX")
	add(fixed("XSWX"), "SIX Swiss Exchange", "EBS", "VIRTX")
	add(fixed("BVMF"), "XBSP", "B3", "BM&F Bovespa", "BOVESPA", "Brasil Bolsa Balcao")
	add(fixed("XPAR"), "Nyse Euronext - Euronext Paris", "Euronext Paris", "SBF")
	add(fixed("XAMS"), "Euronext Amsterdam", "AEB")
	add(fixed("XBRU"), "Nyse Euronext - Euronext Brussels", "Euronext Brussels")
	add(fixed("XLIS"), "Nyse Euronext - Euronext Lisbon", "Euronext Lisbon")
	add(fixed("XMIL"), "Borsa Italiana", "BVME")
	add(fixed("XMAD"), "Bolsa De Madrid", "BME Spanish Exchanges", "BM")
	add(fixed("XASX"), "Asx - All Markets", "ASX", "Australian Securities Exchange")
	add(fixed("XNZE"), "New Zealand Exchange Ltd", "NZX")
	add(fixed("XWBO"), "Wiener Boerse Ag", "Vienna Stock Exchange", "VSE")
	add(fixed("XHEL"), "Nasdaq Omx Helsinki Ltd.", "Nasdaq Helsinki", "HEX")
	add(fixed("XSTO"), "Nasdaq Omx Nordic", "Nasdaq Stockholm", "SFB")
	add(fixed("XCSE"), "Omx Nordic Exchange Copenhagen A/S", "Nasdaq Copenhagen")
	add(fixed("XOSL"), "Oslo Bors Asa", "Oslo Børs")
	add(fixed("XBUE"), "Bolsas y Mercados Argentinos", "Buenos Aires Stock Exchange")
	add(fixed("XMEX"), "Bolsa Mexicana De Valores", "MEXI")
	add(fixed("XSGO"), "Santiago Stock Exchange")
	add(fixed("XBOG"), "Bolsa De Valores De Colombia")
	add(fixed("XJSE"), "Johannesburg Stock Exchange", "JSE")
	add(fixed("XTAE"), "Tel Aviv Stock Exchange", "TASE")
	add(fixed("XIST"), "Istanbul Stock Exchange", "Borsa Istanbul")
	add(fixed("XATH"), "Athens Exchange S.A. Cash Market", "Athens Stock Exchange")
	add(fixed("XBKK"), "Stock Exchange Of Thailand", "SET")
	add(fixed("XKLS"), "Bursa Malaysia")
	add(fixed("XIDX"), "Indonesia Stock Exchange")
	add(fixed("XPHS"), "Philippine Stock Exchange Inc.")
	add(fixed("XSAU"), "Saudi Stock Exchange", "Tadawul")
	add(fixed("DSMD"), "Qatar Exchange", "Qatar Stock Exchange")
	add(fixed("XADS"), "Abu Dhabi Securities Exchange")
	add(fixed("XDFM"), "Dubai Financial Market")
	add(fixed("XKUW"), "Kuwait Stock Exchange", "Boursa Kuwait")
	add(fixed("XCAI"), "Egyptian Exchange")
	add(fixed("XWAR"), "Warsaw Stock Exchange/Equities/Main Market", "Warsaw Stock Exchange", "WSE")
	add(fixed("XPRA"), "Prague Stock Exchange")
	add(fixed("XBUD"), "Budapest Stock Exchange")
	add(fixed("XDUB"), "Irish Stock Exchange - All Market", "Euronext Dublin")
	add(fixed("IFUS"), "Ice Futures U.S.")
	add(fixed("XCME"), "Index And Options Market", "Chicago Mercantile Exchange", "CME")
	return m
}()

// noMarketNames are Exchange values that say "not listed".
var noMarketNames = map[string]bool{"": true, "NO MARKET E G UNLISTED": true, "NO MARKET": true, "UNLISTED": true}
