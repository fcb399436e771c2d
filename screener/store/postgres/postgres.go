// Package postgres is the PostgreSQL store: the records of the embedded
// bbolt store (package screener/store) in a database that several screener
// processes share, so the web app can run as replicas behind a load
// balancer. It is the only package that imports pgx.
//
// It keeps the same records with the same rules as the bbolt store (they
// are shared through the store package's exported rules: PlanImport,
// PlanRun, CheckDecision, SealAudit...), and the contract suite in
// screener/store/storetest runs against both.
//
// # Transactions and the audit chain
//
// Every write runs in one READ COMMITTED transaction that first locks the
// single audit_head row (SELECT ... FOR UPDATE), then does its work and
// appends its audit record, chained to the head, in the same transaction.
// Writes from every process are so serialised as bbolt serialises them in
// one: no lost update (an import's removal check, a portfolio's run count,
// a decision replacing another) and one chain that VerifyAudit accepts.
// Reads that need several statements run in one REPEATABLE READ read-only
// transaction.
//
// # Schema
//
// The schema is the SQL files in migrations/, applied in order at Open
// under a PostgreSQL advisory lock (so replicas starting together migrate
// once); schema_migrations records each applied version.
//
// # Change notices
//
// An import and an API key revocation send a NOTIFY on channel
// screener_changes in their transaction; Watch delivers them, so a replica
// reloads its lists (or drops cached keys) within a moment of another
// replica's write.
package postgres

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/screener/screener/screener"
	"github.com/screener/screener/screener/store"
)

func init() {
	open := func(ctx context.Context, dsn string, opt *store.Options) (store.Interface, error) {
		return Open(ctx, dsn, opt)
	}
	store.Register("postgres", open)
	store.Register("postgresql", open)
}

//go:embed migrations/*.sql
var migrationFiles embed.FS

// Migration is one versioned schema step.
type Migration struct {
	Version uint64
	Name    string
	SQL     string
}

// Migrations returns the schema steps in the repository, by version.
func Migrations() ([]Migration, error) {
	ents, err := fs.ReadDir(migrationFiles, "migrations")
	if err != nil {
		return nil, err
	}
	var out []Migration
	for _, e := range ents {
		name := e.Name()
		num, rest, ok := strings.Cut(strings.TrimSuffix(name, ".sql"), "_")
		v, err := strconv.ParseUint(num, 10, 64)
		if !ok || err != nil || v == 0 {
			return nil, fmt.Errorf("migration file %s: want NNNN_name.sql", name)
		}
		b, err := migrationFiles.ReadFile("migrations/" + name)
		if err != nil {
			return nil, err
		}
		out = append(out, Migration{Version: v, Name: rest, SQL: string(b)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Version < out[j].Version })
	for i, m := range out {
		if m.Version != uint64(i+1) {
			return nil, fmt.Errorf("migrations: version %d follows %d: versions must run 1, 2, 3...", m.Version, i)
		}
	}
	return out, nil
}

// SchemaVersion is the schema version this program writes: its last
// migration.
func SchemaVersion() uint64 {
	ms, err := Migrations()
	if err != nil || len(ms) == 0 {
		return 0
	}
	return ms[len(ms)-1].Version
}

// migrateLock is the advisory lock key migrations run under.
const migrateLock = 7_148_201_914

// changesChannel is the NOTIFY channel of imports and key revocations.
const changesChannel = "screener_changes"

// Change topics sent on changesChannel.
const (
	TopicSnapshots = store.TopicSnapshots
	TopicKeys      = store.TopicKeys
	TopicFunds     = store.TopicFunds
)

var _ store.Watcher = (*Store)(nil)

// Store is a PostgreSQL store. Its methods are safe for concurrent use, and
// any number of processes may open the same database.
type Store struct {
	pool *pgxpool.Pool
	dsn  string
	now  func() time.Time
}

var _ store.Interface = (*Store)(nil)

// connect opens a pool on dsn without migrating.
func connect(ctx context.Context, dsn string, opt *store.Options) (*Store, error) {
	var o store.Options
	if opt != nil {
		o = *opt
	}
	if o.Timeout == 0 {
		o.Timeout = 5 * time.Second
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, screener.Errorf(screener.KindInvalid, "database %s: %v", store.RedactDSN(dsn), redactErr(err, dsn))
	}
	cfg.ConnConfig.ConnectTimeout = o.Timeout
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("connect to %s: %w", store.RedactDSN(dsn), err)
	}
	pctx, cancel := context.WithTimeout(ctx, o.Timeout)
	defer cancel()
	if err := pool.Ping(pctx); err != nil {
		pool.Close()
		return nil, screener.Errorf(screener.KindConflict, "connect to %s: %v", store.RedactDSN(dsn), redactErr(err, dsn))
	}
	return &Store{pool: pool, dsn: dsn, now: o.Now}, nil
}

// redactErr returns err's text without the password dsn may hold.
func redactErr(err error, dsn string) string {
	msg := err.Error()
	if cfg, perr := pgconn.ParseConfig(dsn); perr == nil && cfg.Password != "" {
		msg = strings.ReplaceAll(msg, cfg.Password, "xxxxx")
	}
	return msg
}

// Open connects to the database dsn names (postgres://...), applies the
// migrations it lacks under an advisory lock and returns the store.
func Open(ctx context.Context, dsn string, opt *store.Options) (*Store, error) {
	s, err := connect(ctx, dsn, opt)
	if err != nil {
		return nil, err
	}
	if _, err := s.migrate(ctx); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// MigrationStatus is one migration and whether the database has it.
type MigrationStatus struct {
	Migration
	Applied   bool
	AppliedAt time.Time
}

// Status connects to dsn without migrating and returns every migration of
// this program with whether the database has it, and the database's
// version (which may be newer than this program's).
func Status(ctx context.Context, dsn string, opt *store.Options) ([]MigrationStatus, uint64, error) {
	s, err := connect(ctx, dsn, opt)
	if err != nil {
		return nil, 0, err
	}
	defer s.Close()
	ms, err := Migrations()
	if err != nil {
		return nil, 0, err
	}
	applied, err := s.applied(ctx, s.pool)
	if err != nil {
		return nil, 0, err
	}
	var out []MigrationStatus
	var top uint64
	for v := range applied {
		top = max(top, v)
	}
	for _, m := range ms {
		at, ok := applied[m.Version]
		out = append(out, MigrationStatus{Migration: m, Applied: ok, AppliedAt: at})
	}
	return out, top, nil
}

// Migrate connects to dsn, applies the migrations it lacks and returns
// those it applied.
func Migrate(ctx context.Context, dsn string, opt *store.Options) ([]Migration, error) {
	s, err := connect(ctx, dsn, opt)
	if err != nil {
		return nil, err
	}
	defer s.Close()
	return s.migrate(ctx)
}

type querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
}

// applied returns the applied versions with their times.
func (s *Store) applied(ctx context.Context, q querier) (map[uint64]time.Time, error) {
	if _, err := q.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version bigint PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`); err != nil {
		return nil, fmt.Errorf("%s: schema_migrations: %w", s.Path(), err)
	}
	rows, err := q.Query(ctx, `SELECT version, applied_at FROM schema_migrations`)
	if err != nil {
		return nil, fmt.Errorf("%s: schema_migrations: %w", s.Path(), err)
	}
	defer rows.Close()
	out := map[uint64]time.Time{}
	for rows.Next() {
		var v int64
		var at time.Time
		if err := rows.Scan(&v, &at); err != nil {
			return nil, err
		}
		out[uint64(v)] = at
	}
	return out, rows.Err()
}

// migrate applies the missing migrations, each in its own transaction, on
// one connection holding the advisory lock, so concurrent starts apply
// each step once.
func (s *Store) migrate(ctx context.Context) ([]Migration, error) {
	ms, err := Migrations()
	if err != nil {
		return nil, err
	}
	conn, err := s.pool.Acquire(ctx)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", s.Path(), err)
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, `SELECT pg_advisory_lock($1)`, int64(migrateLock)); err != nil {
		return nil, fmt.Errorf("%s: take the migration lock: %w", s.Path(), err)
	}
	defer conn.Exec(context.Background(), `SELECT pg_advisory_unlock($1)`, int64(migrateLock))
	applied, err := s.applied(ctx, conn)
	if err != nil {
		return nil, err
	}
	top := SchemaVersion()
	for v := range applied {
		if v > top {
			return nil, screener.Errorf(screener.KindConflict, "%s has schema version %d, newer than this program's %d: use a newer screener", s.Path(), v, top)
		}
	}
	var done []Migration
	for _, m := range ms {
		if _, ok := applied[m.Version]; ok {
			continue
		}
		err := pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
			if _, err := tx.Exec(ctx, m.SQL); err != nil {
				return err
			}
			_, err := tx.Exec(ctx, `INSERT INTO schema_migrations (version, name) VALUES ($1, $2)`, int64(m.Version), m.Name)
			return err
		})
		if err != nil {
			return done, fmt.Errorf("%s: migrate to schema %d (%s): %w", s.Path(), m.Version, m.Name, err)
		}
		done = append(done, m)
	}
	return done, nil
}

// Close closes the connection pool.
func (s *Store) Close() error {
	s.pool.Close()
	return nil
}

// Path returns the database URL without its password.
func (s *Store) Path() string { return store.RedactDSN(s.dsn) }

// Schema returns the highest applied schema version.
func (s *Store) Schema() (uint64, error) {
	var v *int64
	if err := s.pool.QueryRow(context.Background(), `SELECT max(version) FROM schema_migrations`).Scan(&v); err != nil {
		return 0, s.wrap(err)
	}
	if v == nil {
		return 0, nil
	}
	return uint64(*v), nil
}

// Check checks that the schema is this program's, that every snapshot holds
// the entries its record counts, that every portfolio's latest run exists
// and that the audit head matches the last record.
func (s *Store) Check() error {
	ctx := context.Background()
	v, err := s.Schema()
	if err != nil {
		return err
	}
	if v != SchemaVersion() {
		return fmt.Errorf("%s: schema version %d, this program's is %d: run 'screener db migrate'", s.Path(), v, SchemaVersion())
	}
	var bad []string
	rows, err := s.pool.Query(ctx, `SELECT s.id, (s.record->>'entries')::bigint, count(e.idx)
		FROM snapshots s LEFT JOIN snapshot_entries e ON e.snapshot = s.id
		GROUP BY s.id HAVING count(e.idx) <> (s.record->>'entries')::bigint ORDER BY s.id`)
	if err != nil {
		return s.wrap(err)
	}
	for rows.Next() {
		var id, want, got int64
		if err := rows.Scan(&id, &want, &got); err != nil {
			rows.Close()
			return s.wrap(err)
		}
		bad = append(bad, fmt.Sprintf("snapshot %d holds %d entries, its record says %d", id, got, want))
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return s.wrap(err)
	}
	var headSeq, lastSeq int64
	if err := s.pool.QueryRow(ctx, `SELECT h.seq, coalesce((SELECT max(seq) FROM audit), 0) FROM audit_head h WHERE h.id = 1`).Scan(&headSeq, &lastSeq); err != nil {
		return s.wrap(err)
	}
	if headSeq != lastSeq {
		bad = append(bad, fmt.Sprintf("the audit head says record %d, the last record is %d", headSeq, lastSeq))
	}
	if len(bad) > 0 {
		return fmt.Errorf("%s: %d consistency errors, first: %s", s.Path(), len(bad), bad[0])
	}
	return nil
}

func (s *Store) stamp() time.Time { return s.now().UTC() }

// wrap names the database in an error from pgx, keeping store and
// screener errors as they are.
func (s *Store) wrap(err error) error {
	if err == nil {
		return nil
	}
	var se *screener.Error
	var ae *store.AuditError
	var re *store.RemovalError
	var aes store.AuditErrors
	if errors.As(err, &se) || errors.As(err, &ae) || errors.As(err, &re) || errors.As(err, &aes) {
		return err
	}
	return fmt.Errorf("%s: %w", s.Path(), err)
}

// wtx is a write transaction holding the audit head.
type wtx struct {
	pgx.Tx
	ctx    context.Context
	s      *Store
	seq    uint64
	hash   string
	notify map[string]bool
}

// write runs fn in a write transaction that holds the audit head row, and
// commits when fn returns nil.
func (s *Store) write(fn func(w *wtx) error) error {
	ctx := context.Background()
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		w := &wtx{Tx: tx, ctx: ctx, s: s}
		var seq int64
		if err := tx.QueryRow(ctx, `SELECT seq, hash FROM audit_head WHERE id = 1 FOR UPDATE`).Scan(&seq, &w.hash); err != nil {
			return fmt.Errorf("lock the audit head: %w", err)
		}
		w.seq = uint64(seq)
		if err := fn(w); err != nil {
			return err
		}
		for topic := range w.notify {
			if _, err := tx.Exec(ctx, `SELECT pg_notify($1, $2)`, changesChannel, topic); err != nil {
				return err
			}
		}
		return nil
	})
	return s.wrap(err)
}

// audit appends a record chained to the head, in w.
func (w *wtx) audit(actor, action, subject string, detail map[string]string) error {
	seq := w.seq + 1
	r, raw, err := store.SealAudit(seq, w.s.stamp(), actor, action, subject, detail, w.hash)
	if err != nil {
		return err
	}
	if _, err := w.Exec(w.ctx, `INSERT INTO audit (seq, record) VALUES ($1, $2)`, int64(seq), raw); err != nil {
		return fmt.Errorf("append audit record %d: %w", seq, err)
	}
	if _, err := w.Exec(w.ctx, `UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1`, int64(seq), r.Hash); err != nil {
		return err
	}
	w.seq, w.hash = seq, r.Hash
	return nil
}

func (w *wtx) changed(topic string) {
	if w.notify == nil {
		w.notify = map[string]bool{}
	}
	w.notify[topic] = true
}

// read runs fn in one REPEATABLE READ read-only transaction.
func (s *Store) read(fn func(ctx context.Context, tx pgx.Tx) error) error {
	ctx := context.Background()
	err := pgx.BeginTxFunc(ctx, s.pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly},
		func(tx pgx.Tx) error { return fn(ctx, tx) })
	return s.wrap(err)
}

// Watch listens for change notices from every process on the database and
// calls fn with the topic (TopicSnapshots, TopicKeys) of each, until ctx
// ends. After it (re)connects it calls fn("") once: anything may have
// changed while it was not listening. It returns ctx's error.
func (s *Store) Watch(ctx context.Context, fn func(topic string)) error {
	backoff := 100 * time.Millisecond
	for ctx.Err() == nil {
		err := s.listen(ctx, fn)
		if ctx.Err() != nil {
			break
		}
		_ = err // the connection dropped: listen again after a pause
		select {
		case <-ctx.Done():
		case <-time.After(backoff):
		}
		backoff = min(2*backoff, 5*time.Second)
	}
	return ctx.Err()
}

func (s *Store) listen(ctx context.Context, fn func(topic string)) error {
	conn, err := s.pool.Acquire(ctx)
	if err != nil {
		return err
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, "LISTEN "+changesChannel); err != nil {
		return err
	}
	defer conn.Exec(context.Background(), "UNLISTEN "+changesChannel)
	fn("")
	for {
		n, err := conn.Conn().WaitForNotification(ctx)
		if err != nil {
			return err
		}
		fn(n.Payload)
	}
}
