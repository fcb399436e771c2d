package issuers

import "strings"

// BondIssuerShortName reads the issuer short name from a Bloomberg-style
// bond description, "<short name> <coupon> <maturity> [extras]":
//
//	CNOOC 4.375 05/02/28         → CNOOC
//	CHINA 2.125 12/03/29         → CHINA (the sovereign; see IsSovereignShortName)
//	CATIC 6 09/12/23 10Y         → CATIC
//	ACAFP V4 01/10/33 REGS       → ACAFP (V: a variable or reset coupon)
//	BCHINA V3.6 PERP             → BCHINA
//	T 5 3/8 02/15/31             → T (a fraction coupon)
//	B 0 01/19/21                 → B
//
// The coupon is a number, a number and a fraction, V or F followed by a
// number, or FRN, FLOAT, VAR, ZERO; the maturity is m/d/yy, m/d/yyyy or
// PERP. Anything after the maturity (REGS, EMTN, a series) is ignored. ok
// is false when desc does not have this shape ("SHNTN 2015-1X B", an
// equity name).
//
// The short name is Bloomberg's ticker for the issuer (or its parent or
// guarantor), not an issuer: CNOOC prints on CNOOC Finance notes and on
// Nexen's. What it names is the caller's decision.
func BondIssuerShortName(desc string) (short string, ok bool) {
	f := strings.Fields(strings.ToUpper(desc))
	if len(f) < 3 {
		return "", false
	}
	short = f[0]
	if !isShortName(short) {
		return "", false
	}
	i := 1
	if !isCoupon(f[i]) {
		return "", false
	}
	i++
	if i < len(f) && isFraction(f[i]) && allDigits(f[i-1]) {
		i++ // 5 3/8
	}
	if i >= len(f) || !isMaturity(f[i]) {
		return "", false
	}
	return short, true
}

func isShortName(s string) bool {
	if s == "" || len(s) > 12 || !isUpper(s[0]) {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !isAlnum(c) && c != '-' && c != '&' {
			return false
		}
	}
	return true
}

func isCoupon(s string) bool {
	switch s {
	case "FRN", "FLOAT", "FLT", "VAR", "ZERO":
		return true
	}
	if len(s) > 1 && (s[0] == 'V' || s[0] == 'F') {
		s = s[1:]
	}
	return isDecimal(s)
}

// isDecimal: digits with at most one dot, not at either end.
func isDecimal(s string) bool {
	dot := false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case isDigit(c):
		case c == '.' && !dot && i > 0 && i < len(s)-1:
			dot = true
		default:
			return false
		}
	}
	return s != ""
}

// isFraction: 1/2, 3/8, 15/16.
func isFraction(s string) bool {
	i := strings.IndexByte(s, '/')
	return i > 0 && allDigits(s[:i]) && allDigits(s[i+1:]) && !strings.Contains(s[i+1:], "/")
}

// isMaturity: m/d/yy, mm/dd/yyyy or PERP.
func isMaturity(s string) bool {
	if s == "PERP" {
		return true
	}
	p := strings.Split(s, "/")
	if len(p) != 3 || len(p[0]) < 1 || len(p[0]) > 2 || len(p[1]) < 1 || len(p[1]) > 2 || (len(p[2]) != 2 && len(p[2]) != 4) {
		return false
	}
	for _, x := range p {
		if !allDigits(x) {
			return false
		}
	}
	m := atoi2(p[0])
	d := atoi2(p[1])
	return m >= 1 && m <= 12 && d >= 1 && d <= 31
}

func atoi2(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}

// sovereignShortNames are bond short names that denote a state, not a
// company: the bare country names Bloomberg uses for sovereign bonds and
// its unambiguous government-bond tickers. One-letter US Treasury tickers
// (T, B) are left out: T is also AT&T's corporate ticker.
var sovereignShortNames = map[string]bool{
	// China
	"CHINA": true, "PRC": true, "CGB": true, "CHINAGOVT": true,
	// other bare country names used as sovereign tickers
	"KOREA": true, "JAPAN": true, "INDIA": true, "INDON": true, "PHILIP": true, "MALAYS": true, "THAI": true,
	"VIETNM": true, "PAKIS": true, "SRILAN": true, "MONGOL": true, "HONGKONG": true, "HKSAR": true, "SINGAPORE": true,
	"MEX": true, "MEXICO": true, "BRAZIL": true, "COLOM": true, "PERU": true, "CHILE": true, "ARGENT": true,
	"URUGUA": true, "PANAMA": true, "TURKEY": true, "RUSSIA": true, "POLAND": true, "ROMANI": true, "HUNGARY": true,
	"ISRAEL": true, "QATAR": true, "KSA": true, "OMAN": true, "BHRAIN": true, "KUWAIT": true, "EGYPT": true,
	"SOAF": true, "NGERIA": true, "KENINT": true, "GHANA": true, "ANGOL": true,
	// government bond tickers
	"UKT": true, "DBR": true, "OBL": true, "BKO": true, "FRTR": true, "BTPS": true, "SPGB": true, "JGB": true,
	"CAN": true, "ACGB": true, "NZGB": true, "HKGB": true, "SIGB": true, "KTB": true, "RAGB": true, "BGB": true,
	"NETHER": true, "DSL": true, "IRISH": true, "PGB": true, "GGB": true, "SWISS": true, "SGB": true, "NGB": true, "DGB": true,
}

// IsSovereignShortName reports whether a bond short name (from
// BondIssuerShortName) denotes a state rather than a company: CHINA or
// PRC is the People's Republic's own bond, not any China-named company's.
func IsSovereignShortName(short string) bool {
	return sovereignShortNames[strings.ToUpper(strings.TrimSpace(short))]
}
