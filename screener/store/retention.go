package store

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strconv"
	"syscall"
	"time"

	"github.com/screener/screener/screener"
	bolt "go.etcd.io/bbolt"
)

// Storage cost, retention and health of the store.

// Audit actions of retention and backups.
const (
	ActionPurge  = "run.purge"
	ActionBackup = "backup"
)

// AuditBackup records that actor took a copy of the whole database (an
// export of every record), with detail (where to, how).
func (s *Store) AuditBackup(actor string, detail map[string]string) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		return s.audit(tx, actor, ActionBackup, "database", detail)
	})
}

// MinFreeBytes is the free space the store's file system must keep for
// Writable to pass: below it a write may fail half way through a request.
const MinFreeBytes = 64 << 20

// Writable reports whether the store can take a write now: the file system
// holding the file has at least MinFreeBytes free and a write transaction
// commits (an empty one: nothing changes but bbolt's meta page).
func (s *Store) Writable() error {
	var fs syscall.Statfs_t
	if err := syscall.Statfs(filepath.Dir(s.path), &fs); err == nil {
		if free := int64(fs.Bavail) * int64(fs.Bsize); free < MinFreeBytes {
			return screener.Errorf(screener.KindConflict, "%s: only %d MB free on its file system (want %d MB)", s.path, free>>20, MinFreeBytes>>20)
		}
	}
	if err := s.db.Update(func(tx *bolt.Tx) error { return nil }); err != nil {
		return fmt.Errorf("%s: a write transaction fails: %w", s.path, err)
	}
	return nil
}

// Usage returns the bytes principal's saved runs take in the store (report
// and holdings as stored), for a storage quota.
func (s *Store) Usage(principal string) (int64, error) {
	var n int64
	err := s.db.View(func(tx *bolt.Tx) error {
		reps, hold := tx.Bucket(bucketRunReports), tx.Bucket(bucketRunHoldings)
		return tx.Bucket(bucketRuns).ForEach(func(k, v []byte) error {
			var info struct {
				User string `json:"user"`
			}
			if err := json.Unmarshal(v, &info); err != nil {
				return fmt.Errorf("run %d: %w", binary.BigEndian.Uint64(k), err)
			}
			if info.User == principal {
				n += int64(len(v) + len(reps.Get(k)) + len(hold.Get(k)))
			}
			return nil
		})
	})
	return n, err
}

// PurgeResult says what PurgeRuns removed and kept.
type PurgeResult struct {
	Removed []uint64 `json:"removed"` // run ids
	Bytes   int64    `json:"bytes"`   // stored bytes they took
	// Kept counts old runs kept: the latest run of a portfolio, or a run
	// with a review no decision settles yet.
	Kept int `json:"kept"`
}

// PurgeRuns removes the runs saved before before, with their holdings and
// reports, in one write transaction with an audit record by actor (also
// when nothing was removed, so each retention pass is on record). It keeps
// each portfolio's latest run (the portfolio screens again from it) and
// every run an open review points at (a reviewer decides on it). With dry
// set it only reports what it would remove.
func (s *Store) PurgeRuns(actor string, before time.Time, dry bool) (PurgeResult, error) {
	var res PurgeResult
	res.Removed = []uint64{}
	fn := func(tx *bolt.Tx) error {
		keep := map[uint64]bool{}
		if err := tx.Bucket(bucketPortfolios).ForEach(func(k, v []byte) error {
			var p Portfolio
			if err := json.Unmarshal(v, &p); err != nil {
				return fmt.Errorf("portfolio %q: %w", k, err)
			}
			keep[p.LatestRun] = true
			return nil
		}); err != nil {
			return err
		}
		if b := tx.Bucket(bucketOpenReviews); b != nil {
			if err := b.ForEach(func(k, v []byte) error {
				var o struct {
					Run uint64 `json:"run"`
				}
				if err := json.Unmarshal(v, &o); err != nil {
					return fmt.Errorf("open review %q: %w", k, err)
				}
				keep[o.Run] = true
				return nil
			}); err != nil {
				return err
			}
		}
		runs, reps, hold := tx.Bucket(bucketRuns), tx.Bucket(bucketRunReports), tx.Bucket(bucketRunHoldings)
		var gone [][]byte
		if err := runs.ForEach(func(k, v []byte) error {
			var info RunInfo
			if err := json.Unmarshal(v, &info); err != nil {
				return fmt.Errorf("run %d: %w", binary.BigEndian.Uint64(k), err)
			}
			if !info.SavedAt.Before(before) {
				return nil
			}
			if keep[info.ID] {
				res.Kept++
				return nil
			}
			res.Removed = append(res.Removed, info.ID)
			res.Bytes += int64(len(v) + len(reps.Get(k)) + len(hold.Get(k)))
			gone = append(gone, copyBytes(k))
			return nil
		}); err != nil {
			return err
		}
		if dry {
			return nil
		}
		for _, k := range gone {
			for _, b := range []*bolt.Bucket{runs, reps, hold} {
				if err := b.Delete(k); err != nil {
					return err
				}
			}
		}
		detail := map[string]string{"before": before.UTC().Format(time.RFC3339), "removed": strconv.Itoa(len(res.Removed)),
			"bytes": strconv.FormatInt(res.Bytes, 10), "kept": strconv.Itoa(res.Kept)}
		if n := len(res.Removed); n > 0 {
			detail["first"], detail["last"] = strconv.FormatUint(res.Removed[0], 10), strconv.FormatUint(res.Removed[n-1], 10)
		}
		return s.audit(tx, actor, ActionPurge, "runs", detail)
	}
	var err error
	if dry {
		err = s.db.View(fn)
	} else {
		err = s.db.Update(fn)
	}
	return res, err
}

// Heartbeat returns 1: a bbolt file is open in one process at a time, so
// this process is the only replica.
func (s *Store) Heartbeat(replica string, ttl time.Duration) (int, error) { return 1, nil }
