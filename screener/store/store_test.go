package store_test

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/screener/screener/screener"
	"github.com/screener/screener/screener/store"
	bolt "go.etcd.io/bbolt"
)

// openTemp opens a new store in t.TempDir() with a fixed, advancing clock.
func openTemp(t *testing.T) *store.Store {
	t.Helper()
	return openAt(t, filepath.Join(t.TempDir(), "screener.db"))
}

func openAt(t *testing.T, path string) *store.Store {
	t.Helper()
	clock := time.Date(2026, 1, 15, 9, 30, 0, 0, time.UTC)
	s, err := store.Open(path, &store.Options{Now: func() time.Time {
		clock = clock.Add(time.Second)
		return clock
	}})
	if err != nil {
		t.Fatalf("open %s: %v", path, err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// entry builds a list entry with the fields the tests look at.
func entry(id, name string, programs ...string) screener.Entry {
	return screener.Entry{List: screener.ListOFACConsolidated, ID: id, Name: name, Programs: programs}
}

// cmicList builds a small consolidated list of n CMIC entries with real
// names for the first ones and numbered ones after.
func cmicList(n int, format string) *screener.List {
	names := []string{"CHINA MOBILE LIMITED", "CHINA TELECOM CORPORATION LIMITED", "DAWNING INFORMATION INDUSTRY CO., LTD"}
	ids := []string{"30923", "30882", "33113"}
	l := &screener.List{Name: screener.ListOFACConsolidated, Format: format, AsOf: screener.NewDate(2025, 12, 19)}
	for i := 0; i < n; i++ {
		id, name := fmt.Sprint(40000+i), fmt.Sprintf("ENTRY %d", i)
		if i < len(names) {
			id, name = ids[i], names[i]
		}
		e := entry(id, name, screener.ProgramCMIC)
		e.ListingDate = screener.NewDate(2021, 6, 3)
		l.Entries = append(l.Entries, e)
	}
	return l
}

func withSource(l *screener.List, digest string) *screener.List {
	l.Sources = []screener.SourceFile{{Path: "cons_prim.csv", SHA256: digest, Size: 1}}
	return l
}

func TestOpenSchema(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s.db")
	s, err := store.Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if v, err := s.Schema(); err != nil || v != store.SchemaVersion {
		t.Errorf("schema %d, %v; want %d", v, err, store.SchemaVersion)
	}
	s.Close()
	// Reopening runs no migration twice and keeps the version.
	s, err = store.Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()

	// A file written by a newer program is refused, not damaged.
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	db.Update(func(tx *bolt.Tx) error {
		b := make([]byte, 8)
		binary.BigEndian.PutUint64(b, 99)
		return tx.Bucket([]byte("meta")).Put([]byte("schema"), b)
	})
	db.Close()
	if _, err := store.Open(path, nil); err == nil || !strings.Contains(err.Error(), "schema version 99") {
		t.Errorf("open newer schema: %v, want a refusal naming version 99", err)
	}
}

func TestImport(t *testing.T) {
	tests := []struct {
		name     string
		next     *screener.List
		opt      store.ImportOptions
		wantErr  string // substring; "" = success
		existing bool
		removed  int
	}{
		{name: "same files again is a no-op", next: withSource(cmicList(100, "ofac-csv"), "aaa"), existing: true},
		{name: "new files, nothing removed", next: withSource(cmicList(101, "ofac-csv"), "bbb")},
		{name: "5 of 100 removed is allowed", next: withSource(cmicList(95, "ofac-csv"), "bbb"), removed: 5},
		{name: "6 of 100 removed is refused", next: withSource(cmicList(94, "ofac-csv"), "bbb"),
			wantErr: "6 of the 100 entries of snapshot 1 would disappear (6.0%, more than 5%)"},
		{name: "forced", next: withSource(cmicList(10, "ofac-csv"), "bbb"), opt: store.ImportOptions{Force: true}, removed: 90},
		{name: "a lower limit", next: withSource(cmicList(98, "ofac-csv"), "bbb"), opt: store.ImportOptions{MaxRemovedPercent: 1},
			wantErr: "2 of the 100 entries"},
		{name: "no removal allowed", next: withSource(cmicList(99, "ofac-csv"), "bbb"), opt: store.ImportOptions{MaxRemovedPercent: -1},
			wantErr: "1 of the 100 entries"},
		{name: "no name", next: &screener.List{}, wantErr: "no name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := openTemp(t)
			first, err := s.Import([]*screener.List{withSource(cmicList(100, "ofac-csv"), "aaa")}, store.ImportOptions{User: "ann"})
			if err != nil {
				t.Fatal(err)
			}
			res, err := s.Import([]*screener.List{tt.next}, tt.opt)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("got %v, want an error containing %q", err, tt.wantErr)
				}
				if snaps, _ := s.Snapshots(""); len(snaps) != 1 {
					t.Errorf("%d snapshots after a refused import, want 1", len(snaps))
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			r := res[0]
			if r.Existing != tt.existing || r.Snapshot.Removed != tt.removed {
				t.Errorf("existing %v removed %d, want %v %d", r.Existing, r.Snapshot.Removed, tt.existing, tt.removed)
			}
			if tt.existing && r.Snapshot.ID != first[0].Snapshot.ID {
				t.Errorf("repeat names snapshot %d, want %d", r.Snapshot.ID, first[0].Snapshot.ID)
			}
			if r.Snapshot.Forced != tt.opt.Force {
				t.Errorf("forced %v, want %v", r.Snapshot.Forced, tt.opt.Force)
			}
			if err := s.VerifyAudit(); err != nil {
				t.Error(err)
			}
		})
	}
}

func TestImportRefusalIsConflict(t *testing.T) {
	s := openTemp(t)
	s.Import([]*screener.List{withSource(cmicList(20, "ofac-csv"), "aaa")}, store.ImportOptions{})
	_, err := s.Import([]*screener.List{withSource(cmicList(3, "ofac-csv"), "bbb")}, store.ImportOptions{})
	var re *store.RemovalError
	if !errors.As(err, &re) || re.Removed != 17 || re.Of != 20 {
		t.Fatalf("got %v, want a RemovalError of 17 of 20", err)
	}
	if k := screener.KindOf(err); k != screener.KindConflict {
		t.Errorf("kind %s, want conflict", k)
	}
}

// TestImportAllOrNothing imports two lists in one call; the second is
// refused, so neither lands.
func TestImportAllOrNothing(t *testing.T) {
	s := openTemp(t)
	sdn := withSource(&screener.List{Name: screener.ListOFACSDN, Format: "ofac-csv",
		Entries: []screener.Entry{entry("306", "BANCO NACIONAL DE CUBA", "CUBA")}}, "sdn1")
	if _, err := s.Import([]*screener.List{withSource(cmicList(50, "ofac-csv"), "aaa")}, store.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	_, err := s.Import([]*screener.List{sdn, withSource(cmicList(5, "ofac-csv"), "bbb")}, store.ImportOptions{})
	if err == nil {
		t.Fatal("import succeeded, want a refusal")
	}
	snaps, _ := s.Snapshots("")
	if len(snaps) != 1 || snaps[0].List != screener.ListOFACConsolidated {
		t.Errorf("snapshots %+v, want only the first consolidated one", snaps)
	}
	if n, _, _ := s.AuditHead(); n != 1 {
		t.Errorf("%d audit records, want 1 (the refused import wrote none)", n)
	}
}

func TestListRoundTrip(t *testing.T) {
	s := openTemp(t)
	l := withSource(cmicList(3, "ofac-xml"), "abc")
	l.Entries[0].ISINs = []string{"HK0941009539"}
	l.Entries[0].Aliases = []screener.Alias{{Name: "CHINA MOBILE LTD", Type: "aka", Strength: "strong"}}
	l.Warnings = []string{"a warning"}
	res, err := s.Import([]*screener.List{l}, store.ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.List(res[0].Snapshot.ID)
	if err != nil {
		t.Fatal(err)
	}
	a, _ := json.Marshal(l)
	b, _ := json.Marshal(got)
	if string(a) != string(b) {
		t.Errorf("list changed in the store:\n got %s\nwant %s", b, a)
	}
	lists, snaps, err := s.LatestLists()
	if err != nil || len(lists) != 1 || snaps[0].ID != res[0].Snapshot.ID || len(lists[0].Entries) != 3 {
		t.Errorf("LatestLists: %d lists, %v", len(lists), err)
	}
}

func TestResolveSnapshot(t *testing.T) {
	s := openTemp(t)
	s.Import([]*screener.List{withSource(cmicList(5, "ofac-csv"), "a")}, store.ImportOptions{}) // 1
	s.Import([]*screener.List{withSource(cmicList(6, "ofac-csv"), "b")}, store.ImportOptions{}) // 2
	sdn := withSource(&screener.List{Name: screener.ListOFACSDN, Entries: []screener.Entry{entry("306", "X")}}, "c")
	s.Import([]*screener.List{sdn}, store.ImportOptions{}) // 3
	tests := []struct {
		list, ref string
		want      uint64
		err       string
	}{
		{"", "latest", 3, ""},
		{screener.ListOFACConsolidated, "latest", 2, ""},
		{screener.ListOFACConsolidated, "previous", 1, ""},
		{"", "2", 2, ""},
		{"", "previous", 0, "no previous snapshot"},
		{"", "9", 0, "no snapshot 9"},
		{"", "newest", 0, "want an id, latest or previous"},
	}
	for _, tt := range tests {
		t.Run(tt.list+"/"+tt.ref, func(t *testing.T) {
			got, err := s.ResolveSnapshot(tt.list, tt.ref)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Errorf("got %v, want error %q", err, tt.err)
				}
				return
			}
			if err != nil || got.ID != tt.want {
				t.Errorf("got %d, %v; want %d", got.ID, err, tt.want)
			}
		})
	}
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o600); err != nil {
		t.Fatal(err)
	}
}
