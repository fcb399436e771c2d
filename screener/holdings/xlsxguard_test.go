package holdings

import (
	"archive/zip"
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/screener/screener/screener"
)

// buildXLSX writes a one-sheet workbook whose sheetData is rows (raw XML).
func buildXLSX(t *testing.T, rows ...string) []byte {
	t.Helper()
	var b bytes.Buffer
	z := zip.NewWriter(&b)
	put := func(name, body string) {
		w, err := z.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte(body)); err != nil {
			t.Fatal(err)
		}
	}
	put("[Content_Types].xml", `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>`)
	put("_rels/.rels", `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`)
	put("xl/workbook.xml", `<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Holdings" sheetId="1" r:id="rId1"/></sheets></workbook>`)
	put("xl/_rels/workbook.xml.rels", `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`)
	put("xl/worksheets/sheet1.xml", `<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`+strings.Join(rows, "")+`</sheetData></worksheet>`)
	if err := z.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func xrow(n string, cells ...string) string {
	s := `<row r="` + n + `">`
	for i, c := range cells {
		s += `<c r="` + string(rune('A'+i)) + n + `" t="inlineStr"><is><t>` + c + `</t></is></c>`
	}
	return s + `</row>`
}

var xhdr = xrow("1", "ISIN", "Name", "Quantity")

// A malformed row is a rejected row with its line; the rows after it are
// read. A bomb or a workbook over its budget is refused with kind
// too_large; a zip that is not a workbook says what it is.
func TestXLSXGuard(t *testing.T) {
	tests := []struct {
		name     string
		xlsx     []byte
		opt      Options
		kind     screener.Kind // of the error, "" for none
		msg      string
		holdings int
		rejected []int // lines
	}{
		{name: "undefined entity in row 3", xlsx: buildXLSX(t, xhdr, xrow("2", "US0378331005", "APPLE", "10"),
			xrow("3", "US5949181045", "MICRO&bogus;SOFT", "5"), xrow("4", "CNE100000PM8", "HIKVISION", "100")),
			holdings: 2, rejected: []int{3}},
		{name: "bare ampersand", xlsx: buildXLSX(t, xhdr, xrow("2", "US0378331005", "AT & T", "10"), xrow("3", "CNE100000PM8", "HIKVISION", "1")),
			holdings: 1, rejected: []int{2}},
		{name: "known entities are fine", xlsx: buildXLSX(t, xhdr, xrow("2", "US0378331005", "A &amp; B &#65;&#x42; &lt;", "10")), holdings: 1},
		{name: "a cell too long", xlsx: buildXLSX(t, xhdr, xrow("2", "US0378331005", strings.Repeat("A", MaxCellBytes+1), "1")),
			kind: screener.KindTooLarge, msg: `sheet "Holdings" row 2: a cell longer than`},
		{name: "spreadsheet larger than the limit", xlsx: buildXLSX(t, xhdr), opt: Options{MaxBytes: 100}, kind: screener.KindTooLarge, msg: "larger than"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var c collect
			info, err := ReadWith("h.xlsx", bytes.NewReader(tt.xlsx), &c, tt.opt)
			if tt.kind != "" {
				if err == nil || screener.KindOf(err) != tt.kind || !strings.Contains(err.Error(), tt.msg) {
					t.Fatalf("err = %v (kind %s), want kind %s with %q", err, screener.KindOf(err), tt.kind, tt.msg)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(c.holdings) != tt.holdings || len(c.rejects) != len(tt.rejected) || info.Rows != tt.holdings+len(tt.rejected) {
				t.Fatalf("info %+v holdings %d rejects %v", info, len(c.holdings), c.rejects)
			}
			for i, l := range tt.rejected {
				if c.rejects[i].Line != l {
					t.Errorf("reject %d on line %d, want %d: %v", i, c.rejects[i].Line, l, c.rejects[i])
				}
			}
		})
	}
}

// The cell count and the unzipped size are budgeted too.
func TestXLSXGuardBudget(t *testing.T) {
	b := buildXLSX(t, xhdr, xrow("2", "US0378331005", "APPLE", "10"))
	for _, tt := range []struct {
		bud xlsxBudget
		msg string
	}{
		{xlsxBudget{unzipped: 1 << 20, cells: 5, cell: 1000}, "more than 5 cells"},
		{xlsxBudget{unzipped: 300, cells: 100, cell: 1000}, "unzips to"},
		{xlsxBudget{unzipped: 1 << 20, cells: 100, cell: 4}, "a cell longer than"},
	} {
		_, _, err := xlsxGuard("h.xlsx", b, tt.bud)
		if err == nil || screener.KindOf(err) != screener.KindTooLarge || !strings.Contains(err.Error(), tt.msg) {
			t.Errorf("budget %+v: err = %v, want too_large %q", tt.bud, err, tt.msg)
		}
	}
	if _, _, err := xlsxGuard("h.xlsx", b, budgetFor(0)); err != nil {
		t.Errorf("default budget: %v", err)
	}
}

func TestBudgetFor(t *testing.T) {
	if b := budgetFor(0); b.unzipped != 2<<30 || b.cells != b.unzipped/16 {
		t.Errorf("default budget %+v", b)
	}
	if b := budgetFor(1 << 20); b.unzipped != 64<<20 {
		t.Errorf("budget for 1 MB: %+v, want the 64 MB floor", b)
	}
	if b := budgetFor(32 << 20); b.unzipped != 256<<20 {
		t.Errorf("budget for 32 MB: %+v, want 8 times", b)
	}
}

// A zip that is not a workbook is named as such.
func TestZipNotXLSX(t *testing.T) {
	var b bytes.Buffer
	z := zip.NewWriter(&b)
	w, _ := z.Create("report.pdf")
	w.Write([]byte("%PDF-1.4"))
	z.Close()
	_, err := Read("h.xlsx", bytes.NewReader(b.Bytes()), &collect{})
	var pe *screener.ParseError
	if !errors.As(err, &pe) || !strings.Contains(pe.Reason, "not an XLSX workbook") {
		t.Fatalf("err = %v", err)
	}
}
