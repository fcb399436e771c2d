package issuers

import (
	"errors"
	"strings"
	"testing"
)

const relatedFile = "reference/cmic-related-issuers.csv"

func TestReadRelatedReal(t *testing.T) {
	rows, err := ReadRelated(openShared(t, relatedFile), "cmic-related-issuers.csv")
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 85 {
		t.Fatalf("rows = %d, want 85", len(rows))
	}
	rel := map[Relation]int{}
	conf := map[string]int{}
	for _, r := range rows {
		rel[r.Relation]++
		conf[r.Confidence]++
	}
	if rel[RelSubsidiary] != 46 || rel[RelFinancingVehicle] != 32 || rel[RelAffiliate] != 7 {
		t.Errorf("relations = %v, want 46 subsidiary, 32 financing_vehicle, 7 affiliate", rel)
	}
	if conf["confirmed"] != 69 || conf["likely"] != 16 {
		t.Errorf("confidence = %v, want 69 confirmed, 16 likely", conf)
	}
	if rows[0].Line != 2 || rows[0].Ticker != "2357" || rows[0].ParentOFACID != "30925" {
		t.Errorf("first row = %+v, want line 2, AviChina 2357 → 30925", rows[0])
	}
}

func TestRelatedInDirectory(t *testing.T) {
	rows, err := ReadRelated(openShared(t, relatedFile), "cmic-related-issuers.csv")
	if err != nil {
		t.Fatal(err)
	}
	d := NewDirectory()
	for _, s := range RelatedSecurities(rows, "cmic-related-issuers.csv") {
		d.Add(s)
	}
	for _, tc := range []struct {
		name, id, entry string
		rel             Relation
		conf            string
	}{
		{"CGN Power H", key(t, "1816", "XHKG"), "30937", RelSubsidiary, "confirmed"},
		{"AviChina H", key(t, "2357", "XHKG"), "30925", RelSubsidiary, "confirmed"},
		{"Nexen note", "US65334HAE27", "30926", RelSubsidiary, "confirmed"},
		{"Nexen note by CUSIP", "65334HAE2", "30926", RelSubsidiary, "confirmed"},
		{"CNOOC Finance 2012", "USG23530AA92", "30926", RelFinancingVehicle, ""},
		{"AVICOPTER A share", key(t, "600038", "XSHG"), "30925", RelSubsidiary, "confirmed"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := one(t, d, tc.id)
			l := linkTo(s, tc.entry)
			if l == nil {
				t.Fatalf("%s: no link to %s in %+v", tc.id, tc.entry, s.Links)
			}
			if l.Relation != tc.rel || (tc.conf != "" && l.From.Confidence != tc.conf) {
				t.Errorf("link = %+v, want %s %s", l, tc.rel, tc.conf)
			}
			if l.From.Source != "cmic-related-issuers.csv" || !strings.HasPrefix(l.From.Ref, "line ") {
				t.Errorf("provenance = %+v", l.From)
			}
		})
	}
	tower := one(t, d, "CNE100003688")
	if len(tower.Links) != 3 {
		t.Errorf("China Tower links = %d, want 3 (30923, 30924, 30882)", len(tower.Links))
	}
	for _, e := range []string{"30923", "30924", "30882"} {
		if l := linkTo(tower, e); l == nil || l.Relation != RelAffiliate {
			t.Errorf("China Tower: link to %s = %+v, want affiliate", e, l)
		}
	}
	if got := d.IssuerLinks("CRCC HUAYUAN LTD."); len(got) != 1 || got[0].ListEntry != "30959" {
		t.Errorf("IssuerLinks(CRCC Huayuan) = %+v, want one link to 30959 (issuer-only row)", got)
	}
	if got := one(t, d, "US65334HAE27").IssuerName; got != "Nexen Inc" {
		t.Errorf("Nexen issuer name = %q, want %q (bracket dropped)", got, "Nexen Inc")
	}
}

const relatedHead = "child_name,child_exchange_mic,child_ticker,child_isin,relation,parent_ofac_id,parent_name,ownership_note,source,source_date,confidence\n"

func TestReadRelatedErrors(t *testing.T) {
	for _, tc := range []struct {
		name, csv, field string
		line, col        int
	}{
		{"unknown relation", relatedHead + "CGN Power Co Ltd,XHKG,1816,CNE100001T80,owner,30937,CGN,,x,2019,confirmed\n", "relation", 2, 5},
		{"ofac id not a number", relatedHead + "CGN Power Co Ltd,XHKG,1816,CNE100001T80,subsidiary,CGN,CGN,,x,2019,confirmed\n", "parent_ofac_id", 2, 6},
		{"bad confidence", relatedHead + "CGN Power Co Ltd,XHKG,1816,CNE100001T80,subsidiary,30937,CGN,,x,2019,maybe\n", "confidence", 2, 11},
		{"ticker without MIC", relatedHead + "CGN Power Co Ltd,,1816,,subsidiary,30937,CGN,,x,2019,likely\n", "child_exchange_mic", 2, 2},
		{"empty name on line 3", relatedHead + "CGN Power Co Ltd,XHKG,1816,CNE100001T80,subsidiary,30937,CGN,,x,2019,confirmed\n,XHKG,1,,subsidiary,1,x,,x,2019,likely\n", "child_name", 3, 1},
		{"missing column", "child_name,relation\nx,subsidiary\n", "", 1, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ReadRelated(strings.NewReader(tc.csv), "r.csv")
			var fe *FileError
			if !errors.As(err, &fe) {
				t.Fatalf("err = %v, want *FileError", err)
			}
			if fe.Line != tc.line || fe.Column != tc.col || fe.Field != tc.field {
				t.Errorf("got %s (line %d col %d field %q), want line %d col %d field %q", fe, fe.Line, fe.Column, fe.Field, tc.line, tc.col, tc.field)
			}
		})
	}
}

func FuzzReadRelated(f *testing.F) {
	f.Add(relatedHead + `AviChina Industry & Technology Co Ltd,XHKG,2357,CNE1000001Y8,subsidiary,30925,"AVIATION INDUSTRY CORPORATION OF CHINA, LTD.",H shares,https://example.org,2024-09,confirmed` + "\n")
	f.Add(relatedHead + `Nexen Inc (now CNOOC Petroleum North America ULC),,,US65334HAE27,subsidiary,30926,CNOOC LIMITED,"5.875% notes",x,2013-03-07,confirmed` + "\n")
	f.Fuzz(func(t *testing.T, s string) {
		rows, err := ReadRelated(strings.NewReader(s), "fuzz.csv")
		if err != nil {
			return
		}
		for _, sec := range RelatedSecurities(rows, "fuzz.csv") {
			if len(sec.Links) != 1 {
				t.Fatalf("security %+v has %d links, want 1", sec, len(sec.Links))
			}
		}
	})
}
