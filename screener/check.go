package screener

import (
	"fmt"
	"strings"
	"time"

	"github.com/screener/screener/issuers"
)

// CheckResult is the answer to one query.
type CheckResult struct {
	Query    string        `json:"query"`
	Kind     string        `json:"kind"` // what the query was taken as
	AsOf     string        `json:"as_of"`
	Status   Status        `json:"status"`
	Basis    []Basis       `json:"basis"`
	Entry    *EntryRef     `json:"entry"`
	Evidence []string      `json:"evidence"`
	Listing  Date          `json:"listing_date"`
	Effect   Date          `json:"effective_date"`
	Divest   Date          `json:"divestment_date"`
	DaysLeft *int          `json:"days_left"`
	Action   string        `json:"action"`
	Policy   string        `json:"policy,omitempty"`
	Trades   []TradeAnswer `json:"trades"`
	Warnings []string      `json:"warnings,omitempty"`
}

// TradeAnswer is the decision for one side of a trade.
type TradeAnswer struct {
	Side     Side   `json:"side"`
	Decision string `json:"decision"`
	Reason   string `json:"reason"`
}

// Check answers one query: it turns the query into a holding (by the shape
// of the identifier) and screens it.
func Check(m *Matcher, q, exchange string, at time.Time, us USPerson) (CheckResult, error) {
	q = strings.TrimSpace(q)
	h, kind, err := QueryHolding(q, exchange)
	if err != nil {
		return CheckResult{}, err
	}
	h.USPerson = us
	f := m.Match(&h, at, Options{})
	r := CheckResult{Query: q, Kind: kind, AsOf: at.Format(time.RFC3339), Status: f.Status, Basis: f.Basis,
		Entry: f.Entry, Evidence: f.Evidence, Listing: f.ListingDate, Effect: f.EffectiveDate, Divest: f.DivestmentDate,
		DaysLeft: f.DaysLeft, Action: f.Action, Policy: f.Policy, Warnings: f.Warnings}
	if r.Basis == nil {
		r.Basis = []Basis{}
	}
	if r.Evidence == nil {
		r.Evidence = []string{}
	}
	for _, side := range []Side{SideBuy, SideSell, SideHold} {
		d, why := TradeDecision(&f, side)
		r.Trades = append(r.Trades, TradeAnswer{Side: side, Decision: d, Reason: why})
	}
	return r, nil
}

// QueryHolding turns a query into a one-row holding, saying what it took the
// query for.
func QueryHolding(q, exchange string) (Holding, string, error) {
	h := Holding{File: "query", Line: 1}
	if q == "" {
		return h, "", Errorf(KindInvalid, "empty query")
	}
	if exchange != "" {
		t, err := issuers.TickerOn(q, exchange)
		if err != nil {
			return h, "", Errorf(KindInvalid, "%q on %q: %v", q, exchange, err)
		}
		h.Ticker, h.Exchange = q, exchange
		return h, "ticker " + t.Key(), nil
	}
	u := strings.ToUpper(q)
	switch issuers.Classify(u) {
	case issuers.IDISIN:
		h.ISIN = u
		if err := issuers.CheckISIN(u); err != nil {
			h.Warnings = append(h.Warnings, err.Error()+" (matched verbatim)")
		}
		return h, "ISIN", nil
	case issuers.IDCUSIP:
		h.CUSIP = u
		return h, "CUSIP", nil
	case issuers.IDSEDOL:
		h.SEDOL = u
		return h, "SEDOL", nil
	case issuers.IDFIGI:
		h.FIGI = u
		return h, "FIGI", nil
	case issuers.IDLEI:
		h.LEI = u
		return h, "LEI", nil
	}
	if t, err := issuers.ParseTicker(q); err == nil && t.Key() != "" {
		h.Ticker = q
		return h, "ticker " + t.Key(), nil
	}
	h.Name = q
	if isDigits(q) {
		h.Warnings = append(h.Warnings, fmt.Sprintf("%q looks like an exchange code without a market: it is ambiguous (2357 is AviChina on HKEX and ASUSTeK on TWSE); give --exchange", q))
		return h, "ambiguous code", nil
	}
	return h, "name", nil
}

func isDigits(s string) bool {
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return s != ""
}
