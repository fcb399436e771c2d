package issuers

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/screener/screener/screener/shareddata"
)

const gleifDir = "reference/gleif/api_v1_responses"

// readGLEIFDir reads every GLEIF API response of the shared sample.
func readGLEIFDir(t testing.TB) *GLEIFData {
	t.Helper()
	root := shareddata.Path(t, gleifDir)
	paths, err := filepath.Glob(filepath.Join(root, "*", "*.json"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no GLEIF files: %v", err)
	}
	all := &GLEIFData{}
	for _, p := range paths {
		f, err := os.Open(p)
		if err != nil {
			t.Fatal(err)
		}
		g, err := ReadGLEIF(f, filepath.Base(p))
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		all.Merge(g)
	}
	return all
}

func TestGLEIFParentsReal(t *testing.T) {
	g := readGLEIFDir(t)
	if g.PublishDate != "2025-05-15" {
		t.Errorf("PublishDate = %q, want 2025-05-15", g.PublishDate)
	}
	d := NewDirectory()
	d.AddGLEIF(g, "GLEIF")
	checkParents(t, d)

	ms := d.Entity("INR2EJN1ERAN0W5ZP974")
	if ms == nil || ms.Name != "MICROSOFT CORPORATION" {
		t.Fatalf("Microsoft entity = %+v", ms)
	}
	if p := d.Parents("INR2EJN1ERAN0W5ZP974"); p != nil {
		t.Errorf("Microsoft parents = %+v, want none", p)
	}
	want := ParentException{Category: "ULTIMATE_ACCOUNTING_CONSOLIDATION_PARENT", Reason: "NON_CONSOLIDATING"}
	if !containsException(ms.Exceptions, want) {
		t.Errorf("Microsoft exceptions = %+v, want %+v", ms.Exceptions, want)
	}
	if e := d.Entity("335800CCCPHKUOXPC332"); e == nil || e.RegistrationStatus != "LAPSED" {
		t.Errorf("lapsed LEI = %+v, want registration LAPSED", e)
	}

	// LEI → ISIN
	fr := one(t, d, "DE0005773303")
	if fr.IssuerLEI != "5299001ERX0K10IZUL40" || fr.IssuerName != "Fraport AG Frankfurt Airport Services Worldwide" {
		t.Errorf("DE0005773303 = %+v, want Fraport", fr)
	}
	if got := len(d.ByIssuerLEI("5299001ERX0K10IZUL40")); got != 2 {
		t.Errorf("Fraport ISINs = %d, want 2", got)
	}
	if got := len(d.ByIssuerLEI("21380068P1DRHMJ8KU70")); got != 15 {
		t.Errorf("Shell ISINs = %d, want 15 (first page of 1,823)", got)
	}
}

// checkParents asserts the real parent chains of the GLEIF sample.
func checkParents(t *testing.T, d *Directory) {
	t.Helper()
	for _, tc := range []struct {
		name, child string
		want        []Link // Relation, LEI, Name (name only checked when set)
	}{
		{"Amazon Digital UK", "254900LNRYNOQ9YPU758", []Link{{Relation: RelUltimateParent, LEI: "ZXTILKJKG63JELOEG630", Name: "AMAZON.COM, INC."}}},
		{"Apple Energy", "549300YX4S1LLSMK2627", []Link{{Relation: RelDirectParent, LEI: "HWUPKR0MPOU8FGXBT394", Name: "Apple Inc."}, {Relation: RelUltimateParent, LEI: "HWUPKR0MPOU8FGXBT394", Name: "Apple Inc."}}},
		{"Bloomberg Finance", "5493001KJTIIGC8Y1R12", []Link{{Relation: RelDirectParent, LEI: "549300B56MD0ZC402L06", Name: "Bloomberg L.P."}, {Relation: RelUltimateParent, LEI: "549300RMUDWPHCUQNE66", Name: "Bloomberg Inc."}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := d.Parents(tc.child)
			if len(got) != len(tc.want) {
				t.Fatalf("Parents = %+v, want %+v", got, tc.want)
			}
			for i, w := range tc.want {
				if got[i].Relation != w.Relation || got[i].LEI != w.LEI || (d.Entity(w.LEI) != nil && got[i].Name != w.Name) {
					t.Errorf("parent %d = %+v, want %+v", i, got[i], w)
				}
			}
		})
	}
}

func TestReadGLEIFRelationshipCSV(t *testing.T) {
	f, err := os.Open("testdata/dir-gleif-rr-golden-copy.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rels, err := ReadGLEIFRelationshipCSV(f, "dir-gleif-rr-golden-copy.csv")
	if err != nil {
		t.Fatal(err)
	}
	if len(rels) != 5 {
		t.Fatalf("relationships = %d, want 5 (the fund-managed row is not a parent)", len(rels))
	}
	if rels[0].StartDate != "2008-10-02" {
		t.Errorf("start date = %q, want 2008-10-02", rels[0].StartDate)
	}
	d := NewDirectory()
	d.AddGLEIF(&GLEIFData{Relationships: rels}, "rr golden copy")
	checkParents(t, d) // names are unknown without level 1 records
}

func TestReadGLEIFErrors(t *testing.T) {
	for _, tc := range []struct{ name, doc, contains string }{
		{"not JSON", `{"data":`, "invalid JSON"},
		{"api error", `{"errors":[{"status":"404","title":"Not Found","detail":"no record"}]}`, "Not Found"},
		{"isin without lei", `{"data":[{"type":"isins","id":"x","attributes":{"isin":"US5949181045"}}]}`, "without lei"},
		{"relationship without end", `{"data":{"type":"relationship-records","id":"r","attributes":{"relationship":{"startNode":{"id":"549300YX4S1LLSMK2627"}}}}}`, "start or end node"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ReadGLEIF(strings.NewReader(tc.doc), "g.json")
			var fe *FileError
			if !errors.As(err, &fe) || !strings.Contains(fe.Error(), tc.contains) {
				t.Errorf("err = %v, want *FileError containing %q", err, tc.contains)
			}
		})
	}
	_, err := ReadGLEIFRelationshipCSV(strings.NewReader("Relationship.StartNode.NodeID,Relationship.EndNode.NodeID,Relationship.RelationshipType\nSHORT,HWUPKR0MPOU8FGXBT394,IS_DIRECTLY_CONSOLIDATED_BY\n"), "rr.csv")
	var fe *FileError
	if !errors.As(err, &fe) || fe.Line != 2 || fe.Column != 1 {
		t.Errorf("bad LEI: err = %v, want *FileError at line 2 column 1", err)
	}
}

func FuzzReadGLEIF(f *testing.F) {
	f.Add(`{"meta":{"goldenCopy":{"publishDate":"2025-05-15T00:00:00Z"}},"data":{"type":"reporting-exceptions","id":"x","attributes":{"lei":"INR2EJN1ERAN0W5ZP974","category":"ULTIMATE_ACCOUNTING_CONSOLIDATION_PARENT","reason":"NON_CONSOLIDATING"}}}`)
	f.Add(`{"data":[{"type":"isins","id":"b","attributes":{"lei":"5299001ERX0K10IZUL40","isin":"DE0005773303"}}]}`)
	f.Add(`{"data":{"type":"relationship-records","id":"r","attributes":{"relationship":{"startNode":{"id":"254900LNRYNOQ9YPU758","type":"LEI"},"endNode":{"id":"ZXTILKJKG63JELOEG630","type":"LEI"},"type":"IS_ULTIMATELY_CONSOLIDATED_BY","status":"ACTIVE","periods":[{"startDate":"2008-10-02T00:00:00Z","type":"RELATIONSHIP_PERIOD"}]}}}}`)
	f.Fuzz(func(t *testing.T, s string) {
		g, err := ReadGLEIF(strings.NewReader(s), "fuzz.json")
		if err != nil {
			return
		}
		d := NewDirectory()
		d.AddGLEIF(g, "fuzz")
	})
}

func FuzzReadGLEIFRelationshipCSV(f *testing.F) {
	b, err := os.ReadFile("testdata/dir-gleif-rr-golden-copy.csv")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(string(b))
	f.Fuzz(func(t *testing.T, s string) {
		rels, err := ReadGLEIFRelationshipCSV(strings.NewReader(s), "fuzz.csv")
		if err != nil {
			return
		}
		for _, r := range rels {
			if r.Type != GLEIFDirect && r.Type != GLEIFUltimate {
				t.Fatalf("type %q returned", r.Type)
			}
		}
	})
}
