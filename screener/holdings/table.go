package holdings

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/screener/screener/issuers"
	"github.com/screener/screener/screener"
)

// field is a Holding field a header column can map to.
type field int

// Fields, in the order the alias table lists them.
const (
	fPortfolio field = iota
	fName
	fIssuer
	fISIN
	fCUSIP
	fSEDOL
	fFIGI
	fLEI
	fTicker
	fSecurityID // an identifier of unknown kind, classified by its shape
	fExchange
	fQuantity
	fPrice
	fMarketValue
	fCurrency
	fWeight
	fAssetClass
	fUSPerson
	numFields
)

// aliasTable lists, for each field, the header names that mean it, most
// preferred first. Names are compared after normalise (lower case, letters
// and digits only), so "Market Value", "market_value" and "MARKET-VALUE"
// are the same. When a file has two columns for one field (say "Ticker" and
// "Symbol"), the one earlier in the list wins; the other is ignored.
var aliasTable = [numFields]struct {
	label string // how messages name the field
	names []string
}{
	fPortfolio:   {"portfolio", []string{"portfolio", "portfolioid", "portfolioname", "account", "accountid", "accountnumber", "accountname", "clientaccountid", "fund", "fundid", "fundname"}},
	fName:        {"name", []string{"name", "securityname", "description", "securitydescription", "instrumentname", "instrument", "product", "productname", "assetname", "holdingname", "security"}},
	fIssuer:      {"issuer", []string{"issuer", "issuername", "nameofissuer", "company", "companyname"}},
	fISIN:        {"ISIN", []string{"isin", "isincode", "isinnumber"}},
	fCUSIP:       {"CUSIP", []string{"cusip", "cusipnumber", "cusipcode"}},
	fSEDOL:       {"SEDOL", []string{"sedol", "sedolcode"}},
	fFIGI:        {"FIGI", []string{"figi", "compositefigi", "bbgfigi"}},
	fLEI:         {"LEI", []string{"lei", "issuerlei", "leicode"}},
	fTicker:      {"ticker", []string{"ticker", "symbol", "tickersymbol", "bloombergticker", "issuerticker", "localcode", "stockcode"}},
	fSecurityID:  {"security ID", []string{"securityid", "securityidentifier", "identifier", "secid", "investid", "symbolisin"}},
	fExchange:    {"exchange", []string{"exchange", "mic", "listingexchange", "exchangecode", "exchangemic", "market", "primaryexchange"}},
	fQuantity:    {"quantity", []string{"quantity", "shares", "nominal", "position", "units", "qty", "sharesheld", "parvalue", "balance"}},
	fPrice:       {"price", []string{"price", "marketprice", "markprice", "closingprice", "closing", "lastprice", "localprice", "unitprice"}},
	fMarketValue: {"market value", []string{"marketvalue", "value", "mv", "positionvalue", "marketvaluelocal", "localvalue", "marketvaluebook", "valueusd"}},
	fCurrency:    {"currency", []string{"currency", "ccy", "currencycode", "currencyprimary", "localcurrency", "curr"}},
	fWeight:      {"weight", []string{"weight", "weightpct", "weightpercent", "percentofnav", "pctofnav", "pctval", "percentage"}},
	fAssetClass:  {"asset class", []string{"assetclass", "assettype", "securitytype", "instrumenttype", "assetcategory"}},
	fUSPerson:    {"US person", []string{"usperson", "isusperson", "uspersonstatus", "usstatus"}},
}

// aliasIndex maps a normalised header name to its field and its rank in the
// field's list.
var aliasIndex = func() map[string]struct {
	f    field
	rank int
} {
	m := make(map[string]struct {
		f    field
		rank int
	})
	for f, a := range aliasTable {
		for i, n := range a.names {
			m[n] = struct {
				f    field
				rank int
			}{field(f), i}
		}
	}
	return m
}()

// normalise folds a header cell for the alias table: lower case, letters
// and digits only ("Weight (%)" → "weight", "us_person" → "usperson").
func normalise(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
		case r >= 'A' && r <= 'Z':
			b.WriteRune(r + 'a' - 'A')
		case r > 127 && r != '\ufeff' && r != '\u00a0':
			b.WriteRune(r)
		}
	}
	return b.String()
}

// identifying lists the fields that let a row be screened on their own.
var identifying = []field{fISIN, fCUSIP, fSEDOL, fFIGI, fLEI, fTicker, fSecurityID, fName, fIssuer}

// columns is a header row mapped through the alias table: which cell of a
// record holds which Holding field. It is built once per table and then
// turns each record into a Holding without reflection or per-row maps.
// The sheet reader (sheets.go) uses it for spreadsheet rows too.
type columns struct {
	file     string
	header   []string       // the header cells, copied
	line     int            // the header's line (plain tables)
	idx      [numFields]int // column index of each field, -1 when absent
	european bool           // numbers are written 1.234,56
	// portfolio is used when a row has no portfolio cell of its own (the
	// iShares fund name, the Geneva portfolio parameter).
	portfolio string
	// fix, when set, lets a format add what the alias table cannot say
	// (IB conid, Geneva InvestID suffixes). It runs after the cells are
	// read and before identifiers are checked; a non-nil result rejects the
	// row.
	fix func(h *screener.Holding, rec []string) *screener.ParseError
}

// newColumns maps header (found at line of file) through the alias table.
// It fails, with a *screener.ParseError, when two columns have the same
// recognised name or when no column identifies a security (no identifier,
// ticker or name column); the message lists what it looked for.
func newColumns(file string, line int, header []string) (*columns, error) {
	c := &columns{file: file, header: append([]string(nil), header...)}
	var rank [numFields]int
	for f := range c.idx {
		c.idx[f] = -1
	}
	seen := make(map[string]int, len(header))
	for j, cell := range header {
		n := normalise(cell)
		if n == "" {
			continue
		}
		a, ok := aliasIndex[n]
		if !ok {
			continue
		}
		if k, dup := seen[n]; dup {
			return nil, &screener.ParseError{File: file, Line: line, Column: j + 1, Field: trimSpace(cell),
				Reason: fmt.Sprintf("columns %d %q and %d %q have the same name; rename one", k+1, trimSpace(header[k]), j+1, trimSpace(cell))}
		}
		seen[n] = j
		if c.idx[a.f] < 0 || a.rank < rank[a.f] {
			c.idx[a.f] = j
			rank[a.f] = a.rank
		}
	}
	if !c.hasIdentifying() {
		return nil, &screener.ParseError{File: file, Line: line,
			Reason: fmt.Sprintf("no column identifies a security: looked for %s (header is %s)", lookedFor(), quoteList(header))}
	}
	return c, nil
}

func (c *columns) hasIdentifying() bool {
	for _, f := range identifying {
		if c.idx[f] >= 0 {
			return true
		}
	}
	return false
}

// lookedFor lists the header names that identify a security, for errors.
func lookedFor() string {
	var parts []string
	for _, f := range identifying {
		parts = append(parts, aliasTable[f].label+" ("+strings.Join(aliasTable[f].names, ", ")+")")
	}
	return strings.Join(parts, "; ")
}

func quoteList(cells []string) string {
	if len(cells) > 20 {
		cells = cells[:20]
	}
	q := make([]string, len(cells))
	for i, c := range cells {
		q[i] = fmt.Sprintf("%q", c)
	}
	return "[" + strings.Join(q, ", ") + "]"
}

// cell returns the trimmed cell of rec for f, "" when the table has no such
// column, the record is short, or the cell is "-".
func (c *columns) cell(rec []string, f field) string {
	i := c.idx[f]
	if i < 0 || i >= len(rec) {
		return ""
	}
	v := trimSpace(rec[i])
	if v == "-" || v == "--" {
		return ""
	}
	return v
}

// reject builds a row error at line for the column of f.
func (c *columns) reject(line int, f field, reason string) *screener.ParseError {
	e := &screener.ParseError{File: c.file, Line: line, Reason: reason}
	if f >= 0 && f < numFields {
		if i := c.idx[f]; i >= 0 {
			e.Column = i + 1
			if i < len(c.header) {
				e.Field = trimSpace(c.header[i])
			}
		}
	}
	return e
}

// decode fills h (reset first) from rec, a data record at line. It returns
// a reject when the row cannot be used: a number that does not parse, or
// no way left to screen it. The Holding's strings point into rec, so a
// reader must not reuse rec's string data (encoding/csv with ReuseRecord
// reuses only the slice).
//
// Identifiers: an ISIN, CUSIP, SEDOL, FIGI or LEI that fails its check is
// removed from its field and named in h.Warnings when the row has another
// way to be screened (another identifier, a ticker or a name); otherwise the
// row is rejected with that column named.
func (c *columns) decode(h *screener.Holding, line int, rec []string) *screener.ParseError {
	*h = screener.Holding{File: c.file, Line: line}
	h.Portfolio = c.cell(rec, fPortfolio)
	if h.Portfolio == "" {
		h.Portfolio = c.portfolio
	}
	h.Name = c.cell(rec, fName)
	if h.Name == "" {
		h.Name = c.cell(rec, fIssuer)
	}
	h.ISIN = upperID(c.cell(rec, fISIN))
	h.CUSIP = upperID(c.cell(rec, fCUSIP))
	h.SEDOL = upperID(c.cell(rec, fSEDOL))
	h.FIGI = upperID(c.cell(rec, fFIGI))
	h.LEI = upperID(c.cell(rec, fLEI))
	h.Ticker = c.cell(rec, fTicker)
	h.Exchange = c.cell(rec, fExchange)
	h.Currency = c.cell(rec, fCurrency)
	h.AssetClass = c.cell(rec, fAssetClass)
	if id := c.cell(rec, fSecurityID); id != "" {
		placeID(h, id)
	}

	var err error
	var ok bool
	if c.idx[fQuantity] >= 0 {
		if h.Quantity, ok, err = parseNumber(c.cell(rec, fQuantity), c.european); err != nil {
			return c.reject(line, fQuantity, aliasTable[fQuantity].label+" "+err.Error())
		}
		h.HasQuantity = ok
	}
	if c.idx[fPrice] >= 0 {
		if h.Price, ok, err = parseNumber(c.cell(rec, fPrice), c.european); err != nil {
			return c.reject(line, fPrice, aliasTable[fPrice].label+" "+err.Error())
		}
		h.HasPrice = ok
	}
	if c.idx[fMarketValue] >= 0 {
		if h.MarketValue, ok, err = parseNumber(c.cell(rec, fMarketValue), c.european); err != nil {
			return c.reject(line, fMarketValue, aliasTable[fMarketValue].label+" "+err.Error())
		}
		h.HasValue = ok
	}
	if c.idx[fWeight] >= 0 {
		if h.Weight, ok, err = parseNumber(c.cell(rec, fWeight), c.european); err != nil {
			return c.reject(line, fWeight, aliasTable[fWeight].label+" "+err.Error())
		}
		h.HasWeight = ok
	}
	if c.idx[fUSPerson] >= 0 {
		v := c.cell(rec, fUSPerson)
		u, known := parseUSPerson(v)
		h.USPerson = u
		if !known {
			h.Warnings = append(h.Warnings, fmt.Sprintf("US person value %q not understood (want yes/no, true/false, us/non-us or blank); treated as unknown, that is as a US person", v))
		}
	}
	if c.fix != nil {
		if e := c.fix(h, rec); e != nil {
			return e
		}
	}
	return c.checkIDs(h, line)
}

// checkIDs validates the identifiers of h; see decode.
func (c *columns) checkIDs(h *screener.Holding, line int) *screener.ParseError {
	type bad struct {
		f      field
		v      *string
		value  string // as written
		reason string
	}
	var bads []bad
	check := func(f field, v *string, fn func(string) error) {
		if *v == "" {
			return
		}
		if restored, ok := restoreZeros(f, *v, fn); ok {
			h.Warnings = append(h.Warnings, fmt.Sprintf("%s %q restored to %q (leading zeros lost, e.g. by a spreadsheet)", aliasTable[f].label, *v, restored))
			*v = restored
			return
		}
		if err := fn(*v); err != nil {
			reason := err.Error()
			if !strings.Contains(reason, *v) { // issuers errors name the value; others get it here
				reason = fmt.Sprintf("%s %q: %s", aliasTable[f].label, *v, reason)
			}
			bads = append(bads, bad{f, v, *v, reason})
			*v = "" // not an identifier to screen the row by (see below)
		}
	}
	check(fISIN, &h.ISIN, issuers.CheckISIN)
	check(fCUSIP, &h.CUSIP, issuers.CheckCUSIP)
	check(fSEDOL, &h.SEDOL, issuers.CheckSEDOL)
	check(fFIGI, &h.FIGI, issuers.CheckFIGI)
	check(fLEI, &h.LEI, issuers.CheckLEI)
	screenable := h.ISIN != "" || h.CUSIP != "" || h.SEDOL != "" || h.FIGI != "" || h.LEI != "" ||
		h.Ticker != "" || h.Name != ""
	if !screenable {
		if len(bads) > 0 {
			f := bads[0].f
			if c.idx[f] < 0 {
				f = fSecurityID
			}
			return c.reject(line, f, bads[0].reason+"; the row has no other identifier or name to screen it by")
		}
		return c.reject(line, -1, "the row has no identifier, ticker or name to screen it by")
	}
	for _, b := range bads {
		if b.f == fISIN {
			// Kept as written: OFAC itself lists malformed ISINs
			// (BRC1EODR004, CND10002K094), which match only verbatim.
			*b.v = strings.ToUpper(strings.TrimSpace(b.value))
			h.Warnings = append(h.Warnings, b.reason+"; kept as written (a list may carry the same malformed ISIN) and the row screened by its other identifiers or name too")
			continue
		}
		h.Warnings = append(h.Warnings, b.reason+"; identifier dropped, row screened by its other identifiers or name")
	}
	return nil
}

// restoreZeros gives back the leading zeros a spreadsheet strips from an
// all-digit CUSIP (9) or SEDOL (7) ("989529" is SEDOL 0989529), when v
// fails its check and the padded value passes it.
func restoreZeros(f field, v string, check func(string) error) (string, bool) {
	n := 0
	switch f {
	case fCUSIP:
		n = 9
	case fSEDOL:
		n = 7
	default:
		return "", false
	}
	if len(v) >= n || !allDigits(v) || check(v) == nil {
		return "", false
	}
	p := strings.Repeat("0", n-len(v)) + v
	if check(p) != nil {
		return "", false
	}
	return p, true
}

// upperID upper-cases an identifier cell and treats the spreadsheet null
// spellings as empty.
func upperID(s string) string {
	if isNull(s) || strings.EqualFold(s, "none") {
		return ""
	}
	return strings.ToUpper(s)
}

// placeID puts an identifier of unknown kind (a "Security ID" cell, a
// Geneva InvestID, a DEGIRO Symbol/ISIN) where its shape says it belongs:
// ISIN (2 letters, 9 alphanumerics, 1 digit), FIGI (BBG + 9), LEI (20
// alphanumerics, 2 check digits), CUSIP (9 alphanumerics with a digit), or
// else the ticker. A field already filled from its own column wins.
func placeID(h *screener.Holding, id string) {
	u := strings.ToUpper(id)
	switch {
	case looksISIN(u):
		if h.ISIN == "" {
			h.ISIN = u
		}
	case len(u) == 12 && strings.HasPrefix(u, "BBG") && alnum(u):
		if h.FIGI == "" {
			h.FIGI = u
		}
	case len(u) == 20 && alnum(u) && isDigit(u[18]) && isDigit(u[19]):
		if h.LEI == "" {
			h.LEI = u
		}
	case len(u) == 9 && alnum(u) && isDigit(u[8]) && hasDigit(u[:6]):
		if h.CUSIP == "" {
			h.CUSIP = u
		}
	default:
		if h.Ticker == "" {
			h.Ticker = id
		}
	}
}

func looksISIN(s string) bool {
	if len(s) != 12 || !isLetter(s[0]) || !isLetter(s[1]) || !isDigit(s[11]) {
		return false
	}
	return alnum(s)
}

func alnum(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) && !isLetter(s[i]) {
			return false
		}
	}
	return true
}

func hasDigit(s string) bool {
	for i := 0; i < len(s); i++ {
		if isDigit(s[i]) {
			return true
		}
	}
	return false
}

func isDigit(c byte) bool  { return c >= '0' && c <= '9' }
func isLetter(c byte) bool { return c >= 'A' && c <= 'Z' }

// parseUSPerson reads a us_person cell. Blank is unknown (and known=true:
// blank is a valid answer); a value it does not understand is unknown with
// known=false so the caller can warn.
func parseUSPerson(v string) (u screener.USPerson, known bool) {
	switch normalise(v) {
	case "":
		return screener.USPersonUnknown, true
	case "yes", "y", "true", "t", "1", "us", "usperson":
		return screener.USPersonYes, true
	case "no", "n", "false", "f", "0", "nonus", "nonusperson", "notus", "foreign":
		return screener.USPersonNo, true
	case "unknown", "na":
		return screener.USPersonUnknown, true
	}
	return screener.USPersonUnknown, false
}

// emit decodes rec and hands the result to s as a holding or a reject.
func (c *columns) emit(s Sink, h *screener.Holding, line int, rec []string) error {
	if e := c.decode(h, line, rec); e != nil {
		return s.Reject(e)
	}
	return s.Holding(h)
}

// allBlank reports whether every cell of rec is blank.
func allBlank(rec []string) bool {
	for _, v := range rec {
		if trimSpace(v) != "" {
			return false
		}
	}
	return true
}

// sniffDelimiter picks the delimiter of a text table from its first
// non-blank line: the most frequent of , TAB ; | outside quotes (comma on a
// tie or when none occurs).
func sniffDelimiter(head []byte) rune {
	for len(head) > 0 {
		line := head
		if i := bytes.IndexByte(head, '\n'); i >= 0 {
			line, head = head[:i], head[i+1:]
		} else {
			head = nil
		}
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		var n [4]int
		quoted := false
		for _, b := range line {
			switch b {
			case '"':
				quoted = !quoted
			case ',':
				if !quoted {
					n[0]++
				}
			case '\t':
				if !quoted {
					n[1]++
				}
			case ';':
				if !quoted {
					n[2]++
				}
			case '|':
				if !quoted {
					n[3]++
				}
			}
		}
		best := 0
		for i := 1; i < 4; i++ {
			if n[i] > n[best] {
				best = i
			}
		}
		return []rune{',', '\t', ';', '|'}[best]
	}
	return ','
}

// newCSV returns an encoding/csv reader for the tables of this package:
// variable field counts (the readers check them), reused records.
func newCSV(r io.Reader, comma rune) *csv.Reader {
	cr := csv.NewReader(r)
	cr.Comma = comma
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	return cr
}

// csvReject turns an encoding/csv error into a row reject, or returns ok
// false when err is not a *csv.ParseError (an I/O error).
func csvReject(file string, err error) (*screener.ParseError, bool) {
	var pe *csv.ParseError
	if !errors.As(err, &pe) {
		return nil, false
	}
	reason := pe.Err.Error()
	switch {
	case errors.Is(pe.Err, csv.ErrQuote):
		reason = `a quoted cell is not closed properly (a " must be doubled inside quotes, and the quotes must enclose the whole cell)`
	case errors.Is(pe.Err, csv.ErrBareQuote):
		reason = `a " appears inside an unquoted cell; quote the cell and double the "`
	}
	return &screener.ParseError{File: file, Line: pe.StartLine, Column: pe.Column, Reason: reason, Err: pe.Err}, true
}

// records is what tableLoop reads records from: an encoding/csv Reader,
// or a lineSplitter for text with no quotes.
type records interface {
	Read() ([]string, error)
	FieldPos(field int) (line, column int)
}

// tableLoop reads the data records of a table whose header is mapped by c
// and sends them to s. skip, when set, drops records that are not data
// (footers) without counting them; all-blank records are always dropped.
// It returns the number of data rows seen.
//
// cr's line numbers are shifted by lineOff: a reader over a chunk of a file
// (parallel.go) passes the number of lines before the chunk. A Sink that is
// also a RawSink is offered each well-formed data row before it is decoded.
func tableLoop(cr records, c *columns, s Sink, skip func(rec []string) bool, lineOff int) (int, error) {
	h := new(screener.Holding)
	raw, _ := s.(RawSink)
	if c.fix != nil {
		raw = nil // the row's meaning depends on the format's fix-up
	}
	rows := 0
	width := len(c.header)
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return rows, nil
		}
		if err != nil {
			var tooLong *lineTooLong
			if errors.As(err, &tooLong) {
				tl := &lineTooLong{line: tooLong.line + lineOff, max: tooLong.max}
				return rows, &screener.ParseError{File: c.file, Line: tl.line, Reason: tl.Error(), Err: tl}
			}
			pe, ok := csvReject(c.file, err)
			if !ok {
				return rows, &screener.ParseError{File: c.file, Reason: "read: " + err.Error(), Err: err}
			}
			pe.Line += lineOff
			rows++
			if err := s.Reject(pe); err != nil {
				return rows, err
			}
			// A quote that never closes swallows the lines after it: each
			// one is reported, so no row disappears silently.
			var cpe *csv.ParseError
			if errors.As(err, &cpe) && errors.Is(cpe.Err, csv.ErrQuote) {
				for l := cpe.StartLine + 1; l <= cpe.Line; l++ {
					rows++
					e := &screener.ParseError{File: c.file, Line: l + lineOff,
						Reason: fmt.Sprintf("inside the quoted cell opened on line %d that never closes; fix the quote and screen the file again", cpe.StartLine+lineOff)}
					if err := s.Reject(e); err != nil {
						return rows, err
					}
				}
			}
			continue
		}
		if allBlank(rec) || (skip != nil && skip(rec)) {
			continue
		}
		line, _ := cr.FieldPos(0)
		line += lineOff
		rows++
		if len(rec) != width && !extraBlank(rec, width) {
			e := &screener.ParseError{File: c.file, Line: line,
				Reason: fmt.Sprintf("the row has %d cells, the header has %d", len(rec), width)}
			if err := s.Reject(e); err != nil {
				return rows, err
			}
			continue
		}
		if raw != nil {
			done, err := raw.RawRow(Row{c: c, rec: rec, line: line})
			if err != nil {
				return rows, err
			}
			if done {
				continue
			}
		}
		if err := c.emit(s, h, line, rec); err != nil {
			return rows, err
		}
	}
}

// extraBlank reports whether rec is longer than width only by blank cells.
func extraBlank(rec []string, width int) bool {
	if len(rec) < width {
		return false
	}
	return allBlank(rec[width:])
}

// readTable reads a plain CSV, TSV, semicolon or pipe separated table whose
// first non-blank line is its header, mapping columns by name through the
// alias table. A semicolon-separated file is taken to write European
// numbers (1.234,56).
func readTable(name string, r io.Reader, s Sink, info *Info) error {
	cr, c, err := readHeader(name, r) // Read caps its lines (lineCap)
	if err != nil {
		return err
	}
	rows, err := tableLoop(cr, c, s, nil, 0)
	if err != nil {
		return err
	}
	if rows == 0 {
		return noRows(c)
	}
	return nil
}

// readHeader sniffs the delimiter of a plain table, reads its first
// non-blank record as the header and maps it. The reader it returns is
// positioned at the first data record.
func readHeader(name string, r io.Reader) (*csv.Reader, *columns, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	head, _ := br.Peek(16 << 10)
	comma := sniffDelimiter(head)
	cr := newCSV(br, comma)
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return nil, nil, &screener.ParseError{File: name, Reason: "no header row: the file has no text lines"}
		}
		if err != nil {
			var tooLong *lineTooLong
			if errors.As(err, &tooLong) {
				return nil, nil, &screener.ParseError{File: name, Line: tooLong.line, Reason: tooLong.Error(), Err: err}
			}
			if pe, ok := csvReject(name, err); ok {
				pe.Reason = "header: " + pe.Reason
				return nil, nil, pe
			}
			return nil, nil, &screener.ParseError{File: name, Reason: "read: " + err.Error(), Err: err}
		}
		if allBlank(rec) {
			continue
		}
		line, _ := cr.FieldPos(0)
		c, err := newColumns(name, line, rec)
		if err != nil {
			return nil, nil, err
		}
		c.line = line
		c.european = comma == ';'
		return cr, c, nil
	}
}

// noRows is the error of a table with a header and no data rows.
func noRows(c *columns) error {
	return &screener.ParseError{File: c.file, Line: c.line, Reason: "the file has a header but no data rows"}
}

// MaxLineBytes is the longest line a table may have. A holdings row is a
// few hundred bytes; a line of megabytes is a broken or hostile file, and
// reading it whole would take memory out of all proportion.
const MaxLineBytes = 1 << 20

// lineCap passes r through and fails once a line exceeds max bytes.
type lineCap struct {
	r    io.Reader
	max  int
	cur  int // bytes since the last newline
	line int // 1-based number of the current line
}

// lineTooLong is the error of a line longer than MaxLineBytes.
type lineTooLong struct{ line, max int }

func (e *lineTooLong) Error() string {
	return fmt.Sprintf("line %d is longer than %d bytes: not a holdings table (or a broken one)", e.line, e.max)
}

func (c *lineCap) Read(p []byte) (int, error) {
	if c.line == 0 {
		c.line = 1
	}
	n, err := c.r.Read(p)
	for i := 0; i < n; i++ {
		if p[i] == '\n' {
			c.cur = 0
			c.line++
			continue
		}
		c.cur++
		if c.cur > c.max {
			return i, &lineTooLong{line: c.line, max: c.max}
		}
	}
	return n, err
}
