package screener

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/shopspring/decimal"
)

// WriteJSON writes r as schema screener.report/v1, with the same layout as
// a streamed report (JSONSink).
func (r *Report) WriteJSON(w io.Writer) error {
	s := NewJSONSink(w)
	if err := s.Head(r); err != nil {
		return err
	}
	return r.Replay(s)
}

// Replay sends r's findings and rejected rows through a streaming sink and
// closes it, so that a report in memory and a streamed one are written by
// the same code (the JSON, CSV and XLSX writers alike).
func (r *Report) Replay(s ReportSink) error {
	for i := range r.Findings {
		if err := s.Finding(&r.Findings[i]); err != nil {
			return err
		}
	}
	for i := range r.Rejected {
		if err := s.Rejected(&r.Rejected[i]); err != nil {
			return err
		}
	}
	return s.Close(r)
}

// csvRow is one line of the divestment CSV.
type csvRow struct {
	File           string `csv:"file"`
	Line           int    `csv:"line"`
	Portfolio      string `csv:"portfolio"`
	USPerson       string `csv:"us_person"`
	Name           string `csv:"security_name"`
	ISIN           string `csv:"isin"`
	CUSIP          string `csv:"cusip"`
	SEDOL          string `csv:"sedol"`
	Ticker         string `csv:"ticker"`
	Exchange       string `csv:"exchange"`
	Issuer         string `csv:"issuer"`
	Quantity       string `csv:"quantity"`
	MarketValue    string `csv:"market_value"`
	Currency       string `csv:"currency"`
	Status         string `csv:"status"`
	Basis          string `csv:"basis"`
	EntryList      string `csv:"list"`
	EntryID        string `csv:"entry_id"`
	EntryName      string `csv:"entry_name"`
	Program        string `csv:"program"`
	ListingDate    string `csv:"listing_date"`
	EffectiveDate  string `csv:"effective_date"`
	DivestmentDate string `csv:"divestment_date"`
	DaysLeft       string `csv:"days_left"`
	Action         string `csv:"action"`
	Policy         string `csv:"policy"`
	Evidence       string `csv:"evidence"`
	AsOf           string `csv:"as_of"`
	Lists          string `csv:"lists"`
}

// WriteCSV writes the divestment CSV: one row per finding, then one per
// rejected row (status "rejected"). Every row carries the as-of instant and
// the list snapshots used. Text cells are safe to open in a spreadsheet:
// a cell that starts with =, +, -, @, tab or CR is neutralised with a
// leading apostrophe (OWASP CSV injection), while numbers stay numbers.
func (r *Report) WriteCSV(w io.Writer) error {
	return r.Replay(NewCSVSink(w, r.AsOf, r.Lists))
}

func listsCell(ls []ListInfo) string {
	var lists []string
	for _, l := range ls {
		lists = append(lists, fmt.Sprintf("%s %s sha256:%s", l.Name, l.AsOf, l.SHA256))
	}
	return strings.Join(lists, "; ")
}

func findingRow(f *Finding, asOf, lists string) *csvRow {
	row := &csvRow{
		File: f.File, Line: f.Line, Portfolio: f.Portfolio, USPerson: f.USPerson,
		Name: f.Security.Name, ISIN: f.Security.ISIN, CUSIP: f.Security.CUSIP, SEDOL: f.Security.SEDOL,
		Ticker: f.Security.Ticker, Exchange: f.Security.Exchange, Issuer: f.Security.Issuer,
		Quantity: decString(f.Quantity), MarketValue: decString(f.MarketValue), Currency: f.Currency,
		Status: string(f.Status), Basis: joinBasis(f.Basis),
		ListingDate: f.ListingDate.String(), EffectiveDate: f.EffectiveDate.String(), DivestmentDate: f.DivestmentDate.String(),
		Action: f.Action, Policy: f.Policy, Evidence: strings.Join(f.Evidence, " | "), AsOf: asOf, Lists: lists,
	}
	if f.Entry != nil {
		row.EntryList, row.EntryID, row.EntryName, row.Program = f.Entry.List, f.Entry.ID, f.Entry.Name, f.Entry.Program
	}
	if f.DaysLeft != nil {
		row.DaysLeft = strconv.Itoa(*f.DaysLeft)
	}
	neutraliseRow(row)
	return row
}

func rejectedRow(e *ParseError, asOf, lists string) *csvRow {
	row := &csvRow{File: e.File, Line: e.Line, Status: "rejected", Action: e.Reason, AsOf: asOf, Lists: lists}
	neutraliseRow(row)
	return row
}

func decString(d decimal.Decimal) string { return d.String() }

func joinBasis(bs []Basis) string {
	s := make([]string, len(bs))
	for i, b := range bs {
		s[i] = string(b)
	}
	return strings.Join(s, " ")
}

// neutraliseRow neutralises every text cell of r, whatever its source:
// holdings, list entries (a custom list can carry "=HYPERLINK(...)" in an
// entry id or program), the portfolio name a user typed, or our own words.
func neutraliseRow(r *csvRow) {
	for _, p := range []*string{&r.File, &r.Portfolio, &r.USPerson, &r.Name, &r.ISIN, &r.CUSIP, &r.SEDOL, &r.Ticker,
		&r.Exchange, &r.Issuer, &r.Currency, &r.Status, &r.Basis, &r.EntryList, &r.EntryID, &r.EntryName, &r.Program,
		&r.ListingDate, &r.EffectiveDate, &r.DivestmentDate, &r.Action, &r.Policy, &r.Evidence, &r.AsOf, &r.Lists} {
		*p = NeutraliseCell(*p)
	}
	// Quantity, market value and days left are numbers written by us:
	// numbers stay numbers (-2513764.12 is not a formula).
	for _, p := range []*string{&r.Quantity, &r.MarketValue, &r.DaysLeft} {
		if *p != "" && !isPlainNumber(*p) {
			*p = NeutraliseCell(*p)
		}
	}
}

// NeutraliseCell makes a text cell safe to open in a spreadsheet: a value
// that starts with =, +, -, @, tab or CR gets a leading apostrophe (OWASP
// CSV injection). Apply it to text cells only, never to numbers.
func NeutraliseCell(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return "'" + s
	}
	return s
}

func isPlainNumber(s string) bool {
	if s[0] == '-' || s[0] == '+' {
		s = s[1:]
	}
	if s == "" {
		return false
	}
	dot := false
	for _, c := range s {
		switch {
		case c >= '0' && c <= '9':
		case c == '.' && !dot:
			dot = true
		default:
			return false
		}
	}
	return true
}

// WriteText writes the report as a table for a person.
func (r *Report) WriteText(w io.Writer) error {
	fmt.Fprintf(w, "Divestment report as of %s\n", r.AsOf)
	for _, l := range r.Lists {
		fmt.Fprintf(w, "List: %s, as of %s, %d entries, sha256 %s\n", l.Name, orDash(l.AsOf.String()), l.Entries, short(l.SHA256))
	}
	s := r.Summary
	fmt.Fprintf(w, "Rows: %d = %d screened + %d rejected\n", s.Rows, s.Screened, s.Rejected)
	var parts []string
	for _, st := range Statuses {
		if n := s.ByStatus[st]; n > 0 {
			parts = append(parts, fmt.Sprintf("%s %d", st, n))
		}
	}
	fmt.Fprintf(w, "By status: %s\n\n", orDash(strings.Join(parts, ", ")))
	if len(r.Findings) > 0 {
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "STATUS\tLINE\tPORTFOLIO\tSECURITY\tVALUE\tENTRY\tBASIS\tDIVEST BY\tDAYS")
		for i := range r.Findings {
			f := &r.Findings[i]
			entry, days := "-", "-"
			if f.Entry != nil {
				entry = f.Entry.ID + " " + clip(f.Entry.Name, 34)
			}
			if f.DaysLeft != nil {
				days = strconv.Itoa(*f.DaysLeft)
			}
			sec := f.Security.Name
			if id := firstNonEmpty(f.Security.ISIN, f.Security.Ticker, f.Security.CUSIP, f.Security.SEDOL); id != "" {
				sec = id + " " + sec
			}
			fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%s %s\t%s\t%s\t%s\t%s\n", f.Status, f.Line, orDash(clip(f.Portfolio, 20)),
				clip(sec, 40), f.MarketValue.StringFixed(2), f.Currency, entry, orDash(joinBasis(f.Basis)),
				orDash(f.DivestmentDate.String()), days)
		}
		if err := tw.Flush(); err != nil {
			return err
		}
		fmt.Fprintln(w)
		for i := range r.Findings {
			f := &r.Findings[i]
			if f.Status == StatusClear {
				continue
			}
			fmt.Fprintf(w, "%s:%d %s — %s\n", f.File, f.Line, f.Status, f.Action)
			for _, ev := range f.Evidence {
				fmt.Fprintf(w, "    %s\n", ev)
			}
			if f.Policy != "" {
				fmt.Fprintf(w, "    policy: %s\n", f.Policy)
			}
			for _, wn := range f.Warnings {
				fmt.Fprintf(w, "    warning: %s\n", wn)
			}
		}
	}
	if len(r.Totals.ByEntry) > 0 {
		fmt.Fprintln(w, "\nExposure by listed entity:")
		for _, t := range r.Totals.ByEntry {
			fmt.Fprintf(w, "  %s: %d positions, %s %s\n", t.Key, t.Positions, t.MarketValue.StringFixed(2), t.Currency)
		}
	}
	if len(r.Totals.ByEntryViaFunds) > 0 {
		fmt.Fprintln(w, "\nExposure through funds (apart from direct holdings):")
		for _, t := range r.Totals.ByEntryViaFunds {
			switch {
			case t.Unweighted == t.Positions:
				fmt.Fprintf(w, "  %s: %d fund positions (%s), value unknown: the holdings files give no weights\n", t.Key, t.Positions, t.Currency)
			case t.Unweighted > 0:
				fmt.Fprintf(w, "  %s: %d fund positions, %s %s (%s %% of the weighted ones), %d without weights\n", t.Key, t.Positions, t.Value.StringFixed(2), t.Currency, t.Weight.String(), t.Unweighted)
			default:
				fmt.Fprintf(w, "  %s: %d fund positions, %s %s (%s %% of them)\n", t.Key, t.Positions, t.Value.StringFixed(2), t.Currency, t.Weight.String())
			}
		}
	}
	if len(r.Rejected) > 0 {
		fmt.Fprintln(w, "\nRejected rows:")
		for _, e := range r.Rejected {
			fmt.Fprintf(w, "  %s\n", e.Error())
		}
	}
	return nil
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func short(s string) string {
	if len(s) > 16 {
		return s[:16] + "…"
	}
	return s
}

func clip(s string, n int) string {
	r := []rune(s)
	if len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}
