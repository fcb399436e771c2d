package screener

import (
	"encoding/json"

	"github.com/screener/screener/screener/jsonw"
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
	b = jsonw.String(b, f.File)
	b = append(b, `,"line":`...)
	b = jsonw.Int(b, f.Line)
	b = append(b, `,"portfolio":`...)
	b = jsonw.String(b, f.Portfolio)
	b = append(b, `,"us_person":`...)
	b = jsonw.String(b, f.USPerson)
	b = append(b, `,"security":`...)
	b = appendSecurityJSON(b, &f.Security)
	b = append(b, `,"quantity":`...)
	b = jsonw.Decimal(b, f.Quantity)
	b = append(b, `,"market_value":`...)
	b = jsonw.Decimal(b, f.MarketValue)
	b = append(b, `,"currency":`...)
	b = jsonw.String(b, f.Currency)
	b = append(b, `,"status":`...)
	b = jsonw.String(b, string(f.Status))
	if f.LegalStatus != "" {
		b = append(b, `,"legal_status":`...)
		b = jsonw.String(b, string(f.LegalStatus))
	}
	b = append(b, `,"basis":`...)
	b = jsonw.Strings(b, f.Basis)
	b = append(b, `,"entry":`...)
	b = f.Entry.AppendJSON(b)
	b = append(b, `,"evidence":`...)
	b = jsonw.Strings(b, f.Evidence)
	b = append(b, `,"listing_date":`...)
	b = f.ListingDate.AppendJSON(b)
	b = append(b, `,"effective_date":`...)
	b = f.EffectiveDate.AppendJSON(b)
	b = append(b, `,"divestment_date":`...)
	b = f.DivestmentDate.AppendJSON(b)
	b = append(b, `,"days_left":`...)
	b = jsonw.IntPtr(b, f.DaysLeft)
	b = append(b, `,"action":`...)
	b = jsonw.String(b, f.Action)
	if f.Policy != "" {
		b = append(b, `,"policy":`...)
		b = jsonw.String(b, f.Policy)
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
		b = jsonw.Strings(b, f.Warnings)
	}
	if f.Reason != "" {
		b = append(b, `,"reason":`...)
		b = jsonw.String(b, f.Reason)
	}
	if f.Lookthrough != nil {
		b = append(b, `,"lookthrough":`...)
		if b, err = appendMarshal(b, f.Lookthrough); err != nil {
			return b, err
		}
	}
	b = append(b, `,"key":`...)
	b = jsonw.String(b, f.Key)
	return append(b, '}'), nil
}

func appendSecurityJSON(b []byte, s *Security) []byte {
	b = append(b, `{"name":`...)
	b = jsonw.String(b, s.Name)
	for _, kv := range [...]struct{ k, v string }{
		{`,"isin":`, s.ISIN}, {`,"cusip":`, s.CUSIP}, {`,"sedol":`, s.SEDOL}, {`,"figi":`, s.FIGI},
		{`,"ticker":`, s.Ticker}, {`,"exchange":`, s.Exchange}, {`,"issuer":`, s.Issuer},
	} {
		if kv.v != "" {
			b = append(b, kv.k...)
			b = jsonw.String(b, kv.v)
		}
	}
	return append(b, '}')
}

// AppendJSON appends d as its MarshalJSON writes it.
func (d Date) AppendJSON(b []byte) []byte {
	if d.IsZero() {
		return append(b, "null"...)
	}
	if d.Year < 0 || d.Year > 9999 || d.Month < 1 || d.Month > 12 || d.Day < 0 || d.Day > 99 {
		return jsonw.String(b, d.String())
	}
	n := len(b)
	b = append(b, `"0000-00-00"`...)
	d.put(b[n+1 : n+11])
	return b
}

// AppendJSON appends e as encoding/json writes the struct, null for nil.
func (e *EntryRef) AppendJSON(b []byte) []byte {
	if e == nil {
		return append(b, "null"...)
	}
	b = append(b, `{"id":`...)
	b = jsonw.String(b, e.ID)
	b = append(b, `,"name":`...)
	b = jsonw.String(b, e.Name)
	b = append(b, `,"program":`...)
	b = jsonw.String(b, e.Program)
	b = append(b, `,"list":`...)
	b = jsonw.String(b, e.List)
	return append(b, '}')
}

func appendMarshal(b []byte, v any) ([]byte, error) {
	j, err := json.Marshal(v)
	if err != nil {
		return b, err
	}
	return append(b, j...), nil
}
