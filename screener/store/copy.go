package store

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/screener/screener/screener"
)

// Kinds of Record, in the order Dump yields them: a record comes after the
// records it refers to (entries after their snapshot, a portfolio after
// its latest run, a fund's index keys after the fund). A run's holdings
// and report follow the run itself. Keys written "u64" are 8 big-endian
// bytes; "a 0 b" is a and b joined by a zero byte.
const (
	KindSnapshot     = "snapshot"      // u64 id → Snapshot (JSON)
	KindEntry        = "entry"         // u64 snapshot id, u64 index → screener.Entry (JSON)
	KindRun          = "run"           // u64 id → RunInfo (JSON)
	KindRunHoldings  = "run_holdings"  // u64 run id → EncodeHoldings bytes (runs given holdings only)
	KindReport       = "report"        // u64 run id → the report bytes, verbatim
	KindPortfolio    = "portfolio"     // name → Portfolio (JSON)
	KindDecision     = "decision"      // key 0 list 0 entry id → screener.ReviewDecision (JSON)
	KindOpenReview   = "open_review"   // portfolio 0 key 0 list 0 entry id → OpenReview (JSON)
	KindUser         = "user"          // name → User (JSON)
	KindSession      = "session"       // HashSecret(token) → Session (JSON)
	KindAPIKey       = "api_key"       // HashSecret(key) → APIKey (JSON)
	KindThrottle     = "throttle"      // ThrottleName/ThrottleAddr key → Throttle (JSON)
	KindFund         = "fund"          // u64 id → funds.Fund (JSON)
	KindFundIndex    = "fund_index"    // identifier key → u64 fund id
	KindFundHoldings = "fund_holdings" // u64 set seq → EncodeHoldings bytes
	KindAudit        = "audit"         // u64 seq → the record's stored bytes (canonical JSON, as hashed)
	KindAuditHead    = "audit_head"    // "head" → {"seq","hash"} (EncodeAuditHead)
	KindSequence     = "sequence"      // a SequenceXxx name → u64: the last id handed out
)

// Kinds lists every record kind in dump order.
var Kinds = []string{KindSnapshot, KindEntry, KindRun, KindRunHoldings, KindReport, KindPortfolio,
	KindDecision, KindOpenReview, KindUser, KindSession, KindAPIKey, KindThrottle,
	KindFund, KindFundIndex, KindFundHoldings, KindAudit, KindAuditHead, KindSequence}

// The id counters a store keeps (bbolt bucket sequences, PostgreSQL
// sequences), the keys of KindSequence records. The audit log's counter is
// its head (KindAuditHead).
const (
	SequenceSnapshots    = "snapshots"
	SequenceRuns         = "runs"
	SequenceFunds        = "funds"
	SequenceFundHoldings = "fund_holdings"
)

// Sequences lists the id counters in dump order.
var Sequences = []string{SequenceSnapshots, SequenceRuns, SequenceFunds, SequenceFundHoldings}

// Record is one stored record in a form neither store's: what a Dumper
// yields and a Loader takes, so a whole store can move between the bbolt
// file and PostgreSQL. Value holds the bytes as the store keeps them (JSON
// documents byte for byte, report and audit bytes verbatim), so a copy
// reads back identical and the audit chain carries over.
type Record struct {
	Kind  string
	Key   []byte
	Value []byte
}

// Dumper is a store that yields all its records from one consistent read
// (one bbolt read transaction, one REPEATABLE READ transaction), in the
// order of Kinds. fn's error stops the dump and is returned.
type Dumper interface {
	Dump(ctx context.Context, fn func(Record) error) error
}

// Loader is a store that takes records into itself while empty: Load
// opens one write transaction, refuses (a KindConflict error) when the
// store holds any record, calls fill with a put function, and commits only
// when fill and every put succeed, setting the store's id counters past
// the ids loaded. Records must come in Dumper order.
type Loader interface {
	Load(ctx context.Context, fill func(put func(Record) error) error) error
}

// KeyU64 returns the 8-byte big-endian key of id.
func KeyU64(id uint64) []byte { return u64(id) }

// KeyU64Pair returns the 16-byte key of two ids (a snapshot entry: the
// snapshot id, the entry's index).
func KeyU64Pair(a, b uint64) []byte { return append(u64(a), u64(b)...) }

// KeyJoin joins key parts with zero bytes.
func KeyJoin(parts ...string) []byte { return []byte(strings.Join(parts, "\x00")) }

// ParseU64 reads an 8-byte big-endian id (a key or a value) of a record of
// kind.
func ParseU64(kind string, b []byte) (uint64, error) {
	if len(b) != 8 {
		return 0, fmt.Errorf("%s record: %d bytes where an 8-byte id belongs", kind, len(b))
	}
	return binary.BigEndian.Uint64(b), nil
}

// EncodeAuditHead returns the value of a KindAuditHead record.
func EncodeAuditHead(seq uint64, hash string) []byte {
	b, _ := json.Marshal(auditHead{Seq: seq, Hash: hash})
	return b
}

// DecodeAuditHead reads the value of a KindAuditHead record.
func DecodeAuditHead(b []byte) (uint64, string, error) {
	var h auditHead
	if err := json.Unmarshal(b, &h); err != nil {
		return 0, "", fmt.Errorf("audit head record: %w", err)
	}
	return h.Seq, h.Hash, nil
}

// OpenReviewPortfolio returns the portfolio of an open review record: its
// key without the finding's part (security key, list, entry id).
func OpenReviewPortfolio(key []byte, o OpenReview) (string, error) {
	if o.Finding.Entry == nil {
		return "", fmt.Errorf("open review %q: the finding names no list entry", key)
	}
	suffix := "\x00" + string(KeyJoin(o.Finding.Key, o.Finding.Entry.List, o.Finding.Entry.ID))
	k := string(key)
	if !strings.HasSuffix(k, suffix) {
		return "", fmt.Errorf("open review %q: the key does not end with the finding's key, list and entry id", key)
	}
	return strings.TrimSuffix(k, suffix), nil
}

// NotEmptyError is the refusal to load records into a store that holds
// some: what it holds, by kind.
type NotEmptyError struct {
	Store string
	Holds []string // kinds (or tables) with records
}

func (e *NotEmptyError) Error() string {
	return fmt.Sprintf("%s is not empty (it holds %s): copy into a new file or a freshly created PostgreSQL database",
		e.Store, strings.Join(e.Holds, ", "))
}

// Unwrap classifies the refusal as a conflict.
func (e *NotEmptyError) Unwrap() error {
	return &screener.Error{Kind: screener.KindConflict, Message: e.Error()}
}

// KindCount is the number of records of one kind in a copy's source and
// destination.
type KindCount struct {
	Kind   string
	Source int
	Copy   int
}

// CopyResult is what Copy moved and verified.
type CopyResult struct {
	Counts []KindCount // every kind, in the order of Kinds
	Bytes  int64       // keys and values copied
	// AuditSeq and AuditHead are the audit chain's record count and head
	// hash, equal in source and destination.
	AuditSeq  uint64
	AuditHead string
}

// Copy copies every record of src into dst, which must be empty, in one
// write transaction of dst, from one consistent read of src (which it
// does not change), then verifies the copy: record counts and contents
// per kind equal in both (each kind's records digested), dst's id counters
// at least src's, dst's audit chain verifying with src's head and length,
// and dst's consistency check passing. The source's chain is verified
// first, so a broken source is refused before anything is written.
func Copy(ctx context.Context, src, dst Interface) (CopyResult, error) {
	var res CopyResult
	from, ok := src.(Dumper)
	if !ok {
		return res, NotSupported(src.Path(), "copying out")
	}
	to, ok := dst.(Loader)
	if !ok {
		return res, NotSupported(dst.Path(), "copying in")
	}
	if src.Path() == dst.Path() {
		return res, screener.Errorf(screener.KindInvalid, "copy: source and destination are both %s", src.Path())
	}
	if err := src.VerifyAudit(); err != nil {
		return res, fmt.Errorf("copy: the source %s's audit chain does not verify, so a copy could not be checked: %w", src.Path(), err)
	}
	in := newDigest()
	err := to.Load(ctx, func(put func(Record) error) error {
		return from.Dump(ctx, func(r Record) error {
			if err := in.add(r); err != nil {
				return err
			}
			return put(r)
		})
	})
	if err != nil {
		return res, fmt.Errorf("copy %s to %s: %w", src.Path(), dst.Path(), err)
	}
	out := newDigest()
	if err := asDumper(dst).Dump(ctx, out.add); err != nil {
		return res, fmt.Errorf("copy: read back %s: %w", dst.Path(), err)
	}
	res.Bytes = in.bytes
	var bad []string
	for _, k := range Kinds {
		res.Counts = append(res.Counts, KindCount{Kind: k, Source: in.count[k], Copy: out.count[k]})
		switch {
		case k == KindSequence:
			for _, name := range Sequences {
				if out.seqs[name] < in.seqs[name] {
					bad = append(bad, fmt.Sprintf("id counter %s is %d, the source's %d", name, out.seqs[name], in.seqs[name]))
				}
			}
		case in.count[k] != out.count[k]:
			bad = append(bad, fmt.Sprintf("%d %s records, the source has %d", out.count[k], k, in.count[k]))
		case in.sum[k] != out.sum[k]:
			bad = append(bad, fmt.Sprintf("the %s records differ from the source's", k))
		}
	}
	if err := dst.VerifyAudit(); err != nil {
		bad = append(bad, "the audit chain does not verify: "+err.Error())
	}
	seq, head, err := dst.AuditHead()
	if err != nil {
		bad = append(bad, "audit head: "+err.Error())
	} else if seq != in.headSeq || head != in.headHash || uint64(in.count[KindAudit]) != seq {
		bad = append(bad, fmt.Sprintf("audit head %d %.12s…, the source's %d %.12s… over %d records", seq, head, in.headSeq, in.headHash, in.count[KindAudit]))
	}
	if err := dst.Check(); err != nil {
		bad = append(bad, "consistency check: "+err.Error())
	}
	if len(bad) > 0 {
		return res, screener.Errorf(screener.KindInternal, "copy %s to %s: the copy does not verify (remove it before trying again): %s",
			src.Path(), dst.Path(), strings.Join(bad, "; "))
	}
	res.AuditSeq, res.AuditHead = seq, head
	return res, nil
}

// asDumper returns dst as a Dumper: every Loader in this program dumps too.
func asDumper(dst Interface) Dumper {
	if d, ok := dst.(Dumper); ok {
		return d
	}
	return dumpUnsupported{dst.Path()}
}

type dumpUnsupported struct{ path string }

func (d dumpUnsupported) Dump(context.Context, func(Record) error) error {
	return NotSupported(d.path, "copying out")
}

// digest counts and digests a stream of records per kind. A kind's digest
// is the XOR of each record's SHA-256 over kind, key and value, so it does
// not depend on the order two stores list keys in (keys are unique within
// a kind, so no two records cancel out).
type digest struct {
	count    map[string]int
	sum      map[string][sha256.Size]byte
	seqs     map[string]uint64
	headSeq  uint64
	headHash string
	bytes    int64
}

func newDigest() *digest {
	return &digest{count: map[string]int{}, sum: map[string][sha256.Size]byte{}, seqs: map[string]uint64{}}
}

func (d *digest) add(r Record) error {
	d.count[r.Kind]++
	d.bytes += int64(len(r.Key) + len(r.Value))
	h := sha256.New()
	var n [8]byte
	for _, part := range [][]byte{[]byte(r.Kind), r.Key, r.Value} {
		binary.BigEndian.PutUint64(n[:], uint64(len(part)))
		h.Write(n[:])
		h.Write(part)
	}
	var one [sha256.Size]byte
	h.Sum(one[:0])
	acc := d.sum[r.Kind]
	for i := range acc {
		acc[i] ^= one[i]
	}
	d.sum[r.Kind] = acc
	switch r.Kind {
	case KindSequence:
		v, err := ParseU64(r.Kind, r.Value)
		if err != nil {
			return err
		}
		d.seqs[string(r.Key)] = v
	case KindAuditHead:
		seq, hash, err := DecodeAuditHead(r.Value)
		if err != nil {
			return err
		}
		d.headSeq, d.headHash = seq, hash
	}
	return nil
}
