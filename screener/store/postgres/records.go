package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/screener/screener/screener"
	"github.com/screener/screener/screener/store"
)

// q is what both a transaction and the pool answer.
type q interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// one decodes the json document the query returns into v; it reports false
// when there is no row.
func one(ctx context.Context, db q, v any, sql string, args ...any) (bool, error) {
	var raw []byte
	if err := db.QueryRow(ctx, sql, args...).Scan(&raw); err != nil {
		if errors.Is(err, pgx.ErrNoRows) {
			return false, nil
		}
		return false, err
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return true, fmt.Errorf("decode %T: %w", v, err)
	}
	return true, nil
}

// all decodes the json document of every row the query returns.
func all[T any](ctx context.Context, db q, sql string, args ...any) ([]T, error) {
	rows, err := db.Query(ctx, sql, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		var raw []byte
		if err := rows.Scan(&raw); err != nil {
			return nil, err
		}
		var v T
		if err := json.Unmarshal(raw, &v); err != nil {
			return nil, fmt.Errorf("decode %T: %w", v, err)
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

func isNoRows(err error) bool { return errors.Is(err, pgx.ErrNoRows) }

func enc(v any) ([]byte, error) { return json.Marshal(v) }

func nextID(w *wtx, seq string) (uint64, error) {
	var id int64
	err := w.QueryRow(w.ctx, `SELECT nextval($1::regclass)`, seq).Scan(&id)
	return uint64(id), err
}

// ---- lists

// Import stores each list as a new snapshot in one transaction (see
// store.Interface and the bbolt store's Import).
func (s *Store) Import(lists []*screener.List, opt store.ImportOptions) ([]store.ImportResult, error) {
	var out []store.ImportResult
	err := s.write(func(w *wtx) error {
		out = out[:0]
		for _, l := range lists {
			r, err := s.importOne(w, l, opt)
			if err != nil {
				return err
			}
			out = append(out, r)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func (s *Store) importOne(w *wtx, l *screener.List, opt store.ImportOptions) (store.ImportResult, error) {
	if l == nil || l.Name == "" {
		return store.ImportResult{}, screener.Errorf(screener.KindInvalid, "import: a list has no name")
	}
	digest, err := store.ImportDigest(l)
	if err != nil {
		return store.ImportResult{}, fmt.Errorf("import %s: %w", l.Name, err)
	}
	var old store.Snapshot
	if ok, err := one(w.ctx, w, &old, `SELECT record FROM snapshots WHERE list = $1 AND digest = $2`, l.Name, digest); err != nil {
		return store.ImportResult{}, err
	} else if ok {
		return store.ImportResult{Snapshot: old, Existing: true}, nil
	}
	var prev *store.Snapshot
	var prevIDs map[string]bool
	var p store.Snapshot
	if ok, err := one(w.ctx, w, &p, `SELECT record FROM snapshots WHERE list = $1 ORDER BY id DESC LIMIT 1`, l.Name); err != nil {
		return store.ImportResult{}, err
	} else if ok {
		prev = &p
		rows, err := w.Query(w.ctx, `SELECT entry_id FROM snapshot_entries WHERE snapshot = $1`, int64(p.ID))
		if err != nil {
			return store.ImportResult{}, err
		}
		prevIDs = map[string]bool{}
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return store.ImportResult{}, err
			}
			prevIDs[id] = true
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return store.ImportResult{}, err
		}
	}
	snap, err := store.PlanImport(l, digest, prev, prevIDs, opt, s.stamp())
	if err != nil {
		return store.ImportResult{}, err
	}
	if snap.ID, err = nextID(w, "snapshots_id_seq"); err != nil {
		return store.ImportResult{}, err
	}
	rec, err := enc(snap)
	if err != nil {
		return store.ImportResult{}, err
	}
	if _, err := w.Exec(w.ctx, `INSERT INTO snapshots (id, list, digest, record) VALUES ($1, $2, $3, $4)`,
		int64(snap.ID), l.Name, digest, rec); err != nil {
		return store.ImportResult{}, fmt.Errorf("import %s: %w", l.Name, err)
	}
	rows := make([][]any, len(l.Entries))
	for i := range l.Entries {
		b, err := enc(&l.Entries[i])
		if err != nil {
			return store.ImportResult{}, fmt.Errorf("import %s: entry %s: %w", l.Name, l.Entries[i].ID, err)
		}
		rows[i] = []any{int64(snap.ID), int32(i), l.Entries[i].ID, string(b)}
	}
	if _, err := w.CopyFrom(w.ctx, pgx.Identifier{"snapshot_entries"}, []string{"snapshot", "idx", "entry_id", "entry"},
		pgx.CopyFromRows(rows)); err != nil {
		return store.ImportResult{}, fmt.Errorf("import %s: entries of snapshot %d: %w", l.Name, snap.ID, err)
	}
	if err := w.audit(opt.User, store.ActionImport, l.Name, store.ImportAudit(snap)); err != nil {
		return store.ImportResult{}, err
	}
	w.changed(TopicSnapshots)
	return store.ImportResult{Snapshot: snap}, nil
}

func getSnapshot(ctx context.Context, db q, id uint64) (store.Snapshot, error) {
	var snap store.Snapshot
	ok, err := one(ctx, db, &snap, `SELECT record FROM snapshots WHERE id = $1`, int64(id))
	if err == nil && !ok {
		err = store.NotFound("no snapshot %d", id)
	}
	return snap, err
}

func loadList(ctx context.Context, db q, id uint64) (*screener.List, store.Snapshot, error) {
	snap, err := getSnapshot(ctx, db, id)
	if err != nil {
		return nil, snap, err
	}
	es, err := all[screener.Entry](ctx, db, `SELECT entry FROM snapshot_entries WHERE snapshot = $1 ORDER BY idx`, int64(id))
	if err != nil {
		return nil, snap, fmt.Errorf("snapshot %d entries: %w", id, err)
	}
	if len(es) != snap.Entries {
		return nil, snap, fmt.Errorf("snapshot %d holds %d entries, its record says %d", id, len(es), snap.Entries)
	}
	if es == nil {
		es = []screener.Entry{}
	}
	return &screener.List{Name: snap.List, Format: snap.Format, AsOf: snap.AsOf, Sources: snap.Sources,
		Warnings: snap.Warnings, Entries: es}, snap, nil
}

// Snapshot returns snapshot id's description.
func (s *Store) Snapshot(id uint64) (store.Snapshot, error) {
	snap, err := getSnapshot(context.Background(), s.pool, id)
	return snap, s.wrap(err)
}

// List returns snapshot id with its entries, as imported.
func (s *Store) List(id uint64) (*screener.List, error) {
	var l *screener.List
	err := s.read(func(ctx context.Context, tx pgx.Tx) error {
		var err error
		l, _, err = loadList(ctx, tx, id)
		return err
	})
	return l, err
}

// Snapshots returns the snapshots of list ("" for every list), oldest first.
func (s *Store) Snapshots(list string) ([]store.Snapshot, error) {
	out, err := all[store.Snapshot](context.Background(), s.pool,
		`SELECT record FROM snapshots WHERE $1 = '' OR list = $1 ORDER BY id`, list)
	return out, s.wrap(err)
}

// LatestLists returns the newest snapshot of every list with its entries,
// ordered by list name.
func (s *Store) LatestLists() ([]*screener.List, []store.Snapshot, error) {
	var lists []*screener.List
	var snaps []store.Snapshot
	err := s.read(func(ctx context.Context, tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `SELECT DISTINCT ON (list) list, id FROM snapshots ORDER BY list, id DESC`)
		if err != nil {
			return err
		}
		type latest struct {
			name string
			id   int64
		}
		var ls []latest
		for rows.Next() {
			var x latest
			if err := rows.Scan(&x.name, &x.id); err != nil {
				rows.Close()
				return err
			}
			ls = append(ls, x)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		sort.Slice(ls, func(i, j int) bool { return ls[i].name < ls[j].name })
		for _, x := range ls {
			l, snap, err := loadList(ctx, tx, uint64(x.id))
			if err != nil {
				return err
			}
			lists, snaps = append(lists, l), append(snaps, snap)
		}
		return nil
	})
	return lists, snaps, err
}

// ResolveSnapshot turns a reference (an id, latest or previous) into a
// snapshot of list ("" means the list with the most recent import).
func (s *Store) ResolveSnapshot(list, ref string) (store.Snapshot, error) {
	id, skip, err := store.ParseSnapshotRef(ref)
	if err != nil {
		return store.Snapshot{}, err
	}
	var snap store.Snapshot
	err = s.read(func(ctx context.Context, tx pgx.Tx) error {
		if id > 0 {
			var err error
			snap, err = getSnapshot(ctx, tx, id)
			return err
		}
		if list == "" {
			err := tx.QueryRow(ctx, `SELECT list FROM snapshots ORDER BY id DESC LIMIT 1`).Scan(&list)
			if errors.Is(err, pgx.ErrNoRows) {
				return store.NotFound("no list snapshots stored: import a list first")
			}
			if err != nil {
				return err
			}
		}
		ok, err := one(ctx, tx, &snap, `SELECT record FROM snapshots WHERE list = $1 ORDER BY id DESC OFFSET $2 LIMIT 1`, list, skip)
		if err == nil && !ok {
			err = store.NotFound("list %s has no %s snapshot", list, ref)
		}
		return err
	})
	return snap, err
}

// Diff compares snapshots from and to (see screener.DiffLists).
func (s *Store) Diff(from, to uint64) (screener.ListDiff, error) {
	var d screener.ListDiff
	err := s.read(func(ctx context.Context, tx pgx.Tx) error {
		a, _, err := loadList(ctx, tx, from)
		if err != nil {
			return err
		}
		b, _, err := loadList(ctx, tx, to)
		if err != nil {
			return err
		}
		d = screener.DiffLists(a, b)
		d.From.ID, d.To.ID = from, to
		return nil
	})
	return d, err
}

// snapshotEntry finds entry id of list in snapshot snapID, or in the newest
// snapshot of list when snapID is 0.
func snapshotEntry(ctx context.Context, db q, snapID uint64, list, id string) (*screener.Entry, error) {
	if snapID == 0 {
		var sid int64
		err := db.QueryRow(ctx, `SELECT id FROM snapshots WHERE list = $1 ORDER BY id DESC LIMIT 1`, list).Scan(&sid)
		if errors.Is(err, pgx.ErrNoRows) {
			return nil, store.NotFound("no stored snapshot of list %s: import it first", list)
		}
		if err != nil {
			return nil, err
		}
		snapID = uint64(sid)
	}
	var e screener.Entry
	ok, err := one(ctx, db, &e, `SELECT entry FROM snapshot_entries WHERE snapshot = $1 AND entry_id = $2 ORDER BY idx LIMIT 1`, int64(snapID), id)
	if err != nil {
		return nil, err
	}
	if !ok {
		if _, err := getSnapshot(ctx, db, snapID); err != nil {
			return nil, err
		}
		return nil, store.NotFound("entry %s is not in snapshot %d of %s", id, snapID, list)
	}
	return &e, nil
}

// runEntry finds the entry a run's finding reached, in the snapshot of that
// list the run used, or in the list's newest snapshot.
func runEntry(ctx context.Context, db q, info store.RunInfo, list, id string) (*screener.Entry, error) {
	var snapID uint64
	for _, sid := range info.SnapshotIDs {
		snap, err := getSnapshot(ctx, db, sid)
		if err != nil {
			return nil, err
		}
		if snap.List == list {
			snapID = sid
		}
	}
	return snapshotEntry(ctx, db, snapID, list, id)
}

// ---- runs

// SaveRun stores a run, its holdings and report bytes with its audit
// record in one transaction, and returns the run id.
func (s *Store) SaveRun(run store.Run) (uint64, error) {
	info, packed, err := store.PlanRun(&run, s.stamp())
	if err != nil {
		return 0, err
	}
	var hs []byte
	if len(run.Holdings) > 0 { // kept only when given, as in the bbolt store
		if hs, err = store.EncodeHoldings(run.Holdings); err != nil {
			return 0, err
		}
	} else {
		hs = []byte{}
	}
	err = s.write(func(w *wtx) error {
		for _, id := range run.SnapshotIDs {
			if _, err := getSnapshot(w.ctx, w, id); err != nil {
				return fmt.Errorf("save run: %w", err)
			}
		}
		var err error
		if info.ID, err = nextID(w, "runs_id_seq"); err != nil {
			return err
		}
		rec, err := enc(info)
		if err != nil {
			return err
		}
		if _, err := w.Exec(w.ctx, `INSERT INTO runs (id, portfolio, info, holdings, report) VALUES ($1, $2, $3, $4, $5)`,
			int64(info.ID), run.Portfolio, rec, hs, packed); err != nil {
			return err
		}
		var p store.Portfolio
		exists, err := one(w.ctx, w, &p, `SELECT record FROM portfolios WHERE name = $1`, run.Portfolio)
		if err != nil {
			return err
		}
		if p, err = store.RunPortfolio(p, exists, run, info); err != nil {
			return err
		}
		prec, err := enc(p)
		if err != nil {
			return err
		}
		if _, err := w.Exec(w.ctx, `INSERT INTO portfolios (name, latest_run, record) VALUES ($1, $2, $3)
			ON CONFLICT (name) DO UPDATE SET latest_run = EXCLUDED.latest_run, record = EXCLUDED.record`,
			run.Portfolio, int64(info.ID), prec); err != nil {
			return err
		}
		for _, o := range store.RunReviews(info.ID, run) {
			rec, err := enc(o)
			if err != nil {
				return err
			}
			if _, err := w.Exec(w.ctx, `INSERT INTO open_reviews (portfolio, key, list, entry_id, record) VALUES ($1, $2, $3, $4, $5)
				ON CONFLICT (portfolio, key, list, entry_id) DO UPDATE SET record = EXCLUDED.record`,
				run.Portfolio, o.Finding.Key, o.Finding.Entry.List, o.Finding.Entry.ID, rec); err != nil {
				return err
			}
		}
		return w.audit(run.User, store.ActionRun, run.Portfolio, store.RunAudit(info))
	})
	if err != nil {
		return 0, err
	}
	return info.ID, nil
}

// Runs returns every saved run, newest first.
func (s *Store) Runs() ([]store.RunInfo, error) {
	out, err := all[store.RunInfo](context.Background(), s.pool, `SELECT info FROM runs ORDER BY id DESC`)
	return out, s.wrap(err)
}

func getRunInfo(ctx context.Context, db q, id uint64) (store.RunInfo, error) {
	var r store.RunInfo
	ok, err := one(ctx, db, &r, `SELECT info FROM runs WHERE id = $1`, int64(id))
	if err == nil && !ok {
		err = store.NotFound("no run %d", id)
	}
	return r, err
}

// RunInfo returns the description of run id.
func (s *Store) RunInfo(id uint64) (store.RunInfo, error) {
	r, err := getRunInfo(context.Background(), s.pool, id)
	return r, s.wrap(err)
}

// Run returns saved run id with its holdings and its report bytes.
func (s *Store) Run(id uint64) (store.Run, error) {
	var infoRaw, hs, rep []byte
	err := s.pool.QueryRow(context.Background(), `SELECT info, holdings, report FROM runs WHERE id = $1`, int64(id)).Scan(&infoRaw, &hs, &rep)
	if errors.Is(err, pgx.ErrNoRows) {
		return store.Run{}, store.NotFound("no run %d", id)
	}
	if err != nil {
		return store.Run{}, s.wrap(err)
	}
	var info store.RunInfo
	if err := json.Unmarshal(infoRaw, &info); err != nil {
		return store.Run{}, fmt.Errorf("run %d: %w", id, err)
	}
	held, err := store.DecodeHoldings(hs)
	if err != nil {
		return store.Run{}, fmt.Errorf("run %d holdings: %w", id, err)
	}
	if rep, err = store.UnpackReport(rep); err != nil {
		return store.Run{}, fmt.Errorf("run %d: %w", id, err)
	}
	return store.Run{ID: id, Portfolio: info.Portfolio, User: info.User, AsOf: info.AsOf, Files: info.Files,
		Inputs: info.Inputs, Holdings: held, Report: rep, SnapshotIDs: info.SnapshotIDs, SavedAt: info.SavedAt}, nil
}

func runReport(ctx context.Context, db q, id uint64) ([]byte, error) {
	var rep []byte
	err := db.QueryRow(ctx, `SELECT report FROM runs WHERE id = $1`, int64(id)).Scan(&rep)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, store.NotFound("no run %d", id)
	}
	if err != nil {
		return nil, err
	}
	if rep, err = store.UnpackReport(rep); err != nil {
		return nil, fmt.Errorf("run %d: %w", id, err)
	}
	return rep, nil
}

// RunReport returns the report bytes of run id, exactly as saved.
func (s *Store) RunReport(id uint64) (json.RawMessage, error) {
	rep, err := runReport(context.Background(), s.pool, id)
	return rep, s.wrap(err)
}

// Portfolios returns the portfolios, by name, each with the holdings of
// its latest run.
func (s *Store) Portfolios() ([]store.Portfolio, error) {
	rows, err := s.pool.Query(context.Background(),
		`SELECT p.record, r.holdings FROM portfolios p JOIN runs r ON r.id = p.latest_run`)
	if err != nil {
		return nil, s.wrap(err)
	}
	defer rows.Close()
	var out []store.Portfolio
	for rows.Next() {
		var rec, hs []byte
		if err := rows.Scan(&rec, &hs); err != nil {
			return nil, s.wrap(err)
		}
		var p store.Portfolio
		if err := json.Unmarshal(rec, &p); err != nil {
			return nil, fmt.Errorf("portfolio: %w", err)
		}
		if p.Holdings, err = store.DecodeHoldings(hs); err != nil {
			return nil, fmt.Errorf("portfolio %q run %d: %w", p.Name, p.LatestRun, err)
		}
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, s.wrap(err)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// ---- decisions

func (s *Store) putDecision(w *wtx, d screener.ReviewDecision, extra map[string]string) (screener.ReviewDecision, error) {
	d, err := store.CheckDecision(d, s.stamp())
	if err != nil {
		return d, err
	}
	rec, err := enc(d)
	if err != nil {
		return d, err
	}
	if _, err := w.Exec(w.ctx, `INSERT INTO decisions (key, list, entry_id, record) VALUES ($1, $2, $3, $4)
		ON CONFLICT (key, list, entry_id) DO UPDATE SET record = EXCLUDED.record`, d.Key, d.List, d.EntryID, rec); err != nil {
		return d, err
	}
	subject, detail := store.DecisionAudit(d, extra)
	return d, w.audit(d.Decision.Reviewer, store.ActionDecision, subject, detail)
}

// Decide stores a reviewer's decision, replacing an earlier one on the
// same key, list and entry, with its audit record.
func (s *Store) Decide(d screener.ReviewDecision) (screener.ReviewDecision, error) {
	err := s.write(func(w *wtx) error {
		var err error
		d, err = s.putDecision(w, d, nil)
		return err
	})
	return d, err
}

// Decisions returns every stored decision.
func (s *Store) Decisions() ([]screener.ReviewDecision, error) {
	out, err := all[screener.ReviewDecision](context.Background(), s.pool,
		`SELECT record FROM decisions ORDER BY key COLLATE "C", list COLLATE "C", entry_id COLLATE "C"`)
	return out, s.wrap(err)
}

// DecideFinding records a decision on a finding of a saved run (see the
// bbolt store's DecideFinding), in one transaction.
func (s *Store) DecideFinding(ref store.FindingRef, d screener.Decision) (screener.ReviewDecision, error) {
	var rd screener.ReviewDecision
	err := s.write(func(w *wtx) error {
		info, err := getRunInfo(w.ctx, w, ref.Run)
		if err != nil {
			return err
		}
		rep, err := runReport(w.ctx, w, ref.Run)
		if err != nil {
			return err
		}
		fs, err := store.ReportFindings(ref.Run, rep)
		if err != nil {
			return err
		}
		f, err := store.FindFinding(fs, ref)
		if err != nil {
			return err
		}
		e, err := runEntry(w.ctx, w, info, f.Entry.List, f.Entry.ID)
		if err != nil {
			return err
		}
		rd = screener.ReviewDecision{Key: f.Key, List: f.Entry.List, EntryID: f.Entry.ID,
			Fingerprint: screener.EntryFingerprint(e), Decision: d}
		rd, err = s.putDecision(w, rd, store.FindingAudit(ref, f))
		return err
	})
	return rd, err
}

// OpenReviews returns the review findings of each portfolio's runs that
// no decision settles, or whose decision was re-opened because the entry
// changed, by portfolio, file and line (see the bbolt store's).
func (s *Store) OpenReviews() ([]store.Review, error) {
	var out []store.Review
	err := s.read(func(ctx context.Context, tx pgx.Tx) error {
		type row struct {
			portfolio string
			o         store.OpenReview
		}
		rows, err := tx.Query(ctx, `SELECT portfolio, record FROM open_reviews
			ORDER BY portfolio COLLATE "C", key COLLATE "C", list COLLATE "C", entry_id COLLATE "C"`)
		if err != nil {
			return err
		}
		var rs []row
		for rows.Next() {
			var r row
			var raw []byte
			if err := rows.Scan(&r.portfolio, &raw); err != nil {
				rows.Close()
				return err
			}
			if err := json.Unmarshal(raw, &r.o); err != nil {
				rows.Close()
				return fmt.Errorf("open review of %q: %w", r.portfolio, err)
			}
			rs = append(rs, r)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		infos := map[uint64]store.RunInfo{}
		for _, x := range rs {
			f := x.o.Finding
			info, ok := infos[x.o.Run]
			if !ok {
				var err error
				if info, err = getRunInfo(ctx, tx, x.o.Run); err != nil {
					return err
				}
				infos[x.o.Run] = info
			}
			r := store.Review{Run: x.o.Run, Portfolio: x.portfolio, Finding: f}
			var d screener.ReviewDecision
			ok, err := one(ctx, tx, &d, `SELECT record FROM decisions WHERE key = $1 AND list = $2 AND entry_id = $3`,
				f.Key, f.Entry.List, f.Entry.ID)
			if err != nil {
				return err
			}
			if ok {
				e, err := runEntry(ctx, tx, info, f.Entry.List, f.Entry.ID)
				if err == nil && d.Applies(e) {
					continue // settled
				}
				r.Reopened = &d
			}
			out = append(out, r)
		}
		return nil
	})
	store.SortReviews(out)
	return out, err
}

// ---- users, sessions, keys

// PutUser creates or updates user u with its audit record by actor.
func (s *Store) PutUser(actor string, u store.User) (store.User, error) {
	if err := store.CheckUser(u); err != nil {
		return store.User{}, err
	}
	err := s.write(func(w *wtx) error {
		var old store.User
		exists, err := one(w.ctx, w, &old, `SELECT record FROM users WHERE name = $1`, u.Name)
		if err != nil {
			return err
		}
		now := s.stamp()
		u.Created, u.Updated = now, now
		var was *store.User
		if exists {
			u.Created, was = old.Created, &old
		}
		rec, err := enc(u)
		if err != nil {
			return err
		}
		if _, err := w.Exec(w.ctx, `INSERT INTO users (name, record) VALUES ($1, $2)
			ON CONFLICT (name) DO UPDATE SET record = EXCLUDED.record`, u.Name, rec); err != nil {
			return err
		}
		action, detail := store.UserAudit(u, was)
		return w.audit(actor, action, u.Name, detail)
	})
	return u, err
}

// User returns user name.
func (s *Store) User(name string) (store.User, error) {
	var u store.User
	ok, err := one(context.Background(), s.pool, &u, `SELECT record FROM users WHERE name = $1`, name)
	if err == nil && !ok {
		err = store.NotFound("no user %q", name)
	}
	return u, s.wrap(err)
}

// Users returns every user, by name.
func (s *Store) Users() ([]store.User, error) {
	out, err := all[store.User](context.Background(), s.pool, `SELECT record FROM users ORDER BY name COLLATE "C"`)
	return out, s.wrap(err)
}

// Login records a successful login of user and opens a session lasting
// ttl; it returns the session token (stored only hashed).
func (s *Store) Login(user string, ttl time.Duration) (string, store.Session, error) {
	tok, err := store.NewSessionToken()
	if err != nil {
		return "", store.Session{}, err
	}
	now := s.stamp()
	sess := store.Session{User: user, Created: now, Expires: now.Add(ttl)}
	err = s.write(func(w *wtx) error {
		var n int
		if err := w.QueryRow(w.ctx, `SELECT count(*) FROM users WHERE name = $1`, user).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return store.NotFound("no user %q", user)
		}
		rec, err := enc(sess)
		if err != nil {
			return err
		}
		if _, err := w.Exec(w.ctx, `INSERT INTO sessions (token_hash, user_name, expires, record) VALUES ($1, $2, $3, $4)`,
			store.HashSecret(tok), user, sess.Expires, rec); err != nil {
			return err
		}
		if _, err := w.Exec(w.ctx, `DELETE FROM login_throttle WHERE key = $1`, store.ThrottleName(user)); err != nil {
			return err
		}
		return w.audit(user, store.ActionLogin, user, map[string]string{"expires": sess.Expires.Format(time.RFC3339)})
	})
	if err != nil {
		return "", store.Session{}, err
	}
	return tok, sess, nil
}

// Session returns the session of token, or a not-found error when it is
// unknown or expired.
func (s *Store) Session(token string) (store.Session, error) {
	var sess store.Session
	ok, err := one(context.Background(), s.pool, &sess, `SELECT record FROM sessions WHERE token_hash = $1`, store.HashSecret(token))
	if err == nil && (!ok || !s.stamp().Before(sess.Expires)) {
		err = store.NotFound("no such session")
	}
	return sess, s.wrap(err)
}

// Logout ends the session of token.
func (s *Store) Logout(token string) error {
	return s.write(func(w *wtx) error {
		var sess store.Session
		ok, err := one(w.ctx, w, &sess, `DELETE FROM sessions WHERE token_hash = $1 RETURNING record`, store.HashSecret(token))
		if err != nil || !ok {
			return err
		}
		return w.audit(sess.User, store.ActionLogout, sess.User, nil)
	})
}

// CreateAPIKey makes a new random API key, stores its hash with an audit
// record by actor and returns the key (shown once).
func (s *Store) CreateAPIKey(actor, name, role string) (string, store.APIKey, error) {
	if name == "" || role == "" {
		return "", store.APIKey{}, screener.Errorf(screener.KindInvalid, "api key: name and role are required")
	}
	secret, err := store.NewAPIKeySecret()
	if err != nil {
		return "", store.APIKey{}, err
	}
	k := store.APIKey{Name: name, Role: role, Created: s.stamp(), Hash: store.HashSecret(secret)}
	err = s.write(func(w *wtx) error {
		rec, err := enc(k)
		if err != nil {
			return err
		}
		if _, err := w.Exec(w.ctx, `INSERT INTO api_keys (hash, record) VALUES ($1, $2)`, k.Hash, rec); err != nil {
			return err
		}
		return w.audit(actor, store.ActionKeyCreate, name, map[string]string{"role": role, "hash": k.Hash[:12]})
	})
	if err != nil {
		return "", store.APIKey{}, err
	}
	return secret, k, nil
}

// APIKeyByHash returns the key whose hash is hash; a revoked key is
// returned with Revoked set.
func (s *Store) APIKeyByHash(hash string) (store.APIKey, error) {
	var k store.APIKey
	ok, err := one(context.Background(), s.pool, &k, `SELECT record FROM api_keys WHERE hash = $1`, hash)
	if err == nil && !ok {
		err = store.NotFound("no such API key")
	}
	return k, s.wrap(err)
}

// APIKeys returns every API key (hashes only), oldest first.
func (s *Store) APIKeys() ([]store.APIKey, error) {
	out, err := all[store.APIKey](context.Background(), s.pool, `SELECT record FROM api_keys ORDER BY hash`)
	sort.SliceStable(out, func(i, j int) bool { return out[i].Created.Before(out[j].Created) })
	return out, s.wrap(err)
}

// RevokeAPIKey marks the key with hash revoked, with an audit record, and
// tells every replica to drop it from its cache.
func (s *Store) RevokeAPIKey(actor, hash string) error {
	return s.write(func(w *wtx) error {
		var k store.APIKey
		ok, err := one(w.ctx, w, &k, `SELECT record FROM api_keys WHERE hash = $1`, hash)
		if err != nil {
			return err
		}
		if !ok {
			return store.NotFound("no such API key")
		}
		k.Revoked = true
		rec, err := enc(k)
		if err != nil {
			return err
		}
		if _, err := w.Exec(w.ctx, `UPDATE api_keys SET record = $2 WHERE hash = $1`, hash, rec); err != nil {
			return err
		}
		w.changed(TopicKeys)
		return w.audit(actor, store.ActionKeyRevoke, k.Name, map[string]string{"hash": hash[:min(12, len(hash))]})
	})
}

// ---- audit

func decodeAudit(seq int64, raw []byte) (store.AuditRecord, error) {
	var r store.AuditRecord
	if err := json.Unmarshal(raw, &r); err != nil {
		return r, &store.AuditError{Seq: uint64(seq), Reason: "cannot be decoded: " + err.Error()}
	}
	return r, nil
}

// Audit returns the audit records after since, oldest first, at most limit
// (0 for no limit).
func (s *Store) Audit(since uint64, limit int) ([]store.AuditRecord, error) {
	var lim *int64
	if limit > 0 {
		l := int64(limit)
		lim = &l
	}
	rows, err := s.pool.Query(context.Background(), `SELECT seq, record FROM audit WHERE seq > $1 ORDER BY seq LIMIT $2`, int64(since), lim)
	if err != nil {
		return nil, s.wrap(err)
	}
	defer rows.Close()
	var out []store.AuditRecord
	for rows.Next() {
		var seq int64
		var raw []byte
		if err := rows.Scan(&seq, &raw); err != nil {
			return nil, s.wrap(err)
		}
		r, err := decodeAudit(seq, raw)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, s.wrap(rows.Err())
}

// AuditHead returns the sequence number and hash of the last audit record.
func (s *Store) AuditHead() (uint64, string, error) {
	var seq int64
	var hash string
	err := s.pool.QueryRow(context.Background(), `SELECT seq, hash FROM audit_head WHERE id = 1`).Scan(&seq, &hash)
	return uint64(seq), hash, s.wrap(err)
}

// VerifyAudit checks the whole chain as the bbolt store does (see
// store.AuditVerifier): records numbered 1, 2, 3... with no gap, each
// stored in canonical form, each chained to the previous hash, and the last
// one equal to the head row. The error is a store.AuditErrors naming every
// bad record.
func (s *Store) VerifyAudit() error {
	var v store.AuditVerifier
	var headSeq int64
	var headHash string
	err := s.read(func(ctx context.Context, tx pgx.Tx) error {
		if err := tx.QueryRow(ctx, `SELECT seq, hash FROM audit_head WHERE id = 1`).Scan(&headSeq, &headHash); err != nil {
			v.Fail(0, "the chain head row: "+err.Error())
		}
		rows, err := tx.Query(ctx, `SELECT seq, record FROM audit ORDER BY seq`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var seq int64
			var raw []byte
			if err := rows.Scan(&seq, &raw); err != nil {
				return err
			}
			v.Next(uint64(seq), raw)
		}
		return rows.Err()
	})
	if err != nil {
		return err
	}
	return v.End("the chain head row", uint64(headSeq), headHash)
}
