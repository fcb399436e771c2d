package issuers

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
)

// SECTicker is one entry of SEC's company_tickers.json.
type SECTicker struct {
	CIK    int64  `json:"cik"`
	Ticker string `json:"ticker"`
	Title  string `json:"title"` // company name as SEC has it, e.g. "Airbus SE/ADR"
}

// ReadSECTickers reads SEC's company_tickers.json
// ({"0":{"cik_str":789019,"ticker":"MSFT","title":"MICROSOFT CORP"},...}),
// in the file's numeric key order. name labels errors.
func ReadSECTickers(r io.Reader, name string) ([]SECTicker, error) {
	var raw map[string]struct {
		CIK    json.Number `json:"cik_str"`
		Ticker string      `json:"ticker"`
		Title  string      `json:"title"`
	}
	dec := json.NewDecoder(r)
	dec.UseNumber()
	if err := dec.Decode(&raw); err != nil {
		return nil, jsonError(name, err)
	}
	keys := make([]int, 0, len(raw))
	for k := range raw {
		n, err := strconv.Atoi(k)
		if err != nil {
			return nil, &FileError{File: name, Field: k, Reason: fmt.Sprintf("key %q: want a row number", k)}
		}
		keys = append(keys, n)
	}
	sort.Ints(keys)
	out := make([]SECTicker, 0, len(keys))
	for _, n := range keys {
		v := raw[strconv.Itoa(n)]
		cik, err := strconv.ParseInt(v.CIK.String(), 10, 64)
		if err != nil || cik <= 0 {
			return nil, &FileError{File: name, Field: strconv.Itoa(n), Reason: fmt.Sprintf("cik_str %q: want a positive integer", v.CIK)}
		}
		if strings.TrimSpace(v.Ticker) == "" {
			return nil, &FileError{File: name, Field: strconv.Itoa(n), Reason: "empty ticker"}
		}
		out = append(out, SECTicker{CIK: cik, Ticker: strings.TrimSpace(v.Ticker), Title: strings.TrimSpace(v.Title)})
	}
	return out, nil
}

// adrUnderlying returns the issuer part of an SEC title marked as an ADR
// ("Airbus SE/ADR", "EBARA CORP /ADR/", "Osterreichische Post AG ADR").
func adrUnderlying(title string) (string, bool) {
	u := strings.ToUpper(strings.TrimSpace(title))
	for _, suf := range []string{"/ADR/", "/ADR", " ADR"} {
		if strings.HasSuffix(u, suf) {
			return strings.TrimSpace(strings.TrimRight(strings.TrimSpace(title[:len(u)-len(suf)]), "/")), true
		}
	}
	return "", false
}

// SECSecurities turns SEC tickers into directory records on the US market
// (Bloomberg composite "US"): the title is the issuer name. A title marked
// as an ADR ("Airbus SE/ADR") gives the underlying issuer's name and a
// dr_underlying link to it; SEC does not give the underlying ISIN.
func SECSecurities(rows []SECTicker, from Provenance) []Security {
	out := make([]Security, 0, len(rows))
	for _, r := range rows {
		s := Security{IssuerName: r.Title, From: from}
		s.From.Ref = "CIK " + strconv.FormatInt(r.CIK, 10)
		if under, ok := adrUnderlying(r.Title); ok {
			s.Category = "ADR"
			s.IssuerName = under
			s.Links = []Link{{Relation: RelDRUnderlying, Name: under, From: s.From}}
		}
		t, ok := tickerOn(r.Ticker, "US")
		if !ok {
			continue
		}
		s.Tickers = []Ticker{t}
		out = append(out, s)
	}
	return out
}
