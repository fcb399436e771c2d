package issuers

import (
	"errors"
	"fmt"
	"strings"
)

// IDType names a kind of security or entity identifier.
type IDType string

// Identifier types. IDUnknown is the zero value: Classify could not tell.
const (
	IDUnknown IDType = ""
	IDISIN    IDType = "ISIN"  // ISO 6166 security identifier, 12 characters
	IDCUSIP   IDType = "CUSIP" // CUSIP or CINS, 9 characters
	IDSEDOL   IDType = "SEDOL" // London Stock Exchange SEDOL, 7 characters
	IDFIGI    IDType = "FIGI"  // Financial Instrument Global Identifier, 12 characters
	IDLEI     IDType = "LEI"   // ISO 17442 Legal Entity Identifier, 20 characters
	IDUSCC    IDType = "USCC"  // Chinese Unified Social Credit Code (GB 32100-2015), 18 characters
)

// Sentinel causes of an *IDError, for errors.Is.
var (
	// ErrCheckDigit means the identifier has the right shape but its check
	// digit (or check character) does not match. Lists carry such values
	// (OFAC's CND10002K094): match them verbatim, do not reject them.
	ErrCheckDigit = errors.New("bad check digit")
	// ErrFormat means the identifier has the wrong length or characters.
	ErrFormat = errors.New("malformed identifier")
)

// IDError says what is wrong with an identifier, in words for people:
//
//	ISIN "HK0941009538" has a bad check digit (expected 9)
//	ISIN "BRC1EODR004" is 11 characters, want 12
//
// Err is ErrCheckDigit or ErrFormat.
type IDError struct {
	Type   IDType
	Value  string
	Reason string
	Err    error
	// Want is the check digit or character the check asked for, when the
	// error is a bad single check character (ISIN, CUSIP, SEDOL, FIGI).
	Want byte
}

func (e *IDError) Error() string { return fmt.Sprintf("%s %q %s", e.Type, e.Value, e.Reason) }

// Unwrap returns ErrCheckDigit or ErrFormat.
func (e *IDError) Unwrap() error { return e.Err }

func formatErr(t IDType, v, format string, args ...any) *IDError {
	return &IDError{Type: t, Value: v, Reason: fmt.Sprintf(format, args...), Err: ErrFormat}
}

func checkErr(t IDType, v string, want byte) *IDError {
	what := "check digit"
	if want < '0' || want > '9' {
		what = "check character"
	}
	return &IDError{Type: t, Value: v, Reason: fmt.Sprintf("has a bad %s (expected %c)", what, want), Err: ErrCheckDigit, Want: want}
}

// checkShape reports the first problem with the length or characters of v:
// want is the length, ok says which byte is allowed at position i, and
// what describes the allowed characters at i for the message.
func checkShape(t IDType, v string, want int, ok func(i int, c byte) bool, what func(i int) string) error {
	if v == "" {
		return formatErr(t, v, "is empty")
	}
	if len(v) != want {
		return formatErr(t, v, "is %d characters, want %d", len(v), want)
	}
	for i := 0; i < len(v); i++ {
		if !ok(i, v[i]) {
			return formatErr(t, v, "has %s at position %d, want %s", quoteByte(v[i]), i+1, what(i))
		}
	}
	return nil
}

func quoteByte(c byte) string {
	if c < 0x20 || c >= 0x7f {
		return fmt.Sprintf("byte 0x%02X", c)
	}
	return fmt.Sprintf("%q", string(c))
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }
func isUpper(c byte) bool { return c >= 'A' && c <= 'Z' }
func isAlnum(c byte) bool { return isDigit(c) || isUpper(c) }
func isVowel(c byte) bool { return c == 'A' || c == 'E' || c == 'I' || c == 'O' || c == 'U' }

// alnumValue is 0-9 for digits and 10-35 for A-Z.
func alnumValue(c byte) int {
	if isDigit(c) {
		return int(c - '0')
	}
	return int(c-'A') + 10
}

// ---------------------------------------------------------------------------
// ISIN

// CheckISIN reports what is wrong with an ISIN (ISO 6166), or nil: 12
// characters, a two-letter prefix (a country code, or XS, EU...), nine
// letters or digits, and a check digit. The prefix is not checked against
// the list of countries.
func CheckISIN(s string) error {
	s = CleanID(s)
	if validISIN(s) {
		return nil // the way nearly every ISIN takes, with no closure per character
	}
	err := checkShape(IDISIN, s, 12, func(i int, c byte) bool {
		switch {
		case i < 2:
			return isUpper(c)
		case i == 11:
			return isDigit(c)
		}
		return isAlnum(c)
	}, func(i int) string {
		switch {
		case i < 2:
			return "a letter (the country prefix)"
		case i == 11:
			return "a digit (the check digit)"
		}
		return "a letter or digit"
	})
	if err != nil {
		return err
	}
	if want := isinCheck(s[:11]); s[11] != want {
		return checkErr(IDISIN, s, want)
	}
	return nil
}

// isinCheck computes the ISIN check digit of 11 upper-case letters and
// digits: letters become two digits (A=10 … Z=35), then Luhn.
func isinCheck(body string) byte {
	// Luhn over the body with letters read as two digits (A = 10),
	// from the right, with no expansion: a character adds its digits as
	// they fall on doubled or plain places (isinAdd) and moves the places
	// on by as many digits as it has.
	sum, double := 0, 1 // the rightmost digit of the body is doubled
	for i := len(body) - 1; i >= 0; i-- {
		v := alnumValue(body[i])
		if uint(v) >= 36 {
			return isinCheckDigits(body) // not a letter or digit
		}
		sum += int(isinAdd[double][v])
		double ^= int(isinFlip[v])
	}
	return byte('0' + (10-sum%10)%10)
}

// validISIN reports whether s (cleaned) is an ISIN CheckISIN accepts: two
// capital letters, nine letters or digits, and the right check digit.
func validISIN(s string) bool {
	if len(s) != 12 || !isUpper(s[0]) || !isUpper(s[1]) || !isDigit(s[11]) {
		return false
	}
	for i := 2; i < 11; i++ {
		if !isAlnum(s[i]) {
			return false
		}
	}
	return isinCheck(s[:11]) == s[11]
}

// isinCheckDigits is isinCheck as ISO 6166 states it: the letters
// expanded to their two digits, then Luhn over the digits.
func isinCheckDigits(body string) byte {
	digits := make([]byte, 0, 2*len(body))
	for i := 0; i < len(body); i++ {
		v := alnumValue(body[i])
		if v >= 10 {
			digits = append(digits, byte(v/10))
		}
		digits = append(digits, byte(v%10))
	}
	sum := 0
	double := true // the rightmost digit of the body is doubled
	for i := len(digits) - 1; i >= 0; i-- {
		d := int(digits[i])
		if double {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
		double = !double
	}
	return byte('0' + (10-sum%10)%10)
}

// isinAdd[d][v] is what a character of value v (0-35) adds to the Luhn
// sum when its rightmost digit falls on a doubled place (d = 1) or not;
// isinFlip[v] is 1 when it has one digit (the next place is the other
// kind), 0 when it has two.
var isinAdd, isinFlip = func() (add [2][36]byte, flip [36]byte) {
	dbl := func(d int) int {
		if d *= 2; d > 9 {
			d -= 9
		}
		return d
	}
	for v := range 36 {
		if v < 10 {
			add[1][v], add[0][v], flip[v] = byte(dbl(v)), byte(v), 1
			continue
		}
		tens, ones := v/10, v%10
		add[1][v] = byte(dbl(ones) + tens) // ones doubled, tens plain
		add[0][v] = byte(ones + dbl(tens))
	}
	return add, flip
}()

// ---------------------------------------------------------------------------
// CUSIP

// CheckCUSIP reports what is wrong with a CUSIP (or a CINS, whose first
// character is a letter), or nil: 9 characters, eight letters, digits or
// * @ #, and a check digit. The placeholder 000000000, which passes the
// check, is refused.
func CheckCUSIP(s string) error {
	s = CleanID(s)
	if validCUSIP(s) {
		return nil
	}
	err := checkShape(IDCUSIP, s, 9, func(i int, c byte) bool {
		if i == 8 {
			return isDigit(c)
		}
		return isAlnum(c) || c == '*' || c == '@' || c == '#'
	}, func(i int) string {
		if i == 8 {
			return "a digit (the check digit)"
		}
		return "a letter, digit, *, @ or #"
	})
	if err != nil {
		return err
	}
	if s == "000000000" {
		return formatErr(IDCUSIP, s, "is all zeros, a placeholder for a missing CUSIP")
	}
	if want := cusipCheck(s[:8]); s[8] != want {
		return checkErr(IDCUSIP, s, want)
	}
	return nil
}

func cusipCheck(body string) byte {
	sum := 0
	for i := 0; i < len(body); i++ {
		var v int
		switch c := body[i]; c {
		case '*':
			v = 36
		case '@':
			v = 37
		case '#':
			v = 38
		default:
			v = alnumValue(c)
		}
		if i%2 == 1 {
			v *= 2
		}
		sum += v/10 + v%10
	}
	return byte('0' + (10-sum%10)%10)
}

// ---------------------------------------------------------------------------
// SEDOL

var sedolWeights = [6]int{1, 3, 1, 7, 3, 9}

// CheckSEDOL reports what is wrong with a SEDOL, or nil: 7 characters, six
// digits or consonants (SEDOL never uses vowels), and a check digit.
// Spreadsheets drop leading zeros (989529 for 0989529): that is reported as
// a wrong length, not repaired.
func CheckSEDOL(s string) error {
	s = CleanID(s)
	err := checkShape(IDSEDOL, s, 7, func(i int, c byte) bool {
		if i == 6 {
			return isDigit(c)
		}
		return isDigit(c) || (isUpper(c) && !isVowel(c))
	}, func(i int) string {
		if i == 6 {
			return "a digit (the check digit)"
		}
		return "a digit or a consonant"
	})
	if err != nil {
		return err
	}
	if s == "0000000" {
		return formatErr(IDSEDOL, s, "is all zeros, a placeholder for a missing SEDOL")
	}
	if want := sedolCheck(s[:6]); s[6] != want {
		return checkErr(IDSEDOL, s, want)
	}
	return nil
}

func sedolCheck(body string) byte {
	sum := 0
	for i := 0; i < 6; i++ {
		sum += alnumValue(body[i]) * sedolWeights[i]
	}
	return byte('0' + (10-sum%10)%10)
}

// ---------------------------------------------------------------------------
// LEI

// CheckLEI reports what is wrong with a Legal Entity Identifier (ISO 17442),
// or nil: 20 characters, 18 letters or digits and two check digits
// (ISO 7064 MOD 97-10: the whole code, letters as 10-35, is 1 modulo 97).
func CheckLEI(s string) error {
	s = CleanID(s)
	err := checkShape(IDLEI, s, 20, func(i int, c byte) bool {
		if i >= 18 {
			return isDigit(c)
		}
		return isAlnum(c)
	}, func(i int) string {
		if i >= 18 {
			return "a digit (the check digits)"
		}
		return "a letter or digit"
	})
	if err != nil {
		return err
	}
	if mod97(s) != 1 {
		want := 98 - mod97(s[:18]+"00")
		return &IDError{Type: IDLEI, Value: s, Err: ErrCheckDigit,
			Reason: fmt.Sprintf("has bad check digits (expected %02d)", want)}
	}
	return nil
}

// mod97 is the value of s, letters read as 10-35, modulo 97.
func mod97(s string) int {
	r := 0
	for i := 0; i < len(s); i++ {
		v := alnumValue(s[i])
		if v >= 10 {
			r = (r*100 + v) % 97
		} else {
			r = (r*10 + v) % 97
		}
	}
	return r
}

// ---------------------------------------------------------------------------
// FIGI

// figiBadPrefixes are the two-letter starts that the FIGI standard excludes
// so that a FIGI is never mistaken for an ISIN.
var figiBadPrefixes = map[string]bool{"BS": true, "BM": true, "GG": true, "GB": true, "GH": true, "KY": true, "VG": true}

// CheckFIGI reports what is wrong with a FIGI, or nil: 12 characters, two
// consonants (not BS, BM, GG, GB, GH, KY or VG), G, eight digits or
// consonants, and a check digit (Luhn over the characters read as 0-35).
// Bloomberg-issued FIGIs start BBG.
func CheckFIGI(s string) error {
	s = CleanID(s)
	err := checkShape(IDFIGI, s, 12, func(i int, c byte) bool {
		switch {
		case i < 2:
			return isUpper(c) && !isVowel(c)
		case i == 2:
			return c == 'G'
		case i == 11:
			return isDigit(c)
		}
		return isDigit(c) || (isUpper(c) && !isVowel(c))
	}, func(i int) string {
		switch {
		case i < 2:
			return "a consonant"
		case i == 2:
			return `"G"`
		case i == 11:
			return "a digit (the check digit)"
		}
		return "a digit or a consonant"
	})
	if err != nil {
		return err
	}
	if figiBadPrefixes[s[:2]] {
		return formatErr(IDFIGI, s, "starts with %s, which FIGI never uses (it is an ISIN country prefix)", s[:2])
	}
	if want := figiCheck(s[:11]); s[11] != want {
		return checkErr(IDFIGI, s, want)
	}
	return nil
}

func figiCheck(body string) byte {
	sum := 0
	for i := 0; i < len(body); i++ {
		v := alnumValue(body[i])
		if i%2 == 1 {
			v *= 2
		}
		sum += v/10 + v%10
	}
	return byte('0' + (10-sum%10)%10)
}

// ---------------------------------------------------------------------------
// USCC

// usccChars are the 31 characters of GB 32100-2015, in value order: the
// digits and the capitals without I, O, Z, S and V.
const usccChars = "0123456789ABCDEFGHJKLMNPQRTUWXY"

var usccWeights = [17]int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}

// CheckUSCC reports what is wrong with a Chinese Unified Social Credit Code
// (统一社会信用代码, GB 32100-2015), or nil: 18 characters from
// 0-9 and A-Y without I, O, S, V and Z; characters 3-8 are the six digits
// of an administrative division; the last is a check character
// (weights 3^i mod 31).
func CheckUSCC(s string) error {
	s = CleanID(s)
	err := checkShape(IDUSCC, s, 18, func(i int, c byte) bool {
		if i >= 2 && i < 8 {
			return isDigit(c)
		}
		return strings.IndexByte(usccChars, c) >= 0
	}, func(i int) string {
		if i >= 2 && i < 8 {
			return "a digit (the administrative division code)"
		}
		return "a digit or a capital other than I, O, S, V and Z"
	})
	if err != nil {
		return err
	}
	if want := usccCheck(s[:17]); s[17] != want {
		return checkErr(IDUSCC, s, want)
	}
	return nil
}

func usccCheck(body string) byte {
	sum := 0
	for i := 0; i < 17; i++ {
		sum += strings.IndexByte(usccChars, body[i]) * usccWeights[i]
	}
	c := (31 - sum%31) % 31
	return usccChars[c]
}

// ---------------------------------------------------------------------------
// Check and Classify

// Check runs the check for t on s. It returns an error for IDUnknown.
func Check(t IDType, s string) error {
	switch t {
	case IDISIN:
		return CheckISIN(s)
	case IDCUSIP:
		return CheckCUSIP(s)
	case IDSEDOL:
		return CheckSEDOL(s)
	case IDFIGI:
		return CheckFIGI(s)
	case IDLEI:
		return CheckLEI(s)
	case IDUSCC:
		return CheckUSCC(s)
	}
	return &IDError{Type: t, Value: s, Reason: "is not an identifier type this package knows", Err: ErrFormat}
}

// Classify guesses what kind of identifier s is, from its shape and check
// digit. Spaces around s are ignored and letters are read as capitals.
//
// A string with an unmistakable shape keeps its type when its check digit
// fails, so that it can still be matched verbatim and reported: an ISIN
// shape (two letters, nine letters or digits, a digit: CND10002K094),
// including 11- and 13-character strings that start with a country prefix
// (BRC1EODR004); a FIGI starting BBG; an LEI; a USCC; a CUSIP whose first
// three characters are digits. A SEDOL, a CINS and anything shorter are
// too easily confused with tickers and codes, so they are classified only
// when their check digit holds. Use Identify to get the check's error too.
//
// Twelve characters starting BBG are a FIGI, then a valid FIGI, then an
// ISIN shape.
func Classify(s string) IDType {
	t, _ := Identify(s)
	return t
}

// Identify is Classify with the result of the check: nil when s is a valid
// identifier of the returned type, an *IDError when s only has its shape,
// and an error when the type is IDUnknown.
func Identify(s string) (IDType, error) {
	s = CleanIDUpper(s)
	switch len(s) {
	case 12:
		// BBG… is a FIGI even when its check fails or when, by chance, it
		// also passes the ISIN check (BB is Barbados).
		if strings.HasPrefix(s, "BBG") {
			if err := CheckFIGI(s); err == nil || errors.Is(err, ErrCheckDigit) {
				return IDFIGI, err
			}
		}
		if s[2] == 'G' && CheckFIGI(s) == nil {
			return IDFIGI, nil
		}
		if isinShaped(s) {
			return IDISIN, CheckISIN(s)
		}
	case 11, 13:
		if isinShaped(s) && isinPrefixes[s[:2]] {
			return IDISIN, CheckISIN(s)
		}
	case 20:
		if allAlnum(s) && isDigit(s[18]) && isDigit(s[19]) && hasDigit(s[:18]) {
			return IDLEI, CheckLEI(s)
		}
	case 18:
		if err := CheckUSCC(s); err == nil || errors.Is(err, ErrCheckDigit) {
			return IDUSCC, err
		}
	case 9:
		err := CheckCUSIP(s)
		if err == nil {
			return IDCUSIP, nil
		}
		if errors.Is(err, ErrCheckDigit) && isDigit(s[0]) && isDigit(s[1]) && isDigit(s[2]) {
			return IDCUSIP, err
		}
	case 7:
		if CheckSEDOL(s) == nil {
			return IDSEDOL, nil
		}
	}
	return IDUnknown, &IDError{Type: "identifier", Value: s, Err: ErrFormat,
		Reason: "is not shaped like an ISIN, CUSIP, SEDOL, FIGI, LEI or USCC"}
}

// isinShaped: two letters, then letters or digits, ending in a digit.
func isinShaped(s string) bool {
	if len(s) < 3 || !isUpper(s[0]) || !isUpper(s[1]) || !isDigit(s[len(s)-1]) {
		return false
	}
	return allAlnum(s) && hasDigit(s[2:])
}

func allAlnum(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isAlnum(s[i]) {
			return false
		}
	}
	return true
}

func hasDigit(s string) bool {
	for i := 0; i < len(s); i++ {
		if isDigit(s[i]) {
			return true
		}
	}
	return false
}

// isinPrefixes are the ISO 3166 alpha-2 codes plus the ISIN-only prefixes
// (XS international, EU, XA-XD, QS, QT). Only Classify uses it, to accept
// an ISIN of the wrong length; CheckISIN accepts any two letters.
var isinPrefixes = func() map[string]bool {
	const codes = "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ " +
		"CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR " +
		"GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP " +
		"KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT " +
		"MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW " +
		"SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG " +
		"UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW XS EU XA XB XC XD QS QT AN CS"
	m := make(map[string]bool)
	for _, c := range strings.Fields(codes) {
		m[c] = true
	}
	return m
}()

// ---------------------------------------------------------------------------
// Derivations

// cusipCountries are the ISIN prefixes whose national number is a CUSIP or
// CINS: the United States and Canada, and the offshore centres whose
// securities get CINS numbers from CUSIP Global Services (SMIC's
// KYG8020E1199 holds CINS G8020E119).
var cusipCountries = map[string]bool{"US": true, "CA": true, "BM": true, "KY": true, "VG": true}

// sedolCountries are the ISIN prefixes whose national number is "00" and a
// SEDOL: the United Kingdom, Ireland and the Crown Dependencies.
var sedolCountries = map[string]bool{"GB": true, "IE": true, "JE": true, "GG": true, "IM": true}

// ISINFromCUSIP builds the ISIN of a CUSIP: country ("US" or "CA"; also
// BM, KY, VG for CINS numbers) + the CUSIP + the check digit. It checks the
// CUSIP first.
func ISINFromCUSIP(cusip, country string) (string, error) {
	cusip = CleanID(cusip)
	if err := CheckCUSIP(cusip); err != nil {
		return "", err
	}
	if !cusipCountries[country] {
		return "", fmt.Errorf("ISIN from CUSIP %q: country %q does not use CUSIPs as ISIN numbers (want US or CA, or BM, KY, VG for CINS)", cusip, country)
	}
	if strings.ContainsAny(cusip, "*@#") {
		return "", fmt.Errorf("ISIN from CUSIP %q: a CUSIP with *, @ or # is a private placement number with no ISIN", cusip)
	}
	body := country + cusip
	return body + string(isinCheck(body)), nil
}

// CUSIPInISIN is CUSIPFromISIN without the reason for a no, for callers
// that try an identifier on every row: ok is false for any ISIN
// CUSIPFromISIN refuses, and no error text is built for it.
func CUSIPInISIN(isin string) (cusip string, ok bool) {
	isin = CleanID(isin)
	if len(isin) != 12 || !cusipCountries[isin[:2]] || CheckISIN(isin) != nil {
		return "", false
	}
	c := isin[2:11]
	if !ValidCUSIP(c) {
		return "", false
	}
	return c, true
}

// ValidCUSIP reports whether CheckCUSIP(s) is nil; a value of the wrong
// length (an empty cell, most often) is refused without building an error.
//
// The CUSIP inside a US ISIN is tested on every row that has one, and a
// bad check digit there (the CUSIP is not one; the ISIN is fine) is not an
// error to report.
func ValidCUSIP(s string) bool { return validCUSIP(CleanID(s)) }

// validCUSIP reports whether s (cleaned) is a CUSIP CheckCUSIP accepts;
// CheckCUSIP builds its error only when it is not.
func validCUSIP(s string) bool {
	if len(s) != 9 || !isDigit(s[8]) || s == "000000000" {
		return false
	}
	for i := range 8 {
		if c := s[i]; !isAlnum(c) && c != '*' && c != '@' && c != '#' {
			return false
		}
	}
	return cusipCheck(s[:8]) == s[8]
}

// CUSIPFromISIN returns the CUSIP (or CINS) inside a US, CA, BM, KY or VG
// ISIN. The ISIN and the CUSIP must both be valid.
func CUSIPFromISIN(isin string) (string, error) {
	isin = CleanID(isin)
	if err := CheckISIN(isin); err != nil {
		return "", err
	}
	if !cusipCountries[isin[:2]] {
		return "", fmt.Errorf("CUSIP from ISIN %q: a %s ISIN does not contain a CUSIP", isin, isin[:2])
	}
	c := isin[2:11]
	if err := CheckCUSIP(c); err != nil {
		return "", fmt.Errorf("CUSIP from ISIN %q: %w", isin, err)
	}
	return c, nil
}

// ISINFromSEDOL builds the ISIN of a SEDOL: country + "00" + the SEDOL +
// the check digit. country is GB, or IE, JE, GG or IM, which number the
// same way; the SEDOL is checked first.
func ISINFromSEDOL(sedol, country string) (string, error) {
	sedol = CleanID(sedol)
	if err := CheckSEDOL(sedol); err != nil {
		return "", err
	}
	if !sedolCountries[country] {
		return "", fmt.Errorf("ISIN from SEDOL %q: country %q does not use SEDOLs as ISIN numbers (want GB, IE, JE, GG or IM)", sedol, country)
	}
	body := country + "00" + sedol
	return body + string(isinCheck(body)), nil
}

// SEDOLFromISIN returns the SEDOL inside a GB, IE, JE, GG or IM ISIN of the
// form CC00 + SEDOL + check. Not every such ISIN holds a SEDOL, and a line
// may trade under another SEDOL than the one in its ISIN.
func SEDOLFromISIN(isin string) (string, error) {
	isin = CleanID(isin)
	if err := CheckISIN(isin); err != nil {
		return "", err
	}
	if !sedolCountries[isin[:2]] {
		return "", fmt.Errorf("SEDOL from ISIN %q: a %s ISIN does not contain a SEDOL", isin, isin[:2])
	}
	if isin[2:4] != "00" {
		return "", fmt.Errorf("SEDOL from ISIN %q: the national number %s does not start 00, so it is not a SEDOL", isin, isin[2:11])
	}
	s := isin[4:11]
	if err := CheckSEDOL(s); err != nil {
		return "", fmt.Errorf("SEDOL from ISIN %q: %w", isin, err)
	}
	return s, nil
}
