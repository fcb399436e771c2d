package web

// Exposure a person can act on: market value by listed entity and currency,
// split into what is prohibited for US persons, what is not yet effective,
// what awaits review, what is information only and what was cleared, with
// non-US-person accounts apart. Currencies are never added together.

import (
	"sort"

	"github.com/screener/screener/screener"
	"github.com/screener/screener/screener/labels"
	"github.com/shopspring/decimal"
)

// Exposure buckets, in the order the pages show them.
const (
	bucketProhibited = iota // blocked, prohibited_locked, divest_only, prohibited_exposure (US persons)
	bucketPreEffective
	bucketReview
	bucketInfo // info, risk_flag
	bucketCleared
	bucketNonUS // a CMIC status on a non-US-person account
	nBuckets
)

// bucketNames head the exposure tables' columns.
var bucketNames = [nBuckets]string{"Prohibited (US persons)", "Not yet effective", "Needs review", "Info and risk flags", "Cleared", "Not a US person"}

// bucketHelp explains each column in one line.
var bucketHelp = [nBuckets]string{
	"Blocked, prohibited (hold only) and divest-only positions of US-person accounts, and funds holding CMIC securities: no purchases, and sales only as the rules allow.",
	"Listed, before the effective date: nothing is prohibited yet; firm policy usually stops new buys.",
	"Possible matches a compliance officer has not decided yet.",
	"A parent or affiliate is listed, or the entity is on a list that is not an investment ban.",
	"Possible matches a reviewer cleared.",
	"CMIC statuses on non-US-person accounts: the prohibitions do not apply (FAQs 863, 902).",
}

func bucketOf(f *screener.Finding) int {
	if labels.NotUSPerson(f) {
		return bucketNonUS
	}
	switch f.Status {
	case screener.StatusBlocked, screener.StatusProhibitedLocked, screener.StatusDivestOnly, screener.StatusProhibitedExposure:
		return bucketProhibited
	case screener.StatusPreEffective:
		return bucketPreEffective
	case screener.StatusReview:
		return bucketReview
	case screener.StatusInfo, screener.StatusRiskFlag:
		return bucketInfo
	case screener.StatusCleared:
		return bucketCleared
	}
	return -1
}

// cell is a count of positions and their market value.
type cell struct {
	N int
	V decimal.Decimal
}

func (c *cell) add(v decimal.Decimal) { c.N++; c.V = c.V.Add(v) }

// exposureRow is one listed entity in one currency, or one currency's total.
type exposureRow struct {
	ID, Name, List, Program string
	Currency                string
	Cells                   [nBuckets]cell
}

// Prohibited is the value that binds US persons, for sorting and charts.
func (r *exposureRow) Prohibited() decimal.Decimal { return r.Cells[bucketProhibited].V }

// exposure sums findings into rows by listed entity and currency, and
// totals by currency.
type exposure struct {
	Entities []exposureRow
	Totals   []exposureRow // one per currency, ID and Name empty
}

func (e exposure) Empty() bool { return len(e.Totals) == 0 }

type exposureAcc struct {
	ent map[[3]string]*exposureRow
	tot map[string]*exposureRow
}

func newExposureAcc() *exposureAcc {
	return &exposureAcc{ent: map[[3]string]*exposureRow{}, tot: map[string]*exposureRow{}}
}

func (a *exposureAcc) add(f *screener.Finding) {
	b := bucketOf(f)
	if b < 0 || f.Entry == nil {
		return
	}
	k := [3]string{f.Entry.List, f.Entry.ID, f.Currency}
	r := a.ent[k]
	if r == nil {
		r = &exposureRow{ID: f.Entry.ID, Name: f.Entry.Name, List: f.Entry.List, Program: f.Entry.Program, Currency: f.Currency}
		a.ent[k] = r
	}
	r.Cells[b].add(f.MarketValue)
	t := a.tot[f.Currency]
	if t == nil {
		t = &exposureRow{Currency: f.Currency}
		a.tot[f.Currency] = t
	}
	t.Cells[b].add(f.MarketValue)
}

// done sorts entities by prohibited value, then all value held, then name.
func (a *exposureAcc) done() exposure {
	var e exposure
	for _, r := range a.ent {
		e.Entities = append(e.Entities, *r)
	}
	for _, r := range a.tot {
		e.Totals = append(e.Totals, *r)
	}
	sort.Slice(e.Entities, func(i, j int) bool {
		x, y := &e.Entities[i], &e.Entities[j]
		if c := x.Prohibited().Cmp(y.Prohibited()); c != 0 {
			return c > 0
		}
		if x.Name != y.Name {
			return x.Name < y.Name
		}
		return x.Currency < y.Currency
	})
	sort.Slice(e.Totals, func(i, j int) bool { return e.Totals[i].Currency < e.Totals[j].Currency })
	return e
}

// exposureOf sums the findings of reports.
func exposureOf(reps ...*screener.Report) exposure {
	a := newExposureAcc()
	for _, r := range reps {
		for i := range r.Findings {
			a.add(&r.Findings[i])
		}
	}
	return a.done()
}
