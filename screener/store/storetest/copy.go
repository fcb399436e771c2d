package storetest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/screener/screener/screener"
	"github.com/screener/screener/screener/funds"
	"github.com/screener/screener/screener/store"
)

// Populated is what Populate stored that a store cannot list back: the
// secrets it handed out.
type Populated struct {
	Sessions []string // session tokens
	Keys     []string // API key secrets
}

// Populate stores at least one record of every kind through the store's
// methods: two snapshots of a list, a run with holdings and one without,
// a decision, an open review, a portfolio grant, users with password
// hashes, a session, a key and a revoked key, a failed sign-in, a fund
// with two holdings sets.
func Populate(t *testing.T, s store.Interface) Populated {
	t.Helper()
	var p Populated
	snap1 := mustImport(t, s, CMICList(3, "a"), store.ImportOptions{}).ID
	snap2 := mustImport(t, s, CMICList(5, "b"), store.ImportOptions{User: "ann"}).ID
	run1, err := s.SaveRun(ChinaMobileRun(t, "EM fund", snap1))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.DecideFinding(store.FindingRef{Run: run1, Line: 17, EntryID: "30923"},
		screener.Decision{Outcome: store.OutcomeCleared, Reviewer: "J. Smith", Reason: "fund holds the ADR of another issuer"}); err != nil {
		t.Fatal(err)
	}
	// A run without holdings whose finding no decision settles: an open
	// review on another security.
	other := ChinaMobileRun(t, "Asia", snap2)
	other.Holdings = nil
	other.Inputs = []store.Input{{Name: "asia.csv", Bytes: 1234, SHA256: "0f0f"}}
	other.Report = bytes.ReplaceAll(other.Report, []byte("HK0941009539"), []byte("CNE1000002H1"))
	if _, err := s.SaveRun(other); err != nil {
		t.Fatal(err)
	}
	if err := s.GrantPortfolio("compliance", "EM fund", "bob", true); err != nil {
		t.Fatal(err)
	}
	for _, u := range []store.User{{Name: "ann", Role: "analyst", PasswordHash: []byte("$2a$10$ann.hash")},
		{Name: "bob", Role: "compliance", PasswordHash: []byte{0, 1, 2, 0xff}}} {
		if _, err := s.PutUser("admin", u); err != nil {
			t.Fatal(err)
		}
	}
	tok, _, err := s.Login("ann", 24*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	p.Sessions = append(p.Sessions, tok)
	for _, name := range []string{"ci", "old"} {
		key, k, err := s.CreateAPIKey("admin", name, "analyst")
		if err != nil {
			t.Fatal(err)
		}
		p.Keys = append(p.Keys, key)
		if name == "old" {
			if err := s.RevokeAPIKey("admin", k.Hash); err != nil {
				t.Fatal(err)
			}
		}
	}
	if _, err := s.LoginFailed("mallory", "10.0.0.9", "bad password", time.Hour); err != nil {
		t.Fatal(err)
	}
	isin := screener.ID{Type: funds.IDISIN, Value: "US4642872349"}
	tick := screener.ID{Type: funds.IDTicker, Value: "US:EEM"}
	if _, _, _, err := s.AddFundHoldings("alice", fundReg(t, "2025-01-31", "aa", isin)); err != nil {
		t.Fatal(err)
	}
	if _, _, _, err := s.AddFundHoldings("alice", fundReg(t, "2024-12-31", "bb", tick)); err != nil {
		t.Fatal(err)
	}
	return p
}

// SameContents checks that got reads back everything want holds, through
// the store interface: snapshots and their entries, runs with their
// holdings and report bytes, portfolios, decisions, open reviews, users,
// sessions and keys (p's secrets), throttles, funds and their sets, and
// the audit log with its head.
func SameContents(t *testing.T, want, got store.Interface, p Populated) {
	t.Helper()
	type S = store.Interface
	ws := sameRead(t, "snapshots", want, got, func(s S) ([]store.Snapshot, error) { return s.Snapshots("") })
	for _, snap := range ws {
		sameRead(t, "list of snapshot "+snap.List, want, got, func(s S) (*screener.List, error) { return s.List(snap.ID) })
	}
	sameRead(t, "latest lists", want, got, func(s S) ([]*screener.List, error) { l, _, err := s.LatestLists(); return l, err })
	for _, r := range sameRead(t, "runs", want, got, S.Runs) {
		w := sameRead(t, "run", want, got, func(s S) (store.Run, error) { return s.Run(r.ID) })
		if len(w.Report) == 0 {
			t.Errorf("run %d: no report", r.ID)
		}
		sameRead(t, "run report", want, got, func(s S) (json.RawMessage, error) { return s.RunReport(r.ID) })
	}
	for _, x := range sameRead(t, "portfolios", want, got, S.Portfolios) {
		sameRead(t, "portfolio "+x.Name, want, got, func(s S) (store.Portfolio, error) { return s.Portfolio(x.Name) })
	}
	sameRead(t, "decisions", want, got, S.Decisions)
	sameRead(t, "open reviews", want, got, S.OpenReviews)
	sameRead(t, "users", want, got, S.Users)
	for _, tok := range p.Sessions {
		sameRead(t, "session", want, got, func(s S) (store.Session, error) { return s.Session(tok) })
	}
	sameRead(t, "api keys", want, got, S.APIKeys)
	for _, key := range p.Keys {
		sameRead(t, "api key", want, got, func(s S) (store.APIKey, error) { return s.APIKeyByHash(store.HashSecret(key)) })
	}
	sameRead(t, "throttles", want, got, func(s S) ([]store.Throttle, error) { return s.ListThrottles(0, 0) })
	for _, f := range sameRead(t, "funds", want, got, S.Funds) {
		for _, set := range f.Sets {
			sameRead(t, "fund holdings", want, got, func(s S) ([]screener.Holding, error) { return s.FundHoldings(set.Seq) })
		}
		for _, id := range f.IDs {
			for _, k := range funds.IndexKeys(id) {
				sameRead(t, "fund by key "+k, want, got, func(s S) (funds.Fund, error) { return s.FundByKey(k) })
			}
		}
	}
	sameRead(t, "audit log", want, got, func(s S) ([]store.AuditRecord, error) { return s.Audit(0, 0) })
	sameRead(t, "audit head", want, got, func(s S) ([]any, error) { n, h, err := s.AuditHead(); return []any{n, h}, err })
	if err := got.VerifyAudit(); err != nil {
		t.Errorf("the copy's audit chain: %v", err)
	}
}

// sameRead reads with read from want and from got, reports an error or a
// difference as what, and returns want's value.
func sameRead[T any](t *testing.T, what string, want, got store.Interface, read func(store.Interface) (T, error)) T {
	t.Helper()
	w, werr := read(want)
	g, gerr := read(got)
	if werr != nil || gerr != nil {
		t.Errorf("%s: %v; copy: %v", what, werr, gerr)
		return w
	}
	if !reflect.DeepEqual(w, g) {
		t.Errorf("%s differ:\n got %+v\nwant %+v", what, g, w)
	}
	return w
}

// CopyRoundTrip populates a store made by from, copies it into one made
// by to and back into another made by from, checking each copy through the
// store interface, that a write on a copy takes new ids and chains on, and
// that a copy into a store holding records is refused and leaves it as it
// was.
func CopyRoundTrip(t *testing.T, from, to Opener) {
	ctx := context.Background()
	src := from(t, Clock())
	p := Populate(t, src)
	dst := to(t, Clock())
	res, err := store.Copy(ctx, src, dst)
	if err != nil {
		t.Fatalf("copy: %v", err)
	}
	for _, c := range res.Counts {
		if c.Source == 0 || c.Source != c.Copy {
			t.Errorf("%s: %d records, %d copied; want at least one of every kind, all copied", c.Kind, c.Source, c.Copy)
		}
	}
	seq, head, _ := src.AuditHead()
	if res.AuditSeq != seq || res.AuditHead != head || seq == 0 {
		t.Errorf("copy result: audit %d %s, source %d %s", res.AuditSeq, res.AuditHead, seq, head)
	}
	SameContents(t, src, dst, p)
	if n, h, _ := src.AuditHead(); n != seq || h != head {
		t.Errorf("the source's audit head moved to %d %s", n, h)
	}

	// Writes on the copy take ids past the copied ones and chain on.
	runs, _ := src.Runs()
	snaps, _ := src.Snapshots("")
	fs, _ := src.Funds()
	id, err := dst.SaveRun(ChinaMobileRun(t, "EM fund", snaps[0].ID))
	if err != nil || id <= runs[0].ID {
		t.Errorf("a run saved on the copy: id %d, %v; want past %d", id, err, runs[0].ID)
	}
	imp := mustImport(t, dst, CMICList(6, "c"), store.ImportOptions{})
	if imp.ID <= snaps[len(snaps)-1].ID {
		t.Errorf("a snapshot imported on the copy: id %d, want past %d", imp.ID, snaps[len(snaps)-1].ID)
	}
	f, set, _, err := dst.AddFundHoldings("alice", fundReg(t, "2025-01-31", "zz", screener.ID{Type: funds.IDISIN, Value: "IE00B4L5Y983"}))
	if err != nil || f.ID <= fs[len(fs)-1].ID || set.Seq <= 2 {
		t.Errorf("a fund registered on the copy: id %d set %d, %v; want past %d and 2", f.ID, set.Seq, err, fs[len(fs)-1].ID)
	}
	if err := dst.VerifyAudit(); err != nil {
		t.Errorf("the copy's audit chain after writes: %v", err)
	}
	if n, _, _ := dst.AuditHead(); n != seq+3 {
		t.Errorf("the copy's audit head after three writes: %d, want %d", n, seq+3)
	}

	// And back, with the writes.
	back := from(t, Clock())
	if _, err := store.Copy(ctx, dst, back); err != nil {
		t.Fatalf("copy back: %v", err)
	}
	SameContents(t, dst, back, p)
	id2, err := back.SaveRun(ChinaMobileRun(t, "EM fund", snaps[0].ID))
	if err != nil || id2 <= id {
		t.Errorf("a run saved on the copy of the copy: id %d, %v; want past %d", id2, err, id)
	}

	// Into a store that holds records: refused, nothing written.
	for _, target := range []store.Interface{dst, back} {
		n, h, _ := target.AuditHead()
		_, err := store.Copy(ctx, src, target)
		var ne *store.NotEmptyError
		if !errors.As(err, &ne) || screener.KindOf(err) != screener.KindConflict {
			t.Errorf("copy into %s, which holds records: %v; want a not-empty conflict", target.Path(), err)
		}
		if n2, h2, _ := target.AuditHead(); n2 != n || h2 != h {
			t.Errorf("refused copy into %s moved its audit head", target.Path())
		}
	}
}
