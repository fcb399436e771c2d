// Package labels gives each status and match basis the words a person reads
// on screen: a short label and a one-line explanation, taken from the rule
// book (RULES.md). Raw codes stay in exports (JSON, CSV) and the API.
package labels

import (
	"strings"

	"github.com/screener/screener/screener"
)

// Label is what a person reads for a code.
type Label struct {
	Code    string // the raw code, e.g. prohibited_locked
	Name    string // short label, e.g. "Prohibited: hold only"
	Explain string // one line from the rule book, with its reference
}

var statuses = map[screener.Status]Label{
	screener.StatusBlocked: {Name: "Blocked (SDN)",
		Explain: "Blocked property under an SDN programme: no dealing of any kind; hold frozen and report."},
	screener.StatusProhibitedLocked: {Name: "Prohibited: hold only",
		Explain: "After the divestment date a US person may keep holding but may not buy or sell without an OFAC licence (FAQ 1046, RULES T-4)."},
	screener.StatusDivestOnly: {Name: "Divest only",
		Explain: "In the 365-day divestment window: no purchases; sales only to divest, before 12:01 a.m. ET on the divestment date (RULES T-3)."},
	screener.StatusProhibitedExposure: {Name: "Prohibited: fund holds CMIC",
		Explain: "A fund whose holdings include a CMIC security, at any weight: a US person may not buy or sell it (FAQ 861, RULES R-3.4, F-2)."},
	screener.StatusPreEffective: {Name: "Listed, not yet effective",
		Explain: "Listed, before the effective date (listing + 60 days): nothing is prohibited yet; firm policy usually stops new buys (RULES T-2, T-6)."},
	screener.StatusReview: {Name: "Needs review",
		Explain: "A possible match (similar name, listed guarantor, unclear instrument): a compliance officer confirms or clears it (RULES M-6)."},
	screener.StatusRiskFlag: {Name: "Risk flag (other list)",
		Explain: "On a list that is not an investment ban (1260H, Entity List…): firm policy decides (RULES §7)."},
	screener.StatusInfo: {Name: "Info: relative listed",
		Explain: "A parent or affiliate is listed, the issuer itself is not: not covered by the ban (FAQ 857, RULES M-7)."},
	screener.StatusCleared: {Name: "Cleared by a reviewer",
		Explain: "A compliance officer decided the possible match is not the listed entity."},
	screener.StatusClear: {Name: "Clear",
		Explain: "No listed entity matched."},
}

var bases = map[screener.Basis]Label{
	screener.BasisISINListed: {Name: "ISIN on the list",
		Explain: "The security's ISIN is printed in the list entry (RULES M-2 step 1)."},
	screener.BasisTickerListed: {Name: "Ticker on the list",
		Explain: "The ticker and market match an equity ticker of the entry (RULES M-2 step 2)."},
	screener.BasisIssuerID: {Name: "Issuer identifier",
		Explain: "The issuer's LEI or registry number equals one in the entry (RULES M-2 step 3)."},
	screener.BasisIssuerNameExact: {Name: "Issuer's name",
		Explain: "The issuer's legal name, normalised, equals the entry's name (RULES M-2 step 4, M-5)."},
	screener.BasisIssuerAlias: {Name: "Issuer's alias",
		Explain: "The issuer's name equals an alias (a.k.a., f.k.a.) of the entry (RULES M-2 step 4)."},
	screener.BasisDRUnderlying: {Name: "Depositary receipt",
		Explain: "An ADR or GDR over the listed issuer's shares (RULES I-2, M-2 step 5)."},
	screener.BasisFundLookthrough: {Name: "Through a fund's holdings",
		Explain: "The fund's registered holdings, looked through fund by fund, reach the listed entry (RULES M-2 step 7, F-1)."},
	screener.BasisNameSimilar: {Name: "Similar name",
		Explain: "Close to a listed name but not equal: never prohibits on its own; a person decides (RULES M-6)."},
	screener.BasisGuarantorListed: {Name: "Listed guarantor",
		Explain: "Issued by an unlisted entity and guaranteed by a listed one: OFAC has not said; review (RULES I-4)."},
	screener.BasisParentListed: {Name: "Listed parent",
		Explain: "The issuer's parent is listed, the issuer is not: information only, no roll-down (RULES M-7)."},
	screener.BasisLinkedTo: {Name: "Linked entity",
		Explain: "The issuer is named in another entry's Linked To field (RULES M-3)."},
	screener.BasisOtherList: {Name: "Other list",
		Explain: "On another China list (1260H, Entity List…): not an investment ban (RULES §7)."},
}

// NonUS is the label of a CMIC status on a non-US-person account.
var NonUS = Label{Code: "non_us_person", Name: "Not a US person: not prohibited",
	Explain: "The CMIC prohibitions bind US persons only; this account is not one, so buying, selling and holding are allowed (FAQs 863, 902; RULES R-2.4)."}

// Status returns the label of s; an unknown status is labelled by its code.
func Status(s screener.Status) Label {
	l, ok := statuses[s]
	if !ok {
		l = Label{Name: humanise(string(s)), Explain: "Status " + string(s) + "."}
	}
	l.Code = string(s)
	return l
}

// Basis returns the label of b; an unknown basis is labelled by its code.
func Basis(b screener.Basis) Label {
	l, ok := bases[b]
	if !ok {
		l = Label{Name: humanise(string(b)), Explain: "Match basis " + string(b) + "."}
	}
	l.Code = string(b)
	return l
}

// Statuses returns the labels of every status, strictest first.
func Statuses() []Label {
	out := make([]Label, len(screener.Statuses))
	for i, s := range screener.Statuses {
		out[i] = Status(s)
	}
	return out
}

// Bases returns the labels of every basis, strongest first.
func Bases() []Label {
	out := make([]Label, len(screener.Bases))
	for i, b := range screener.Bases {
		out[i] = Basis(b)
	}
	return out
}

// NotUSPerson reports whether a finding is a CMIC status on a non-US-person
// account: what a US person may not do, this account may.
func NotUSPerson(f *screener.Finding) bool {
	if f.USPerson != screener.USPersonNo.String() {
		return false
	}
	switch f.Status {
	case screener.StatusPreEffective, screener.StatusDivestOnly, screener.StatusProhibitedLocked, screener.StatusProhibitedExposure:
		return true
	}
	return false
}

func humanise(code string) string {
	s := strings.ReplaceAll(code, "_", " ")
	if s == "" {
		return "(none)"
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
