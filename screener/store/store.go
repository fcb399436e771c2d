// Package store keeps the screener's records in one bbolt file: list
// snapshots, portfolios and screening runs, reviewers' decisions, users and
// API keys, and a hash-chained audit log. It is the only package that
// imports go.etcd.io/bbolt.
//
// It stores and returns domain values (screener.List, screener.Holding,
// report bytes, screener.ReviewDecision); it does not read files, screen
// holdings or hash passwords: the list readers, the engine and the web
// package do that.
//
// # Bucket layout (schema version 3)
//
// Keys written "u64" are big-endian uint64 from the bucket's NextSequence;
// values are JSON unless said otherwise.
//
//	meta/
//	  "schema"          u64 schema version (len(migrations))
//	  "audit_head"      {"seq","hash"} of the last audit record
//	snapshots/          u64 snapshot id → Snapshot (list name, format, as-of,
//	                    sources with SHA-256, entry count, import time, by)
//	snapshot_entries/
//	  <u64 id>/         one nested bucket per snapshot:
//	    u64 index       → screener.Entry, in list order
//	snapshot_index/     list name 0x00 digest → u64 snapshot id (repeat imports)
//	portfolios/         portfolio name → Portfolio (runs, latest run, owner,
//	                    principals granted access)
//	runs/               u64 run id → RunInfo (portfolio, user, as-of, files,
//	                    snapshot ids, inputs by name, size and SHA-256,
//	                    counts, report SHA-256)
//	run_holdings/       u64 run id → []holding (screener.Holding plus its
//	                    json:"-" flags), only for runs given their holdings;
//	                    uploads and CLI runs keep their inputs' digests
//	                    instead, so a run costs O(findings)
//	run_reports/        u64 run id → the report bytes, verbatim
//	decisions/          key 0x00 list 0x00 entry id → screener.ReviewDecision
//	users/              user name → User (role, password hash bytes)
//	sessions/           SHA-256(token) hex → Session
//	api_keys/           SHA-256(key) hex → APIKey
//	audit/              u64 seq → AuditRecord, chained by SHA-256
//	open_reviews/       portfolio 0x00 key 0x00 list 0x00 entry id → {run,
//	                    finding}: review findings until a decision settles
//	                    them (a later run without the row does not)
//	login_throttle/     "name:"+user or "addr:"+address → Throttle (failed
//	                    sign-ins: count, first, last)
//
// Open creates the buckets and runs the migrations in one write
// transaction. Every action (import, run, decision, login, user or key
// change) is written in the same transaction as its audit record, so both
// land or neither does. Values are decoded inside their transaction; no
// bbolt slice leaves this package.
//
// Dump and Load (dump.go) yield and take every record in the store-neutral
// form of copy.go, so Copy can move a whole store between this file and
// PostgreSQL (or another file) and verify the copy.
package store

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/screener/screener/screener"
	bolt "go.etcd.io/bbolt"
)

// Bucket names.
var (
	bucketMeta            = []byte("meta")
	bucketSnapshots       = []byte("snapshots")
	bucketSnapshotEntries = []byte("snapshot_entries")
	bucketSnapshotIndex   = []byte("snapshot_index")
	bucketPortfolios      = []byte("portfolios")
	bucketRuns            = []byte("runs")
	bucketRunHoldings     = []byte("run_holdings")
	bucketRunReports      = []byte("run_reports")
	bucketDecisions       = []byte("decisions")
	bucketUsers           = []byte("users")
	bucketSessions        = []byte("sessions")
	bucketAPIKeys         = []byte("api_keys")
	bucketAudit           = []byte("audit")
	bucketThrottle        = []byte("login_throttle")
	bucketOpenReviews     = []byte("open_reviews")

	keySchema    = []byte("schema")
	keyAuditHead = []byte("audit_head")
)

// migrations brings the file from version i to i+1. Append only; never
// change a released step. The schema drawn in the package comment is the
// result of running all of them.
var migrations = []func(tx *bolt.Tx) error{
	// 1: the initial layout.
	func(tx *bolt.Tx) error {
		for _, b := range [][]byte{bucketSnapshots, bucketSnapshotEntries, bucketSnapshotIndex,
			bucketPortfolios, bucketRuns, bucketRunHoldings, bucketRunReports, bucketDecisions,
			bucketUsers, bucketSessions, bucketAPIKeys, bucketAudit} {
			if _, err := tx.CreateBucketIfNotExists(b); err != nil {
				return fmt.Errorf("create bucket %s: %w", b, err)
			}
		}
		return nil
	},
	// 2: failed sign-in counts per name and per address.
	func(tx *bolt.Tx) error {
		_, err := tx.CreateBucketIfNotExists(bucketThrottle)
		return err
	},
	// 3: portfolio owners, and open reviews kept until a decision.
	migrateOwners,
}

// SchemaVersion is the schema version this program writes.
var SchemaVersion = uint64(len(migrations))

// Options tune Open. The zero value is fine.
type Options struct {
	// Timeout is how long Open waits for another process holding the file;
	// 0 means 5 seconds.
	Timeout time.Duration
	// Now is the clock for record times; nil means time.Now.
	Now func() time.Time
	// ReadOnly opens the file for reading only (a read-only copy, a file
	// on read-only media, or beside another reader): no migration runs, the
	// file must already have this program's schema, and every write fails.
	ReadOnly bool
}

// Store is an open screener database. Its methods are safe for concurrent
// use; open a file once per process.
type Store struct {
	db   *bolt.DB
	path string
	now  func() time.Time
}

// Open opens (creating if needed) the database at path, creates missing
// buckets and migrates it to SchemaVersion in one write transaction.
func Open(path string, opt *Options) (*Store, error) {
	var o Options
	if opt != nil {
		o = *opt
	}
	if o.Timeout == 0 {
		o.Timeout = 5 * time.Second
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	// InitialMmapSize: bbolt maps the file at twice its size and, when a
	// commit outgrows the map, maps it again, copying every node the
	// transaction touched out of the old map first (a saved run's report of
	// tens of MB included: a third of a big upload's save). Mapping 1 GiB
	// of address space from the start (no memory: pages come as they are
	// read) leaves that to stores past 1 GiB. The hashmap freelist finds
	// free pages in a large file without a scan.
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: o.Timeout, ReadOnly: o.ReadOnly,
		InitialMmapSize: 1 << 30, FreelistType: bolt.FreelistMapType})
	if err != nil {
		if errors.Is(err, bolt.ErrTimeout) {
			return nil, lockedError(path, o.ReadOnly)
		}
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	s := &Store{db: db, path: path, now: o.Now}
	if o.ReadOnly {
		v, err := s.Schema()
		if err == nil && v != SchemaVersion {
			err = screener.Errorf(screener.KindConflict, "schema version %d, this program reads %d: open it once read-write to migrate it", v, SchemaVersion)
		}
		if err != nil {
			db.Close()
			return nil, fmt.Errorf("open %s read-only: %w", path, err)
		}
		return s, nil
	}
	if err := db.Update(migrate); err != nil {
		db.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	writeHolder(path)
	return s, nil
}

func migrate(tx *bolt.Tx) error {
	meta, err := tx.CreateBucketIfNotExists(bucketMeta)
	if err != nil {
		return err
	}
	var v uint64
	if b := meta.Get(keySchema); b != nil {
		if len(b) != 8 {
			return screener.Errorf(screener.KindInternal, "schema version has %d bytes, want 8", len(b))
		}
		v = binary.BigEndian.Uint64(b)
	}
	if v > SchemaVersion {
		return screener.Errorf(screener.KindConflict, "the database has schema version %d, newer than this program's %d: use a newer screener", v, SchemaVersion)
	}
	for ; v < SchemaVersion; v++ {
		if err := migrations[v](tx); err != nil {
			return fmt.Errorf("migrate to schema %d: %w", v+1, err)
		}
	}
	return meta.Put(keySchema, u64(v))
}

// Close closes the database file (and removes the note naming this
// process as its holder).
func (s *Store) Close() error {
	if !s.db.IsReadOnly() {
		removeHolder(s.path)
	}
	return s.db.Close()
}

// Path returns the file the store was opened from.
func (s *Store) Path() string { return s.path }

// Schema returns the file's schema version.
func (s *Store) Schema() (uint64, error) {
	var v uint64
	err := s.db.View(func(tx *bolt.Tx) error {
		meta := tx.Bucket(bucketMeta)
		if meta == nil || len(meta.Get(keySchema)) != 8 {
			return screener.Errorf(screener.KindInvalid, "not a screener database (no schema version)")
		}
		v = binary.BigEndian.Uint64(meta.Get(keySchema))
		return nil
	})
	return v, err
}

// Check runs bbolt's consistency check over the whole file and returns the
// first problem it finds.
func (s *Store) Check() error {
	return s.db.View(func(tx *bolt.Tx) error {
		var errs []error
		for err := range tx.Check() {
			errs = append(errs, err)
		}
		if len(errs) > 0 {
			return fmt.Errorf("%s: %d consistency errors, first: %w", s.path, len(errs), errs[0])
		}
		return nil
	})
}

// Backup writes a consistent copy of the whole database to w from one read
// transaction, so the server may keep running, and returns the bytes
// written.
func (s *Store) Backup(w io.Writer) (int64, error) {
	var n int64
	err := s.db.View(func(tx *bolt.Tx) error {
		var err error
		n, err = tx.WriteTo(w)
		return err
	})
	if err != nil {
		return n, fmt.Errorf("backup %s: %w", s.path, err)
	}
	return n, nil
}

// BackupFile writes a consistent copy of the database to path (created with
// mode 0600, never overwriting an existing file).
func (s *Store) BackupFile(path string) (int64, error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return 0, fmt.Errorf("backup: %w", err)
	}
	n, err := s.Backup(f)
	if cerr := f.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("backup %s: %w", path, cerr)
	}
	if err != nil {
		os.Remove(path)
		return 0, err
	}
	return n, nil
}

// u64 encodes v as 8 big-endian bytes.
func u64(v uint64) []byte {
	b := make([]byte, 8)
	binary.BigEndian.PutUint64(b, v)
	return b
}

// getJSON decodes the value at key in b into v; it reports false when the
// key is absent. The bytes are decoded inside the transaction.
func getJSON(b *bolt.Bucket, key []byte, v any) (bool, error) {
	raw := b.Get(key)
	if raw == nil {
		return false, nil
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return true, fmt.Errorf("decode value at key %q: %w", key, err)
	}
	return true, nil
}

// getByID decodes the record of bucket under the big-endian key id, a
// not-found error naming what when there is none.
func getByID[T any](tx *bolt.Tx, bucket []byte, id uint64, what string) (T, error) {
	var v T
	ok, err := getJSON(tx.Bucket(bucket), u64(id), &v)
	if err != nil {
		var zero T
		return zero, fmt.Errorf("%s %d: %w", what, id, err)
	}
	if !ok {
		var zero T
		return zero, notFound("no %s %d", what, id)
	}
	return v, nil
}

func putJSON(b *bolt.Bucket, key []byte, v any) error {
	raw, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode: %w", err)
	}
	return b.Put(key, raw)
}

// copyBytes returns a copy of b that outlives the transaction.
func copyBytes(b []byte) []byte {
	if b == nil {
		return nil
	}
	return append([]byte(nil), b...)
}

func notFound(format string, args ...any) error {
	return screener.Errorf(screener.KindNotFound, format, args...)
}

func (s *Store) stamp() time.Time { return s.now().UTC() }
