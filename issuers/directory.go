package issuers

import (
	"fmt"
	"sort"
	"strings"
	"sync"
)

// Provenance says where a fact in the directory came from.
type Provenance struct {
	Source     string `json:"source"`               // data set or file, e.g. "HKEX_ListOfSecurities_2021-12-03.xlsx"
	AsOf       string `json:"as_of,omitempty"`      // date the source states (YYYY, YYYY-MM or YYYY-MM-DD), or ""
	Confidence string `json:"confidence,omitempty"` // "confirmed", "likely", or "" when the source does not grade it
	Ref        string `json:"ref,omitempty"`        // place in the source (row, line) or the documents it cites
}

// Relation is the kind of a Link from a security's issuer to another entity.
type Relation string

// Relations a Link can carry. Subsidiary, financing vehicle and affiliate come
// from the cmic-related issuers file and user mappings; direct and ultimate
// parent from GLEIF level 2 data; dr_underlying from depositary-receipt data.
const (
	RelSubsidiary       Relation = "subsidiary"        // the issuer is controlled by the linked entity
	RelFinancingVehicle Relation = "financing_vehicle" // the issuer is an issuing SPV or finance arm of it
	RelAffiliate        Relation = "affiliate"         // a minority or largest-but-not-controlling shareholder
	RelSameGroup        Relation = "same_group"        // same group, relation not stated further
	RelDirectParent     Relation = "direct_parent"     // GLEIF IS_DIRECTLY_CONSOLIDATED_BY
	RelUltimateParent   Relation = "ultimate_parent"   // GLEIF IS_ULTIMATELY_CONSOLIDATED_BY
	RelDRUnderlying     Relation = "dr_underlying"     // the security is a depositary receipt over the linked issuer's shares
)

// ParseRelation reads a relation name as written in reference files.
func ParseRelation(s string) (Relation, error) {
	r := Relation(strings.ToLower(strings.TrimSpace(s)))
	switch r {
	case RelSubsidiary, RelFinancingVehicle, RelAffiliate, RelSameGroup,
		RelDirectParent, RelUltimateParent, RelDRUnderlying:
		return r, nil
	}
	return "", fmt.Errorf("unknown relation %q: want subsidiary, financing_vehicle, affiliate, same_group, direct_parent, ultimate_parent or dr_underlying", s)
}

// Link is one relation from a security's issuer to another entity. A link
// never makes a security prohibited by itself (OFAC FAQ 857, RULES.md M-7):
// the engine reports it as parent_listed / linked_to information.
type Link struct {
	Relation  Relation   `json:"relation"`
	Name      string     `json:"name,omitempty"`       // the related entity's name as the source gives it
	LEI       string     `json:"lei,omitempty"`        // its LEI, where known
	ListEntry string     `json:"list_entry,omitempty"` // OFAC ent_num when the source names a listed entry, e.g. "30937"
	From      Provenance `json:"from"`
}

// Security is one instrument in the directory with its issuer and the links
// of that issuer. Any identifier may be empty.
type Security struct {
	ISIN       string   `json:"isin,omitempty"`
	CUSIP      string   `json:"cusip,omitempty"`
	SEDOL      string   `json:"sedol,omitempty"`
	FIGI       string   `json:"figi,omitempty"`
	Tickers    []Ticker `json:"tickers,omitempty"`
	Name       string   `json:"name,omitempty"` // security short name, e.g. HKEX's "CHINA MOBILE"
	Category   string   `json:"category,omitempty"`
	IssuerName string   `json:"issuer_name,omitempty"` // issuer's legal or English name, where a source gives it
	IssuerLEI  string   `json:"issuer_lei,omitempty"`
	// Underlying is the ISIN of the underlying share when the security is a
	// depositary receipt; a dr_underlying Link names the underlying issuer.
	Underlying string     `json:"underlying,omitempty"`
	Links      []Link     `json:"links,omitempty"`
	From       Provenance `json:"from"`
}

// Entity is a legal entity known by its LEI (GLEIF level 1 data).
type Entity struct {
	LEI                string   `json:"lei"`
	Name               string   `json:"name"`
	OtherNames         []string `json:"other_names,omitempty"`
	Jurisdiction       string   `json:"jurisdiction,omitempty"`
	Status             string   `json:"status,omitempty"`              // entity status, e.g. ACTIVE
	RegistrationStatus string   `json:"registration_status,omitempty"` // LEI registration, e.g. ISSUED, LAPSED
	// Exceptions are the reporting exceptions filed instead of a parent, e.g.
	// {ULTIMATE_ACCOUNTING_CONSOLIDATION_PARENT NON_CONSOLIDATING}.
	Exceptions []ParentException `json:"exceptions,omitempty"`
	From       Provenance        `json:"from"`
}

// ParentException is a GLEIF reporting exception: why an entity reports no
// direct or ultimate parent.
type ParentException struct {
	Category string `json:"category"` // DIRECT_ACCOUNTING_CONSOLIDATION_PARENT or ULTIMATE_ACCOUNTING_CONSOLIDATION_PARENT
	Reason   string `json:"reason"`   // NON_CONSOLIDATING, NATURAL_PERSONS, NON_PUBLIC, NO_KNOWN_PERSON...
}

// Directory is the in-memory security master: security (any identifier) →
// issuer → direct parent → ultimate parent, each link with its provenance.
// Look-ups are map accesses. A Directory is not safe for concurrent Add; once
// built, concurrent reads are safe.
type Directory struct {
	secs     []*Security
	byISIN   map[string][]*Security
	byCUSIP  map[string][]*Security
	bySEDOL  map[string][]*Security
	byFIGI   map[string][]*Security
	byTicker map[string][]*Security // Ticker.Key()
	byAny    map[string][]*Security // every identifier and ticker key: one probe per Lookup
	byLEI    map[string][]*Security // issuer LEI
	byIssuer map[string][]*Security // issuerKey(IssuerName)
	// byIssuerNum: the first six characters of a CUSIP or CINS, the issuer
	// number CUSIP Global Services gives one issuer for all its issues
	byIssuerNum map[string][]*Security
	entities    map[string]*Entity
	parents     map[string][]Link // child LEI → direct and ultimate parent links
	sources     []RefSource

	issuerMu   sync.Mutex
	issuerKeys []string // sorted keys of byIssuer, nil when stale

	// keys are issuer keys made ahead, by name, while Default builds the
	// directory (nil after).
	keys []map[string]string
	// later, while Default builds the directory, fills the indexes Add
	// does not read (indexLater).
	later *laterIndex
}

// issuerKey is issuerKey(name), made ahead where Default made it.
func (d *Directory) issuerKey(name string) string {
	for _, m := range d.keys {
		if k, ok := m[name]; ok {
			return k
		}
	}
	return issuerKey(name)
}

// NewDirectory returns an empty directory.
func NewDirectory() *Directory { return newDirectory(0) }

// newDirectory returns an empty directory sized for about n securities.
func newDirectory(n int) *Directory {
	return &Directory{
		secs:        make([]*Security, 0, n),
		byISIN:      make(map[string][]*Security, n),
		byCUSIP:     make(map[string][]*Security, n/8),
		bySEDOL:     make(map[string][]*Security, n/8),
		byFIGI:      map[string][]*Security{},
		byTicker:    make(map[string][]*Security, n),
		byAny:       make(map[string][]*Security, 2*n),
		byLEI:       map[string][]*Security{},
		byIssuer:    make(map[string][]*Security, n),
		byIssuerNum: map[string][]*Security{},
		entities:    map[string]*Entity{},
		parents:     map[string][]Link{},
	}
}

// Len returns the number of securities in the directory.
func (d *Directory) Len() int { return len(d.secs) }

// Sources returns the reference files the directory was built from.
func (d *Directory) Sources() []RefSource { return d.sources }

// AddSource records a reference file the directory was built from.
func (d *Directory) AddSource(s RefSource) { d.sources = append(d.sources, s) }

// Add puts s into the directory. When s shares an ISIN, CUSIP, SEDOL or FIGI
// with a security already there, or has none of those and shares a ticker
// key, it is merged into that record: empty fields are filled, tickers and
// links are added (duplicates dropped), and the first record's values win.
// A US or CA ISIN also indexes the CUSIP it embeds, a GB, IE, GG, IM or JE
// ISIN the SEDOL it embeds.
func (d *Directory) Add(s Security) {
	s.ISIN = normID(s.ISIN)
	s.CUSIP = normID(s.CUSIP)
	s.SEDOL = normID(s.SEDOL)
	s.FIGI = normID(s.FIGI)
	s.IssuerLEI = normID(s.IssuerLEI)
	s.Underlying = normID(s.Underlying)
	if s.CUSIP == "" {
		s.CUSIP = cusipInISIN(s.ISIN)
	}
	if s.SEDOL == "" {
		s.SEDOL = sedolInISIN(s.ISIN)
	}
	if old := d.match(&s); old != nil {
		d.merge(old, &s)
		d.index(old, old)
		// identifiers of s that differ from old's (a second FIGI for the
		// same ISIN, say) still find the merged record
		d.index(&Security{ISIN: s.ISIN, CUSIP: s.CUSIP, SEDOL: s.SEDOL, FIGI: s.FIGI}, old)
		return
	}
	p := new(Security)
	*p = s
	p.Tickers = append([]Ticker(nil), s.Tickers...)
	p.Links = append([]Link(nil), s.Links...)
	d.secs = append(d.secs, p)
	d.index(p, p)
}

func (d *Directory) match(s *Security) *Security {
	for _, m := range []struct {
		idx map[string][]*Security
		id  string
	}{{d.byISIN, s.ISIN}, {d.byCUSIP, s.CUSIP}, {d.bySEDOL, s.SEDOL}, {d.byFIGI, s.FIGI}} {
		if m.id != "" {
			if l := m.idx[m.id]; len(l) > 0 {
				return l[0]
			}
		}
	}
	if s.ISIN != "" || s.CUSIP != "" || s.SEDOL != "" || s.FIGI != "" {
		return nil
	}
	for _, t := range s.Tickers {
		if k := t.Key(); k != "" {
			if l := d.byTicker[k]; len(l) == 1 {
				return l[0]
			}
		}
	}
	return nil
}

func (d *Directory) merge(old, s *Security) {
	fill := func(dst *string, v string) {
		if *dst == "" {
			*dst = v
		}
	}
	fill(&old.ISIN, s.ISIN)
	fill(&old.CUSIP, s.CUSIP)
	fill(&old.SEDOL, s.SEDOL)
	fill(&old.FIGI, s.FIGI)
	fill(&old.Name, s.Name)
	fill(&old.Category, s.Category)
	fill(&old.IssuerName, s.IssuerName)
	fill(&old.IssuerLEI, s.IssuerLEI)
	fill(&old.Underlying, s.Underlying)
	for _, t := range s.Tickers {
		if !hasTicker(old.Tickers, t) {
			old.Tickers = append(old.Tickers, t)
		}
	}
	for _, l := range s.Links {
		if !hasLink(old.Links, l) {
			old.Links = append(old.Links, l)
		}
	}
}

func hasTicker(ts []Ticker, t Ticker) bool {
	for _, u := range ts {
		if u.Key() != "" && u.Key() == t.Key() || u == t {
			return true
		}
	}
	return false
}

func hasLink(ls []Link, l Link) bool {
	for _, m := range ls {
		if m.Relation == l.Relation && m.Name == l.Name && m.LEI == l.LEI && m.ListEntry == l.ListEntry && m.From.Source == l.From.Source {
			return true
		}
	}
	return false
}

// index files target under the identifiers, issuer and tickers of p.
func (d *Directory) index(p, target *Security) {
	put := func(idx map[string][]*Security, k string) { putIndex(idx, k, target) }
	put(d.byISIN, p.ISIN)
	put(d.byCUSIP, p.CUSIP)
	put(d.bySEDOL, p.SEDOL)
	put(d.byFIGI, p.FIGI)
	var keys [8]string
	tks := keys[:0]
	for _, t := range p.Tickers {
		k := t.Key()
		put(d.byTicker, k)
		tks = append(tks, k)
	}
	// The indexes Add does not read (match reads the ones above): while
	// Default builds the directory they are filled on another goroutine,
	// in the same order.
	cusip6 := ""
	if len(p.CUSIP) == 9 {
		cusip6 = p.CUSIP[:6]
	}
	if l := d.later; l != nil {
		l.add(target, cusip6, p.IssuerLEI, d.issuerKey(p.IssuerName), p.ISIN, p.CUSIP, p.SEDOL, p.FIGI, tks)
		return
	}
	d.indexRest(target, cusip6, p.IssuerLEI, d.issuerKey(p.IssuerName))
	for _, k := range []string{p.ISIN, p.CUSIP, p.SEDOL, p.FIGI} {
		putIndex(d.byAny, k, target)
	}
	for _, k := range tks {
		putIndex(d.byAny, k, target)
	}
}

// indexRest files target in the indexes Add does not read but byAny.
func (d *Directory) indexRest(target *Security, cusip6, lei, issuer string) {
	putIndex(d.byIssuerNum, cusip6, target)
	putIndex(d.byLEI, lei, target)
	putIndex(d.byIssuer, issuer, target)
	d.issuerMu.Lock()
	d.issuerKeys = nil
	d.issuerMu.Unlock()
}

// putIndex files target under k in idx, once.
func putIndex(idx map[string][]*Security, k string, target *Security) {
	if k == "" {
		return
	}
	for _, q := range idx[k] {
		if q == target {
			return
		}
	}
	idx[k] = append(idx[k], target)
}

// laterIndex fills the indexes Add does not read on a goroutine of its
// own, from records sent in batches (each the index calls' arguments:
// the target, then its keys for byIssuerNum, byLEI and byIssuer, then its
// keys for byAny, ended by a nil target).
type laterIndex struct {
	b    *laterBatch
	ch   chan *laterBatch
	free chan *laterBatch
	done chan struct{}
}

type laterBatch struct {
	targets []*Security
	keys    []string
}

// indexLater makes index leave the indexes Add does not read to another
// goroutine until indexNow.
func (d *Directory) indexLater() {
	l := &laterIndex{ch: make(chan *laterBatch, 4), free: make(chan *laterBatch, 4), done: make(chan struct{})}
	l.b = &laterBatch{}
	d.later = l
	go func() {
		defer close(l.done)
		for b := range l.ch {
			k := b.keys
			for _, t := range b.targets {
				d.indexRest(t, k[0], k[1], k[2])
				k = k[3:]
				for ; k[0] != ""; k = k[1:] {
					putIndex(d.byAny, k[0], t)
				}
				k = k[1:]
			}
			b.targets, b.keys = b.targets[:0], b.keys[:0]
			select {
			case l.free <- b:
			default:
			}
		}
	}()
}

func (l *laterIndex) add(target *Security, cusip6, lei, issuer, isin, cusip, sedol, figi string, tickers []string) {
	b := l.b
	b.targets = append(b.targets, target)
	b.keys = append(b.keys, cusip6, lei, issuer)
	for _, k := range [...]string{isin, cusip, sedol, figi} {
		if k != "" {
			b.keys = append(b.keys, k)
		}
	}
	for _, k := range tickers {
		if k != "" {
			b.keys = append(b.keys, k)
		}
	}
	b.keys = append(b.keys, "") // the end of target's byAny keys
	if len(b.targets) == 1024 {
		l.ch <- b
		select {
		case l.b = <-l.free:
		default:
			l.b = &laterBatch{}
		}
	}
}

// indexNow waits for the indexes left to another goroutine, and indexes
// at once again.
func (d *Directory) indexNow() {
	l := d.later
	if l == nil {
		return
	}
	if len(l.b.targets) > 0 {
		l.ch <- l.b
	}
	close(l.ch)
	<-l.done
	d.later = nil
}

// normalised reports whether id needs no normID: no lower case, no space.
func normalised(id string) bool {
	for i := 0; i < len(id); i++ {
		if c := id[i]; (c >= 'a' && c <= 'z') || c == ' ' || c == '\t' || c >= 0x80 {
			return false
		}
	}
	return id != ""
}

// Lookup returns the securities known by id: an ISIN, CUSIP, SEDOL, FIGI or
// a Ticker.Key() such as "XHKG:941" (whatever TickerOn/ParseTicker produce).
// Case and surrounding space are ignored. It returns nil when nothing is
// known; several records when an identifier is shared (tickers are reused
// over time, so a ticker key can name more than one security).
func (d *Directory) Lookup(id string) []*Security {
	if normalised(id) {
		// index() files every identifier and ticker key in byAny too.
		l := d.byAny[id]
		return l[:len(l):len(l)]
	}
	return d.lookupSlow(id)
}

func (d *Directory) lookupSlow(id string) []*Security {
	id = strings.TrimSpace(id)
	if id == "" {
		return nil
	}
	if l := d.byTicker[id]; len(l) > 0 {
		return l
	}
	u := normID(id)
	var out []*Security
	for _, idx := range []map[string][]*Security{d.byISIN, d.byCUSIP, d.bySEDOL, d.byFIGI, d.byTicker} {
		l := idx[u]
		if out == nil {
			out = l[:len(l):len(l)] // capped: a later append copies, never writes into the index
			continue
		}
		for _, p := range l {
			out = appendUnique(out, p)
		}
	}
	return out
}

// ByIssuerLEI returns the securities whose issuer has the given LEI.
func (d *Directory) ByIssuerLEI(lei string) []*Security { return d.byLEI[normID(lei)] }

// ByIssuerName returns the securities whose issuer name equals name, ignoring
// case, punctuation and spacing.
func (d *Directory) ByIssuerName(name string) []*Security { return d.byIssuer[issuerKey(name)] }

// SameCUSIPIssuer returns the securities whose CUSIP (or CINS, or the one
// inside a US, CA, BM, KY or VG ISIN) has the issuer number of cusip: its
// first six characters, which CUSIP Global Services gives one issuer for all
// its issues. A bond tranche the directory does not carry (CNOOC Finance
// (2011)'s 2021 notes, USG2353WAA92) is so known by its sister tranche
// (USG2353WAB75).
func (d *Directory) SameCUSIPIssuer(cusip string) []*Security {
	cusip = normID(cusip)
	if len(cusip) < 6 {
		return nil
	}
	return d.byIssuerNum[cusip[:6]]
}

// IssuerNamesWithPrefix returns the normalised issuer names (NormalizeName)
// that begin with prefix, itself normalised, at most limit of them: the
// issuers a truncated name (CHINA COMMUNICATIONS CONST-H) may be the
// beginning of.
func (d *Directory) IssuerNamesWithPrefix(prefix string, limit int) []string {
	d.issuerMu.Lock()
	if d.issuerKeys == nil {
		d.issuerKeys = make([]string, 0, len(d.byIssuer))
		for k := range d.byIssuer {
			if k != "" {
				d.issuerKeys = append(d.issuerKeys, k)
			}
		}
		sort.Strings(d.issuerKeys)
	}
	keys := d.issuerKeys
	d.issuerMu.Unlock()
	var out []string
	for i := sort.SearchStrings(keys, prefix); i < len(keys) && len(out) < limit && strings.HasPrefix(keys[i], prefix); i++ {
		out = append(out, keys[i])
	}
	return out
}

// IssuerLinks returns the links recorded for the issuer named issuerName
// (case, punctuation and spacing ignored) across all its securities, without
// duplicates, in the order they were added.
func (d *Directory) IssuerLinks(issuerName string) []Link {
	return d.IssuerLinksKey(issuerKey(issuerName))
}

// IssuerLinksKey is IssuerLinks of an issuer name whose NormalizeName is
// key (a caller that has it saves normalising the name again).
func (d *Directory) IssuerLinksKey(key string) []Link {
	var out []Link
	for _, p := range d.byIssuer[key] {
		for _, l := range p.Links {
			if !hasLink(out, l) {
				out = append(out, l)
			}
		}
	}
	return out
}

// AddEntity records a legal entity. A second record for the same LEI fills
// the first one's empty fields and adds its exceptions.
func (d *Directory) AddEntity(e Entity) {
	e.LEI = normID(e.LEI)
	if e.LEI == "" {
		return
	}
	old := d.entities[e.LEI]
	if old == nil {
		p := e
		d.entities[e.LEI] = &p
		return
	}
	if old.Name == "" {
		old.Name = e.Name
	}
	if old.Jurisdiction == "" {
		old.Jurisdiction = e.Jurisdiction
	}
	if old.Status == "" {
		old.Status = e.Status
	}
	if old.RegistrationStatus == "" {
		old.RegistrationStatus = e.RegistrationStatus
	}
	for _, n := range e.OtherNames {
		if !containsString(old.OtherNames, n) {
			old.OtherNames = append(old.OtherNames, n)
		}
	}
	for _, x := range e.Exceptions {
		if !containsException(old.Exceptions, x) {
			old.Exceptions = append(old.Exceptions, x)
		}
	}
}

// Entity returns the entity with the given LEI, or nil.
func (d *Directory) Entity(lei string) *Entity { return d.entities[normID(lei)] }

// AddParent records that the entity childLEI has parent l (l.Relation is
// direct_parent or ultimate_parent, l.LEI the parent's LEI). Duplicates are
// dropped.
func (d *Directory) AddParent(childLEI string, l Link) {
	childLEI = normID(childLEI)
	l.LEI = normID(l.LEI)
	if childLEI == "" || l.LEI == "" {
		return
	}
	for _, m := range d.parents[childLEI] {
		if m.Relation == l.Relation && m.LEI == l.LEI {
			return
		}
	}
	d.parents[childLEI] = append(d.parents[childLEI], l)
}

// Parents returns the parents of the entity lei: direct parents first, then
// ultimate parents, each with the parent's name from its entity record where
// the link has none. It returns nil when no parent is recorded, for example
// when the entity filed a reporting exception (see Entity.Exceptions).
func (d *Directory) Parents(lei string) []Link {
	ls := d.parents[normID(lei)]
	if len(ls) == 0 {
		return nil
	}
	out := make([]Link, len(ls))
	copy(out, ls)
	for i := range out {
		if out[i].Name == "" {
			if e := d.entities[out[i].LEI]; e != nil {
				out[i].Name = e.Name
			}
		}
	}
	rank := func(r Relation) int {
		if r == RelDirectParent {
			return 0
		}
		return 1
	}
	sort.SliceStable(out, func(i, j int) bool { return rank(out[i].Relation) < rank(out[j].Relation) })
	return out
}

func appendUnique(l []*Security, p *Security) []*Security {
	for _, q := range l {
		if q == p {
			return l
		}
	}
	return append(l, p)
}

func containsString(l []string, s string) bool {
	for _, t := range l {
		if t == s {
			return true
		}
	}
	return false
}

func containsException(l []ParentException, x ParentException) bool {
	for _, y := range l {
		if y == x {
			return true
		}
	}
	return false
}

// normID upper-cases an identifier and removes spaces.
func normID(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return ""
	}
	if strings.ContainsAny(s, " \t") {
		s = strings.Join(strings.Fields(s), "")
	}
	return strings.ToUpper(s)
}

// cusipInISIN returns the CUSIP embedded in a US or CA ISIN, or "".
func cusipInISIN(isin string) string {
	if len(isin) == 12 && (strings.HasPrefix(isin, "US") || strings.HasPrefix(isin, "CA")) {
		return isin[2:11]
	}
	return ""
}

// sedolInISIN returns the SEDOL embedded in a GB, IE, GG, IM or JE ISIN
// ("GB00" + SEDOL + check digit), or "".
func sedolInISIN(isin string) string {
	if len(isin) != 12 || isin[2:4] != "00" {
		return ""
	}
	switch isin[:2] {
	case "GB", "IE", "GG", "IM", "JE":
		return isin[4:11]
	}
	return ""
}

// issuerKey is the key issuer names are indexed by: upper case, letters and
// digits only, words separated by one space, "&" read as AND. Legal forms are
// kept (RULES.md M-5 says they can separate listed entities); fuzzy matching
// is the engine's business.
func issuerKey(name string) string { return NormalizeName(name) }

// FileError is a problem at a place in a reference or mapping file. Line and
// Column count from 1; 0 means unknown. It carries the same fields as
// screener.ParseError (which this package cannot import), so callers convert
// it field by field.
type FileError struct {
	File   string
	Line   int
	Column int
	Field  string // column name, where the file has a header
	Reason string // for people: what is wrong and what was expected
	Err    error
}

func (e *FileError) Error() string {
	s := e.File
	if e.Line > 0 {
		s += fmt.Sprintf(":%d", e.Line)
		if e.Column > 0 {
			s += fmt.Sprintf(":%d", e.Column)
		}
	}
	if e.Field != "" {
		s += fmt.Sprintf(" (%s)", e.Field)
	}
	return s + ": " + e.Reason
}

func (e *FileError) Unwrap() error { return e.Err }
