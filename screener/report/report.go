// Package report holds what the people-facing report formats share: the
// findings grouped by status, the open divestment windows, the sign-off
// block and the report's digest. Each format is a package of its own, one
// per dependency: xlsx (excelize), pdf (go-pdf/fpdf), chart
// (go-analyze/charts) and html (html/template). All of them read the one
// report model, screener.Report (schema screener.report/v1), so every
// format says the same.
package report

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"sort"
	"strconv"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/screener/screener/screener"
	"github.com/screener/screener/screener/labels"
)

// SignOff is the block a compliance officer signs: who prepared the
// report, who reviewed it, and when. Empty fields print as lines to fill
// in by hand.
type SignOff struct {
	PreparedBy string
	ReviewedBy string
	Date       string
}

// Meta is what a rendered report says about itself besides the model.
type Meta struct {
	Title   string // e.g. "Divestment report"; empty: "Divestment report"
	SignOff SignOff
	// Digest is the SHA-256 of the report's JSON (screener.report/v1), so a
	// printed report can be matched with the JSON it came from. Empty:
	// Digest computes it.
	Digest string
}

// TitleOr returns m's title or the default one.
func (m Meta) TitleOr() string {
	if m.Title == "" {
		return "Divestment report"
	}
	return m.Title
}

// Digest returns the hex SHA-256 of r written as JSON (screener.report/v1):
// for a saved run it is the digest of the saved bytes.
func Digest(r *screener.Report) (string, error) {
	var b bytes.Buffer
	if err := r.WriteJSON(&b); err != nil {
		return "", err
	}
	return DigestBytes(b.Bytes()), nil
}

// DigestBytes returns the hex SHA-256 of a report's JSON bytes.
func DigestBytes(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// Resolve fills m.Digest from r when it is empty.
func Resolve(r *screener.Report, m Meta) (Meta, error) {
	if m.Digest != "" {
		return m, nil
	}
	d, err := Digest(r)
	m.Digest = d
	return m, err
}

// Group is the findings of one status.
type Group struct {
	Status   screener.Status
	Findings []*screener.Finding
}

// ByStatus groups r's findings by status, strictest status first, keeping
// the report's order within a group. Statuses with no finding are left out.
func ByStatus(r *screener.Report) []Group {
	idx := map[screener.Status]int{}
	var gs []Group
	for i := range r.Findings {
		f := &r.Findings[i]
		j, ok := idx[f.Status]
		if !ok {
			j = len(gs)
			idx[f.Status] = j
			gs = append(gs, Group{Status: f.Status})
		}
		gs[j].Findings = append(gs[j].Findings, f)
	}
	sort.SliceStable(gs, func(a, b int) bool { return gs[a].Status.Rank() < gs[b].Status.Rank() })
	return gs
}

// IsOpenWindow reports whether f is in, or heading for, a divestment
// window that has not closed: a divestment date with days left.
func IsOpenWindow(f *screener.Finding) bool {
	if f.DivestmentDate.IsZero() || f.DaysLeft == nil || *f.DaysLeft < 0 {
		return false
	}
	return f.Status == screener.StatusDivestOnly || f.Status == screener.StatusPreEffective
}

// Windows returns r's findings with an open divestment window, soonest
// deadline first.
func Windows(r *screener.Report) []*screener.Finding {
	var out []*screener.Finding
	for i := range r.Findings {
		if f := &r.Findings[i]; IsOpenWindow(f) {
			out = append(out, f)
		}
	}
	SortWindows(out)
	return out
}

// SortWindows orders findings by divestment date, then file and line.
func SortWindows(fs []*screener.Finding) {
	sort.SliceStable(fs, func(a, b int) bool {
		if d := fs[a].DivestmentDate.Sub(fs[b].DivestmentDate); d != 0 {
			return d < 0
		}
		if fs[a].File != fs[b].File {
			return fs[a].File < fs[b].File
		}
		return fs[a].Line < fs[b].Line
	})
}

// SplitEntityKey splits a by-entry total's key ("LIST/ID NAME") into the
// entry's reference ("LIST/ID") and its name.
func SplitEntityKey(key string) (ref, name string) {
	ref, name, _ = strings.Cut(key, " ")
	return ref, name
}

// StatusTotals returns r's totals by status, strictest status first, then
// by currency.
func StatusTotals(r *screener.Report) []screener.Total {
	ts := append([]screener.Total(nil), r.Totals.ByStatus...)
	sort.SliceStable(ts, func(a, b int) bool {
		ra, rb := screener.Status(ts[a].Key).Rank(), screener.Status(ts[b].Key).Rank()
		if ra != rb {
			return ra < rb
		}
		return ts[a].Currency < ts[b].Currency
	})
	return ts
}

// Currencies returns the currencies in ts, sorted.
func Currencies(ts []screener.Total) []string {
	seen := map[string]bool{}
	var out []string
	for _, t := range ts {
		if !seen[t.Currency] {
			seen[t.Currency] = true
			out = append(out, t.Currency)
		}
	}
	sort.Strings(out)
	return out
}

// SecurityLabel names a security for people: its name, then its strongest
// identifier.
func SecurityLabel(s screener.Security) string {
	id := ""
	for _, v := range []string{s.ISIN, s.Ticker, s.CUSIP, s.SEDOL, s.FIGI} {
		if v != "" {
			id = v
			break
		}
	}
	switch {
	case id == "":
		return s.Name
	case s.Name == "":
		return id
	}
	return s.Name + " (" + id + ")"
}

// Identifiers lists a security's identifiers as "ISIN X, ticker Y".
func Identifiers(s screener.Security) string {
	var parts []string
	for _, p := range []struct{ k, v string }{{"ISIN", s.ISIN}, {"CUSIP", s.CUSIP}, {"SEDOL", s.SEDOL},
		{"FIGI", s.FIGI}, {"ticker", strings.TrimSpace(s.Ticker + " " + s.Exchange)}} {
		if p.v != "" {
			parts = append(parts, p.k+" "+p.v)
		}
	}
	return strings.Join(parts, ", ")
}

// JoinBasis writes a finding's bases separated by spaces.
func JoinBasis(bs []screener.Basis) string {
	s := make([]string, len(bs))
	for i, b := range bs {
		s[i] = string(b)
	}
	return strings.Join(s, " ")
}

// Money writes an amount with thousands separators and two decimals (for
// display; the JSON and XLSX carry the exact value).
func Money(d decimal.Decimal) string { return group(d.StringFixed(2)) }

// Quantity writes a quantity with thousands separators and every decimal
// it has.
func Quantity(d decimal.Decimal) string { return group(d.String()) }

// group inserts thousands separators into a plain decimal string.
func group(s string) string {
	neg := strings.HasPrefix(s, "-")
	if neg {
		s = s[1:]
	}
	intPart, frac := s, ""
	if i := strings.IndexByte(s, '.'); i >= 0 {
		intPart, frac = s[:i], s[i:]
	}
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, c := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	b.WriteString(frac)
	return b.String()
}

// DaysLeft writes a finding's days left, or "" when it has none.
func DaysLeft(f *screener.Finding) string {
	if f.DaysLeft == nil {
		return ""
	}
	return strconv.Itoa(*f.DaysLeft)
}

// LookthroughLines describes a fund position's look-through for people:
// the fund, its holdings date, the exposure, then one line per constituent
// that is not clear.
func LookthroughLines(lt *screener.Lookthrough) []string {
	if lt == nil {
		return nil
	}
	head := "look-through"
	if lt.Fund != "" {
		head += ": " + lt.Fund
	}
	if !lt.HoldingsAsOf.IsZero() {
		head += ", holdings as of " + lt.HoldingsAsOf.String()
	}
	if lt.ExposureWeight != nil {
		head += ", exposure " + lt.ExposureWeight.String() + "%"
	}
	if lt.ExposureValue != nil {
		head += " = " + Money(*lt.ExposureValue) + " " + lt.Currency
	}
	if len(lt.Constituents) == 0 && lt.HoldingsAsOf.IsZero() {
		head += " (no holdings available)"
	}
	out := []string{head}
	for _, c := range lt.Constituents {
		l := "  " + labels.Status(c.Status).Name + ": " + SecurityLabel(c.Security)
		if c.Weight != nil {
			l += ", " + c.Weight.String() + "% of the fund"
		}
		if c.Entry != nil {
			l += " → " + c.Entry.Name + " (" + c.Entry.ID + ")"
		}
		if c.Reason != "" {
			l += " [" + c.Reason + "]"
		}
		out = append(out, l)
	}
	if lt.Omitted > 0 {
		out = append(out, "  and "+strconv.Itoa(lt.Omitted)+" more constituent(s) not listed")
	}
	return out
}
