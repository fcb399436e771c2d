package screener

import (
	"sort"
	"time"

	"github.com/shopspring/decimal"
)

// ReportBuilder accumulates findings and rejected rows into a Report as rows
// stream past: it keeps totals and the findings worth reporting, not the
// rows.
type ReportBuilder struct {
	r        Report
	all      bool
	byPort   map[[2]string]*Total
	byEntry  map[[2]string]*Total
	byStatus map[[2]string]*Total
}

// NewReportBuilder starts a report as of at over lists.
func NewReportBuilder(lists []*List, at time.Time, opt Options) *ReportBuilder {
	b := &ReportBuilder{
		all:      opt.All,
		byPort:   map[[2]string]*Total{},
		byEntry:  map[[2]string]*Total{},
		byStatus: map[[2]string]*Total{},
	}
	b.r.Schema = ReportSchema
	b.r.AsOf = at.Format(time.RFC3339)
	b.r.Summary.ByStatus = map[Status]int{}
	b.r.Findings = []Finding{}
	b.r.Rejected = []ParseError{}
	b.r.Files = []string{}
	for _, l := range lists {
		b.r.Lists = append(b.r.Lists, ListInfo{Name: l.Name, AsOf: l.AsOf, SHA256: l.SHA256(), Entries: len(l.Entries)})
	}
	return b
}

// AddFile records a file the report covers.
func (b *ReportBuilder) AddFile(name string) { b.r.Files = append(b.r.Files, name) }

// Add counts one screened position and keeps its finding unless it is clear
// (or keeps every finding when the report is --all).
func (b *ReportBuilder) Add(f Finding) {
	b.r.Summary.Rows++
	b.r.Summary.Screened++
	b.r.Summary.ByStatus[f.Status]++
	addTotal(b.byPort, f.Portfolio, f.Currency, f.MarketValue)
	addTotal(b.byStatus, string(f.Status), f.Currency, f.MarketValue)
	if f.Entry != nil && f.Status != StatusClear {
		addTotal(b.byEntry, f.Entry.List+"/"+f.Entry.ID+" "+f.Entry.Name, f.Currency, f.MarketValue)
	}
	if f.Status != StatusClear || b.all {
		if f.Basis == nil {
			f.Basis = []Basis{}
		}
		if f.Evidence == nil {
			f.Evidence = []string{}
		}
		b.r.Findings = append(b.r.Findings, f)
	}
}

// Reject counts one row the reader could not use.
func (b *ReportBuilder) Reject(e ParseError) {
	b.r.Summary.Rows++
	b.r.Summary.Rejected++
	b.r.Rejected = append(b.r.Rejected, e)
}

func addTotal(m map[[2]string]*Total, key, ccy string, v decimal.Decimal) {
	k := [2]string{key, ccy}
	t, ok := m[k]
	if !ok {
		t = &Total{Key: key, Currency: ccy}
		m[k] = t
	}
	t.Positions++
	t.MarketValue = t.MarketValue.Add(v)
}

func totals(m map[[2]string]*Total) []Total {
	out := make([]Total, 0, len(m))
	for _, t := range m {
		out = append(out, *t)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Key != out[j].Key {
			return out[i].Key < out[j].Key
		}
		return out[i].Currency < out[j].Currency
	})
	return out
}

// Report returns the finished report, in a deterministic order: findings
// and rejected rows by file and line, totals by key and currency.
func (b *ReportBuilder) Report() *Report {
	r := b.r
	sort.SliceStable(r.Findings, func(i, j int) bool {
		if r.Findings[i].File != r.Findings[j].File {
			return r.Findings[i].File < r.Findings[j].File
		}
		return r.Findings[i].Line < r.Findings[j].Line
	})
	sort.SliceStable(r.Rejected, func(i, j int) bool {
		if r.Rejected[i].File != r.Rejected[j].File {
			return r.Rejected[i].File < r.Rejected[j].File
		}
		return r.Rejected[i].Line < r.Rejected[j].Line
	})
	r.Totals = Totals{ByPortfolio: totals(b.byPort), ByEntry: totals(b.byEntry), ByStatus: totals(b.byStatus)}
	return &r
}
