package screener

import (
	"sort"
	"time"

	"github.com/shopspring/decimal"
)

// Reason codes of fund look-through findings (RULES.md F-3).
const (
	ReasonLookthroughUnavailable = "lookthrough_unavailable" // no holdings on or before the as-of date, or an unregistered fund
	ReasonLookthroughStale       = "lookthrough_stale"       // the latest holdings are older than the limit
	ReasonLookthroughReview      = "lookthrough_review"      // only possible matches among the constituents
)

// Lookthrough is what a fund position's holdings showed: the path from the
// fund down to the constituent that decided its status, the date of the
// holdings used, the exposure, and the constituents that are not clear.
type Lookthrough struct {
	// Fund names the registered fund ("" when the fund is not registered).
	Fund string `json:"fund,omitempty"`
	// Path is the chain of security keys from the position's fund down to
	// the deciding constituent, e.g. ["ISIN:XS…", "ISIN:US4642872349",
	// "TICKER:XSHG:600941"].
	Path []string `json:"path"`
	// HoldingsAsOf is the date of the fund's holdings set used (F-1).
	HoldingsAsOf Date `json:"holdings_as_of"`
	// Source is the holdings file: name and SHA-256.
	Source string `json:"source,omitempty"`
	// ExposureWeight is the percent of the fund held in the constituents
	// that decided its status, through every level; nil when a file on the
	// way gives no weights.
	ExposureWeight *decimal.Decimal `json:"exposure_weight"`
	// ExposureValue is the position's market value times ExposureWeight;
	// nil when the weight is unknown.
	ExposureValue *decimal.Decimal `json:"exposure_value"`
	Currency      string           `json:"currency,omitempty"`
	// Constituents are the constituents that are not clear, each with its
	// own status, entry and evidence, at every level.
	Constituents []Constituent `json:"constituents"`
	// Omitted counts constituents not listed (the list is capped).
	Omitted int `json:"omitted,omitempty"`
}

// Constituent is one non-clear holding found by looking through a fund.
type Constituent struct {
	Path     []string  `json:"path"` // from the position's fund down to this one
	Security Security  `json:"security"`
	Status   Status    `json:"status"`
	Reason   string    `json:"reason,omitempty"`
	Basis    []Basis   `json:"basis"`
	Entry    *EntryRef `json:"entry"`
	Evidence []string  `json:"evidence"`
	// Weight is the constituent's percent of the position's fund, through
	// every level; nil when a file on the way gives no weights.
	Weight       *decimal.Decimal `json:"weight"`
	HoldingsAsOf Date             `json:"holdings_as_of"` // of the fund that holds it
}

// FundExposure is a report total of exposure reached through funds: one
// listed entity, one currency.
type FundExposure struct {
	Key       string `json:"key"` // list/entry id and name
	Currency  string `json:"currency"`
	Positions int    `json:"positions"` // fund positions reaching the entity
	// Value sums position value × the entity's weight in the fund, over
	// positions whose files give weights; Unweighted counts the others.
	Value decimal.Decimal `json:"value"`
	// Weight is Value as a percent of the value of the fund positions
	// that reach the entity.
	Weight     decimal.Decimal `json:"weight"`
	Unweighted int             `json:"unweighted,omitempty"`
}

// FundLookThrough looks through fund positions (RULES.md §5.2). When a
// Matcher has one (SetFunds), Match passes it every finding it made: it
// returns the finding unchanged for a position that is not a fund, and the
// fund's own finding otherwise. MatchDirect screens a constituent without
// coming back here, so the look-through controls its own recursion.
type FundLookThrough interface {
	LookThrough(m *Matcher, h *Holding, direct Finding, at time.Time, opt Options) Finding
}

// identityOnly is implemented by a FundLookThrough whose answer for a
// holding that is not a registered fund depends only on what
// Matcher.ClearKey keys (identifiers, ticker as normalised, other
// identifiers, name, asset class), and reports whether it does.
type identityOnly interface{ IdentityOnly() bool }

// SetFunds makes Match look through fund positions with lt (nil: no
// look-through). Call it before screening starts.
func (m *Matcher) SetFunds(lt FundLookThrough) { m.funds = lt }

// Funds returns the look-through SetFunds gave, or nil.
func (m *Matcher) Funds() FundLookThrough { return m.funds }

// funds is the look-through of a Match call: the run's, else the matcher's.
func (o *Options) funds(m *Matcher) FundLookThrough {
	if o.Funds != nil {
		return o.Funds
	}
	return m.funds
}

// IsCMICStatus reports whether s is one of the CMIC states of a listed
// security (pre_effective, divest_only, prohibited_locked).
func IsCMICStatus(s Status) bool { return isCMICStatus(s) }

// exposureOf returns a copy of lt with the exposure value of a position
// worth mv: the finding of a repeated row may share its Lookthrough.
func exposureOf(lt *Lookthrough, mv decimal.Decimal, ccy string) *Lookthrough {
	c := *lt
	c.ExposureValue = nil
	if c.ExposureWeight != nil {
		v := mv.Mul(*c.ExposureWeight).Div(decimal.NewFromInt(100)).Round(2)
		c.ExposureValue = &v
	}
	c.Currency = ccy
	return &c
}

// viaFund reports whether f's entry was reached through a fund's holdings
// rather than by the security itself.
func viaFund(f *Finding) bool {
	for _, b := range f.Basis {
		if b == BasisFundLookthrough {
			return true
		}
	}
	return false
}

// fundAccs sums exposure through funds by listed entity and currency.
type fundAccs struct {
	m     map[[2]string]*fundAcc
	order [][2]string
}

type fundAcc struct {
	n, unweighted int
	value, base   decimal.Decimal
}

func newFundAccs() *fundAccs { return &fundAccs{m: map[[2]string]*fundAcc{}} }

// add counts the CMIC constituents of one fund finding, once per entity.
func (a *fundAccs) add(f *Finding) {
	lt := f.Lookthrough
	// weight per entity: constituents of one entity add up.
	type ew struct {
		w       decimal.Decimal
		unknown bool
	}
	ws := map[string]*ew{}
	var keys []string
	for i := range lt.Constituents {
		c := &lt.Constituents[i]
		if c.Entry == nil || !isCMICStatus(c.Status) {
			continue
		}
		k := c.Entry.List + "/" + c.Entry.ID + " " + c.Entry.Name
		e, ok := ws[k]
		if !ok {
			e = &ew{}
			ws[k] = e
			keys = append(keys, k)
		}
		if c.Weight == nil {
			e.unknown = true
		} else {
			e.w = e.w.Add(*c.Weight)
		}
	}
	for _, k := range keys {
		key := [2]string{k, f.Currency}
		x, ok := a.m[key]
		if !ok {
			x = &fundAcc{}
			a.m[key] = x
			a.order = append(a.order, key)
		}
		x.n++
		e := ws[k]
		if e.unknown {
			x.unweighted++
			continue
		}
		x.value = x.value.Add(f.MarketValue.Mul(e.w).Div(decimal.NewFromInt(100)))
		x.base = x.base.Add(f.MarketValue)
	}
}

func (a *fundAccs) totals() []FundExposure {
	if len(a.order) == 0 {
		return nil
	}
	out := make([]FundExposure, 0, len(a.order))
	for _, k := range a.order {
		x := a.m[k]
		t := FundExposure{Key: k[0], Currency: k[1], Positions: x.n, Value: x.value.Round(2), Unweighted: x.unweighted}
		if !x.base.IsZero() {
			t.Weight = x.value.Mul(decimal.NewFromInt(100)).Div(x.base).Round(4)
		}
		out = append(out, t)
	}
	sortFundExposure(out)
	return out
}

func sortFundExposure(out []FundExposure) {
	sort.Slice(out, func(i, j int) bool {
		if out[i].Key != out[j].Key {
			return out[i].Key < out[j].Key
		}
		return out[i].Currency < out[j].Currency
	})
}
