package holdings

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"unicode"

	"github.com/screener/screener/issuers"
	"github.com/screener/screener/screener"
	"github.com/screener/screener/screener/internal/strcache"
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
	// uses says what each column was used as, for the report.
	uses []ColumnUse
	// key is what Row.Key reads, made on first use.
	key     keyPlan
	keyOnce sync.Once
}

// newColumns maps header (found at line of file) by its words alone; see
// inferColumns.
func newColumns(file string, line int, header []string) (*columns, error) {
	return inferColumns(file, line, header, nil, nil)
}

// inferColumns maps header (found at line of file) to Holding fields by the
// alias table, then by header words (headerwords.go), then by the values of
// sample, the first data records: a column whose values mostly pass the
// ISIN, CUSIP, SEDOL, FIGI or LEI check is that identifier whatever it is
// called; a numeric field whose values are mostly text is not that field.
// It fails, with a *screener.ParseError, when two identifier columns have
// the same name, when no column identifies a security (the message lists
// what it looked for), or when a column left unused holds identifiers
// (unless its header is in ignore: the caller said so).
func inferColumns(file string, line int, header []string, sample [][]string, ignore []string) (*columns, error) {
	c := &columns{file: file, header: append([]string(nil), header...)}
	type cand struct {
		f    field
		rank int
		ok   bool
		by   string
	}
	cands := make([]cand, len(header))
	seen := make(map[string]int, len(header))
	for j, cell := range header {
		n := normalise(foldText(cell))
		if n == "" {
			continue
		}
		if a, ok := aliasIndex[n]; ok {
			if k, dup := seen[n]; dup && isIdentifying(a.f) {
				return nil, &screener.ParseError{File: file, Line: line, Column: j + 1, Field: trimSpace(cell),
					Reason: fmt.Sprintf("columns %d %q and %d %q have the same name; rename one", k+1, trimSpace(header[k]), j+1, trimSpace(cell))}
			}
			seen[n] = j
			cands[j] = cand{a.f, a.rank, true, "header"}
			continue
		}
		if f, rank, ok := wordField(cell); ok {
			cands[j] = cand{f, rank, true, "header words"}
		}
	}
	looks := make([]field, len(header)) // identifier kind the values show, -1 none
	for j := range header {
		looks[j] = -1
		if len(sample) == 0 {
			continue
		}
		vt := typeValues(sample, j)
		looks[j] = vt.id
		cd := &cands[j]
		switch {
		case cd.ok && isNumericField(cd.f) && vt.text > 0 && vt.text >= vt.numbers:
			// "Holding" over company names is the name, not a quantity.
			*cd = cand{}
			if vt.id < 0 {
				*cd = cand{fName, headerRank + 5, true, "values (text)"}
			}
		}
		if vt.id >= 0 && (!cd.ok || !isIDField(cd.f)) {
			*cd = cand{vt.id, headerRank - 2, true, "values (" + aliasTable[vt.id].label + " check digits)"}
		}
	}
	var rank [numFields]int
	for f := range c.idx {
		c.idx[f] = -1
	}
	for j, cd := range cands {
		if !cd.ok {
			continue
		}
		if c.idx[cd.f] < 0 || cd.rank < rank[cd.f] {
			c.idx[cd.f] = j
			rank[cd.f] = cd.rank
		}
	}
	c.uses = make([]ColumnUse, len(header))
	for j, cell := range header {
		u := ColumnUse{Column: j + 1, Header: trimSpace(cell)}
		if cd := cands[j]; cd.ok && c.idx[cd.f] == j {
			u.Field, u.By = aliasTable[cd.f].label, cd.by
		}
		c.uses[j] = u
	}
	if !c.hasIdentifying() {
		return nil, &screener.ParseError{File: file, Line: line,
			Reason: fmt.Sprintf("no column identifies a security: looked for %s (header is %s)", lookedFor(), quoteList(header))}
	}
	for j, u := range c.uses {
		if u.Field != "" || looks[j] < 0 || ignored(ignore, u.Header) {
			continue
		}
		return nil, &screener.ParseError{File: file, Line: line, Column: j + 1, Field: u.Header,
			Reason: fmt.Sprintf("column %d %q holds %s values but is not used (column %d %q is the %s column); rename it, or screen with --ignore-column %q to leave it out",
				j+1, u.Header, aliasTable[looks[j]].label, c.idx[looks[j]]+1, headerAt(header, c.idx[looks[j]]), aliasTable[looks[j]].label, u.Header)}
	}
	return c, nil
}

func headerAt(h []string, i int) string {
	if i < 0 || i >= len(h) {
		return ""
	}
	return trimSpace(h[i])
}

// ignored reports whether header is one of the names the caller said to
// leave out (compared folded).
func ignored(ignore []string, header string) bool {
	for _, n := range ignore {
		if normalise(foldText(n)) == normalise(foldText(header)) {
			return true
		}
	}
	return false
}

// ColumnUse says what a reader made of one column of a file (the report's
// file_columns).
type ColumnUse = screener.FileColumn

func isIdentifying(f field) bool {
	for _, x := range identifying {
		if x == f {
			return true
		}
	}
	return false
}

func isIDField(f field) bool {
	switch f {
	case fISIN, fCUSIP, fSEDOL, fFIGI, fLEI, fSecurityID:
		return true
	}
	return false
}

func isNumericField(f field) bool {
	switch f {
	case fQuantity, fPrice, fMarketValue, fWeight:
		return true
	}
	return false
}

// valueTypes counts what the sample values of one column look like.
type valueTypes struct {
	numbers, text int
	id            field // the identifier kind most values pass, -1 none (fSecurityID: mixed kinds)
}

// typeValues looks at column j of sample. A column is an identifier column
// when at least 4 in 5 of its non-blank values pass one identifier check
// (or, mixed, some check each); all-digit values (a CUSIP or SEDOL passes by
// chance one time in ten) count only from three values on.
func typeValues(sample [][]string, j int) valueTypes {
	vt := valueTypes{id: -1}
	var pass [numFields]int
	n, any, digitsOnly := 0, 0, true
	for _, rec := range sample {
		if j >= len(rec) {
			continue
		}
		v := trimSpace(rec[j])
		if v == "" || v == "-" {
			continue
		}
		n++
		if _, ok, err := parseNumber(v, false); ok && err == nil {
			vt.numbers++
		} else if _, ok, err := parseNumber(v, true); ok && err == nil {
			vt.numbers++
		} else if hasLetter(v) {
			vt.text++ // dates and codes are neither
		}
		u := strings.ToUpper(v)
		if !allDigits(u) {
			digitsOnly = false
		}
		hit := false
		for _, k := range []struct {
			f  field
			fn func(string) error
		}{{fISIN, issuers.CheckISIN}, {fCUSIP, issuers.CheckCUSIP}, {fSEDOL, issuers.CheckSEDOL}, {fFIGI, issuers.CheckFIGI}, {fLEI, issuers.CheckLEI}} {
			if k.fn(u) == nil {
				pass[k.f]++
				hit = true
			}
		}
		if hit {
			any++
		}
	}
	if n == 0 || any*5 < n*4 || digitsOnly && n < 3 {
		return vt
	}
	for _, f := range []field{fISIN, fFIGI, fLEI, fCUSIP, fSEDOL} {
		if pass[f]*5 >= n*4 {
			vt.id = f
			return vt
		}
	}
	vt.id = fSecurityID
	return vt
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
	c.decodeIdentity(h, line, rec)
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
		r := usMemo.Do(v, func(v string) usPerson {
			u, known := parseUSPerson(v)
			return usPerson{u, known}
		})
		u, known := r.u, r.known
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

// decodeIdentity fills h (reset first) with the cells of rec that say which
// security the row holds and whose position it is: everything decode reads
// but the numbers and the US-person cell, with no check of the identifiers
// yet (checkIDs does that).
func (c *columns) decodeIdentity(h *screener.Holding, line int, rec []string) {
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
	if h.Exchange != "" && !isASCIIUpper(h.Exchange) {
		// The exchange is kept as written (the matcher reads the
		// exchange names); its market restores a code's leading zeros.
		if mic := micMemo.Do(h.Exchange, exchangeMIC); mic != "" {
			if p := padCode(h.Ticker, mic); p != h.Ticker {
				h.Warnings = append(h.Warnings, fmt.Sprintf("ticker %q on %s restored to %q (leading zeros lost, e.g. by a spreadsheet)", h.Ticker, mic, p))
				h.Ticker = p
			}
		}
	}
	h.Currency = c.cell(rec, fCurrency)
	h.AssetClass = c.cell(rec, fAssetClass)
	if id := c.cell(rec, fSecurityID); id != "" {
		placeID(h, id)
	}
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
	// A value that passes a check is that identifier (a mixed "ISIN/CUSIP"
	// column types each value so); the shapes below place the others.
	switch {
	case len(u) == 12 && issuers.CheckISIN(u) == nil:
		if h.ISIN == "" {
			h.ISIN = u
		}
		return
	case len(u) == 9 && issuers.CheckCUSIP(u) == nil:
		if h.CUSIP == "" {
			h.CUSIP = u
		}
		return
	case len(u) == 7 && !allDigits(u) && issuers.CheckSEDOL(u) == nil:
		if h.SEDOL == "" {
			h.SEDOL = u
		}
		return
	}
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

// isASCIIUpper reports whether s is written like a code (XHKG, HK, SS):
// upper-case ASCII letters and digits only.
func isASCIIUpper(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) && !isLetter(s[i]) {
			return false
		}
	}
	return true
}

func hasLetter(s string) bool {
	for _, r := range s {
		if unicode.IsLetter(r) {
			return true
		}
	}
	return false
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

// Memos of decode's functions of a cell, whose values repeat over a file
// (a few dozen exchange names, yes and no).
var (
	micMemo = strcache.New[string](1024)
	usMemo  = strcache.New[usPerson](1024)
)

type usPerson struct {
	u     screener.USPerson
	known bool
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
// non-blank lines (up to 30, so that a title line above the header does not
// decide): the one of , TAB ; | that occurs most often outside quotes
// (comma on a tie or when none occurs).
func sniffDelimiter(head []byte) rune {
	var most [4]int // occurrences over the lines
	for lines := 0; len(head) > 0 && lines < 30; {
		line := head
		if i := bytes.IndexByte(head, '\n'); i >= 0 {
			line, head = head[:i], head[i+1:]
		} else {
			head = nil
		}
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		lines++
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
		for i := range n {
			most[i] += n[i]
		}
	}
	best := 0
	for i := 1; i < 4; i++ {
		if most[i] > most[best] {
			best = i
		}
	}
	return []rune{',', '\t', ';', '|'}[best]
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
	if l, ok := cr.(*lineSplitter); ok {
		if pf, ok := raw.(PrefetchSink); ok && skip == nil {
			return batchLoop(l, c, pf, lineOff)
		}
	}
	var own func() []string
	if o, ok := cr.(interface{ own() []string }); ok {
		own = o.own
	}
	rows := 0
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
		if err := c.record(s, raw, h, rec, line, own); err != nil {
			return rows, err
		}
	}
}

// record sends one data record at line to s: a reject when its cells do
// not fit the header, else to raw (when set) and, unless raw is done with
// it, decoded. own, when set, gives the record's cells copies of their own
// (the reader lent them) before a Holding keeps them.
func (c *columns) record(s Sink, raw RawSink, h *screener.Holding, rec []string, line int, own func() []string) error {
	if width := len(c.header); len(rec) != width && !extraBlank(rec, width) {
		return s.Reject(&screener.ParseError{File: c.file, Line: line,
			Reason: fmt.Sprintf("the row has %d cells, the header has %d", len(rec), width)})
	}
	if raw != nil {
		done, err := raw.RawRow(Row{c: c, rec: rec, line: line})
		if err != nil || done {
			return err
		}
	}
	if own != nil {
		rec = own()
	}
	return c.emit(s, h, line, rec)
}

// extraBlank reports whether rec is longer than width only by blank cells.
func extraBlank(rec []string, width int) bool {
	if len(rec) < width {
		return false
	}
	return allBlank(rec[width:])
}

// readTable reads a plain CSV, TSV, semicolon or pipe separated table:
// title lines above the header are skipped as in spreadsheets, columns are
// typed by header words and values (inferColumns). A semicolon-separated
// file is taken to write European numbers (1.234,56).
func readTable(name string, r io.Reader, s Sink, info *Info) error {
	th, err := readHeader(name, r, info.ignore) // Read caps its lines (lineCap)
	if err != nil {
		return err
	}
	info.Columns = th.c.uses
	info.skip("title or preamble line above the header", th.preamble)
	rows, err := tableLoop(th.rd, th.c, s, nil, 0)
	if err != nil {
		return err
	}
	if rows == 0 {
		return noRows(th.c)
	}
	return nil
}

// tableHead is a plain table's header as readHeader found it.
type tableHead struct {
	cr        *csv.Reader
	rd        records // the sample records read to type the columns, then cr
	c         *columns
	dataStart int64 // byte offset just after the header record
	preamble  int   // non-blank lines above the header
}

// tableMaxPreamble is how many non-blank lines above its header a table
// may have; tableSample how many data records type its columns.
const (
	tableMaxPreamble = 30
	tableSample      = 50
)

// bufRec is a record read ahead: its cells (copied), line, or its error.
type bufRec struct {
	rec  []string
	line int
	err  error
}

// replay yields buffered records, then those of cr.
type replay struct {
	buf  []bufRec
	i    int
	cr   *csv.Reader
	line int
}

func (r *replay) Read() ([]string, error) {
	if r.i < len(r.buf) {
		b := r.buf[r.i]
		r.i++
		r.line = b.line
		return b.rec, b.err
	}
	r.line = -1
	return r.cr.Read()
}

func (r *replay) FieldPos(f int) (int, int) {
	if r.line >= 0 {
		return r.line, 1
	}
	return r.cr.FieldPos(f)
}

// headerGuess counts the cells of a row that name a known field and says
// whether one of them identifies a security.
func headerGuess(cells []string) (known int, ident bool) {
	for _, c := range cells {
		f, ok := field(0), false
		if a, hit := aliasIndex[normalise(foldText(c))]; hit {
			f, ok = a.f, true
		} else {
			f, _, ok = wordField(c)
		}
		if !ok {
			continue
		}
		known++
		if isIdentifying(f) {
			ident = true
		}
	}
	return known, ident
}

// isHeaderRow reports whether cells read as a header: an identifier or
// name column and at least one more known column.
func isHeaderRow(cells []string) bool {
	known, ident := headerGuess(cells)
	return ident && known >= 2
}

// readHeader sniffs the delimiter of a plain table, finds its header (the
// first of the first tableMaxPreamble non-blank records that reads as one,
// else the first non-blank record) and maps it with the next tableSample
// records as the sample of values.
func readHeader(name string, r io.Reader, ignore []string) (*tableHead, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	head, _ := br.Peek(16 << 10)
	comma := sniffDelimiter(head)
	cr := newCSV(br, comma)
	var buf []bufRec
	var offs []int64
	hdr, nonBlank := -1, 0
	var readErr error
	for len(buf) < 4*tableMaxPreamble+tableSample {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			var tooLong *lineTooLong
			if errors.As(err, &tooLong) {
				if nonBlank == 0 {
					return nil, &screener.ParseError{File: name, Line: tooLong.line, Reason: tooLong.Error(), Err: err}
				}
				buf = append(buf, bufRec{line: tooLong.line, err: err}) // tableLoop reports it
				offs = append(offs, cr.InputOffset())
				break
			}
			if _, ok := csvReject(name, err); !ok {
				return nil, &screener.ParseError{File: name, Reason: "read: " + err.Error(), Err: err}
			}
			if hdr < 0 && nonBlank == 0 {
				pe, _ := csvReject(name, err)
				pe.Reason = "header: " + pe.Reason
				return nil, pe
			}
			pe, _ := csvReject(name, err)
			buf = append(buf, bufRec{line: pe.Line, err: err})
			offs = append(offs, cr.InputOffset())
			readErr = err
			break // the rest is read by tableLoop, which reports it
		}
		line, _ := cr.FieldPos(0)
		buf = append(buf, bufRec{rec: append([]string(nil), rec...), line: line})
		offs = append(offs, cr.InputOffset())
		if allBlank(rec) {
			continue
		}
		nonBlank++
		if hdr < 0 && nonBlank <= tableMaxPreamble && isHeaderRow(rec) {
			hdr = len(buf) - 1
		}
		if hdr >= 0 && len(buf)-hdr > tableSample {
			break
		}
		if hdr < 0 && nonBlank > tableMaxPreamble {
			break
		}
	}
	_ = readErr
	if hdr < 0 {
		for i, b := range buf {
			if b.err == nil && !allBlank(b.rec) {
				hdr = i
				break
			}
		}
	}
	if hdr < 0 {
		if len(buf) > 0 && buf[0].err != nil {
			pe, _ := csvReject(name, buf[0].err)
			pe.Reason = "header: " + pe.Reason
			return nil, pe
		}
		return nil, &screener.ParseError{File: name, Reason: "no header row: the file has no text lines"}
	}
	preamble := 0
	for _, b := range buf[:hdr] {
		if b.err == nil && !allBlank(b.rec) {
			preamble++
		}
	}
	var sample [][]string
	for _, b := range buf[hdr+1:] {
		if b.err == nil && !allBlank(b.rec) {
			sample = append(sample, b.rec)
		}
	}
	line := buf[hdr].line
	c, err := inferColumns(name, line, buf[hdr].rec, sample, ignore)
	if err != nil {
		return nil, err
	}
	c.line = line
	c.european = comma == ';'
	return &tableHead{cr: cr, rd: &replay{buf: buf[hdr+1:], cr: cr}, c: c, dataStart: offs[hdr], preamble: preamble}, nil
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
