package screener

import (
	"encoding/json"
	"strconv"
	"unicode/utf8"

	"github.com/shopspring/decimal"
)

// MarshalJSON writes f as encoding/json's reflection would (see AppendJSON).
func (f Finding) MarshalJSON() ([]byte, error) { return f.AppendJSON(nil) }

// AppendJSON appends f to b as encoding/json's reflection writes the
// struct, to the byte: findings are most of a report's bytes, and
// reflection and a buffer per value took a tenth of a million-row screen.
// Tests hold the two together on every finding of the test corpus and on
// a finding with every field set, and fail when Finding gains a field this
// method does not write. The rare nested parts (a reviewer's decision, a
// fund's look-through) go through encoding/json.
func (f *Finding) AppendJSON(b []byte) ([]byte, error) {
	b = append(b, `{"file":`...)
	b = appendJSONString(b, f.File)
	b = append(b, `,"line":`...)
	b = strconv.AppendInt(b, int64(f.Line), 10)
	b = append(b, `,"portfolio":`...)
	b = appendJSONString(b, f.Portfolio)
	b = append(b, `,"us_person":`...)
	b = appendJSONString(b, f.USPerson)
	b = append(b, `,"security":`...)
	b = appendSecurityJSON(b, &f.Security)
	b = append(b, `,"quantity":`...)
	b = appendDecimalJSON(b, f.Quantity)
	b = append(b, `,"market_value":`...)
	b = appendDecimalJSON(b, f.MarketValue)
	b = append(b, `,"currency":`...)
	b = appendJSONString(b, f.Currency)
	b = append(b, `,"status":`...)
	b = appendJSONString(b, string(f.Status))
	if f.LegalStatus != "" {
		b = append(b, `,"legal_status":`...)
		b = appendJSONString(b, string(f.LegalStatus))
	}
	b = append(b, `,"basis":`...)
	if f.Basis == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '[')
		for i, x := range f.Basis {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendJSONString(b, string(x))
		}
		b = append(b, ']')
	}
	b = append(b, `,"entry":`...)
	if e := f.Entry; e == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, `{"id":`...)
		b = appendJSONString(b, e.ID)
		b = append(b, `,"name":`...)
		b = appendJSONString(b, e.Name)
		b = append(b, `,"program":`...)
		b = appendJSONString(b, e.Program)
		b = append(b, `,"list":`...)
		b = appendJSONString(b, e.List)
		b = append(b, '}')
	}
	b = append(b, `,"evidence":`...)
	b = appendStringsJSON(b, f.Evidence)
	b = append(b, `,"listing_date":`...)
	b = appendDateJSON(b, f.ListingDate)
	b = append(b, `,"effective_date":`...)
	b = appendDateJSON(b, f.EffectiveDate)
	b = append(b, `,"divestment_date":`...)
	b = appendDateJSON(b, f.DivestmentDate)
	b = append(b, `,"days_left":`...)
	if f.DaysLeft == nil {
		b = append(b, "null"...)
	} else {
		b = strconv.AppendInt(b, int64(*f.DaysLeft), 10)
	}
	b = append(b, `,"action":`...)
	b = appendJSONString(b, f.Action)
	if f.Policy != "" {
		b = append(b, `,"policy":`...)
		b = appendJSONString(b, f.Policy)
	}
	var err error
	if f.Decision != nil {
		b = append(b, `,"decision":`...)
		if b, err = appendMarshal(b, f.Decision); err != nil {
			return b, err
		}
	}
	if len(f.Warnings) > 0 {
		b = append(b, `,"warnings":`...)
		b = appendStringsJSON(b, f.Warnings)
	}
	if f.Reason != "" {
		b = append(b, `,"reason":`...)
		b = appendJSONString(b, f.Reason)
	}
	if f.Lookthrough != nil {
		b = append(b, `,"lookthrough":`...)
		if b, err = appendMarshal(b, f.Lookthrough); err != nil {
			return b, err
		}
	}
	b = append(b, `,"key":`...)
	b = appendJSONString(b, f.Key)
	return append(b, '}'), nil
}

func appendSecurityJSON(b []byte, s *Security) []byte {
	b = append(b, `{"name":`...)
	b = appendJSONString(b, s.Name)
	for _, kv := range [...]struct{ k, v string }{
		{`,"isin":`, s.ISIN}, {`,"cusip":`, s.CUSIP}, {`,"sedol":`, s.SEDOL}, {`,"figi":`, s.FIGI},
		{`,"ticker":`, s.Ticker}, {`,"exchange":`, s.Exchange}, {`,"issuer":`, s.Issuer},
	} {
		if kv.v != "" {
			b = append(b, kv.k...)
			b = appendJSONString(b, kv.v)
		}
	}
	return append(b, '}')
}

func appendStringsJSON(b []byte, ss []string) []byte {
	if ss == nil {
		return append(b, "null"...)
	}
	b = append(b, '[')
	for i, s := range ss {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(b, s)
	}
	return append(b, ']')
}

// appendDecimalJSON writes d as decimal.Decimal's MarshalJSON does.
func appendDecimalJSON(b []byte, d decimal.Decimal) []byte {
	if decimal.MarshalJSONWithoutQuotes {
		return append(b, d.String()...)
	}
	b = append(b, '"')
	b = append(b, d.String()...)
	return append(b, '"')
}

// appendDateJSON writes d as Date's MarshalJSON does.
func appendDateJSON(b []byte, d Date) []byte {
	if d.IsZero() {
		return append(b, "null"...)
	}
	if d.Year < 0 || d.Year > 9999 || d.Month < 1 || d.Month > 12 || d.Day < 0 || d.Day > 99 {
		return appendJSONString(b, d.String())
	}
	n := len(b)
	b = append(b, `"0000-00-00"`...)
	d.put(b[n+1 : n+11])
	return b
}

func appendMarshal(b []byte, v any) ([]byte, error) {
	j, err := json.Marshal(v)
	if err != nil {
		return b, err
	}
	return append(b, j...), nil
}

// appendJSONString writes s quoted as encoding/json does (with its HTML
// escaping): \" \\ \b \f \n \r \t, other control bytes and < > & as
// \u00XX, invalid UTF-8 as \ufffd, U+2028 and U+2029 escaped, the rest as
// it is.
func appendJSONString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
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
