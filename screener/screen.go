package screener

import (
	"encoding/binary"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/screener/screener/issuers"
)

// Options tune a screening run. The zero value screens every account as a
// US person (unknown fails closed) and reports only positions that are not
// clear.
type Options struct {
	// USPerson applies to rows whose file does not say (Holding.USPerson
	// unknown). Unknown is treated as a US person.
	USPerson USPerson
	// All keeps clear positions in Report.Findings too.
	All bool
	// AffiliatePolicy is a firm policy switch: parent_listed and linked_to
	// findings are also marked restricted by policy, shown apart from the
	// legal status (RULES.md M-7).
	AffiliatePolicy bool
	// Decisions are reviewers' earlier decisions, applied to findings with
	// the same security key and list entry while the entry is unchanged.
	Decisions []ReviewDecision
	// Funds looks through fund positions (RULES.md §5.2); nil means the
	// matcher's own (Matcher.SetFunds), if any.
	Funds FundLookThrough
}

// Screen screens holdings against lists and the issuer directory as of the
// instant asOf, and returns the report. It is a pure function: no clock, no
// files; findings come out in input order (file, line).
func Screen(hs []Holding, rejected []ParseError, lists []*List, dir *issuers.Directory, asOf time.Time, opt Options) *Report {
	m := NewMatcher(lists, dir)
	b := NewReportBuilder(lists, asOf, opt)
	for i := range hs {
		b.Add(m.Match(&hs[i], asOf, opt))
	}
	for _, r := range rejected {
		b.Reject(r)
	}
	return b.Report()
}

// entryRef is one indexed list entry.
type entryRef struct {
	list  *List
	entry *Entry
	fp    string // fingerprint, for reviewer decisions
}

// nameRef is one name of an entry in the exact-name index.
type nameRef struct {
	idx  int
	kind string // "name", "alias", "weak alias", "issuer name"
	name string // as published
}

func (r nameRef) alias() bool { return r.kind == "alias" || r.kind == "weak alias" }

// Matcher finds the listed entries a holding reaches. Build it once per
// set of lists with NewMatcher; Match is safe for concurrent use.
type Matcher struct {
	entries  []entryRef
	byISIN   map[string][]int
	byTicker map[string][]int
	byID     map[string][]int // LEI and USCC
	byName   map[string][]nameRef
	byLinked map[string][]int  // normalised Linked To name → entries naming it
	byKey    map[string]int    // list + "/" + id → entry
	regions  []map[string]bool // entry → regions of its lines and addresses
	names    *issuers.NameIndex
	dir      *issuers.Directory
	funds    FundLookThrough // fund look-through (lookthrough.go), or nil

	mu     sync.Mutex
	cache  map[string][]issuers.NameMatch // fuzzy results by raw name
	names2 map[string]*nameMemo           // name hits by raw name
	// bondNames are names2 of holdings whose asset class is debt.
	bondNames map[string]*nameMemo
	norms     map[string]string // normalised names
	shorts    map[string][]hit  // Bloomberg short-name hits by raw name

	nameKeys []string // sorted keys of byName, for prefixes
}

const maxNameCache = 200000

// NewMatcher indexes lists for Match. dir may be nil.
func NewMatcher(lists []*List, dir *issuers.Directory) *Matcher {
	m := &Matcher{
		byISIN:    map[string][]int{},
		byTicker:  map[string][]int{},
		byID:      map[string][]int{},
		byName:    map[string][]nameRef{},
		byLinked:  map[string][]int{},
		byKey:     map[string]int{},
		names:     issuers.NewNameIndex(),
		dir:       dir,
		cache:     map[string][]issuers.NameMatch{},
		names2:    map[string]*nameMemo{},
		bondNames: map[string]*nameMemo{},
		norms:     map[string]string{},
		shorts:    map[string][]hit{},
	}
	for _, l := range lists {
		for i := range l.Entries {
			e := &l.Entries[i]
			idx := len(m.entries)
			m.entries = append(m.entries, entryRef{list: l, entry: e, fp: EntryFingerprint(e)})
			m.byKey[e.List+"/"+e.ID] = idx
			m.regions = append(m.regions, entryRegions(e))
			for _, v := range e.ISINs {
				k := strings.ToUpper(strings.TrimSpace(v))
				m.byISIN[k] = appendOnce(m.byISIN[k], idx)
			}
			for _, t := range e.Tickers {
				if k := t.Key(); k != "" {
					m.byTicker[k] = appendOnce(m.byTicker[k], idx)
				}
			}
			for _, v := range e.LEIs {
				k := "LEI:" + strings.ToUpper(v)
				m.byID[k] = appendOnce(m.byID[k], idx)
			}
			for _, v := range e.USCCs {
				k := "USCC:" + strings.ToUpper(v)
				m.byID[k] = appendOnce(m.byID[k], idx)
			}
			m.addName(idx, "name", e.Name)
			for _, a := range e.Aliases {
				kind := "alias"
				if strings.EqualFold(a.Strength, "weak") {
					kind = "weak alias"
				}
				m.addName(idx, kind, a.Name)
			}
			for _, n := range e.IssuerNames {
				m.addName(idx, "issuer name", n)
			}
			for _, n := range e.LinkedTo {
				k := issuers.NormalizeName(n)
				if k != "" {
					m.byLinked[k] = appendOnce(m.byLinked[k], idx)
				}
			}
		}
	}
	for k := range m.byName {
		m.nameKeys = append(m.nameKeys, k)
	}
	sort.Strings(m.nameKeys)
	return m
}

// UseDirectory sets the issuer directory of a matcher made with
// NewMatcher(lists, nil), so that the two can be built at the same time
// (they take about as long at start-up; NewMatcher does not read the
// directory). It must be called before the matcher's first use.
func (m *Matcher) UseDirectory(dir *issuers.Directory) { m.dir = dir }

func (m *Matcher) addName(idx int, kind, name string) {
	k := issuers.NormalizeName(name)
	if k == "" {
		return
	}
	for _, r := range m.byName[k] {
		if r.idx == idx {
			return
		}
	}
	m.byName[k] = append(m.byName[k], nameRef{idx: idx, kind: kind, name: name})
	m.names.Add(strconv.Itoa(idx), name)
}

func appendOnce(s []int, v int) []int {
	for _, x := range s {
		if x == v {
			return s
		}
	}
	return append(s, v)
}

// Entry returns the indexed entry of list with id, if any.
func (m *Matcher) Entry(list, id string) (*Entry, bool) {
	i, ok := m.byKey[list+"/"+id]
	if !ok {
		return nil, false
	}
	return m.entries[i].entry, true
}

// hit is one way a holding reached one entry.
type hit struct {
	idx      int
	basis    Basis
	evidence string
	score    float64
	fuzzy    bool // from the similarity tier (similar)
}

// Match screens one holding as of at and returns its finding (status clear
// when nothing matched), looking through funds when SetFunds gave a
// look-through.
func (m *Matcher) Match(h *Holding, at time.Time, opt Options) Finding {
	h = cleanIDs(h)
	f := m.matchDirect(h, at, opt)
	if lt := opt.funds(m); lt != nil {
		f = lt.LookThrough(m, h, f, at, opt)
	}
	return f
}

// ClearKey appends to dst a key of all that Match reads of h to decide
// whether h is clear with no basis: its identifiers (cleaned as Match
// cleans them), its ticker as Match normalises it with its exchange (as
// written when it does not normalise), any other identifiers, its name
// and asset class. Not its position (file, line, portfolio, numbers,
// currency), its US-person cell or its warnings: a holding that is clear
// with no basis is only counted, and those decide nothing about it. So
// two holdings with the same key are both clear with no basis or neither,
// as of the same time and options, while Match's memos stay what they are;
// a caller may then count the second by the first's outcome without
// matching it. Holdings that differ only in how the ticker and exchange are
// written ("941 HK", "0941.HK", "941" on XHKG) share a key.
//
// ok is false when the key cannot promise that: a fund look-through that
// does not declare it reads only those fields (IdentityOnly).
func (m *Matcher) ClearKey(dst []byte, h *Holding, opt Options) (key []byte, ok bool) {
	if lt := opt.funds(m); lt != nil {
		if io, ok := lt.(identityOnly); !ok || !io.IdentityOnly() {
			return dst, false
		}
	}
	h = cleanIDs(h)
	field := func(s string) {
		dst = binary.AppendUvarint(dst, uint64(len(s)))
		dst = append(dst, s...)
	}
	field(h.ISIN)
	field(h.CUSIP)
	field(h.SEDOL)
	field(h.FIGI)
	field(h.LEI)
	if t, ok := h.NormalTicker(); ok && t.Market != "" && t.Code != "" {
		// tickerKey's Market+":"+Code, written without making it.
		dst = append(dst, 'T')
		dst = binary.AppendUvarint(dst, uint64(len(t.Market)+1+len(t.Code)))
		dst = append(append(append(dst, t.Market...), ':'), t.Code...)
	} else {
		dst = append(dst, 'R')
		field(h.Ticker)
		field(h.Exchange)
	}
	field(h.Name)
	field(h.AssetClass)
	dst = binary.AppendUvarint(dst, uint64(len(h.OtherIDs)))
	for _, o := range h.OtherIDs {
		field(o.Type)
		field(o.Value)
		field(o.Country)
	}
	return dst, true
}

// MatchDirect is Match without fund look-through: the holding's own
// identifiers, issuer and name only.
func (m *Matcher) MatchDirect(h *Holding, at time.Time, opt Options) Finding {
	return m.matchDirect(cleanIDs(h), at, opt)
}

// matchDirect is MatchDirect of a holding cleanIDs returned.
func (m *Matcher) matchDirect(h *Holding, at time.Time, opt Options) Finding {
	us := h.USPerson
	if us == USPersonUnknown {
		us = opt.USPerson
	}
	f := Finding{
		File: h.File, Line: h.Line, Portfolio: h.Portfolio, USPerson: us.String(),
		Security: Security{Name: h.Name, ISIN: h.ISIN, CUSIP: h.CUSIP, SEDOL: h.SEDOL, FIGI: h.FIGI,
			Ticker: h.Ticker, Exchange: h.Exchange},
		Quantity: h.Quantity, MarketValue: h.MarketValue, Currency: h.Currency,
		Status: StatusClear, Warnings: h.Warnings[:len(h.Warnings):len(h.Warnings)],
	}
	hits := m.collect(h, &f)
	if len(hits) == 0 {
		if len(f.Evidence) > 0 {
			f.Key = m.securityKey(h)
		}
		if opt.All {
			f.Key = m.securityKey(h)
		}
		return f
	}
	f.Key = m.securityKey(h)
	m.decide(&f, hits, at, us, opt)
	if issuers.IsDepositaryReceipt(h.Name) {
		f.Evidence = append(f.Evidence, fmt.Sprintf("%q is a depositary receipt (its description says so): it is screened as a security of the issuer of its underlying shares", h.Name))
	}
	return f
}

// cleanIDs returns h, or a copy of it whose identifiers and ticker are
// cleaned (issuers.CleanIDUpper: full-width forms folded, zero-width and
// control characters removed) when any needs it: every path (files, JSON
// positions, queries) is matched on what the identifier says, not on the
// invisible characters a copy and paste left in it.
func cleanIDs(h *Holding) *Holding {
	if issuers.IsCleanIDUpper(h.ISIN) && issuers.IsCleanIDUpper(h.CUSIP) && issuers.IsCleanIDUpper(h.SEDOL) &&
		issuers.IsCleanIDUpper(h.FIGI) && issuers.IsCleanIDUpper(h.LEI) && issuers.IsCleanID(h.Ticker) &&
		issuers.IsCleanID(h.Exchange) {
		return h
	}
	c := *h
	c.ISIN, c.CUSIP, c.SEDOL = issuers.CleanIDUpper(h.ISIN), issuers.CleanIDUpper(h.CUSIP), issuers.CleanIDUpper(h.SEDOL)
	c.FIGI, c.LEI = issuers.CleanIDUpper(h.FIGI), issuers.CleanIDUpper(h.LEI)
	c.Ticker, c.Exchange = issuers.CleanID(h.Ticker), issuers.CleanID(h.Exchange)
	return &c
}

// securityKey is the strongest identifier of h, for reviewer decisions.
func (m *Matcher) securityKey(h *Holding) string {
	switch {
	case h.ISIN != "":
		return "ISIN:" + strings.ToUpper(h.ISIN)
	case h.CUSIP != "":
		return "CUSIP:" + strings.ToUpper(h.CUSIP)
	case h.SEDOL != "":
		return "SEDOL:" + strings.ToUpper(h.SEDOL)
	case h.FIGI != "":
		return "FIGI:" + strings.ToUpper(h.FIGI)
	}
	if k := m.tickerKey(h); k != "" {
		return "TICKER:" + k
	}
	if n := m.normName(h.Name); n != "" {
		return "NAME:" + n
	}
	return ""
}

func (m *Matcher) label(idx int) string {
	e := m.entries[idx].entry
	src := e.List
	if strings.HasPrefix(src, "OFAC") {
		src = "OFAC"
	}
	return fmt.Sprintf("%s %s %s", src, e.ID, e.Name)
}

// collect gathers every hit for h, in the resolution order of RULES.md M-2.
func (m *Matcher) collect(h *Holding, f *Finding) []hit {
	var hits []hit
	add := func(idxs []int, b Basis, ev func(idx int) string) {
		for _, i := range idxs {
			hits = append(hits, hit{idx: i, basis: b, evidence: ev(i)})
		}
	}
	// (1) ISIN, and ISINs derived from CUSIP and SEDOL. The evidence text
	// is only written for a hit.
	var isins []derivedISIN
	if h.ISIN != "" {
		isins = append(isins, derivedISIN{isin: strings.ToUpper(strings.TrimSpace(h.ISIN))})
	}
	if h.CUSIP != "" {
		for _, cc := range []string{"US", "CA"} {
			if v, err := issuers.ISINFromCUSIP(h.CUSIP, cc); err == nil && !hasISIN(isins, v) {
				isins = append(isins, derivedISIN{isin: v, from: "CUSIP", value: h.CUSIP})
			}
		}
	}
	if h.SEDOL != "" {
		for _, cc := range []string{"GB", "IE"} {
			if v, err := issuers.ISINFromSEDOL(h.SEDOL, cc); err == nil && !hasISIN(isins, v) {
				isins = append(isins, derivedISIN{isin: v, from: "SEDOL", value: h.SEDOL})
			}
		}
	}
	for _, d := range isins {
		add(m.byISIN[d.isin], BasisISINListed, func(i int) string {
			return fmt.Sprintf("%s → ISIN of %s", d.how(), m.label(i))
		})
	}
	// (2) ticker and market.
	tkey := m.tickerKey(h)
	if tkey != "" {
		add(m.byTicker[tkey], BasisTickerListed, func(i int) string {
			return fmt.Sprintf("%s → equity ticker %q of %s", tickerHow(h), rawTicker(m.entries[i].entry, tkey), m.label(i))
		})
	} else if h.Ticker != "" && h.Exchange == "" && !strings.ContainsAny(h.Ticker, " .") {
		f.Warnings = append(f.Warnings, fmt.Sprintf("ticker %q has no market: a bare code is ambiguous (2357 is AviChina on HKEX and ASUSTeK on TWSE), so it was not matched by ticker", h.Ticker))
	}
	// (3) issuer LEI from the file.
	if h.LEI != "" {
		add(m.byID["LEI:"+strings.ToUpper(h.LEI)], BasisIssuerID, func(i int) string {
			return fmt.Sprintf("issuer LEI %s → LEI of %s", h.LEI, m.label(i))
		})
	}
	// Security master: identifiers → issuer → parents.
	var known []*issuers.Security
	if m.dir != nil {
		var dh []hit
		dh, known = m.viaDirectory(h, isins, tkey, f)
		hits = append(hits, dh...)
	}
	// (4) the holding's own name; fuzzy only when nothing strong matched.
	strong := false
	for _, x := range hits {
		if x.basis.CanProhibit() {
			strong = true
		}
	}
	if !strong && h.ISIN == "" && h.CUSIP == "" && h.SEDOL == "" && h.FIGI == "" && h.LEI == "" && h.Ticker == "" {
		short := m.shortName(h.Name)
		hits = append(hits, short...)
		strong = len(short) > 0
	}
	hits = append(hits, m.viaName(h, strong)...)
	m.checkRegions(h, hits)
	return m.identityFirst(h, hits, known, f)
}

// identityFirst applies RULES.md M-2 and M-4, identity from identifiers
// before name similarity: when the holding's identifiers resolve to a
// security in the security master, a fuzzy name match is noted in the
// evidence, not made a review. The security's own relations (a listed
// parent: info) and any identifier or exact-name hit stand; where nothing
// resolves, the fuzzy tier stays a review. It also drops fuzzy hits the
// market sets apart (see regionScore) below the review threshold.
func (m *Matcher) identityFirst(h *Holding, hits []hit, known []*issuers.Security, f *Finding) []hit {
	fuzzy := false
	for i := range hits {
		fuzzy = fuzzy || hits[i].fuzzy
	}
	if !fuzzy {
		return hits
	}
	region := holdingRegion(h)
	// An issuer, not only a security: an exchange list's short name
	// (HKEX's CHINA RAILWAY) says which line it is, not whose.
	who := ""
	for _, s := range known {
		if s.IssuerName == "" {
			continue
		}
		who = "the identifiers resolve to " + s.IssuerName
		if src := s.From.Source; src != "" {
			who += " (" + src + ")"
		}
		break
	}
	if who == "" && m.dir != nil && h.Name != "" {
		// No identifier resolves, but the name is, legal form and all,
		// the name of an issuer the security master knows.
		for _, s := range m.dir.ByIssuerName(h.Name) {
			if issuers.SameLegalName(h.Name, s.IssuerName) {
				who = fmt.Sprintf("the name is the legal name of %s in the security master (%s)", s.IssuerName, s.From.Source)
				break
			}
		}
	}
	related := map[int]bool{} // entries the holding reaches by a relation
	for _, x := range hits {
		if x.basis == BasisParentListed || x.basis == BasisLinkedTo {
			related[x.idx] = true
		}
	}
	out := hits[:0]
	for _, x := range hits {
		if !x.fuzzy {
			out = append(out, x)
			continue
		}
		if related[x.idx] {
			// A confirmed subsidiary's name resembles its parent's: the
			// relation explains it (info), a person need not review it.
			f.Evidence = append(f.Evidence, fmt.Sprintf("name only, not a review: %s; the relation above explains the likeness", x.evidence))
			continue
		}
		if rs := m.regions[x.idx]; region != "" && len(rs) > 0 && !rs[region] {
			sc := x.score * regionFactor
			if sc < issuers.ReviewThreshold {
				f.Evidence = append(f.Evidence, fmt.Sprintf("name only, not a review: %s; the holding trades in %s, where %s has no known line or address (score ×%.2f = %.2f, below %.2f)",
					x.evidence, region, m.label(x.idx), regionFactor, sc, issuers.ReviewThreshold))
				continue
			}
			x.evidence += fmt.Sprintf(" — the holding trades in %s, where the listed entity has no known line or address (score ×%.2f = %.2f)", region, regionFactor, sc)
		}
		if who != "" {
			f.Evidence = append(f.Evidence, fmt.Sprintf("name only, not a review: %s; %s, which reaches no listed entry by identifier or relation", x.evidence, who))
			continue
		}
		out = append(out, x)
	}
	return out
}

// regionFactor is what a fuzzy name score is multiplied by when the
// holding trades in a region where the listed entity has no line and no
// address (CoStar Group Inc on NASDAQ against Costar Group Co., Ltd. of
// China; ORION CORP of Korea against KONTSERN ORION of Russia): a name
// alike in another market is rarely the same company.
const regionFactor = 0.75

// shortName matches a Bloomberg short name given with no identifier: a
// name cut near 30 characters with a share-class suffix (HANGZHOU
// HIKVISION DIGITAL-A, CHINA COMMUNICATIONS CONST-H). It is the listed
// entry's whenever its words begin one listed entity's name or alias and
// no other issuer's, among the list entries and the security master's
// issuers; a prefix two entities share (CCCC and its group) stays with the
// similarity tier, a review.
func (m *Matcher) shortName(name string) []hit {
	name = strings.TrimSpace(name)
	if len(name) < 20 || len(name) > 32 || !shareClassSuffix(name) {
		return nil
	}
	m.mu.Lock()
	hs, ok := m.shorts[name]
	m.mu.Unlock()
	if ok {
		return hs
	}
	hs = m.shortNameHits(name)
	m.mu.Lock()
	if len(m.shorts) >= maxNameCache {
		m.shorts = map[string][]hit{}
	}
	m.shorts[strings.Clone(name)] = hs
	m.mu.Unlock()
	return hs
}

func (m *Matcher) shortNameHits(name string) []hit {
	p := issuers.NormalizeName(name)
	if len(p) < 12 || !strings.Contains(p, " ") {
		return nil
	}
	idx, ref := -1, nameRef{}
	own := map[string]bool{} // normalised names of that entry
	for i := sort.SearchStrings(m.nameKeys, p); i < len(m.nameKeys) && strings.HasPrefix(m.nameKeys[i], p); i++ {
		for _, r := range m.byName[m.nameKeys[i]] {
			if r.kind == "weak alias" {
				continue
			}
			if idx >= 0 && r.idx != idx {
				return nil // two listed entities begin so
			}
			idx, ref = r.idx, r
			own[m.nameKeys[i]] = true
		}
	}
	if idx < 0 {
		return nil
	}
	if m.dir != nil {
		for _, k := range m.dir.IssuerNamesWithPrefix(p, 16) {
			if !own[k] {
				return nil // an issuer in the security master begins so too
			}
		}
	}
	return []hit{{idx: idx, basis: BasisIssuerNameExact, score: 1,
		evidence: fmt.Sprintf("security name %q (a short name cut with a share class, no identifier) → %q begins %s %q of %s, and no other listed entity's or known issuer's name", name, p, ref.kind, ref.name, m.label(idx))}}
}

// shareClassSuffix reports whether a name ends with a Bloomberg share-class
// suffix: -A, -H or -B.
func shareClassSuffix(s string) bool {
	n := len(s)
	return n > 2 && s[n-2] == '-' && (s[n-1] == 'A' || s[n-1] == 'H' || s[n-1] == 'B')
}

// checkRegions downgrades a name-only hit to a possible match when the
// holding trades in a region where the listed entity has no line and no
// address: same name, different company (CoStar Group Inc on NASDAQ is not
// Costar Group Co., Ltd. of Shenzhen).
func (m *Matcher) checkRegions(h *Holding, hits []hit) {
	named := false
	for i := range hits {
		if hits[i].basis == BasisIssuerNameExact || hits[i].basis == BasisIssuerAlias {
			named = true
		}
	}
	if !named {
		return
	}
	// Under a list that is not an investment ban the name gives a flag
	// wherever the holding trades (PAO NOVATEK GDR in London): no review.
	flagOnly := func(idx int) bool {
		e := m.entries[idx].entry
		return !e.HasProgram(ProgramCMIC) && e.List != ListOFACSDN
	}
	region := holdingRegion(h)
	if region == "" {
		return
	}
	for i := range hits {
		x := &hits[i]
		if x.basis != BasisIssuerNameExact && x.basis != BasisIssuerAlias || flagOnly(x.idx) {
			continue
		}
		if rs := m.regions[x.idx]; len(rs) > 0 && !rs[region] {
			x.basis = BasisNameSimilar
			x.evidence += fmt.Sprintf(" — but the holding trades in %s, where the listed entity has no known line or address: review", region)
		}
	}
}

// derivedISIN is an ISIN of the holding: its own, or one built from its
// CUSIP or SEDOL.
type derivedISIN struct {
	isin  string
	from  string // "" for the holding's own ISIN, else "CUSIP" or "SEDOL"
	value string // the CUSIP or SEDOL
}

func (d derivedISIN) how() string {
	if d.from == "" {
		return d.isin + " (ISIN)"
	}
	return fmt.Sprintf("%s (%s) → %s", d.value, d.from, d.isin)
}

func hasISIN(ds []derivedISIN, v string) bool {
	for _, d := range ds {
		if d.isin == v {
			return true
		}
	}
	return false
}

func tickerHow(h *Holding) string {
	switch {
	case h.Exchange != "":
		return fmt.Sprintf("%s on %s (ticker)", h.Ticker, h.Exchange)
	case strings.Contains(h.Ticker, "."):
		return fmt.Sprintf("%s (Reuters/Yahoo ticker)", h.Ticker)
	}
	return fmt.Sprintf("%s (Bloomberg ticker)", h.Ticker)
}

func rawTicker(e *Entry, key string) string {
	for _, t := range e.Tickers {
		if t.Key() == key {
			return t.Raw
		}
	}
	return key
}

// viaDirectory resolves h through the security master: a listed ISIN found
// through reference data, the issuer's LEI and name, DR underlyings, and
// parents or financing relations to listed entries.
func (m *Matcher) viaDirectory(h *Holding, isins []derivedISIN, tkey string, f *Finding) ([]hit, []*issuers.Security) {
	var idbuf [8]string
	ids := idbuf[:0]
	for _, d := range isins {
		ids = append(ids, d.isin)
	}
	if h.CUSIP != "" {
		ids = append(ids, strings.ToUpper(h.CUSIP))
	}
	if h.SEDOL != "" {
		ids = append(ids, strings.ToUpper(h.SEDOL))
	}
	if h.FIGI != "" {
		ids = append(ids, strings.ToUpper(h.FIGI))
	}
	if tkey != "" {
		ids = append(ids, tkey)
	}
	var hits []hit
	var seen []*issuers.Security
	bond := false
	for _, id := range ids {
		for _, s := range m.dir.Lookup(id) {
			if containsSec(seen, s) {
				continue
			}
			if len(seen) == 0 {
				bond = isBond(h)
			}
			seen = append(seen, s)
			what := lazyText(func() string { return fmt.Sprintf("%s → %s", id, describeSecurity(s)) })
			if f.Security.Issuer == "" {
				f.Security.Issuer = s.IssuerName
			}
			if s.ISIN != "" && !hasISIN(isins, strings.ToUpper(s.ISIN)) {
				for _, i := range m.byISIN[strings.ToUpper(s.ISIN)] {
					hits = append(hits, hit{idx: i, basis: BasisISINListed,
						evidence: fmt.Sprintf("%s → ISIN %s of %s", what(), s.ISIN, m.label(i))})
				}
			}
			if s.IssuerLEI != "" {
				for _, i := range m.byID["LEI:"+strings.ToUpper(s.IssuerLEI)] {
					hits = append(hits, hit{idx: i, basis: BasisIssuerID,
						evidence: fmt.Sprintf("%s → issuer LEI %s of %s", what(), s.IssuerLEI, m.label(i))})
				}
			}
			if s.IssuerName != "" {
				hits = append(hits, m.exactName(s.IssuerName, func() string { return what() + " → issuer" })...)
			}
			if s.Underlying != "" {
				for _, i := range m.byISIN[strings.ToUpper(s.Underlying)] {
					hits = append(hits, hit{idx: i, basis: BasisDRUnderlying,
						evidence: fmt.Sprintf("%s → depositary receipt over %s → ISIN of %s", what(), s.Underlying, m.label(i))})
				}
			}
			for _, l := range s.Links {
				hits = append(hits, m.viaLink(l, what, bond)...)
			}
		}
	}
	if len(seen) == 0 {
		hits, seen = m.viaIssuerNumber(h, isins, hits)
	}
	return hits, seen
}

// viaIssuerNumber resolves a CUSIP-numbered security the directory does
// not carry through another issue of the same issuer: the first six
// characters of a CUSIP or CINS are the issuer's number (a matured or new
// bond tranche of a listed group's financing vehicle).
func (m *Matcher) viaIssuerNumber(h *Holding, isins []derivedISIN, hits []hit) ([]hit, []*issuers.Security) {
	cusip := h.CUSIP
	if cusip == "" {
		for _, d := range isins {
			if c, ok := issuers.CUSIPInISIN(d.isin); ok {
				cusip = c
				break
			}
		}
	}
	if !issuers.ValidCUSIP(cusip) {
		return hits, nil
	}
	var seen []*issuers.Security
	bond := isBond(h) || (cusip[6] >= 'A' && cusip[6] <= 'Z') // a CUSIP issue number with a letter is debt
	for _, s := range m.dir.SameCUSIPIssuer(cusip) {
		if s.IssuerName == "" && len(s.Links) == 0 {
			continue
		}
		seen = append(seen, s)
		id := s.ISIN
		if id == "" {
			id = s.CUSIP
		}
		what := lazyText(func() string {
			return fmt.Sprintf("CUSIP issuer number %s of %s is that of %s → %s", cusip[:6], cusip, id, describeSecurity(s))
		})
		if s.IssuerName != "" {
			hits = append(hits, m.exactName(s.IssuerName, func() string { return what() + " → issuer" })...)
		}
		for _, l := range s.Links {
			hits = append(hits, m.viaLink(l, what, bond)...)
		}
	}
	return hits, seen
}

func containsSec(ss []*issuers.Security, s *issuers.Security) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

func describeSecurity(s *issuers.Security) string {
	name := s.IssuerName
	if name == "" {
		name = s.Name
	}
	src := s.From.Source
	if src == "" {
		return name
	}
	return fmt.Sprintf("%s (%s)", name, src)
}

// lazyText returns a function that makes a text on its first call and
// keeps it: evidence is written for a hit only, and most look-ups of a
// holding's identifiers in the security master lead to none.
func lazyText(make func() string) func() string {
	var s string
	done := false
	return func() string {
		if !done {
			s, done = make(), true
		}
		return s
	}
}

// viaLink turns a reference-data relation to a listed entry into a hit:
// a financing vehicle's (or a subsidiary's) bond is review (RULES.md I-4),
// any other relation is info (FAQ 857).
func (m *Matcher) viaLink(l issuers.Link, what func() string, bond bool) []hit {
	if l.ListEntry == "" {
		return nil
	}
	var hits []hit
	for i, e := range m.entries {
		if e.entry.ID != l.ListEntry || !strings.HasPrefix(e.entry.List, "OFAC") {
			continue
		}
		b := BasisParentListed
		if l.Relation == "financing_vehicle" || (bond && l.Relation == "subsidiary") {
			b = BasisGuarantorListed
		}
		conf := ""
		if l.From.Confidence != "" {
			conf = ", " + l.From.Confidence
		}
		hits = append(hits, hit{idx: i, basis: b,
			evidence: fmt.Sprintf("%s → %s of %s (%s%s)", what(), strings.ReplaceAll(string(l.Relation), "_", " "), m.label(i), l.From.Source, conf)})
	}
	return hits
}

// isBond reports whether h looks like a bond: its asset class says so, or
// its name is a Bloomberg bond description.
func isBond(h *Holding) bool {
	if bondClass(h.AssetClass) {
		return true
	}
	_, ok := issuers.BondIssuerShortName(h.Name)
	return ok
}

// bondClass reports whether an asset class names debt (Fixed Income, Bond,
// Debt...), without allocating.
func bondClass(ac string) bool {
	for i := 0; i < len(ac); i++ {
		// Only a place where one of the words may start is compared (it
		// is asked for every holding matched). No letter outside ASCII
		// folds to one of theirs (only ſ and K fold to ASCII, to s and k).
		var w string
		switch ac[i] | 0x20 {
		case 'b':
			w = "bond"
		case 'f':
			w = "fixed"
		case 'd':
			w = "debt"
		default:
			continue
		}
		if i+len(w) <= len(ac) && strings.EqualFold(ac[i:i+len(w)], w) {
			return true
		}
	}
	return false
}

// exactName matches a name against the list's names, aliases and issuer
// names after normalisation (RULES.md M-5).
func (m *Matcher) exactName(name string, what func() string) []hit {
	return m.exactNameKey(name, issuers.NormalizeName(name), what)
}

// exactNameKey is exactName of a name whose issuers.NormalizeName is k.
func (m *Matcher) exactNameKey(name, k string, what func() string) []hit {
	if k == "" {
		return nil
	}
	var hits []hit
	// The calibrated exact tier: equal normalised names whose legal forms
	// agree (issuers.NameIndex.Exact; a bare brand or alias never equals a
	// legal name). byName tells which of the entry's names it was (and
	// when it has none, the index is not asked).
	var refs []nameRef
	if byName := m.byName[k]; len(byName) > 0 {
		exact := m.names.Exact(name)
		for _, r := range byName {
			for _, e := range exact {
				if e.Key == strconv.Itoa(r.idx) {
					refs = append(refs, r)
					break
				}
			}
		}
	}
	legal := false // the name is some entry's own name or issuer name
	for _, r := range refs {
		if !r.alias() {
			legal = true
		}
	}
	for _, r := range refs {
		b := BasisIssuerNameExact
		note := ""
		if r.alias() {
			b = BasisIssuerAlias
			if legal {
				// The name is another listed entity's legal name: an alias
				// of this one that reads the same is a possible match only
				// (RULES.md M-8: China Mobile Ltd vs the group's "CHINA MOBILE").
				b, note = BasisNameSimilar, " (the name is another entry's own name: review)"
			}
		}
		hits = append(hits, hit{idx: r.idx, basis: b, score: 1,
			evidence: fmt.Sprintf("%s %q → %s %q of %s%s", what(), name, r.kind, r.name, m.label(r.idx), note)})
	}
	if len(hits) == 0 {
		for _, i := range m.byLinked[k] {
			hits = append(hits, hit{idx: i, basis: BasisLinkedTo,
				evidence: fmt.Sprintf("%s %q → named in Linked To of %s", what(), name, m.label(i))})
		}
	}
	return hits
}

// viaName matches the holding's own security name: exactly, as the issuer
// short name of a bond description, through the directory's issuer links,
// and last by similarity. Results are memoised by name: a large file
// repeats a few thousand names over millions of rows.
func (m *Matcher) viaName(h *Holding, strong bool) []hit {
	name := strings.TrimSpace(h.Name)
	if name == "" {
		return nil
	}
	bond := bondClass(h.AssetClass)
	names := m.names2 // names of securities of other classes, or bonds
	if bond {
		names = m.bondNames
	}
	// One lock on the way that most rows take: the name and its
	// similarity hits both known.
	m.mu.Lock()
	memo, ok := names[name]
	var done bool
	var sim []hit
	if ok {
		done, sim = memo.simDone, memo.sim
	}
	m.mu.Unlock()
	if !ok {
		memo = m.nameHits(name, bond)
		m.mu.Lock()
		if len(names) >= maxNameCache {
			clear(names)
		}
		names[strings.Clone(name)] = memo
		m.mu.Unlock()
	}
	if strong || memo.strong || memo.noSimilar {
		return memo.hits
	}
	if done {
		return sim
	}
	sim = append(append([]hit(nil), memo.hits...), m.similar(name, func() string { return fmt.Sprintf("security name %q", name) })...)
	m.mu.Lock()
	memo.sim, memo.simDone = sim, true
	m.mu.Unlock()
	return sim
}

// nameMemo is the memoised result of matching one security name.
type nameMemo struct {
	hits      []hit // exact, bond short name and issuer-link hits
	strong    bool  // hits include one that can prohibit
	noSimilar bool  // a bond description: no fuzzy match of the full text
	sim       []hit // hits plus fuzzy hits, once computed
	simDone   bool
}

func (m *Matcher) nameHits(name string, bond bool) *nameMemo {
	memo := &nameMemo{}
	if short, ok := issuers.BondIssuerShortName(name); ok {
		// A bond description names an issuer short name, not an issuer.
		memo.noSimilar = true
		if issuers.IsSovereignShortName(short) {
			return memo
		}
		for _, r := range m.byName[issuers.NormalizeName(short)] {
			memo.hits = append(memo.hits, hit{idx: r.idx, basis: BasisNameSimilar, score: 1,
				evidence: fmt.Sprintf("bond %q → issuer short name %q → %s %q of %s (a short name is not an issuer: review)", name, short, r.kind, r.name, m.label(r.idx))})
		}
		if len(memo.hits) == 0 {
			memo.hits = m.similar(short, func() string { return fmt.Sprintf("bond %q → issuer short name %q", name, short) })
		}
		return memo
	}
	k := issuers.NormalizeName(name) // once, for both look-ups
	memo.hits = m.exactNameKey(name, k, func() string { return "security name" })
	if m.dir != nil {
		// (a bond description returned above; bond here is the asset class)
		for _, l := range m.dir.IssuerLinksKey(k) {
			memo.hits = append(memo.hits, m.viaLink(l, func() string { return fmt.Sprintf("security name %q → issuer %q", name, l.Name) }, bond)...)
		}
	}
	for _, x := range memo.hits {
		if x.basis.CanProhibit() {
			memo.strong = true
		}
	}
	return memo
}

// normName is issuers.NormalizeName, memoised.
func (m *Matcher) normName(name string) string {
	m.mu.Lock()
	n, ok := m.norms[name]
	m.mu.Unlock()
	if ok {
		return n
	}
	n = issuers.NormalizeName(name)
	m.mu.Lock()
	if len(m.norms) >= maxNameCache {
		m.norms = map[string]string{}
	}
	m.norms[strings.Clone(name)] = n
	m.mu.Unlock()
	return n
}

// tickerKey is the normalised ticker key of h ("" without a market). It
// is not memoised: parsing a ticker costs less than a probe of a shared
// map of every ticker seen (a cache miss and a lock both workers take).
func (m *Matcher) tickerKey(h *Holding) string {
	if t, ok := h.NormalTicker(); ok {
		return t.Key()
	}
	return ""
}

// similar is the fuzzy last resort: a review signal only, never a hit.
func (m *Matcher) similar(name string, describe func() string) []hit {
	m.mu.Lock()
	res, ok := m.cache[name]
	m.mu.Unlock()
	if !ok {
		res = m.names.Similar(name, 3)
		m.mu.Lock()
		if len(m.cache) >= maxNameCache {
			m.cache = map[string][]issuers.NameMatch{}
		}
		m.cache[strings.Clone(name)] = res
		m.mu.Unlock()
	}
	var hits []hit
	what := ""
	for _, r := range res {
		if r.Score < issuers.ReviewThreshold {
			continue
		}
		if what == "" {
			what = describe() // the evidence's start, for a hit only
		}
		var idx int
		fmt.Sscan(r.Key, &idx)
		if kind, ok := m.otherProgramName(idx, r); ok {
			// RULES.md §7: a list that is not an investment ban flags,
			// it does not ask for a review of a name it carries.
			b := BasisIssuerNameExact
			if kind != "name" && kind != "issuer name" {
				b = BasisIssuerAlias
			}
			hits = append(hits, hit{idx: idx, basis: b, score: r.Score,
				evidence: fmt.Sprintf("%s = %s %q of %s (%s), the same words with no legal form to compare: a flag for a list that is not an investment ban",
					what, kind, r.Name, m.label(idx), strings.Join(m.entries[idx].entry.Programs, " "))})
			continue
		}
		hits = append(hits, hit{idx: idx, basis: BasisNameSimilar, score: r.Score, fuzzy: true,
			evidence: fmt.Sprintf("%s ≈ %q of %s (score %.2f; matched %s; unmatched %s)", what, r.Name, m.label(idx), r.Score,
				strings.Join(r.Matched, " "), strings.Join(r.Unmatched, " "))})
	}
	return hits
}

// otherProgramName reports whether a similarity match r to entry idx is
// in fact the entry's own name or a strong alias, word for word (in any
// order, with a legal form on one side only: SBERBANK ROSSII, GAZPROM
// against PUBLIC JOINT STOCK COMPANY GAZPROM, BANK VTB against VTB BANK,
// PJSC), on a list that is neither NS-CMIC nor SDN (SSI, EO 14024
// directives, 561-related...): those give risk_flag, not review. A weak
// alias, a truncated or plural word, or legal forms that differ keep the
// review. It returns which of the entry's names it was.
func (m *Matcher) otherProgramName(idx int, r issuers.NameMatch) (string, bool) {
	e := m.entries[idx].entry
	if e.HasProgram(ProgramCMIC) || e.List == ListOFACSDN {
		return "", false
	}
	for _, u := range r.Unmatched {
		if u != "(no legal form)" {
			return "", false
		}
	}
	for _, w := range r.Matched {
		if strings.ContainsAny(w, "~+=") {
			return "", false
		}
	}
	for _, ref := range m.byName[issuers.NormalizeName(r.Name)] {
		if ref.idx == idx && ref.name == r.Name && ref.kind != "weak alias" {
			return ref.kind, true
		}
	}
	return "", false
}

// decide turns hits into the finding's status, entry, basis, dates and
// action: the strictest legal result wins (RULES.md X-1).
func (m *Matcher) decide(f *Finding, hits []hit, at time.Time, us USPerson, opt Options) {
	type cand struct {
		idx    int
		status Status
		bases  []Basis
		ev     []string
		listed bool
	}
	byIdx := map[int]*cand{}
	var order []int
	for _, x := range hits {
		c, ok := byIdx[x.idx]
		if !ok {
			c = &cand{idx: x.idx, status: StatusClear}
			byIdx[x.idx] = c
			order = append(order, x.idx)
		}
		st, listed := m.statusFor(x.idx, x.basis, at)
		if listed {
			c.listed = true
		}
		if st.Rank() < c.status.Rank() {
			c.status = st
		}
		c.bases = appendBasis(c.bases, x.basis)
		if x.basis == BasisISINListed || x.basis == BasisTickerListed || !containsStr(c.ev, x.evidence) {
			c.ev = appendStr(c.ev, x.evidence)
		}
	}
	best := byIdx[order[0]]
	for _, i := range order[1:] {
		c := byIdx[i]
		if c.status.Rank() < best.status.Rank() ||
			(c.status == best.status && strongest(c.bases).Rank() < strongest(best.bases).Rank()) {
			best = c
		}
	}
	sort.Slice(best.bases, func(i, j int) bool { return best.bases[i].Rank() < best.bases[j].Rank() })
	e := m.entries[best.idx].entry
	f.Status = best.status
	f.LegalStatus = best.status
	f.Basis = best.bases
	f.Entry = &EntryRef{ID: e.ID, Name: e.Name, Program: strings.Join(e.Programs, " "), List: e.List}
	notes := f.Evidence // name-only notes from identityFirst
	f.Evidence = best.ev
	for _, i := range order {
		if c := byIdx[i]; c != best {
			for _, ev := range c.ev {
				f.Evidence = append(f.Evidence, fmt.Sprintf("also (%s): %s", c.status, ev))
			}
		}
	}
	f.Evidence = append(f.Evidence, notes...)
	for _, ln := range e.LinkedTo {
		f.Evidence = append(f.Evidence, fmt.Sprintf("%s is linked to %s (Linked To:)", m.label(best.idx), ln))
	}
	if e.HasProgram(ProgramCMIC) && (isCMICStatus(f.Status) || f.Status == StatusReview) {
		// Dates of the entry the position is (or may be) a security of;
		// an info finding concerns a relative, whose dates do not bind.
		f.ListingDate, f.EffectiveDate, f.DivestmentDate = e.ListingDate, e.EffectiveDate, e.DivestmentDate
	}
	if !best.listed && best.status == StatusClear {
		f.Evidence = append(f.Evidence, fmt.Sprintf("not yet listed on the as-of date: %s is listed from %s", m.label(best.idx), e.ListingDate))
	}
	switch f.Status {
	case StatusPreEffective, StatusDivestOnly, StatusProhibitedLocked:
		if !f.DivestmentDate.IsZero() {
			n := DaysLeft(f.DivestmentDate, at)
			f.DaysLeft = &n
		}
	}
	f.Action = action(f, at)
	if !us.IsUS() && isCMICStatus(f.Status) {
		f.Action = nonUSAction(f.Action)
	}
	if opt.AffiliatePolicy && (f.Status == StatusInfo) {
		f.Policy = "restricted by firm policy: a parent or affiliate is listed (FIRM_POLICY_AFFILIATE)"
	}
	if f.Status == StatusPreEffective {
		f.Policy = "firm policy: stop new buys from the listing date (FIRM_POLICY_PRE_EFFECTIVE)"
	}
	m.applyDecision(f, best.idx, at, us, opt)
}

func (m *Matcher) applyDecision(f *Finding, idx int, at time.Time, us USPerson, opt Options) {
	if len(opt.Decisions) == 0 || f.Key == "" {
		return
	}
	e := m.entries[idx]
	for _, d := range opt.Decisions {
		if d.Key != f.Key || d.List != e.entry.List || d.EntryID != e.entry.ID {
			continue
		}
		dd := d.Decision
		if d.Fingerprint != "" && d.Fingerprint != e.fp {
			f.Warnings = append(f.Warnings, fmt.Sprintf("re-opened: %s changed since %s %s it on %s", m.label(idx), dd.Reviewer, dd.Outcome, dd.At))
			continue
		}
		f.Decision = &dd
		switch {
		case dd.Outcome == "cleared" && f.Status == StatusReview:
			f.Status = StatusCleared
			f.Action = fmt.Sprintf("Cleared by %s on %s: %s", dd.Reviewer, dd.At, dd.Reason)
		case dd.Outcome == "confirmed" && f.Status == StatusReview:
			// A person confirmed the security is the listed entity's: it
			// takes that entry's status (the machine's stays in legal_status).
			st, listed := m.statusFor(idx, BasisIssuerNameExact, at)
			if !listed {
				break
			}
			f.Status = st
			e := e.entry
			if e.HasProgram(ProgramCMIC) && isCMICStatus(st) && !e.DivestmentDate.IsZero() {
				n := DaysLeft(e.DivestmentDate, at)
				f.DaysLeft = &n
			}
			f.Action = action(f, at)
			if !us.IsUS() && isCMICStatus(f.Status) {
				f.Action = nonUSAction(f.Action)
			}
			f.Evidence = append(f.Evidence, fmt.Sprintf("confirmed as %s by %s on %s: %s", m.label(idx), dd.Reviewer, dd.At, dd.Reason))
		}
	}
}

func isCMICStatus(s Status) bool {
	return s == StatusPreEffective || s == StatusDivestOnly || s == StatusProhibitedLocked
}

// statusFor is the status one hit gives: CMIC dates for bases that can
// prohibit, blocked for SDN programs, risk_flag for other lists, review for
// possible matches and info for relatives.
func (m *Matcher) statusFor(idx int, b Basis, at time.Time) (Status, bool) {
	e := m.entries[idx].entry
	switch b {
	case BasisNameSimilar, BasisGuarantorListed:
		return StatusReview, true
	case BasisParentListed, BasisLinkedTo:
		return StatusInfo, true
	}
	if e.HasProgram(ProgramCMIC) {
		return CMICStatus(e, at)
	}
	if e.List == ListOFACSDN {
		return StatusBlocked, true
	}
	return StatusRiskFlag, true
}

func strongest(bs []Basis) Basis {
	best := Basis("")
	for _, b := range bs {
		if best == "" || b.Rank() < best.Rank() {
			best = b
		}
	}
	return best
}

func appendBasis(bs []Basis, b Basis) []Basis {
	for _, x := range bs {
		if x == b {
			return bs
		}
	}
	return append(bs, b)
}

func containsStr(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

func appendStr(s []string, v string) []string {
	if containsStr(s, v) {
		return s
	}
	return append(s, v)
}

// nonUSAction is the action of a CMIC finding on a non-US-person account:
// nothing to do, with what a US person would have to do beside it (so the
// text does not read as an order the decision contradicts).
func nonUSAction(usAction string) string {
	return "None required: the CMIC prohibitions do not apply to this non-US-person account (FAQs 863, 902). For a US person: " + lowerFirst(usAction)
}

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}

// action is what the report tells the user to do for f's status.
func action(f *Finding, at time.Time) string {
	switch f.Status {
	case StatusPreEffective:
		return fmt.Sprintf("Not yet prohibited: purchases are barred from 12:01 a.m. ET %s; firm policy usually stops new buys now", f.EffectiveDate)
	case StatusDivestOnly:
		n := 0
		if f.DaysLeft != nil {
			n = *f.DaysLeft
		}
		return fmt.Sprintf("No purchases; divest to a non-US person before 12:01 a.m. ET %s: %d days left", f.DivestmentDate, n)
	case StatusProhibitedLocked:
		return "Hold; no purchase or sale without an OFAC licence; no DRIP; reject and report attempted trades within 10 business days"
	case StatusBlocked:
		return "Blocked property: freeze, do not deal, report to OFAC"
	case StatusRiskFlag:
		return "Not an investment ban: apply firm policy for this list"
	case StatusReview:
		return "Review the possible match: confirm or clear it with a reason"
	case StatusInfo:
		return "Not covered by the ban (FAQ 857: a subsidiary is covered only if itself listed); shown for awareness"
	}
	return ""
}
