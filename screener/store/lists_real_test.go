package store_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/screener/screener/screener"
	"github.com/screener/screener/screener/lists"
	"github.com/screener/screener/screener/shareddata"
	"github.com/screener/screener/screener/store"
)

// readList reads one list from the shared data folder with the real readers.
func readList(t *testing.T, rel string) *screener.List {
	t.Helper()
	ls, err := lists.ReadPath(shareddata.Path(t, rel))
	if err != nil {
		t.Fatalf("read %s: %v", rel, err)
	}
	if len(ls) != 1 {
		t.Fatalf("read %s: got %d lists, want 1", rel, len(ls))
	}
	return ls[0]
}

// TestRealXMLThenCSVDiff imports OFAC's consolidated list as XML (28 Mar
// 2025) and then as the CSV set (Dec 2025), and diffs the two snapshots.
//
// Every change it finds is a real change in OFAC's data: the twelve
// entries whose programs changed are also the only ones whose aliases,
// addresses, LEIs or names changed. The address changes are confirmed by
// the March CSV (same format as December, see below). Format-bound fields
// (remarks, other IDs) are not compared across formats; with these two
// files no compared field is carried by one format only.
func TestRealXMLThenCSVDiff(t *testing.T) {
	xml := readList(t, "lists/ofac-cons-xml-2025-03/consolidated.xml")
	csv := readList(t, "lists/ofac-cons-csv-2025-12")
	s := openTemp(t)

	r1, err := s.Import([]*screener.List{xml}, store.ImportOptions{User: "test"})
	if err != nil {
		t.Fatal(err)
	}
	r2, err := s.Import([]*screener.List{csv}, store.ImportOptions{User: "test"})
	if err != nil {
		t.Fatal(err)
	}
	if got := r2[0].Snapshot; got.Entries != 442 || got.Removed != 1 || got.Added != 0 || got.Previous != r1[0].Snapshot.ID {
		t.Errorf("csv import: entries %d removed %d added %d previous %d, want 442, 1, 0, %d",
			got.Entries, got.Removed, got.Added, got.Previous, r1[0].Snapshot.ID)
	}
	// A repeat of the same files is a no-op that says so.
	r3, err := s.Import([]*screener.List{readList(t, "lists/ofac-cons-csv-2025-12")}, store.ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !r3[0].Existing || r3[0].Snapshot.ID != r2[0].Snapshot.ID {
		t.Errorf("re-import: existing %v snapshot %d, want true, %d", r3[0].Existing, r3[0].Snapshot.ID, r2[0].Snapshot.ID)
	}
	if snaps, _ := s.Snapshots(""); len(snaps) != 2 {
		t.Errorf("got %d snapshots after a repeat import, want 2", len(snaps))
	}

	prev, err := s.ResolveSnapshot("", "previous")
	if err != nil {
		t.Fatal(err)
	}
	latest, err := s.ResolveSnapshot("", "latest")
	if err != nil {
		t.Fatal(err)
	}
	if prev.ID != r1[0].Snapshot.ID || latest.ID != r2[0].Snapshot.ID {
		t.Fatalf("previous, latest = %d, %d; want %d, %d", prev.ID, latest.ID, r1[0].Snapshot.ID, r2[0].Snapshot.ID)
	}
	d, err := s.Diff(prev.ID, latest.ID)
	if err != nil {
		t.Fatal(err)
	}
	if d.From.ID != prev.ID || d.To.ID != latest.ID || d.From.Format != "ofac-xml" || d.To.Format != "ofac-csv" {
		t.Errorf("from %+v to %+v", d.From, d.To)
	}
	if len(d.Added) != 0 {
		t.Errorf("added %v, want none", d.Added)
	}
	if len(d.Removed) != 1 || d.Removed[0].ID != "26182" || !strings.Contains(d.Removed[0].Name, "KAYAKIRAN") {
		t.Errorf("removed %v, want only 26182 KAYAKIRAN", d.Removed)
	}
	if want := []string{screener.FieldOtherIDs, screener.FieldRemarks}; !slices.Equal(d.Skipped, want) {
		t.Errorf("skipped %v, want %v (format-bound; no field is carried by one format only here)", d.Skipped, want)
	}

	const gained = "+RUSSIA-EO14024"
	want := map[string]struct {
		fields   string // changed fields, in diff order
		programs string
	}{
		"17022": {"programs", gained},                   // Rosneft
		"17248": {"programs aliases leis", gained},      // Lukoil: also an alias and its LEI
		"18267": {"programs addresses", gained},         // Orenburgneft
		"18269": {"programs addresses", gained},         // Samotlorneftegaz
		"18271": {"programs aliases addresses", gained}, // Verkhnechonskneftegaz
		"18274": {"programs addresses", gained},         // Vankorneft
		"18276": {"programs", gained},                   // RN-Yuganskneftegaz
		"18282": {"programs aliases addresses", gained}, // Novokuybyshev refinery
		"18284": {"name programs aliases", gained},      // RN Komsomolskiy refinery, renamed
		"18290": {"programs aliases", gained},           // Syzran refinery
		"18292": {"programs aliases", gained},           // Achinsk refinery
		"18782": {"programs", "-SYRIA"},                 // Rosoboroneksport
	}
	got := map[string]screener.EntryChange{}
	for _, c := range d.Changed {
		got[c.ID] = c
	}
	for id, w := range want {
		c, ok := got[id]
		if !ok {
			t.Errorf("entry %s not among the changed", id)
			continue
		}
		var names []string
		for _, f := range c.Fields {
			names = append(names, f.Field)
		}
		if g := strings.Join(names, " "); g != w.fields {
			t.Errorf("entry %s changed fields %q, want %q", id, g, w.fields)
		}
		p, _ := c.Field(screener.FieldPrograms)
		if g := strings.TrimPrefix(p.String(), "programs "); g != w.programs {
			t.Errorf("entry %s programs %q, want %q", id, g, w.programs)
		}
	}
	if len(d.Changed) != len(want) {
		t.Errorf("%d entries changed, want %d", len(d.Changed), len(want))
	}
	if c := got["18284"]; len(c.Fields) > 0 && (c.Fields[0].Old != "RN-KOMSOMOLSKY REFINERY LLC" || c.Fields[0].New != "RN KOMSOMOLSKIY REFINERY LLC") {
		t.Errorf("18284 name change %+v", c.Fields[0])
	}
	if l, ok := got["17248"].Field(screener.FieldLEIs); !ok || !slices.Equal(l.Added, []string{"549300LCJ1UJXHYBWI24"}) {
		t.Errorf("17248 LEIs %+v, want +549300LCJ1UJXHYBWI24", l)
	}
	// No CMIC entry changed (RULES.md D-1: the 68 CMIC rows are identical).
	newList, err := s.List(latest.ID)
	if err != nil {
		t.Fatal(err)
	}
	cmic := 0
	for i := range newList.Entries {
		e := &newList.Entries[i]
		if e.HasProgram(screener.ProgramCMIC) {
			cmic++
			if _, ok := got[e.ID]; ok {
				t.Errorf("CMIC entry %s %s reported changed", e.ID, e.Name)
			}
		}
	}
	if cmic != 68 {
		t.Errorf("latest snapshot has %d CMIC entries, want 68", cmic)
	}

	// The address changes are OFAC's: the March CSV (same format as
	// December) shows exactly the same ones. (The March CSV copy has no
	// cons_alt.csv or cons_comments.csv, so its aliases and spilled remarks
	// are not comparable; only addresses are checked here.)
	same := screener.DiffLists(readList(t, "lists/ofac-cons-csv-2025-03"), csv)
	for _, c := range d.Changed {
		a, ok := c.Field(screener.FieldAddresses)
		if !ok {
			continue
		}
		sc, _ := same.Change(c.ID)
		b, ok := sc.Field(screener.FieldAddresses)
		if !ok || !slices.Equal(a.Added, b.Added) || !slices.Equal(a.Removed, b.Removed) {
			t.Errorf("entry %s: address change %v across formats, %v in CSV → CSV", c.ID, a, b)
		}
	}
}
