package holdings

import (
	"fmt"
	"strings"

	"github.com/shopspring/decimal"
)

// maxDigits is the most significant digits a number in a holdings file may
// have. Real quantities and values need 20 at most; more is garbage.
const maxDigits = 30

// parseNumber reads a number as holdings files print it: "1,234.56",
// "-1,234.56", "(1,234.56)" (negative), "4.15%" (the % is dropped) and, when
// european is true, "1.234,56" and "20345,00". It returns ok=false with no
// error for an empty cell and for the null markers "-", "--", "NA", "N/A" and
// "n/a". NaN, Inf, exponents ("1e5"), more than 30 digits, misplaced
// thousands separators and any other character are errors whose text says
// what is wrong, for the reject reason.
//
// It is shared by every reader of the package (tables and sheets) and does
// not allocate for numbers of up to 18 digits beyond the decimal itself.
func parseNumber(s string, european bool) (decimal.Decimal, bool, error) {
	n, ok, err := scanNumber(s, european)
	if err != nil || !ok {
		return decimal.Decimal{}, false, err
	}
	if n.digits > 18 {
		// Rare: rebuild the plain digits and let decimal parse them.
		var b strings.Builder
		if n.neg {
			b.WriteByte('-')
		}
		for i := 0; i < len(n.text); i++ {
			c := n.text[i]
			if c >= '0' && c <= '9' {
				b.WriteByte(c)
			} else if c == n.point {
				b.WriteByte('.')
			}
		}
		d, err := decimal.NewFromString(b.String())
		if err != nil {
			return decimal.Decimal{}, false, fmt.Errorf("%q is not a number", trimSpace(s))
		}
		return d, true, nil
	}
	if n.v == 0 {
		return decimal.Decimal{}, true, nil // zero without allocating
	}
	v := int64(n.v)
	if n.neg {
		v = -v
	}
	return decimal.New(v, int32(-n.scale)), true, nil
}

// number is a cell scanned by scanNumber: the value is ±v × 10^-scale when
// digits ≤ 18; longer numbers keep their text for decimal to parse.
type number struct {
	v      uint64
	scale  int
	neg    bool
	digits int    // significant digits
	text   string // the digits, separators and point, sign and parentheses removed
	point  byte   // the decimal point of text
}

// Units returns the number in units of 10^-9 (the report's integer totals)
// and ok=false when it does not fit an int64 that way (more than 18 digits,
// more than 9 decimals, or too large); the caller then uses the decimal.
func (n number) Units() (int64, bool) {
	if n.digits > 18 || n.scale > 9 {
		return 0, false
	}
	m := uint64(1)
	for i := n.scale; i < 9; i++ {
		m *= 10
	}
	if n.v > (1<<62)/m {
		return 0, false
	}
	u := int64(n.v * m)
	if n.neg {
		u = -u
	}
	return u, true
}

// scanNumber checks a cell against the grammar of parseNumber without
// allocating: ok=false with no error for an empty or null cell, an error
// whose text says what is wrong, or the number. parseNumber is scanNumber
// plus the decimal, so the two accept exactly the same cells.
func scanNumber(s string, european bool) (number, bool, error) {
	point := byte('.')
	if european {
		point = ','
	}
	if n, ok := scanPlain(s, point); ok {
		return n, true, nil
	}
	return scanGrammar(s, european)
}

// scanPlain reads the cell most files write, of at most 18 ASCII digits
// with at most one decimal point and nothing else, as scanGrammar does;
// ok is false for any other cell (scanGrammar then reads it, or says
// what is wrong with it).
func scanPlain(s string, point byte) (number, bool) {
	if len(s) == 0 || len(s) > 18 {
		return number{}, false
	}
	var v uint64
	digits, scale, intDigits := 0, 0, 0
	seenPoint := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			if digits > 0 || c != '0' {
				digits++
			}
			v = v*10 + uint64(c-'0')
			if seenPoint {
				scale++
			} else {
				intDigits++
			}
		case c == point && !seenPoint:
			seenPoint = true
		default:
			return number{}, false
		}
	}
	if intDigits == 0 && scale == 0 {
		return number{}, false
	}
	return number{v: v, scale: scale, digits: digits, text: s, point: point}, true
}

// scanGrammar is scanNumber for any cell.
func scanGrammar(s string, european bool) (number, bool, error) {
	s = trimSpace(s)
	if isNull(s) {
		return number{}, false, nil
	}
	in := s
	neg := false
	if len(s) >= 2 && s[0] == '(' && s[len(s)-1] == ')' {
		neg = true
		s = trimSpace(s[1 : len(s)-1])
	}
	if s != "" && s[len(s)-1] == '%' {
		s = trimSpace(s[:len(s)-1])
	}
	if s != "" && (s[0] == '-' || s[0] == '+') {
		if s[0] == '-' {
			if neg {
				return number{}, false, fmt.Errorf("%q is not a number (two minus signs)", in)
			}
			neg = true
		}
		s = s[1:]
	}
	if s == "" {
		return number{}, false, fmt.Errorf("%q is not a number", in)
	}
	point, group := byte('.'), byte(',')
	if european {
		point, group = ',', '.'
	}
	var (
		v         uint64
		digits    int  // significant digits so far (leading zeros skipped)
		scale     int  // digits after the point
		seenPoint bool // decimal point seen
		seenGroup bool // a thousands separator seen
		run       int  // digits since the last separator (integer part)
		intDigits int  // digits in the integer part
	)
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			if digits > 0 || c != '0' {
				digits++
			}
			if digits > maxDigits {
				return number{}, false, fmt.Errorf("%q has more than %d digits", in, maxDigits)
			}
			if digits <= 18 {
				v = v*10 + uint64(c-'0')
			}
			if seenPoint {
				scale++
			} else {
				run++
				intDigits++
			}
		case c == point && !seenPoint:
			if seenGroup && run != 3 {
				return number{}, false, fmt.Errorf("%q has a misplaced thousands separator", in)
			}
			seenPoint = true
		case c == group && !seenPoint:
			if intDigits == 0 || (seenGroup && run != 3) || (!seenGroup && run > 3) {
				return number{}, false, fmt.Errorf("%q has a misplaced thousands separator", in)
			}
			seenGroup = true
			run = 0
		default:
			return number{}, false, notNumber(in, s, c)
		}
	}
	if seenGroup && !seenPoint && run != 3 {
		return number{}, false, fmt.Errorf("%q has a misplaced thousands separator", in)
	}
	if intDigits == 0 && scale == 0 {
		return number{}, false, fmt.Errorf("%q is not a number", in)
	}
	return number{v: v, scale: scale, neg: neg, digits: digits, text: s, point: point}, true, nil
}

// notNumber explains why s (from cell in) is not a number, naming the common
// spreadsheet and float spellings.
func notNumber(in, s string, c byte) error {
	l := strings.ToLower(s)
	switch {
	case strings.Contains(l, "nan"):
		return fmt.Errorf("%q is not a number (NaN)", in)
	case strings.Contains(l, "inf"):
		return fmt.Errorf("%q is not a number (infinity)", in)
	case c == 'e' || c == 'E':
		return fmt.Errorf("%q uses exponent notation; write the number in full", in)
	case c == ',' || c == '.':
		return fmt.Errorf("%q has more than one decimal point", in)
	}
	return fmt.Errorf("%q is not a number (unexpected %q)", in, rune(c))
}

// isNull reports whether a trimmed cell is a null marker.
func isNull(s string) bool {
	switch s {
	case "", "-", "--", "NA", "N/A", "n/a", "#N/A":
		return true
	}
	return false
}

// trimSpace trims ASCII spaces, tabs and the no-break space cheaply.
func trimSpace(s string) string {
	if n := len(s); n == 0 || s[0] > ' ' && s[0] < 0x80 && s[n-1] > ' ' && s[n-1] < 0x80 {
		return s // most cells: nothing to trim at either end
	}
	for len(s) > 0 && (s[0] == ' ' || s[0] == '\t' || s[0] == '\r' || s[0] == '\n') {
		s = s[1:]
	}
	for len(s) > 0 && (s[len(s)-1] == ' ' || s[len(s)-1] == '\t' || s[len(s)-1] == '\r' || s[len(s)-1] == '\n') {
		s = s[:len(s)-1]
	}
	if strings.HasPrefix(s, "\u00a0") || strings.HasSuffix(s, "\u00a0") {
		s = strings.TrimSpace(strings.Trim(s, "\u00a0"))
	}
	return s
}
