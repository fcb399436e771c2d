package store

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sort"

	bolt "go.etcd.io/bbolt"
)

var (
	_ Dumper = (*Store)(nil)
	_ Loader = (*Store)(nil)
)

// plainKinds are the kinds kept one bucket each, key for key, in dump
// order between the runs and the fund registry.
var plainKinds = []struct {
	kind   string
	bucket []byte
}{
	{KindPortfolio, bucketPortfolios},
	{KindDecision, bucketDecisions},
	{KindOpenReview, bucketOpenReviews},
	{KindUser, bucketUsers},
	{KindSession, bucketSessions},
	{KindAPIKey, bucketAPIKeys},
	{KindThrottle, bucketThrottle},
}

// sequenceBuckets are the buckets whose NextSequence hands out the ids of
// each counter.
var sequenceBuckets = map[string][]byte{
	SequenceSnapshots:    bucketSnapshots,
	SequenceRuns:         bucketRuns,
	SequenceFunds:        bucketFunds,
	SequenceFundHoldings: bucketFundHoldings,
}

// Dump yields every record of the file from one read transaction, in the
// order of Kinds (see Dumper). Holdings and reports of no run, and the
// snapshot index (rebuilt from the snapshots), are not records.
func (s *Store) Dump(ctx context.Context, fn func(Record) error) error {
	return s.db.View(func(tx *bolt.Tx) error {
		emit := func(kind string, k, v []byte) error {
			if err := ctx.Err(); err != nil {
				return err
			}
			return fn(Record{Kind: kind, Key: copyBytes(k), Value: copyBytes(v)})
		}
		each := func(kind string, b *bolt.Bucket) error {
			if b == nil {
				return nil
			}
			return b.ForEach(func(k, v []byte) error {
				if v == nil {
					return fmt.Errorf("%s: unexpected nested bucket %q", kind, k)
				}
				return emit(kind, k, v)
			})
		}
		if err := each(KindSnapshot, tx.Bucket(bucketSnapshots)); err != nil {
			return err
		}
		entries := tx.Bucket(bucketSnapshotEntries)
		if err := tx.Bucket(bucketSnapshots).ForEach(func(id, _ []byte) error {
			eb := entries.Bucket(id)
			if eb == nil {
				return fmt.Errorf("snapshot %x has no entries bucket", id)
			}
			return eb.ForEach(func(k, v []byte) error {
				return emit(KindEntry, append(copyBytes(id), k...), v)
			})
		}); err != nil {
			return err
		}
		hold, reps := tx.Bucket(bucketRunHoldings), tx.Bucket(bucketRunReports)
		if err := tx.Bucket(bucketRuns).ForEach(func(k, v []byte) error {
			if err := emit(KindRun, k, v); err != nil {
				return err
			}
			if h := hold.Get(k); h != nil {
				if err := emit(KindRunHoldings, k, h); err != nil {
					return err
				}
			}
			if r := reps.Get(k); r != nil {
				return emit(KindReport, k, r)
			}
			return nil
		}); err != nil {
			return err
		}
		for _, p := range plainKinds {
			if err := each(p.kind, tx.Bucket(p.bucket)); err != nil {
				return err
			}
		}
		for _, p := range []struct {
			kind   string
			bucket []byte
		}{{KindFund, bucketFunds}, {KindFundIndex, bucketFundIndex}, {KindFundHoldings, bucketFundHoldings}, {KindAudit, bucketAudit}} {
			if err := each(p.kind, tx.Bucket(p.bucket)); err != nil {
				return err
			}
		}
		var head auditHead
		if _, err := getJSON(tx.Bucket(bucketMeta), keyAuditHead, &head); err != nil {
			return err
		}
		if err := emit(KindAuditHead, []byte("head"), EncodeAuditHead(head.Seq, head.Hash)); err != nil {
			return err
		}
		for _, name := range Sequences {
			var v uint64
			if b := tx.Bucket(sequenceBuckets[name]); b != nil {
				v = b.Sequence()
			}
			if err := emit(KindSequence, []byte(name), u64(v)); err != nil {
				return err
			}
		}
		return nil
	})
}

// Load takes records into the file while it holds none, in one write
// transaction (see Loader): buckets filled key for key, the snapshot index
// rebuilt, and each bucket's sequence set to the source's counter or the
// highest id loaded, whichever is more.
func (s *Store) Load(ctx context.Context, fill func(put func(Record) error) error) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		if err := boltEmpty(tx, s.path); err != nil {
			return err
		}
		l := &boltLoader{tx: tx, max: map[string]uint64{}, seqs: map[string]uint64{}}
		if err := fill(func(r Record) error {
			if err := ctx.Err(); err != nil {
				return err
			}
			return l.put(r)
		}); err != nil {
			return err
		}
		return l.finish()
	})
}

// boltEmpty refuses a file holding any record.
func boltEmpty(tx *bolt.Tx, path string) error {
	var holds []string
	for _, b := range [][]byte{bucketSnapshots, bucketSnapshotEntries, bucketSnapshotIndex, bucketRuns,
		bucketRunHoldings, bucketRunReports, bucketPortfolios, bucketDecisions, bucketOpenReviews, bucketUsers,
		bucketSessions, bucketAPIKeys, bucketThrottle, bucketFunds, bucketFundIndex, bucketFundHoldings, bucketAudit} {
		if bk := tx.Bucket(b); bk != nil {
			if k, _ := bk.Cursor().First(); k != nil {
				holds = append(holds, string(b))
			}
		}
	}
	var head auditHead
	if _, err := getJSON(tx.Bucket(bucketMeta), keyAuditHead, &head); err != nil {
		return err
	}
	if head.Seq > 0 && !slices.Contains(holds, string(bucketAudit)) {
		holds = append(holds, "an audit head")
	}
	if len(holds) > 0 {
		return &NotEmptyError{Store: path, Holds: holds}
	}
	return nil
}

type boltLoader struct {
	tx      *bolt.Tx
	entries *bolt.Bucket // the nested bucket of entrySnap
	entSnap []byte
	max     map[string]uint64 // highest id loaded per counter
	seqs    map[string]uint64 // the source's counters
	head    []byte
}

// bucket returns the bucket named b, creating it (the fund registry's are
// made by the first registration).
func (l *boltLoader) bucket(b []byte) (*bolt.Bucket, error) {
	bk, err := l.tx.CreateBucketIfNotExists(b)
	if err != nil {
		return nil, err
	}
	bk.FillPercent = 1 // keys arrive in order
	return bk, nil
}

func (l *boltLoader) putIn(b []byte, r Record) error {
	bk, err := l.bucket(b)
	if err != nil {
		return err
	}
	if err := bk.Put(r.Key, r.Value); err != nil {
		return fmt.Errorf("%s record %q: %w", r.Kind, r.Key, err)
	}
	return nil
}

// putID puts a record keyed by a u64 id of counter seq ("" for none).
func (l *boltLoader) putID(b []byte, seq string, r Record) error {
	id, err := ParseU64(r.Kind, r.Key)
	if err != nil {
		return err
	}
	if seq != "" {
		l.max[seq] = max(l.max[seq], id)
	}
	return l.putIn(b, r)
}

func (l *boltLoader) put(r Record) error {
	switch r.Kind {
	case KindSnapshot:
		var snap Snapshot
		if err := json.Unmarshal(r.Value, &snap); err != nil {
			return fmt.Errorf("snapshot record %x: %w", r.Key, err)
		}
		if err := l.putID(bucketSnapshots, SequenceSnapshots, r); err != nil {
			return err
		}
		if _, err := l.tx.Bucket(bucketSnapshotEntries).CreateBucket(r.Key); err != nil {
			return fmt.Errorf("snapshot %d entries: %w", snap.ID, err)
		}
		return l.tx.Bucket(bucketSnapshotIndex).Put(indexKey(snap.List, snap.Digest), r.Key)
	case KindEntry:
		if len(r.Key) != 16 {
			return fmt.Errorf("entry record: %d bytes of key, want 16", len(r.Key))
		}
		if l.entries == nil || !bytes.Equal(l.entSnap, r.Key[:8]) {
			eb := l.tx.Bucket(bucketSnapshotEntries).Bucket(r.Key[:8])
			if eb == nil {
				return fmt.Errorf("entry of snapshot %x comes before its snapshot", r.Key[:8])
			}
			eb.FillPercent = 1
			l.entries, l.entSnap = eb, r.Key[:8]
		}
		return l.entries.Put(r.Key[8:], r.Value)
	case KindRun:
		return l.putID(bucketRuns, SequenceRuns, r)
	case KindRunHoldings:
		return l.putID(bucketRunHoldings, "", r)
	case KindReport:
		return l.putID(bucketRunReports, "", r)
	case KindFund:
		return l.putID(bucketFunds, SequenceFunds, r)
	case KindFundIndex:
		return l.putIn(bucketFundIndex, r)
	case KindFundHoldings:
		return l.putID(bucketFundHoldings, SequenceFundHoldings, r)
	case KindAudit:
		return l.putID(bucketAudit, "audit", r)
	case KindAuditHead:
		if _, _, err := DecodeAuditHead(r.Value); err != nil {
			return err
		}
		l.head = r.Value
		return nil
	case KindSequence:
		v, err := ParseU64(r.Kind, r.Value)
		if err != nil {
			return err
		}
		if _, ok := sequenceBuckets[string(r.Key)]; !ok {
			return fmt.Errorf("sequence record: unknown counter %q", r.Key)
		}
		l.seqs[string(r.Key)] = v
		return nil
	}
	for _, p := range plainKinds {
		if p.kind == r.Kind {
			return l.putIn(p.bucket, r)
		}
	}
	return fmt.Errorf("unknown record kind %q", r.Kind)
}

func (l *boltLoader) finish() error {
	names := make([]string, 0, len(sequenceBuckets))
	for name := range sequenceBuckets {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		v := max(l.seqs[name], l.max[name])
		b := l.tx.Bucket(sequenceBuckets[name])
		if b == nil && v == 0 {
			continue
		}
		b, err := l.bucket(sequenceBuckets[name])
		if err != nil {
			return err
		}
		if err := b.SetSequence(v); err != nil {
			return err
		}
	}
	if seq, _, _ := DecodeAuditHead(l.head); l.head != nil && seq > 0 {
		if err := l.tx.Bucket(bucketAudit).SetSequence(max(seq, l.max["audit"])); err != nil {
			return err
		}
		return l.tx.Bucket(bucketMeta).Put(keyAuditHead, l.head)
	}
	return nil
}
