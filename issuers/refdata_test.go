package issuers

import (
	"bytes"
	"encoding/json"
	"path"
	"reflect"
	"strings"
	"testing"

	gojson "github.com/goccy/go-json"
)

func TestDefault(t *testing.T) {
	d, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, id   string
		isin       string
		issuer     string
		shortName  string
		entry, rel string
	}{
		{"China Mobile A share", key(t, "600941", "XSHG"), "", "China Mobile Limited", "", "", ""},
		{"Dawning (Sugon)", key(t, "603019", "XSHG"), "", "Dawning Information Industry Co., Ltd.", "", "", ""},
		{"China Railway Construction A", key(t, "601186", "XSHG"), "", "China Railway Construction Co Ltd", "", "", ""},
		{"China Mobile H by ISIN", "HK0941009539", "HK0941009539", "", "CHINA MOBILE", "", ""},
		{"China Mobile H by ticker", key(t, "00941", "XHKG"), "HK0941009539", "", "CHINA MOBILE", "", ""},
		{"CGN Power H", key(t, "1816", "XHKG"), "CNE100001T80", "CGN Power Co Ltd", "CGN POWER", "30937", "subsidiary"},
		{"AviChina H", key(t, "2357", "XHKG"), "CNE1000001Y8", "AviChina Industry & Technology Co Ltd", "AVICHINA", "30925", "subsidiary"},
		{"CGN Power A", key(t, "003816", "XSHE"), "", "CGN Power Co., Ltd.", "", "30937", "subsidiary"},
		{"Nexen note", "US65334HAE27", "US65334HAE27", "Nexen Inc", "", "30926", "subsidiary"},
		{"CNOOC Finance 2012 note", "USG23530AA92", "USG23530AA92", "CNOOC Finance (2012) Ltd", "CNOOC F12 N2205", "30926", "financing_vehicle"},
		{"China Unicom A (not listed itself)", key(t, "600050", "XSHG"), "", "China United Network Communications Co Ltd", "", "30942", "subsidiary"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := one(t, d, tc.id)
			if tc.isin != "" && s.ISIN != tc.isin {
				t.Errorf("ISIN = %q, want %q", s.ISIN, tc.isin)
			}
			if tc.issuer != "" && s.IssuerName != tc.issuer {
				t.Errorf("issuer = %q, want %q", s.IssuerName, tc.issuer)
			}
			if tc.shortName != "" && s.Name != tc.shortName {
				t.Errorf("name = %q, want %q", s.Name, tc.shortName)
			}
			if tc.entry != "" {
				l := linkTo(s, tc.entry)
				if l == nil || string(l.Relation) != tc.rel {
					t.Errorf("link to %s = %+v, want %s", tc.entry, l, tc.rel)
				}
			}
		})
	}
	if got := len(d.Lookup("CNE100003688")[0].Links); got != 3 {
		t.Errorf("China Tower links = %d, want 3", got)
	}
	checkParents(t, d)
	srcs := d.Sources()
	if len(srcs) < 5 {
		t.Fatalf("sources = %d", len(srcs))
	}
	for _, s := range srcs {
		if len(s.SHA256) != 64 || s.Size == 0 || s.File == "" {
			t.Errorf("source without provenance: %+v", s)
		}
		if strings.HasPrefix(s.File, "reference/hkex/") && s.AsOf != "2021-12-03" {
			t.Errorf("HKEX as-of = %q", s.AsOf)
		}
	}
}

func TestDefaultIsFresh(t *testing.T) {
	a, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	a.Add(Security{ISIN: "HK0941009539", Links: []Link{{Relation: RelAffiliate, Name: "x"}}})
	b, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	if got := len(b.Lookup("HK0941009539")[0].Links); got != 0 {
		t.Errorf("a second Default sees the first one's Add: %d links", got)
	}
}

func BenchmarkDefault(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Default(); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkLookup(b *testing.B) {
	d, err := Default()
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if len(d.Lookup("CNE100001T80")) != 1 {
			b.Fatal("not found")
		}
	}
}

// The embedded files are decoded with goccy/go-json for speed: what it
// decodes must be what encoding/json decodes, field for field, and both
// must refuse a field RefData does not have.
func TestEmbeddedAsEncodingJSON(t *testing.T) {
	sets, err := Embedded()
	if err != nil {
		t.Fatal(err)
	}
	for i, name := range RefFiles {
		b, err := refFS.ReadFile(path.Join("refdata", name))
		if err != nil {
			t.Fatal(err)
		}
		var want RefData
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&want); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(sets[i], &want) {
			t.Errorf("%s: goccy/go-json and encoding/json decode it differently", name)
		}
		rows := len(want.HKEX) + len(want.CSI) + len(want.Related) + len(want.SEC)
		if want.GLEIF == nil && rows == 0 {
			t.Errorf("%s: no rows decoded", name)
		}
	}
	bad := []byte(`{"sources":[],"hkex":[],"unknown_field":1}`)
	var rd RefData
	dec := gojson.NewDecoder(bytes.NewReader(bad))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&rd); err == nil {
		t.Error("goccy/go-json took a field RefData does not have")
	}
}

// TestDefaultAsAddRefData: Default, which makes each set's securities and
// issuer keys on goroutines of their own, builds the directory that
// adding the sets one by one with AddRefData builds.
func TestDefaultAsAddRefData(t *testing.T) {
	got, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	sets, err := Embedded()
	if err != nil {
		t.Fatal(err)
	}
	want := NewDirectory()
	for _, rd := range sets {
		want.AddRefData(rd)
	}
	rows, err := Curated()
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range RelatedSecurities(rows, "curated/related.csv") {
		want.Add(s)
	}
	for _, c := range []struct {
		name      string
		got, want any
	}{{"securities", got.secs, want.secs}, {"by ISIN", got.byISIN, want.byISIN}, {"by CUSIP", got.byCUSIP, want.byCUSIP},
		{"by SEDOL", got.bySEDOL, want.bySEDOL}, {"by FIGI", got.byFIGI, want.byFIGI}, {"by ticker", got.byTicker, want.byTicker},
		{"by any", got.byAny, want.byAny}, {"by LEI", got.byLEI, want.byLEI}, {"by issuer", got.byIssuer, want.byIssuer},
		{"by issuer number", got.byIssuerNum, want.byIssuerNum}, {"entities", got.entities, want.entities},
		{"parents", got.parents, want.parents}, {"sources", got.sources, want.sources}} {
		if !reflect.DeepEqual(c.got, c.want) {
			t.Errorf("%s differ", c.name)
		}
	}
	if len(got.secs) < 1000 || len(got.byIssuer) < 1000 {
		t.Fatalf("%d securities, %d issuers: the embedded data did not load", len(got.secs), len(got.byIssuer))
	}
}
