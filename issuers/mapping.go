package issuers

import (
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Mapping CSV columns (header names, any order, case-insensitive). Only
// identifier and one of issuer_name / issuer_lei are required.
var mappingColumns = []string{"identifier", "identifier_type", "issuer_name", "issuer_lei",
	"parent_name", "parent_lei", "relation", "underlying_isin", "source", "as_of"}

// validAsOf reports whether s is a date as YYYY, YYYY-MM or YYYY-MM-DD.
func validAsOf(s string) bool {
	for _, layout := range []string{"2006", "2006-01", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil && t.Format(layout) == s {
			return true
		}
	}
	return false
}

// LoadMapping reads a firm's own security-master mapping CSV, one security
// (or issuer) per row:
//
//	identifier       ISIN, CUSIP, SEDOL, FIGI, LEI or ticker ("941 HK", "XHKG:941")
//	identifier_type  optional: isin, cusip, sedol, figi, lei, ticker (guessed when empty)
//	issuer_name      issuer's legal name
//	issuer_lei       issuer's LEI
//	parent_name      related entity (parent, guarantor, DR underlying issuer)
//	parent_lei       its LEI
//	relation         subsidiary, financing_vehicle, affiliate, same_group,
//	                 direct_parent, ultimate_parent or dr_underlying; required with a parent
//	underlying_isin  optional: ISIN of the underlying share (relation dr_underlying)
//	source           optional: where the firm took the row from
//	as_of            optional: YYYY, YYYY-MM or YYYY-MM-DD
//
// A row with an LEI identifier describes an issuer rather than a security.
// name labels errors and provenance; a bad row is a *FileError with line and
// column, and nothing is returned.
func LoadMapping(r io.Reader, name string) ([]Security, error) {
	t, err := newCSVTable(r, name, strings.ToLower)
	if err != nil {
		return nil, err
	}
	for j, h := range t.head {
		if !slices.Contains(mappingColumns, h) {
			return nil, &FileError{File: name, Line: 1, Column: j + 1, Field: h,
				Reason: fmt.Sprintf("unknown column %q: want %s", h, strings.Join(mappingColumns, ", "))}
		}
	}
	if err := t.require("identifier"); err != nil {
		return nil, err
	}
	if !t.has("issuer_name") && !t.has("issuer_lei") {
		return nil, &FileError{File: name, Line: 1, Reason: `missing column "issuer_name" or "issuer_lei"`}
	}
	var out []Security
	for {
		ok, err := t.next()
		if err != nil {
			return nil, err
		}
		if !ok {
			return out, nil
		}
		if t.blank() {
			continue
		}
		get, bad, line := t.get, t.bad, t.line
		id := get("identifier")
		if id == "" {
			return nil, bad("identifier", "empty identifier")
		}
		asOf := get("as_of")
		if asOf != "" && !validAsOf(asOf) {
			return nil, bad("as_of", fmt.Sprintf("as_of %q: want YYYY, YYYY-MM or YYYY-MM-DD", asOf))
		}
		from := Provenance{Source: name, AsOf: asOf, Ref: "line " + strconv.Itoa(line)}
		if src := get("source"); src != "" {
			from.Ref += ": " + src
		}
		s := Security{IssuerName: get("issuer_name"), IssuerLEI: strings.ToUpper(get("issuer_lei")), From: from}
		if s.IssuerName == "" && s.IssuerLEI == "" {
			return nil, bad("issuer_name", "a row needs issuer_name or issuer_lei")
		}
		if s.IssuerLEI != "" {
			if err := CheckLEI(s.IssuerLEI); err != nil {
				return nil, bad("issuer_lei", fmt.Sprintf("LEI %q: %v", s.IssuerLEI, err))
			}
		}
		typ := strings.ToLower(get("identifier_type"))
		if typ == "" {
			typ = guessIDType(id)
		}
		switch typ {
		case "isin", "cusip", "sedol", "figi", "lei":
			u := strings.ToUpper(id)
			check := map[string]func(string) error{"isin": CheckISIN, "cusip": CheckCUSIP, "sedol": CheckSEDOL, "figi": CheckFIGI, "lei": CheckLEI}[typ]
			if err := check(u); err != nil {
				return nil, bad("identifier", fmt.Sprintf("%s %q: %v", strings.ToUpper(typ), id, err))
			}
			switch typ {
			case "isin":
				s.ISIN = u
			case "cusip":
				s.CUSIP = u
			case "sedol":
				s.SEDOL = u
			case "figi":
				s.FIGI = u
			case "lei":
				if s.IssuerLEI != "" && s.IssuerLEI != u {
					return nil, bad("issuer_lei", fmt.Sprintf("issuer_lei %q differs from the LEI identifier %q", s.IssuerLEI, u))
				}
				s.IssuerLEI = u
			}
		case "ticker":
			t, err := ParseTicker(id)
			if err != nil || t.Key() == "" {
				why := "no exchange: write it with its market, e.g. \"941 HK\" or \"XHKG:941\""
				if err != nil {
					why = err.Error()
				}
				return nil, bad("identifier", fmt.Sprintf("ticker %q: %s", id, why))
			}
			s.Tickers = []Ticker{t}
		default:
			return nil, bad("identifier_type", fmt.Sprintf("identifier_type %q: want isin, cusip, sedol, figi, lei or ticker", typ))
		}
		pname, plei, relText := get("parent_name"), strings.ToUpper(get("parent_lei")), get("relation")
		if plei != "" {
			if err := CheckLEI(plei); err != nil {
				return nil, bad("parent_lei", fmt.Sprintf("LEI %q: %v", plei, err))
			}
		}
		if u := strings.ToUpper(get("underlying_isin")); u != "" {
			if err := CheckISIN(u); err != nil {
				return nil, bad("underlying_isin", fmt.Sprintf("ISIN %q: %v", u, err))
			}
			s.Underlying = u
			if relText == "" {
				relText = string(RelDRUnderlying)
			}
		}
		if pname != "" || plei != "" || relText != "" {
			if relText == "" {
				return nil, bad("relation", "a parent needs a relation")
			}
			rel, err := ParseRelation(relText)
			if err != nil {
				return nil, bad("relation", err.Error())
			}
			if pname == "" && plei == "" && s.Underlying == "" {
				return nil, bad("parent_name", "relation "+string(rel)+" needs parent_name or parent_lei")
			}
			s.Links = []Link{{Relation: rel, Name: pname, LEI: plei, From: from}}
		}
		out = append(out, s)
	}
}

// guessIDType guesses an identifier's type from its shape.
func guessIDType(id string) string {
	u := strings.ToUpper(strings.TrimSpace(id))
	switch {
	case strings.ContainsAny(u, " :.") || len(u) < 7:
		return "ticker"
	case len(u) == 12 && strings.HasPrefix(u, "BBG"):
		return "figi"
	case len(u) == 12:
		return "isin"
	case len(u) == 20:
		return "lei"
	case len(u) == 9:
		return "cusip"
	case len(u) == 7:
		return "sedol"
	}
	return "ticker"
}
