package holdings

// XML holdings formats: Interactive Brokers Flex statements, SEC Form 13F
// information tables (bare XML or inside the full EDGAR SGML submission) and
// SEC Form N-PORT. All three are streamed with encoding/xml token by token:
// only one row element is held in memory at a time.

import (
	"bufio"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/screener/screener/issuers"
	"github.com/screener/screener/screener"
	"github.com/shopspring/decimal"
	"golang.org/x/text/encoding/htmlindex"
)

// xmlKind names the XML holdings format in head (the first bytes of a file,
// up to 64 KB): "ibkr-flex-xml", "sec-13f", "sec-nport", or "" when head is
// none of them. It looks at the root element and the first elements only.
// An EDGAR SGML submission (<SEC-DOCUMENT>) is named by its submission type.
func xmlKind(head []byte) string {
	head = bytes.TrimPrefix(head, []byte("\xef\xbb\xbf"))
	trimmed := bytes.TrimLeft(head, " \t\r\n")
	if xmlIsSGML(trimmed) {
		typ := strings.ToUpper(xmlSGMLHeader(head, "CONFORMED SUBMISSION TYPE:"))
		switch {
		case strings.HasPrefix(typ, "13F"):
			return Format13F
		case strings.HasPrefix(typ, "NPORT"):
			return FormatNPORT
		case bytes.Contains(head, []byte("informationTable")):
			return Format13F
		case bytes.Contains(head, []byte("http://www.sec.gov/edgar/nport")):
			return FormatNPORT
		}
		return ""
	}
	d := xml.NewDecoder(bytes.NewReader(head))
	d.Strict = false
	var root string
	for n := 0; n < 200; n++ {
		tok, err := d.Token()
		if err != nil {
			return ""
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if root == "" {
				root = t.Name.Local
				switch root {
				case "FlexQueryResponse", "FlexStatements", "FlexStatement":
					return FormatIBKRXML
				case "informationTable":
					return Format13F
				case "edgarSubmission":
					switch {
					case strings.Contains(t.Name.Space, "nport"):
						return FormatNPORT
					case strings.Contains(t.Name.Space, "thirteenf"):
						return Format13F
					}
					continue
				}
				return ""
			}
			if t.Name.Local == "submissionType" {
				var s string
				if d.DecodeElement(&s, &t) != nil {
					return ""
				}
				s = strings.ToUpper(strings.TrimSpace(s))
				switch {
				case strings.HasPrefix(s, "NPORT"):
					return FormatNPORT
				case strings.HasPrefix(s, "13F"):
					return Format13F
				}
				return ""
			}
		}
	}
	return ""
}

// xmlIsSGML reports whether b (leading space removed) starts an EDGAR SGML
// submission rather than an XML document.
func xmlIsSGML(b []byte) bool {
	for _, p := range []string{"<SEC-DOCUMENT>", "<SEC-HEADER>", "<IMS-DOCUMENT>", "<IMS-HEADER>"} {
		if bytes.HasPrefix(b, []byte(p)) {
			return true
		}
	}
	return false
}

// xmlSGMLHeader returns the value of the first "KEY:\tvalue" line in an
// EDGAR SGML header, or "".
func xmlSGMLHeader(b []byte, key string) string {
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), key); ok {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

// xmlReader walks one XML document token by token and knows where it is:
// lineOff is added to the decoder's line so that an XML document embedded in
// an SGML submission reports lines of the whole file.
type xmlReader struct {
	name    string
	d       *xml.Decoder
	lineOff int
	line    int // line where the last token started
	col     int
}

func newXMLReader(name string, r io.Reader, lineOff int) *xmlReader {
	d := xml.NewDecoder(r)
	d.CharsetReader = func(label string, input io.Reader) (io.Reader, error) {
		enc, err := htmlindex.Get(label)
		if err != nil {
			return nil, fmt.Errorf("unsupported encoding %q", label)
		}
		return enc.NewDecoder().Reader(input), nil
	}
	return &xmlReader{name: name, d: d, lineOff: lineOff}
}

// token returns the next token; io.EOF at the end; any other error is a
// *screener.ParseError with the line and column where reading stopped.
func (x *xmlReader) token() (xml.Token, error) {
	l, c := x.d.InputPos()
	x.line, x.col = l+x.lineOff, c
	tok, err := x.d.Token()
	if err == io.EOF {
		return nil, io.EOF
	}
	if err != nil {
		var pe *screener.ParseError
		if errors.As(err, &pe) { // from a Sink, passed through
			return nil, err
		}
		l, c := x.d.InputPos()
		line := l + x.lineOff
		msg := err.Error()
		var se *xml.SyntaxError
		if errors.As(err, &se) && se.Line > 0 {
			line, c, msg = se.Line+x.lineOff, 0, se.Msg
		}
		return nil, &screener.ParseError{File: x.name, Line: line, Column: c, Reason: "malformed XML: " + msg, Err: err}
	}
	return tok, nil
}

// xmlField is one value found inside a row element, with its place.
type xmlField struct {
	val       string
	line, col int
}

// xmlFields are the values of one row element keyed by their path below
// the row: "cusip", "shrsOrPrnAmt/sshPrnamt", attributes as
// "identifiers/isin@value". A path that repeats keeps every value in order.
type xmlFields map[string][]xmlField

// get returns the first value at path, trimmed.
func (f xmlFields) get(path string) string {
	if v := f[path]; len(v) > 0 {
		return strings.TrimSpace(v[0].val)
	}
	return ""
}

// at returns the place of the first value at path.
func (f xmlFields) at(path string) (int, int) {
	if v := f[path]; len(v) > 0 {
		return v[0].line, v[0].col
	}
	return 0, 0
}

// collect reads the rest of the element start (already read) and returns
// its leaf texts and attributes. Namespaces are dropped (ns1:cusip → cusip).
func (x *xmlReader) collect(start xml.StartElement) (xmlFields, error) {
	f := xmlFields{}
	for _, a := range start.Attr {
		f["@"+a.Name.Local] = append(f["@"+a.Name.Local], xmlField{a.Value, x.line, x.col})
	}
	var stack []string
	var text strings.Builder
	var tline, tcol int
	for {
		tok, err := x.token()
		if err == io.EOF {
			return nil, &screener.ParseError{File: x.name, Line: x.line, Reason: fmt.Sprintf("malformed XML: file ends inside <%s>", start.Name.Local)}
		}
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			stack = append(stack, t.Name.Local)
			p := strings.Join(stack, "/")
			for _, a := range t.Attr {
				k := p + "@" + a.Name.Local
				f[k] = append(f[k], xmlField{a.Value, x.line, x.col})
			}
			text.Reset()
			tline, tcol = x.line, x.col
		case xml.CharData:
			text.Write(t)
		case xml.EndElement:
			if len(stack) == 0 {
				return f, nil
			}
			p := strings.Join(stack, "/")
			if s := strings.TrimSpace(text.String()); s != "" {
				f[p] = append(f[p], xmlField{s, tline, tcol})
			}
			text.Reset()
			stack = stack[:len(stack)-1]
		}
	}
}

// xmlNoID reports whether s is a placeholder standing for "no identifier":
// empty, N/A, NONE, "-" or all zeros (N-PORT prints 000000000).
func xmlNoID(s string) bool {
	switch strings.ToUpper(strings.TrimSpace(s)) {
	case "", "N/A", "NA", "NONE", "-", "--", "NULL":
		return true
	}
	return strings.Trim(s, "0 ") == ""
}

// xmlNum reads a decimal; empty and N/A mean none (ok false, err nil).
func xmlNum(s string) (decimal.Decimal, bool, error) {
	s = strings.TrimSpace(s)
	switch strings.ToUpper(s) {
	case "", "N/A", "NA", "-":
		return decimal.Decimal{}, false, nil
	}
	d, err := decimal.NewFromString(s)
	if err != nil {
		return decimal.Decimal{}, false, fmt.Errorf("%q is not a number", s)
	}
	return d, true, nil
}

// xmlDate reads the dates these formats print: 2006-01-02, 20060102,
// 01-02-2006 (13F periodOfReport), or 2006-01-02;150405 (IBKR).
func xmlDate(s string) (screener.Date, bool) {
	s = strings.TrimSpace(s)
	if i := strings.IndexAny(s, ";T "); i > 0 {
		s = s[:i]
	}
	for _, layout := range []string{"2006-01-02", "20060102", "01-02-2006", "01/02/2006"} {
		if t, err := time.Parse(layout, s); err == nil {
			return screener.DateOf(t), true
		}
	}
	return screener.Date{}, false
}

// xsRow is a row under construction: the holding, or why it is rejected.
type xsRow struct {
	h      screener.Holding
	reject *screener.ParseError
}

// rejectf marks the row rejected (the first reason wins).
func (r *xsRow) rejectf(line, col int, field, format string, args ...any) {
	if r.reject != nil {
		return
	}
	if line == 0 {
		line = r.h.Line
	}
	r.reject = &screener.ParseError{File: r.h.File, Line: line, Column: col, Field: field, Reason: fmt.Sprintf(format, args...)}
}

// number sets *dst from the value at path, rejecting the row when it is not a
// number.
func (r *xsRow) number(f xmlFields, path string, dst *decimal.Decimal, has *bool) {
	v, ok, err := xmlNum(f.get(path))
	if err != nil {
		l, c := f.at(path)
		r.rejectf(l, c, path, "%s: %v", path, err)
		return
	}
	*dst, *has = v, ok
}

// xsIDCheck validates the identifiers of h with package issuers. Problems
// become one warning on the row when the row can still be screened (it has
// a name or another good identifier); when nothing is left to screen with, it
// returns the reason to reject the row.
func xsIDCheck(h *screener.Holding) (reject string) {
	var bad []string
	good := h.Ticker != "" || len(h.OtherIDs) > 0
	check := func(kind, v string, fn func(string) error) {
		if v == "" {
			return
		}
		if err := fn(v); err != nil {
			bad = append(bad, fmt.Sprintf("%s %q: %v", kind, v, err))
			return
		}
		good = true
	}
	check("ISIN", h.ISIN, issuers.CheckISIN)
	check("CUSIP", h.CUSIP, issuers.CheckCUSIP)
	check("SEDOL", h.SEDOL, issuers.CheckSEDOL)
	check("FIGI", h.FIGI, issuers.CheckFIGI)
	check("LEI", h.LEI, issuers.CheckLEI)
	if len(bad) == 0 {
		if !good && h.Name == "" {
			return "row has no name and no identifier"
		}
		return ""
	}
	msg := "identifier check failed: " + strings.Join(bad, "; ")
	if h.Name == "" && !good {
		return msg + "; the row has no name or other identifier to screen by"
	}
	h.Warnings = append(h.Warnings, msg)
	return ""
}

// xsEmit sends the finished row to the sink and counts it in info.
func xsEmit(s Sink, info *Info, r *xsRow) error {
	info.Rows++
	if r.reject == nil {
		if reason := xsIDCheck(&r.h); reason != "" {
			r.rejectf(0, 0, "", "%s", reason)
		}
	}
	if r.reject != nil {
		info.Rejected++
		return s.Reject(r.reject)
	}
	info.Holdings++
	return s.Holding(&r.h)
}

// xmlUSISIN returns the US ISIN of a CUSIP whose first character is a digit,
// or "". A CINS (letter first) is left alone: its ISIN's country is the
// issuer's (KYG8020E1199 for G8020E119), which the 13F does not say.
func xmlUSISIN(cusip string) string {
	if len(cusip) != 9 || cusip[0] < '0' || cusip[0] > '9' {
		return ""
	}
	isin, err := issuers.ISINFromCUSIP(cusip, "US")
	if err != nil {
		return ""
	}
	return isin
}

// ---------------------------------------------------------------------------
// Interactive Brokers Flex XML

// readIBKRXML reads the <OpenPosition> elements of an Interactive Brokers
// Flex statement. Every OpenPosition is one row. Rows at levelOfDetail
// SUMMARY (or without a level) are holdings. IBKR prints LOT rows under a
// summary row when the query asks for lots: a LOT row whose summary (same
// account and conid) was read before is rejected as "already counted in the
// summary on line N", so that quantities are not counted twice; a LOT row
// with no summary (a lots-only query) is a holding.
func readIBKRXML(name string, r io.Reader, s Sink, info *Info) error {
	info.Format = FormatIBKRXML
	x := newXMLReader(name, bufio.NewReader(r), 0)
	summaries := map[string]int{} // account|conid → line of its summary row
	accounts := map[string]bool{}
	sawRoot := false
	for {
		tok, err := x.token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		st, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		if !sawRoot {
			sawRoot = true
			if st.Name.Local != "FlexQueryResponse" && st.Name.Local != "FlexStatements" && st.Name.Local != "FlexStatement" {
				return &screener.ParseError{File: name, Line: x.line, Column: x.col,
					Reason: fmt.Sprintf("not an IBKR Flex statement: root element is <%s>, want <FlexQueryResponse>", st.Name.Local)}
			}
		}
		switch st.Name.Local {
		case "FlexStatement":
			for _, a := range st.Attr {
				switch a.Name.Local {
				case "accountId":
					if a.Value != "" && !accounts[a.Value] {
						accounts[a.Value] = true
						if len(accounts) == 1 {
							info.Portfolio = a.Value
						} else {
							info.Portfolio = "" // several accounts: rows carry their own
						}
					}
				case "toDate":
					if d, ok := xmlDate(a.Value); ok && info.AsOf.IsZero() {
						info.AsOf = d
					}
				}
			}
		case "OpenPosition":
			line, col := x.line, x.col
			f, err := x.collect(st)
			if err != nil {
				return err
			}
			row := ibkrXMLRow(name, line, col, f, summaries)
			if d, ok := xmlDate(f.get("@reportDate")); ok {
				info.AsOf = d // reportDate is the date of the positions
			}
			if err := xsEmit(s, info, row); err != nil {
				return err
			}
		}
	}
	if !sawRoot {
		return &screener.ParseError{File: name, Line: 1, Reason: "empty file: no XML element"}
	}
	return nil
}

// ibkrXMLRow turns the attributes of one <OpenPosition> into a row.
func ibkrXMLRow(name string, line, col int, f xmlFields, summaries map[string]int) *xsRow {
	a := func(k string) string { return f.get("@" + k) }
	r := &xsRow{h: screener.Holding{File: name, Line: line}}
	h := &r.h
	h.Portfolio = a("accountId")
	h.Name = a("description")
	h.ISIN = a("isin")
	h.CUSIP = a("cusip")
	h.FIGI = a("figi")
	if h.ISIN == "" && strings.EqualFold(a("securityIDType"), "ISIN") {
		h.ISIN = a("securityID")
	}
	for _, p := range []*string{&h.ISIN, &h.CUSIP, &h.FIGI} {
		if xmlNoID(*p) {
			*p = ""
		}
	}
	h.Ticker = a("symbol")
	h.Exchange = a("listingExchange")
	if c := a("conid"); c != "" {
		h.OtherIDs = append(h.OtherIDs, screener.ID{Type: "IB conid", Value: c})
	}
	h.Currency = a("currency")
	h.AssetClass = a("assetCategory")
	num := func(k string, dst *decimal.Decimal, has *bool) {
		v, ok, err := xmlNum(a(k))
		if err != nil {
			l, c := f.at("@" + k)
			r.rejectf(l, c, k, "%s: %v", k, err)
			return
		}
		*dst, *has = v, ok
	}
	num("position", &h.Quantity, &h.HasQuantity)
	num("markPrice", &h.Price, &h.HasPrice)
	num("positionValue", &h.MarketValue, &h.HasValue)
	num("percentOfNAV", &h.Weight, &h.HasWeight)

	key := h.Portfolio + "|" + a("conid")
	switch lvl := strings.ToUpper(a("levelOfDetail")); lvl {
	case "", "SUMMARY":
		if a("conid") != "" {
			summaries[key] = line
		}
	case "LOT":
		if sl, ok := summaries[key]; ok && a("conid") != "" {
			r.reject = nil
			r.rejectf(line, col, "levelOfDetail", "lot-level row (levelOfDetail=LOT) of the position already counted in the summary row on line %d", sl)
		}
	default:
		r.rejectf(line, col, "levelOfDetail", "unexpected levelOfDetail %q on an OpenPosition; want SUMMARY or LOT", lvl)
	}
	return r
}

// ---------------------------------------------------------------------------
// SEC EDGAR submissions (13F and N-PORT)

// secDocs calls each for every XML document of an SEC filing. A bare XML
// file is one document. In an EDGAR SGML submission (<SEC-DOCUMENT>) every
// <XML>…</XML> block is one document, read in place (streamed) with its lines
// counted from the top of the whole file; header values (period of report,
// filer name) are passed to header before the first document.
func secDocs(name string, r io.Reader, header func(key, val string), each func(x *xmlReader) error) error {
	br := bufio.NewReaderSize(r, 64<<10)
	head, _ := br.Peek(4096)
	head = bytes.TrimPrefix(head, []byte("\xef\xbb\xbf"))
	if !xmlIsSGML(bytes.TrimLeft(head, " \t\r\n")) {
		return each(newXMLReader(name, br, 0))
	}
	sg := &sgmlLines{br: br}
	inHeader := true
	for {
		line, err := sg.next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("read %s: %w", name, err)
		}
		t := strings.TrimSpace(line)
		if inHeader {
			if t == "</SEC-HEADER>" || t == "</IMS-HEADER>" {
				inHeader = false
				continue
			}
			if k, v, ok := strings.Cut(t, ":"); ok {
				header(strings.TrimSpace(k), strings.TrimSpace(v))
			}
			continue
		}
		if strings.EqualFold(t, "<XML>") {
			seg := &sgmlSegment{sg: sg}
			x := newXMLReader(name, seg, sg.n)
			if err := each(x); err != nil {
				return err
			}
			if err := seg.drain(); err != nil {
				return fmt.Errorf("read %s: %w", name, err)
			}
		}
	}
}

// sgmlLines reads an SGML submission line by line and counts lines.
type sgmlLines struct {
	br *bufio.Reader
	n  int // lines read so far
}

func (s *sgmlLines) next() (string, error) {
	line, err := s.br.ReadString('\n')
	if line == "" && err != nil {
		return "", err
	}
	s.n++
	return line, nil
}

// sgmlSegment is an io.Reader over the lines of one <XML> block, ending
// before its </XML> line.
type sgmlSegment struct {
	sg   *sgmlLines
	buf  []byte
	done bool
}

func (s *sgmlSegment) Read(p []byte) (int, error) {
	for len(s.buf) == 0 {
		if s.done {
			return 0, io.EOF
		}
		line, err := s.sg.next()
		if err == io.EOF {
			s.done = true
			continue
		}
		if err != nil {
			return 0, err
		}
		if strings.EqualFold(strings.TrimSpace(line), "</XML>") {
			s.done = true
			continue
		}
		s.buf = []byte(line)
	}
	n := copy(p, s.buf)
	s.buf = s.buf[n:]
	return n, nil
}

// drain skips what the XML decoder left of the block.
func (s *sgmlSegment) drain() error {
	_, err := io.Copy(io.Discard, s)
	return err
}

// read13F reads a Form 13F information table: a bare informationTable XML
// file, or the full EDGAR SGML submission that carries it. Every <infoTable>
// is one row: nameOfIssuer → Name, cusip → CUSIP (and the US ISIN derived
// from it when the CUSIP starts with a digit), value → MarketValue in USD,
// sshPrnamt → Quantity, titleOfClass (and putCall) → AssetClass.
//
// value is in dollars since 2023; for periods of report before 2022-12-31
// (filings in thousands) it is multiplied by 1000. The period of report and
// the filer's name come from the submission, when there is one.
func read13F(name string, r io.Reader, s Sink, info *Info) error {
	info.Format = Format13F
	filer := ""
	sawTable := false
	header := func(k, v string) {
		switch k {
		case "CONFORMED PERIOD OF REPORT":
			if d, ok := xmlDate(v); ok {
				info.AsOf = d
			}
		case "COMPANY CONFORMED NAME":
			if filer == "" {
				filer = v
			}
		}
	}
	err := secDocs(name, r, header, func(x *xmlReader) error {
		var stack []string
		var text strings.Builder
		for {
			tok, err := x.token()
			if err == io.EOF {
				return nil
			}
			if err != nil {
				return err
			}
			switch t := tok.(type) {
			case xml.StartElement:
				if t.Name.Local == "informationTable" {
					sawTable = true
				}
				if t.Name.Local == "infoTable" {
					line := x.line
					f, err := x.collect(t)
					if err != nil {
						return err
					}
					if info.Portfolio == "" {
						info.Portfolio = filer
					}
					if err := xsEmit(s, info, f13Row(name, line, f, info)); err != nil {
						return err
					}
					continue
				}
				stack = append(stack, t.Name.Local)
				text.Reset()
			case xml.CharData:
				text.Write(t)
			case xml.EndElement:
				if len(stack) == 0 {
					continue
				}
				v := strings.TrimSpace(text.String())
				p := strings.Join(stack, "/")
				switch {
				case strings.HasSuffix(p, "/periodOfReport"), strings.HasSuffix(p, "/reportCalendarOrQuarter"):
					if d, ok := xmlDate(v); ok && info.AsOf.IsZero() {
						info.AsOf = d
					}
				case strings.HasSuffix(p, "/filingManager/name"):
					if v != "" {
						filer = v
					}
				}
				text.Reset()
				stack = stack[:len(stack)-1]
			}
		}
	})
	if err != nil {
		return err
	}
	if info.Portfolio == "" {
		info.Portfolio = filer
	}
	if !sawTable {
		return &screener.ParseError{File: name, Reason: "no 13F <informationTable> found in the file"}
	}
	return nil
}

// f13Row turns one <infoTable> into a row.
func f13Row(name string, line int, f xmlFields, info *Info) *xsRow {
	r := &xsRow{h: screener.Holding{File: name, Line: line, Portfolio: info.Portfolio, Currency: "USD"}}
	h := &r.h
	h.Name = f.get("nameOfIssuer")
	if !xmlNoID(f.get("cusip")) {
		h.CUSIP = strings.ToUpper(f.get("cusip"))
		h.ISIN = xmlUSISIN(h.CUSIP)
	}
	h.AssetClass = f.get("titleOfClass")
	if pc := f.get("putCall"); pc != "" {
		h.AssetClass = strings.TrimSpace(h.AssetClass + " " + pc)
	}
	r.number(f, "value", &h.MarketValue, &h.HasValue)
	if h.HasValue && !info.AsOf.IsZero() && info.AsOf.Before(screener.NewDate(2022, time.December, 31)) {
		h.MarketValue = h.MarketValue.Mul(decimal.NewFromInt(1000))
	}
	r.number(f, "shrsOrPrnAmt/sshPrnamt", &h.Quantity, &h.HasQuantity)
	if t := strings.ToUpper(f.get("shrsOrPrnAmt/sshPrnamtType")); t == "PRN" {
		h.AssetClass = strings.TrimSpace(h.AssetClass + " (principal amount)")
	}
	return r
}

// readNPORT reads a Form N-PORT filing (bare XML or inside an SGML
// submission). Every <invstOrSec> is one row: name → Name, lei → LEI (the
// issuer's), cusip, identifiers/isin, identifiers/ticker, other identifiers
// → OtherIDs, balance → Quantity (in units: NS shares, PA principal, NC
// contracts), valUSD → MarketValue with Currency USD (the position's own curCd is
// not kept), pctVal → Weight,
// assetCat → AssetClass. N-PORT's "N/A" and "000000000" are read as no
// identifier. repPdDate (or repPdEnd) → Info.AsOf; seriesName (or regName)
// → Portfolio.
func readNPORT(name string, r io.Reader, s Sink, info *Info) error {
	info.Format = FormatNPORT
	var series, reg string
	var repDate, repEnd screener.Date
	sawSub := false
	header := func(k, v string) {
		if k == "CONFORMED PERIOD OF REPORT" {
			if d, ok := xmlDate(v); ok {
				repDate = d
			}
		}
	}
	err := secDocs(name, r, header, func(x *xmlReader) error {
		var stack []string
		var text strings.Builder
		for {
			tok, err := x.token()
			if err == io.EOF {
				return nil
			}
			if err != nil {
				return err
			}
			switch t := tok.(type) {
			case xml.StartElement:
				if len(stack) == 0 && t.Name.Local == "edgarSubmission" {
					sawSub = true
				}
				if t.Name.Local == "invstOrSec" {
					line := x.line
					f, err := x.collect(t)
					if err != nil {
						return err
					}
					info.Portfolio = npPortfolio(series, reg)
					info.AsOf = npAsOf(repDate, repEnd)
					if err := xsEmit(s, info, npRow(name, line, f, info.Portfolio)); err != nil {
						return err
					}
					continue
				}
				stack = append(stack, t.Name.Local)
				text.Reset()
			case xml.CharData:
				text.Write(t)
			case xml.EndElement:
				if len(stack) == 0 {
					continue
				}
				v := strings.TrimSpace(text.String())
				switch stack[len(stack)-1] {
				case "seriesName":
					series = v
				case "regName":
					reg = v
				case "repPdDate":
					if d, ok := xmlDate(v); ok {
						repDate = d
					}
				case "repPdEnd":
					if d, ok := xmlDate(v); ok {
						repEnd = d
					}
				case "seriesId":
					info.FundIDs = npFundID(info.FundIDs, "SERIES", v)
				case "seriesLei":
					info.FundIDs = npFundID(info.FundIDs, "LEI", v)
				}
				text.Reset()
				stack = stack[:len(stack)-1]
			}
		}
	})
	if err != nil {
		return err
	}
	info.Portfolio = npPortfolio(series, reg)
	info.AsOf = npAsOf(repDate, repEnd)
	if !sawSub {
		return &screener.ParseError{File: name, Reason: "no N-PORT <edgarSubmission> found in the file"}
	}
	return nil
}

// npFundID adds the fund identifier typ v unless it is empty, N/A or there.
func npFundID(ids []screener.ID, typ, v string) []screener.ID {
	v = strings.ToUpper(strings.TrimSpace(v))
	if v == "" || xmlNoID(v) {
		return ids
	}
	for _, x := range ids {
		if x.Type == typ && x.Value == v {
			return ids
		}
	}
	return append(ids, screener.ID{Type: typ, Value: v})
}

// npPortfolio names the fund: the series, else the registrant.
func npPortfolio(series, reg string) string {
	if series != "" && !xmlNoID(series) {
		return series
	}
	return reg
}

// npAsOf is the date of the holdings: repPdDate (the report date), else
// repPdEnd (the fiscal period end).
func npAsOf(date, end screener.Date) screener.Date {
	if !date.IsZero() {
		return date
	}
	return end
}

// npRow turns one <invstOrSec> into a row.
func npRow(name string, line int, f xmlFields, portfolio string) *xsRow {
	r := &xsRow{h: screener.Holding{File: name, Line: line, Portfolio: portfolio}}
	h := &r.h
	h.Name = f.get("name")
	if h.Name == "" || xmlNoID(h.Name) {
		h.Name = f.get("title") // the issuer's name is what screening needs; title only when it is missing
	}
	if v := f.get("lei"); !xmlNoID(v) {
		h.LEI = strings.ToUpper(v)
	}
	if v := f.get("cusip"); !xmlNoID(v) {
		h.CUSIP = strings.ToUpper(v)
	}
	if v := f.get("identifiers/isin@value"); !xmlNoID(v) {
		h.ISIN = strings.ToUpper(v)
	}
	if v := f.get("identifiers/ticker@value"); !xmlNoID(v) {
		h.Ticker = v
	}
	for i, o := range f["identifiers/other@value"] {
		typ := "other"
		if d := f["identifiers/other@otherDesc"]; i < len(d) && strings.TrimSpace(d[i].val) != "" {
			typ = strings.TrimSpace(d[i].val)
		}
		if v := strings.TrimSpace(o.val); !xmlNoID(v) {
			h.OtherIDs = append(h.OtherIDs, screener.ID{Type: typ, Value: v})
		}
	}
	// valUSD is in dollars whatever currency the position is in (curCd or
	// currencyConditional), so the holding's currency is USD.
	h.Currency = "USD"
	h.AssetClass = f.get("assetCat")
	if h.AssetClass == "" {
		h.AssetClass = f.get("assetConditional@assetCat")
	}
	r.number(f, "balance", &h.Quantity, &h.HasQuantity)
	r.number(f, "valUSD", &h.MarketValue, &h.HasValue)
	r.number(f, "pctVal", &h.Weight, &h.HasWeight)
	return r
}
