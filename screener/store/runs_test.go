package store_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/screener/screener/screener"
	"github.com/screener/screener/screener/store"
	"github.com/shopspring/decimal"
)

// chinaMobileRun is a run of one holdings row that reached CHINA MOBILE
// LIMITED (OFAC 30923) by a name match needing review.
func chinaMobileRun(t *testing.T, snap uint64) store.Run {
	t.Helper()
	hs := []screener.Holding{{File: "eem.csv", Line: 17, Portfolio: "EM fund", Name: "CHINA MOBILE LTD",
		ISIN: "HK0941009539", Quantity: decimal.RequireFromString("1200"), HasQuantity: true,
		MarketValue: decimal.RequireFromString("10440.00"), HasValue: true, Currency: "HKD", USPerson: screener.USPersonNo}}
	rep := screener.Report{Schema: screener.ReportSchema, AsOf: "2026-01-15T09:30:00Z", Files: []string{"eem.csv"},
		Summary: screener.Summary{Rows: 1, Screened: 1, ByStatus: map[screener.Status]int{screener.StatusReview: 1}},
		Findings: []screener.Finding{{File: "eem.csv", Line: 17, Portfolio: "EM fund", Status: screener.StatusReview,
			Basis: []screener.Basis{screener.BasisNameSimilar}, Key: "HK0941009539",
			Entry:    &screener.EntryRef{ID: "30923", Name: "CHINA MOBILE LIMITED", Program: screener.ProgramCMIC, List: screener.ListOFACConsolidated},
			Quantity: decimal.RequireFromString("1200"), MarketValue: decimal.RequireFromString("10440.00"), Currency: "HKD"}}}
	b, err := json.MarshalIndent(rep, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return store.Run{Portfolio: "EM fund", User: "ann", AsOf: time.Date(2026, 1, 15, 9, 30, 0, 0, time.UTC),
		Files: []string{"eem.csv"}, Holdings: hs, Report: b, SnapshotIDs: []uint64{snap}}
}

func TestSaveRun(t *testing.T) {
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
	got, err := s.Run(id)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got.Report, run.Report) {
		t.Error("report bytes changed in the store")
	}
	h := got.Holdings[0]
	if !h.HasQuantity || !h.HasValue || h.HasPrice || h.USPerson != screener.USPersonNo || !h.MarketValue.Equal(decimal.RequireFromString("10440")) {
		t.Errorf("holding came back as %+v", h)
	}
	infos, err := s.Runs()
	if err != nil || len(infos) != 1 || infos[0].Findings != 1 || infos[0].ByStatus[screener.StatusReview] != 1 {
		t.Errorf("Runs: %+v, %v", infos, err)
	}

	// A second run of the same portfolio becomes its latest.
	run.Holdings = append(run.Holdings, screener.Holding{File: "eem.csv", Line: 18, Name: "TENCENT"})
	id2, _ := s.SaveRun(run)
	ps, err := s.Portfolios()
	if err != nil || len(ps) != 1 {
		t.Fatalf("portfolios %+v, %v", ps, err)
	}
	if p := ps[0]; p.Name != "EM fund" || p.Runs != 2 || p.LatestRun != id2 || len(p.Holdings) != 2 {
		t.Errorf("portfolio %+v, want EM fund, 2 runs, latest %d, 2 holdings", p, id2)
	}

	// Errors.
	if _, err := s.SaveRun(store.Run{Report: []byte("{not json")}); screener.KindOf(err) != screener.KindInvalid {
		t.Errorf("bad report: %v, want invalid", err)
	}
	bad := chinaMobileRun(t, 99)
	if _, err := s.SaveRun(bad); screener.KindOf(err) != screener.KindNotFound {
		t.Errorf("unknown snapshot: %v, want not found", err)
	}
}

// TestDecisionAppliesThenReopens records a decision on a run, sees it
// returned for the next run of the same file, and sees it re-opened after
// an import that changes the entry.
func TestDecisionAppliesThenReopens(t *testing.T) {
	s := openTemp(t)
	res, _ := s.Import([]*screener.List{withSource(cmicList(3, "ofac-csv"), "a")}, store.ImportOptions{})
	snap1 := res[0].Snapshot.ID
	run1, err := s.SaveRun(chinaMobileRun(t, snap1))
	if err != nil {
		t.Fatal(err)
	}
	if open, _ := s.OpenReviews(); len(open) != 1 || open[0].Finding.Entry.ID != "30923" || open[0].Reopened != nil {
		t.Fatalf("open reviews before the decision: %+v", open)
	}
	d, err := s.DecideFinding(store.FindingRef{Run: run1, Line: 17, EntryID: "30923"},
		screener.Decision{Outcome: "cleared", Reviewer: "J. Smith", Reason: "fund holds the ADR of another issuer"})
	if err != nil {
		t.Fatal(err)
	}
	l1, _ := s.List(snap1)
	if d.Key != "HK0941009539" || d.List != screener.ListOFACConsolidated || d.EntryID != "30923" ||
		d.Fingerprint != screener.EntryFingerprint(&l1.Entries[0]) || d.Decision.At != "2026-01-15T09:30:05Z" {
		t.Errorf("decision %+v", d)
	}

	// The next run of the same file: the engine gets the decision back
	// under the finding's key, and it still applies to the entry.
	run2, _ := s.SaveRun(chinaMobileRun(t, snap1))
	ds, err := s.Decisions()
	if err != nil || len(ds) != 1 {
		t.Fatalf("decisions %+v, %v", ds, err)
	}
	f := chinaMobileRun(t, snap1)
	var rep screener.Report
	json.Unmarshal(f.Report, &rep)
	if !ds[0].Matches(&rep.Findings[0]) || !ds[0].Applies(&l1.Entries[0]) {
		t.Errorf("decision %+v does not match the finding or the entry", ds[0])
	}
	if open, _ := s.OpenReviews(); len(open) != 0 {
		t.Errorf("open reviews after the decision: %+v, want none", open)
	}

	// OFAC adds an ISIN to China Mobile: the decision is re-opened.
	next := withSource(cmicList(3, "ofac-csv"), "b")
	next.Entries[0].ISINs = []string{"US16941M1099"}
	res, _ = s.Import([]*screener.List{next}, store.ImportOptions{})
	l2, _ := s.List(res[0].Snapshot.ID)
	if ds[0].Applies(&l2.Entries[0]) {
		t.Error("decision still applies after the entry changed")
	}
	if _, err := s.SaveRun(chinaMobileRun(t, res[0].Snapshot.ID)); err != nil {
		t.Fatal(err)
	}
	open, _ := s.OpenReviews()
	if len(open) != 1 || open[0].Reopened == nil || open[0].Reopened.Decision.Reviewer != "J. Smith" {
		t.Errorf("open reviews after the change: %+v, want China Mobile re-opened", open)
	}
	_ = run2

	// Bad decisions.
	for _, tt := range []struct {
		name string
		ref  store.FindingRef
		dec  screener.Decision
		kind screener.Kind
	}{
		{"no reason", store.FindingRef{Run: run1, Line: 17, EntryID: "30923"}, screener.Decision{Outcome: "cleared", Reviewer: "x"}, screener.KindInvalid},
		{"bad outcome", store.FindingRef{Run: run1, Line: 17, EntryID: "30923"}, screener.Decision{Outcome: "maybe", Reviewer: "x", Reason: "r"}, screener.KindInvalid},
		{"wrong line", store.FindingRef{Run: run1, Line: 18, EntryID: "30923"}, screener.Decision{Outcome: "cleared", Reviewer: "x", Reason: "r"}, screener.KindNotFound},
		{"no run", store.FindingRef{Run: 42, Line: 17, EntryID: "30923"}, screener.Decision{Outcome: "cleared", Reviewer: "x", Reason: "r"}, screener.KindNotFound},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := s.DecideFinding(tt.ref, tt.dec); screener.KindOf(err) != tt.kind {
				t.Errorf("got %v, want kind %s", err, tt.kind)
			}
		})
	}
	if err := s.VerifyAudit(); err != nil {
		t.Error(err)
	}
}

func TestUsersAndKeys(t *testing.T) {
	s := openTemp(t)
	if _, err := s.PutUser("admin", store.User{Name: "ann", Role: "reviewer", PasswordHash: []byte("$2a$10$hash")}); err != nil {
		t.Fatal(err)
	}
	u, err := s.User("ann")
	if err != nil || u.Role != "reviewer" || string(u.PasswordHash) != "$2a$10$hash" {
		t.Errorf("user %+v, %v", u, err)
	}
	if _, err := s.User("bob"); screener.KindOf(err) != screener.KindNotFound {
		t.Errorf("unknown user: %v", err)
	}
	tok, _, err := s.Login("ann", time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if sess, err := s.Session(tok); err != nil || sess.User != "ann" {
		t.Errorf("session %+v, %v", sess, err)
	}
	secret, k, err := s.CreateAPIKey("admin", "broker-1", "api")
	if err != nil {
		t.Fatal(err)
	}
	if got, err := s.APIKeyByHash(store.HashSecret(secret)); err != nil || got.Name != "broker-1" || got.Role != "api" {
		t.Errorf("key by hash: %+v, %v", got, err)
	}
	if err := s.RevokeAPIKey("admin", k.Hash); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.APIKeyByHash(k.Hash); !got.Revoked {
		t.Error("key not revoked")
	}
	s.LoginFailed("mallory", "192.0.2.9", "bad password", time.Hour)
	s.Logout(tok)
	if _, err := s.Session(tok); err == nil {
		t.Error("session survives logout")
	}
	// The secret is never stored: only its hash.
	var buf bytes.Buffer
	if _, err := s.Backup(&buf); err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(buf.Bytes(), []byte(secret)) || bytes.Contains(buf.Bytes(), []byte(tok)) {
		t.Error("a secret is stored in clear")
	}
	recs, _ := s.Audit(0, 0)
	var actions []string
	for _, r := range recs {
		actions = append(actions, r.Action)
	}
	want := []string{store.ActionUserCreate, store.ActionLogin, store.ActionKeyCreate, store.ActionKeyRevoke, store.ActionLoginFailed, store.ActionLogout}
	if len(actions) != len(want) {
		t.Fatalf("audit actions %v, want %v", actions, want)
	}
	for i := range want {
		if actions[i] != want[i] {
			t.Errorf("audit action %d = %s, want %s", i+1, actions[i], want[i])
		}
	}
}

func TestBackup(t *testing.T) {
	s := openTemp(t)
	s.Import([]*screener.List{withSource(cmicList(40, "ofac-csv"), "a")}, store.ImportOptions{})
	out := filepath.Join(t.TempDir(), "copy.db")
	n, err := s.BackupFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if st, _ := os.Stat(out); st.Size() != n {
		t.Errorf("wrote %d bytes, file has %d", n, st.Size())
	}
	if _, err := s.BackupFile(out); err == nil {
		t.Error("backup overwrote an existing file")
	}
	c := openAt(t, out)
	if l, err := c.List(1); err != nil || len(l.Entries) != 40 {
		t.Errorf("backup holds %v, %v", l, err)
	}
	if err := c.VerifyAudit(); err != nil {
		t.Error(err)
	}
	if err := c.Check(); err != nil {
		t.Error(err)
	}
}
