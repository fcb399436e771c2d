package web

import (
	"github.com/screener/screener/screener"
	"github.com/screener/screener/screener/jsonw"
)

// appendJSON appends r as encoding/json's reflection writes it, to the
// byte: by reflection the answer took a quarter of a check's time in the
// handler benchmark. TestCheckResponseJSON holds the two together with
// every field set and fails when checkResponse, checkResult or a type in
// them gains a field this function does not write; a fund's look-through
// goes through encoding/json.
func (r *checkResponse) appendJSON(b []byte) ([]byte, error) {
	b = jsonw.Field(b, `{"as_of":`, r.AsOf)
	b = append(b, `,"lists":`...)
	if r.Lists == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '[')
		for i := range r.Lists {
			if i > 0 {
				b = append(b, ',')
			}
			a := &r.Lists[i]
			b = jsonw.Field(b, `{"name":`, a.List)
			b = a.AsOf.AppendJSON(append(b, `,"as_of":`...))
			b = jsonw.Int(append(b, `,"age_days":`...), a.Days)
			b = append(jsonw.OmitEmpty(b, `,"warning":`, a.Warning), '}')
		}
		b = append(b, ']')
	}
	b = append(b, `,"results":`...)
	if r.Results == nil {
		return append(b, "null}"...), nil
	}
	b = append(b, '[')
	for i := range r.Results {
		if i > 0 {
			b = append(b, ',')
		}
		if i < len(r.raw) && r.raw[i] != nil {
			b = append(b, r.raw[i]...)
			continue
		}
		var err error
		if b, err = r.Results[i].appendJSON(b); err != nil {
			return b, err
		}
	}
	return append(b, "]}"...), nil
}

func (r *checkResult) appendJSON(b []byte) ([]byte, error) {
	b = jsonw.Field(b, `{"id":`, r.ID)
	b = jsonw.Field(b, `,"side":`, string(r.Side))
	b = jsonw.Field(b, `,"decision":`, r.Decision)
	b = jsonw.Field(b, `,"reason":`, r.Reason)
	b = jsonw.Field(b, `,"status":`, string(r.Status))
	b = jsonw.OmitEmpty(b, `,"reason_code":`, r.ReasonCode)
	b = jsonw.Field(b, `,"kind":`, r.Kind)
	b = jsonw.Field(b, `,"us_person":`, r.USPerson)
	b = jsonw.StringsField(b, `,"basis":`, r.Basis)
	b = r.Entry.AppendJSON(append(b, `,"entry":`...))
	b = screener.AppendClockJSON(b, r.ListingDate, r.EffectiveDate, r.DivestmentDate, r.DaysLeft, r.Action, r.Policy)
	b = jsonw.StringsField(b, `,"evidence":`, r.Evidence)
	if len(r.Candidates) > 0 {
		b = append(b, `,"candidates":[`...)
		for i := range r.Candidates {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendCandidate(b, &r.Candidates[i])
		}
		b = append(b, ']')
	}
	b = jsonw.OmitEmptyStrings(b, `,"warnings":`, r.Warnings)
	if r.Lookthrough != nil {
		var err error
		if b, err = jsonw.Marshal(b, `,"lookthrough":`, r.Lookthrough); err != nil {
			return b, err
		}
	}
	return append(b, '}'), nil
}

func appendCandidate(b []byte, c *screener.Candidate) []byte {
	b = jsonw.Field(b, `{"query":`, c.Query)
	b = jsonw.Field(b, `,"kind":`, c.Kind)
	b = jsonw.OmitEmpty(b, `,"issuer":`, c.Issuer)
	b = jsonw.Field(b, `,"status":`, string(c.Status))
	if c.Entry != nil {
		b = c.Entry.AppendJSON(append(b, `,"entry":`...))
	}
	return append(jsonw.OmitEmptyStrings(b, `,"evidence":`, c.Evidence), '}')
}
