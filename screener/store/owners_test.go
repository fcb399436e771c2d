package store_test

import (
	"encoding/json"
	"path/filepath"
	"testing"

	"github.com/screener/screener/screener"
	"github.com/screener/screener/screener/store"
	bolt "go.etcd.io/bbolt"
)

// A portfolio belongs to the principal whose run created it: another
// cannot save into it until granted access (audited); compliance may.
func TestPortfolioOwner(t *testing.T) {
	s := openTemp(t)
	res, err := s.Import([]*screener.List{withSource(cmicList(3, "ofac-csv"), "a")}, store.ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	run := chinaMobileRun(t, res[0].Snapshot.ID)
	if _, err := s.SaveRun(run); err != nil {
		t.Fatal(err)
	}
	p, err := s.Portfolio("EM fund")
	if err != nil || p.Owner != "ann" {
		t.Fatalf("portfolio %+v, %v: want owner ann", p, err)
	}
	other := run
	other.User = "mallory"
	if _, err := s.SaveRun(other); screener.KindOf(err) != screener.KindForbidden {
		t.Fatalf("mallory saving into ann's portfolio: %v, want forbidden", err)
	}
	if runs, _ := s.Runs(); len(runs) != 1 {
		t.Errorf("a refused run was saved: %d runs", len(runs))
	}
	sup := run
	sup.User, sup.AnyPortfolio = "carol", true
	if _, err := s.SaveRun(sup); err != nil {
		t.Errorf("compliance saving into any portfolio: %v", err)
	}
	if err := s.GrantPortfolio("carol", "EM fund", "mallory", true); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SaveRun(other); err != nil {
		t.Errorf("mallory after the grant: %v", err)
	}
	if names, _ := s.PortfoliosOf("mallory"); len(names) != 1 || names[0] != "EM fund" {
		t.Errorf("mallory's portfolios %v", names)
	}
	if err := s.GrantPortfolio("carol", "EM fund", "mallory", false); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SaveRun(other); screener.KindOf(err) != screener.KindForbidden {
		t.Errorf("mallory after the revoke: %v, want forbidden", err)
	}
	recs, _ := s.Audit(0, 0)
	var acts []string
	for _, r := range recs {
		if r.Action == store.ActionPortfolioGrant || r.Action == store.ActionPortfolioRevoke {
			acts = append(acts, r.Action+" "+r.Actor+" "+r.Detail["principal"])
		}
	}
	if len(acts) != 2 || acts[0] != "portfolio.grant carol mallory" || acts[1] != "portfolio.revoke carol mallory" {
		t.Errorf("audit of access changes: %v", acts)
	}
	if err := s.VerifyAudit(); err != nil {
		t.Error(err)
	}
}

// A later run without the row does not settle a review; a decision does.
func TestReviewStaysOpenUntilDecided(t *testing.T) {
	s := openTemp(t)
	res, err := s.Import([]*screener.List{withSource(cmicList(3, "ofac-csv"), "a")}, store.ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	run := chinaMobileRun(t, res[0].Snapshot.ID)
	id, err := s.SaveRun(run)
	if err != nil {
		t.Fatal(err)
	}
	clean := run
	clean.Holdings = nil
	clean.Report = json.RawMessage(`{"schema":"` + screener.ReportSchema + `","summary":{"rows":0},"findings":[]}`)
	if _, err := s.SaveRun(clean); err != nil {
		t.Fatal(err)
	}
	open, err := s.OpenReviews()
	if err != nil || len(open) != 1 || open[0].Run != id || open[0].Portfolio != "EM fund" {
		t.Fatalf("after a clean upload: %+v, %v; want the review of run %d still open", open, err, id)
	}
	if _, err := s.DecideFinding(store.FindingRef{Run: id, Line: 17, EntryID: "30923"},
		screener.Decision{Outcome: store.OutcomeCleared, Reviewer: "bob", Reason: "different issuer"}); err != nil {
		t.Fatal(err)
	}
	if open, _ := s.OpenReviews(); len(open) != 0 {
		t.Errorf("after the decision: %d open", len(open))
	}
}

// A schema-2 file (no owners, no open-review bucket) migrates: each
// portfolio's owner is its first run's user, and reviews of earlier runs
// are open again.
func TestMigrateOwners(t *testing.T) {
	path := filepath.Join(t.TempDir(), "old.db")
	s := openAt(t, path)
	res, _ := s.Import([]*screener.List{withSource(cmicList(3, "ofac-csv"), "a")}, store.ImportOptions{})
	run := chinaMobileRun(t, res[0].Snapshot.ID)
	if _, err := s.SaveRun(run); err != nil {
		t.Fatal(err)
	}
	s.Close()
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		pb := tx.Bucket([]byte("portfolios"))
		var p map[string]any
		json.Unmarshal(pb.Get([]byte("EM fund")), &p)
		delete(p, "owner")
		b, _ := json.Marshal(p)
		if err := pb.Put([]byte("EM fund"), b); err != nil {
			return err
		}
		if err := tx.DeleteBucket([]byte("open_reviews")); err != nil {
			return err
		}
		return tx.Bucket([]byte("meta")).Put([]byte("schema"), []byte{0, 0, 0, 0, 0, 0, 0, 2})
	})
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	s = openAt(t, path)
	if p, _ := s.Portfolio("EM fund"); p.Owner != "ann" {
		t.Errorf("migrated owner %q, want ann", p.Owner)
	}
	if open, _ := s.OpenReviews(); len(open) != 1 {
		t.Errorf("migrated open reviews: %d, want 1", len(open))
	}
}

// PurgeRuns removes old runs but keeps each portfolio's latest run and any
// run with an open review; it is audited, and a dry run removes nothing.
func TestPurgeRuns(t *testing.T) {
	s := openTemp(t)
	res, _ := s.Import([]*screener.List{withSource(cmicList(3, "ofac-csv"), "a")}, store.ImportOptions{})
	run := chinaMobileRun(t, res[0].Snapshot.ID)
	reviewed, err := s.SaveRun(run) // has a review: kept while it is open
	if err != nil {
		t.Fatal(err)
	}
	clean := run
	clean.Report = json.RawMessage(`{"summary":{"rows":0},"findings":[]}`)
	old, _ := s.SaveRun(clean)
	latest, _ := s.SaveRun(clean)
	infos, _ := s.Runs()
	cut := infos[0].SavedAt.Add(1)
	dry, err := s.PurgeRuns("ann", cut, true)
	if err != nil || len(dry.Removed) != 1 || dry.Removed[0] != old || dry.Kept != 2 {
		t.Fatalf("dry run: %+v, %v; want run %d removed, 2 kept", dry, err, old)
	}
	if runs, _ := s.Runs(); len(runs) != 3 {
		t.Fatalf("a dry run removed runs: %d left", len(runs))
	}
	got, err := s.PurgeRuns("ann", cut, false)
	if err != nil || len(got.Removed) != 1 || got.Bytes == 0 {
		t.Fatalf("purge: %+v, %v", got, err)
	}
	if _, err := s.Run(old); screener.KindOf(err) != screener.KindNotFound {
		t.Errorf("purged run %d still readable: %v", old, err)
	}
	for _, id := range []uint64{reviewed, latest} {
		if _, err := s.Run(id); err != nil {
			t.Errorf("kept run %d: %v", id, err)
		}
	}
	recs, _ := s.Audit(0, 0)
	if last := recs[len(recs)-1]; last.Action != store.ActionPurge || last.Detail["removed"] != "1" {
		t.Errorf("last audit record %+v, want run.purge removed=1", last)
	}
	if err := s.VerifyAudit(); err != nil {
		t.Error(err)
	}
	if u, err := s.Usage("ann"); err != nil || u == 0 {
		t.Errorf("usage of ann: %d, %v", u, err)
	}
}
