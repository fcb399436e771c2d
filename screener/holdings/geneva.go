package holdings

import (
	"encoding/csv"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/screener/screener/screener"
)

// Advent Geneva "investment positions" reports.
//
// The file is UTF-16 LE with a BOM (Read decodes it before this reader sees
// it), tab-separated, CRLF. It holds one or more report sections, each with
// its own header row starting "ReportMode" (sometimes preceded by a stray
// BOM character), its position rows, and a blank row; after them come
// parameter blocks ("ParameterName\tParameterValue", then name/value rows)
// and error-message blocks. The portfolio and the period end date are only
// in the parameter block, after the positions, so the reader buffers the
// report (Geneva reports are small) and emits rows once it has read them.

// genevaSection is one report section: its header and position records.
type genevaSection struct {
	headerLine int
	header     []string
	rows       []genevaRecord
	params     map[string]string // the parameter block that follows it
}

type genevaRecord struct {
	line int
	rec  []string
}

// readGeneva reads a Geneva positions report from UTF-8 text. Portfolio is
// the "Portfolio" parameter, Info.AsOf the "PeriodEndDate" parameter, Name
// the Description, AssetClass the SortKey ("Corporate Bond"), Weight the
// last column (the header really says "Invest"), MarketValue the
// MarketValueBook with Currency the BookCurrency parameter. Price is
// LocalPrice as printed: in the local currency, percent of par for bonds,
// often NA. InvestID is an ISIN, possibly with a lot suffix ("US65334HAE27
// HTM", held to maturity), which is stripped, or a Bloomberg ticker ("941
// HK"); the raw InvestID is always kept in OtherIDs as "Geneva InvestID".
func readGeneva(name string, r io.Reader, s Sink, info *Info) error {
	cr := csv.NewReader(r)
	cr.Comma = '\t'
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true

	var (
		sections []*genevaSection
		cur      *genevaSection // section whose rows are being read
		params   map[string]string
		inParams bool
		pending  []*genevaSection // sections still waiting for parameters
	)
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			if pe, ok := csvReject(name, err); ok {
				return pe
			}
			return &screener.ParseError{File: name, Reason: "read: " + err.Error(), Err: err}
		}
		line, _ := cr.FieldPos(0)
		first := strings.TrimSpace(strings.TrimLeft(rec[0], "\ufeff"))
		switch {
		case first == "ReportMode":
			rec[0] = first
			cur = &genevaSection{headerLine: line, header: rec}
			sections = append(sections, cur)
			pending = append(pending, cur)
			inParams = false
		case allBlank(rec):
			cur = nil
			inParams = false
		case cur != nil:
			cur.rows = append(cur.rows, genevaRecord{line, rec})
		case first == "ParameterName":
			inParams = true
			if params == nil || len(pending) > 0 {
				params = map[string]string{}
				for _, p := range pending {
					p.params = params
				}
				pending = nil
			}
		case inParams && len(rec) > 1:
			if _, dup := params[first]; !dup {
				params[first] = strings.TrimSpace(rec[1])
			}
		}
	}
	if len(sections) == 0 {
		return &screener.ParseError{File: name, Reason: "Geneva report without a section header: looked for a line starting \"ReportMode\""}
	}
	for _, p := range pending { // sections after the last parameter block
		p.params = params
	}
	rows := 0
	h := new(screener.Holding)
	for i, sec := range sections {
		c, err := genevaColumns(name, sec)
		if err != nil {
			return err
		}
		if i == 0 {
			info.Portfolio = c.portfolio
			if v := sec.params["PeriodEndDate"]; v != "" {
				d, err := parseGenevaDate(v)
				if err != nil {
					return &screener.ParseError{File: name, Field: "PeriodEndDate", Reason: err.Error()}
				}
				info.AsOf = d
			}
		}
		width := len(sec.header)
		for _, r := range sec.rows {
			rows++
			if len(r.rec) != width && !extraBlank(r.rec, width) {
				if err := s.Reject(&screener.ParseError{File: name, Line: r.line,
					Reason: fmt.Sprintf("the row has %d cells, the section header has %d", len(r.rec), width)}); err != nil {
					return err
				}
				continue
			}
			if err := c.emit(s, h, r.line, r.rec); err != nil {
				return err
			}
		}
	}
	if rows == 0 {
		return &screener.ParseError{File: name, Line: sections[0].headerLine, Reason: "the Geneva report has no position rows"}
	}
	return nil
}

// genevaColumns maps a section header: the alias table for the common
// names, then Geneva's own (Description, InvestID, SortKey, Invest).
func genevaColumns(name string, sec *genevaSection) (*columns, error) {
	c, err := newColumns(name, sec.headerLine, sec.header)
	if err != nil {
		return nil, err
	}
	col := func(n string) int {
		for j, h := range sec.header {
			if strings.EqualFold(strings.TrimSpace(h), n) {
				return j
			}
		}
		return -1
	}
	c.idx[fName] = col("Description")
	c.idx[fSecurityID] = -1 // InvestID is read by genevaFix
	c.idx[fPrice] = col("LocalPrice")
	c.idx[fMarketValue] = col("MarketValueBook")
	c.idx[fCurrency] = -1 // LocalCurrency is a name; values are in BookCurrency
	c.idx[fAssetClass] = col("SortKey")
	c.idx[fWeight] = col("Invest")
	investID := col("InvestID")
	if c.idx[fName] < 0 && investID < 0 {
		return nil, &screener.ParseError{File: name, Line: sec.headerLine,
			Reason: "Geneva section without Description or InvestID column"}
	}
	book := sec.params["BookCurrency"]
	c.portfolio = sec.params["Portfolio"]
	if c.portfolio == "" {
		c.portfolio = sec.params["PortfolioDescription"]
	}
	c.fix = func(h *screener.Holding, rec []string) *screener.ParseError {
		h.Currency = book
		if investID < 0 || investID >= len(rec) {
			return nil
		}
		raw := strings.TrimSpace(rec[investID])
		if raw == "" {
			return nil
		}
		h.OtherIDs = []screener.ID{{Type: "Geneva InvestID", Value: raw}}
		genevaInvestID(h, raw)
		return nil
	}
	return c, nil
}

// genevaInvestID places a Geneva InvestID: an ISIN with or without a lot
// suffix (" HTM", " HTM TEST"), or a Bloomberg ticker "941 HK" /
// "941 HK Equity". Currency codes of cash lines and other house codes stay
// only in OtherIDs.
func genevaInvestID(h *screener.Holding, raw string) {
	fields := strings.Fields(raw)
	if len(fields) == 0 {
		return
	}
	if id := strings.ToUpper(fields[0]); looksISIN(id) {
		h.ISIN = id
		return
	}
	if len(fields) >= 2 && len(fields) <= 3 && len(fields[1]) == 2 && isLetter(fields[1][0]) && isLetter(fields[1][1]) &&
		(len(fields) == 2 || strings.EqualFold(fields[2], "equity")) {
		h.Ticker = fields[0] + " " + fields[1]
	}
}

// parseGenevaDate reads "11/30/2020 23:59" (m/d/yyyy) or "30-Nov-20".
func parseGenevaDate(s string) (screener.Date, error) {
	for _, layout := range []string{"1/2/2006 15:04", "1/2/2006 15:04:05", "1/2/2006", "2-Jan-06", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return screener.DateOf(t), nil
		}
	}
	return screener.Date{}, fmt.Errorf("PeriodEndDate %q not understood (want m/d/yyyy)", s)
}
