// Package jsonw appends JSON values to a byte slice, writing exactly what
// encoding/json writes for them: the report's findings and the pre-trade
// check's answers are written by hand (by reflection they took a tenth of
// a screen and a quarter of a check), and what they write must not differ
// by a byte from what encoding/json would (tests hold each writer to it).
package jsonw

import (
	"encoding/binary"
	"encoding/json"
	"strconv"
	"unicode/utf8"
	"unsafe"

	"github.com/shopspring/decimal"
)

// String appends s quoted as encoding/json does (with its HTML escaping):
// \" \\ \b \f \n \r \t, other control bytes and < > & as \u00XX, invalid
// UTF-8 as \ufffd, U+2028 and U+2029 escaped, the rest as it is.
func String(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	start := 0
	slow := 0 // bytes to read one at a time before trying a word again
	for i := 0; i < len(s); {
		// Eight plain bytes at a time: most of a report's text
		// (names, evidence, actions) needs no escape. After a word that
		// is not all plain, its bytes are read one at a time.
		if slow <= 0 {
			for i+8 <= len(s) && plain8(binary.LittleEndian.Uint64(unsafe.Slice(unsafe.StringData(s[i:]), 8))) {
				i += 8
			}
			if i >= len(s) {
				break
			}
			slow = 8
		}
		c := s[i]
		slow--
		if c < utf8.RuneSelf {
			if plain[c] {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '\\', '"':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hex[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// plain8 reports whether all eight bytes of w are plain: ASCII, not a
// control byte and none of " \ < > &. It may say false of a plain word
// (String then reads it a byte at a time), never true of another.
func plain8(w uint64) bool {
	const ones, high = 0x0101010101010101, 0x8080808080808080
	// A byte of x is zero where (x-ones)&^x has its top bit (as a test
	// of the whole word; a false alarm only costs speed).
	zero := func(x uint64) uint64 { return (x - ones) &^ x }
	bad := w | (w-0x20*ones)&^w // not ASCII, or below 0x20
	bad |= zero(w^'"'*ones) | zero(w^'\\'*ones) | zero(w^'<'*ones) | zero(w^'>'*ones) | zero(w^'&'*ones)
	return bad&high == 0
}

// plain says which ASCII bytes String writes as they are.
var plain = func() (t [utf8.RuneSelf]bool) {
	for c := range t {
		t[c] = c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&'
	}
	return t
}()

// Strings appends ss as a JSON array of strings, or null when ss is nil.
func Strings[S ~string](b []byte, ss []S) []byte {
	if ss == nil {
		return append(b, "null"...)
	}
	b = append(b, '[')
	for i, s := range ss {
		if i > 0 {
			b = append(b, ',')
		}
		b = String(b, string(s))
	}
	return append(b, ']')
}

// Int appends n.
func Int(b []byte, n int) []byte { return strconv.AppendInt(b, int64(n), 10) }

// IntPtr appends *p, or null when p is nil.
func IntPtr(b []byte, p *int) []byte {
	if p == nil {
		return append(b, "null"...)
	}
	return Int(b, *p)
}

// Decimal appends d as decimal.Decimal's MarshalJSON writes it.
func Decimal(b []byte, d decimal.Decimal) []byte {
	if decimal.MarshalJSONWithoutQuotes {
		return AppendDecimal(b, d)
	}
	b = append(b, '"')
	b = AppendDecimal(b, d)
	return append(b, '"')
}

// AppendDecimal appends d.String(). A coefficient of up to 15 digits and
// a scale of up to 18 places (every amount a holdings file writes) are
// formatted from an int64, without the two allocations of big.Int's
// String; anything else is d.String() itself.
func AppendDecimal(b []byte, d decimal.Decimal) []byte {
	exp := d.Exponent()
	// NumDigits answers from an int64 for |coefficient| <= 2^53 and
	// counts exactly above it, so 15 digits or fewer means the
	// coefficient is an int64 and CoefficientInt64 is exact.
	if exp > 0 || exp < -18 || d.NumDigits() > 15 {
		return append(b, d.String()...)
	}
	c := d.CoefficientInt64()
	if exp == 0 || c == 0 {
		return strconv.AppendInt(b, c, 10) // 0 has no sign and no point
	}
	var u uint64
	if c < 0 {
		b = append(b, '-')
		u = uint64(-c)
	} else {
		u = uint64(c)
	}
	var buf [20]byte
	digits := strconv.AppendUint(buf[:0], u, 10)
	places := int(-exp)
	// Trailing zeros of the fraction are not written.
	frac := places
	for frac > 0 && digits[len(digits)-1] == '0' {
		digits = digits[:len(digits)-1]
		frac--
	}
	if n := len(digits) - frac; n > 0 {
		b = append(b, digits[:n]...)
		digits = digits[n:]
	} else {
		b = append(b, '0')
	}
	if frac > 0 {
		b = append(b, '.')
		for range frac - len(digits) {
			b = append(b, '0')
		}
		b = append(b, digits...)
	}
	return b
}

// Field appends key (its quotes, colon and the comma or brace before it,
// as `,"name":`) and the string v.
func Field(b []byte, key, v string) []byte { return String(append(b, key...), v) }

// OmitEmpty is Field for a field tagged omitempty: nothing when v is "".
func OmitEmpty(b []byte, key, v string) []byte {
	if v == "" {
		return b
	}
	return Field(b, key, v)
}

// StringsField appends key and ss (null when nil).
func StringsField[S ~string](b []byte, key string, ss []S) []byte {
	return Strings(append(b, key...), ss)
}

// OmitEmptyStrings is StringsField for a field tagged omitempty: nothing
// when ss is empty.
func OmitEmptyStrings[S ~string](b []byte, key string, ss []S) []byte {
	if len(ss) == 0 {
		return b
	}
	return StringsField(b, key, ss)
}

// Marshal appends key and v as json.Marshal writes it, for the rare nested
// values not written by hand.
func Marshal(b []byte, key string, v any) ([]byte, error) {
	j, err := json.Marshal(v)
	if err != nil {
		return b, err
	}
	return append(append(b, key...), j...), nil
}
