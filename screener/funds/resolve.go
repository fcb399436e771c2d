package funds

import (
	"fmt"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/screener/screener/issuers"
	"github.com/screener/screener/screener"
	"github.com/shopspring/decimal"
)

// Loader returns the holdings of the set numbered seq.
type Loader func(seq uint64) ([]screener.Holding, error)

// Options tune a Resolver. The zero value is the default.
type Options struct {
	// MaxAge is the age in days beyond which a holdings set is stale
	// (F-3); 0 means DefaultMaxAge.
	MaxAge int
	// MaxDepth is how many funds deep the look-through goes; 0 means
	// DefaultMaxDepth.
	MaxDepth int
	// MaxConstituents caps the constituents listed on one finding; 0 means
	// DefaultMaxConstituents. The status counts them all.
	MaxConstituents int
	// NoRegistry says no registry was given (no --db): the evidence of an
	// unregistered fund says so.
	NoRegistry bool
}

// Defaults of Options.
const (
	DefaultMaxAge          = 35
	DefaultMaxDepth        = 8
	DefaultMaxConstituents = 200
)

// Resolver is the fund look-through: a screener.FundLookThrough over a set
// of registered funds. Results are memoised per (holdings set, as-of), so a
// fund held in many accounts is looked through once. It is safe for
// concurrent use.
type Resolver struct {
	funds []Fund
	index map[string]int // IndexKeys → funds index
	tick  bool           // some fund is registered under a ticker
	load  Loader
	opt   Options

	mu       sync.Mutex
	memo     map[memoKey]*result
	holdings map[uint64][]screener.Holding
}

type memoKey struct {
	seq uint64
	at  int64
}

const maxMemo = 100000

// New returns a look-through over funds; load reads a set's holdings.
func New(funds []Fund, load Loader, opt Options) *Resolver {
	if opt.MaxAge <= 0 {
		opt.MaxAge = DefaultMaxAge
	}
	if opt.MaxDepth <= 0 {
		opt.MaxDepth = DefaultMaxDepth
	}
	if opt.MaxConstituents <= 0 {
		opt.MaxConstituents = DefaultMaxConstituents
	}
	r := &Resolver{funds: funds, index: map[string]int{}, load: load, opt: opt,
		memo: map[memoKey]*result{}, holdings: map[uint64][]screener.Holding{}}
	for i := range r.funds {
		r.funds[i].SortSets()
		for _, id := range r.funds[i].IDs {
			r.tick = r.tick || id.Type == IDTicker
			for _, k := range IndexKeys(id) {
				if _, ok := r.index[k]; !ok {
					r.index[k] = i
				}
			}
		}
	}
	return r
}

// Funds returns the registered funds.
func (r *Resolver) Funds() []Fund { return r.funds }

// IdentityOnly reports that LookThrough reads of a holding only what
// screener.Matcher.ClearKey keys: Lookup its identifiers (the ticker as
// NormalTicker gives it, or as written when that fails) and FundLike its
// name and asset class; the rest (position, US person) only once a
// registered fund is found, whose outcome follows from the identifiers.
func (r *Resolver) IdentityOnly() bool { return true }

// Lookup returns the registered fund h is a position in, and the
// identifier that matched.
func (r *Resolver) Lookup(h *screener.Holding) (*Fund, string, bool) {
	if len(r.index) == 0 {
		return nil, "", false
	}
	try := func(typ, v string) (*Fund, string, bool) {
		if v == "" {
			return nil, "", false
		}
		k := typ + ":" + strings.ToUpper(strings.TrimSpace(v))
		if i, ok := r.index[k]; ok {
			return &r.funds[i], k, true
		}
		return nil, "", false
	}
	if f, k, ok := try(IDISIN, h.ISIN); ok {
		return f, k, ok
	}
	if f, k, ok := try(IDCUSIP, h.CUSIP); ok {
		return f, k, ok
	}
	if h.Ticker != "" && r.tick {
		if t, ok := h.NormalTicker(); ok {
			if f, k, ok := try(IDTicker, t.Key()); ok {
				return f, k, ok
			}
			if f, k, ok := try(IDTicker, t.Code); ok {
				return f, k, ok
			}
		} else if t, err := issuers.ParseTicker(h.Ticker); err == nil {
			if f, k, ok := try(IDTicker, t.Code); ok {
				return f, k, ok
			}
		}
	}
	if f, k, ok := try(IDLEI, h.LEI); ok {
		return f, k, ok
	}
	for _, o := range h.OtherIDs {
		if strings.Contains(strings.ToUpper(o.Type), "SERIES") {
			if f, k, ok := try(IDSeries, o.Value); ok {
				return f, k, ok
			}
		}
	}
	return nil, "", false
}

// constituent is one non-clear constituent found at some depth, with what
// decides how it counts.
type constituent struct {
	screener.Constituent
	leaf bool // a security, not a fund
}

// result is the look-through of one fund as of one instant: its status
// from its constituents, before the position's own identifiers and the
// account's US-person status are taken into account.
type result struct {
	fund      *Fund
	set       SetInfo
	hasSet    bool
	status    screener.Status
	reason    string
	evidence  []string
	cons      []constituent // paths start below this fund
	decider   int           // index in cons of the constituent that decided, or -1
	weight    *decimal.Decimal
	counted   int  // constituents screened
	cmic      int  // CMIC constituents among them (at any depth)
	pathBound bool // depends on the path it was reached by (cycle, depth): not memoised
	own       bool // the status is about the fund's own holdings (none, stale, unreadable)
}

// LookThrough implements screener.FundLookThrough.
func (r *Resolver) LookThrough(m *screener.Matcher, h *screener.Holding, direct screener.Finding, at time.Time, opt screener.Options) screener.Finding {
	f := direct
	fund, how, ok := r.Lookup(h)
	if !ok {
		why, like := FundLike(h)
		if !like {
			return f
		}
		if f.Status.Rank() <= screener.StatusReview.Rank() && f.Status != screener.StatusReview {
			return f // the security itself is listed: that decides
		}
		ev := fmt.Sprintf("look-through: %s is recognisably a fund (%s) but no holdings are registered for it: register them with 'screener funds add' (RULES.md F-3)", securityLabel(h), why)
		if r.opt.NoRegistry {
			ev = fmt.Sprintf("look-through: %s is recognisably a fund (%s); no fund registry was given (--db), so its holdings are unknown (RULES.md F-3)", securityLabel(h), why)
		}
		if setFund(&f, screener.StatusReview, screener.ReasonLookthroughUnavailable, nil, ev) {
			r.finish(&f, h, opt)
		}
		f.Lookthrough = &screener.Lookthrough{Path: []string{positionKey(h, how)}, Constituents: []screener.Constituent{}}
		if f.Key == "" {
			f.Key = positionKey(h, how)
		}
		return f
	}
	res := r.resolve(m, fund, at, []uint64{fund.ID})
	top := positionKey(h, how)
	lt := &screener.Lookthrough{Fund: fund.Label(), Path: []string{top}, Constituents: []screener.Constituent{}}
	if res.hasSet {
		lt.HoldingsAsOf = res.set.AsOf
		lt.Source = fmt.Sprintf("%s sha256:%s", res.set.File, res.set.SHA256)
	}
	// Strictest first (CMIC lines at the top), file order within a status;
	// the cap keeps the strictest.
	order := make([]int, len(res.cons))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool {
		return res.cons[order[a]].Status.Rank() < res.cons[order[b]].Status.Rank()
	})
	for n, i := range order {
		if n >= r.opt.MaxConstituents {
			lt.Omitted = len(res.cons) - n
			break
		}
		cc := res.cons[i].Constituent
		cc.Path = append([]string{top}, res.cons[i].Path...)
		lt.Constituents = append(lt.Constituents, cc)
	}
	if res.decider >= 0 {
		lt.Path = append([]string{top}, res.cons[res.decider].Path...)
	}
	lt.ExposureWeight = res.weight
	ev := res.evidence
	if res.decider >= 0 {
		d := res.cons[res.decider]
		ev = append(append([]string(nil), ev...), fmt.Sprintf("look-through path: %s (%s)", strings.Join(lt.Path, " → "), d.Status))
	}
	if res.status == screener.StatusClear {
		// Every constituent is clear: the position keeps its own finding,
		// with the evidence that it was looked through.
		f.Evidence = append(append([]string(nil), ev...), f.Evidence...)
		f.Lookthrough = lt
		if f.Key == "" {
			f.Key = top
		}
		return f
	}
	var entry *screener.EntryRef
	if res.decider >= 0 {
		entry = res.cons[res.decider].Entry
	}
	if setFund(&f, res.status, res.reason, entry, ev...) {
		r.finish(&f, h, opt)
	}
	f.Lookthrough = lt
	if f.Key == "" {
		f.Key = top
	}
	return f
}

// setFund gives f the look-through's status unless the position's own
// finding is stricter, and reports whether it did; the direct evidence is
// kept after the look-through's.
func setFund(f *screener.Finding, st screener.Status, reason string, entry *screener.EntryRef, ev ...string) bool {
	evidence := append(append([]string(nil), ev...), f.Evidence...)
	f.Evidence = evidence
	if f.Status != screener.StatusClear && f.Status.Rank() < st.Rank() {
		// The position's own match is stricter (its ISIN is listed...).
		f.Basis = append(append([]screener.Basis(nil), f.Basis...), screener.BasisFundLookthrough)
		return false
	}
	f.Status, f.LegalStatus, f.Reason = st, st, reason
	f.Basis = []screener.Basis{screener.BasisFundLookthrough}
	if entry != nil {
		f.Entry = entry
	}
	f.ListingDate, f.EffectiveDate, f.DivestmentDate, f.DaysLeft = screener.Date{}, screener.Date{}, screener.Date{}, nil
	f.Policy = ""
	return true
}

// finish writes the action for the fund finding f.
func (r *Resolver) finish(f *screener.Finding, h *screener.Holding, opt screener.Options) {
	us := h.USPerson
	if us == screener.USPersonUnknown {
		us = opt.USPerson
	}
	switch f.Status {
	case screener.StatusProhibitedExposure:
		f.Action = "Hold; no purchase or sale of this fund: its holdings include a CMIC security, whatever the weight (FAQ 861); reject and report attempted trades within 10 business days"
		if !us.IsUS() {
			f.Action = "Non-US-person account: the CMIC prohibitions do not apply to its trades in this fund (RULES.md F-4; FAQs 861, 863, 902); US investors may not buy or sell it"
		}
	case screener.StatusReview:
		switch f.Reason {
		case screener.ReasonLookthroughUnavailable:
			f.Action = "Fund holdings unknown: register the fund's holdings as of a date on or before the as-of date, or review it by hand; never treated as clear (RULES.md F-3)"
		case screener.ReasonLookthroughStale:
			f.Action = fmt.Sprintf("Fund holdings older than %d days: register a newer holdings file, or review it by hand (RULES.md F-3)", r.opt.MaxAge)
		default:
			f.Action = "Review the fund's constituents that may be listed entities"
		}
	case screener.StatusInfo:
		f.Action = "The fund holds securities of subsidiaries or affiliates of listed entities (not covered, FAQ 857); shown for awareness"
	case screener.StatusRiskFlag:
		f.Action = "The fund holds securities on other lists: apply firm policy"
	}
}

// resolve looks through fund as of at. stack holds the funds above it
// (itself last), for cycle detection.
func (r *Resolver) resolve(m *screener.Matcher, fund *Fund, at time.Time, stack []uint64) *result {
	day := screener.DateOf(at.In(screener.Eastern))
	set, ok := fund.Latest(day)
	if !ok {
		res := &result{fund: fund, status: screener.StatusReview, reason: screener.ReasonLookthroughUnavailable, decider: -1, own: true}
		dates := make([]string, 0, len(fund.Sets))
		for _, s := range fund.Sets {
			dates = append(dates, s.AsOf.String())
		}
		if len(dates) == 0 {
			res.evidence = []string{fmt.Sprintf("look-through: %s is registered with no holdings (RULES.md F-3)", fund.Label())}
		} else {
			res.evidence = []string{fmt.Sprintf("look-through: %s has no holdings on or before %s (registered: %s) (RULES.md F-1, F-3)", fund.Label(), day, strings.Join(dates, ", "))}
		}
		return res
	}
	key := memoKey{seq: set.Seq, at: at.UnixNano()}
	r.mu.Lock()
	if res, ok := r.memo[key]; ok {
		r.mu.Unlock()
		return res
	}
	r.mu.Unlock()
	res := r.lookThrough(m, fund, set, at, stack)
	if age := day.Sub(set.AsOf); age > r.opt.MaxAge {
		res.evidence = append([]string{fmt.Sprintf("look-through: %s holdings as of %s are %d days old, over the %d-day limit (RULES.md F-3)", fund.Label(), set.AsOf, age, r.opt.MaxAge)}, res.evidence...)
		if res.cmic > 0 {
			res.evidence = append(res.evidence, fmt.Sprintf("those stale holdings include %d CMIC constituent(s)", res.cmic))
		}
		res.status, res.reason, res.own = screener.StatusReview, screener.ReasonLookthroughStale, true
	}
	if !res.pathBound {
		r.mu.Lock()
		if len(r.memo) >= maxMemo {
			r.memo = map[memoKey]*result{}
		}
		r.memo[key] = res
		r.mu.Unlock()
	}
	return res
}

// holdingsOf returns the rows of set seq, loading them once.
func (r *Resolver) holdingsOf(seq uint64) ([]screener.Holding, error) {
	r.mu.Lock()
	hs, ok := r.holdings[seq]
	r.mu.Unlock()
	if ok {
		return hs, nil
	}
	hs, err := r.load(seq)
	if err != nil {
		return nil, err
	}
	r.mu.Lock()
	r.holdings[seq] = hs
	r.mu.Unlock()
	return hs, nil
}

// lookThrough screens the constituents of one set.
func (r *Resolver) lookThrough(m *screener.Matcher, fund *Fund, set SetInfo, at time.Time, stack []uint64) *result {
	res := &result{fund: fund, set: set, hasSet: true, decider: -1}
	hs, err := r.holdingsOf(set.Seq)
	if err != nil {
		res.status, res.reason, res.own = screener.StatusReview, screener.ReasonLookthroughUnavailable, true
		res.evidence = []string{fmt.Sprintf("look-through: the holdings of %s as of %s could not be read: %v", fund.Label(), set.AsOf, err)}
		return res
	}
	weights := constituentWeights(hs)
	direct := matchAll(m, hs, at)
	for i := range hs {
		h := &hs[i]
		res.counted++
		w := weights[i]
		d := direct[i]
		key := d.Key
		if key == "" {
			key = positionKey(h, "")
		}
		base := screener.Constituent{Path: []string{key}, Security: d.Security, Status: d.Status, Basis: d.Basis,
			Entry: d.Entry, Evidence: d.Evidence, Weight: w, HoldingsAsOf: set.AsOf}
		if sub, _, ok := r.Lookup(h); ok {
			r.subFund(m, res, sub, base, at, stack)
			continue
		}
		if why, like := FundLike(h); like && !screener.IsCMICStatus(d.Status) && d.Status != screener.StatusBlocked {
			base.Status, base.Reason = screener.StatusReview, screener.ReasonLookthroughUnavailable
			base.Basis = append(base.Basis, screener.BasisFundLookthrough)
			base.Evidence = append([]string{fmt.Sprintf("a fund held by %s (%s) with no registered holdings", fund.Label(), why)}, base.Evidence...)
			res.cons = append(res.cons, constituent{Constituent: base})
			continue
		}
		if d.Status == screener.StatusClear {
			continue
		}
		if screener.IsCMICStatus(d.Status) {
			res.cmic++
		}
		res.cons = append(res.cons, constituent{Constituent: base, leaf: true})
	}
	if set.Rejected > 0 {
		res.evidence = append(res.evidence, fmt.Sprintf("%d of %d rows of %s could not be read: the holdings are incomplete", set.Rejected, set.Rows, set.File))
	}
	r.decide(res)
	return res
}

// matchAll screens every constituent directly (as for a US person: the
// account's status is applied to the fund's finding), on every core.
func matchAll(m *screener.Matcher, hs []screener.Holding, at time.Time) []screener.Finding {
	out := make([]screener.Finding, len(hs))
	// All: the finding carries its security key (the matcher memoises
	// ticker normalisation), used in paths.
	opt := screener.Options{USPerson: screener.USPersonYes, All: true}
	workers := runtime.GOMAXPROCS(0)
	if workers > 8 {
		workers = 8
	}
	if len(hs) < 64 || workers < 2 {
		for i := range hs {
			out[i] = m.MatchDirect(&hs[i], at, opt)
		}
		return out
	}
	var wg sync.WaitGroup
	var next atomic.Int64
	const chunk = 32
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				lo := int(next.Add(chunk)) - chunk
				if lo >= len(hs) {
					return
				}
				hi := min(lo+chunk, len(hs))
				for i := lo; i < hi; i++ {
					out[i] = m.MatchDirect(&hs[i], at, opt)
				}
			}
		}()
	}
	wg.Wait()
	return out
}

// subFund adds a fund held by res's fund: its own look-through, with its
// constituents under it.
func (r *Resolver) subFund(m *screener.Matcher, res *result, sub *Fund, base screener.Constituent, at time.Time, stack []uint64) {
	for _, id := range stack {
		if id == sub.ID {
			res.pathBound = true
			base.Status, base.Reason = screener.StatusReview, screener.ReasonLookthroughUnavailable
			base.Basis = []screener.Basis{screener.BasisFundLookthrough}
			base.Evidence = append([]string{fmt.Sprintf("cycle: %s holds itself through %s; not looked through again", sub.Label(), r.chain(stack, sub.ID))}, base.Evidence...)
			res.cons = append(res.cons, constituent{Constituent: base})
			return
		}
	}
	if len(stack) >= r.opt.MaxDepth {
		res.pathBound = true
		base.Status, base.Reason = screener.StatusReview, screener.ReasonLookthroughUnavailable
		base.Basis = []screener.Basis{screener.BasisFundLookthrough}
		base.Evidence = append([]string{fmt.Sprintf("%s is %d funds deep, the look-through limit: not looked through", sub.Label(), len(stack))}, base.Evidence...)
		res.cons = append(res.cons, constituent{Constituent: base})
		return
	}
	sr := r.resolve(m, sub, at, append(stack[:len(stack):len(stack)], sub.ID))
	if sr.pathBound {
		res.pathBound = true
	}
	res.counted += sr.counted
	stale := sr.own
	st := sr.status
	if st == screener.StatusClear {
		st = base.Status // the fund's own identifiers decide
	} else if base.Status != screener.StatusClear && base.Status.Rank() < st.Rank() {
		st = base.Status
	}
	base.Status, base.Reason = st, sr.reason
	base.Basis = append(append([]screener.Basis(nil), base.Basis...), screener.BasisFundLookthrough)
	base.Evidence = append(append([]string(nil), sr.evidence...), base.Evidence...)
	if sr.hasSet {
		base.HoldingsAsOf = sr.set.AsOf
	}
	// The sub-fund's own line, then (unless its holdings are stale or
	// missing) its constituents under it.
	if base.Status != screener.StatusClear {
		res.cons = append(res.cons, constituent{Constituent: base})
	}
	if stale {
		return
	}
	res.cmic += sr.cmic
	for _, c := range sr.cons {
		c.Path = append(append([]string(nil), base.Path...), c.Path...)
		c.Weight = mulWeight(base.Weight, c.Weight)
		res.cons = append(res.cons, c)
	}
}

func (r *Resolver) chain(stack []uint64, id uint64) string {
	var names []string
	for _, s := range stack {
		for i := range r.funds {
			if r.funds[i].ID == s {
				names = append(names, r.funds[i].Label())
			}
		}
	}
	for i := range r.funds {
		if r.funds[i].ID == id {
			names = append(names, r.funds[i].Label())
		}
	}
	return strings.Join(names, " → ")
}

// decide sets res's status from its constituents (F-2): any CMIC security
// at any depth makes the fund prohibited_exposure; otherwise a sub-fund
// whose holdings are unknown makes it review with that reason, a possible
// match review (lookthrough_review), another list risk_flag, a relative
// info.
func (r *Resolver) decide(res *result) {
	rank := func(c *constituent) int {
		switch {
		case c.leaf && screener.IsCMICStatus(c.Status):
			return 0
		case c.Reason == screener.ReasonLookthroughUnavailable || c.Reason == screener.ReasonLookthroughStale:
			return 1
		case c.Status == screener.StatusReview:
			return 2
		case c.Status == screener.StatusBlocked || c.Status == screener.StatusRiskFlag:
			return 3
		case c.Status == screener.StatusInfo:
			return 4
		}
		return 5
	}
	best := 5
	for i := range res.cons {
		c := &res.cons[i]
		k := rank(c)
		if k < best || (k == best && k == 0 && c.Status.Rank() < res.cons[res.decider].Status.Rank()) {
			best, res.decider = k, i
		}
	}
	switch best {
	case 0:
		res.status = screener.StatusProhibitedExposure
	case 1:
		res.status, res.reason = screener.StatusReview, res.cons[res.decider].Reason
	case 2:
		res.status, res.reason = screener.StatusReview, screener.ReasonLookthroughReview
	case 3:
		res.status = screener.StatusRiskFlag
	case 4:
		res.status = screener.StatusInfo
	default:
		res.status = screener.StatusClear
		res.decider = -1
	}
	if res.status == screener.StatusClear && res.set.Rejected > 0 {
		res.status, res.reason = screener.StatusReview, screener.ReasonLookthroughUnavailable
	}
	// Exposure: the weight of the constituents of the deciding kind.
	if best < 5 {
		total := decimal.Zero
		known := true
		for i := range res.cons {
			c := &res.cons[i]
			if rank(c) != best || (best == 0 && !c.leaf) {
				continue
			}
			if c.Weight == nil {
				known = false
				break
			}
			total = total.Add(*c.Weight)
		}
		if known {
			res.weight = &total
		}
	}
	n := 0
	for i := range res.cons {
		if res.cons[i].leaf && screener.IsCMICStatus(res.cons[i].Status) {
			n++
		}
	}
	res.evidence = append(res.evidence, fmt.Sprintf("look-through: %s holdings as of %s (%s): %d constituents screened, %d not clear, %d CMIC",
		res.fund.Label(), res.set.AsOf, res.set.File, res.counted, len(res.cons), n))
}

// constituentWeights returns each row's percent of the fund: the file's
// weights when every row has one, else each value's share of the total
// value when every row has a value, else nil for all.
func constituentWeights(hs []screener.Holding) []*decimal.Decimal {
	out := make([]*decimal.Decimal, len(hs))
	allW, allV := len(hs) > 0, len(hs) > 0
	total := decimal.Zero
	for i := range hs {
		allW = allW && hs[i].HasWeight
		allV = allV && hs[i].HasValue
		if hs[i].HasValue {
			total = total.Add(hs[i].MarketValue)
		}
	}
	switch {
	case allW:
		for i := range hs {
			w := hs[i].Weight
			out[i] = &w
		}
	case allV && !total.IsZero():
		for i := range hs {
			w := hs[i].MarketValue.Mul(decimal.NewFromInt(100)).Div(total).Round(6)
			out[i] = &w
		}
	}
	return out
}

func mulWeight(a, b *decimal.Decimal) *decimal.Decimal {
	if a == nil || b == nil {
		return nil
	}
	v := a.Mul(*b).Div(decimal.NewFromInt(100)).Round(6)
	return &v
}

// positionKey is the key a fund position is shown by: the identifier it
// matched the registry by, else its own strongest identifier.
func positionKey(h *screener.Holding, how string) string {
	if how != "" {
		return how
	}
	switch {
	case h.ISIN != "":
		return "ISIN:" + strings.ToUpper(h.ISIN)
	case h.CUSIP != "":
		return "CUSIP:" + strings.ToUpper(h.CUSIP)
	}
	if t, ok := h.NormalTicker(); ok && t.Key() != "" {
		return "TICKER:" + t.Key()
	}
	if h.Ticker != "" {
		return "TICKER:" + strings.ToUpper(h.Ticker)
	}
	return "NAME:" + issuers.NormalizeName(h.Name)
}

func securityLabel(h *screener.Holding) string {
	id := positionKey(h, "")
	if h.Name == "" {
		return id
	}
	return fmt.Sprintf("%s (%s)", h.Name, id)
}

// Live is a FundLookThrough whose Resolver may be replaced while screening
// goes on (the web app, when a fund's holdings are uploaded).
type Live struct{ p atomic.Pointer[Resolver] }

// NewLive returns a Live over r.
func NewLive(r *Resolver) *Live {
	l := &Live{}
	l.p.Store(r)
	return l
}

// Set replaces the resolver.
func (l *Live) Set(r *Resolver) { l.p.Store(r) }

// Resolver returns the current resolver.
func (l *Live) Resolver() *Resolver { return l.p.Load() }

// IdentityOnly is the current resolver's (see Resolver.IdentityOnly).
func (l *Live) IdentityOnly() bool {
	r := l.p.Load()
	return r == nil || r.IdentityOnly()
}

// LookThrough implements screener.FundLookThrough.
func (l *Live) LookThrough(m *screener.Matcher, h *screener.Holding, direct screener.Finding, at time.Time, opt screener.Options) screener.Finding {
	r := l.p.Load()
	if r == nil {
		return direct
	}
	return r.LookThrough(m, h, direct, at, opt)
}
