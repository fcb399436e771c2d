// Package xlsx writes the divestment report as an Excel workbook with
// excelize: sheets Summary (as-of instant, list snapshots, counts, totals
// and native charts), Findings (one row per finding, streamed), Divestment
// (open windows by deadline) and Rejected (rows the reader could not use).
// It is the only package that imports excelize for writing reports.
//
// Text cells are always written as inline strings, never as formulas,
// whatever they start with: a security named =HYPERLINK(...) stays text.
// Quantities and market values are numbers when an Excel number (a
// float64) carries the decimal exactly, and text otherwise, so no value is
// ever rounded on its way into the workbook.
package xlsx

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/shopspring/decimal"
	"github.com/xuri/excelize/v2"

	"github.com/screener/screener/screener"
	"github.com/screener/screener/screener/report"
)

// Sheet names.
const (
	SheetSummary    = "Summary"
	SheetFindings   = "Findings"
	SheetDivestment = "Divestment"
	SheetRejected   = "Rejected"
	SheetFunds      = "Funds" // only when findings look through funds
)

// FindingColumns are the Findings sheet's headers, in order.
var FindingColumns = []string{"File", "Line", "Portfolio", "US person", "Security", "ISIN", "CUSIP", "SEDOL", "FIGI",
	"Ticker", "Exchange", "Issuer", "Quantity", "Market value", "Currency", "Status", "Legal status", "Basis", "List",
	"Entry ID", "Entry name", "Program", "Listing date", "Effective date", "Divestment date", "Days left", "Action",
	"Policy", "Decision", "Evidence", "Warnings"}

var findingWidths = []float64{22, 7, 18, 9, 34, 15, 11, 10, 14, 10, 9, 28, 14, 16, 9, 17, 14, 18, 16, 10, 34, 16,
	12, 12, 14, 9, 48, 30, 30, 60, 30}

// Sink writes a workbook as findings arrive: the Findings and Rejected
// sheets stream to temporary files (excelize's StreamWriter), and only
// the open divestment windows stay in memory until
// Close writes the Summary and Divestment sheets.
type Sink struct {
	out      io.Writer
	f        *excelize.File
	st       styles
	fw, rw   *excelize.StreamWriter
	lw       *excelize.StreamWriter // Funds, opened at the first look-through
	nf, nr   int
	nl       int
	windows  []*screener.Finding
	err      error
	closed   bool
	asOf     string
	numStyle map[int32]int
}

// New starts a workbook that Close writes to w.
func New(w io.Writer) (*Sink, error) {
	f := excelize.NewFile()
	s := &Sink{out: w, f: f, numStyle: map[int32]int{}}
	if err := f.SetSheetName("Sheet1", SheetSummary); err != nil {
		return nil, err
	}
	for _, n := range []string{SheetFindings, SheetDivestment, SheetRejected} {
		if _, err := f.NewSheet(n); err != nil {
			return nil, err
		}
	}
	var err error
	if s.st, err = newStyles(f); err != nil {
		return nil, err
	}
	if s.fw, err = f.NewStreamWriter(SheetFindings); err != nil {
		return nil, err
	}
	if err := header(s.fw, FindingColumns, findingWidths, s.st.header); err != nil {
		return nil, err
	}
	return s, nil
}

// Write writes r as a workbook to w.
func Write(w io.Writer, r *screener.Report) error {
	s, err := New(w)
	if err != nil {
		return err
	}
	return r.Replay(s)
}

// header writes a frozen, styled header row with column widths.
func header(sw *excelize.StreamWriter, cols []string, widths []float64, style int) error {
	for i, wd := range widths {
		if err := sw.SetColWidth(i+1, i+1, wd); err != nil {
			return err
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft",
		Selection: []excelize.Selection{{SQRef: "A2", ActiveCell: "A2", Pane: "bottomLeft"}}}); err != nil {
		return err
	}
	row := make([]any, len(cols))
	for i, c := range cols {
		row[i] = excelize.Cell{StyleID: style, Value: c}
	}
	return sw.SetRow("A1", row, excelize.RowOpts{Height: 18})
}

// Finding writes one row of the Findings sheet.
func (s *Sink) Finding(f *screener.Finding) error {
	if s.err != nil {
		return s.err
	}
	s.nf++
	var entryList, entryID, entryName, program string
	if e := f.Entry; e != nil {
		entryList, entryID, entryName, program = e.List, e.ID, e.Name, e.Program
	}
	var days any
	if f.DaysLeft != nil {
		days = *f.DaysLeft
	}
	decision := ""
	if d := f.Decision; d != nil {
		decision = strings.TrimSpace(fmt.Sprintf("%s by %s %s: %s", d.Outcome, d.Reviewer, d.At, d.Reason))
	}
	row := []any{
		text(f.File), f.Line, text(f.Portfolio), text(f.USPerson), text(f.Security.Name), text(f.Security.ISIN),
		text(f.Security.CUSIP), text(f.Security.SEDOL), text(f.Security.FIGI), text(f.Security.Ticker),
		text(f.Security.Exchange), text(f.Security.Issuer),
		s.number(f.Quantity, false), s.number(f.MarketValue, true), text(f.Currency),
		excelize.Cell{StyleID: s.st.status[f.Status], Value: string(f.Status)}, text(string(f.LegalStatus)),
		text(report.JoinBasis(f.Basis)), text(entryList), text(entryID), text(entryName), text(program),
		s.date(f.ListingDate), s.date(f.EffectiveDate), s.date(f.DivestmentDate), days,
		text(f.Action), text(f.Policy), text(decision), text(strings.Join(f.Evidence, " | ")),
		text(strings.Join(f.Warnings, " | ")),
	}
	s.err = s.fw.SetRow(cell(1, s.nf+1), row)
	if s.err == nil && f.Lookthrough != nil {
		s.err = s.funds(f)
	}
	if report.IsOpenWindow(f) {
		c := *f
		s.windows = append(s.windows, &c)
	}
	return s.err
}

// Rejected writes one row of the Rejected sheet.
func (s *Sink) Rejected(e *screener.ParseError) error {
	if s.err != nil {
		return s.err
	}
	if s.rw == nil {
		if s.rw, s.err = s.f.NewStreamWriter(SheetRejected); s.err != nil {
			return s.err
		}
		if s.err = header(s.rw, rejectedColumns, []float64{30, 8, 8, 18, 80}, s.st.header); s.err != nil {
			return s.err
		}
	}
	s.nr++
	var col any
	if e.Column > 0 {
		col = e.Column
	}
	s.err = s.rw.SetRow(cell(1, s.nr+1), []any{text(e.File), e.Line, col, text(e.Field), text(e.Reason)})
	return s.err
}

// FundColumns are the Funds sheet's headers: one row per constituent a
// fund position's look-through found not clear (or one row for the fund
// when it lists none).
var FundColumns = []string{"File", "Line", "Portfolio", "Fund position", "Position status", "Fund", "Holdings as of",
	"Source", "Exposure weight %", "Exposure value", "Currency", "Constituent path", "Constituent", "Identifiers",
	"Constituent status", "Reason", "Entry ID", "Entry name", "Weight %", "Evidence", "Not listed"}

var fundWidths = []float64{22, 7, 18, 30, 16, 24, 12, 30, 10, 16, 9, 40, 30, 24, 16, 20, 10, 30, 10, 60, 9}

func (s *Sink) funds(f *screener.Finding) error {
	if s.lw == nil {
		if _, err := s.f.NewSheet(SheetFunds); err != nil {
			return err
		}
		var err error
		if s.lw, err = s.f.NewStreamWriter(SheetFunds); err != nil {
			return err
		}
		if err := header(s.lw, FundColumns, fundWidths, s.st.header); err != nil {
			return err
		}
	}
	lt := f.Lookthrough
	pct := func(d *decimal.Decimal, money bool) any {
		if d == nil {
			return nil
		}
		return s.number(*d, money)
	}
	base := []any{text(f.File), f.Line, text(f.Portfolio), text(report.SecurityLabel(f.Security)),
		excelize.Cell{StyleID: s.st.status[f.Status], Value: string(f.Status)}, text(lt.Fund), s.date(lt.HoldingsAsOf),
		text(lt.Source), pct(lt.ExposureWeight, false), pct(lt.ExposureValue, true), text(lt.Currency)}
	omitted := any(nil)
	if lt.Omitted > 0 {
		omitted = lt.Omitted
	}
	if len(lt.Constituents) == 0 {
		s.nl++
		return s.lw.SetRow(cell(1, s.nl+1), append(base, text(strings.Join(lt.Path, " > ")), nil, nil, nil, nil, nil, nil, nil, nil, omitted))
	}
	for _, c := range lt.Constituents {
		var id, name string
		if c.Entry != nil {
			id, name = c.Entry.ID, c.Entry.Name
		}
		row := append(append([]any{}, base...), text(strings.Join(c.Path, " > ")), text(c.Security.Name),
			text(report.Identifiers(c.Security)), excelize.Cell{StyleID: s.st.status[c.Status], Value: string(c.Status)},
			text(c.Reason), text(id), text(name), pct(c.Weight, false), text(strings.Join(c.Evidence, " | ")), omitted)
		s.nl++
		if err := s.lw.SetRow(cell(1, s.nl+1), row); err != nil {
			return err
		}
	}
	return nil
}

var rejectedColumns = []string{"File", "Line", "Column", "Field", "Reason"}

// Close writes the Summary and Divestment sheets, finishes the streamed
// ones and writes the workbook.
func (s *Sink) Close(r *screener.Report) error {
	if s.closed {
		return fmt.Errorf("xlsx: Close called twice")
	}
	s.closed = true
	defer s.f.Close()
	if s.err != nil {
		return s.err
	}
	s.asOf = r.AsOf
	last := cell(len(FindingColumns), s.nf+1)
	if err := s.f.AutoFilter(SheetFindings, "A1:"+last, nil); err != nil {
		return err
	}
	if err := s.fw.Flush(); err != nil {
		return err
	}
	if s.rw == nil {
		// An empty Rejected sheet still gets its header.
		if s.rw, s.err = s.f.NewStreamWriter(SheetRejected); s.err != nil {
			return s.err
		}
		if err := header(s.rw, rejectedColumns, []float64{30, 8, 8, 18, 80}, s.st.header); err != nil {
			return err
		}
	}
	if err := s.f.AutoFilter(SheetRejected, "A1:"+cell(len(rejectedColumns), s.nr+1), nil); err != nil {
		return err
	}
	if err := s.rw.Flush(); err != nil {
		return err
	}
	if s.lw != nil {
		if err := s.f.AutoFilter(SheetFunds, "A1:"+cell(len(FundColumns), s.nl+1), nil); err != nil {
			return err
		}
		if err := s.lw.Flush(); err != nil {
			return err
		}
	}
	if err := s.divestment(); err != nil {
		return err
	}
	if err := s.summary(r); err != nil {
		return err
	}
	s.f.SetActiveSheet(0)
	var buf bytes.Buffer
	if _, err := s.f.WriteTo(&buf); err != nil {
		return err
	}
	return deterministic(s.out, buf.Bytes())
}

var defaultType = regexp.MustCompile(`<Default [^>]*></Default>`)

// deterministic copies the workbook zip to w with its content types'
// Default entries sorted (excelize adds the image types in map order) and
// its parts in name order: the same report gives the same bytes every time.
func deterministic(w io.Writer, b []byte) error {
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		return err
	}
	// excelize also writes the parts in map order: sort them, the content
	// types first as Excel writes them.
	files := append([]*zip.File(nil), zr.File...)
	sort.Slice(files, func(i, j int) bool {
		a, b := files[i].Name, files[j].Name
		if (a == "[Content_Types].xml") != (b == "[Content_Types].xml") {
			return a == "[Content_Types].xml"
		}
		return a < b
	})
	zw := zip.NewWriter(w)
	for _, f := range files {
		if f.Name != "[Content_Types].xml" {
			if err := zw.Copy(f); err != nil {
				return err
			}
			continue
		}
		rc, err := f.Open()
		if err != nil {
			return err
		}
		x, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			return err
		}
		defs := defaultType.FindAll(x, -1)
		sort.Slice(defs, func(i, j int) bool { return bytes.Compare(defs[i], defs[j]) < 0 })
		i := 0
		x = defaultType.ReplaceAllFunc(x, func([]byte) []byte { i++; return defs[i-1] })
		fw, err := zw.Create(f.Name)
		if err != nil {
			return err
		}
		if _, err := fw.Write(x); err != nil {
			return err
		}
	}
	return zw.Close()
}

var divestColumns = []string{"Divestment date", "Days left", "Status", "Portfolio", "Security", "Identifiers",
	"Quantity", "Market value", "Currency", "Entry ID", "Entry name", "File", "Line", "Action"}

func (s *Sink) divestment() error {
	report.SortWindows(s.windows)
	sw, err := s.f.NewStreamWriter(SheetDivestment)
	if err != nil {
		return err
	}
	if err := header(sw, divestColumns, []float64{14, 9, 16, 18, 34, 30, 14, 16, 9, 10, 34, 22, 7, 48}, s.st.header); err != nil {
		return err
	}
	for i, f := range s.windows {
		var id, name string
		if f.Entry != nil {
			id, name = f.Entry.ID, f.Entry.Name
		}
		row := []any{s.date(f.DivestmentDate), *f.DaysLeft, excelize.Cell{StyleID: s.st.status[f.Status], Value: string(f.Status)},
			text(f.Portfolio), text(f.Security.Name), text(report.Identifiers(f.Security)),
			s.number(f.Quantity, false), s.number(f.MarketValue, true), text(f.Currency), text(id), text(name),
			text(f.File), f.Line, text(f.Action)}
		if err := sw.SetRow(cell(1, i+2), row); err != nil {
			return err
		}
	}
	if err := s.f.AutoFilter(SheetDivestment, "A1:"+cell(len(divestColumns), len(s.windows)+1), nil); err != nil {
		return err
	}
	return sw.Flush()
}

// text is a string cell. The stream writer writes every string as an
// inline string, never as a formula.
func text(v string) any { return v }

// number writes d as an Excel number when a float64 carries it exactly;
// otherwise as text, so that no value is rounded.
func (s *Sink) number(d decimal.Decimal, money bool) any {
	f := d.InexactFloat64()
	if strconv.FormatFloat(f, 'f', -1, 64) != d.String() {
		return excelize.Cell{StyleID: s.st.exactText, Value: d.String()}
	}
	if money {
		return excelize.Cell{StyleID: s.st.money, Value: f}
	}
	// Show the digits the value has (String drops trailing zeros).
	places := int32(0)
	if str := d.String(); strings.Contains(str, ".") {
		places = int32(len(str) - strings.IndexByte(str, '.') - 1)
	}
	st, ok := s.numStyle[places]
	if !ok {
		fmtStr := "#,##0"
		if places > 0 {
			fmtStr += "." + strings.Repeat("0", int(places))
		}
		var err error
		if st, err = s.f.NewStyle(&excelize.Style{CustomNumFmt: &fmtStr}); err != nil {
			s.err = err
		}
		s.numStyle[places] = st
	}
	return excelize.Cell{StyleID: st, Value: f}
}

// date writes a date cell, or nothing for no date.
func (s *Sink) date(d screener.Date) any {
	if d.IsZero() {
		return nil
	}
	return excelize.Cell{StyleID: s.st.date, Value: d.Time(time.UTC)}
}

func cell(col, row int) string {
	c, _ := excelize.CoordinatesToCellName(col, row)
	return c
}

type styles struct {
	header, title, bold, money, date, exactText, label int
	status                                             map[screener.Status]int
}

// statusColours are the fill and font colours of each status's cells.
var statusColours = map[screener.Status][2]string{
	screener.StatusBlocked:          {"7F0000", "FFFFFF"},
	screener.StatusProhibitedLocked: {"C00000", "FFFFFF"},
	screener.StatusDivestOnly:       {"F4B183", "000000"},
	screener.StatusPreEffective:     {"FFE699", "000000"},
	screener.StatusReview:           {"D9C3E9", "000000"},
	screener.StatusRiskFlag:         {"FFD966", "000000"},
	screener.StatusInfo:             {"BDD7EE", "000000"},
	screener.StatusCleared:          {"E2EFDA", "000000"},
	screener.StatusClear:            {"C6E0B4", "000000"},
}

func newStyles(f *excelize.File) (styles, error) {
	st := styles{status: map[screener.Status]int{}}
	var err error
	mk := func(s *excelize.Style) int {
		if err != nil {
			return 0
		}
		var id int
		id, err = f.NewStyle(s)
		return id
	}
	money, date := "#,##0.00", "yyyy-mm-dd"
	st.header = mk(&excelize.Style{Font: &excelize.Font{Bold: true, Color: "FFFFFF"},
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"1F3864"}},
		Alignment: &excelize.Alignment{Vertical: "center", WrapText: true}})
	st.title = mk(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 16}})
	st.bold = mk(&excelize.Style{Font: &excelize.Font{Bold: true}})
	st.label = mk(&excelize.Style{Font: &excelize.Font{Bold: true, Color: "1F3864"}})
	st.money = mk(&excelize.Style{CustomNumFmt: &money})
	st.date = mk(&excelize.Style{CustomNumFmt: &date})
	st.exactText = mk(&excelize.Style{Alignment: &excelize.Alignment{Horizontal: "right"}})
	for _, s := range screener.Statuses {
		c := statusColours[s]
		st.status[s] = mk(&excelize.Style{Font: &excelize.Font{Color: c[1], Bold: s.Rank() <= screener.StatusDivestOnly.Rank()},
			Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{c[0]}}})
	}
	return st, err
}

// summary writes the Summary sheet (normal mode: it is small) with its
// charts, whose series are the pivot blocks written here.
func (s *Sink) summary(r *screener.Report) error {
	f, sh := s.f, SheetSummary
	row := 1
	set := func(col int, v any, style int) {
		if s.err != nil {
			return
		}
		c := cell(col, row)
		if ec, ok := v.(excelize.Cell); ok {
			v = ec.Value
			if style == 0 {
				style = ec.StyleID
			}
		}
		if str, ok := v.(string); ok {
			s.err = f.SetCellStr(sh, c, str)
		} else {
			s.err = f.SetCellValue(sh, c, v)
		}
		if s.err == nil && style != 0 {
			s.err = f.SetCellStyle(sh, c, c, style)
		}
	}
	hdr := func(cols ...string) {
		for i, c := range cols {
			set(i+1, c, s.st.header)
		}
		row++
	}
	for i, w := range []float64{30, 34, 14, 12, 18, 18, 18, 18, 18} {
		if err := f.SetColWidth(sh, cell(i+1, 1)[:1], cell(i+1, 1)[:1], w); err != nil {
			return err
		}
	}
	set(1, "Divestment report", s.st.title)
	row += 2
	set(1, "As of", s.st.label)
	set(2, r.AsOf, 0)
	row++
	set(1, "Files", s.st.label)
	set(2, strings.Join(r.Files, ", "), 0)
	row++
	set(1, "Rows read", s.st.label)
	set(2, r.Summary.Rows, 0)
	row++
	set(1, "Screened", s.st.label)
	set(2, r.Summary.Screened, 0)
	row++
	set(1, "Rejected", s.st.label)
	set(2, r.Summary.Rejected, 0)
	row++
	set(1, "Findings listed", s.st.label)
	set(2, s.nf, 0)
	row += 2

	set(1, "List snapshots", s.st.bold)
	row++
	hdr("List", "SHA-256", "As of", "Entries")
	for _, l := range r.Lists {
		set(1, l.Name, 0)
		set(2, l.SHA256, 0)
		set(3, l.AsOf.String(), 0)
		set(4, l.Entries, 0)
		row++
	}
	row++

	set(1, "Positions by status", s.st.bold)
	row++
	hdr("Status", "Positions")
	for _, st := range screener.Statuses {
		if n := r.Summary.ByStatus[st]; n > 0 {
			set(1, string(st), s.st.status[st])
			set(2, n, 0)
			row++
		}
	}
	row++

	// Value by status: one row per status, one column per currency (the
	// chart's series; currencies are never added together).
	var charts []chartSpec
	statusKeys := []string{}
	have := map[string]bool{}
	for _, t := range r.Totals.ByStatus {
		have[t.Key] = true
	}
	for _, st := range screener.Statuses {
		if have[string(st)] {
			statusKeys = append(statusKeys, string(st))
		}
	}
	if spec, ok := s.pivot("Market value by status", "Status", r.Totals.ByStatus, statusKeys,
		func(k string) string { return k }, &row, set, hdr); ok {
		charts = append(charts, spec)
	}

	// Value by listed entity.
	count := map[string]int{}
	for _, t := range r.Totals.ByEntry {
		count[t.Key] += t.Positions
	}
	ids := make([]string, 0, len(count))
	for id := range count {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(a, b int) bool {
		if count[ids[a]] != count[ids[b]] {
			return count[ids[a]] > count[ids[b]]
		}
		return ids[a] < ids[b]
	})
	label := func(key string) string {
		if ref, name := report.SplitEntityKey(key); name != "" {
			return name
		} else {
			return ref
		}
	}
	if spec, ok := s.pivot("Market value by listed entity", "Listed entity", r.Totals.ByEntry, ids, label, &row, set, hdr); ok {
		charts = append(charts, spec)
	}

	set(1, "Totals by portfolio", s.st.bold)
	row++
	hdr("Portfolio", "Currency", "Positions", "Market value")
	for _, t := range r.Totals.ByPortfolio {
		set(1, t.Key, 0)
		set(2, t.Currency, 0)
		set(3, t.Positions, 0)
		set(4, s.number(t.MarketValue, true), 0)
		row++
	}
	if s.err != nil {
		return s.err
	}
	// Charts to the right of the tables (whose widest block has a column
	// per currency after its key and positions).
	col := 7
	for _, ts := range [][]screener.Total{r.Totals.ByStatus, r.Totals.ByEntry} {
		col = max(col, 4+len(report.Currencies(ts)))
	}
	at := 2
	for _, c := range charts {
		if err := s.addChart(c, cell(col, at)); err != nil {
			return err
		}
		at += 22
	}
	return nil
}

type chartSpec struct {
	title          string
	catRef         string
	series         []excelize.ChartSeries
	rows, currency int
}

// pivot writes a block with one row per key and one column per currency,
// and returns the chart over it.
func (s *Sink) pivot(title, keyName string, ts []screener.Total, keys []string, label func(string) string,
	row *int, set func(int, any, int), hdr func(...string)) (chartSpec, bool) {
	set(1, title, s.st.bold)
	*row++
	ccys := report.Currencies(ts)
	cols := append([]string{keyName, "Positions"}, ccys...)
	for i := range ccys {
		if cols[i+2] == "" {
			cols[i+2] = "(no currency)"
		}
	}
	hdr(cols...)
	first := *row
	type kc struct{ k, c string }
	val := map[kc]decimal.Decimal{}
	pos := map[string]int{}
	for _, t := range ts {
		val[kc{t.Key, t.Currency}] = val[kc{t.Key, t.Currency}].Add(t.MarketValue)
		pos[t.Key] += t.Positions
	}
	for _, k := range keys {
		style := 0
		if st, ok := s.st.status[screener.Status(k)]; ok && keyName == "Status" {
			style = st
		}
		set(1, label(k), style)
		set(2, pos[k], 0)
		for j, c := range ccys {
			if v, ok := val[kc{k, c}]; ok {
				set(3+j, s.number(v, true), 0)
			}
		}
		*row++
	}
	last := *row - 1
	*row++
	if len(keys) == 0 {
		set(1, "None", 0)
		*row += 2
		return chartSpec{}, false
	}
	// The chart shows the first rows (the block is in chart order); the
	// block lists them all.
	const chartRows = 20
	spec := chartSpec{title: title, rows: min(len(keys), chartRows)}
	if len(keys) > chartRows {
		spec.title += fmt.Sprintf(" (first %d of %d)", chartRows, len(keys))
		last = first + chartRows - 1
	}
	q := "'" + SheetSummary + "'!"
	spec.catRef = fmt.Sprintf("%s$A$%d:$A$%d", q, first, last)
	for j := range ccys {
		col := cell(3+j, 1)
		col = col[:len(col)-1]
		spec.series = append(spec.series, excelize.ChartSeries{
			Name:       fmt.Sprintf("%s$%s$%d", q, col, first-1),
			Categories: spec.catRef,
			Values:     fmt.Sprintf("%s$%s$%d:$%s$%d", q, col, first, col, last),
		})
	}
	return spec, true
}

func (s *Sink) addChart(c chartSpec, at string) error {
	h := uint(300)
	if c.rows > 8 {
		h = uint(min(300+20*(c.rows-8), 900))
	}
	return s.f.AddChart(SheetSummary, at, &excelize.Chart{
		Type:      excelize.Bar, // horizontal bars: long entity names stay readable
		Series:    c.series,
		Title:     []excelize.RichTextRun{{Text: c.title}},
		Legend:    excelize.ChartLegend{Position: "bottom"},
		Dimension: excelize.ChartDimension{Width: 640, Height: h},
		PlotArea:  excelize.ChartPlotArea{ShowVal: false},
		YAxis:     excelize.ChartAxis{NumFmt: excelize.ChartNumFmt{CustomNumFmt: "#,##0"}},
	})
}
