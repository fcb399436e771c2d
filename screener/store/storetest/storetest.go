// Package storetest is the contract both stores keep: one suite of tests
// that runs against the bbolt store and the PostgreSQL store (see
// stores_test.go), so that a caller of store.Interface cannot tell them
// apart by what they keep, refuse or return.
//
// Run takes an Opener that makes a new, empty store; Concurrent takes one
// that opens a second handle on the same database (a second process, for
// PostgreSQL) and checks that interleaved writes from both lose nothing
// and keep one audit chain.
package storetest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/screener/screener/screener"
	"github.com/screener/screener/screener/funds"
	"github.com/screener/screener/screener/store"
	"github.com/shopspring/decimal"
)

// Opener makes a new empty store whose record times come from now.
type Opener func(t *testing.T, now func() time.Time) store.Interface

// Clock returns a fixed clock that advances one second per reading, safe
// for concurrent use.
func Clock() func() time.Time {
	var mu sync.Mutex
	t := time.Date(2026, 1, 15, 9, 30, 0, 0, time.UTC)
	return func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		t = t.Add(time.Second)
		return t
	}
}

// Run runs the contract tests against stores made by open.
func Run(t *testing.T, open Opener) {
	for _, tc := range []struct {
		name string
		fn   func(*testing.T, Opener)
	}{
		{"Schema", testSchema},
		{"Import", testImport},
		{"ImportAllOrNothing", testImportAllOrNothing},
		{"ListRoundTrip", testListRoundTrip},
		{"ResolveAndDiff", testResolveAndDiff},
		{"Runs", testRuns},
		{"Decisions", testDecisions},
		{"UsersSessionsKeys", testUsersSessionsKeys},
		{"Audit", testAudit},
		{"Throttles", testThrottles},
		{"Owners", testOwners},
		{"ReviewsStayOpen", testReviewsStayOpen},
		{"RunInputs", testRunInputs},
		{"BigReport", testBigReport},
		{"Funds", testFunds},
		{"Retention", testRetention},
	} {
		t.Run(tc.name, func(t *testing.T) { tc.fn(t, open) })
	}
}

func entry(id, name string, programs ...string) screener.Entry {
	return screener.Entry{List: screener.ListOFACConsolidated, ID: id, Name: name, Programs: programs}
}

// CMICList builds a consolidated list of n CMIC entries with real names for
// the first three, from source files with the given digest.
func CMICList(n int, digest string) *screener.List {
	names := []string{"CHINA MOBILE LIMITED", "CHINA TELECOM CORPORATION LIMITED", "DAWNING INFORMATION INDUSTRY CO., LTD"}
	ids := []string{"30923", "30882", "33113"}
	l := &screener.List{Name: screener.ListOFACConsolidated, Format: "ofac-csv", AsOf: screener.NewDate(2025, 12, 19),
		Sources: []screener.SourceFile{{Path: "cons_prim.csv", SHA256: digest, Size: 1}}}
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

// ChinaMobileRun is a run of one holdings row of portfolio that reached
// CHINA MOBILE LIMITED (OFAC 30923) by a name match needing review.
func ChinaMobileRun(t testing.TB, portfolio string, snap uint64) store.Run {
	t.Helper()
	hs := []screener.Holding{{File: "eem.csv", Line: 17, Portfolio: portfolio, Name: "CHINA MOBILE LTD",
		ISIN: "HK0941009539", Quantity: decimal.RequireFromString("1200"), HasQuantity: true,
		MarketValue: decimal.RequireFromString("10440.00"), HasValue: true, Currency: "HKD", USPerson: screener.USPersonNo}}
	rep := screener.Report{Schema: screener.ReportSchema, AsOf: "2026-01-15T09:30:00Z", Files: []string{"eem.csv"},
		Summary: screener.Summary{Rows: 1, Screened: 1, ByStatus: map[screener.Status]int{screener.StatusReview: 1}},
		Findings: []screener.Finding{{File: "eem.csv", Line: 17, Portfolio: portfolio, Status: screener.StatusReview,
			Basis: []screener.Basis{screener.BasisNameSimilar}, Key: "HK0941009539",
			Entry:    &screener.EntryRef{ID: "30923", Name: "CHINA MOBILE LIMITED", Program: screener.ProgramCMIC, List: screener.ListOFACConsolidated},
			Quantity: decimal.RequireFromString("1200"), MarketValue: decimal.RequireFromString("10440.00"), Currency: "HKD"}}}
	b, err := json.MarshalIndent(rep, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return store.Run{Portfolio: portfolio, User: "ann", AsOf: time.Date(2026, 1, 15, 9, 30, 0, 0, time.UTC),
		Files: []string{"eem.csv"}, Holdings: hs, Report: b, SnapshotIDs: []uint64{snap}}
}

func mustImport(t *testing.T, s store.Interface, l *screener.List, opt store.ImportOptions) store.Snapshot {
	t.Helper()
	res, err := s.Import([]*screener.List{l}, opt)
	if err != nil {
		t.Fatalf("import: %v", err)
	}
	return res[0].Snapshot
}

func verify(t *testing.T, s store.Interface) {
	t.Helper()
	if err := s.VerifyAudit(); err != nil {
		t.Errorf("audit chain: %v", err)
	}
	if err := s.Check(); err != nil {
		t.Errorf("check: %v", err)
	}
}

func testSchema(t *testing.T, open Opener) {
	s := open(t, Clock())
	v, err := s.Schema()
	if err != nil || v == 0 {
		t.Errorf("schema %d, %v; want a version", v, err)
	}
	if s.Path() == "" {
		t.Error("Path is empty")
	}
	if n, err := s.Heartbeat("replica-1", time.Minute); err != nil || n != 1 {
		t.Errorf("one replica's heartbeat counts %d, %v; want 1", n, err)
	}
	if n, h, err := s.AuditHead(); err != nil || n != 0 || h != "" {
		t.Errorf("a new store's audit head is %d %q %v, want 0 \"\"", n, h, err)
	}
	for name, err := range map[string]error{
		"snapshot": func() error { _, err := s.Snapshot(7); return err }(),
		"list":     func() error { _, err := s.List(7); return err }(),
		"run":      func() error { _, err := s.Run(7); return err }(),
		"runinfo":  func() error { _, err := s.RunInfo(7); return err }(),
		"report":   func() error { _, err := s.RunReport(7); return err }(),
		"user":     func() error { _, err := s.User("nobody"); return err }(),
		"key":      func() error { _, err := s.APIKeyByHash("00"); return err }(),
		"session":  func() error { _, err := s.Session("ss_nothing"); return err }(),
		"resolve":  func() error { _, err := s.ResolveSnapshot("", "latest"); return err }(),
		"revoke":   s.RevokeAPIKey("admin", "00"),
	} {
		if screener.KindOf(err) != screener.KindNotFound {
			t.Errorf("%s of nothing: %v, want a not-found error", name, err)
		}
	}
	for name, n := range map[string]int{
		"snapshots": func() int { x, _ := s.Snapshots(""); return len(x) }(),
		"runs":      func() int { x, _ := s.Runs(); return len(x) }(),
		"users":     func() int { x, _ := s.Users(); return len(x) }(),
		"keys":      func() int { x, _ := s.APIKeys(); return len(x) }(),
		"decisions": func() int { x, _ := s.Decisions(); return len(x) }(),
		"reviews":   func() int { x, _ := s.OpenReviews(); return len(x) }(),
		"portfolio": func() int { x, _ := s.Portfolios(); return len(x) }(),
	} {
		if n != 0 {
			t.Errorf("a new store has %d %s", n, name)
		}
	}
	verify(t, s)
}

func testImport(t *testing.T, open Opener) {
	tests := []struct {
		name     string
		next     *screener.List
		opt      store.ImportOptions
		wantErr  string // substring; "" = success
		existing bool
		removed  int
		added    int
	}{
		{name: "same files again is a no-op", next: CMICList(100, "aaa"), existing: true, added: 100},
		{name: "new files, one added", next: CMICList(101, "bbb"), added: 1},
		{name: "5 of 100 removed is allowed", next: CMICList(95, "bbb"), removed: 5},
		{name: "6 of 100 removed is refused", next: CMICList(94, "bbb"),
			wantErr: "6 of the 100 entries of snapshot 1 would disappear (6.0%, more than 5%)"},
		{name: "forced", next: CMICList(10, "bbb"), opt: store.ImportOptions{Force: true}, removed: 90},
		{name: "a lower limit", next: CMICList(98, "bbb"), opt: store.ImportOptions{MaxRemovedPercent: 1}, wantErr: "2 of the 100 entries"},
		{name: "no removal allowed", next: CMICList(99, "bbb"), opt: store.ImportOptions{MaxRemovedPercent: -1}, wantErr: "1 of the 100 entries"},
		{name: "no name", next: &screener.List{}, wantErr: "no name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := open(t, Clock())
			first := mustImport(t, s, CMICList(100, "aaa"), store.ImportOptions{User: "ann"})
			if first.ID != 1 || first.Added != 100 || first.ImportedBy != "ann" || first.Previous != 0 {
				t.Errorf("first snapshot %+v, want id 1, 100 added, by ann", first)
			}
			res, err := s.Import([]*screener.List{tt.next}, tt.opt)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("got %v, want an error containing %q", err, tt.wantErr)
				}
				if snaps, _ := s.Snapshots(""); len(snaps) != 1 {
					t.Errorf("%d snapshots after a refused import, want 1", len(snaps))
				}
				if n, _, _ := s.AuditHead(); n != 1 {
					t.Errorf("%d audit records after a refused import, want 1", n)
				}
				var re *store.RemovalError
				if errors.As(err, &re) && screener.KindOf(err) != screener.KindConflict {
					t.Errorf("a removal refusal is %s, want conflict", screener.KindOf(err))
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			r := res[0]
			if r.Existing != tt.existing || r.Snapshot.Removed != tt.removed || r.Snapshot.Added != tt.added {
				t.Errorf("existing %v removed %d added %d, want %v %d %d", r.Existing, r.Snapshot.Removed, r.Snapshot.Added, tt.existing, tt.removed, tt.added)
			}
			if tt.existing && r.Snapshot.ID != first.ID {
				t.Errorf("repeat names snapshot %d, want %d", r.Snapshot.ID, first.ID)
			}
			if !tt.existing && (r.Snapshot.ID != 2 || r.Snapshot.Previous != 1) {
				t.Errorf("new snapshot %d after %d, want 2 after 1", r.Snapshot.ID, r.Snapshot.Previous)
			}
			if r.Snapshot.Forced != tt.opt.Force {
				t.Errorf("forced %v, want %v", r.Snapshot.Forced, tt.opt.Force)
			}
			got, err := s.Snapshot(r.Snapshot.ID)
			if err != nil || got.Entries != len(tt.next.Entries) || got.Digest != r.Snapshot.Digest || !got.ImportedAt.Equal(r.Snapshot.ImportedAt) {
				t.Errorf("stored snapshot %+v, %v; want %+v", got, err, r.Snapshot)
			}
			recs, _ := s.Audit(1, 0)
			if want := 1; tt.existing {
				want = 0
				if len(recs) != want {
					t.Errorf("a repeat import wrote %d audit records", len(recs))
				}
			} else if len(recs) != want || recs[0].Action != store.ActionImport || recs[0].Detail["snapshot"] != "2" {
				t.Errorf("audit after import: %+v", recs)
			}
			verify(t, s)
		})
	}
}

func testImportAllOrNothing(t *testing.T, open Opener) {
	s := open(t, Clock())
	sdn := &screener.List{Name: screener.ListOFACSDN, Format: "ofac-csv",
		Sources: []screener.SourceFile{{Path: "sdn.csv", SHA256: "sdn1", Size: 1}},
		Entries: []screener.Entry{entry("306", "BANCO NACIONAL DE CUBA", "CUBA")}}
	mustImport(t, s, CMICList(50, "aaa"), store.ImportOptions{})
	if _, err := s.Import([]*screener.List{sdn, CMICList(5, "bbb")}, store.ImportOptions{}); err == nil {
		t.Fatal("import succeeded, want a refusal")
	}
	snaps, _ := s.Snapshots("")
	if len(snaps) != 1 || snaps[0].List != screener.ListOFACConsolidated {
		t.Errorf("snapshots %+v, want only the first consolidated one", snaps)
	}
	if n, _, _ := s.AuditHead(); n != 1 {
		t.Errorf("%d audit records, want 1 (the refused import wrote none)", n)
	}
	// Both in one call land together, in order.
	res, err := s.Import([]*screener.List{sdn, CMICList(50, "ccc")}, store.ImportOptions{})
	if err != nil || len(res) != 2 || res[0].Snapshot.List != screener.ListOFACSDN || res[1].Snapshot.Previous != 1 {
		t.Fatalf("import of two: %+v, %v", res, err)
	}
	verify(t, s)
}

func testListRoundTrip(t *testing.T, open Opener) {
	s := open(t, Clock())
	l := CMICList(3, "abc")
	l.Format = "ofac-xml"
	l.Entries[0].ISINs = []string{"HK0941009539"}
	l.Entries[0].Aliases = []screener.Alias{{Name: "CHINA MOBILE LTD", Type: "aka", Strength: "strong"}}
	l.Entries[1].Name = "NUL \x00 and \u2028 and 中国电信" // any text survives
	l.Warnings = []string{"a warning"}
	snap := mustImport(t, s, l, store.ImportOptions{})
	got, err := s.List(snap.ID)
	if err != nil {
		t.Fatal(err)
	}
	a, _ := json.Marshal(l)
	b, _ := json.Marshal(got)
	if string(a) != string(b) {
		t.Errorf("list changed in the store:\n got %s\nwant %s", b, a)
	}
	sdn := &screener.List{Name: screener.ListOFACSDN, Entries: []screener.Entry{entry("306", "X")}}
	mustImport(t, s, sdn, store.ImportOptions{})
	lists, snaps, err := s.LatestLists()
	if err != nil || len(lists) != 2 || lists[0].Name > lists[1].Name || len(snaps) != 2 {
		t.Fatalf("LatestLists: %d lists, %v", len(lists), err)
	}
	for i := range lists {
		if lists[i].Name != snaps[i].List || len(lists[i].Entries) != snaps[i].Entries {
			t.Errorf("LatestLists %d: list %s with %d entries, snapshot %+v", i, lists[i].Name, len(lists[i].Entries), snaps[i])
		}
	}
	// An empty list is a snapshot too (with the removal limit forced past).
	empty := CMICList(0, "empty")
	e := mustImport(t, s, empty, store.ImportOptions{Force: true})
	if got, err := s.List(e.ID); err != nil || len(got.Entries) != 0 || got.Entries == nil {
		t.Errorf("empty list came back as %+v, %v", got, err)
	}
	verify(t, s)
}

func testResolveAndDiff(t *testing.T, open Opener) {
	s := open(t, Clock())
	mustImport(t, s, CMICList(5, "a"), store.ImportOptions{}) // 1
	next := CMICList(6, "b")
	next.Entries[0].ISINs = []string{"US16941M1099"}
	mustImport(t, s, next, store.ImportOptions{}) // 2
	sdn := &screener.List{Name: screener.ListOFACSDN, Entries: []screener.Entry{entry("306", "X")}}
	mustImport(t, s, sdn, store.ImportOptions{}) // 3
	for _, tt := range []struct {
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
	} {
		got, err := s.ResolveSnapshot(tt.list, tt.ref)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("%s/%s: got %v, want error %q", tt.list, tt.ref, err, tt.err)
			}
			continue
		}
		if err != nil || got.ID != tt.want {
			t.Errorf("%s/%s: got %d, %v; want %d", tt.list, tt.ref, got.ID, err, tt.want)
		}
	}
	if snaps, _ := s.Snapshots(screener.ListOFACConsolidated); len(snaps) != 2 || snaps[0].ID != 1 || snaps[1].ID != 2 {
		t.Errorf("snapshots of one list: %+v", snaps)
	}
	d, err := s.Diff(1, 2)
	if err != nil {
		t.Fatal(err)
	}
	want := screener.DiffLists(CMICList(5, "a"), next)
	want.From.ID, want.To.ID = 1, 2
	a, _ := json.Marshal(d)
	b, _ := json.Marshal(want)
	if string(a) != string(b) {
		t.Errorf("diff\n got %s\nwant %s", a, b)
	}
	if _, err := s.Diff(1, 9); screener.KindOf(err) != screener.KindNotFound {
		t.Errorf("diff with no snapshot 9: %v", err)
	}
}

func testRuns(t *testing.T, open Opener) {
	s := open(t, Clock())
	snap := mustImport(t, s, CMICList(3, "a"), store.ImportOptions{})
	run := ChinaMobileRun(t, "EM fund", snap.ID)
	id, err := s.SaveRun(run)
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.Run(id)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got.Report, run.Report) {
		t.Error("report bytes changed in the store")
	}
	if rep, err := s.RunReport(id); err != nil || !bytes.Equal(rep, run.Report) {
		t.Errorf("RunReport: %v", err)
	}
	h := got.Holdings[0]
	if !h.HasQuantity || !h.HasValue || h.HasPrice || h.USPerson != screener.USPersonNo || !h.MarketValue.Equal(decimal.RequireFromString("10440")) || h.Name != "CHINA MOBILE LTD" {
		t.Errorf("holding came back as %+v", h)
	}
	if got.Portfolio != "EM fund" || got.User != "ann" || !got.AsOf.Equal(run.AsOf) || len(got.SnapshotIDs) != 1 || got.SavedAt.IsZero() {
		t.Errorf("run came back as %+v", got)
	}
	infos, err := s.Runs()
	if err != nil || len(infos) != 1 || infos[0].Findings != 1 || infos[0].ByStatus[screener.StatusReview] != 1 || infos[0].ReportSHA256 != store.HashSecret(string(run.Report)) {
		t.Errorf("Runs: %+v, %v", infos, err)
	}
	if info, err := s.RunInfo(id); err != nil || info.ID != id || info.Holdings != 1 {
		t.Errorf("RunInfo: %+v, %v", info, err)
	}

	// A second run of the same portfolio becomes its latest; another
	// portfolio, named by its files, sorts after it (byte order).
	run.Holdings = append(run.Holdings, screener.Holding{File: "eem.csv", Line: 18, Name: "TENCENT"})
	id2, err := s.SaveRun(run)
	if err != nil {
		t.Fatal(err)
	}
	other := ChinaMobileRun(t, "", snap.ID)
	other.Files = []string{"/data/alpha.csv", "beta.xlsx"}
	id3, err := s.SaveRun(other)
	if err != nil {
		t.Fatal(err)
	}
	ps, err := s.Portfolios()
	if err != nil || len(ps) != 2 {
		t.Fatalf("portfolios %+v, %v", ps, err)
	}
	if p := ps[0]; p.Name != "EM fund" || p.Runs != 2 || p.LatestRun != id2 || len(p.Holdings) != 2 || !p.Created.Before(p.Updated) {
		t.Errorf("portfolio %+v, want EM fund, 2 runs, latest %d, 2 holdings", p, id2)
	}
	if p := ps[1]; p.Name != "alpha.csv+beta.xlsx" || p.LatestRun != id3 || p.Runs != 1 {
		t.Errorf("portfolio named by files: %+v", p)
	}
	if infos, _ := s.Runs(); len(infos) != 3 || infos[0].ID != id3 || infos[2].ID != id {
		t.Errorf("Runs are not newest first: %+v", infos)
	}

	// Refusals write nothing.
	if _, err := s.SaveRun(store.Run{Report: []byte("{not json")}); screener.KindOf(err) != screener.KindInvalid {
		t.Errorf("bad report: %v, want invalid", err)
	}
	if _, err := s.SaveRun(ChinaMobileRun(t, "EM fund", 99)); screener.KindOf(err) != screener.KindNotFound {
		t.Errorf("unknown snapshot: %v, want not found", err)
	}
	if infos, _ := s.Runs(); len(infos) != 3 {
		t.Errorf("%d runs after refusals, want 3", len(infos))
	}
	recs, _ := s.Audit(1, 0)
	if len(recs) != 3 || recs[0].Action != store.ActionRun || recs[0].Detail["report_sha256"] == "" || recs[0].Subject != "EM fund" {
		t.Errorf("run audit records: %+v", recs)
	}
	verify(t, s)
}

func testDecisions(t *testing.T, open Opener) {
	s := open(t, Clock())
	snap1 := mustImport(t, s, CMICList(3, "a"), store.ImportOptions{}).ID
	run1, err := s.SaveRun(ChinaMobileRun(t, "EM fund", snap1))
	if err != nil {
		t.Fatal(err)
	}
	if open, _ := s.OpenReviews(); len(open) != 1 || open[0].Finding.Entry.ID != "30923" || open[0].Reopened != nil || open[0].Run != run1 {
		t.Fatalf("open reviews before the decision: %+v", open)
	}
	d, err := s.DecideFinding(store.FindingRef{Run: run1, Line: 17, EntryID: "30923"},
		screener.Decision{Outcome: store.OutcomeCleared, Reviewer: "J. Smith", Reason: "fund holds the ADR of another issuer"})
	if err != nil {
		t.Fatal(err)
	}
	l1, _ := s.List(snap1)
	if d.Key != "HK0941009539" || d.List != screener.ListOFACConsolidated || d.EntryID != "30923" ||
		d.Fingerprint != screener.EntryFingerprint(&l1.Entries[0]) || d.Decision.At == "" {
		t.Errorf("decision %+v", d)
	}
	ds, err := s.Decisions()
	if err != nil || len(ds) != 1 || ds[0].Decision.Reason != d.Decision.Reason {
		t.Fatalf("decisions %+v, %v", ds, err)
	}
	if open, _ := s.OpenReviews(); len(open) != 0 {
		t.Errorf("open reviews after the decision: %+v, want none", open)
	}
	// A later decision on the same key, list and entry replaces it.
	d2 := d
	d2.Decision = screener.Decision{Outcome: store.OutcomeConfirmed, Reviewer: "K. Lee", Reason: "it is China Mobile", At: "2026-01-16T10:00:00Z"}
	if _, err := s.Decide(d2); err != nil {
		t.Fatal(err)
	}
	if ds, _ := s.Decisions(); len(ds) != 1 || ds[0].Decision.Reviewer != "K. Lee" || ds[0].Decision.At != "2026-01-16T10:00:00Z" {
		t.Errorf("decisions after a replacement: %+v", ds)
	}

	// OFAC adds an ISIN to China Mobile: the decision is re-opened.
	next := CMICList(3, "b")
	next.Entries[0].ISINs = []string{"US16941M1099"}
	snap2 := mustImport(t, s, next, store.ImportOptions{}).ID
	if _, err := s.SaveRun(ChinaMobileRun(t, "EM fund", snap2)); err != nil {
		t.Fatal(err)
	}
	reviews, _ := s.OpenReviews()
	if len(reviews) != 1 || reviews[0].Reopened == nil || reviews[0].Reopened.Decision.Reviewer != "K. Lee" {
		t.Errorf("open reviews after the change: %+v, want China Mobile re-opened", reviews)
	}

	for _, tt := range []struct {
		name string
		ref  store.FindingRef
		dec  screener.Decision
		kind screener.Kind
	}{
		{"no reason", store.FindingRef{Run: run1, Line: 17, EntryID: "30923"}, screener.Decision{Outcome: "cleared", Reviewer: "x"}, screener.KindInvalid},
		{"no reviewer", store.FindingRef{Run: run1, Line: 17, EntryID: "30923"}, screener.Decision{Outcome: "cleared", Reason: "r"}, screener.KindInvalid},
		{"bad outcome", store.FindingRef{Run: run1, Line: 17, EntryID: "30923"}, screener.Decision{Outcome: "maybe", Reviewer: "x", Reason: "r"}, screener.KindInvalid},
		{"wrong line", store.FindingRef{Run: run1, Line: 18, EntryID: "30923"}, screener.Decision{Outcome: "cleared", Reviewer: "x", Reason: "r"}, screener.KindNotFound},
		{"wrong file", store.FindingRef{Run: run1, File: "other.csv", Line: 17, EntryID: "30923"}, screener.Decision{Outcome: "cleared", Reviewer: "x", Reason: "r"}, screener.KindNotFound},
		{"no run", store.FindingRef{Run: 42, Line: 17, EntryID: "30923"}, screener.Decision{Outcome: "cleared", Reviewer: "x", Reason: "r"}, screener.KindNotFound},
	} {
		if _, err := s.DecideFinding(tt.ref, tt.dec); screener.KindOf(err) != tt.kind {
			t.Errorf("%s: got %v, want kind %s", tt.name, err, tt.kind)
		}
	}
	if _, err := s.Decide(screener.ReviewDecision{Key: "k", List: "l", EntryID: "e"}); screener.KindOf(err) != screener.KindInvalid {
		t.Errorf("decision without a fingerprint: %v", err)
	}
	recs, _ := s.Audit(0, 0)
	var decided []store.AuditRecord
	for _, r := range recs {
		if r.Action == store.ActionDecision {
			decided = append(decided, r)
		}
	}
	if len(decided) != 2 || decided[0].Detail["run"] != fmt.Sprint(run1) || decided[0].Detail["line"] != "17" || decided[0].Actor != "J. Smith" || decided[1].Actor != "K. Lee" {
		t.Errorf("decision audit records %+v", decided)
	}
	verify(t, s)
}

func testUsersSessionsKeys(t *testing.T, open Opener) {
	s := open(t, Clock())
	if _, err := s.PutUser("admin", store.User{Name: "ann", Role: "reviewer", PasswordHash: []byte("$2a$10$hash")}); err != nil {
		t.Fatal(err)
	}
	u, err := s.User("ann")
	if err != nil || u.Role != "reviewer" || string(u.PasswordHash) != "$2a$10$hash" || u.Created.IsZero() {
		t.Errorf("user %+v, %v", u, err)
	}
	u.Role, u.Disabled = "compliance", true
	if _, err := s.PutUser("admin", u); err != nil {
		t.Fatal(err)
	}
	if u2, _ := s.User("ann"); u2.Role != "compliance" || !u2.Disabled || !u2.Created.Equal(u.Created) || !u2.Updated.After(u.Created) {
		t.Errorf("updated user %+v", u2)
	}
	s.PutUser("admin", store.User{Name: "Bob", Role: "admin"})
	s.PutUser("admin", store.User{Name: "anna", Role: "admin"})
	us, _ := s.Users()
	if len(us) != 3 || us[0].Name != "Bob" || us[1].Name != "ann" || us[2].Name != "anna" {
		t.Errorf("users not in byte order: %+v", us)
	}
	if _, err := s.PutUser("admin", store.User{Name: "x"}); screener.KindOf(err) != screener.KindInvalid {
		t.Errorf("user without a role: %v", err)
	}

	tok, sess, err := s.Login("ann", time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := s.Session(tok); err != nil || got.User != "ann" || !got.Expires.Equal(sess.Expires) {
		t.Errorf("session %+v, %v", got, err)
	}
	if _, _, err := s.Login("nobody", time.Hour); screener.KindOf(err) != screener.KindNotFound {
		t.Errorf("login of an unknown user: %v", err)
	}
	short, _, _ := s.Login("Bob", time.Second) // the clock moves a second per reading
	if _, err := s.Session(short); screener.KindOf(err) != screener.KindNotFound {
		t.Errorf("expired session: %v, want not found", err)
	}

	secret, k, err := s.CreateAPIKey("admin", "broker-1", "broker")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(k.Hash, secret) || k.Hash != store.HashSecret(secret) {
		t.Error("the key record holds the secret, or not its hash")
	}
	if got, err := s.APIKeyByHash(store.HashSecret(secret)); err != nil || got.Name != "broker-1" || got.Role != "broker" || got.Revoked {
		t.Errorf("key by hash: %+v, %v", got, err)
	}
	s.CreateAPIKey("admin", "broker-2", "broker")
	if ks, _ := s.APIKeys(); len(ks) != 2 || ks[0].Name != "broker-1" || ks[1].Name != "broker-2" {
		t.Errorf("keys not oldest first: %+v", ks)
	}
	if err := s.RevokeAPIKey("admin", k.Hash); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.APIKeyByHash(k.Hash); !got.Revoked {
		t.Error("key not revoked")
	}
	if _, _, err := s.CreateAPIKey("admin", "", "broker"); screener.KindOf(err) != screener.KindInvalid {
		t.Errorf("key without a name: %v", err)
	}
	if _, err := s.LoginFailed("mallory", "10.0.0.9", "bad password", time.Hour); err != nil {
		t.Fatal(err)
	}
	if err := s.Logout(tok); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Session(tok); err == nil {
		t.Error("session survives logout")
	}
	if err := s.Logout(tok); err != nil {
		t.Errorf("a second logout: %v", err)
	}
	recs, _ := s.Audit(0, 0)
	var actions []string
	for _, r := range recs {
		actions = append(actions, r.Action)
		for _, v := range r.Detail {
			if strings.Contains(v, secret) || strings.Contains(v, tok) || strings.Contains(v, "$2a$10$hash") {
				t.Errorf("audit record %d holds a secret: %+v", r.Seq, r)
			}
		}
	}
	want := []string{store.ActionUserCreate, store.ActionUserUpdate, store.ActionUserCreate, store.ActionUserCreate,
		store.ActionLogin, store.ActionLogin, store.ActionKeyCreate, store.ActionKeyCreate, store.ActionKeyRevoke, store.ActionLoginFailed, store.ActionLogout}
	if strings.Join(actions, " ") != strings.Join(want, " ") {
		t.Errorf("audit actions\n got %v\nwant %v", actions, want)
	}
	verify(t, s)
}

func testAudit(t *testing.T, open Opener) {
	s := open(t, Clock())
	for i := 0; i < 5; i++ {
		if _, err := s.LoginFailed(fmt.Sprint("user", i), "", "bad password", 0); err != nil {
			t.Fatal(err)
		}
	}
	all, err := s.Audit(0, 0)
	if err != nil || len(all) != 5 {
		t.Fatalf("audit %d records, %v", len(all), err)
	}
	for i, r := range all {
		if r.Seq != uint64(i+1) || (i > 0 && r.Prev != all[i-1].Hash) || r.Hash == "" || r.At == "" {
			t.Errorf("record %d: %+v", i+1, r)
		}
	}
	if page, _ := s.Audit(2, 2); len(page) != 2 || page[0].Seq != 3 || page[1].Seq != 4 {
		t.Errorf("Audit(2, 2) = %+v, want records 3 and 4", page)
	}
	n, h, err := s.AuditHead()
	if err != nil || n != 5 || h != all[4].Hash {
		t.Errorf("head %d %q, want 5 %q", n, h, all[4].Hash)
	}
	if all[0].Actor != "user0" || all[0].Action != store.ActionLoginFailed || all[0].Detail["reason"] != "bad password" {
		t.Errorf("first record %+v", all[0])
	}
	verify(t, s)
}

// Concurrent opens two handles on one new database (open returns the
// first and a function opening the next) and interleaves, from both,
// imports, runs, decisions on the same findings and audit appends. Nothing
// may be lost: every run saved, each portfolio's run count equal to its
// runs, the last decision of each finding kept, one audit chain holding a
// record for every write.
func Concurrent(t *testing.T, open func(t *testing.T) (a, b store.Interface)) {
	a, b := open(t)
	snap := mustImport(t, a, CMICList(30, "base"), store.ImportOptions{User: "setup"})
	const workers, each = 4, 6
	var wg sync.WaitGroup
	errs := make(chan error, workers*each*4)
	runIDs := make(chan uint64, workers*each)
	for w := 0; w < workers; w++ {
		s := a
		if w%2 == 1 {
			s = b
		}
		wg.Add(1)
		go func(w int, s store.Interface) {
			defer wg.Done()
			for i := 0; i < each; i++ {
				// Two portfolios written by every worker: the run count is a
				// read-modify-write that must not lose an update.
				id, err := s.SaveRun(ChinaMobileRun(t, fmt.Sprint("shared-", i%2), snap.ID))
				if err != nil {
					errs <- fmt.Errorf("worker %d save: %w", w, err)
					continue
				}
				runIDs <- id
				if _, err := s.DecideFinding(store.FindingRef{Run: id, Line: 17, EntryID: "30923"},
					screener.Decision{Outcome: store.OutcomeCleared, Reviewer: fmt.Sprint("reviewer-", w), Reason: fmt.Sprint("round ", i)}); err != nil {
					errs <- fmt.Errorf("worker %d decide: %w", w, err)
				}
				d := screener.ReviewDecision{Key: fmt.Sprintf("KEY-%d-%d", w, i), List: screener.ListOFACConsolidated, EntryID: "30923",
					Fingerprint: "fp", Decision: screener.Decision{Outcome: store.OutcomeConfirmed, Reviewer: "r", Reason: "x"}}
				if _, err := s.Decide(d); err != nil {
					errs <- fmt.Errorf("worker %d decide key: %w", w, err)
				}
				if _, err := s.LoginFailed(fmt.Sprint("w", w), "10.0.0.1", "bad password", time.Hour); err != nil {
					errs <- fmt.Errorf("worker %d audit: %w", w, err)
				}
				// Every worker imports the same next list: one of them stores
				// it, the others find it already imported.
				l := CMICList(30, fmt.Sprint("round-", i))
				l.Entries = append(l.Entries, entry(fmt.Sprint(50000+i), fmt.Sprint("ROUND ", i), screener.ProgramCMIC))
				if _, err := s.Import([]*screener.List{l}, store.ImportOptions{User: fmt.Sprint("w", w)}); err != nil {
					errs <- fmt.Errorf("worker %d import: %w", w, err)
				}
			}
		}(w, s)
	}
	wg.Wait()
	close(errs)
	close(runIDs)
	for err := range errs {
		t.Error(err)
	}
	for _, s := range []store.Interface{a, b} {
		runs, err := s.Runs()
		if err != nil || len(runs) != workers*each {
			t.Errorf("%s: %d runs, %v; want %d", s.Path(), len(runs), err, workers*each)
		}
		for id := range runIDs {
			if _, err := s.Run(id); err != nil {
				t.Errorf("run %d: %v", id, err)
			}
		}
		ps, _ := s.Portfolios()
		total := 0
		for _, p := range ps {
			total += p.Runs
		}
		if len(ps) != 2 || total != workers*each {
			t.Errorf("portfolios %d with %d runs in all, want 2 with %d (a lost update)", len(ps), total, workers*each)
		}
		ds, _ := s.Decisions()
		if len(ds) != 1+workers*each {
			t.Errorf("%d decisions, want %d", len(ds), 1+workers*each)
		}
		snaps, _ := s.Snapshots(screener.ListOFACConsolidated)
		if len(snaps) != 1+each {
			t.Errorf("%d snapshots, want %d (each round's list once)", len(snaps), 1+each)
		}
		for i := 1; i < len(snaps); i++ {
			if snaps[i].Previous != snaps[i-1].ID {
				t.Errorf("snapshot %d follows %d, its record says %d", snaps[i].ID, snaps[i-1].ID, snaps[i].Previous)
			}
		}
		// setup import + per round: run, decision, decision, failed login,
		// and one import per round in all.
		want := uint64(1 + workers*each*4 + each)
		if n, _, err := s.AuditHead(); err != nil || n != want {
			t.Errorf("audit head %d, %v; want %d records", n, err, want)
		}
		verify(t, s)
	}
}

func testThrottles(t *testing.T, open Opener) {
	s := open(t, Clock())
	s.PutUser("admin", store.User{Name: "ann", Role: "compliance"})
	for i := 1; i <= 3; i++ {
		ts, err := s.LoginFailed("ann", "10.0.0.9", "bad password", time.Hour)
		if err != nil || len(ts) != 2 || ts[0].Key != store.ThrottleName("ann") || ts[0].Failures != i || ts[1].Key != store.ThrottleAddr("10.0.0.9") || ts[1].Failures != i {
			t.Fatalf("failure %d: %+v, %v", i, ts, err)
		}
	}
	if ts, _ := s.LoginFailed("bob", "", "no such user", time.Hour); len(ts) != 1 || ts[0].Failures != 1 {
		t.Errorf("a failure without an address counts the name only: %+v", ts)
	}
	ts, err := s.Throttles(time.Hour, store.ThrottleName("ann"), store.ThrottleAddr("10.0.0.9"), store.ThrottleName("nobody"))
	if err != nil || ts[0].Failures != 3 || ts[1].Failures != 3 || ts[2].Failures != 0 || ts[2].Key != store.ThrottleName("nobody") || !ts[0].First.Before(ts[0].Last) {
		t.Errorf("throttles %+v, %v", ts, err)
	}
	// The clock moves a second per reading: a one-second memory forgets.
	if ts, _ := s.Throttles(time.Second, store.ThrottleName("ann")); ts[0].Failures != 0 {
		t.Errorf("an old count reads %d, want 0", ts[0].Failures)
	}
	if ts, _ := s.LoginFailed("ann", "10.0.0.9", "bad password", time.Second); ts[0].Failures != 1 {
		t.Errorf("a failure after the memory ran out counts %d, want 1", ts[0].Failures)
	}
	if ls, _ := s.ListThrottles(time.Hour, 1); len(ls) != 3 || ls[0].Key != store.ThrottleAddr("10.0.0.9") || ls[1].Key != store.ThrottleName("ann") || ls[2].Failures != 1 {
		t.Errorf("ListThrottles(min 1) = %+v, want the address, ann and bob, in key order", ls)
	}
	if ls, _ := s.ListThrottles(time.Hour, 2); len(ls) != 0 {
		t.Errorf("ListThrottles(min 2) = %+v, want none", ls)
	}
	if err := s.LiftThrottle("admin", store.ThrottleAddr("10.0.0.9")); err != nil {
		t.Fatal(err)
	}
	if err := s.LiftThrottle("admin", store.ThrottleAddr("10.9.9.9")); err != nil {
		t.Errorf("lifting nothing: %v", err)
	}
	if _, _, err := s.Login("ann", time.Hour); err != nil {
		t.Fatal(err)
	}
	if ls, _ := s.ListThrottles(time.Hour, 1); len(ls) != 1 || ls[0].Key != store.ThrottleName("bob") {
		t.Errorf("after a lift and a sign-in: %+v, want only bob's count", ls)
	}
	// Names are clipped to valid UTF-8 before they are stored or hashed.
	if ts, err := s.LoginFailed("bad\xffname", "", "x", time.Hour); err != nil || ts[0].Key != store.ThrottleName("bad\uFFFDname") {
		t.Errorf("invalid UTF-8 name: %+v, %v", ts, err)
	}
	recs, _ := s.Audit(0, 0)
	var unlocks, fails int
	for _, r := range recs {
		switch r.Action {
		case store.ActionLoginUnlock:
			unlocks++
		case store.ActionLoginFailed:
			fails++
		}
	}
	if unlocks != 2 || fails != 6 || recs[1].Detail["addr"] != "10.0.0.9" || recs[1].Detail["failures"] != "1" {
		t.Errorf("%d unlock and %d failure records; first failure %+v", unlocks, fails, recs[1])
	}
	verify(t, s)
}

func testOwners(t *testing.T, open Opener) {
	s := open(t, Clock())
	snap := mustImport(t, s, CMICList(3, "a"), store.ImportOptions{})
	run := ChinaMobileRun(t, "EM fund", snap.ID)
	run.User = "fm-ann"
	if _, err := s.SaveRun(run); err != nil {
		t.Fatal(err)
	}
	p, err := s.Portfolio("EM fund")
	if err != nil || p.Owner != "fm-ann" || len(p.Access) != 0 {
		t.Fatalf("portfolio %+v, %v; want owned by fm-ann", p, err)
	}
	other := run
	other.User = "fm-bob"
	if _, err := s.SaveRun(other); screener.KindOf(err) != screener.KindForbidden {
		t.Errorf("another user's run into it: %v, want forbidden", err)
	}
	other.AnyPortfolio = true
	if _, err := s.SaveRun(other); err != nil {
		t.Errorf("compliance (AnyPortfolio) saving into it: %v", err)
	}
	other.AnyPortfolio = false
	if err := s.GrantPortfolio("compliance", "EM fund", "fm-bob", true); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SaveRun(other); err != nil {
		t.Errorf("a granted user's run: %v", err)
	}
	if err := s.GrantPortfolio("compliance", "EM fund", "fm-ann", true); screener.KindOf(err) != screener.KindConflict {
		t.Errorf("granting the owner: %v, want conflict", err)
	}
	if err := s.GrantPortfolio("compliance", "nothing", "fm-bob", true); screener.KindOf(err) != screener.KindNotFound {
		t.Errorf("granting on no portfolio: %v", err)
	}
	if err := s.GrantPortfolio("compliance", "EM fund", "", true); screener.KindOf(err) != screener.KindInvalid {
		t.Errorf("granting nobody: %v", err)
	}
	mine := ChinaMobileRun(t, "Bob's", snap.ID)
	mine.User = "fm-bob"
	s.SaveRun(mine)
	if names, _ := s.PortfoliosOf("fm-bob"); strings.Join(names, "|") != "Bob's|EM fund" {
		t.Errorf("PortfoliosOf(fm-bob) = %q", names)
	}
	if err := s.GrantPortfolio("compliance", "EM fund", "fm-bob", false); err != nil {
		t.Fatal(err)
	}
	if names, _ := s.PortfoliosOf("fm-bob"); strings.Join(names, "|") != "Bob's" {
		t.Errorf("after the revocation PortfoliosOf(fm-bob) = %q", names)
	}
	if _, err := s.SaveRun(other); screener.KindOf(err) != screener.KindForbidden {
		t.Errorf("a revoked user's run: %v, want forbidden", err)
	}
	if _, err := s.Portfolio("nothing"); screener.KindOf(err) != screener.KindNotFound {
		t.Errorf("no portfolio: %v", err)
	}
	recs, _ := s.Audit(0, 0)
	var acts []string
	for _, r := range recs {
		if r.Action == store.ActionPortfolioGrant || r.Action == store.ActionPortfolioRevoke {
			acts = append(acts, r.Action+" "+r.Detail["principal"]+" "+r.Detail["owner"])
		}
	}
	if strings.Join(acts, "; ") != "portfolio.grant fm-bob fm-ann; portfolio.revoke fm-bob fm-ann" {
		t.Errorf("grant audit records: %q", acts)
	}
	verify(t, s)
}

// testReviewsStayOpen: a review stays open until a decision, even when a
// later run of the portfolio lacks the row.
func testReviewsStayOpen(t *testing.T, open Opener) {
	s := open(t, Clock())
	snap := mustImport(t, s, CMICList(3, "a"), store.ImportOptions{})
	run1, err := s.SaveRun(ChinaMobileRun(t, "EM fund", snap.ID))
	if err != nil {
		t.Fatal(err)
	}
	clean := ChinaMobileRun(t, "EM fund", snap.ID)
	clean.Report = []byte(`{"summary":{"rows":1,"screened":1,"by_status":{"clear":1}},"findings":[]}`)
	if _, err := s.SaveRun(clean); err != nil {
		t.Fatal(err)
	}
	rs, err := s.OpenReviews()
	if err != nil || len(rs) != 1 || rs[0].Run != run1 || rs[0].Portfolio != "EM fund" || rs[0].Finding.Line != 17 {
		t.Fatalf("open reviews after a run without the row: %+v, %v", rs, err)
	}
	// Another portfolio with the same finding is its own review.
	if _, err := s.SaveRun(ChinaMobileRun(t, "Asia fund", snap.ID)); err != nil {
		t.Fatal(err)
	}
	if rs, _ := s.OpenReviews(); len(rs) != 2 || rs[0].Portfolio != "Asia fund" || rs[1].Portfolio != "EM fund" {
		t.Errorf("two portfolios: %+v", rs)
	}
	if _, err := s.DecideFinding(store.FindingRef{Run: run1, Line: 17, EntryID: "30923"},
		screener.Decision{Outcome: store.OutcomeCleared, Reviewer: "J. Smith", Reason: "ADR of another issuer"}); err != nil {
		t.Fatal(err)
	}
	if rs, _ := s.OpenReviews(); len(rs) != 0 {
		t.Errorf("a decision on the key settles both portfolios' reviews: %+v", rs)
	}
	verify(t, s)
}

// testRunInputs: a run saved with its inputs' digests and its summary, and
// no holdings, keeps them as given.
func testRunInputs(t *testing.T, open Opener) {
	s := open(t, Clock())
	snap := mustImport(t, s, CMICList(3, "a"), store.ImportOptions{})
	run := ChinaMobileRun(t, "EM fund", snap.ID)
	run.Holdings = nil
	run.Inputs = []store.Input{{Name: "eem.csv", Bytes: 1234, SHA256: strings.Repeat("ab", 32)}}
	run.Summary = &screener.Summary{Rows: 5000, Screened: 4990, ByStatus: map[screener.Status]int{screener.StatusReview: 7}}
	run.Findings = 7
	id, err := s.SaveRun(run)
	if err != nil {
		t.Fatal(err)
	}
	info, err := s.RunInfo(id)
	if err != nil || info.Holdings != 4990 || info.Findings != 7 || len(info.Inputs) != 1 || info.Inputs[0] != run.Inputs[0] || info.ByStatus[screener.StatusReview] != 7 {
		t.Errorf("run info %+v, %v", info, err)
	}
	got, err := s.Run(id)
	if err != nil || len(got.Holdings) != 0 || len(got.Inputs) != 1 || !bytes.Equal(got.Report, run.Report) {
		t.Errorf("run %+v, %v", got, err)
	}
	if ps, _ := s.Portfolios(); len(ps) != 1 || len(ps[0].Holdings) != 0 {
		t.Errorf("portfolios %+v", ps)
	}
	recs, _ := s.Audit(1, 0)
	if len(recs) != 1 || recs[0].Detail["inputs_sha256"] != run.Inputs[0].SHA256 || recs[0].Detail["holdings"] != "4990" {
		t.Errorf("run audit record %+v", recs)
	}
	// With its summary given, the run's open reviews are those its writer
	// gave, not decoded from the report: here none, then one.
	if rs, err := s.OpenReviews(); err != nil || len(rs) != 0 {
		t.Errorf("open reviews of a run given no reviews: %+v, %v", rs, err)
	}
	var rep screener.Report
	if err := json.Unmarshal(run.Report, &rep); err != nil {
		t.Fatal(err)
	}
	clearOne := rep.Findings[0]
	clearOne.Status, clearOne.Line = screener.StatusClear, 18
	run.Reviews = []screener.Finding{rep.Findings[0], clearOne}
	id2, err := s.SaveRun(run)
	if err != nil {
		t.Fatal(err)
	}
	rs, err := s.OpenReviews()
	if err != nil || len(rs) != 1 || rs[0].Run != id2 || rs[0].Finding.Line != 17 || rs[0].Finding.Entry.ID != "30923" {
		t.Errorf("open reviews of a run given its reviews: %+v, %v", rs, err)
	}
	verify(t, s)
}

// testBigReport: a report of megabytes (kept compressed) comes back byte
// for byte from Run and RunReport, its SHA-256 is of those bytes, it takes
// less room than its length in the quota's count, and a finding of it can
// be decided.
func testBigReport(t *testing.T, open Opener) {
	s := open(t, Clock())
	snap := mustImport(t, s, CMICList(3, "a"), store.ImportOptions{})
	run := ChinaMobileRun(t, "EM fund", snap.ID)
	var rep screener.Report
	if err := json.Unmarshal(run.Report, &rep); err != nil {
		t.Fatal(err)
	}
	f := rep.Findings[0]
	for i := 0; i < 20000; i++ {
		g := f
		g.Line = 100 + i
		g.Status = screener.StatusInfo
		rep.Findings = append(rep.Findings, g)
	}
	b, err := json.MarshalIndent(rep, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	run.Report = b
	id, err := s.SaveRun(run)
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.RunReport(id)
	if err != nil || !bytes.Equal(got, b) {
		t.Fatalf("RunReport of a %d-byte report: %d bytes back, %v", len(b), len(got), err)
	}
	r, err := s.Run(id)
	if err != nil || !bytes.Equal(r.Report, b) {
		t.Fatalf("Run's report: %d bytes back, %v", len(r.Report), err)
	}
	info, _ := s.RunInfo(id)
	if info.ReportSHA256 != store.HashSecret(string(b)) {
		t.Errorf("report_sha256 %s is not the report's", info.ReportSHA256)
	}
	if n, err := s.Usage("ann"); err != nil || n <= 0 || n >= int64(len(b))/2 {
		t.Errorf("usage %d, %v for a %d-byte report: want it kept compressed", n, err, len(b))
	}
	if _, err := s.DecideFinding(store.FindingRef{Run: id, Line: 17, EntryID: "30923"},
		screener.Decision{Outcome: store.OutcomeCleared, Reviewer: "J. Smith", Reason: "ADR of another issuer"}); err != nil {
		t.Errorf("decide a finding of a big report: %v", err)
	}
	verify(t, s)
}

func fundReg(t *testing.T, day, sha string, ids ...screener.ID) funds.Registration {
	t.Helper()
	d, err := screener.ParseDate(day)
	if err != nil {
		t.Fatal(err)
	}
	h := screener.Holding{File: "eem.csv", Line: 2, ISIN: "HK0941009539", Name: "CHINA MOBILE LTD",
		Weight: decimal.RequireFromString("1.5"), HasWeight: true, USPerson: screener.USPersonYes}
	return funds.Registration{Name: "iShares MSCI Emerging Markets ETF", IDs: ids, Holdings: []screener.Holding{h},
		Set: funds.SetInfo{AsOf: d, File: "eem.csv", SHA256: sha, Rows: 1, Holdings: 1}}
}

func testFunds(t *testing.T, open Opener) {
	s := open(t, Clock())
	if fs, err := s.Funds(); err != nil || len(fs) != 0 {
		t.Errorf("funds of a new store: %+v, %v", fs, err)
	}
	isin := screener.ID{Type: funds.IDISIN, Value: "US4642872349"}
	tick := screener.ID{Type: funds.IDTicker, Value: "US:EEM"}
	f1, s1, added, err := s.AddFundHoldings("alice", fundReg(t, "2025-01-31", "aa", isin))
	if err != nil || !added || f1.ID != 1 || s1.Seq != 1 || s1.By != "alice" || s1.At.IsZero() {
		t.Fatalf("first set: %+v %+v added %v, %v", f1, s1, added, err)
	}
	if _, _, added, err := s.AddFundHoldings("alice", fundReg(t, "2025-01-31", "aa", isin)); err != nil || added {
		t.Errorf("repeat: added %v, %v; want not added", added, err)
	}
	cusip := screener.ID{Type: funds.IDCUSIP, Value: "464287234"}
	f2, s2, added, err := s.AddFundHoldings("bob", fundReg(t, "2024-12-31", "bb", cusip, tick))
	if err != nil || !added || f2.ID != f1.ID || s2.Seq == s1.Seq {
		t.Fatalf("second set: fund %d (want %d), set %d, added %v, %v", f2.ID, f1.ID, s2.Seq, added, err)
	}
	if len(f2.Sets) != 2 || f2.Sets[0].AsOf.String() != "2024-12-31" || len(f2.IDs) != 3 {
		t.Errorf("fund after the second set: %+v", f2)
	}
	other := screener.ID{Type: funds.IDISIN, Value: "IE00B4L5Y983"}
	f3, _, _, err := s.AddFundHoldings("bob", fundReg(t, "2025-01-31", "cc", other))
	if err != nil || f3.ID == f1.ID {
		t.Fatalf("another fund: %+v, %v", f3, err)
	}
	if _, _, _, err := s.AddFundHoldings("bob", fundReg(t, "2025-02-28", "dd", other, isin)); screener.KindOf(err) != screener.KindConflict {
		t.Errorf("ids of two funds: %v, want a conflict", err)
	}
	if _, _, _, err := s.AddFundHoldings("bob", funds.Registration{}); screener.KindOf(err) != screener.KindInvalid {
		t.Errorf("no identifier: %v", err)
	}
	for _, k := range []string{"ISIN:US4642872349", "TICKER:US:EEM"} {
		if f, err := s.FundByKey(k); err != nil || f.ID != f1.ID {
			t.Errorf("FundByKey(%s) = %d, %v", k, f.ID, err)
		}
	}
	if _, err := s.FundByKey("ISIN:XX0000000000"); screener.KindOf(err) != screener.KindNotFound {
		t.Errorf("unknown key: %v", err)
	}
	if f, err := s.Fund(f3.ID); err != nil || f.IDs[0] != other {
		t.Errorf("Fund(%d) = %+v, %v", f3.ID, f, err)
	}
	if _, err := s.Fund(99); screener.KindOf(err) != screener.KindNotFound {
		t.Errorf("no fund 99: %v", err)
	}
	hs, err := s.FundHoldings(s2.Seq)
	if err != nil || len(hs) != 1 || !hs[0].HasWeight || hs[0].USPerson != screener.USPersonYes || !hs[0].Weight.Equal(decimal.RequireFromString("1.5")) {
		t.Errorf("FundHoldings: %+v, %v", hs, err)
	}
	if _, err := s.FundHoldings(99); screener.KindOf(err) != screener.KindNotFound {
		t.Errorf("no set 99: %v", err)
	}
	if fs, _ := s.Funds(); len(fs) != 2 || fs[0].ID != f1.ID {
		t.Errorf("Funds: %+v", fs)
	}
	recs, _ := s.Audit(0, 0)
	if len(recs) != 3 || recs[0].Action != "fund.holdings.add" || recs[0].Subject != "fund/1" || recs[1].Detail["set"] != fmt.Sprint(s2.Seq) {
		t.Errorf("fund audit records: %+v", recs)
	}
	verify(t, s)
}

// testRetention: PurgeRuns keeps each portfolio's latest run and runs with
// open reviews, is audited, and a dry run removes nothing; Usage counts a
// principal's runs; Writable holds on a healthy store.
func testRetention(t *testing.T, open Opener) {
	s := open(t, Clock())
	if err := s.Writable(); err != nil {
		t.Errorf("Writable: %v", err)
	}
	snap := mustImport(t, s, CMICList(3, "a"), store.ImportOptions{})
	run := ChinaMobileRun(t, "EM fund", snap.ID)
	reviewed, err := s.SaveRun(run)
	if err != nil {
		t.Fatal(err)
	}
	clean := run
	clean.Report = json.RawMessage(`{"summary":{"rows":0},"findings":[]}`)
	old, _ := s.SaveRun(clean)
	latest, _ := s.SaveRun(clean)
	if u, err := s.Usage("ann"); err != nil || u < int64(len(run.Report)) {
		t.Errorf("usage of ann: %d, %v", u, err)
	}
	if u, err := s.Usage("nobody"); err != nil || u != 0 {
		t.Errorf("usage of nobody: %d, %v", u, err)
	}
	before, _ := s.Usage("ann")
	infos, _ := s.Runs()
	cut := infos[0].SavedAt.Add(1)
	dry, err := s.PurgeRuns("admin", cut, true)
	if err != nil || len(dry.Removed) != 1 || dry.Removed[0] != old || dry.Kept != 2 || dry.Bytes == 0 {
		t.Fatalf("dry run: %+v, %v; want run %d removed, 2 kept", dry, err, old)
	}
	if runs, _ := s.Runs(); len(runs) != 3 {
		t.Fatalf("a dry run removed runs: %d left", len(runs))
	}
	head, _, _ := s.AuditHead()
	got, err := s.PurgeRuns("admin", cut, false)
	if err != nil || len(got.Removed) != 1 || got.Bytes != dry.Bytes {
		t.Fatalf("purge: %+v, %v", got, err)
	}
	if after, _ := s.Usage("ann"); after != before-got.Bytes {
		t.Errorf("usage after the purge %d, want %d - %d", after, before, got.Bytes)
	}
	if _, err := s.Run(old); screener.KindOf(err) != screener.KindNotFound {
		t.Errorf("purged run %d still readable: %v", old, err)
	}
	for _, id := range []uint64{reviewed, latest} {
		if _, err := s.Run(id); err != nil {
			t.Errorf("kept run %d: %v", id, err)
		}
	}
	recs, _ := s.Audit(head, 0)
	if len(recs) != 1 || recs[0].Action != store.ActionPurge || recs[0].Detail["removed"] != "1" || recs[0].Detail["first"] != fmt.Sprint(old) {
		t.Errorf("purge audit records %+v", recs)
	}
	if again, err := s.PurgeRuns("admin", cut, false); err != nil || len(again.Removed) != 0 {
		t.Errorf("a second purge: %+v, %v", again, err)
	}
	if n, _, _ := s.AuditHead(); n != head+2 {
		t.Errorf("a purge that removes nothing is on record too: head %d, want %d", n, head+2)
	}
	verify(t, s)
}
