package screener

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// This file holds the pure comparisons the store and the engine share: list
// diffs (DiffLists), entry fingerprints for reviewer decisions
// (EntryFingerprint, ReviewDecision) and finding comparisons after a list
// update (CompareFindings). Storage is screener/store's job.

// Compared fields of an entry, in the order a diff names them.
const (
	FieldName           = "name"
	FieldType           = "type"
	FieldTargetType     = "target_type"
	FieldPrograms       = "programs"
	FieldAliases        = "aliases"
	FieldISINs          = "isins"
	FieldTickers        = "tickers"
	FieldIssuerNames    = "issuer_names"
	FieldUSCCs          = "usccs"
	FieldLEIs           = "leis"
	FieldLinkedTo       = "linked_to"
	FieldListingDate    = "listing_date"
	FieldEffectiveDate  = "effective_date"
	FieldDivestmentDate = "divestment_date"
	FieldAddresses      = "addresses"
	FieldReason         = "reason"
	FieldOtherIDs       = "other_ids"
	FieldRemarks        = "remarks"
)

// entryField is one compared field: either a scalar (one value) or a set.
type entryField struct {
	name string
	// sameFormatOnly marks fields whose content depends on the file format
	// (the CSV keeps all remarks, the XML only leftover text; other IDs are
	// spread differently), compared only when both snapshots share a format.
	sameFormatOnly bool
	scalar         func(e *Entry) string
	set            func(e *Entry) []string
}

// entryFields lists every compared field. The fingerprint covers the fields
// that are not sameFormatOnly, so a decision survives a switch between the
// CSV and the XML edition of the same data.
var entryFields = []entryField{
	{name: FieldName, scalar: func(e *Entry) string { return e.Name }},
	{name: FieldType, scalar: func(e *Entry) string { return e.Type }},
	{name: FieldTargetType, scalar: func(e *Entry) string { return e.TargetType }},
	{name: FieldPrograms, set: func(e *Entry) []string { return e.Programs }},
	{name: FieldAliases, set: aliasStrings},
	{name: FieldISINs, set: func(e *Entry) []string { return e.ISINs }},
	{name: FieldTickers, set: tickerStrings},
	{name: FieldIssuerNames, set: func(e *Entry) []string { return e.IssuerNames }},
	{name: FieldUSCCs, set: func(e *Entry) []string { return e.USCCs }},
	{name: FieldLEIs, set: func(e *Entry) []string { return e.LEIs }},
	{name: FieldLinkedTo, set: func(e *Entry) []string { return e.LinkedTo }},
	{name: FieldListingDate, scalar: func(e *Entry) string { return e.ListingDate.String() }},
	{name: FieldEffectiveDate, scalar: func(e *Entry) string { return e.EffectiveDate.String() }},
	{name: FieldDivestmentDate, scalar: func(e *Entry) string { return e.DivestmentDate.String() }},
	{name: FieldAddresses, set: addressStrings},
	{name: FieldReason, scalar: func(e *Entry) string { return e.Reason }},
	{name: FieldOtherIDs, sameFormatOnly: true, set: otherIDStrings},
	{name: FieldRemarks, sameFormatOnly: true, scalar: func(e *Entry) string { return e.Remarks }},
}

// SameFormatOnlyFields names the fields DiffLists compares only when both
// snapshots come from the same format (List.Format): their content depends
// on the format, not on the data.
func SameFormatOnlyFields() []string {
	var out []string
	for _, f := range entryFields {
		if f.sameFormatOnly {
			out = append(out, f.name)
		}
	}
	return out
}

func aliasStrings(e *Entry) []string {
	out := make([]string, 0, len(e.Aliases))
	for _, a := range e.Aliases {
		s := a.Name
		if a.Type != "" || a.Strength != "" {
			s += " (" + strings.TrimSpace(a.Type+" "+a.Strength) + ")"
		}
		out = append(out, s)
	}
	return out
}

func tickerStrings(e *Entry) []string {
	out := make([]string, 0, len(e.Tickers))
	for _, t := range e.Tickers {
		out = append(out, t.Raw)
	}
	return out
}

func addressStrings(e *Entry) []string {
	out := make([]string, 0, len(e.Addresses))
	for _, a := range e.Addresses {
		var parts []string
		for _, p := range []string{a.Address, a.City, a.Country} {
			if p = strings.TrimSpace(p); p != "" {
				parts = append(parts, p)
			}
		}
		out = append(out, strings.Join(parts, " | "))
	}
	return out
}

func otherIDStrings(e *Entry) []string {
	out := make([]string, 0, len(e.OtherIDs))
	for _, id := range e.OtherIDs {
		s := id.Type + ": " + id.Value
		if id.Country != "" {
			s += " (" + id.Country + ")"
		}
		out = append(out, s)
	}
	return out
}

// canonicalSet returns the distinct non-empty values of v, sorted.
func canonicalSet(v []string) []string {
	seen := make(map[string]bool, len(v))
	out := make([]string, 0, len(v))
	for _, s := range v {
		if s == "" || seen[s] {
			continue
		}
		seen[s] = true
		out = append(out, s)
	}
	sort.Strings(out)
	return out
}

// EntrySummary names an added or removed entry.
type EntrySummary struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// FieldChange is one changed field of an entry: Old and New for a single
// value (name, dates...), Added and Removed for a set (programs, ISINs...).
type FieldChange struct {
	Field   string
	Set     bool // true: Added/Removed; false: Old/New
	Old     string
	New     string
	Added   []string
	Removed []string
}

// MarshalJSON writes {"field","old","new"} for a value and
// {"field","added","removed"} (never null) for a set.
func (c FieldChange) MarshalJSON() ([]byte, error) {
	if c.Set {
		a, r := c.Added, c.Removed
		if a == nil {
			a = []string{}
		}
		if r == nil {
			r = []string{}
		}
		return json.Marshal(struct {
			Field   string   `json:"field"`
			Added   []string `json:"added"`
			Removed []string `json:"removed"`
		}{c.Field, a, r})
	}
	return json.Marshal(struct {
		Field string `json:"field"`
		Old   string `json:"old"`
		New   string `json:"new"`
	}{c.Field, c.Old, c.New})
}

// UnmarshalJSON reads what MarshalJSON writes.
func (c *FieldChange) UnmarshalJSON(b []byte) error {
	var v struct {
		Field   string    `json:"field"`
		Old     *string   `json:"old"`
		New     *string   `json:"new"`
		Added   *[]string `json:"added"`
		Removed *[]string `json:"removed"`
	}
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	*c = FieldChange{Field: v.Field}
	if v.Added != nil || v.Removed != nil {
		c.Set = true
		if v.Added != nil {
			c.Added = *v.Added
		}
		if v.Removed != nil {
			c.Removed = *v.Removed
		}
		return nil
	}
	if v.Old != nil {
		c.Old = *v.Old
	}
	if v.New != nil {
		c.New = *v.New
	}
	return nil
}

// String writes c for people: `programs +RUSSIA-EO14024 -SYRIA` or
// `name "A" → "B"`.
func (c FieldChange) String() string {
	if !c.Set {
		return fmt.Sprintf("%s %q → %q", c.Field, c.Old, c.New)
	}
	var b strings.Builder
	b.WriteString(c.Field)
	for _, s := range c.Added {
		b.WriteString(" +" + s)
	}
	for _, s := range c.Removed {
		b.WriteString(" -" + s)
	}
	return b.String()
}

// EntryChange is an entry present in both snapshots whose compared fields
// differ. Name is the new name.
type EntryChange struct {
	ID     string        `json:"id"`
	Name   string        `json:"name"`
	Fields []FieldChange `json:"fields"`
}

// Field returns the change of field name, if that field changed.
func (c EntryChange) Field(name string) (FieldChange, bool) {
	for _, f := range c.Fields {
		if f.Field == name {
			return f, true
		}
	}
	return FieldChange{}, false
}

// SnapshotRef describes one side of a diff. ID is the store's snapshot id;
// DiffLists leaves it zero and the store fills it in.
type SnapshotRef struct {
	ID      uint64 `json:"id,omitempty"`
	Format  string `json:"format"`
	AsOf    Date   `json:"as_of"`
	SHA256  string `json:"sha256"`
	Entries int    `json:"entries"`
}

// ListDiff is what changed between two snapshots of a list. Removals are
// listed, never applied silently (RULES.md H-18). Notes say which fields
// were not compared and why.
type ListDiff struct {
	List    string         `json:"list"`
	From    SnapshotRef    `json:"from"`
	To      SnapshotRef    `json:"to"`
	Added   []EntrySummary `json:"added"`
	Removed []EntrySummary `json:"removed"`
	Changed []EntryChange  `json:"changed"`
	// Skipped names the fields left out of the comparison: format-bound
	// fields when the formats differ, and fields only one snapshot carries.
	Skipped []string `json:"skipped,omitempty"`
	Notes   []string `json:"notes,omitempty"`
}

// Empty reports whether d has no added, removed or changed entries.
func (d *ListDiff) Empty() bool {
	return len(d.Added) == 0 && len(d.Removed) == 0 && len(d.Changed) == 0
}

// Change returns the change of entry id, if it changed.
func (d *ListDiff) Change(id string) (EntryChange, bool) {
	for _, c := range d.Changed {
		if c.ID == id {
			return c, true
		}
	}
	return EntryChange{}, false
}

func refOf(l *List) SnapshotRef {
	return SnapshotRef{Format: l.Format, AsOf: l.AsOf, SHA256: l.SHA256(), Entries: len(l.Entries)}
}

// carries reports whether any entry of l has a value for f.
func carries(l *List, f entryField) bool {
	for i := range l.Entries {
		e := &l.Entries[i]
		if f.scalar != nil && f.scalar(e) != "" {
			return true
		}
		if f.set != nil && len(canonicalSet(f.set(e))) > 0 {
			return true
		}
	}
	return false
}

// DiffLists compares two snapshots of a list entry by entry (by Entry.ID):
// entries added, removed, and changed with the changed fields named. Sets
// (programs, aliases, ISINs, raw tickers, issuer names, USCCs, LEIs,
// linked-to names, addresses) are compared as sets.
//
// When the snapshots come from different formats (List.Format differs),
// remarks and other IDs are not compared (the CSV keeps all remarks, the XML
// only leftover text), and neither is a field that only one of the two
// snapshots carries at all (no entry has a value for it): both are named in
// Skipped and explained in Notes. Across formats, double quotes compare
// equal to single quotes (OFAC's CSV prints ' where the XML has ").
// A nil list counts as empty.
func DiffLists(old, new *List) ListDiff {
	if old == nil {
		old = &List{}
	}
	if new == nil {
		new = &List{}
	}
	d := ListDiff{List: new.Name, From: refOf(old), To: refOf(new),
		Added: []EntrySummary{}, Removed: []EntrySummary{}, Changed: []EntryChange{}}
	if d.List == "" {
		d.List = old.Name
	}
	if old.Name != "" && new.Name != "" && old.Name != new.Name {
		d.Notes = append(d.Notes, fmt.Sprintf("the snapshots are of different lists (%s, %s)", old.Name, new.Name))
	}

	fields := make([]entryField, 0, len(entryFields))
	// With an empty side nothing can change, so there is nothing to skip.
	crossFormat := old.Format != new.Format && len(old.Entries) > 0 && len(new.Entries) > 0
	for _, f := range entryFields {
		if crossFormat && f.sameFormatOnly {
			d.Skipped = append(d.Skipped, f.name)
			d.Notes = append(d.Notes, fmt.Sprintf("%s not compared: the snapshots come from different formats (%s → %s), which carry it differently",
				f.name, formatName(old.Format), formatName(new.Format)))
			continue
		}
		if crossFormat {
			co, cn := carries(old, f), carries(new, f)
			if co != cn {
				only := old.Format
				if cn {
					only = new.Format
				}
				d.Skipped = append(d.Skipped, f.name)
				d.Notes = append(d.Notes, fmt.Sprintf("%s not compared: only the %s snapshot carries it", f.name, formatName(only)))
				continue
			}
		}
		fields = append(fields, f)
	}

	norm := func(v string) string { return v }
	if crossFormat {
		norm = foldQuotes
		d.Notes = append(d.Notes, `double quotes compared as single quotes: OFAC's CSV cannot carry '"' and prints "'" where the XML has '"'`)
	}

	oldByID := make(map[string]*Entry, len(old.Entries))
	for i := range old.Entries {
		if _, dup := oldByID[old.Entries[i].ID]; !dup {
			oldByID[old.Entries[i].ID] = &old.Entries[i]
		}
	}
	newIDs := make(map[string]bool, len(new.Entries))
	for i := range new.Entries {
		e := &new.Entries[i]
		if newIDs[e.ID] {
			continue
		}
		newIDs[e.ID] = true
		o, ok := oldByID[e.ID]
		if !ok {
			d.Added = append(d.Added, EntrySummary{ID: e.ID, Name: e.Name})
			continue
		}
		if ch := diffEntry(o, e, fields, norm); len(ch) > 0 {
			d.Changed = append(d.Changed, EntryChange{ID: e.ID, Name: e.Name, Fields: ch})
		}
	}
	for i := range old.Entries {
		e := &old.Entries[i]
		if !newIDs[e.ID] {
			newIDs[e.ID] = true // once only
			d.Removed = append(d.Removed, EntrySummary{ID: e.ID, Name: e.Name})
		}
	}
	sort.Slice(d.Added, func(i, j int) bool { return idLess(d.Added[i].ID, d.Added[j].ID) })
	sort.Slice(d.Removed, func(i, j int) bool { return idLess(d.Removed[i].ID, d.Removed[j].ID) })
	sort.Slice(d.Changed, func(i, j int) bool { return idLess(d.Changed[i].ID, d.Changed[j].ID) })
	return d
}

func formatName(f string) string {
	if f == "" {
		return "unnamed-format"
	}
	return f
}

// foldQuotes writes double quotes as single quotes, as OFAC's CSV does.
func foldQuotes(s string) string { return strings.ReplaceAll(s, `"`, "'") }

func mapAll(v []string, norm func(string) string) []string {
	out := make([]string, len(v))
	for i, s := range v {
		out[i] = norm(s)
	}
	return out
}

func diffEntry(o, n *Entry, fields []entryField, norm func(string) string) []FieldChange {
	var out []FieldChange
	for _, f := range fields {
		if f.scalar != nil {
			if a, b := f.scalar(o), f.scalar(n); norm(a) != norm(b) {
				out = append(out, FieldChange{Field: f.name, Old: a, New: b})
			}
			continue
		}
		added, removed := setDiff(canonicalSet(mapAll(f.set(o), norm)), canonicalSet(mapAll(f.set(n), norm)))
		if len(added) > 0 || len(removed) > 0 {
			out = append(out, FieldChange{Field: f.name, Set: true, Added: added, Removed: removed})
		}
	}
	return out
}

// setDiff returns the values of b missing from a and of a missing from b;
// both inputs are sorted and distinct.
func setDiff(a, b []string) (added, removed []string) {
	added, removed = []string{}, []string{}
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		switch {
		case j >= len(b) || (i < len(a) && a[i] < b[j]):
			removed = append(removed, a[i])
			i++
		case i >= len(a) || b[j] < a[i]:
			added = append(added, b[j])
			j++
		default:
			i++
			j++
		}
	}
	return added, removed
}

// idLess orders entry ids numerically when both are numbers (OFAC ent_num),
// as strings otherwise.
func idLess(a, b string) bool {
	x, errA := strconv.ParseUint(a, 10, 64)
	y, errB := strconv.ParseUint(b, 10, 64)
	switch {
	case errA == nil && errB == nil:
		return x < y
	case errA == nil:
		return true
	case errB == nil:
		return false
	}
	return a < b
}

// EntryFingerprint returns the SHA-256 (hex) of e's compared fields in a
// canonical form: sets sorted and deduplicated, format-bound fields (remarks,
// other IDs) left out. Two entries with the same fingerprint say the same
// thing; a reviewer's decision is re-opened when it changes. Double quotes
// count as single quotes, so the XML and CSV editions of one entry agree.
func EntryFingerprint(e *Entry) string {
	h := sha256.New()
	for _, f := range entryFields {
		if f.sameFormatOnly {
			continue
		}
		var vals []string
		if f.scalar != nil {
			vals = []string{foldQuotes(f.scalar(e))}
		} else {
			vals = canonicalSet(mapAll(f.set(e), foldQuotes))
		}
		// Length-prefixed, so no value can imitate a separator.
		fmt.Fprintf(h, "%d:%s;%d;", len(f.name), f.name, len(vals))
		for _, v := range vals {
			fmt.Fprintf(h, "%d:%s;", len(v), v)
		}
	}
	return hex.EncodeToString(h.Sum(nil))
}

// ReviewDecision is a reviewer's decision on a finding, keyed by the
// security (Finding.Key), the list and the entry id, with the entry's
// fingerprint when it was taken. It applies to later screenings of the same
// security against the same entry while the entry's fingerprint is
// unchanged, and is re-opened when it changes.
type ReviewDecision struct {
	Key         string   `json:"key"`
	List        string   `json:"list"`
	EntryID     string   `json:"entry_id"`
	Fingerprint string   `json:"fingerprint"`
	Decision    Decision `json:"decision"`
}

// Matches reports whether d is about finding f (same Key, list and entry).
func (d *ReviewDecision) Matches(f *Finding) bool {
	return f.Entry != nil && d.Key == f.Key && d.List == f.Entry.List && d.EntryID == f.Entry.ID
}

// Applies reports whether d still holds for entry e: false when e's
// fingerprint differs from the one recorded (the decision is re-opened).
func (d *ReviewDecision) Applies(e *Entry) bool {
	return e != nil && d.List == e.List && d.EntryID == e.ID && d.Fingerprint == EntryFingerprint(e)
}

// findingKey identifies a finding across runs: portfolio, security key,
// list and entry id.
func findingKey(f *Finding) string {
	list, id := "", ""
	if f.Entry != nil {
		list, id = f.Entry.List, f.Entry.ID
	}
	return f.Portfolio + "\x00" + f.Key + "\x00" + list + "\x00" + id
}

// CompareFindings returns the findings of new with no counterpart in old
// (appeared) and those of old with none in new (gone), matched by
// (portfolio, Key, entry list, entry id). Findings that reached no entry
// (status clear) are ignored. Order follows the inputs.
func CompareFindings(old, new []Finding) (appeared, gone []Finding) {
	in := func(fs []Finding) map[string]bool {
		m := make(map[string]bool, len(fs))
		for i := range fs {
			if fs[i].Entry != nil {
				m[findingKey(&fs[i])] = true
			}
		}
		return m
	}
	inOld, inNew := in(old), in(new)
	for i := range new {
		if new[i].Entry != nil && !inOld[findingKey(&new[i])] {
			appeared = append(appeared, new[i])
		}
	}
	for i := range old {
		if old[i].Entry != nil && !inNew[findingKey(&old[i])] {
			gone = append(gone, old[i])
		}
	}
	return appeared, gone
}
