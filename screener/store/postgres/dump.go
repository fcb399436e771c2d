package postgres

// Copying a whole store in and out (store.Dumper, store.Loader), for
// 'screener db copy' between the bbolt file and PostgreSQL.

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/screener/screener/screener"
	"github.com/screener/screener/screener/funds"
	"github.com/screener/screener/screener/store"
)

var (
	_ store.Dumper = (*Store)(nil)
	_ store.Loader = (*Store)(nil)
)

// sequenceNames are the PostgreSQL sequences of the store's id counters.
var sequenceNames = map[string]string{
	store.SequenceSnapshots:    "snapshots_id_seq",
	store.SequenceRuns:         "runs_id_seq",
	store.SequenceFunds:        "funds_id_seq",
	store.SequenceFundHoldings: "fund_holdings_seq",
}

// dataTables are the tables that hold records (replicas holds heartbeats,
// schema_migrations what the migrations made; neither is copied).
var dataTables = []string{"snapshots", "snapshot_entries", "runs", "portfolios", "decisions", "open_reviews",
	"users", "sessions", "api_keys", "login_throttle", "funds", "fund_index", "fund_holdings", "audit"}

func i64(v int64) uint64 { return uint64(v) }

// Dump yields every record from one REPEATABLE READ transaction, in the
// order of store.Kinds (see store.Dumper).
func (s *Store) Dump(ctx context.Context, fn func(store.Record) error) error {
	err := pgx.BeginTxFunc(ctx, s.pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		emit := func(kind string, k, v []byte) error { return fn(store.Record{Kind: kind, Key: k, Value: v}) }
		// rows runs sql and calls row with each row's scanned columns.
		rows := func(sql string, dest func() []any, row func() error) error {
			rs, err := tx.Query(ctx, sql)
			if err != nil {
				return err
			}
			defer rs.Close()
			for rs.Next() {
				if err := rs.Scan(dest()...); err != nil {
					return err
				}
				if err := row(); err != nil {
					return err
				}
			}
			return rs.Err()
		}
		// byID dumps a table of (bigint id, document) as kind.
		byID := func(kind, sql string) error {
			var id int64
			var v []byte
			return rows(sql, func() []any { v = nil; return []any{&id, &v} }, func() error {
				return emit(kind, store.KeyU64(i64(id)), v)
			})
		}
		// byText dumps a table of (text key, document) as kind.
		byText := func(kind, sql string) error {
			var k string
			var v []byte
			return rows(sql, func() []any { v = nil; return []any{&k, &v} }, func() error {
				return emit(kind, []byte(k), v)
			})
		}
		if err := byID(store.KindSnapshot, `SELECT id, record FROM snapshots ORDER BY id`); err != nil {
			return err
		}
		var snap int64
		var idx int32
		var v []byte
		if err := rows(`SELECT snapshot, idx, entry FROM snapshot_entries ORDER BY snapshot, idx`,
			func() []any { v = nil; return []any{&snap, &idx, &v} },
			func() error { return emit(store.KindEntry, store.KeyU64Pair(i64(snap), uint64(idx)), v) }); err != nil {
			return err
		}
		var id int64
		var info, hs, rep []byte
		if err := rows(`SELECT id, info, holdings, report FROM runs ORDER BY id`,
			func() []any { info, hs, rep = nil, nil, nil; return []any{&id, &info, &hs, &rep} },
			func() error {
				k := store.KeyU64(i64(id))
				if err := emit(store.KindRun, k, info); err != nil {
					return err
				}
				if len(hs) > 0 {
					if err := emit(store.KindRunHoldings, k, hs); err != nil {
						return err
					}
				}
				if len(rep) > 0 {
					return emit(store.KindReport, k, rep)
				}
				return nil
			}); err != nil {
			return err
		}
		if err := byText(store.KindPortfolio, `SELECT name, record FROM portfolios ORDER BY name COLLATE "C"`); err != nil {
			return err
		}
		var a, b, c string
		if err := rows(`SELECT key, list, entry_id, record FROM decisions ORDER BY key COLLATE "C", list COLLATE "C", entry_id COLLATE "C"`,
			func() []any { v = nil; return []any{&a, &b, &c, &v} },
			func() error { return emit(store.KindDecision, store.KeyJoin(a, b, c), v) }); err != nil {
			return err
		}
		var p string
		if err := rows(`SELECT portfolio, key, list, entry_id, record FROM open_reviews
			ORDER BY portfolio COLLATE "C", key COLLATE "C", list COLLATE "C", entry_id COLLATE "C"`,
			func() []any { v = nil; return []any{&p, &a, &b, &c, &v} },
			func() error { return emit(store.KindOpenReview, store.KeyJoin(p, a, b, c), v) }); err != nil {
			return err
		}
		for _, t := range []struct{ kind, sql string }{
			{store.KindUser, `SELECT name, record FROM users ORDER BY name COLLATE "C"`},
			{store.KindSession, `SELECT token_hash, record FROM sessions ORDER BY token_hash COLLATE "C"`},
			{store.KindAPIKey, `SELECT hash, record FROM api_keys ORDER BY hash COLLATE "C"`},
			{store.KindThrottle, `SELECT key, record FROM login_throttle ORDER BY key COLLATE "C"`},
		} {
			if err := byText(t.kind, t.sql); err != nil {
				return err
			}
		}
		if err := byID(store.KindFund, `SELECT id, record FROM funds ORDER BY id`); err != nil {
			return err
		}
		var fid int64
		if err := rows(`SELECT key, fund_id FROM fund_index ORDER BY key COLLATE "C"`,
			func() []any { return []any{&a, &fid} },
			func() error { return emit(store.KindFundIndex, []byte(a), store.KeyU64(i64(fid))) }); err != nil {
			return err
		}
		if err := byID(store.KindFundHoldings, `SELECT seq, holdings FROM fund_holdings ORDER BY seq`); err != nil {
			return err
		}
		if err := byID(store.KindAudit, `SELECT seq, record FROM audit ORDER BY seq`); err != nil {
			return err
		}
		var headSeq int64
		var headHash string
		if err := tx.QueryRow(ctx, `SELECT seq, hash FROM audit_head WHERE id = 1`).Scan(&headSeq, &headHash); err != nil {
			return fmt.Errorf("the audit head row: %w", err)
		}
		if err := emit(store.KindAuditHead, []byte("head"), store.EncodeAuditHead(i64(headSeq), headHash)); err != nil {
			return err
		}
		for _, name := range store.Sequences {
			var last int64
			var called bool
			if err := tx.QueryRow(ctx, `SELECT last_value, is_called FROM `+sequenceNames[name]).Scan(&last, &called); err != nil {
				return fmt.Errorf("sequence %s: %w", sequenceNames[name], err)
			}
			if !called {
				last = 0
			}
			if err := emit(store.KindSequence, []byte(name), store.KeyU64(i64(last))); err != nil {
				return err
			}
		}
		return nil
	})
	return s.wrap(err)
}

// Load takes records into the database while it holds none (see
// store.Loader), in one transaction that first locks the audit head, so no
// other process writes meanwhile. The lookup columns are derived from the
// records as the store's own writes derive them; rows go in with COPY, a
// batch at a time; the sequences end at the source's counters or the
// highest ids loaded, whichever is more, and the audit head at the
// source's.
func (s *Store) Load(ctx context.Context, fill func(put func(store.Record) error) error) error {
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var seq int64
		if err := tx.QueryRow(ctx, `SELECT seq FROM audit_head WHERE id = 1 FOR UPDATE`).Scan(&seq); err != nil {
			return fmt.Errorf("lock the audit head: %w", err)
		}
		var holds []string
		for _, t := range dataTables {
			var has bool
			if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM `+t+`)`).Scan(&has); err != nil {
				return err
			}
			if has {
				holds = append(holds, t)
			}
		}
		if seq > 0 && len(holds) == 0 {
			holds = append(holds, "an audit head")
		}
		if len(holds) > 0 {
			return &store.NotEmptyError{Store: s.Path(), Holds: holds}
		}
		l := &pgLoader{ctx: ctx, tx: tx, max: map[string]uint64{}, seqs: map[string]uint64{}}
		if err := fill(l.put); err != nil {
			return err
		}
		if err := l.flushRun(); err != nil {
			return err
		}
		if err := l.flush(); err != nil {
			return err
		}
		for name, seqName := range sequenceNames {
			v := max(l.seqs[name], l.max[name])
			var err error
			if v == 0 {
				_, err = tx.Exec(ctx, `SELECT setval($1::regclass, 1, false)`, seqName)
			} else {
				_, err = tx.Exec(ctx, `SELECT setval($1::regclass, $2, true)`, seqName, int64(v))
			}
			if err != nil {
				return fmt.Errorf("set sequence %s: %w", seqName, err)
			}
		}
		if l.head != nil {
			seq, hash, err := store.DecodeAuditHead(l.head)
			if err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1`, int64(seq), hash); err != nil {
				return err
			}
		}
		return nil
	})
	return s.wrap(err)
}

// Batches go to the database at this many rows or bytes.
const (
	batchRows  = 5000
	batchBytes = 16 << 20
)

type pgLoader struct {
	ctx context.Context
	tx  pgx.Tx
	// the batch of rows for table
	table string
	cols  []string
	rows  [][]any
	bytes int
	run   *pendingRun // a run whose holdings and report may follow
	max   map[string]uint64
	seqs  map[string]uint64
	head  []byte
}

type pendingRun struct {
	id                     uint64
	portfolio              string
	info, holdings, report []byte
}

// add queues a row of table, sending the batch of another table first.
func (l *pgLoader) add(table string, cols []string, size int, row ...any) error {
	if l.table != table {
		if err := l.flush(); err != nil {
			return err
		}
		l.table, l.cols = table, cols
	}
	l.rows = append(l.rows, row)
	l.bytes += size
	if len(l.rows) >= batchRows || l.bytes >= batchBytes {
		return l.flush()
	}
	return nil
}

func (l *pgLoader) flush() error {
	if len(l.rows) == 0 {
		return nil
	}
	if _, err := l.tx.CopyFrom(l.ctx, pgx.Identifier{l.table}, l.cols, pgx.CopyFromRows(l.rows)); err != nil {
		return fmt.Errorf("copy into %s: %w", l.table, err)
	}
	l.rows, l.bytes = l.rows[:0], 0
	return nil
}

func (l *pgLoader) flushRun() error {
	r := l.run
	if r == nil {
		return nil
	}
	l.run = nil
	if r.holdings == nil {
		r.holdings = []byte{}
	}
	if r.report == nil {
		r.report = []byte{}
	}
	return l.add("runs", []string{"id", "portfolio", "info", "holdings", "report"}, len(r.info)+len(r.holdings)+len(r.report),
		int64(r.id), r.portfolio, string(r.info), r.holdings, r.report)
}

// decode reads a record's JSON document into v.
func decode(r store.Record, v any) error {
	if err := json.Unmarshal(r.Value, v); err != nil {
		return fmt.Errorf("%s record %q: %w", r.Kind, r.Key, err)
	}
	return nil
}

// same checks that a record's key is what its document says.
func same(r store.Record, want []byte) error {
	if string(r.Key) != string(want) {
		return fmt.Errorf("%s record %q: its document says %q", r.Kind, r.Key, want)
	}
	return nil
}

func (l *pgLoader) put(r store.Record) error {
	if err := l.ctx.Err(); err != nil {
		return err
	}
	if r.Kind == store.KindRunHoldings || r.Kind == store.KindReport {
		id, err := store.ParseU64(r.Kind, r.Key)
		if err != nil {
			return err
		}
		if l.run == nil || l.run.id != id {
			return fmt.Errorf("%s of run %d comes without its run record", r.Kind, id)
		}
		if r.Kind == store.KindReport {
			l.run.report = r.Value
		} else {
			l.run.holdings = r.Value
		}
		return nil
	}
	if err := l.flushRun(); err != nil {
		return err
	}
	size := len(r.Key) + len(r.Value)
	switch r.Kind {
	case store.KindSnapshot:
		var snap store.Snapshot
		if err := decode(r, &snap); err != nil {
			return err
		}
		if err := same(r, store.KeyU64(snap.ID)); err != nil {
			return err
		}
		if snap.Digest == "" {
			return fmt.Errorf("snapshot %d has no import digest", snap.ID)
		}
		l.max[store.SequenceSnapshots] = max(l.max[store.SequenceSnapshots], snap.ID)
		return l.add("snapshots", []string{"id", "list", "digest", "record"}, size, int64(snap.ID), snap.List, snap.Digest, string(r.Value))
	case store.KindEntry:
		if len(r.Key) != 16 {
			return fmt.Errorf("entry record: %d bytes of key, want 16", len(r.Key))
		}
		var e screener.Entry
		if err := decode(r, &e); err != nil {
			return err
		}
		snap, idx := binary.BigEndian.Uint64(r.Key[:8]), binary.BigEndian.Uint64(r.Key[8:])
		if idx > 1<<31-1 {
			return fmt.Errorf("entry %d of snapshot %d: index out of range", idx, snap)
		}
		return l.add("snapshot_entries", []string{"snapshot", "idx", "entry_id", "entry"}, size, int64(snap), int32(idx), e.ID, string(r.Value))
	case store.KindRun:
		var info store.RunInfo
		if err := decode(r, &info); err != nil {
			return err
		}
		if err := same(r, store.KeyU64(info.ID)); err != nil {
			return err
		}
		l.max[store.SequenceRuns] = max(l.max[store.SequenceRuns], info.ID)
		l.run = &pendingRun{id: info.ID, portfolio: info.Portfolio, info: r.Value}
		return nil
	case store.KindPortfolio:
		var p store.Portfolio
		if err := decode(r, &p); err != nil {
			return err
		}
		if err := same(r, []byte(p.Name)); err != nil {
			return err
		}
		return l.add("portfolios", []string{"name", "latest_run", "record"}, size, p.Name, int64(p.LatestRun), string(r.Value))
	case store.KindDecision:
		var d screener.ReviewDecision
		if err := decode(r, &d); err != nil {
			return err
		}
		if err := same(r, store.KeyJoin(d.Key, d.List, d.EntryID)); err != nil {
			return err
		}
		return l.add("decisions", []string{"key", "list", "entry_id", "record"}, size, d.Key, d.List, d.EntryID, string(r.Value))
	case store.KindOpenReview:
		var o store.OpenReview
		if err := decode(r, &o); err != nil {
			return err
		}
		p, err := store.OpenReviewPortfolio(r.Key, o)
		if err != nil {
			return err
		}
		return l.add("open_reviews", []string{"portfolio", "key", "list", "entry_id", "record"}, size,
			p, o.Finding.Key, o.Finding.Entry.List, o.Finding.Entry.ID, string(r.Value))
	case store.KindUser:
		var u store.User
		if err := decode(r, &u); err != nil {
			return err
		}
		if err := same(r, []byte(u.Name)); err != nil {
			return err
		}
		return l.add("users", []string{"name", "record"}, size, u.Name, string(r.Value))
	case store.KindSession:
		var sess store.Session
		if err := decode(r, &sess); err != nil {
			return err
		}
		return l.add("sessions", []string{"token_hash", "user_name", "expires", "record"}, size, string(r.Key), sess.User, sess.Expires, string(r.Value))
	case store.KindAPIKey:
		var k store.APIKey
		if err := decode(r, &k); err != nil {
			return err
		}
		if err := same(r, []byte(k.Hash)); err != nil {
			return err
		}
		return l.add("api_keys", []string{"hash", "record"}, size, k.Hash, string(r.Value))
	case store.KindThrottle:
		var t store.Throttle
		if err := decode(r, &t); err != nil {
			return err
		}
		if err := same(r, []byte(t.Key)); err != nil {
			return err
		}
		return l.add("login_throttle", []string{"key", "record"}, size, t.Key, string(r.Value))
	case store.KindFund:
		var f funds.Fund
		if err := decode(r, &f); err != nil {
			return err
		}
		if err := same(r, store.KeyU64(f.ID)); err != nil {
			return err
		}
		l.max[store.SequenceFunds] = max(l.max[store.SequenceFunds], f.ID)
		return l.add("funds", []string{"id", "record"}, size, int64(f.ID), string(r.Value))
	case store.KindFundIndex:
		id, err := store.ParseU64(r.Kind, r.Value)
		if err != nil {
			return err
		}
		return l.add("fund_index", []string{"key", "fund_id"}, size, string(r.Key), int64(id))
	case store.KindFundHoldings:
		seq, err := store.ParseU64(r.Kind, r.Key)
		if err != nil {
			return err
		}
		l.max[store.SequenceFundHoldings] = max(l.max[store.SequenceFundHoldings], seq)
		return l.add("fund_holdings", []string{"seq", "holdings"}, size, int64(seq), r.Value)
	case store.KindAudit:
		seq, err := store.ParseU64(r.Kind, r.Key)
		if err != nil {
			return err
		}
		return l.add("audit", []string{"seq", "record"}, size, int64(seq), r.Value)
	case store.KindAuditHead:
		l.head = r.Value
		return nil
	case store.KindSequence:
		v, err := store.ParseU64(r.Kind, r.Value)
		if err != nil {
			return err
		}
		if _, ok := sequenceNames[string(r.Key)]; !ok {
			return fmt.Errorf("sequence record: unknown counter %q", r.Key)
		}
		l.seqs[string(r.Key)] = v
		return nil
	}
	return fmt.Errorf("unknown record kind %q", strings.ToValidUTF8(r.Kind, "?"))
}
