package screener

import (
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
	b = jsonw.Field(b, `{"file":`, f.File)
	b = jsonw.Int(append(b, `,"line":`...), f.Line)
	b = jsonw.Field(b, `,"portfolio":`, f.Portfolio)
	b = jsonw.Field(b, `,"us_person":`, f.USPerson)
	if s := f.shared; s != nil && s.matches(f) {
		b = append(append(b, `,"security":`...), s.security...)
		b = f.appendAmounts(b)
		return append(b, s.tail...), nil
	}
	b = appendSecurityJSON(append(b, `,"security":`...), &f.Security)
	b = f.appendAmounts(b)
	return f.appendTail(b)
}

// appendAmounts appends f's quantity, market value and currency.
func (f *Finding) appendAmounts(b []byte) []byte {
	b = jsonw.Decimal(append(b, `,"quantity":`...), f.Quantity)
	b = jsonw.Decimal(append(b, `,"market_value":`...), f.MarketValue)
	return jsonw.Field(b, `,"currency":`, f.Currency)
}

// appendTail appends f's fields from its status on, and the closing brace.
func (f *Finding) appendTail(b []byte) ([]byte, error) {
	b = jsonw.Field(b, `,"status":`, string(f.Status))
	b = jsonw.OmitEmpty(b, `,"legal_status":`, string(f.LegalStatus))
	b = jsonw.StringsField(b, `,"basis":`, f.Basis)
	b = f.Entry.AppendJSON(append(b, `,"entry":`...))
	b = jsonw.StringsField(b, `,"evidence":`, f.Evidence)
	b = AppendClockJSON(b, f.ListingDate, f.EffectiveDate, f.DivestmentDate, f.DaysLeft, f.Action, f.Policy)
	var err error
	if f.Decision != nil {
		if b, err = jsonw.Marshal(b, `,"decision":`, f.Decision); err != nil {
			return b, err
		}
	}
	b = jsonw.OmitEmptyStrings(b, `,"warnings":`, f.Warnings)
	b = jsonw.OmitEmpty(b, `,"reason":`, f.Reason)
	if f.Lookthrough != nil {
		if b, err = jsonw.Marshal(b, `,"lookthrough":`, f.Lookthrough); err != nil {
			return b, err
		}
	}
	b = jsonw.Field(b, `,"key":`, f.Key)
	return append(b, '}'), nil
}

// ShareJSON writes, once, the JSON of the parts of f that the findings
// made from it as a template share: its security, and its fields from its
// status on (the decision). A screen makes the finding of every row of a
// security it has seen from the first row's; their JSON, most of a
// report's bytes, then needs only each row's own fields written. The
// copies carry what ShareJSON kept, and AppendJSON uses it for a copy
// only while the copy's shared fields are still the ones it was written
// from (sharedJSON.matches); a finding with a decision or a look-through
// is never shared.
func (f *Finding) ShareJSON() {
	if f.Decision != nil || f.Lookthrough != nil {
		return
	}
	s := &sharedJSON{src: *f}
	s.src.shared = nil
	if f.Entry != nil {
		s.entry = *f.Entry
	}
	if f.DaysLeft != nil {
		s.daysLeft = *f.DaysLeft
	}
	s.security = appendSecurityJSON(nil, &f.Security)
	tail, err := f.appendTail(nil)
	if err != nil {
		return
	}
	s.tail = tail
	f.shared = s
}

// sharedJSON is what ShareJSON keeps: the finding its parts were written
// from, the values behind its pointers then, and the parts.
type sharedJSON struct {
	src      Finding
	entry    EntryRef
	daysLeft int
	security []byte // the security object
	tail     []byte // from `,"status":` to the closing brace
}

// matches reports whether f's shared fields are still those the parts
// were written from (strings and slices shared with the template compare
// equal at the cost of a pointer comparison).
func (s *sharedJSON) matches(f *Finding) bool {
	src := &s.src
	return f.Security == src.Security && f.Status == src.Status && f.LegalStatus == src.LegalStatus &&
		sameStrings(f.Basis, src.Basis) && sameEntry(f.Entry, src.Entry, &s.entry) &&
		sameStrings(f.Evidence, src.Evidence) && f.ListingDate == src.ListingDate &&
		f.EffectiveDate == src.EffectiveDate && f.DivestmentDate == src.DivestmentDate &&
		sameInt(f.DaysLeft, src.DaysLeft, s.daysLeft) && f.Action == src.Action && f.Policy == src.Policy &&
		f.Decision == nil && sameStrings(f.Warnings, src.Warnings) && f.Reason == src.Reason &&
		f.Lookthrough == nil && f.Key == src.Key
}

// sameStrings reports whether a and b write the same JSON: both nil, or
// both not nil with the same elements.
func sameStrings[S ~string](a, b []S) bool {
	if (a == nil) != (b == nil) || len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func sameEntry(e, src *EntryRef, was *EntryRef) bool {
	if e == nil || src == nil {
		return e == nil && src == nil
	}
	return *e == *was
}

func sameInt(p, src *int, was int) bool {
	if p == nil || src == nil {
		return p == nil && src == nil
	}
	return *p == was
}

// AppendClockJSON appends the fields a finding and a pre-trade answer
// both end their decision with, in their order: the listing, effective
// and divestment dates, the days left, the action and (omitempty) the
// firm-policy result.
func AppendClockJSON(b []byte, listing, effective, divestment Date, daysLeft *int, action, policy string) []byte {
	b = listing.AppendJSON(append(b, `,"listing_date":`...))
	b = effective.AppendJSON(append(b, `,"effective_date":`...))
	b = divestment.AppendJSON(append(b, `,"divestment_date":`...))
	b = jsonw.IntPtr(append(b, `,"days_left":`...), daysLeft)
	b = jsonw.Field(b, `,"action":`, action)
	return jsonw.OmitEmpty(b, `,"policy":`, policy)
}

func appendSecurityJSON(b []byte, s *Security) []byte {
	b = jsonw.Field(b, `{"name":`, s.Name)
	b = jsonw.OmitEmpty(b, `,"isin":`, s.ISIN)
	b = jsonw.OmitEmpty(b, `,"cusip":`, s.CUSIP)
	b = jsonw.OmitEmpty(b, `,"sedol":`, s.SEDOL)
	b = jsonw.OmitEmpty(b, `,"figi":`, s.FIGI)
	b = jsonw.OmitEmpty(b, `,"ticker":`, s.Ticker)
	b = jsonw.OmitEmpty(b, `,"exchange":`, s.Exchange)
	b = jsonw.OmitEmpty(b, `,"issuer":`, s.Issuer)
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
	b = jsonw.Field(b, `{"id":`, e.ID)
	b = jsonw.Field(b, `,"name":`, e.Name)
	b = jsonw.Field(b, `,"program":`, e.Program)
	b = jsonw.Field(b, `,"list":`, e.List)
	return append(b, '}')
}
