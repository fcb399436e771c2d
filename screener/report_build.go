package screener

import (
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/shopspring/decimal"
)

// ReportBuilder accumulates findings and rejected rows into a Report as rows
// stream past: it keeps totals and the findings worth reporting, not the
// rows.
type ReportBuilder struct {
	r        Report
	sink     ReportSink
	err      error
	all      bool
	byPort   *accSet
	byEntry  *accSet
	byStatus *accSet
	viaFunds *fundAccs
	ccys     interner
	// entryKeys are the keys of the listed entities' totals, by the
	// EntryRef findings point to.
	entryKeys map[*EntryRef]entryKey
}

// NewReportBuilder starts a report as of at over lists.
func NewReportBuilder(lists []*List, at time.Time, opt Options) *ReportBuilder {
	b := &ReportBuilder{
		all:      opt.All,
		byPort:   newAccSet(),
		byEntry:  newAccSet(),
		byStatus: newAccSet(),
		viaFunds: newFundAccs(),
		ccys:     interner{},
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

// Stream sends the findings and rejected rows to sink as they come instead
// of keeping them in the report: memory stays flat however many rows pass.
// The caller closes the sink with Report's result.
func (b *ReportBuilder) Stream(sink ReportSink) { b.sink = sink }

// Err returns the first error the stream sink returned.
func (b *ReportBuilder) Err() error { return b.err }

// AddFile records a file the report covers.
func (b *ReportBuilder) AddFile(name string) { b.r.Files = append(b.r.Files, name) }

// AddFileLayout records what the reader made of a file: its columns, and
// the layout lines it skipped by reason.
func (b *ReportBuilder) AddFileLayout(name string, cols []FileColumn, skipped map[string]int) {
	if len(cols) > 0 {
		b.r.FileColumns = append(b.r.FileColumns, FileColumns{File: name, Columns: cols})
	}
	for k, n := range skipped {
		if b.r.Summary.Skipped == nil {
			b.r.Summary.Skipped = map[string]int{}
		}
		b.r.Summary.Skipped[k] += n
	}
}

// Add counts one screened position and keeps its finding unless it is clear
// (or keeps every finding when the report is --all).
func (b *ReportBuilder) Add(f Finding) { b.Take(&f) }

// Take is Add of a finding the builder may change and keep (a caller that
// has its own copy on the heap already, as the parallel screen's workers
// do, saves Add's copy: 17 MB of the 1M-row screen's 180 MB of
// allocation).
func (b *ReportBuilder) Take(f *Finding) {
	b.r.Summary.Rows++
	b.r.Summary.Screened++
	b.r.Summary.ByStatus[f.Status]++
	addTotal(b.byPort, b.ccys, f.Portfolio, f.Currency, f.MarketValue)
	addTotal(b.byStatus, b.ccys, string(f.Status), f.Currency, f.MarketValue)
	if f.Lookthrough != nil {
		// Rows of one security may share a Lookthrough: each gets its own
		// exposure value. Exposure through a fund counts apart from direct
		// holdings (Totals.ByEntryViaFunds).
		f.Lookthrough = exposureOf(f.Lookthrough, f.MarketValue, f.Currency)
		b.viaFunds.add(f)
	}
	if f.Entry != nil && f.Status != StatusClear && !viaFund(f) {
		addTotal(b.byEntry, b.ccys, b.entryKey(f.Entry), f.Currency, f.MarketValue)
	}
	if f.Status != StatusClear || b.all {
		if f.Basis == nil {
			f.Basis = []Basis{}
		}
		if f.Evidence == nil {
			f.Evidence = []string{}
		}
		if b.sink != nil {
			if err := b.sink.Finding(f); err != nil && b.err == nil {
				b.err = err
			}
			return
		}
		b.r.Findings = append(b.r.Findings, *f)
	}
}

// entryKey is the key of e's totals. The findings of rows of one
// security share their EntryRef (a parallel screen copies them from the
// first such row's finding), so the key is made once per EntryRef.
func (b *ReportBuilder) entryKey(e *EntryRef) string {
	if k, ok := b.entryKeys[e]; ok && k.ref == *e {
		return k.key
	}
	k := e.List + "/" + e.ID + " " + e.Name
	if b.entryKeys == nil {
		b.entryKeys = map[*EntryRef]entryKey{}
	}
	if len(b.entryKeys) < 4096 {
		b.entryKeys[e] = entryKey{ref: *e, key: k}
	}
	return k
}

type entryKey struct {
	ref EntryRef // what the key was made of (an EntryRef can be changed)
	key string
}

// Reject counts one row the reader could not use.
func (b *ReportBuilder) Reject(e ParseError) {
	b.r.Summary.Rows++
	b.r.Summary.Rejected++
	if b.sink != nil {
		if err := b.sink.Rejected(&e); err != nil && b.err == nil {
			b.err = err
		}
		return
	}
	b.r.Rejected = append(b.r.Rejected, e)
}

// acc sums market values exactly without an allocation per row: values
// whose coefficient fits 18 digits and whose scale is at most 9 decimals are
// added as integers of 1e-9; anything else goes through decimal.
type acc struct {
	key, ccy string
	n        int
	units    int64 // in 1e-9
	dec      decimal.Decimal
}

const accScale = 9

var pow10 = [...]int64{1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000, 1000000000}

func (a *acc) add(v decimal.Decimal) {
	a.n++
	if v.IsZero() {
		return
	}
	if e := v.Exponent(); e <= 0 && e >= -accScale && v.NumDigits() <= 18 {
		c := v.CoefficientInt64()
		m := pow10[accScale+int(e)]
		if c < (1<<62)/m && c > -(1<<62)/m {
			x := c * m
			if s := a.units + x; (x > 0 && s > a.units) || (x < 0 && s < a.units) {
				a.units = s
				return
			}
			// The running integer would overflow: move it into the
			// decimal sum (one big.Int addition per ~9e9 units) and
			// start again from this value.
			a.dec = a.dec.Add(decimal.New(a.units, -accScale))
			a.units = x
			return
		}
	}
	a.dec = a.dec.Add(v)
}

func (a *acc) total() Total {
	var v decimal.Decimal
	if a.dec.IsZero() {
		// The Add below with one allocation, and without the trailing
		// zeros of the integer form (the same value; a coefficient
		// that fits 15 digits is written without big.Int's String).
		u, exp := a.units, int32(-accScale)
		for exp < 0 && u%10 == 0 {
			u /= 10
			exp++
		}
		v = decimal.New(u, exp)
	} else {
		v = a.dec.Add(decimal.New(a.units, -accScale))
	}
	if v.IsZero() {
		v = decimal.Zero
	}
	return Total{Key: a.key, Currency: a.ccy, Positions: a.n, MarketValue: v}
}

// accSet holds one accumulator per key and currency: one map probe by key,
// then a short scan over that key's currencies. Holdings files list an
// account's positions together, so the last key's accumulators are tried
// first, without a probe.
type accSet struct {
	m    map[string][]*acc
	last []*acc
}

func newAccSet() *accSet { return &accSet{m: map[string][]*acc{}} }

// interner shares one copy of each currency code among a report's totals.
type interner map[string]string

func (ccys interner) intern(c string) string {
	if v, ok := ccys[c]; ok {
		return v
	}
	v := strings.Clone(c)
	if len(ccys) < 10000 {
		ccys[v] = v
	}
	return v
}

func addTotal(set *accSet, ccys interner, key, ccy string, v decimal.Decimal) {
	find(set, ccys, key, ccy).add(v)
}

// find returns the accumulator of key and ccy, making it if need be.
func find(set *accSet, ccys interner, key, ccy string) *acc {
	l := set.last
	if len(l) == 0 || l[0].key != key {
		l = set.m[key]
	}
	for _, a := range l {
		if a.ccy == ccy {
			set.last = l
			return a
		}
	}
	// Clone the key: it points into the reader's record, and a map key left
	// there keeps the whole record alive and cold in cache.
	if len(l) == 0 {
		key = strings.Clone(key)
	} else {
		key = l[0].key
	}
	a := &acc{key: key, ccy: ccys.intern(ccy)}
	l = append(l, a)
	set.m[key] = l
	set.last = l
	return a
}

func totals(set *accSet) []Total {
	out := make([]Total, 0, len(set.m))
	for _, l := range set.m {
		for _, a := range l {
			out = append(out, a.total())
		}
	}
	slices.SortFunc(out, func(a, b Total) int {
		if c := strings.Compare(a.Key, b.Key); c != 0 {
			return c
		}
		return strings.Compare(a.Currency, b.Currency)
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
	r.Totals = Totals{ByPortfolio: totals(b.byPort), ByEntry: totals(b.byEntry), ByStatus: totals(b.byStatus),
		ByEntryViaFunds: b.viaFunds.totals()}
	return &r
}

// Tally counts clear positions apart from a ReportBuilder: a worker of a
// parallel run adds the clear rows it screened here, and the builder takes
// the tally in with AddTally. Only clear positions go in a tally; every
// other finding goes through Add.
type Tally struct {
	n      int
	byPort *accSet
	clear  *accSet
	ccys   interner
	// The accumulators AddClear added to for the portfolio of its last
	// row, one pair per currency: rows of an account come one after
	// another, in a few currencies (accumulators are never dropped).
	cur []tallyPair
}

type tallyPair struct{ port, clear *acc }

// NewTally returns an empty tally.
func NewTally() *Tally {
	return &Tally{byPort: newAccSet(), clear: newAccSet(), ccys: interner{}}
}

// AddClear counts one clear position of portfolio worth units × 1e-9 in
// currency (the integer form the report sums in).
func (t *Tally) AddClear(portfolio, currency string, units int64) {
	t.n++
	if len(t.cur) > 0 && t.cur[0].port.key != portfolio {
		t.cur = t.cur[:0]
	}
	for i := range t.cur {
		if p := &t.cur[i]; p.port.ccy == currency {
			p.port.addUnits(units)
			p.clear.addUnits(units)
			return
		}
	}
	p := tallyPair{find(t.byPort, t.ccys, portfolio, currency), find(t.clear, t.ccys, string(StatusClear), currency)}
	t.cur = append(t.cur, p)
	p.port.addUnits(units)
	p.clear.addUnits(units)
}

// AddClearFinding counts a finding that came out clear.
func (t *Tally) AddClearFinding(f *Finding) {
	t.n++
	addTotal(t.byPort, t.ccys, f.Portfolio, f.Currency, f.MarketValue)
	addTotal(t.clear, t.ccys, string(StatusClear), f.Currency, f.MarketValue)
}

// AddClearHolding counts h as a clear position with no finding to report:
// what AddClearFinding does with the finding Match makes of it.
func (t *Tally) AddClearHolding(h *Holding) {
	t.n++
	addTotal(t.byPort, t.ccys, h.Portfolio, h.Currency, h.MarketValue)
	addTotal(t.clear, t.ccys, string(StatusClear), h.Currency, h.MarketValue)
}

// AddTally takes in the clear positions of t.
func (b *ReportBuilder) AddTally(t *Tally) {
	b.r.Summary.Rows += t.n
	b.r.Summary.Screened += t.n
	if t.n > 0 {
		b.r.Summary.ByStatus[StatusClear] += t.n
	}
	mergeAccs(b.byPort, b.ccys, t.byPort)
	mergeAccs(b.byStatus, b.ccys, t.clear)
}

func (a *acc) addUnits(x int64) {
	a.n++
	if x == 0 {
		return
	}
	if s := a.units + x; (x > 0 && s > a.units) || (x < 0 && s < a.units) {
		a.units = s
		return
	}
	a.dec = a.dec.Add(decimal.New(a.units, -accScale))
	a.units = x
}

// mergeAccs adds every accumulator of from into set.
func mergeAccs(set *accSet, ccys interner, from *accSet) {
	for _, l := range from.m {
		for _, o := range l {
			a := find(set, ccys, o.key, o.ccy)
			n := a.n
			a.addUnits(o.units)
			a.n = n + o.n
			if !o.dec.IsZero() {
				a.dec = a.dec.Add(o.dec)
			}
		}
	}
}
