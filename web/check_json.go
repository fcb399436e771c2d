package web

import (
	"encoding/json"

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
	b = append(b, `{"as_of":`...)
	b = jsonw.String(b, r.AsOf)
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
			b = append(b, `{"name":`...)
			b = jsonw.String(b, a.List)
			b = append(b, `,"as_of":`...)
			b = a.AsOf.AppendJSON(b)
			b = append(b, `,"age_days":`...)
			b = jsonw.Int(b, a.Days)
			if a.Warning != "" {
				b = append(b, `,"warning":`...)
				b = jsonw.String(b, a.Warning)
			}
			b = append(b, '}')
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
		var err error
		if b, err = r.Results[i].appendJSON(b); err != nil {
			return b, err
		}
	}
	return append(b, "]}"...), nil
}

func (r *checkResult) appendJSON(b []byte) ([]byte, error) {
	b = append(b, `{"id":`...)
	b = jsonw.String(b, r.ID)
	b = append(b, `,"side":`...)
	b = jsonw.String(b, string(r.Side))
	b = append(b, `,"decision":`...)
	b = jsonw.String(b, r.Decision)
	b = append(b, `,"reason":`...)
	b = jsonw.String(b, r.Reason)
	b = append(b, `,"status":`...)
	b = jsonw.String(b, string(r.Status))
	if r.ReasonCode != "" {
		b = append(b, `,"reason_code":`...)
		b = jsonw.String(b, r.ReasonCode)
	}
	b = append(b, `,"kind":`...)
	b = jsonw.String(b, r.Kind)
	b = append(b, `,"us_person":`...)
	b = jsonw.String(b, r.USPerson)
	b = append(b, `,"basis":`...)
	b = jsonw.Strings(b, r.Basis)
	b = append(b, `,"entry":`...)
	b = r.Entry.AppendJSON(b)
	b = append(b, `,"listing_date":`...)
	b = r.ListingDate.AppendJSON(b)
	b = append(b, `,"effective_date":`...)
	b = r.EffectiveDate.AppendJSON(b)
	b = append(b, `,"divestment_date":`...)
	b = r.DivestmentDate.AppendJSON(b)
	b = append(b, `,"days_left":`...)
	b = jsonw.IntPtr(b, r.DaysLeft)
	b = append(b, `,"action":`...)
	b = jsonw.String(b, r.Action)
	if r.Policy != "" {
		b = append(b, `,"policy":`...)
		b = jsonw.String(b, r.Policy)
	}
	b = append(b, `,"evidence":`...)
	b = jsonw.Strings(b, r.Evidence)
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
	if len(r.Warnings) > 0 {
		b = append(b, `,"warnings":`...)
		b = jsonw.Strings(b, r.Warnings)
	}
	if r.Lookthrough != nil {
		j, err := json.Marshal(r.Lookthrough)
		if err != nil {
			return b, err
		}
		b = append(b, `,"lookthrough":`...)
		b = append(b, j...)
	}
	return append(b, '}'), nil
}

func appendCandidate(b []byte, c *screener.Candidate) []byte {
	b = append(b, `{"query":`...)
	b = jsonw.String(b, c.Query)
	b = append(b, `,"kind":`...)
	b = jsonw.String(b, c.Kind)
	if c.Issuer != "" {
		b = append(b, `,"issuer":`...)
		b = jsonw.String(b, c.Issuer)
	}
	b = append(b, `,"status":`...)
	b = jsonw.String(b, string(c.Status))
	if c.Entry != nil {
		b = append(b, `,"entry":`...)
		b = c.Entry.AppendJSON(b)
	}
	if len(c.Evidence) > 0 {
		b = append(b, `,"evidence":`...)
		b = jsonw.Strings(b, c.Evidence)
	}
	return append(b, '}')
}
