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
	if cashLike(ac) || cashLike(h.Name) {
		return "", false
	}
	if ac != "" {
		if strings.EqualFold(strings.TrimSpace(ac), "RF") {
			return "asset category RF (registered fund)", true
		}
		for _, w := range classWords {
			if hasWord(ac, w) {
				return "asset class " + quote(ac), true
			}
		}
	}
	for _, w := range nameWords {
		if hasWord(h.Name, w) {
			return "name " + quote(h.Name) + " (" + w + ")", true
		}
	}
	if !realEstateVehicle(h.Name) {
		for _, w := range weakNameWords {
			if hasWord(h.Name, w) {
				return "name " + quote(h.Name) + " (" + w + ")", true
			}
		}
	}
	return "", false
}

// realEstateVehicle reports whether a name says the company is a
// real-estate investment vehicle: a REIT, or a Japanese "investment
// corporation" (J-REITs are named "X Fund Investment Corp", "X Real Estate
// Master Fund"). Such a vehicle owns buildings, not securities, so the word
// FUND in its name does not make it a fund to look through (RULES.md
// is about funds that hold securities). An explicit fund asset class or a
// strong fund word (ETF, UCITS, iShares...) still wins.
func realEstateVehicle(name string) bool {
	for _, w := range realEstateWords {
		if hasWord(name, w) {
			return true
		}
	}
	return false
}

var realEstateWords = []string{"REIT", "REITS", "REAL ESTATE", "PROPERTY", "PROPERTIES", "FUND INVESTMENT", "INVESTMENT CORP", "INVESTMENT CORPORATION"}

// classWords are asset-class words that mean a fund.
var classWords = []string{"ETF", "ETFS", "ETP", "FUND", "FUNDS", "MUTUAL", "UCITS", "SICAV", "OEIC", "UNIT TRUST", "INDEX FUND", "CEF"}

// nameWords are words in a security name that mean a fund.
// FUND and FUNDS are weak: a real-estate vehicle's name may carry them.
var nameWords = []string{"ETF", "ETFS", "UCITS", "SICAV", "OEIC", "ISHARES", "SPDR", "XTRACKERS", "LYXOR", "INDEX FD"}

var weakNameWords = []string{"FUND", "FUNDS"}

func cashLike(s string) bool {
	if s == "" {
		return false
	}
	return hasWord(s, "MONEY MARKET") || hasWord(s, "CASH") || hasWord(s, "STIV") || hasWord(s, "LIQUIDITY FUND")
}

func quote(s string) string { return `"` + s + `"` }

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
