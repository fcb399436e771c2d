package issuers

import (
	"errors"
	"os"
	"strings"
	"testing"
)

func TestLoadMappingFixture(t *testing.T) {
	f, err := os.Open("testdata/dir-mapping-firm.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	secs, err := LoadMapping(f, "dir-mapping-firm.csv")
	if err != nil {
		t.Fatal(err)
	}
	if len(secs) != 5 {
		t.Fatalf("rows = %d, want 5", len(secs))
	}
	d := NewDirectory()
	for _, s := range secs {
		d.Add(s)
	}
	nexen := one(t, d, "65334HAG7") // CUSIP embedded in the ISIN
	if nexen.ISIN != "US65334HAG74" || len(nexen.Links) != 1 || nexen.Links[0].Relation != RelSubsidiary || nexen.Links[0].Name != "CNOOC Limited" {
		t.Errorf("Nexen = %+v", nexen)
	}
	if nexen.From.AsOf != "2020-11-30" || !strings.Contains(nexen.From.Ref, "line 2") {
		t.Errorf("provenance = %+v, want as-of 2020-11-30, line 2", nexen.From)
	}
	cm := one(t, d, key(t, "941", "XHKG"))
	if cm.IssuerName != "China Mobile Limited" {
		t.Errorf("941 HK issuer = %q", cm.IssuerName)
	}
	adr := one(t, d, "US16941M1099")
	if adr.Underlying != "HK0941009539" || len(adr.Links) != 1 || adr.Links[0].Relation != RelDRUnderlying {
		t.Errorf("ADR = %+v, want underlying HK0941009539 with a dr_underlying link", adr)
	}
	if got := d.ByIssuerLEI("549300YX4S1LLSMK2627"); len(got) != 1 || got[0].Links[0].LEI != "HWUPKR0MPOU8FGXBT394" {
		t.Errorf("Apple Energy issuer row = %+v", got)
	}
	if got := d.IssuerLinks("NEXEN INC"); len(got) != 1 {
		t.Errorf("IssuerLinks(Nexen) = %+v, want 1 (same link from two rows is one... per source line)", got)
	}
}

func TestLoadMappingErrors(t *testing.T) {
	const head = "identifier,identifier_type,issuer_name,issuer_lei,parent_name,parent_lei,relation,source,as_of\n"
	for _, tc := range []struct {
		name, csv, field string
		line, col        int
	}{
		{"unknown column", "identifier,issuer,issuer_name\n", "issuer", 1, 2},
		{"no issuer columns", "identifier,source\nUS65334HAG74,x\n", "", 1, 0},
		{"empty identifier", head + ",isin,Nexen Inc,,,,,,\n", "identifier", 2, 1},
		{"bad ISIN", head + "US65334HAG7,isin,Nexen Inc,,,,,,\n", "identifier", 2, 1},
		{"bad identifier type", head + "US65334HAG74,wkn,Nexen Inc,,,,,,\n", "identifier_type", 2, 2},
		{"ticker without market", head + "941,ticker,China Mobile Limited,,,,,,\n", "identifier", 2, 1},
		{"no issuer", head + "US65334HAG74,isin,,,,,,,\n", "issuer_name", 2, 3},
		{"bad parent LEI", head + "US65334HAG74,isin,Nexen Inc,,CNOOC,ABC,subsidiary,,\n", "parent_lei", 2, 6},
		{"parent without relation", head + "US65334HAG74,isin,Nexen Inc,,CNOOC Limited,,,,\n", "relation", 2, 7},
		{"unknown relation", head + "US65334HAG74,isin,Nexen Inc,,CNOOC Limited,,owned_by,,\n", "relation", 2, 7},
		{"bad as_of", head + "US65334HAG74,isin,Nexen Inc,,,,,,30/11/2020\n", "as_of", 2, 9},
		{"error on line 3", head + "US65334HAG74,isin,Nexen Inc,,,,,,\nUS65334HAJ14,isin,Nexen Inc,,,,,,2020-13\n", "as_of", 3, 9},
	} {
		t.Run(tc.name, func(t *testing.T) {
			secs, err := LoadMapping(strings.NewReader(tc.csv), "m.csv")
			var fe *FileError
			if !errors.As(err, &fe) {
				t.Fatalf("err = %v (rows %d), want *FileError", err, len(secs))
			}
			if secs != nil {
				t.Errorf("rows returned with an error: %d", len(secs))
			}
			if fe.File != "m.csv" || fe.Line != tc.line || fe.Column != tc.col || fe.Field != tc.field {
				t.Errorf("got %s (line %d col %d field %q), want line %d col %d field %q", fe, fe.Line, fe.Column, fe.Field, tc.line, tc.col, tc.field)
			}
		})
	}
}

func FuzzLoadMapping(f *testing.F) {
	b, err := os.ReadFile("testdata/dir-mapping-firm.csv")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(string(b))
	f.Add("identifier,issuer_name\n941 HK,China Mobile Limited\n")
	f.Fuzz(func(t *testing.T, s string) {
		secs, err := LoadMapping(strings.NewReader(s), "fuzz.csv")
		if err != nil {
			return
		}
		d := NewDirectory()
		for _, sec := range secs {
			if sec.IssuerName == "" && sec.IssuerLEI == "" {
				t.Fatalf("row without issuer: %+v", sec)
			}
			d.Add(sec)
		}
	})
}
