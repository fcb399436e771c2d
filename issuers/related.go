package issuers

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
)

// RelatedIssuer is one row of cmic-related-issuers.csv: a security (or an
// issuer, when no identifier was found) linked to its nearest NS-CMIC-listed
// parent. A row is information for review, not a legal determination: under
// OFAC FAQ 857 it never makes a security prohibited.
type RelatedIssuer struct {
	Line          int      `json:"line"`          // line in the source file
	ChildName     string   `json:"child_name"`    // issuer name, former names in brackets
	MIC           string   `json:"mic,omitempty"` // XHKG, XSHG, XSHE or ""
	Ticker        string   `json:"ticker,omitempty"`
	ISIN          string   `json:"isin,omitempty"`
	Relation      Relation `json:"relation"`       // subsidiary, financing_vehicle, affiliate, same_group
	ParentOFACID  string   `json:"parent_ofac_id"` // OFAC ent_num of the listed parent
	ParentName    string   `json:"parent_name"`
	OwnershipNote string   `json:"ownership_note,omitempty"`
	Source        string   `json:"source"`      // URLs separated by " ; "
	SourceDate    string   `json:"source_date"` // YYYY, YYYY-MM, YYYY-MM-DD or "n.d."
	Confidence    string   `json:"confidence"`  // confirmed or likely
}

var relatedColumns = []string{"child_name", "child_exchange_mic", "child_ticker", "child_isin", "relation",
	"parent_ofac_id", "parent_name", "ownership_note", "source", "source_date", "confidence"}

var digits = regexp.MustCompile(`^[0-9]+$`)

// ReadRelated reads cmic-related-issuers.csv (header: child_name,
// child_exchange_mic, child_ticker, child_isin, relation, parent_ofac_id,
// parent_name, ownership_note, source, source_date, confidence). name labels
// errors; a bad row is a *FileError with its line and column.
func ReadRelated(r io.Reader, name string) ([]RelatedIssuer, error) {
	t, err := newCSVTable(r, name, strings.ToLower)
	if err != nil {
		return nil, err
	}
	if err := t.require(relatedColumns...); err != nil {
		return nil, err
	}
	var out []RelatedIssuer
	for {
		ok, err := t.next()
		if err != nil {
			return nil, err
		}
		if !ok {
			break
		}
		get, bad, line := t.get, t.bad, t.line
		row := RelatedIssuer{
			Line: line, ChildName: get("child_name"), MIC: strings.ToUpper(get("child_exchange_mic")),
			Ticker: get("child_ticker"), ISIN: strings.ToUpper(get("child_isin")),
			ParentOFACID: get("parent_ofac_id"), ParentName: get("parent_name"),
			OwnershipNote: get("ownership_note"), Source: get("source"),
			SourceDate: get("source_date"), Confidence: strings.ToLower(get("confidence")),
		}
		if row.ChildName == "" {
			return nil, bad("child_name", "empty child_name")
		}
		if row.Relation, err = ParseRelation(get("relation")); err != nil {
			return nil, bad("relation", err.Error())
		}
		if !digits.MatchString(row.ParentOFACID) {
			return nil, bad("parent_ofac_id", fmt.Sprintf("parent_ofac_id %q: want an OFAC entry number", row.ParentOFACID))
		}
		if row.ISIN != "" {
			if err := CheckISIN(row.ISIN); err != nil {
				return nil, bad("child_isin", fmt.Sprintf("ISIN %q: %v", row.ISIN, err))
			}
		}
		if row.Ticker != "" && row.MIC == "" {
			return nil, bad("child_exchange_mic", "a ticker needs its exchange MIC")
		}
		switch row.Confidence {
		case "confirmed", "likely":
		default:
			return nil, bad("confidence", fmt.Sprintf("confidence %q: want confirmed or likely", row.Confidence))
		}
		out = append(out, row)
	}
	return out, nil
}

// RelatedSecurities turns rows of cmic-related-issuers.csv into directory
// records: the child (by ISIN and/or ticker, or by issuer name alone) with
// one Link to the listed parent (ListEntry = parent_ofac_id). file names the
// source in each link's provenance. The issuer name drops a trailing
// bracketed former name ("Nexen Inc (now CNOOC ...)" → "Nexen Inc").
func RelatedSecurities(rows []RelatedIssuer, file string) []Security {
	out := make([]Security, 0, len(rows))
	for _, r := range rows {
		s := Security{
			ISIN:       r.ISIN,
			IssuerName: trimBracket(r.ChildName),
			From:       Provenance{Source: file, AsOf: r.SourceDate, Confidence: r.Confidence, Ref: "line " + strconv.Itoa(r.Line)},
			Links: []Link{{
				Relation:  r.Relation,
				Name:      r.ParentName,
				ListEntry: r.ParentOFACID,
				From: Provenance{Source: file, AsOf: r.SourceDate, Confidence: r.Confidence,
					Ref: "line " + strconv.Itoa(r.Line) + ": " + r.Source},
			}},
		}
		if t, ok := tickerOn(r.Ticker, r.MIC); ok {
			s.Tickers = []Ticker{t}
		}
		out = append(out, s)
	}
	return out
}

// trimBracket removes one trailing "(...)" group from a name.
func trimBracket(s string) string {
	s = strings.TrimSpace(s)
	if !strings.HasSuffix(s, ")") {
		return s
	}
	if i := strings.LastIndex(s, " ("); i > 0 {
		return strings.TrimSpace(s[:i])
	}
	return s
}

// csvError turns an encoding/csv error into a *FileError.
func csvError(name string, err error, what string) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return &FileError{File: name, Line: pe.Line, Column: pe.Column, Reason: pe.Err.Error(), Err: err}
	}
	if what == "" {
		what = "cannot read"
	}
	return &FileError{File: name, Reason: what + ": " + err.Error(), Err: err}
}
