package store

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"

	bolt "go.etcd.io/bbolt"
)

// Audit actions.
const (
	ActionImport      = "list.import"
	ActionRun         = "run.save"
	ActionDecision    = "review.decide"
	ActionUserCreate  = "user.create"
	ActionUserUpdate  = "user.update"
	ActionLogin       = "login"
	ActionLoginFailed = "login.failed"
	ActionLoginUnlock = "login.unlock"
	ActionLogout      = "logout"
	ActionKeyCreate   = "key.create"
	ActionKeyRevoke   = "key.revoke"
)

// AuditRecord is one entry of the append-only audit log. Hash is the
// SHA-256 (hex) of Prev followed by the record's canonical JSON with Hash
// empty; Prev is the previous record's Hash ("" for the first).
type AuditRecord struct {
	Seq     uint64            `json:"seq"`
	At      string            `json:"at"` // RFC 3339, UTC
	Actor   string            `json:"actor"`
	Action  string            `json:"action"`
	Subject string            `json:"subject"`
	Detail  map[string]string `json:"detail,omitempty"`
	Prev    string            `json:"prev"`
	Hash    string            `json:"hash"`
}

// canonical returns r's bytes as hashed: its JSON with Hash empty.
func (r AuditRecord) canonical() ([]byte, error) {
	r.Hash = ""
	return json.Marshal(r)
}

// hashOf returns hex SHA-256(prev || canonical).
func hashOf(prev string, canonical []byte) string {
	h := sha256.New()
	h.Write([]byte(prev))
	h.Write(canonical)
	return hex.EncodeToString(h.Sum(nil))
}

type auditHead struct {
	Seq  uint64 `json:"seq"`
	Hash string `json:"hash"`
}

// AuditError names the first audit record that fails verification.
type AuditError struct {
	Seq    uint64 // record sequence number (the bbolt key)
	Reason string
}

func (e *AuditError) Error() string {
	return fmt.Sprintf("audit record %d: %s", e.Seq, e.Reason)
}

// audit appends a record to the log inside tx, chained to the head.
func (s *Store) audit(tx *bolt.Tx, actor, action, subject string, detail map[string]string) error {
	meta := tx.Bucket(bucketMeta)
	var head auditHead
	if _, err := getJSON(meta, keyAuditHead, &head); err != nil {
		return err
	}
	b := tx.Bucket(bucketAudit)
	seq, err := b.NextSequence()
	if err != nil {
		return err
	}
	if actor == "" {
		actor = "unknown"
	}
	// Text is made valid UTF-8 and bounded here, once, before it is hashed:
	// JSON would replace invalid bytes on the way out, so the stored form
	// would not re-encode to the bytes hashed and the chain would break.
	actor, subject = clipText(actor, maxAuditName), clipText(subject, maxAuditName)
	if detail != nil {
		clean := make(map[string]string, len(detail))
		for k, v := range detail {
			clean[clipText(k, maxAuditName)] = clipText(v, maxAuditDetail)
		}
		detail = clean
	}
	r := AuditRecord{Seq: seq, At: s.stamp().Format("2006-01-02T15:04:05.000000000Z07:00"), Actor: actor,
		Action: action, Subject: subject, Detail: detail, Prev: head.Hash}
	c, err := r.canonical()
	if err != nil {
		return err
	}
	r.Hash = hashOf(r.Prev, c)
	if err := putJSON(b, u64(seq), r); err != nil {
		return err
	}
	return putJSON(meta, keyAuditHead, auditHead{Seq: seq, Hash: r.Hash})
}

// Audit returns the audit records with sequence numbers after since (0 for
// all), oldest first, at most limit of them (0 for no limit).
func (s *Store) Audit(since uint64, limit int) ([]AuditRecord, error) {
	var out []AuditRecord
	err := s.db.View(func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketAudit).Cursor()
		for k, v := c.Seek(u64(since + 1)); k != nil; k, v = c.Next() {
			var r AuditRecord
			if err := json.Unmarshal(v, &r); err != nil {
				return &AuditError{Seq: binary.BigEndian.Uint64(k), Reason: "cannot be decoded: " + err.Error()}
			}
			out = append(out, r)
			if limit > 0 && len(out) >= limit {
				break
			}
		}
		return nil
	})
	return out, err
}

// AuditHead returns the sequence number and hash of the last audit record
// (0 and "" for an empty log).
func (s *Store) AuditHead() (uint64, string, error) {
	var h auditHead
	err := s.db.View(func(tx *bolt.Tx) error {
		_, err := getJSON(tx.Bucket(bucketMeta), keyAuditHead, &h)
		return err
	})
	return h.Seq, h.Hash, err
}

// AuditErrors is every audit record that fails verification, in order.
// errors.As finds the first as an *AuditError.
type AuditErrors []*AuditError

func (e AuditErrors) Error() string {
	const show = 10
	var b strings.Builder
	fmt.Fprintf(&b, "%d audit record(s) fail verification: ", len(e))
	for i, ae := range e {
		if i == show {
			fmt.Fprintf(&b, "; and %d more", len(e)-show)
			break
		}
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(ae.Error())
	}
	return b.String()
}

// Unwrap returns each record's error.
func (e AuditErrors) Unwrap() []error {
	out := make([]error, len(e))
	for i, ae := range e {
		out[i] = ae
	}
	return out
}

// VerifyAudit checks the whole audit chain: keys numbered 1, 2, 3... with
// no gap, each value in canonical form (so no byte can change unnoticed),
// each record's Prev equal to the previous Hash, each Hash recomputed, and
// the last record equal to the head kept in meta (so a truncated log
// fails). It goes on past a bad record, so one broken record does not hide
// later tampering: the error is an AuditErrors naming every bad record
// (errors.As finds the first as an *AuditError).
func (s *Store) VerifyAudit() error {
	var bad AuditErrors
	err := s.db.View(func(tx *bolt.Tx) error {
		fail := func(seq uint64, format string, args ...any) {
			bad = append(bad, &AuditError{Seq: seq, Reason: fmt.Sprintf(format, args...)})
		}
		var head auditHead
		if _, err := getJSON(tx.Bucket(bucketMeta), keyAuditHead, &head); err != nil {
			fail(0, "the chain head in meta %s", err)
		}
		// links are the hashes the next record's Prev may equal: the
		// previous record's stored hash and, when that was altered, the
		// hash its content has. known is false after a record that could
		// not be read, whose link cannot be checked.
		links, known := []string{""}, true
		last, lastHash := uint64(0), ""
		want := uint64(1)
		c := tx.Bucket(bucketAudit).Cursor()
		for k, v := c.First(); k != nil; k, v = c.Next() {
			if len(k) != 8 {
				fail(want, "key %x is not an 8-byte sequence number", k)
				known = false
				continue
			}
			seq := binary.BigEndian.Uint64(k)
			if seq != want {
				fail(want, "missing (the next key is %d)", seq)
				known = false
			}
			want = seq + 1
			last = seq
			var r AuditRecord
			dec := json.NewDecoder(bytes.NewReader(v))
			dec.DisallowUnknownFields()
			if err := dec.Decode(&r); err != nil {
				fail(seq, "cannot be decoded: %v", err)
				known, lastHash = false, ""
				continue
			}
			if again, err := json.Marshal(r); err != nil || !bytes.Equal(again, v) {
				fail(seq, "stored bytes are not in canonical form (altered)")
			}
			if r.Seq != seq {
				fail(seq, "record says seq %d", r.Seq)
			}
			if known && r.Prev != links[0] && (len(links) < 2 || r.Prev != links[1]) {
				fail(seq, "prev hash %.12s… does not match the previous record's hash %.12s…", r.Prev, links[0])
			}
			links, known, lastHash = []string{r.Hash}, true, r.Hash
			cb, err := r.canonical()
			if err != nil {
				fail(seq, "%v", err)
				continue
			}
			if got := hashOf(r.Prev, cb); got != r.Hash {
				fail(seq, "hash mismatch: stored %.12s…, computed %.12s…", r.Hash, got)
				links = append(links, got)
			}
		}
		if head.Seq != last || head.Hash != lastHash {
			fail(last, "the chain ends at record %d but the head in meta says %d (%.12s…): records were removed or added outside the store",
				last, head.Seq, head.Hash)
		}
		return nil
	})
	if err != nil {
		return err
	}
	if len(bad) > 0 {
		return bad
	}
	return nil
}
