package issuers

import (
	"bytes"
	"errors"
	"testing"

	"github.com/xuri/excelize/v2"
)

const hkexFile = "reference/hkex/HKEX_ListOfSecurities_2021-12-03.xlsx"

func TestReadHKEXReal(t *testing.T) {
	l, err := ReadHKEX(openShared(t, hkexFile), "HKEX_ListOfSecurities_2021-12-03.xlsx")
	if err != nil {
		t.Fatal(err)
	}
	if l.AsOf != "2021-12-03" {
		t.Errorf("AsOf = %q, want 2021-12-03 (Updated as at 03/12/2021 is dd/mm/yyyy)", l.AsOf)
	}
	if got, want := len(l.Rows), 19008; got != want {
		t.Errorf("rows = %d, want %d", got, want)
	}
	cats := map[string]int{}
	byCode := map[string]HKEXSecurity{}
	for _, r := range l.Rows {
		cats[r.Category]++
		byCode[r.Code] = r
	}
	if cats[HKEXEquity] != 2594 || cats[HKEXDebt] != 1761 {
		t.Errorf("Equity %d, Debt Securities %d; want 2594 and 1761", cats[HKEXEquity], cats[HKEXDebt])
	}
	for _, tc := range []struct {
		code, isin, name, cat, expiry string
	}{
		{"00941", "HK0941009539", "CHINA MOBILE", HKEXEquity, ""},
		{"02357", "CNE1000001Y8", "AVICHINA", HKEXEquity, ""},
		{"01816", "CNE100001T80", "CGN POWER", HKEXEquity, ""},
		{"04546", "USG23530AA92", "CNOOC F12 N2205", HKEXDebt, "2022-05-02"},
	} {
		t.Run(tc.code, func(t *testing.T) {
			r, ok := byCode[tc.code]
			if !ok {
				t.Fatalf("code %s not read", tc.code)
			}
			if r.ISIN != tc.isin || r.Name != tc.name || r.Category != tc.cat || r.Expiry != tc.expiry {
				t.Errorf("got %+v, want ISIN %s name %s category %s expiry %s", r, tc.isin, tc.name, tc.cat, tc.expiry)
			}
		})
	}
}

// hkexBook builds a small workbook in HKEX's layout with the given data rows.
func hkexBook(t testing.TB, updated string, rows ...[]any) []byte {
	t.Helper()
	f := excelize.NewFile()
	sh := f.GetSheetName(0)
	set := func(row int, vals []any) {
		cell, _ := excelize.CoordinatesToCellName(1, row)
		if err := f.SetSheetRow(sh, cell, &vals); err != nil {
			t.Fatal(err)
		}
	}
	set(1, []any{"List of Securities"})
	set(2, []any{updated})
	set(3, []any{"Stock Code", "Name of Securities", "Category", "Sub-Category", "Board Lot", "Par Value", "ISIN", "Expiry Date"})
	for i, r := range rows {
		set(4+i, r)
	}
	var b bytes.Buffer
	if err := f.Write(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestReadHKEXErrors(t *testing.T) {
	for _, tc := range []struct {
		name     string
		book     []byte
		line     int
		col      int
		contains string
	}{
		{"code not 5 digits", hkexBook(t, "Updated as at 03/12/2021", []any{"941", "CHINA MOBILE", "Equity", "", "500", "", "HK0941009539", ""}), 4, 1, "want 5 digits"},
		{"bad expiry", hkexBook(t, "Updated as at 03/12/2021", []any{"04546", "CNOOC F12 N2205", "Debt Securities", "", "2,000", "", "USG23530AA92", "2022-05-02"}), 4, 8, "dd/mm/yyyy"},
		{"bad updated date", hkexBook(t, "Updated as at 33/13/2021"), 2, 1, "dd/mm/yyyy"},
		{"not xlsx", []byte("Stock Code,Name\n00941,CHINA MOBILE\n"), 0, 0, "not an .xlsx"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ReadHKEX(bytes.NewReader(tc.book), "x.xlsx")
			var fe *FileError
			if !errors.As(err, &fe) {
				t.Fatalf("err = %v, want *FileError", err)
			}
			if fe.Line != tc.line || fe.Column != tc.col || !bytes.Contains([]byte(fe.Reason), []byte(tc.contains)) {
				t.Errorf("got %s (line %d col %d), want line %d col %d containing %q", fe, fe.Line, fe.Column, tc.line, tc.col, tc.contains)
			}
		})
	}
}

func FuzzReadHKEX(f *testing.F) {
	f.Add(hkexBook(f, "Updated as at 03/12/2021", []any{"00941", "CHINA MOBILE", "Equity", "Equity Securities (Main Board)", "500", " ", "HK0941009539", ""}))
	f.Add(hkexBook(f, "Updated as at 03/12/2021", []any{"04546", "CNOOC F12 N2205", "Debt Securities", "", "2,000", " ", "USG23530AA92", "02/05/2022"}))
	f.Fuzz(func(t *testing.T, b []byte) {
		l, err := ReadHKEX(bytes.NewReader(b), "fuzz.xlsx")
		if err == nil && l == nil {
			t.Fatal("nil list without error")
		}
	})
}
