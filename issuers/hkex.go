package issuers

import (
	"fmt"
	"io"
	"regexp"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"
)

// HKEXSecurity is one row of the HKEX List of Securities.
type HKEXSecurity struct {
	Code        string `json:"code"`                   // stock code as HKEX prints it, 5 digits ("00941")
	Name        string `json:"name"`                   // HKEX short name ("CHINA MOBILE")
	Category    string `json:"category"`               // "Equity", "Debt Securities", "Derivative Warrants"...
	SubCategory string `json:"sub_category,omitempty"` // "Equity Securities (Main Board)"...
	ISIN        string `json:"isin,omitempty"`
	Expiry      string `json:"expiry,omitempty"` // YYYY-MM-DD (bonds, warrants)
}

// HKEXList is a read HKEX List of Securities.
type HKEXList struct {
	AsOf string // YYYY-MM-DD, from "Updated as at dd/mm/yyyy"
	Rows []HKEXSecurity
}

// HKEX categories kept in the embedded reference data.
const (
	HKEXEquity = "Equity"
	HKEXDebt   = "Debt Securities"
)

var (
	hkexCode    = regexp.MustCompile(`^[0-9]{5}$`)
	hkexUpdated = regexp.MustCompile(`(?i)updated as at\s+([0-9]{1,2}/[0-9]{1,2}/[0-9]{4})`)
)

// ReadHKEX reads HKEX's "List of Securities" workbook (ListOfSecurities.xlsx):
// row 1 is the title, row 2 "Updated as at dd/mm/yyyy", row 3 the header
// (Stock Code, Name of Securities, Category, Sub-Category, ..., ISIN, Expiry
// Date, ...), then one security per row. name labels errors. Every row with a
// stock code is returned; a code that is not 5 digits is an error.
func ReadHKEX(r io.Reader, name string) (*HKEXList, error) {
	f, err := excelize.OpenReader(r)
	if err != nil {
		return nil, &FileError{File: name, Reason: "not an .xlsx workbook: " + err.Error(), Err: err}
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return nil, &FileError{File: name, Reason: "workbook has no sheet"}
	}
	rows, err := f.GetRows(sheets[0])
	if err != nil {
		return nil, &FileError{File: name, Reason: "cannot read sheet " + sheets[0] + ": " + err.Error(), Err: err}
	}
	out := &HKEXList{}
	header := -1
	for i := 0; i < len(rows) && i < 10; i++ {
		line := strings.Join(rows[i], " ")
		if m := hkexUpdated.FindStringSubmatch(line); m != nil && out.AsOf == "" {
			t, err := time.Parse("2/1/2006", m[1])
			if err != nil {
				return nil, &FileError{File: name, Line: i + 1, Column: 1, Reason: fmt.Sprintf("date %q: want dd/mm/yyyy", m[1])}
			}
			out.AsOf = t.Format("2006-01-02")
		}
		if len(rows[i]) > 0 && strings.EqualFold(strings.TrimSpace(rows[i][0]), "Stock Code") {
			header = i
			break
		}
	}
	if header < 0 {
		return nil, &FileError{File: name, Reason: `no header row starting with "Stock Code" in the first 10 rows`}
	}
	col := map[string]int{}
	for j, h := range rows[header] {
		col[strings.ToLower(strings.TrimSpace(h))] = j
	}
	need := []string{"stock code", "name of securities", "category", "sub-category", "isin", "expiry date"}
	for _, h := range need {
		if _, ok := col[h]; !ok {
			return nil, &FileError{File: name, Line: header + 1, Reason: fmt.Sprintf("missing column %q", h)}
		}
	}
	cell := func(row []string, h string) string {
		j := col[h]
		if j < len(row) {
			return strings.TrimSpace(row[j])
		}
		return ""
	}
	for i := header + 1; i < len(rows); i++ {
		row := rows[i]
		code := cell(row, "stock code")
		if code == "" {
			if strings.TrimSpace(strings.Join(row, "")) == "" {
				continue // blank row
			}
			return nil, &FileError{File: name, Line: i + 1, Column: col["stock code"] + 1, Field: "Stock Code", Reason: "empty stock code on a non-empty row"}
		}
		if !hkexCode.MatchString(code) {
			return nil, &FileError{File: name, Line: i + 1, Column: col["stock code"] + 1, Field: "Stock Code", Reason: fmt.Sprintf("stock code %q: want 5 digits", code)}
		}
		s := HKEXSecurity{
			Code:        code,
			Name:        cell(row, "name of securities"),
			Category:    cell(row, "category"),
			SubCategory: cell(row, "sub-category"),
			ISIN:        cell(row, "isin"),
		}
		if e := cell(row, "expiry date"); e != "" {
			t, err := time.Parse("02/01/2006", e)
			if err != nil {
				return nil, &FileError{File: name, Line: i + 1, Column: col["expiry date"] + 1, Field: "Expiry Date", Reason: fmt.Sprintf("date %q: want dd/mm/yyyy", e)}
			}
			s.Expiry = t.Format("2006-01-02")
		}
		out.Rows = append(out.Rows, s)
	}
	return out, nil
}

// HKEXSecurities turns HKEX rows into directory records: ticker on XHKG,
// ISIN, short name and category. The short name is not an issuer name, so
// IssuerName stays empty.
func HKEXSecurities(rows []HKEXSecurity, from Provenance) []Security {
	out := make([]Security, 0, len(rows))
	for _, r := range rows {
		s := Security{ISIN: r.ISIN, Name: r.Name, Category: r.Category, From: from}
		if r.SubCategory != "" {
			s.Category = r.Category + "/" + r.SubCategory
		}
		if t, ok := tickerOn(r.Code, "XHKG"); ok {
			s.Tickers = []Ticker{t}
		}
		out = append(out, s)
	}
	return out
}

// tickerOn wraps TickerOn: ok is false when the code cannot be read on the
// exchange, and then the security is simply not indexed by ticker.
func tickerOn(code, exchange string) (Ticker, bool) {
	if code == "" || exchange == "" {
		return Ticker{}, false
	}
	t, err := TickerOn(code, exchange)
	if err != nil || t.Key() == "" {
		return Ticker{}, false
	}
	return t, true
}
