package screener

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/screener/screener/issuers"
)

// CheckResult is the answer to one query.
type CheckResult struct {
	Query    string    `json:"query"`
	Kind     string    `json:"kind"` // what the query was taken as
	AsOf     string    `json:"as_of"`
	Status   Status    `json:"status"`
	Reason   string    `json:"reason,omitempty"` // ReasonNotIdentified or ReasonAmbiguous
	Basis    []Basis   `json:"basis"`
	Entry    *EntryRef `json:"entry"`
	Evidence []string  `json:"evidence"`
	// Candidates are what an ambiguous or unidentified query may have
	// meant: the code on each market where it resolves, the ISIN with its
	// check digit corrected.
	Candidates []Candidate   `json:"candidates,omitempty"`
	Listing    Date          `json:"listing_date"`
	Effect     Date          `json:"effective_date"`
	Divest     Date          `json:"divestment_date"`
	DaysLeft   *int          `json:"days_left"`
	Action     string        `json:"action"`
	Policy     string        `json:"policy,omitempty"`
	Trades     []TradeAnswer `json:"trades"`
	Warnings   []string      `json:"warnings,omitempty"`
	// Lookthrough is a fund's (lookthrough.go); Reason then carries the
	// look-through's reason code.
	Lookthrough *Lookthrough `json:"lookthrough,omitempty"`
}

// Why a query was not identified: the code a check answer carries with a
// review decision.
const (
	// ReasonNotIdentified: the query has an identifier's shape but fails
	// its check digit (HK0941009538), so it names no security for sure.
	ReasonNotIdentified = "not_identified"
	// ReasonAmbiguous: a bare exchange code (941) that is a different
	// security on each market; give the exchange.
	ReasonAmbiguous = "ambiguous"
)

// Candidate is one security an unidentified query may have meant.
type Candidate struct {
	Query    string    `json:"query"` // the identifier or ticker tried
	Kind     string    `json:"kind"`
	Issuer   string    `json:"issuer,omitempty"` // from the security master
	Status   Status    `json:"status"`
	Entry    *EntryRef `json:"entry,omitempty"`
	Evidence []string  `json:"evidence,omitempty"`
}

// TradeAnswer is the decision for one side of a trade.
type TradeAnswer struct {
	Side     Side   `json:"side"`
	Decision string `json:"decision"`
	Reason   string `json:"reason"`
}

// QueryAnswer is a query screened: the finding, what the query was taken
// as, and, when it did not identify one security, why (Reason) and what it
// may have meant (Candidates). A query that was not identified is never
// clear: its finding's status is at least review.
type QueryAnswer struct {
	Finding    Finding
	Kind       string
	Reason     string
	Candidates []Candidate
}

// Check answers one query: it turns the query into a holding (by the shape
// of the identifier) and screens it.
func Check(m *Matcher, q, exchange string, at time.Time, us USPerson) (CheckResult, error) {
	a, err := m.Query(q, exchange, at, us)
	if err != nil {
		return CheckResult{}, err
	}
	f := &a.Finding
	r := CheckResult{Query: issuers.CleanID(q), Kind: a.Kind, AsOf: at.Format(time.RFC3339), Status: f.Status, Reason: a.Reason,
		Basis: f.Basis, Entry: f.Entry, Evidence: f.Evidence, Candidates: a.Candidates, Listing: f.ListingDate,
		Effect: f.EffectiveDate, Divest: f.DivestmentDate, DaysLeft: f.DaysLeft, Action: f.Action, Policy: f.Policy,
		Warnings: f.Warnings, Lookthrough: f.Lookthrough}
	if r.Reason == "" {
		r.Reason = f.Reason
	}
	if r.Basis == nil {
		r.Basis = []Basis{}
	}
	if r.Evidence == nil {
		r.Evidence = []string{}
	}
	for _, side := range []Side{SideBuy, SideSell, SideHold} {
		d, why := a.Decision(side)
		r.Trades = append(r.Trades, TradeAnswer{Side: side, Decision: d, Reason: why})
	}
	return r, nil
}

// Decision is TradeDecision for the answer's finding, with the reason a
// query that was not identified gets review.
func (a *QueryAnswer) Decision(side Side) (decision, reason string) {
	d, why := TradeDecision(&a.Finding, side)
	if a.Reason != "" && a.Finding.Status == StatusReview && a.Finding.Entry == nil {
		why = unidentifiedWhy(a.Reason)
	}
	return d, why
}

func unidentifiedWhy(reason string) string {
	if reason == ReasonAmbiguous {
		return "ambiguous: the code is a different security on each market; give the exchange and check again"
	}
	return "not identified: the identifier fails its check, so it names no security for sure; correct it and check again"
}

// Query screens one pre-trade query as of at for an account of US-person
// status us. The query is cleaned first (issuers.CleanID: full-width forms,
// zero-width and control characters). An identifier that fails its check
// digit (reason not_identified) or a bare code with no exchange (reason
// ambiguous) is screened for what it may be, and its status is at least
// review: never clear, never a trade allowed (RULES.md: never clear what
// was not identified).
func (m *Matcher) Query(q, exchange string, at time.Time, us USPerson) (QueryAnswer, error) {
	q = issuers.CleanID(q)
	exchange = issuers.CleanID(exchange)
	h, kind, bad, err := queryHolding(q, exchange)
	if err != nil {
		return QueryAnswer{}, err
	}
	h.USPerson = us
	a := QueryAnswer{Kind: kind}
	a.Finding = m.Match(&h, at, Options{})
	switch {
	case kind == kindAmbiguous:
		a.Reason = ReasonAmbiguous
		a.Candidates = m.codeCandidates(q, at, us)
	case bad != nil:
		a.Reason = ReasonNotIdentified
		a.Candidates = m.fixedCandidates(kind, bad, at, us)
	}
	if a.Reason != "" && a.Finding.Status.Rank() > StatusReview.Rank() {
		// Nothing stricter matched what was typed: a person decides.
		f := &a.Finding
		f.Status = StatusReview
		f.Action = "Not identified: " + strings.TrimPrefix(strings.TrimPrefix(unidentifiedWhy(a.Reason), "not identified: "), "ambiguous: ")
		if len(a.Candidates) > 0 {
			f.Action += fmt.Sprintf(" (%d candidate(s) listed)", len(a.Candidates))
		}
	}
	return a, nil
}

// codeCandidates screens a bare code on each market whose codes are
// numbers, and keeps those where it names a known security or a listed
// entry.
func (m *Matcher) codeCandidates(code string, at time.Time, us USPerson) []Candidate {
	var out []Candidate
	seen := map[string]bool{}
	markets := []string{"XHKG", "XSHG", "XSHE", "BJSE", "XTAI", "XKRX", "JP"}
	if !isDigits(code) {
		markets = []string{"US", "CA", "XLON", "DE", "XSWX", "XPAR", "XAMS", "XASX", "XSES", "IN", "RU"}
	}
	for _, mkt := range markets {
		t, err := issuers.TickerOn(code, mkt)
		if err != nil || t.Key() == "" || seen[t.Key()] {
			continue
		}
		seen[t.Key()] = true
		h := Holding{File: "query", Line: 1, Ticker: code, Exchange: mkt, USPerson: us}
		f := m.Match(&h, at, Options{})
		if f.Entry == nil && f.Security.Issuer == "" {
			continue
		}
		out = append(out, Candidate{Query: t.Key(), Kind: "ticker " + t.Key(), Issuer: f.Security.Issuer,
			Status: f.Status, Entry: f.Entry, Evidence: f.Evidence})
	}
	return out
}

// fixedCandidates screens an identifier with the check digit its check
// asked for, in case only the check digit was mistyped.
func (m *Matcher) fixedCandidates(kind string, bad *issuers.IDError, at time.Time, us USPerson) []Candidate {
	if !errors.Is(bad, issuers.ErrCheckDigit) || bad.Want == 0 || bad.Value == "" {
		return nil
	}
	v := bad.Value[:len(bad.Value)-1] + string(bad.Want)
	h := Holding{File: "query", Line: 1, USPerson: us}
	switch kind {
	case "ISIN":
		h.ISIN = v
	case "CUSIP":
		h.CUSIP = v
	case "SEDOL":
		h.SEDOL = v
	case "FIGI":
		h.FIGI = v
	default:
		return nil
	}
	f := m.Match(&h, at, Options{})
	ev := append([]string{fmt.Sprintf("%s with the check digit %s asks for (if only the check digit was mistyped)", v, bad.Value)}, f.Evidence...)
	return []Candidate{{Query: v, Kind: kind, Issuer: f.Security.Issuer, Status: f.Status, Entry: f.Entry, Evidence: ev}}
}

const kindAmbiguous = "ambiguous code"

// QueryHolding turns a query into a one-row holding, saying what it took the
// query for.
func QueryHolding(q, exchange string) (Holding, string, error) {
	h, kind, _, err := queryHolding(q, exchange)
	return h, kind, err
}

// queryHolding is QueryHolding that also returns the check error of an
// identifier-shaped query that fails its check.
func queryHolding(q, exchange string) (Holding, string, *issuers.IDError, error) {
	h := Holding{File: "query", Line: 1}
	q = issuers.CleanID(q)
	if q == "" {
		return h, "", nil, Errorf(KindInvalid, "empty query")
	}
	if exchange = issuers.CleanID(exchange); exchange != "" {
		t, err := issuers.TickerOn(q, exchange)
		if err != nil {
			return h, "", nil, Errorf(KindInvalid, "%q on %q: %v", q, exchange, err)
		}
		h.Ticker, h.Exchange = q, exchange
		return h, "ticker " + t.Key(), nil, nil
	}
	u := strings.ToUpper(q)
	typ, err := issuers.Identify(u)
	var ie *issuers.IDError
	if typ == issuers.IDUnknown || err == nil || !errors.As(err, &ie) {
		ie = nil
	} else {
		h.Warnings = append(h.Warnings, err.Error()+": not identified (matched verbatim only, as a list may carry the same malformed identifier)")
	}
	switch typ {
	case issuers.IDISIN:
		h.ISIN = u
		return h, "ISIN", ie, nil
	case issuers.IDCUSIP:
		h.CUSIP = u
		return h, "CUSIP", ie, nil
	case issuers.IDSEDOL:
		h.SEDOL = u
		return h, "SEDOL", ie, nil
	case issuers.IDFIGI:
		h.FIGI = u
		return h, "FIGI", ie, nil
	case issuers.IDLEI:
		h.LEI = u
		return h, "LEI", ie, nil
	}
	if t, err := issuers.ParseTicker(q); err == nil && t.Key() != "" {
		h.Ticker = q
		return h, "ticker " + t.Key(), ie, nil
	}
	h.Name = q
	if isDigits(q) || bareLetterCode(q) {
		h.Warnings = append(h.Warnings, fmt.Sprintf("%q looks like an exchange code without a market: it is ambiguous (2357 is AviChina on HKEX and ASUSTeK on TWSE); give --exchange", q))
		return h, kindAmbiguous, ie, nil
	}
	return h, "name", ie, nil
}

// bareLetterCode reports whether q, as typed, is a ticker with no market:
// one to six capital letters, perhaps with a share class (CHL, BRK.B). A
// name in capitals is longer or has spaces; one typed in small letters is
// taken as a name.
func bareLetterCode(q string) bool {
	code, class, _ := strings.Cut(q, ".")
	if len(code) < 1 || len(code) > 6 || len(class) > 1 {
		return false
	}
	for i := 0; i < len(code); i++ {
		if code[i] < 'A' || code[i] > 'Z' {
			return false
		}
	}
	return class == "" || (class[0] >= 'A' && class[0] <= 'Z')
}

func isDigits(s string) bool {
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return s != ""
}
