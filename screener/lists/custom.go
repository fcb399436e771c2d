package lists

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/gocarina/gocsv"
	"github.com/screener/screener/screener"
)

// CustomRow is one row of a firm's own restricted-list CSV. The file has a
// header row naming these columns in any order; id and name are required,
// the others optional. Multi-valued columns are separated by ";". Dates are
// YYYY-MM-DD (or OFAC's DD Mon YYYY). The list column names the list (all
// rows alike); without it the list is "CUSTOM".
type CustomRow struct {
	List           string `csv:"list"`
	ID             string `csv:"id"`
	Name           string `csv:"name"`
	Aliases        string `csv:"aliases"`
	ISINs          string `csv:"isins"`
	Tickers        string `csv:"tickers"`
	IssuerNames    string `csv:"issuer_names"`
	LEI            string `csv:"lei"`
	USCC           string `csv:"uscc"`
	Program        string `csv:"program"`
	Reason         string `csv:"reason"`
	ListingDate    string `csv:"listing_date"`
	EffectiveDate  string `csv:"effective_date"`
	DivestmentDate string `csv:"divestment_date"`
	LinkedTo       string `csv:"linked_to"`
}

// customColumns are the header names CustomRow reads.
var customColumns = []string{"list", "id", "name", "aliases", "isins", "tickers", "issuer_names", "lei", "uscc",
	"program", "reason", "listing_date", "effective_date", "divestment_date", "linked_to"}

// isCustomHeader reports whether a header is a custom list's: it names an
// id and a name column. The reader then rejects columns it does not know.
func isCustomHeader(cols []string) bool {
	return slices.Contains(cols, "id") && slices.Contains(cols, "name")
}

// readCustom reads a custom restricted-list CSV with gocsv (leaving gocsv's
// process-wide settings alone).
func readCustom(name string, data []byte) (*screener.List, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	// First pass with encoding/csv: syntax errors with their place, the
	// header checked, and the line of every record for later errors.
	r := csv.NewReader(bytes.NewReader(data))
	header, err := r.Read()
	if err != nil {
		return nil, csvError(name, err, "")
	}
	col := map[string]int{}
	for i, h := range header {
		if !slices.Contains(customColumns, h) {
			return nil, &screener.ParseError{File: name, Line: 1, Column: i + 1, Field: h,
				Reason: fmt.Sprintf("unknown column %q; custom list columns are %s", h, strings.Join(customColumns, ","))}
		}
		if _, dup := col[h]; dup {
			return nil, &screener.ParseError{File: name, Line: 1, Column: i + 1, Field: h, Reason: "column " + h + " appears twice"}
		}
		col[h] = i
	}
	for _, c := range []string{"id", "name"} {
		if _, ok := col[c]; !ok {
			return nil, &screener.ParseError{File: name, Line: 1, Field: c, Reason: "custom list header lacks required column " + c}
		}
	}
	r.FieldsPerRecord = len(header)
	var lines []int
	for {
		_, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, csvError(name, err, fmt.Sprintf("want %d columns, as the header", len(header)))
		}
		line, _ := r.FieldPos(0)
		lines = append(lines, line)
	}
	var rows []CustomRow
	cr := csv.NewReader(bytes.NewReader(data))
	if err := gocsv.UnmarshalCSV(cr, &rows); err != nil {
		return nil, &screener.ParseError{File: name, Reason: "cannot read rows: " + err.Error(), Err: err}
	}
	if len(rows) != len(lines) {
		return nil, &screener.ParseError{File: name, Reason: fmt.Sprintf("read %d rows, expected %d", len(rows), len(lines))}
	}
	l := &screener.List{Name: screener.ListCustom, Format: FormatCustom}
	seen := map[string]int{}
	for i, row := range rows {
		line := lines[i]
		perr := func(c, reason string) error {
			return &screener.ParseError{File: name, Line: line, Column: col[c] + 1, Field: c, Reason: reason}
		}
		if ln := strings.TrimSpace(row.List); ln != "" {
			if i > 0 && ln != l.Name {
				return nil, perr("list", fmt.Sprintf("list %q differs from %q on the rows above; one file is one list", ln, l.Name))
			}
			l.Name = ln
		}
		b := &builder{}
		b.e.ID = strings.TrimSpace(row.ID)
		b.e.Name = strings.TrimSpace(row.Name)
		if b.e.ID == "" {
			return nil, perr("id", "row has no id")
		}
		if b.e.Name == "" {
			return nil, perr("name", "row has no name")
		}
		if prev, dup := seen[b.e.ID]; dup {
			return nil, perr("id", fmt.Sprintf("id %s already on line %d", b.e.ID, prev))
		}
		seen[b.e.ID] = line
		b.e.Type = "entity"
		b.e.Reason = strings.TrimSpace(row.Reason)
		b.e.Programs = splitSemi(row.Program)
		for _, a := range splitSemi(row.Aliases) {
			b.e.Aliases = append(b.e.Aliases, screener.Alias{Name: a, Type: "aka", Strength: "strong"})
		}
		for _, v := range splitSemi(row.ISINs) {
			b.addID(labelISIN, v, "")
		}
		for _, v := range splitSemi(row.Tickers) {
			b.addID(labelTicker, v, "")
		}
		for _, v := range splitSemi(row.IssuerNames) {
			b.addID(labelIssuer, v, "")
		}
		for _, v := range splitSemi(row.LEI) {
			b.addID(labelLEI, v, "")
		}
		for _, v := range splitSemi(row.USCC) {
			b.addID(labelUSCC, v, "")
		}
		for _, v := range splitSemi(row.LinkedTo) {
			b.addID(labelLinkedTo, v, "")
		}
		for _, d := range []struct {
			col, v string
			to     *screener.Date
		}{
			{"listing_date", row.ListingDate, &b.e.ListingDate},
			{"effective_date", row.EffectiveDate, &b.e.EffectiveDate},
			{"divestment_date", row.DivestmentDate, &b.e.DivestmentDate},
		} {
			if strings.TrimSpace(d.v) == "" {
				continue
			}
			v, err := parseListDate(d.v)
			if err != nil {
				return nil, perr(d.col, fmt.Sprintf("%q is not a date: want YYYY-MM-DD", d.v))
			}
			*d.to = v
		}
		l.Entries = append(l.Entries, b.finish())
		l.Warnings = append(l.Warnings, b.warnings...)
	}
	for i := range l.Entries {
		l.Entries[i].List = l.Name
	}
	checkCMIC(l)
	return l, nil
}

// splitSemi splits a custom multi-value cell on ";".
func splitSemi(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ";") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
