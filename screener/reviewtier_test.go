package screener_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/screener/screener/issuers"
	"github.com/screener/screener/screener"
	"github.com/screener/screener/screener/holdings"
	"github.com/screener/screener/screener/report/reporttest"
	"github.com/screener/screener/screener/shareddata"
)

// sharedScreenFiles are the shared index and ETF files the review tier is
// measured on.
var sharedScreenFiles = []string{
	"holdings/index/csi300_constituents_000300cons_2023-06-01.xls",
	"holdings/index/csi300_constituents_gbk_undated-c2014.csv",
	"holdings/index/sse50_constituents_bilingual_2016-12-12.xls",
	"holdings/index/hsi_constituents_yahoo_2024-01.csv",
	"holdings/ishares/ishares_ACWI_holdings_2022-03-10.csv",
	"holdings/ishares/ishares_ACWI_holdings_undated_early-2025.csv",
	"holdings/ishares/ishares_EEM_holdings_2025-01.csv",
	"holdings/ishares/ishares_canada_XWD_holdings_mid-2022_excel-resaved.csv",
}

type collected struct{ hs []screener.Holding }

func (c *collected) Holding(h *screener.Holding) error   { c.hs = append(c.hs, h.Clone()); return nil }
func (c *collected) Reject(e *screener.ParseError) error { return nil }

// ownEntry labels a holding the way testdata/names-pairs.csv labels the
// shared files' lines: by code, not by name. It returns the listed entry
// whose ISIN or equity ticker the holding carries, or "".
func ownEntry(h *screener.Holding, byISIN, byTicker map[string]string) string {
	if id := byISIN[strings.ToUpper(h.ISIN)]; h.ISIN != "" && id != "" {
		return id
	}
	if t, ok := h.NormalTicker(); ok && t.Key() != "" {
		return byTicker[t.Key()]
	}
	return ""
}

type tally struct{ tp, fp, fn int }

func (t tally) String() string {
	p, r := 0.0, 0.0
	if t.tp+t.fp > 0 {
		p = float64(t.tp) / float64(t.tp+t.fp)
	}
	if t.tp+t.fn > 0 {
		r = float64(t.tp) / float64(t.tp+t.fn)
	}
	return fmt.Sprintf("precision %.3f recall %.3f (tp %d fp %d fn %d)", p, r, t.tp, t.fp, t.fn)
}

// TestReviewTierOnSharedFiles screens every line of the shared index and
// ETF files and prints what the review queue is worth (run with -v):
//
//   - as the files are, how many reviews there are and how many of them
//     are the line's own listed entry (by code);
//   - with the identifiers taken away, names only, the precision and
//     recall of the name tiers (exact, short name and similarity): which
//     lines they flag, against the lines that are a listed entry's own.
//
// It fails if a listed entry's own line is not caught with its
// identifiers, or if a listed subsidiary of an NS-CMIC parent (the shared
// and curated relation tables) is anything but info.
func TestReviewTierOnSharedFiles(t *testing.T) {
	l, dir := reporttest.Embedded(t)
	m := screener.NewMatcher([]*screener.List{l}, dir)
	byISIN, byTicker := map[string]string{}, map[string]string{}
	for _, e := range l.Entries {
		if !e.HasProgram(screener.ProgramCMIC) {
			continue
		}
		for _, v := range e.ISINs {
			byISIN[strings.ToUpper(v)] = e.ID
		}
		for _, tk := range e.Tickers {
			if k := tk.Key(); k != "" {
				byTicker[k] = e.ID
			}
		}
	}
	// Codes of listed subsidiaries in the relation tables.
	related := map[string]bool{}
	rows, err := issuers.Curated()
	if err != nil {
		t.Fatal(err)
	}
	sets, err := issuers.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	for _, rd := range sets {
		rows = append(rows, rd.Related...)
	}
	for _, r := range rows {
		if r.Ticker != "" && r.MIC != "" && (r.Relation == issuers.RelSubsidiary || r.Relation == issuers.RelAffiliate) {
			if tk, err := issuers.TickerOn(r.Ticker, r.MIC); err == nil {
				related[tk.Key()] = true
			}
		}
	}
	at, _ := screener.ParseAsOf("2023-07-01")
	var full, names, namesReview tally
	reviews, lines := 0, 0
	for _, rel := range sharedScreenFiles {
		path := shareddata.Path(t, rel)
		var c collected
		if _, err := holdings.ReadFile(path, &c); err != nil {
			t.Logf("%s: not read (%v): not measured", rel, err)
			continue
		}
		for i := range c.hs {
			h := &c.hs[i]
			lines++
			own := ownEntry(h, byISIN, byTicker)
			f := m.Match(h, at, screener.Options{})
			got := ""
			if f.Entry != nil {
				got = f.Entry.ID
			}
			if f.Status == screener.StatusReview {
				reviews++
				if own != "" && got == own {
					full.tp++
				} else {
					full.fp++
					t.Logf("review: %s:%d %q → %s %s", rel, h.Line, h.Name, got, strings.Join(f.Evidence, " | "))
				}
			}
			if own != "" && (f.Status == screener.StatusClear || got != own) {
				t.Errorf("%s:%d %q is a line of listed entry %s, got %s %s", rel, h.Line, h.Name, own, f.Status, got)
			}
			if tk, ok := h.NormalTicker(); ok && related[tk.Key()] && own == "" && f.Status != screener.StatusInfo {
				t.Errorf("%s:%d %q is a listed subsidiary in the relation tables, got %s %s (want info)", rel, h.Line, h.Name, f.Status, got)
			}
			// Names only.
			n := screener.Holding{File: h.File, Line: h.Line, Name: h.Name, AssetClass: h.AssetClass}
			g := m.Match(&n, at, screener.Options{})
			flagged := g.Status != screener.StatusClear && g.Status != screener.StatusInfo && g.Entry != nil && g.Entry.List == screener.ListOFACConsolidated
			gid := ""
			if g.Entry != nil {
				gid = g.Entry.ID
			}
			if g.Status == screener.StatusReview && g.Entry != nil && strings.Contains(g.Entry.Program, screener.ProgramCMIC) {
				if own != "" && gid == own {
					namesReview.tp++
				} else {
					namesReview.fp++
				}
			}
			switch {
			case flagged && own != "" && gid == own:
				names.tp++
			case flagged && (own == "" || gid != own) && strings.Contains(g.Entry.Program, screener.ProgramCMIC):
				names.fp++
			case !flagged && own != "":
				names.fn++
			}
		}
	}
	t.Logf("%d lines of %d shared index and ETF files, as of 2023-07-01, against the embedded OFAC consolidated list:", lines, len(sharedScreenFiles))
	t.Logf("  as the files are: %d reviews; reviews that are the line's own listed entry: %v", reviews, full)
	t.Logf("  names only (identifiers taken away), lines flagged under NS-CMIC: %v", names)
	t.Logf("    of which review (a person decides): %d, of them the line's own entry %d", namesReview.tp+namesReview.fp, namesReview.tp)
}
