package holdings

// Layouts found by their shape. A spreadsheet is read as rows of cells:
// the header is inferred (the first row that reads as one, with the rows
// stacked above it that label the same columns), the columns are typed by
// header words and values, and the data rows are assembled into positions:
//
//   - a record that spans rows is one position: a continuation row (no
//     name and no quantity, under a record) gives the record the
//     identifiers and attributes it lacks;
//   - detail lines of one security followed by its subtotal line
//     (custodian statements: NOM / PENDING RECEIPT / Sub-Total / Available
//     Balance) are one position, the subtotal's;
//   - repeated headers, titles and section headings (a lone cell), blank
//     lines, totals and subtotals without a security, and aggregate
//     sections (an account "All" or "Total" repeating the accounts above)
//     are layout, not positions: each is counted in Info.Skipped by reason.
//
// Nothing is a per-custodian template: the rules read the sheet.

import (
	"fmt"
	"strings"

	"github.com/screener/screener/screener"
)

// sheetMaxPreamble is how many non-blank rows above the header a sheet may
// have before the reader gives up on it.
const sheetMaxPreamble = 30

// Reasons layout lines are skipped, as Info.Skipped counts them.
const (
	skipPreamble     = "title or preamble line above the header"
	skipBlank        = "blank line"
	skipHeader       = "repeated header"
	skipHeading      = "title, section heading or page line (one cell)"
	skipTotal        = "total or subtotal line without a security"
	skipAggregate    = "aggregate section (account All/Total repeats the accounts above)"
	skipContinuation = "continuation row of the record above"
	skipDetail       = "detail line of a position given by its subtotal line"
	skipNoSecurity   = "layout line with no security and no quantity"
)

type sheetRow struct {
	num   int
	cells []string
}

// readSheets reads the first sheet of srcs that has a header row. Lines are
// sheet row numbers; a reject on a sheet other than the first names the
// sheet in its reason.
func readSheets(name string, srcs []sheetSrc, s Sink, info *Info) error {
	var tried []string
	for si, src := range srcs {
		var buf []sheetRow
		hdr, nonBlank := -1, 0
		for hdr < 0 {
			row, cells, ok, err := src.rows()
			if err != nil {
				return &screener.ParseError{File: name, Line: row, Reason: fmt.Sprintf("sheet %q: %v", src.name, err), Err: err}
			}
			if !ok {
				break
			}
			if allBlank(cells) {
				continue
			}
			buf = append(buf, sheetRow{row, cells})
			nonBlank++
			if isHeaderRow(cells) {
				hdr = len(buf) - 1
				break
			}
			if nonBlank > sheetMaxPreamble {
				break
			}
		}
		if hdr < 0 {
			tried = append(tried, fmt.Sprintf("%q", src.name))
			continue
		}
		header, top := stackHeader(buf, hdr)
		info.skip(skipPreamble, top)
		// The sample: the rows after the header, read ahead and replayed.
		var sample [][]string
		var ahead []sheetRow
		for len(ahead) < tableSample {
			row, cells, ok, err := src.rows()
			if err != nil {
				ahead = append(ahead, sheetRow{num: -row, cells: []string{err.Error()}})
				break
			}
			if !ok {
				break
			}
			ahead = append(ahead, sheetRow{row, cells})
			if !allBlank(cells) {
				sample = append(sample, cells)
			}
		}
		c, err := inferColumns(name, buf[hdr].num, header, sample, info.ignore)
		if err != nil {
			return err
		}
		info.Columns = c.uses
		where := ""
		if si > 0 {
			where = fmt.Sprintf("sheet %q: ", src.name)
		}
		i := 0
		next := func() (int, []string, bool, error) {
			if i < len(ahead) {
				r := ahead[i]
				i++
				if r.num < 0 {
					return -r.num, nil, false, fmt.Errorf("%s", r.cells[0])
				}
				return r.num, r.cells, true, nil
			}
			return src.rows()
		}
		return sheetData(name, src.name, next, src.bad, c, buf[hdr].num, where, s, info)
	}
	if len(srcs) == 0 {
		return &screener.ParseError{File: name, Reason: "the workbook has no sheets"}
	}
	return &screener.ParseError{File: name, Reason: fmt.Sprintf(
		"no header row found in sheet(s) %s within the first %d rows: a header needs a name or identifier column and one more known column; looked for %s",
		strings.Join(tried, ", "), sheetMaxPreamble, lookedFor())}
}

// stackHeader returns the header of buf[hdr] with the labels of the rows
// stacked directly above it joined in, column by column ("NOMINAL" /
// "QUANTITY/" / "VALUE DATE"), and how many rows above the header are
// preamble. A row is stacked when it is the row right above, has at least
// three cells and none of them is a number.
func stackHeader(buf []sheetRow, hdr int) ([]string, int) {
	top := hdr
	for top > 0 {
		r := buf[top-1]
		if r.num != buf[top].num-1 || !labelRow(r.cells) {
			break
		}
		top--
	}
	if top == hdr {
		return buf[hdr].cells, hdr
	}
	width := 0
	for _, r := range buf[top : hdr+1] {
		width = max(width, len(r.cells))
	}
	out := make([]string, width)
	for j := range out {
		var parts []string
		for _, r := range buf[top : hdr+1] {
			if j < len(r.cells) {
				if v := trimSpace(r.cells[j]); v != "" {
					parts = append(parts, v)
				}
			}
		}
		out[j] = strings.Join(parts, "\n")
	}
	return out, top
}

// labelRow reports whether cells look like a line of column labels.
func labelRow(cells []string) bool {
	n := 0
	for _, c := range cells {
		v := trimSpace(c)
		if v == "" {
			continue
		}
		if _, ok, err := parseNumber(v, false); ok && err == nil {
			return false
		}
		n++
	}
	return n >= 3
}

// totalWords mark a total or subtotal line.
var totalWords = set("total", "subtotal", "totals", "subtotals", "grandtotal")

// isTotalRow reports whether rec is a total or subtotal line: a label
// column says so ("Sub-Total", "BANK DEPOSIT SUBTOTAL", "合计", "小计"). In
// the name and identifier columns only a cell that is a total label as a
// whole counts ("Total", "Grand Total of All", "Subtotal:"), so that a
// security called TOTAL SE is not taken for one.
func (c *columns) isTotalRow(rec []string) bool {
	for j, v := range rec {
		if trimSpace(v) == "" {
			continue
		}
		latin, cjk := splitBilingual(v)
		ws := words(latin)
		strict := c.isIDColumn(j) || c.idx[fName] == j || c.idx[fIssuer] == j
		if strict {
			if isTotalLabel(ws) && cjk == "" {
				return true
			}
			continue
		}
		if len(ws) <= 8 {
			for k, w := range ws {
				if totalWords[w] || w == "sub" && k+1 < len(ws) && ws[k+1] == "total" {
					return true
				}
			}
		}
		for _, z := range []string{"合计", "合計", "小计", "小計", "总计", "總計"} {
			if strings.Contains(cjk, z) {
				return true
			}
		}
	}
	return false
}

// isTotalLabel reports whether the words of a whole cell are a total label.
func isTotalLabel(ws []string) bool {
	switch {
	case len(ws) == 0:
		return false
	case len(ws) == 1:
		return totalWords[ws[0]]
	case ws[0] == "grand" && ws[1] == "total", ws[0] == "sub" && ws[1] == "total":
		return true
	case totalWords[ws[0]] && (ws[1] == "for" || ws[1] == "of" || ws[1] == "in"):
		return true
	}
	return false
}

// aggregateWords are account names of a section that adds up the others.
var aggregateWords = set("all", "total", "allaccounts", "合计", "合計", "全部")

func (c *columns) isIDColumn(j int) bool {
	for _, f := range []field{fISIN, fCUSIP, fSEDOL, fFIGI, fLEI, fTicker, fSecurityID} {
		if c.idx[f] == j {
			return true
		}
	}
	return false
}

// identityKey names the security (and account) of a data row, so that
// consecutive lines of one position can be told apart from the next.
func (c *columns) identityKey(rec []string) string {
	var b strings.Builder
	for _, f := range []field{fPortfolio, fISIN, fCUSIP, fSEDOL, fFIGI, fLEI, fTicker, fSecurityID, fExchange} {
		b.WriteString(strings.ToUpper(c.cell(rec, f)))
		b.WriteByte(0)
	}
	return b.String()
}

func (c *columns) hasIDCell(rec []string) bool {
	for _, f := range []field{fISIN, fCUSIP, fSEDOL, fFIGI, fLEI, fTicker, fSecurityID} {
		if c.cell(rec, f) != "" {
			return true
		}
	}
	return false
}

// hasQuantity reports whether the record's quantity cell holds a number.
func (c *columns) hasQuantity(rec []string) bool {
	v := c.cell(rec, fQuantity)
	if v == "" {
		return false
	}
	_, ok, err := parseNumber(v, c.european)
	return ok && err == nil
}

// pendingRow is a data row held until the next row shows whether it is
// complete (continuation rows) and whether its group has a subtotal.
type pendingRow struct {
	num   int
	cells []string
	total bool
	extra []string // identifiers a continuation row gave under another kind's column
}

// sheetData reads the data rows below the header of one sheet and
// assembles them into positions (see the top of this file).
func sheetData(name, sheet string, next sheetRowIter, bad map[int]string, c *columns, headerRow int, where string, s Sink, info *Info) error {
	width := len(c.header)
	dateCol := -1
	for i, h := range c.header {
		if sheetDateHeaders[normalise(h)] {
			dateCol = i
			break
		}
	}
	var portCols []int // every column that names an account
	for j, h := range c.header {
		if f, _, ok := wordField(h); ok && f == fPortfolio || c.idx[fPortfolio] == j {
			portCols = append(portCols, j)
		}
	}
	h := new(screener.Holding)
	emitRow := func(p pendingRow) error {
		info.Rows++
		var e *screener.ParseError
		if len(p.cells) > width && !extraBlank(p.cells, width) {
			e = &screener.ParseError{File: name, Line: p.num, Column: width + 1,
				Reason: fmt.Sprintf("the row has cells beyond the %d columns of the header (row %d)", width, headerRow)}
		} else {
			e = c.decode(h, p.num, p.cells[:width])
			if e == nil && len(p.extra) > 0 {
				for _, id := range p.extra {
					placeID(h, id)
				}
				e = c.checkIDs(h, p.num)
			}
		}
		if e != nil {
			e.Reason = where + e.Reason
			info.Rejected++
			return s.Reject(e)
		}
		info.Holdings++
		return s.Holding(h)
	}
	var group []pendingRow
	groupKey := ""
	flush := func() error {
		defer func() { group, groupKey = group[:0], "" }()
		last := -1
		for i, p := range group {
			if p.total {
				last = i
			}
		}
		if last < 0 { // lots of one security without a subtotal: each its own row
			for _, p := range group {
				if err := emitRow(p); err != nil {
					return err
				}
			}
			return nil
		}
		info.skip(skipDetail, len(group)-1)
		return emitRow(group[last])
	}
	for {
		row, cells, ok, err := next()
		if err != nil {
			if ferr := flush(); ferr != nil {
				return ferr
			}
			return &screener.ParseError{File: name, Line: row, Reason: fmt.Sprintf("sheet %q: %v", sheet, err), Err: err}
		}
		if !ok {
			break
		}
		if why, isBad := bad[row]; isBad {
			if err := flush(); err != nil {
				return err
			}
			info.Rows++
			info.Rejected++
			if err := s.Reject(&screener.ParseError{File: name, Line: row, Reason: where + why + "; the row is not screened, the rows after it are"}); err != nil {
				return err
			}
			continue
		}
		if allBlank(cells) {
			info.skip(skipBlank, 1)
			continue
		}
		for len(cells) < width {
			cells = append(cells, "")
		}
		rec := cells
		if dateCol >= 0 && info.AsOf.IsZero() {
			if d, ok := xmlDate(rec[dateCol]); ok {
				info.AsOf = d
			}
		}
		kind := c.lineKind(rec, portCols, len(group) > 0)
		switch kind {
		case "":
		case skipContinuation:
			p := &group[len(group)-1]
			p.extra = append(p.extra, c.mergeContinuation(p.cells, rec)...)
			info.skip(kind, 1)
			continue
		default:
			if err := flush(); err != nil {
				return err
			}
			info.skip(kind, 1)
			continue
		}
		p := pendingRow{num: row, cells: append([]string(nil), rec...), total: c.isTotalRow(rec)}
		key := c.identityKey(rec)
		if len(group) > 0 && key != groupKey {
			if err := flush(); err != nil {
				return err
			}
		}
		group = append(group, p)
		groupKey = key
		if len(group) >= 1000 { // bounded: a run this long is not one position
			if err := flush(); err != nil {
				return err
			}
		}
	}
	if err := flush(); err != nil {
		return err
	}
	if info.Rows == 0 {
		return &screener.ParseError{File: name, Line: headerRow, Reason: where + "the sheet has a header but no data rows"}
	}
	return nil
}

// lineKind says why rec is a layout line, or "" for a data row. pending
// says whether a data row is held above it.
func (c *columns) lineKind(rec []string, portCols []int, pending bool) string {
	nonBlank, only := 0, ""
	for _, v := range rec {
		if v = trimSpace(v); v != "" {
			nonBlank++
			only = v
		}
	}
	hasID, hasQty := c.hasIDCell(rec), c.hasQuantity(rec)
	name := c.cell(rec, fName)
	if name == "" {
		name = c.cell(rec, fIssuer)
	}
	switch {
	case c.isRepeatedHeader(rec):
		return skipHeader
	case c.isTotalRow(rec) && !c.hasCheckedID(rec):
		return skipTotal
	}
	for _, j := range portCols {
		if j < len(rec) && aggregateWords[normalise(foldText(rec[j]))] {
			return skipAggregate
		}
	}
	switch {
	case pending && name == "" && !hasQty && c.idx[fQuantity] >= 0 && c.continues(rec):
		return skipContinuation
	case nonBlank == 1 && len(c.header) >= 3 && !hasQty && !looksIdentifier(only):
		return skipHeading
	case !hasID && name == "" && !hasQty:
		return skipNoSecurity
	}
	return ""
}

// hasCheckedID reports whether an identifier cell of rec passes its check.
func (c *columns) hasCheckedID(rec []string) bool {
	for _, f := range []field{fISIN, fCUSIP, fSEDOL, fFIGI, fLEI, fSecurityID} {
		if v := c.cell(rec, f); v != "" && looksIdentifier(strings.ToUpper(v)) {
			return true
		}
	}
	return false
}

// continues reports whether rec carries something for the record above:
// an identifier that passes its check, or a cell outside the identifier
// columns (a currency, a country, the value date of a bond's second row).
// A lone "Page 2 of 3" under an identifier column carries nothing.
func (c *columns) continues(rec []string) bool {
	for j, v := range rec {
		if v = trimSpace(v); v == "" {
			continue
		}
		if !c.isIDColumn(j) || looksIdentifier(strings.ToUpper(v)) {
			return true
		}
	}
	return false
}

// looksIdentifier reports whether v passes an identifier check.
func looksIdentifier(v string) bool {
	vt := typeValues([][]string{{v}}, 0)
	return vt.id >= 0 && !allDigits(v)
}

// isRepeatedHeader reports whether rec repeats the header (a page header
// of a statement printed to a sheet): most of its cells equal the header's.
func (c *columns) isRepeatedHeader(rec []string) bool {
	same, n := 0, 0
	for j, v := range rec {
		v = trimSpace(v)
		if v == "" || j >= len(c.header) {
			continue
		}
		n++
		h := c.header[j]
		if i := strings.LastIndexByte(h, '\n'); i >= 0 {
			h = h[i+1:] // the last line of a stacked header
		}
		if normalise(foldText(v)) == normalise(foldText(h)) {
			same++
		}
	}
	return n >= 2 && same*2 > n
}

// mergeContinuation gives rec's identifiers and attributes to the record
// above where that record's cells are empty; quantities and values are not
// taken from a continuation row. An identifier under a column of another
// kind (an ISIN on the second row, under the SEDOL column) is returned, to
// be placed by its check.
func (c *columns) mergeContinuation(dst, rec []string) (extra []string) {
	for _, f := range []field{fISIN, fCUSIP, fSEDOL, fFIGI, fLEI, fTicker, fSecurityID, fExchange, fCurrency, fAssetClass, fPortfolio} {
		j := c.idx[f]
		if j < 0 || j >= len(rec) || j >= len(dst) {
			continue
		}
		v := trimSpace(rec[j])
		if v == "" {
			continue
		}
		if isIDField(f) || f == fTicker {
			u := strings.ToUpper(v)
			if !looksIdentifier(u) {
				continue // a date under the ISIN column of a two-row record
			}
			if trimSpace(dst[j]) == "" && (f == fSecurityID || placeKind(u) == f) {
				dst[j] = rec[j]
			} else if !strings.EqualFold(trimSpace(dst[j]), v) {
				extra = append(extra, u)
			}
			continue
		}
		if trimSpace(dst[j]) == "" {
			dst[j] = rec[j]
		}
	}
	return extra
}

// placeKind names the identifier kind a value passes the check of.
func placeKind(u string) field {
	vt := typeValues([][]string{{u}}, 0)
	return vt.id
}
