package issuers

import (
	"encoding/csv"
	"fmt"
	"io"
	"strings"
)

// csvTable reads a CSV file with a header row, a record at a time, and
// finds cells by column name. It serves the reference readers (related
// issuers, mapping files, GLEIF relationship files), whose errors all point
// at file, line and column.
type csvTable struct {
	cr   *csv.Reader
	name string
	head []string       // column names as the key function gave them
	col  map[string]int // column name → index
	rec  []string
	line int
}

// newCSVTable reads the header of r. key turns a header cell (BOM and
// surrounding space already trimmed) into the column's name.
func newCSVTable(r io.Reader, name string, key func(string) string) (*csvTable, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	head, err := cr.Read()
	if err != nil {
		return nil, csvError(name, err, "cannot read the header")
	}
	t := &csvTable{cr: cr, name: name, col: map[string]int{}}
	for j, h := range head {
		h = key(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		t.head = append(t.head, h)
		t.col[h] = j
	}
	return t, nil
}

// require fails unless every named column is present.
func (t *csvTable) require(cols ...string) error {
	for _, h := range cols {
		if _, ok := t.col[h]; !ok {
			return &FileError{File: t.name, Line: 1, Reason: fmt.Sprintf("missing column %q", h)}
		}
	}
	return nil
}

// has reports whether the file has column h.
func (t *csvTable) has(h string) bool { _, ok := t.col[h]; return ok }

// next reads the next record; it returns false at the end of the file.
func (t *csvTable) next() (bool, error) {
	rec, err := t.cr.Read()
	if err == io.EOF {
		return false, nil
	}
	if err != nil {
		return false, csvError(t.name, err, "")
	}
	t.rec = rec
	t.line, _ = t.cr.FieldPos(0)
	return true, nil
}

// get returns the trimmed cell of column h in the current record ("" when
// the file or the record has no such cell).
func (t *csvTable) get(h string) string {
	if j, ok := t.col[h]; ok && j < len(t.rec) {
		return strings.TrimSpace(t.rec[j])
	}
	return ""
}

// blank reports whether every cell of the current record is empty.
func (t *csvTable) blank() bool { return strings.TrimSpace(strings.Join(t.rec, "")) == "" }

// bad is an error at column h of the current record.
func (t *csvTable) bad(h, reason string) error {
	c := 0
	if j, ok := t.col[h]; ok {
		c = j + 1
	}
	return &FileError{File: t.name, Line: t.line, Column: c, Field: h, Reason: reason}
}
