package issuers

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// CleanID returns an identifier or ticker as a parser should read it:
// Unicode NFKC applied (full-width ＨＫ０９４１ is HK0941, a no-break or
// ideographic space a space), format characters (zero-width spaces and
// joiners, the byte-order mark, bidirectional marks) and control
// characters (NUL, tabs, line breaks) removed, spaces at either end
// trimmed. Letter case is kept: a check tells capitals from small letters.
//
// Text copied from web pages, PDFs and spreadsheets carries such
// characters unseen: without cleaning, China Mobile's ISIN with a trailing
// zero-width space is no ISIN at all, and a query or a row that holds it
// would not be identified. Every parser in this package cleans its input
// with CleanID first; the matcher cleans the identifiers of every holding.
//
// A plain ASCII string without control characters is returned as it is,
// without allocating.
func CleanID(s string) string {
	clean := true
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= utf8.RuneSelf || c < ' ' || c == 0x7f {
			clean = false
			break
		}
	}
	if clean {
		if len(s) > 0 && (s[0] == ' ' || s[len(s)-1] == ' ') {
			return strings.TrimSpace(s)
		}
		return s
	}
	s = norm.NFKC.String(s)
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case unicode.Is(unicode.Cf, r), unicode.IsControl(r):
			// invisible: zero-width space, BOM, NUL, tab, line break...
		case unicode.IsSpace(r):
			b.WriteByte(' ')
		default:
			b.WriteRune(r)
		}
	}
	return strings.TrimSpace(b.String())
}

// IsCleanID reports that CleanID(s) == s, in one pass over s and without
// building anything: no byte of s is a control byte or outside ASCII, and
// it neither starts nor ends with a space. It says false for any string
// with a byte outside ASCII, which CleanID may leave as it is: a caller
// then cleans it, to the same result.
func IsCleanID(s string) bool { return isClean(s, &idDirty) }

// IsCleanIDUpper reports that CleanIDUpper(s) == s: IsCleanID, and no
// lower-case letter.
func IsCleanIDUpper(s string) bool { return isClean(s, &idDirtyUpper) }

func isClean(s string, dirty *[256]bool) bool {
	if s == "" {
		return true
	}
	if s[0] == ' ' || s[len(s)-1] == ' ' {
		return false
	}
	for i := 0; i < len(s); i++ {
		if dirty[s[i]] {
			return false
		}
	}
	return true
}

// The bytes CleanID changes wherever they are (idDirty), and those
// CleanIDUpper changes (idDirtyUpper).
var idDirty, idDirtyUpper = func() (d, u [256]bool) {
	for c := range 256 {
		d[c] = c >= utf8.RuneSelf || c < ' ' || c == 0x7f
		u[c] = d[c] || c >= 'a' && c <= 'z'
	}
	return d, u
}()

// CleanIDUpper is CleanID in capitals, as identifiers are compared.
func CleanIDUpper(s string) string {
	s = CleanID(s)
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 'a' && c <= 'z' || c >= utf8.RuneSelf {
			return strings.ToUpper(s)
		}
	}
	return s
}
