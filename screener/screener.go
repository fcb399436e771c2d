// Package screener is the domain of the securities screener: listed entries
// (Entry, List), holdings (Holding), the matching engine (Screen) and the
// divestment report (Report).
//
// It does no I/O of its own. File formats live in screener/lists and
// screener/holdings, storage in screener/store, HTTP in web, reference data
// (identifiers, issuers, parents, names) in issuers. Everything here is a pure
// function of its inputs, so the CLI and the server give the same answers.
package screener

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/screener/screener/issuers"
	"github.com/shopspring/decimal"
)

// Date is a calendar date with no time zone, as OFAC prints its CMIC dates.
// The zero Date means "none" and encodes to JSON null.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// NewDate returns the date y-m-d.
func NewDate(y int, m time.Month, d int) Date { return Date{y, m, d} }

// DateOf returns the calendar date of t in t's location.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{y, m, d}
}

// ParseDate reads YYYY-MM-DD.
func ParseDate(s string) (Date, error) {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		return Date{}, fmt.Errorf("date %q: want YYYY-MM-DD", s)
	}
	return DateOf(t), nil
}

// IsZero reports whether d is the zero Date (no date).
func (d Date) IsZero() bool { return d.Year == 0 && d.Month == 0 && d.Day == 0 }

// Time returns midnight at the start of d in loc.
func (d Date) Time(loc *time.Location) time.Time {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, loc)
}

// AddDays returns d plus n calendar days.
func (d Date) AddDays(n int) Date { return DateOf(d.Time(time.UTC).AddDate(0, 0, n)) }

// Sub returns the number of calendar days from e to d (d - e).
func (d Date) Sub(e Date) int {
	return int(d.Time(time.UTC).Sub(e.Time(time.UTC)).Hours() / 24)
}

// Before reports whether d is before e.
func (d Date) Before(e Date) bool { return d.Sub(e) < 0 }

// String formats d as YYYY-MM-DD, or "" for the zero Date.
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	if d.Year < 0 || d.Year > 9999 || d.Month < 1 || d.Month > 12 || d.Day < 0 || d.Day > 99 {
		return fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day)
	}
	// Without fmt: a date is formatted for every finding and every check.
	var b [10]byte
	d.put(b[:])
	return string(b[:])
}

// put writes d, a date of years 0-9999, as YYYY-MM-DD into b[:10].
func (d Date) put(b []byte) {
	m := int(d.Month)
	_ = b[9]
	b[0], b[1], b[2], b[3] = byte('0'+d.Year/1000), byte('0'+d.Year/100%10), byte('0'+d.Year/10%10), byte('0'+d.Year%10)
	b[4], b[5], b[6], b[7] = '-', byte('0'+m/10), byte('0'+m%10), '-'
	b[8], b[9] = byte('0'+d.Day/10), byte('0'+d.Day%10)
}

// MarshalJSON encodes d as "YYYY-MM-DD", or null when d is zero.
func (d Date) MarshalJSON() ([]byte, error) { return d.AppendJSON(make([]byte, 0, 12)), nil }

// UnmarshalJSON reads "YYYY-MM-DD" or null.
func (d *Date) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*d = Date{}
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	if s == "" {
		*d = Date{}
		return nil
	}
	v, err := ParseDate(s)
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// Program codes with a meaning of their own in the engine.
const (
	// ProgramCMIC is OFAC's tag for the Non-SDN Chinese Military-Industrial
	// Complex Companies List (E.O. 13959 as amended by E.O. 14032).
	ProgramCMIC = "CMIC-EO13959"
)

// List names used by the readers. A firm's own list is "CUSTOM" unless the
// file names itself.
const (
	ListOFACConsolidated = "OFAC-CONSOLIDATED" // OFAC's non-SDN consolidated list
	ListOFACSDN          = "OFAC-SDN"          // OFAC's SDN list
	ListCSL              = "TRADE-GOV-CSL"     // trade.gov Consolidated Screening List
	ListCustom           = "CUSTOM"            // a firm's own restricted list
)

// Alias is another name of a listed entry.
type Alias struct {
	Name     string `json:"name"`
	Type     string `json:"type"`     // "aka", "fka" or "nka"
	Strength string `json:"strength"` // "strong" or "weak"
}

// Address is one address of a listed entry, as published.
type Address struct {
	Address string `json:"address,omitempty"`
	City    string `json:"city,omitempty"` // city, state/province and postal code as published
	Country string `json:"country,omitempty"`
}

// ID is an identifier published on an entry that has no field of its own
// (registry numbers, passport numbers, websites...).
type ID struct {
	Type    string `json:"type"`
	Value   string `json:"value"`
	Country string `json:"country,omitempty"`
}

// Entry is one listed entity (or person, vessel...) on a prohibited or
// restricted list, in one model for every format the readers take.
type Entry struct {
	List        string           `json:"list"`           // list name, e.g. OFAC-CONSOLIDATED
	ID          string           `json:"id"`             // OFAC ent_num; CSL _id; custom id
	Name        string           `json:"name"`           // primary name as published
	Type        string           `json:"type,omitempty"` // individual, entity, vessel, aircraft
	Programs    []string         `json:"programs"`       // e.g. CMIC-EO13959
	TargetType  string           `json:"target_type,omitempty"`
	Aliases     []Alias          `json:"aliases"`         // strong and weak a.k.a., f.k.a.
	ISINs       []string         `json:"isins"`           // verbatim, malformed ones kept
	Tickers     []issuers.Ticker `json:"tickers"`         // as printed plus normalised
	IssuerNames []string         `json:"issuer_names"`    // OFAC "Issuer Name" values
	USCCs       []string         `json:"usccs,omitempty"` // Unified Social Credit Codes
	LEIs        []string         `json:"leis,omitempty"`  // Legal Entity Identifiers
	OtherIDs    []ID             `json:"other_ids,omitempty"`
	LinkedTo    []string         `json:"linked_to"` // names of related listed entries
	Addresses   []Address        `json:"addresses,omitempty"`
	// The three CMIC dates, verbatim from the list (RULES.md T-1..T-3).
	ListingDate    Date   `json:"listing_date"`
	EffectiveDate  Date   `json:"effective_date"`
	DivestmentDate Date   `json:"divestment_date"`
	Reason         string `json:"reason,omitempty"`  // custom lists: why the firm restricts it
	Remarks        string `json:"remarks,omitempty"` // the remarks text, untouched
}

// HasProgram reports whether e carries program p.
func (e *Entry) HasProgram(p string) bool {
	for _, q := range e.Programs {
		if q == p {
			return true
		}
	}
	return false
}

// SourceFile is one file a list snapshot was read from.
type SourceFile struct {
	Path   string `json:"path"` // as given, or the base name for embedded data
	SHA256 string `json:"sha256"`
	Size   int64  `json:"size"`
}

// List is one snapshot of a published list: its entries and where they came
// from.
type List struct {
	Name     string       `json:"name"`
	Format   string       `json:"format"` // reader that produced it, e.g. ofac-csv
	AsOf     Date         `json:"as_of"`  // publication date where the file says it
	Sources  []SourceFile `json:"sources"`
	Entries  []Entry      `json:"entries"`
	Warnings []string     `json:"warnings,omitempty"` // data-quality notes (RULES.md T-9)
}

// SHA256 returns one digest naming the snapshot: the source file's digest when
// there is one file, otherwise the digests joined with "+".
func (l *List) SHA256() string {
	s := ""
	for i, f := range l.Sources {
		if i > 0 {
			s += "+"
		}
		s += f.SHA256
	}
	return s
}

// USPerson is an account's US-person status (RULES.md ). Unknown is
// treated as a US person.
type USPerson int

// US-person states.
const (
	USPersonUnknown USPerson = iota
	USPersonYes
	USPersonNo
)

// String returns the report spelling of u.
func (u USPerson) String() string {
	switch u {
	case USPersonYes:
		return "us_person"
	case USPersonNo:
		return "non_us_person"
	}
	return "unknown"
}

// IsUS reports whether the prohibitions apply (unknown fails closed).
func (u USPerson) IsUS() bool { return u != USPersonNo }

// Holding is one position row of a holdings file, with every identifier the
// reader found. Quantities and money are decimals; a zero value with the Has
// flag false means the file had none.
type Holding struct {
	File      string `json:"file"`
	Line      int    `json:"line"`
	Portfolio string `json:"portfolio,omitempty"` // portfolio, fund or account
	Name      string `json:"name,omitempty"`      // security name or description
	ISIN      string `json:"isin,omitempty"`
	CUSIP     string `json:"cusip,omitempty"`
	SEDOL     string `json:"sedol,omitempty"`
	FIGI      string `json:"figi,omitempty"`
	LEI       string `json:"lei,omitempty"`      // the issuer's LEI when the file has it
	Ticker    string `json:"ticker,omitempty"`   // as found, e.g. "941 HK", "0941.HK", "941"
	Exchange  string `json:"exchange,omitempty"` // exchange name or MIC as found
	// OtherIDs holds identifiers with no field of their own (IB conid,
	// Geneva InvestID that is neither ISIN nor ticker...).
	OtherIDs    []ID            `json:"other_ids,omitempty"`
	Quantity    decimal.Decimal `json:"quantity"`
	Price       decimal.Decimal `json:"price"`
	MarketValue decimal.Decimal `json:"market_value"`
	HasQuantity bool            `json:"-"`
	HasPrice    bool            `json:"-"`
	HasValue    bool            `json:"-"`
	Currency    string          `json:"currency,omitempty"`
	Weight      decimal.Decimal `json:"weight"` // percent of portfolio as printed
	HasWeight   bool            `json:"-"`
	AssetClass  string          `json:"asset_class,omitempty"`
	USPerson    USPerson        `json:"-"`
	// Warnings are problems that did not stop the row from being screened,
	// e.g. an ISIN with a bad check digit on a row that also has a name.
	Warnings []string `json:"warnings,omitempty"`
}

// Clone returns a copy of h that shares no slice with it. Readers reuse the
// Holding they pass to a Sink; a Sink that keeps rows keeps clones.
func (h *Holding) Clone() Holding {
	c := *h
	if h.Warnings != nil {
		c.Warnings = append([]string(nil), h.Warnings...)
	}
	if h.OtherIDs != nil {
		c.OtherIDs = append([]ID(nil), h.OtherIDs...)
	}
	return c
}

// NormalTicker returns h's ticker normalised with its exchange, if it has one.
func (h *Holding) NormalTicker() (issuers.Ticker, bool) {
	if h.Ticker == "" {
		return issuers.Ticker{}, false
	}
	var t issuers.Ticker
	var err error
	if h.Exchange != "" {
		t, err = issuers.TickerOn(h.Ticker, h.Exchange)
	} else {
		t, err = issuers.ParseTicker(h.Ticker)
	}
	if err != nil {
		return issuers.Ticker{}, false
	}
	return t, true
}
