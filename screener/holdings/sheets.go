package holdings

// Spreadsheet holdings: XLSX through github.com/xuri/excelize/v2 and legacy
// BIFF8 .xls through a small reader of our own (the compound file is opened
// with github.com/richardlehane/mscfb). Each sheet row becomes a []string
// record and goes through the same header alias mapping and record→Holding
// code as the CSV tables (columns in table.go).

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"
	"unicode/utf16"

	"github.com/richardlehane/mscfb"
	"github.com/screener/screener/screener"
	"github.com/shopspring/decimal"
	"github.com/xuri/excelize/v2"
)

// sheetMaxBytes caps the size of a spreadsheet file read into memory.
const sheetMaxBytes = 256 << 20

// sheetDateHeaders are the (normalised) header names of an as-of date column:
// its first data cell sets Info.AsOf.
var sheetDateHeaders = map[string]bool{
	"date": true, "asof": true, "asofdate": true, "positiondate": true, "reportdate": true,
	"holdingsdate": true, "valuationdate": true, normalise("日期Date"): true,
}

// sheetRowIter yields the rows of one sheet: the 1-based row number and the
// cells. ok is false at the end of the sheet.
type sheetRowIter func() (row int, cells []string, ok bool, err error)

// sheetSrc is one sheet of a workbook.
type sheetSrc struct {
	name string
	rows sheetRowIter
	bad  map[int]string // rows that are not well-formed, with why (XLSX)
}

// sheetReadAll reads r into memory, up to sheetMaxBytes.
func sheetReadAll(name string, r io.Reader) ([]byte, error) {
	return sheetReadAllMax(name, r, 0)
}

// sheetReadAllMax reads r into memory, up to maxBytes (sheetMaxBytes when
// 0 or more).
func sheetReadAllMax(name string, r io.Reader, maxBytes int64) ([]byte, error) {
	if maxBytes <= 0 || maxBytes > sheetMaxBytes {
		maxBytes = sheetMaxBytes
	}
	b, err := io.ReadAll(io.LimitReader(r, maxBytes+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	if int64(len(b)) > maxBytes {
		return nil, tooLarge(name, "spreadsheet larger than %d MB", maxBytes>>20)
	}
	return b, nil
}

// sheetNumber tidies a number a spreadsheet stores as a binary double: it
// keeps at most 15 significant digits, as Excel shows them, so that
// 12467.330000000002 reads 12467.33. Values that are not plain numbers are
// returned unchanged.
func sheetNumber(s string) string {
	d, err := decimal.NewFromString(s)
	if err != nil || strings.ContainsAny(s, " ,") {
		return s
	}
	digits := len(strings.TrimLeft(d.Coefficient().String(), "-"))
	if digits <= 15 {
		return s
	}
	exp := int32(digits) + d.Exponent() // digits before the decimal point
	return d.Round(15 - exp).String()
}

// sheetCell picks the text of an XLSX cell from its raw stored value and
// its formatted value. The formatted value keeps what formats add on purpose
// (leading zeros of codes, dates, percentages as printed); the raw value is
// taken when formatting only rounded a number (a market value shown as
// "1,235" stored as 1234.5).
func sheetCell(raw, formatted string) string {
	if raw == formatted || raw == "" {
		return formatted
	}
	r, err := decimal.NewFromString(raw)
	if err != nil {
		return formatted
	}
	if strings.ContainsAny(formatted, "%/") {
		return formatted
	}
	f := strings.NewReplacer(",", "", " ", "", "\u00a0", "", "$", "", "(", "-", ")", "").Replace(formatted)
	fd, err := decimal.NewFromString(f)
	if err != nil || fd.Equal(r) {
		return formatted
	}
	return sheetNumber(raw)
}

// readXLSX reads the first sheet of an XLSX workbook that has a header row.
func readXLSX(name string, r io.Reader, s Sink, info *Info) (err error) {
	info.Format = FormatXLSX
	defer func() {
		if p := recover(); p != nil { // excelize on a hostile file; not ours to fix
			err = &screener.ParseError{File: name, Reason: fmt.Sprintf("the XLSX file could not be read (%v)", p)}
		}
	}()
	b, err := sheetReadAllMax(name, r, info.maxBytes)
	if err != nil {
		return err
	}
	bud := budgetFor(info.maxBytes)
	b, scans, err := xlsxGuard(name, b, bud)
	if err != nil {
		return err
	}
	f, err := excelize.OpenReader(bytes.NewReader(b), excelize.Options{
		UnzipSizeLimit:    bud.unzipped,
		UnzipXMLSizeLimit: min(bud.unzipped, 16<<20), // larger sheets go through a temp file, removed by Close
	})
	if err != nil {
		return &screener.ParseError{File: name, Reason: "not a readable XLSX workbook: " + err.Error(), Err: err}
	}
	defer f.Close()
	var srcs []sheetSrc
	for _, sh := range f.GetSheetList() {
		raw, err := f.Rows(sh)
		if err != nil {
			return &screener.ParseError{File: name, Reason: fmt.Sprintf("sheet %q: %v", sh, err), Err: err}
		}
		defer raw.Close()
		fmtd, err := f.Rows(sh)
		if err != nil {
			return &screener.ParseError{File: name, Reason: fmt.Sprintf("sheet %q: %v", sh, err), Err: err}
		}
		defer fmtd.Close()
		row := 0
		sc := scans[sh]
		src := sheetSrc{name: sh}
		if sc != nil {
			src.bad = sc.bad
		}
		src.rows = func() (int, []string, bool, error) {
			if !raw.Next() || !fmtd.Next() {
				if err := raw.Error(); err != nil {
					return row, nil, false, fmt.Errorf("cannot be read past row %d: %w", row, err)
				}
				if sc != nil && row < sc.lastRow {
					// excelize stopped early without an error: never a
					// silent stop.
					return row, nil, false, fmt.Errorf("cannot be read past row %d of %d: %w", row, sc.lastRow, errSheetStopped)
				}
				return row, nil, false, nil
			}
			row++
			rv, err := raw.Columns(excelize.Options{RawCellValue: true})
			if err != nil {
				return row, nil, false, fmt.Errorf("row %d: %w", row, err)
			}
			fv, err := fmtd.Columns()
			if err != nil {
				return row, nil, false, fmt.Errorf("row %d: %w", row, err)
			}
			cells := make([]string, max(len(rv), len(fv)))
			for i := range cells {
				var a, b string
				if i < len(rv) {
					a = rv[i]
				}
				if i < len(fv) {
					b = fv[i]
				}
				cells[i] = sheetCell(a, b)
			}
			return row, cells, true, nil
		}
		srcs = append(srcs, src)
	}
	return readSheets(name, srcs, s, info)
}

// readXLS reads a legacy Excel 97–2003 (BIFF8) workbook: the first sheet
// that has a header row. Cells are read as stored: text as text (codes keep
// their leading zeros), numbers as numbers (number formats are not applied,
// so dates stored as numbers arrive as serial numbers). Older BIFF5 files
// and encrypted workbooks are refused with a ParseError that says to save
// the file as .xlsx.
func readXLS(name string, r io.Reader, s Sink, info *Info) error {
	info.Format = FormatXLS
	b, err := sheetReadAll(name, r)
	if err != nil {
		return err
	}
	wb, err := xlsOpen(name, b)
	if err != nil {
		return err
	}
	srcs := make([]sheetSrc, len(wb.sheets))
	for i := range wb.sheets {
		sh := &wb.sheets[i]
		k := 0
		srcs[i] = sheetSrc{name: sh.name, rows: func() (int, []string, bool, error) {
			if k >= len(sh.rows) {
				return 0, nil, false, nil
			}
			k++
			return sh.rows[k-1].num, sh.rows[k-1].cells, true, nil
		}}
	}
	return readSheets(name, srcs, s, info)
}

// Constituent is one row of a CSI index constituent file (the
// 000300cons.xls download of China Securities Index).
type Constituent struct {
	Date     string // 日期Date as printed (YYYYMMDD), when the file has the column
	Code     string // 6-digit A-share code as printed, leading zeros kept ("000001")
	Exchange string // exchange in English as printed ("Shanghai Stock Exchange")
	NameCN   string // 成分券名称, the Chinese short name
	NameEN   string // 成分券英文名称, the English name
}

// ReadCSIConstituents reads a CSI index constituent .xls file (bilingual
// header with 成分券代码Constituent Code, 成分券名称Constituent Name,
// 成分券英文名称Constituent Name(Eng), 交易所英文名称Exchange(Eng)), for
// code → issuer name reference data. A row with no code is an error naming
// its line.
func ReadCSIConstituents(path string) ([]Constituent, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read CSI constituents: %w", err)
	}
	wb, err := xlsOpen(path, b)
	if err != nil {
		return nil, err
	}
	want := map[string]int{
		normalise("成分券代码Constituent Code"):        -1,
		normalise("成分券名称Constituent Name"):        -1,
		normalise("成分券英文名称Constituent Name(Eng)"): -1,
		normalise("交易所英文名称Exchange(Eng)"):         -1,
	}
	for _, sh := range wb.sheets {
		for i, row := range sh.rows {
			found := 0
			for j, c := range row.cells {
				if _, ok := want[normalise(c)]; ok {
					want[normalise(c)] = j
					found++
				}
			}
			if found < len(want) {
				continue
			}
			col := func(h string) int { return want[normalise(h)] }
			dateCol := -1
			for j, c := range row.cells {
				if strings.Contains(c, "Date") {
					dateCol = j
				}
			}
			get := func(cells []string, j int) string {
				if j >= 0 && j < len(cells) {
					return strings.TrimSpace(cells[j])
				}
				return ""
			}
			var out []Constituent
			for _, d := range sh.rows[i+1:] {
				if allBlank(d.cells) {
					continue
				}
				c := Constituent{
					Date:     get(d.cells, dateCol),
					Code:     get(d.cells, col("成分券代码Constituent Code")),
					NameCN:   get(d.cells, col("成分券名称Constituent Name")),
					NameEN:   get(d.cells, col("成分券英文名称Constituent Name(Eng)")),
					Exchange: get(d.cells, col("交易所英文名称Exchange(Eng)")),
				}
				if c.Code == "" {
					return nil, &screener.ParseError{File: path, Line: d.num, Column: col("成分券代码Constituent Code") + 1,
						Field: "成分券代码Constituent Code", Reason: "constituent row without a code"}
				}
				out = append(out, c)
			}
			return out, nil
		}
	}
	return nil, &screener.ParseError{File: path, Reason: "no CSI constituent header (成分券代码Constituent Code, 成分券名称Constituent Name, 成分券英文名称Constituent Name(Eng), 交易所英文名称Exchange(Eng)) found"}
}

// ---------------------------------------------------------------------------
// A minimal BIFF8 (.xls) reader: the sheets' cell values as text.
//
// github.com/extrame/xls v0.0.1 was tried first: it misreads the CSI 300
// file from the string where the shared string table crosses a CONTINUE
// record ("SATELLITE CHEMICAL" is cut and every later text cell shifts by
// one), so it is not used.

// xlsBook is a decoded workbook.
type xlsBook struct {
	sheets []xlsSheet
}

type xlsSheet struct {
	name string
	rows []xlsRow // in row order, blank rows omitted
}

type xlsRow struct {
	num   int // 1-based
	cells []string
}

// xlsErr is the error for a legacy workbook this reader cannot decode.
func xlsErr(name, why string) error {
	return &screener.ParseError{File: name, Reason: "legacy .xls could not be read (" + why + "); save it as .xlsx"}
}

// BIFF record types.
const (
	xlsBOF        = 0x0809
	xlsEOF        = 0x000A
	xlsBoundSheet = 0x0085
	xlsSST        = 0x00FC
	xlsContinue   = 0x003C
	xlsLabelSST   = 0x00FD
	xlsLabel      = 0x0204
	xlsNumber     = 0x0203
	xlsRK         = 0x027E
	xlsMulRK      = 0x00BD
	xlsFormula    = 0x0006
	xlsString     = 0x0207
	xlsBoolErr    = 0x0205
	xlsFilePass   = 0x002F
)

// xlsMaxCells bounds the cells of one sheet, against hostile files.
const xlsMaxCells = 4 << 20

// xlsOpen decodes b, a compound file holding a BIFF8 Workbook stream.
func xlsOpen(name string, b []byte) (wb *xlsBook, err error) {
	defer func() {
		if p := recover(); p != nil {
			wb, err = nil, xlsErr(name, fmt.Sprintf("damaged file: %v", p))
		}
	}()
	if msg := cfbHeaderProblem(b); msg != "" {
		return nil, xlsErr(name, "damaged file: "+msg)
	}
	cf, err := mscfb.New(bytes.NewReader(b))
	if err != nil {
		return nil, xlsErr(name, "not an OLE2 compound file: "+err.Error())
	}
	var stream []byte
	for f, err := cf.Next(); err == nil; f, err = cf.Next() {
		if f.Name == "Workbook" || f.Name == "Book" {
			if f.Name == "Book" {
				return nil, xlsErr(name, "Excel 5/95 (BIFF5) workbook")
			}
			if f.Size > sheetMaxBytes || f.Size > int64(len(b)) {
				return nil, xlsErr(name, "workbook stream too large")
			}
			stream, err = io.ReadAll(f)
			if err != nil {
				return nil, xlsErr(name, "reading the workbook stream: "+err.Error())
			}
			break
		}
	}
	if stream == nil {
		return nil, xlsErr(name, "no Workbook stream in the compound file")
	}
	return xlsParse(name, stream)
}

// cfbHeaderProblem checks the counts in a compound file's header against
// the file's size before richardlehane/mscfb sizes its slices by them: a
// fuzzed header claiming 2^31 directory sectors made it allocate 32 GB and
// the process die of "out of memory", which recover cannot catch.
func cfbHeaderProblem(b []byte) string {
	if len(b) < 512 {
		return "shorter than a compound file header"
	}
	var sector int64
	switch binary.LittleEndian.Uint16(b[30:32]) {
	case 9:
		sector = 512
	case 12:
		sector = 4096
	default:
		return "illegal sector size"
	}
	maxSectors := int64(len(b))/sector + 1
	for _, f := range []struct {
		name string
		off  int
	}{{"directory", 40}, {"FAT", 44}, {"mini FAT", 64}, {"DIFAT", 72}} {
		if n := int64(binary.LittleEndian.Uint32(b[f.off : f.off+4])); n > maxSectors {
			return fmt.Sprintf("the header claims %d %s sectors in a %d-byte file", n, f.name, len(b))
		}
	}
	return ""
}

// xlsRecord is one BIFF record.
type xlsRecord struct {
	id   uint16
	data []byte
}

// xlsRecords splits stream from off into records up to and including the
// first EOF record of the substream.
func xlsRecords(stream []byte, off int) ([]xlsRecord, error) {
	var recs []xlsRecord
	depth := 0
	for off+4 <= len(stream) {
		id := binary.LittleEndian.Uint16(stream[off:])
		n := int(binary.LittleEndian.Uint16(stream[off+2:]))
		if off+4+n > len(stream) {
			return nil, fmt.Errorf("record 0x%04X at offset %d runs past the end of the stream", id, off)
		}
		recs = append(recs, xlsRecord{id, stream[off+4 : off+4+n]})
		off += 4 + n
		switch id {
		case xlsBOF:
			depth++
		case xlsEOF:
			depth--
			if depth <= 0 {
				return recs, nil
			}
		}
	}
	return recs, nil
}

// xlsParse decodes the workbook globals and every worksheet.
func xlsParse(name string, stream []byte) (*xlsBook, error) {
	glob, err := xlsRecords(stream, 0)
	if err != nil {
		return nil, xlsErr(name, err.Error())
	}
	if len(glob) == 0 || glob[0].id != xlsBOF || len(glob[0].data) < 4 {
		return nil, xlsErr(name, "no BIFF8 BOF record")
	}
	if v := binary.LittleEndian.Uint16(glob[0].data); v != 0x0600 {
		return nil, xlsErr(name, fmt.Sprintf("BIFF version 0x%04X, only BIFF8 (Excel 97 and later) is read", v))
	}
	type bs struct {
		pos  int
		name string
	}
	var sheets []bs
	var sst []string
	for i := 0; i < len(glob); i++ {
		rec := glob[i]
		switch rec.id {
		case xlsFilePass:
			return nil, xlsErr(name, "the workbook is encrypted")
		case xlsBoundSheet:
			if len(rec.data) < 8 {
				return nil, xlsErr(name, "short BOUNDSHEET record")
			}
			if rec.data[5] != 0 { // not a worksheet (chart, macro sheet)
				continue
			}
			sr := &xlsSegReader{segs: [][]byte{rec.data[8:]}}
			nm, err := sr.charsWith(int(rec.data[6]), rec.data[7]&1 != 0)
			if err != nil {
				return nil, xlsErr(name, "sheet name: "+err.Error())
			}
			sheets = append(sheets, bs{int(binary.LittleEndian.Uint32(rec.data)), nm})
		case xlsSST:
			segs := [][]byte{rec.data}
			for i+1 < len(glob) && glob[i+1].id == xlsContinue {
				i++
				segs = append(segs, glob[i].data)
			}
			if sst, err = xlsReadSST(segs); err != nil {
				return nil, xlsErr(name, "shared strings: "+err.Error())
			}
		}
	}
	wb := &xlsBook{}
	for _, sh := range sheets {
		if sh.pos < 0 || sh.pos >= len(stream) {
			return nil, xlsErr(name, fmt.Sprintf("sheet %q starts outside the stream", sh.name))
		}
		recs, err := xlsRecords(stream, sh.pos)
		if err != nil {
			return nil, xlsErr(name, fmt.Sprintf("sheet %q: %v", sh.name, err))
		}
		rows, err := xlsCells(recs, sst)
		if err != nil {
			return nil, xlsErr(name, fmt.Sprintf("sheet %q: %v", sh.name, err))
		}
		wb.sheets = append(wb.sheets, xlsSheet{name: sh.name, rows: rows})
	}
	return wb, nil
}

// xlsSegReader reads a record split over CONTINUE records. Character data
// that crosses into a new segment starts there with a fresh option byte
// (compressed 8-bit or UTF-16), as BIFF8 specifies.
type xlsSegReader struct {
	segs [][]byte
	i    int
	off  int
}

var errXLSShort = errors.New("record data ends early")

func (r *xlsSegReader) advance() bool {
	for r.i < len(r.segs) && r.off >= len(r.segs[r.i]) {
		r.i++
		r.off = 0
	}
	return r.i < len(r.segs)
}

// bytes reads n bytes, crossing segments transparently.
func (r *xlsSegReader) bytes(n int) ([]byte, error) {
	out := make([]byte, 0, n)
	for len(out) < n {
		if !r.advance() {
			return nil, errXLSShort
		}
		seg := r.segs[r.i][r.off:]
		k := min(n-len(out), len(seg))
		out = append(out, seg[:k]...)
		r.off += k
	}
	return out, nil
}

func (r *xlsSegReader) u8() (byte, error) {
	b, err := r.bytes(1)
	if err != nil {
		return 0, err
	}
	return b[0], nil
}

func (r *xlsSegReader) u16() (uint16, error) {
	b, err := r.bytes(2)
	if err != nil {
		return 0, err
	}
	return binary.LittleEndian.Uint16(b), nil
}

func (r *xlsSegReader) u32() (uint32, error) {
	b, err := r.bytes(4)
	if err != nil {
		return 0, err
	}
	return binary.LittleEndian.Uint32(b), nil
}

// charsWith reads cch characters, wide or compressed, re-reading the option
// byte at each segment boundary.
func (r *xlsSegReader) charsWith(cch int, wide bool) (string, error) {
	u := make([]uint16, 0, cch)
	for len(u) < cch {
		if r.i < len(r.segs) && r.off >= len(r.segs[r.i]) {
			// the string continues in the next CONTINUE record, which
			// starts with its own option byte
			r.i++
			r.off = 0
			if r.i >= len(r.segs) || len(r.segs[r.i]) == 0 {
				return "", errXLSShort
			}
			wide = r.segs[r.i][0]&1 != 0
			r.off = 1
		}
		if r.i >= len(r.segs) {
			return "", errXLSShort
		}
		seg := r.segs[r.i][r.off:]
		if wide {
			k := min(cch-len(u), len(seg)/2)
			if k == 0 {
				return "", errXLSShort
			}
			for j := 0; j < k; j++ {
				u = append(u, binary.LittleEndian.Uint16(seg[2*j:]))
			}
			r.off += 2 * k
		} else {
			k := min(cch-len(u), len(seg))
			for j := 0; j < k; j++ {
				u = append(u, uint16(seg[j]))
			}
			r.off += k
		}
	}
	return string(utf16.Decode(u)), nil
}

// richString reads an XLUnicodeRichExtendedString (the SST's strings).
func (r *xlsSegReader) richString() (string, error) {
	cch, err := r.u16()
	if err != nil {
		return "", err
	}
	flags, err := r.u8()
	if err != nil {
		return "", err
	}
	runs, ext := 0, 0
	if flags&0x08 != 0 {
		n, err := r.u16()
		if err != nil {
			return "", err
		}
		runs = int(n)
	}
	if flags&0x04 != 0 {
		n, err := r.u32()
		if err != nil {
			return "", err
		}
		ext = int(n)
	}
	s, err := r.charsWith(int(cch), flags&1 != 0)
	if err != nil {
		return "", err
	}
	if _, err := r.bytes(4*runs + ext); err != nil {
		return "", err
	}
	return s, nil
}

// xlsReadSST decodes the shared string table.
func xlsReadSST(segs [][]byte) ([]string, error) {
	r := &xlsSegReader{segs: segs}
	if _, err := r.u32(); err != nil { // total references
		return nil, err
	}
	n, err := r.u32()
	if err != nil {
		return nil, err
	}
	if n > xlsMaxCells {
		return nil, fmt.Errorf("%d shared strings", n)
	}
	out := make([]string, 0, n)
	for k := uint32(0); k < n; k++ {
		s, err := r.richString()
		if err != nil {
			return nil, fmt.Errorf("string %d of %d: %w", k+1, n, err)
		}
		out = append(out, s)
	}
	return out, nil
}

// xlsCells turns a worksheet's records into rows of text cells.
func xlsCells(recs []xlsRecord, sst []string) ([]xlsRow, error) {
	cells := map[int]map[int]string{}
	count := 0
	set := func(row, col int, v string) error {
		if cells[row] == nil {
			cells[row] = map[int]string{}
		}
		cells[row][col] = v
		count++
		if count > xlsMaxCells {
			return fmt.Errorf("more than %d cells", xlsMaxCells)
		}
		return nil
	}
	pendingRow, pendingCol := -1, -1 // a FORMULA whose string result follows
	for _, rec := range recs {
		d := rec.data
		rc := func() (int, int, bool) {
			if len(d) < 6 {
				return 0, 0, false
			}
			return int(binary.LittleEndian.Uint16(d)), int(binary.LittleEndian.Uint16(d[2:])), true
		}
		var err error
		switch rec.id {
		case xlsLabelSST:
			row, col, ok := rc()
			if !ok || len(d) < 10 {
				return nil, errors.New("short LABELSST record")
			}
			i := int(binary.LittleEndian.Uint32(d[6:]))
			if i >= len(sst) {
				return nil, fmt.Errorf("cell %s refers to shared string %d of %d", xlsRef(row, col), i, len(sst))
			}
			err = set(row, col, sst[i])
		case xlsLabel:
			row, col, ok := rc()
			if !ok || len(d) < 9 {
				return nil, errors.New("short LABEL record")
			}
			sr := &xlsSegReader{segs: [][]byte{d[6:]}}
			cch, _ := sr.u16()
			flags, _ := sr.u8()
			s, e := sr.charsWith(int(cch), flags&1 != 0)
			if e != nil {
				return nil, fmt.Errorf("cell %s: %w", xlsRef(row, col), e)
			}
			err = set(row, col, s)
		case xlsNumber:
			row, col, ok := rc()
			if !ok || len(d) < 14 {
				return nil, errors.New("short NUMBER record")
			}
			err = set(row, col, xlsFloat(math.Float64frombits(binary.LittleEndian.Uint64(d[6:]))))
		case xlsRK:
			row, col, ok := rc()
			if !ok || len(d) < 10 {
				return nil, errors.New("short RK record")
			}
			err = set(row, col, xlsRKValue(binary.LittleEndian.Uint32(d[6:])))
		case xlsMulRK:
			row, col, ok := rc()
			if !ok {
				return nil, errors.New("short MULRK record")
			}
			for p := 4; p+6 <= len(d)-2 && err == nil; p += 6 {
				err = set(row, col, xlsRKValue(binary.LittleEndian.Uint32(d[p+2:])))
				col++
			}
		case xlsBoolErr:
			row, col, ok := rc()
			if !ok || len(d) < 8 {
				return nil, errors.New("short BOOLERR record")
			}
			v := "#ERROR"
			if d[7] == 0 {
				v = "FALSE"
				if d[6] != 0 {
					v = "TRUE"
				}
			}
			err = set(row, col, v)
		case xlsFormula:
			row, col, ok := rc()
			if !ok || len(d) < 14 {
				return nil, errors.New("short FORMULA record")
			}
			res := d[6:14]
			if binary.LittleEndian.Uint16(res[6:]) == 0xFFFF {
				switch res[0] {
				case 0: // string: in the STRING record that follows
					pendingRow, pendingCol = row, col
				case 1:
					v := "FALSE"
					if res[2] != 0 {
						v = "TRUE"
					}
					err = set(row, col, v)
				case 2:
					err = set(row, col, "#ERROR")
				}
			} else {
				err = set(row, col, xlsFloat(math.Float64frombits(binary.LittleEndian.Uint64(res))))
			}
		case xlsString:
			if pendingRow >= 0 {
				sr := &xlsSegReader{segs: [][]byte{d}}
				cch, _ := sr.u16()
				flags, _ := sr.u8()
				s, e := sr.charsWith(int(cch), flags&1 != 0)
				if e == nil {
					err = set(pendingRow, pendingCol, s)
				}
				pendingRow, pendingCol = -1, -1
			}
		}
		if err != nil {
			return nil, err
		}
	}
	rows := make([]int, 0, len(cells))
	for r := range cells {
		rows = append(rows, r)
	}
	slices.Sort(rows)
	out := make([]xlsRow, 0, len(rows))
	for _, r := range rows {
		width := 0
		for c := range cells[r] {
			width = max(width, c+1)
		}
		if width > 16384 {
			return nil, fmt.Errorf("row %d has a cell beyond column 16384", r+1)
		}
		row := xlsRow{num: r + 1, cells: make([]string, width)}
		for c, v := range cells[r] {
			row.cells[c] = v
		}
		out = append(out, row)
	}
	return out, nil
}

// xlsRef names a cell A1-style from 0-based row and column.
func xlsRef(row, col int) string {
	s := ""
	for c := col + 1; c > 0; c = (c - 1) / 26 {
		s = string(rune('A'+(c-1)%26)) + s
	}
	return s + strconv.Itoa(row+1)
}

// xlsFloat writes a stored double as the shortest decimal text that reads
// back to it, tidied to 15 significant digits; integers have no exponent.
func xlsFloat(f float64) string {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return "#NUM!"
	}
	return sheetNumber(strconv.FormatFloat(f, 'f', -1, 64))
}

// xlsRKValue decodes an RK number: a 30-bit integer or the top 30 bits of
// a double, optionally divided by 100.
func xlsRKValue(rk uint32) string {
	div100 := rk&1 != 0
	if rk&2 != 0 {
		v := decimal.NewFromInt(int64(int32(rk) >> 2))
		if div100 {
			v = v.Div(decimal.NewFromInt(100))
		}
		return v.String()
	}
	s := xlsFloat(math.Float64frombits(uint64(rk&0xFFFFFFFC) << 32))
	if div100 {
		if v, err := decimal.NewFromString(s); err == nil {
			return v.Div(decimal.NewFromInt(100)).String()
		}
	}
	return s
}
