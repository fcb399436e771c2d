package store_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/screener/screener/screener"
	"github.com/screener/screener/screener/store"
	bolt "go.etcd.io/bbolt"
)

// history writes a store with six audit records: two imports, a run, a
// decision, a user and an API key.
func history(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "audit.db")
	s := openAt(t, path)
	res, err := s.Import([]*screener.List{withSource(cmicList(3, "ofac-csv"), "a")}, store.ImportOptions{User: "ann"})
	if err != nil {
		t.Fatal(err)
	}
	s.Import([]*screener.List{withSource(cmicList(4, "ofac-csv"), "b")}, store.ImportOptions{User: "ann"})
	run, err := s.SaveRun(chinaMobileRun(t, res[0].Snapshot.ID))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.DecideFinding(store.FindingRef{Run: run, Line: 17, EntryID: "30923"},
		screener.Decision{Outcome: "confirmed", Reviewer: "bob", Reason: "same issuer"}); err != nil {
		t.Fatal(err)
	}
	s.PutUser("admin", store.User{Name: "bob", Role: "reviewer", PasswordHash: []byte("h")})
	s.CreateAPIKey("admin", "broker", "api")
	if err := s.VerifyAudit(); err != nil {
		t.Fatalf("clean history does not verify: %v", err)
	}
	if n, _, _ := s.AuditHead(); n != 6 {
		t.Fatalf("%d audit records, want 6", n)
	}
	s.Close()
	return path
}

func seqKey(n uint64) []byte {
	return []byte{0, 0, 0, 0, 0, 0, 0, byte(n)}
}

// tamper changes the bbolt file directly, as an attacker with the file would.
func tamper(t *testing.T, path string, fn func(b *bolt.Bucket) error) {
	t.Helper()
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Update(func(tx *bolt.Tx) error { return fn(tx.Bucket([]byte("audit"))) }); err != nil {
		t.Fatal(err)
	}
}

// flipAt returns a tamper function that flips one byte of record seq: the
// byte at the first occurrence of marker plus off.
func flipAt(seq uint64, marker string, off int, xor byte) func(b *bolt.Bucket) error {
	return func(b *bolt.Bucket) error {
		v := append([]byte(nil), b.Get(seqKey(seq))...)
		i := bytes.Index(v, []byte(marker))
		if i < 0 {
			return errors.New("marker " + marker + " not in record")
		}
		v[i+off] ^= xor
		return b.Put(seqKey(seq), v)
	}
}

func TestVerifyAuditNamesTamperedRecord(t *testing.T) {
	tests := []struct {
		name    string
		tamper  func(b *bolt.Bucket) error
		wantSeq uint64
		reason  string
	}{
		{"a digit of a count", flipAt(1, `"entries":"3"`, 11, 0x01), 1, "hash mismatch"},
		{"a letter of the reviewer's reason", flipAt(4, "same issuer", 0, 0x20), 4, "hash mismatch"},
		{"the case of a JSON key", flipAt(3, `"actor"`, 1, 0x20), 3, "canonical form"},
		{"a byte of the stored hash", flipAt(2, `"hash":"`, 8, 0x01), 2, "hash mismatch"},
		{"a byte of the prev link", flipAt(5, `"prev":"`, 8, 0x01), 5, "prev hash"},
		{"a quote, so it no longer decodes", flipAt(6, `"action"`, 0, 0x01), 6, "cannot be decoded"},
		{"a record removed", func(b *bolt.Bucket) error { return b.Delete(seqKey(3)) }, 3, "missing"},
		{"the last record removed", func(b *bolt.Bucket) error { return b.Delete(seqKey(6)) }, 5, "head in meta says 6"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := history(t)
			tamper(t, path, tt.tamper)
			s := openAt(t, path)
			err := s.VerifyAudit()
			var ae *store.AuditError
			if !errors.As(err, &ae) {
				t.Fatalf("got %v, want an *AuditError", err)
			}
			if ae.Seq != tt.wantSeq || !strings.Contains(ae.Reason, tt.reason) {
				t.Errorf("got %q, want record %d: …%s…", err, tt.wantSeq, tt.reason)
			}
		})
	}
}

// FuzzVerifyAudit replaces one audit record's bytes with arbitrary ones:
// VerifyAudit must then fail (never pass, never panic).
func FuzzVerifyAudit(f *testing.F) {
	f.Add(uint8(1), []byte(`{"seq":1}`))
	f.Add(uint8(2), []byte(`{"seq":2,"at":"2026-01-15T09:30:01.000000000Z","actor":"ann","action":"list.import","subject":"OFAC-CONSOLIDATED","prev":"","hash":""}`))
	f.Add(uint8(3), []byte{})
	f.Add(uint8(6), []byte("null"))
	dir := f.TempDir()
	tmpl := filepath.Join(dir, "template.db")
	{
		s, err := store.Open(tmpl, nil)
		if err != nil {
			f.Fatal(err)
		}
		for i := 0; i < 6; i++ {
			s.LoginFailed("mallory", "", "attempt", 0)
		}
		s.Close()
	}
	f.Fuzz(func(t *testing.T, seq uint8, val []byte) {
		seq = seq%6 + 1
		path := filepath.Join(t.TempDir(), "f.db")
		copyFile(t, tmpl, path)
		db, err := bolt.Open(path, 0o600, nil)
		if err != nil {
			t.Fatal(err)
		}
		same := false
		db.Update(func(tx *bolt.Tx) error {
			b := tx.Bucket([]byte("audit"))
			same = bytes.Equal(b.Get(seqKey(uint64(seq))), val)
			return b.Put(seqKey(uint64(seq)), val)
		})
		db.Close()
		s, err := store.Open(path, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		if err := s.VerifyAudit(); err == nil && !same {
			t.Fatalf("record %d replaced by %q and the chain still verifies", seq, val)
		}
	})
}

// Verification goes on past a bad record: two altered records are both
// named, and a valid record between them is not.
func TestVerifyAuditNamesEveryBadRecord(t *testing.T) {
	path := history(t)
	tamper(t, path, flipAt(2, `"hash":"`, 8, 0x01))
	tamper(t, path, flipAt(4, "same issuer", 0, 0x20))
	tamper(t, path, func(b *bolt.Bucket) error { return b.Delete(seqKey(6)) })
	s := openAt(t, path)
	err := s.VerifyAudit()
	var all store.AuditErrors
	if !errors.As(err, &all) {
		t.Fatalf("got %v, want AuditErrors", err)
	}
	var seqs []uint64
	for _, ae := range all {
		seqs = append(seqs, ae.Seq)
	}
	if len(seqs) != 3 || seqs[0] != 2 || seqs[1] != 4 || seqs[2] != 5 {
		t.Errorf("bad records %v, want 2 (hash), 4 (content) and 5 (the head, record 6 removed): %v", seqs, err)
	}
	var first *store.AuditError
	if !errors.As(err, &first) || first.Seq != 2 {
		t.Errorf("errors.As finds %v, want record 2", first)
	}
}

// Text that is not valid UTF-8, or too long, is fixed once before it is
// hashed, so the chain verifies after it.
func TestAuditKeepsTextStable(t *testing.T) {
	s := openAt(t, filepath.Join(t.TempDir(), "a.db"))
	if _, err := s.LoginFailed("\xffattacker\xc3\x28", "192.0.2.1", "bad", time.Hour); err != nil {
		t.Fatal(err)
	}
	if _, err := s.LoginFailed(strings.Repeat("é", 40000), "192.0.2.1", strings.Repeat("r", 100000), time.Hour); err != nil {
		t.Fatal(err)
	}
	if err := s.VerifyAudit(); err != nil {
		t.Fatalf("chain after invalid UTF-8 and long text: %v", err)
	}
	recs, _ := s.Audit(0, 0)
	if recs[0].Actor != "\uFFFDattacker\uFFFD(" {
		t.Errorf("actor %q, want the bad bytes replaced", recs[0].Actor)
	}
	if len(recs[1].Actor) > 256 || len(recs[1].Detail["reason"]) > 4096 || !strings.HasSuffix(recs[1].Actor, "…") {
		t.Errorf("long fields kept: actor %d bytes, reason %d bytes", len(recs[1].Actor), len(recs[1].Detail["reason"]))
	}
}

// A read-only copy (mode 0444) opens with ReadOnly, verifies, and refuses
// writes.
func TestVerifyReadOnlyCopy(t *testing.T) {
	path := history(t)
	ro := filepath.Join(t.TempDir(), "ro.db")
	copyFile(t, path, ro)
	if err := os.Chmod(ro, 0o444); err != nil {
		t.Fatal(err)
	}
	s, err := store.Open(ro, &store.Options{ReadOnly: true})
	if err != nil {
		t.Fatalf("open a read-only copy: %v", err)
	}
	defer s.Close()
	if err := s.VerifyAudit(); err != nil {
		t.Errorf("verify the copy: %v", err)
	}
	if _, err := s.LoginFailed("x", "", "y", 0); err == nil {
		t.Error("a write to a read-only store succeeded")
	}
}
