package holdings

// Bounded work for XLSX: before excelize opens a workbook, its zip entries
// are checked against a budget derived from the caller's size limit (the
// declared and the real uncompressed size, the number of cells, the length
// of one cell), so a 1 MB file that unzips to gigabytes is refused in
// moments. The same pass finds rows that are not well-formed XML (an
// undefined entity), so that they become rejected rows with their line and
// the rows after them are still read, instead of excelize stopping there.

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"path"
	"strconv"
	"strings"

	"github.com/screener/screener/screener"
)

// DefaultMaxBytes is the size limit of a spreadsheet when the caller gives
// none (Options.MaxBytes).
const DefaultMaxBytes = sheetMaxBytes

// MaxCellBytes is the longest cell a spreadsheet may hold, as XML text.
// Excel itself allows 32,767 characters in a cell; a holdings cell is a few
// dozen.
const MaxCellBytes = 256 << 10

// xlsxBudget is the work one workbook may cost.
type xlsxBudget struct {
	unzipped int64 // bytes of all entries, uncompressed
	cells    int64
	cell     int // bytes of one cell's text
}

// budgetFor derives the budget from the caller's size limit: at most 8
// times the limit unzipped (real workbooks compress 5-15 times), between
// 64 MB and 2 GB, and one cell per 16 unzipped bytes.
func budgetFor(maxBytes int64) xlsxBudget {
	if maxBytes <= 0 {
		maxBytes = DefaultMaxBytes
	}
	u := min(max(8*maxBytes, 64<<20), 2<<30)
	return xlsxBudget{unzipped: u, cells: u / 16, cell: MaxCellBytes}
}

// tooLarge is the error of a file over its budget: kind too_large, so the
// web answers 413 saying why.
func tooLarge(file, format string, args ...any) error {
	msg := fmt.Sprintf(format, args...)
	return &screener.Error{Kind: screener.KindTooLarge, Message: file + ": " + msg,
		Err: &screener.ParseError{File: file, Reason: msg}}
}

// xlsxScan is what the guard learnt of one worksheet part.
type xlsxScan struct {
	bad     map[int]string // row number → why the row is not well-formed
	lastRow int            // the highest row number that has cells
	fix     bool           // the part must be rewritten for excelize to read on
}

// xlsxGuard checks the package b and returns it (rewritten when a row must
// be repaired to be read past) with what it found per sheet name.
func xlsxGuard(name string, b []byte, bud xlsxBudget) ([]byte, map[string]*xlsxScan, error) {
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		return nil, nil, &screener.ParseError{File: name, Reason: "not a readable XLSX workbook (a zip file that cannot be opened: " + err.Error() + "); expected an Excel .xlsx workbook"}
	}
	var declared uint64
	for _, f := range zr.File {
		declared += f.UncompressedSize64
	}
	if declared > uint64(bud.unzipped) {
		return nil, nil, tooLarge(name, "the workbook unzips to %d MB, more than the %d MB a file of this size may (a zip bomb, or far more than a holdings file); refused", declared>>20, bud.unzipped>>20)
	}
	if !hasEntry(zr, "xl/workbook.xml") {
		return nil, nil, &screener.ParseError{File: name, Reason: "a zip file that is not an XLSX workbook (no xl/workbook.xml); expected an Excel .xlsx workbook, or a CSV/TSV table"}
	}
	sheets := xlsxSheetParts(zr)
	scans := map[string]*xlsxScan{}
	var unzipped, cells int64
	anyFix := false
	for _, f := range zr.File {
		isSheet := strings.HasPrefix(f.Name, "xl/worksheets/") && strings.HasSuffix(f.Name, ".xml")
		if !isSheet && f.Name != "xl/sharedStrings.xml" {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			return nil, nil, &screener.ParseError{File: name, Reason: fmt.Sprintf("XLSX part %s cannot be read: %v", f.Name, err)}
		}
		sc := &xlsxScan{bad: map[int]string{}}
		where := f.Name
		if sh, ok := sheets[f.Name]; ok {
			where = fmt.Sprintf("sheet %q", sh)
		}
		err = scanXML(rc, sc, bud, &unzipped, &cells, where, name)
		rc.Close()
		if err != nil {
			return nil, nil, err
		}
		if f.Name == "xl/sharedStrings.xml" {
			if len(sc.bad) > 0 {
				return nil, nil, &screener.ParseError{File: name, Reason: "the shared strings of the workbook are not well-formed XML (" + firstReason(sc.bad) + "); the rows using them cannot be told apart: fix or re-save the file"}
			}
			continue
		}
		anyFix = anyFix || sc.fix
		if sh, ok := sheets[f.Name]; ok {
			scans[sh] = sc
		}
		scans["part:"+f.Name] = sc
	}
	if !anyFix {
		return b, scans, nil
	}
	out, err := xlsxRepair(zr, scans)
	if err != nil {
		return nil, nil, &screener.ParseError{File: name, Reason: "XLSX could not be repaired for reading: " + err.Error()}
	}
	return out, scans, nil
}

func firstReason(m map[int]string) string {
	best := -1
	for k := range m {
		if best < 0 || k < best {
			best = k
		}
	}
	return m[best]
}

func hasEntry(zr *zip.Reader, n string) bool {
	for _, f := range zr.File {
		if f.Name == n {
			return true
		}
	}
	return false
}

// xlsxSheetParts maps worksheet part names (xl/worksheets/sheet1.xml) to
// sheet names, from the workbook and its relationships.
func xlsxSheetParts(zr *zip.Reader) map[string]string {
	read := func(n string) []byte {
		for _, f := range zr.File {
			if f.Name == n && f.UncompressedSize64 < 16<<20 {
				rc, err := f.Open()
				if err != nil {
					return nil
				}
				defer rc.Close()
				b, _ := io.ReadAll(io.LimitReader(rc, 16<<20))
				return b
			}
		}
		return nil
	}
	var wb struct {
		Sheets []struct {
			Name string `xml:"name,attr"`
			ID   string `xml:"http://schemas.openxmlformats.org/officeDocument/2006/relationships id,attr"`
		} `xml:"sheets>sheet"`
	}
	var rels struct {
		Rel []struct {
			ID     string `xml:"Id,attr"`
			Target string `xml:"Target,attr"`
		} `xml:"Relationship"`
	}
	_ = xml.Unmarshal(read("xl/workbook.xml"), &wb)
	_ = xml.Unmarshal(read("xl/_rels/workbook.xml.rels"), &rels)
	target := map[string]string{}
	for _, r := range rels.Rel {
		t := r.Target
		if strings.HasPrefix(t, "/") {
			t = strings.TrimPrefix(t, "/")
		} else {
			t = path.Join("xl", t)
		}
		target[r.ID] = t
	}
	out := map[string]string{}
	for _, s := range wb.Sheets {
		if t, ok := target[s.ID]; ok {
			out[t] = s.Name
		}
	}
	return out
}

// scanXML streams one part: it counts bytes and cells against the budget,
// bounds every text run, tracks row numbers, and notes rows with an
// undefined entity.
func scanXML(r io.Reader, sc *xlsxScan, bud xlsxBudget, unzipped, cells *int64, where, file string) error {
	buf := make([]byte, 64<<10)
	var tag []byte // the tag being read, after '<'
	inTag, textLen, row := false, 0, 0
	var ent []byte
	inEnt := false
	for {
		n, err := r.Read(buf)
		*unzipped += int64(n)
		if *unzipped > bud.unzipped {
			return tooLarge(file, "%s unzips to more than the %d MB a file of this size may (a zip bomb, or far more than a holdings file); refused", where, bud.unzipped>>20)
		}
		for _, c := range buf[:n] {
			if inEnt {
				if c == ';' {
					if !knownEntity(ent) {
						if _, dup := sc.bad[row]; !dup {
							sc.bad[row] = fmt.Sprintf("row %d: undefined XML entity &%s; in a cell (not well-formed XML)", row, ent)
						}
						sc.fix = true
					}
					inEnt, ent = false, ent[:0]
				} else if len(ent) < 32 && c != '<' && c != '&' && c != ' ' {
					ent = append(ent, c)
				} else {
					if _, dup := sc.bad[row]; !dup {
						sc.bad[row] = fmt.Sprintf("row %d: a bare & in a cell (not well-formed XML)", row)
					}
					sc.fix = true
					inEnt, ent = false, ent[:0]
				}
			}
			if inTag {
				if c == '>' {
					inTag = false
					switch {
					case bytes.HasPrefix(tag, []byte("row")) && (len(tag) == 3 || tag[3] == ' ' || tag[3] == '/'):
						if r, ok := attrInt(tag, "r"); ok {
							row = r
						} else {
							row++
						}
					case len(tag) >= 1 && tag[0] == 'c' && (len(tag) == 1 || tag[1] == ' ' || tag[1] == '/'):
						*cells++
						if *cells > bud.cells {
							return tooLarge(file, "%s has more than %d cells, more than a file of this size may; refused", where, bud.cells)
						}
						if row > sc.lastRow {
							sc.lastRow = row
						}
					}
					tag = tag[:0]
					continue
				}
				if len(tag) < 4096 {
					tag = append(tag, c)
				}
				continue
			}
			switch c {
			case '<':
				inTag, textLen = true, 0
			case '&':
				inEnt = true
				textLen++
			default:
				textLen++
				if textLen > bud.cell {
					return tooLarge(file, "%s row %d: a cell longer than %d KB (Excel allows 32,767 characters; a holdings cell is a few dozen): a zip bomb or not a holdings file; refused", where, row, bud.cell>>10)
				}
			}
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return &screener.ParseError{File: file, Reason: fmt.Sprintf("%s cannot be unzipped: %v", where, err)}
		}
	}
}

func knownEntity(e []byte) bool {
	switch string(e) {
	case "amp", "lt", "gt", "quot", "apos":
		return true
	}
	if len(e) >= 2 && e[0] == '#' {
		s := string(e[1:])
		base := 10
		if s[0] == 'x' || s[0] == 'X' {
			s, base = s[1:], 16
		}
		_, err := strconv.ParseUint(s, base, 32)
		return err == nil
	}
	return false
}

// attrInt reads the integer attribute name="N" of a tag.
func attrInt(tag []byte, name string) (int, bool) {
	key := []byte(" " + name + `="`)
	i := bytes.Index(tag, key)
	if i < 0 {
		return 0, false
	}
	rest := tag[i+len(key):]
	j := bytes.IndexByte(rest, '"')
	if j < 0 {
		return 0, false
	}
	v, err := strconv.Atoi(string(rest[:j]))
	return v, err == nil && v > 0
}

// xlsxRepair rewrites the worksheet parts that must be fixed: every & that
// does not start a known entity becomes &amp;, so excelize reads the row
// (which the reader then rejects) and the rows after it. Other parts are
// copied as they are.
func xlsxRepair(zr *zip.Reader, scans map[string]*xlsxScan) ([]byte, error) {
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, f := range zr.File {
		sc := scans["part:"+f.Name]
		if sc == nil || !sc.fix {
			if err := zw.Copy(f); err != nil {
				return nil, err
			}
			continue
		}
		rc, err := f.Open()
		if err != nil {
			return nil, err
		}
		data, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			return nil, err
		}
		w, err := zw.Create(f.Name)
		if err != nil {
			return nil, err
		}
		if _, err := w.Write(escapeBadEntities(data)); err != nil {
			return nil, err
		}
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

// escapeBadEntities turns each & that does not start a known entity into
// &amp;.
func escapeBadEntities(b []byte) []byte {
	var out bytes.Buffer
	out.Grow(len(b) + 64)
	for i := 0; i < len(b); i++ {
		if b[i] != '&' {
			out.WriteByte(b[i])
			continue
		}
		j := bytes.IndexByte(b[i+1:min(len(b), i+34)], ';')
		if j >= 0 && knownEntity(b[i+1:i+1+j]) {
			out.WriteByte('&')
			continue
		}
		out.WriteString("&amp;")
	}
	return out.Bytes()
}

var errSheetStopped = errors.New("the sheet could not be read to its end")
