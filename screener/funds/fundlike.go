package funds

import (
	"strings"

	"github.com/screener/screener/screener"
)

// FundLike reports whether h is recognisably a fund (an ETF, index or
// mutual fund: RULES.md ), and why: its asset class says so (ETF,
// Fund, Mutual Fund, UCITS, N-PORT's RF "registered fund"), or its name
// carries a fund word as a word (ETF, UCITS, SICAV, FUND, iShares...).
// Money-market and cash funds are not: they are cash management, shown as
// they are screened. The test is by words, so a file nobody has seen is
// judged the same way.
func FundLike(h *screener.Holding) (string, bool) {
	ac := h.AssetClass
	var name, class wordsOf
	name.cut(h.Name)
	class.cut(ac)
	if class.any(cashWords) || name.any(cashWords) {
		return "", false
	}
	if ac != "" {
		if strings.EqualFold(strings.TrimSpace(ac), "RF") {
			return "asset category RF (registered fund)", true
		}
		if w := class.first(classWords); w != "" {
			return "asset class " + quote(ac), true
		}
	}
	if w := name.first(nameWords); w != "" {
		return "name " + quote(h.Name) + " (" + w + ")", true
	}
	if !name.any(realEstateWords) {
		if w := name.first(weakNameWords); w != "" {
			return "name " + quote(h.Name) + " (" + w + ")", true
		}
	}
	return "", false
}

// realEstateWords say the company is a
// real-estate investment vehicle: a REIT, or a Japanese "investment
// corporation" (J-REITs are named "X Fund Investment Corp", "X Real Estate
// Master Fund"). Such a vehicle owns buildings, not securities, so the word
// FUND in its name does not make it a fund to look through (RULES.md
// is about funds that hold securities). An explicit fund asset class or a
// strong fund word (ETF, UCITS, iShares...) still wins.
var realEstateWords = phrases("REIT", "REITS", "REAL ESTATE", "PROPERTY", "PROPERTIES", "FUND INVESTMENT", "INVESTMENT CORP", "INVESTMENT CORPORATION")

// classWords are asset-class words that mean a fund.
var classWords = phrases("ETF", "ETFS", "ETP", "FUND", "FUNDS", "MUTUAL", "UCITS", "SICAV", "OEIC", "UNIT TRUST", "INDEX FUND", "CEF")

// nameWords are words in a security name that mean a fund.
// FUND and FUNDS are weak: a real-estate vehicle's name may carry them.
var nameWords = phrases("ETF", "ETFS", "UCITS", "SICAV", "OEIC", "ISHARES", "SPDR", "XTRACKERS", "LYXOR", "INDEX FD")

var weakNameWords = phrases("FUND", "FUNDS")

// cashWords mean cash management: money-market and cash funds.
var cashWords = phrases("MONEY MARKET", "CASH", "STIV", "LIQUIDITY FUND")

func quote(s string) string { return `"` + s + `"` }

// phrase is a word or words (upper case) to find as whole words.
type phrase struct {
	text  string   // as written, for messages
	words []string // its words
}

func phrases(ps ...string) []phrase {
	out := make([]phrase, len(ps))
	for i, p := range ps {
		out[i] = phrase{text: p, words: strings.Fields(p)}
		first := out[i].words[0]
		phraseFirst[first] = true
		phraseWordMax = max(phraseWordMax, len(first))
	}
	return out
}

// phraseFirst holds the first word of every phrase (upper case), and
// phraseWordMax the longest: a name none of whose words is one holds no
// phrase, which wordsOf.cut finds with a look-up a word (most names hold
// none, and FundLike runs for every security the matcher resolves).
var (
	phraseFirst   = map[string]bool{}
	phraseWordMax int
)

// mayStart reports whether w may be the first word of a phrase, as
// wordsOf.has compares words (strings.EqualFold of words of the same
// length).
func mayStart(w string) bool {
	if len(w) > phraseWordMax {
		return false
	}
	var up [32]byte
	if len(w) > len(up) {
		return true
	}
	for i := 0; i < len(w); i++ {
		c := w[i]
		switch {
		case c >= 0x80:
			return true // Unicode folds some letters to ASCII ones (ſ to S)
		case c >= 'a' && c <= 'z':
			c -= 'a' - 'A'
		}
		up[i] = c
	}
	return phraseFirst[string(up[:len(w)])]
}

// maxWords is how many words of a name wordsOf keeps; a longer name is
// searched word by word as a string (hasWord).
const maxWords = 48

// wordsOf is a string cut once into its words (runs of letters, digits and
// non-ASCII bytes), so that every phrase is looked for in one pass over a
// few words rather than a scan of the whole string each: FundLike runs for
// every security the matcher resolves.
type wordsOf struct {
	s    string
	w    [maxWords]string
	n    int
	long bool // more than maxWords words: look phrases up with hasWord
	some bool // a word may start a phrase (mayStart): first looks
}

func (t *wordsOf) cut(s string) {
	t.s, t.n, t.long, t.some = s, 0, false, false
	for i := 0; i < len(s); {
		if !isAlnum(s[i]) {
			i++
			continue
		}
		j := i + 1
		for j < len(s) && isAlnum(s[j]) {
			j++
		}
		if t.n == maxWords {
			t.long = true
			return
		}
		t.w[t.n] = s[i:j]
		t.n++
		if !t.some && mayStart(s[i:j]) {
			t.some = true
		}
		i = j
	}
}

// has reports whether p's words appear in t, one after another, ignoring
// case.
func (t *wordsOf) has(p phrase) bool {
	if t.long {
		return hasWord(t.s, p.text)
	}
	k := len(p.words)
	for i := 0; i+k <= t.n; i++ {
		ok := true
		for j, w := range p.words {
			if len(t.w[i+j]) != len(w) || !strings.EqualFold(t.w[i+j], w) {
				ok = false
				break
			}
		}
		if ok {
			return true
		}
	}
	return false
}

// first returns the first of ps that t holds, or "".
func (t *wordsOf) first(ps []phrase) string {
	if !t.some && !t.long {
		return ""
	}
	for _, p := range ps {
		if t.has(p) {
			return p.text
		}
	}
	return ""
}

func (t *wordsOf) any(ps []phrase) bool { return t.first(ps) != "" }

// hasWord reports whether s holds w (upper case, may contain spaces) as
// whole words, ignoring case, without allocating.
func hasWord(s, w string) bool {
	n := len(w)
	for i := 0; i+n <= len(s); i++ {
		if c := s[i]; c != w[0] && c != w[0]+('a'-'A') || !strings.EqualFold(s[i:i+n], w) {
			continue
		}
		if i > 0 && isAlnum(s[i-1]) {
			continue
		}
		if i+n < len(s) && isAlnum(s[i+n]) {
			continue
		}
		return true
	}
	return false
}

func isAlnum(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= 0x80
}
