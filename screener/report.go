package screener

import (
	"github.com/shopspring/decimal"
)

// Status is the state of a finding as of the report's instant (RULES.md §2.1
// and PRODUCT.md "Status of a finding").
type Status string

// Statuses, from the strictest down. Order matters: Rank compares them.
const (
	StatusBlocked          Status = "blocked"           // SDN programs: blocked property
	StatusProhibitedLocked Status = "prohibited_locked" // CMIC, after the divestment date
	StatusDivestOnly       Status = "divest_only"       // CMIC, in the divestment window
	StatusPreEffective     Status = "pre_effective"     // CMIC, listed, not yet effective
	StatusReview           Status = "review"            // possible match: a person decides
	StatusRiskFlag         Status = "risk_flag"         // other lists: firm policy
	StatusInfo             Status = "info"              // parent or affiliate listed
	StatusCleared          Status = "cleared"           // a reviewer cleared it
	StatusClear            Status = "clear"             // nothing matched
)

// StatusProhibitedExposure is a fund (ETF, index or mutual fund) whose
// look-through holds a CMIC security, at any weight (RULES.md F-2).
const StatusProhibitedExposure Status = "prohibited_exposure"

// Statuses lists every status, strictest first.
var Statuses = []Status{StatusBlocked, StatusProhibitedLocked, StatusDivestOnly, StatusProhibitedExposure, StatusPreEffective,
	StatusReview, StatusRiskFlag, StatusInfo, StatusCleared, StatusClear}

// Rank returns s's position in Statuses (0 = strictest); unknown statuses
// rank last.
func (s Status) Rank() int {
	for i, t := range Statuses {
		if t == s {
			return i
		}
	}
	return len(Statuses)
}

// Basis is how a holding reached a listed entry (RULES.md M-3).
type Basis string

// Bases, strongest first. Only the first seven can make a position
// prohibited; fund_lookthrough only through a fund's constituents.
const (
	BasisISINListed      Basis = "isin_listed"
	BasisTickerListed    Basis = "ticker_listed"
	BasisIssuerID        Basis = "issuer_id"
	BasisIssuerNameExact Basis = "issuer_name_exact"
	BasisIssuerAlias     Basis = "issuer_alias"
	BasisDRUnderlying    Basis = "dr_underlying"
	BasisFundLookthrough Basis = "fund_lookthrough" // a fund's holdings reach the entry (RULES.md F-2)
	BasisNameSimilar     Basis = "name_similar"
	BasisGuarantorListed Basis = "guarantor_listed"
	BasisParentListed    Basis = "parent_listed"
	BasisLinkedTo        Basis = "linked_to"
	BasisOtherList       Basis = "other_list"
)

// Bases lists every basis, strongest first.
var Bases = []Basis{BasisISINListed, BasisTickerListed, BasisIssuerID, BasisIssuerNameExact,
	BasisIssuerAlias, BasisDRUnderlying, BasisFundLookthrough, BasisNameSimilar, BasisGuarantorListed, BasisParentListed,
	BasisLinkedTo, BasisOtherList}

// Rank returns b's position in Bases (0 = strongest).
func (b Basis) Rank() int {
	for i, t := range Bases {
		if t == b {
			return i
		}
	}
	return len(Bases)
}

// CanProhibit reports whether b may produce a prohibition (RULES.md M-3).
func (b Basis) CanProhibit() bool { return b.Rank() <= BasisFundLookthrough.Rank() }

// EntryRef names a listed entry in a finding.
type EntryRef struct {
	ID      string `json:"id"`
	Name    string `json:"name"`
	Program string `json:"program"`
	List    string `json:"list"`
}

// Security is what the report says of a holding's security: the identifiers
// as found in the file.
type Security struct {
	Name     string `json:"name"`
	ISIN     string `json:"isin,omitempty"`
	CUSIP    string `json:"cusip,omitempty"`
	SEDOL    string `json:"sedol,omitempty"`
	FIGI     string `json:"figi,omitempty"`
	Ticker   string `json:"ticker,omitempty"`
	Exchange string `json:"exchange,omitempty"`
	Issuer   string `json:"issuer,omitempty"` // resolved issuer, when the directory knows it
}

// Decision is a reviewer's word on a finding (confirm or clear).
type Decision struct {
	Outcome  string `json:"outcome"` // "confirmed" or "cleared"
	Reviewer string `json:"reviewer"`
	At       string `json:"at"` // RFC 3339
	Reason   string `json:"reason"`
}

// Finding is the screener's answer for one position: its status, the listed
// entry it reached, how, and what to do.
type Finding struct {
	File           string          `json:"file"`
	Line           int             `json:"line"`
	Portfolio      string          `json:"portfolio"`
	USPerson       string          `json:"us_person"`
	Security       Security        `json:"security"`
	Quantity       decimal.Decimal `json:"quantity"`
	MarketValue    decimal.Decimal `json:"market_value"`
	Currency       string          `json:"currency"`
	Status         Status          `json:"status"`
	LegalStatus    Status          `json:"legal_status,omitempty"` // before a reviewer's decision or firm policy
	Basis          []Basis         `json:"basis"`
	Entry          *EntryRef       `json:"entry"`
	Evidence       []string        `json:"evidence"`
	ListingDate    Date            `json:"listing_date"`
	EffectiveDate  Date            `json:"effective_date"`
	DivestmentDate Date            `json:"divestment_date"`
	DaysLeft       *int            `json:"days_left"`
	Action         string          `json:"action"`
	Policy         string          `json:"policy,omitempty"` // firm-policy result, kept apart from the legal one
	Decision       *Decision       `json:"decision,omitempty"`
	Warnings       []string        `json:"warnings,omitempty"`
	// Reason is a machine-readable reason code where the status needs one
	// (lookthrough_unavailable, lookthrough_stale, lookthrough_review).
	Reason string `json:"reason,omitempty"`
	// Lookthrough is what a fund position's holdings showed (RULES.md §5.2).
	Lookthrough *Lookthrough `json:"lookthrough,omitempty"`
	// Key identifies the security for reviewer decisions: the strongest
	// identifier found (ISIN, then ticker key, then normalised name).
	Key string `json:"key"`

	shared *sharedJSON // see ShareJSON
}

// ListInfo names a list snapshot a report used.
type ListInfo struct {
	Name    string `json:"name"`
	AsOf    Date   `json:"as_of"`
	SHA256  string `json:"sha256"`
	Entries int    `json:"entries"`
}

// Total is a sum of market values in one currency, with a count of positions.
type Total struct {
	Key         string          `json:"key"` // portfolio, entry id or status
	Currency    string          `json:"currency"`
	Positions   int             `json:"positions"`
	MarketValue decimal.Decimal `json:"market_value"`
}

// Summary counts rows and findings.
type Summary struct {
	Rows     int            `json:"rows"`
	Screened int            `json:"screened"`
	Rejected int            `json:"rejected"`
	ByStatus map[Status]int `json:"by_status"`
	// Skipped counts the layout lines of the files that are not data rows
	// (titles, repeated headers, totals, continuation rows), by reason;
	// they are in neither Screened nor Rejected.
	Skipped map[string]int `json:"skipped,omitempty"`
}

// FileColumn says what a reader made of one column of a file: the field it
// filled (Field, "" when the column was ignored) and what told it (By:
// "header", "header words", "values (...)").
type FileColumn struct {
	Column int    `json:"column"` // 1-based
	Header string `json:"header"`
	Field  string `json:"field,omitempty"`
	By     string `json:"by,omitempty"`
}

// FileColumns lists the columns of one file as they were used.
type FileColumns struct {
	File    string       `json:"file"`
	Columns []FileColumn `json:"columns"`
}

// Totals are the report's sums, never adding two currencies.
type Totals struct {
	ByPortfolio []Total `json:"by_portfolio"`
	ByEntry     []Total `json:"by_entry"`
	ByStatus    []Total `json:"by_status"`
	// ByEntryViaFunds is the exposure reached through funds' holdings, by
	// listed entity, kept apart from ByEntry (direct holdings) so nothing
	// counts twice.
	ByEntryViaFunds []FundExposure `json:"by_entry_via_funds,omitempty"`
}

// ReportSchema is the JSON schema name of Report (documented in README.md).
const ReportSchema = "screener.report/v1"

// Report is a divestment report: schema screener.report/v1.
type Report struct {
	Schema string     `json:"schema"`
	AsOf   string     `json:"as_of"` // RFC 3339 instant
	Lists  []ListInfo `json:"lists"`
	Files  []string   `json:"files"`
	// FileColumns says, per tabular file, which columns were used as what
	// and which were ignored.
	FileColumns []FileColumns `json:"file_columns,omitempty"`
	Summary     Summary       `json:"summary"`
	Totals      Totals        `json:"totals"`
	Findings    []Finding     `json:"findings"`
	Rejected    []ParseError  `json:"rejected"`
}
