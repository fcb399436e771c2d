package postgres

// Records added to the store interface after the first version (see
// STORE-ADDITIONS.md in the work notes): portfolio owners, sign-in
// throttles, the fund registry. Each keeps the bbolt store's rules.

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/screener/screener/screener"
	"github.com/screener/screener/screener/funds"
	"github.com/screener/screener/screener/store"
)

// ---- portfolio owners

// Portfolio returns the stored portfolio name, without its holdings.
func (s *Store) Portfolio(name string) (store.Portfolio, error) {
	var p store.Portfolio
	ok, err := one(context.Background(), s.pool, &p, `SELECT record FROM portfolios WHERE name = $1`, name)
	if err == nil && !ok {
		err = store.NotFound("no portfolio %q", name)
	}
	return p, s.wrap(err)
}

// PortfoliosOf returns the names of the portfolios principal owns or was
// granted access to, in byte order.
func (s *Store) PortfoliosOf(principal string) ([]string, error) {
	ps, err := all[store.Portfolio](context.Background(), s.pool, `SELECT record FROM portfolios ORDER BY name COLLATE "C"`)
	if err != nil {
		return nil, s.wrap(err)
	}
	var out []string
	for _, p := range ps {
		if p.MayRead(principal) {
			out = append(out, p.Name)
		}
	}
	return out, nil
}

// GrantPortfolio gives principal access to portfolio (grant) or takes it
// away, with an audit record by actor.
func (s *Store) GrantPortfolio(actor, portfolio, principal string, grant bool) error {
	if principal == "" {
		return screener.Errorf(screener.KindInvalid, "portfolio access: name the user or key (key:NAME)")
	}
	return s.write(func(w *wtx) error {
		var p store.Portfolio
		ok, err := one(w.ctx, w, &p, `SELECT record FROM portfolios WHERE name = $1`, portfolio)
		if err != nil {
			return err
		}
		if !ok {
			return store.NotFound("no portfolio %q", portfolio)
		}
		action, err := store.GrantAccess(&p, principal, grant)
		if err != nil {
			return err
		}
		rec, err := enc(p)
		if err != nil {
			return err
		}
		if _, err := w.Exec(w.ctx, `UPDATE portfolios SET record = $2 WHERE name = $1`, portfolio, rec); err != nil {
			return err
		}
		return w.audit(actor, action, portfolio, map[string]string{"principal": principal, "owner": p.Owner})
	})
}

// ---- sign-in throttles

func getThrottle(ctx context.Context, db q, key string, now time.Time, forget time.Duration, lock bool) (store.Throttle, error) {
	t := store.Throttle{Key: key}
	sql := `SELECT record FROM login_throttle WHERE key = $1`
	if lock {
		sql += ` FOR UPDATE`
	}
	if _, err := one(ctx, db, &t, sql, key); err != nil {
		return t, fmt.Errorf("throttle %q: %w", key, err)
	}
	return store.LiveThrottle(t, now, forget), nil
}

// Throttles returns the state of each key (a zero Throttle with Key set for
// a key that has none); counts older than forget read as zero.
func (s *Store) Throttles(forget time.Duration, keys ...string) ([]store.Throttle, error) {
	out := make([]store.Throttle, len(keys))
	now := s.stamp()
	ctx := context.Background()
	for i, k := range keys {
		t, err := getThrottle(ctx, s.pool, k, now, forget, false)
		if err != nil {
			return nil, s.wrap(err)
		}
		out[i] = t
	}
	return out, nil
}

// LoginFailed records a failed sign-in for name from addr: one audit record
// and one more failure on the name's and the address's throttle, in one
// transaction, so every replica counts the same failures. It returns the
// throttles after the failure, name first.
func (s *Store) LoginFailed(name, addr, reason string, forget time.Duration) ([]store.Throttle, error) {
	name, addr = store.ClipText(name, store.MaxAuditName), store.ClipText(addr, store.MaxAuditName)
	var out []store.Throttle
	err := s.write(func(w *wtx) error {
		now := s.stamp()
		out = out[:0]
		for _, k := range []string{store.ThrottleName(name), store.ThrottleAddr(addr)} {
			if k == store.ThrottleAddr("") {
				continue
			}
			t, err := getThrottle(w.ctx, w, k, now, forget, true)
			if err != nil {
				return err
			}
			if t.Failures == 0 {
				t.First = now
			}
			t.Failures++
			t.Last = now
			rec, err := enc(t)
			if err != nil {
				return err
			}
			if _, err := w.Exec(w.ctx, `INSERT INTO login_throttle (key, record) VALUES ($1, $2)
				ON CONFLICT (key) DO UPDATE SET record = EXCLUDED.record`, k, rec); err != nil {
				return err
			}
			out = append(out, t)
		}
		detail := map[string]string{"reason": reason, "failures": strconv.Itoa(out[0].Failures)}
		if addr != "" {
			detail["addr"] = addr
		}
		return w.audit(name, store.ActionLoginFailed, name, detail)
	})
	return out, err
}

// LiftThrottle clears the failed sign-in count of key, with an audit record
// by actor. Clearing a key with no count is not an error.
func (s *Store) LiftThrottle(actor, key string) error {
	return s.write(func(w *wtx) error {
		var t store.Throttle
		if _, err := one(w.ctx, w, &t, `DELETE FROM login_throttle WHERE key = $1 RETURNING record`, key); err != nil {
			return err
		}
		return w.audit(actor, store.ActionLoginUnlock, key, map[string]string{"failures": strconv.Itoa(t.Failures)})
	})
}

// ListThrottles returns every throttle with at least min failures within
// forget, in key order.
func (s *Store) ListThrottles(forget time.Duration, min int) ([]store.Throttle, error) {
	ts, err := all[store.Throttle](context.Background(), s.pool, `SELECT record FROM login_throttle ORDER BY key COLLATE "C"`)
	if err != nil {
		return nil, s.wrap(err)
	}
	now := s.stamp()
	var out []store.Throttle
	for _, t := range ts {
		if (forget <= 0 || now.Sub(t.Last) <= forget) && t.Failures >= min {
			out = append(out, t)
		}
	}
	return out, nil
}

// ---- the fund registry

func getFund(ctx context.Context, db q, id uint64) (funds.Fund, error) {
	var f funds.Fund
	ok, err := one(ctx, db, &f, `SELECT record FROM funds WHERE id = $1`, int64(id))
	if err == nil && !ok {
		err = store.NotFound("no fund %d", id)
	}
	return f, err
}

// AddFundHoldings registers a holdings set for a fund (see the bbolt
// store's AddFundHoldings: a fund is found by any identifier, identifiers
// of two funds are a conflict, a set already held is not stored again,
// history is never overwritten), with its audit record, in one transaction.
func (s *Store) AddFundHoldings(actor string, reg funds.Registration) (fund funds.Fund, set funds.SetInfo, added bool, err error) {
	if len(reg.IDs) == 0 {
		return fund, set, false, screener.Errorf(screener.KindInvalid, "a fund needs at least one identifier (ISIN, CUSIP, ticker, LEI or N-PORT series id)")
	}
	if reg.Set.AsOf.IsZero() {
		return fund, set, false, screener.Errorf(screener.KindInvalid, "a holdings set needs its date (--holdings-as-of)")
	}
	err = s.write(func(w *wtx) error {
		fund, set, added = funds.Fund{}, funds.SetInfo{}, false
		var id uint64
		for _, x := range reg.IDs {
			for _, k := range funds.IndexKeys(x) {
				var got int64
				err := w.QueryRow(w.ctx, `SELECT fund_id FROM fund_index WHERE key = $1`, k).Scan(&got)
				if err != nil {
					if isNoRows(err) {
						continue
					}
					return err
				}
				if id != 0 && uint64(got) != id {
					return screener.Errorf(screener.KindConflict, "%s belongs to fund %d, another identifier given to fund %d: register them one fund at a time", k, got, id)
				}
				id = uint64(got)
			}
		}
		now := s.stamp()
		fresh := id == 0
		if fresh {
			var err error
			if id, err = nextID(w, "funds_id_seq"); err != nil {
				return err
			}
			fund = funds.Fund{ID: id, Name: reg.Name, Created: now, By: actor}
		} else {
			var err error
			if fund, err = getFund(w.ctx, w, id); err != nil {
				return err
			}
		}
		if fund.Name == "" {
			fund.Name = reg.Name
		}
		var newKeys []string
		for _, x := range reg.IDs {
			if !store.HasID(fund.IDs, x) {
				fund.IDs = append(fund.IDs, x)
			}
			newKeys = append(newKeys, funds.IndexKeys(x)...)
		}
		putFund := func() error {
			rec, err := enc(fund)
			if err != nil {
				return err
			}
			if _, err := w.Exec(w.ctx, `INSERT INTO funds (id, record) VALUES ($1, $2)
				ON CONFLICT (id) DO UPDATE SET record = EXCLUDED.record`, int64(id), rec); err != nil {
				return err
			}
			for _, k := range newKeys {
				if _, err := w.Exec(w.ctx, `INSERT INTO fund_index (key, fund_id) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING`, k, int64(id)); err != nil {
					return err
				}
			}
			w.changed(TopicFunds) // other replicas rebuild their look-through
			return nil
		}
		for _, old := range fund.Sets {
			if old.AsOf == reg.Set.AsOf && old.SHA256 == reg.Set.SHA256 {
				set = old
				return putFund()
			}
		}
		seq, err := nextID(w, "fund_holdings_seq")
		if err != nil {
			return err
		}
		set = reg.Set
		set.Seq, set.By, set.At = seq, actor, now
		hs, err := store.EncodeHoldings(reg.Holdings)
		if err != nil {
			return err
		}
		fund.Sets = append(fund.Sets, set)
		fund.SortSets()
		if err := putFund(); err != nil {
			return err
		}
		if _, err := w.Exec(w.ctx, `INSERT INTO fund_holdings (seq, holdings) VALUES ($1, $2)`, int64(seq), hs); err != nil {
			return err
		}
		added = true
		return w.audit(actor, "fund.holdings.add", "fund/"+strconv.FormatUint(id, 10), map[string]string{
			"name": fund.Name, "as_of": set.AsOf.String(), "file": set.File, "sha256": set.SHA256,
			"rows": strconv.Itoa(set.Rows), "set": strconv.FormatUint(seq, 10)})
	})
	return fund, set, added, err
}

// Funds returns every registered fund, by id.
func (s *Store) Funds() ([]funds.Fund, error) {
	out, err := all[funds.Fund](context.Background(), s.pool, `SELECT record FROM funds ORDER BY id`)
	return out, s.wrap(err)
}

// Fund returns the fund with id.
func (s *Store) Fund(id uint64) (funds.Fund, error) {
	f, err := getFund(context.Background(), s.pool, id)
	return f, s.wrap(err)
}

// FundByKey returns the fund registered under an identifier key.
func (s *Store) FundByKey(key string) (funds.Fund, error) {
	var f funds.Fund
	ok, err := one(context.Background(), s.pool, &f,
		`SELECT f.record FROM fund_index i JOIN funds f ON f.id = i.fund_id WHERE i.key = $1`, key)
	if err == nil && !ok {
		err = store.NotFound("no fund registered as %s", key)
	}
	return f, s.wrap(err)
}

// FundHoldings returns the rows of the holdings set numbered seq.
func (s *Store) FundHoldings(seq uint64) ([]screener.Holding, error) {
	var hs []byte
	err := s.pool.QueryRow(context.Background(), `SELECT holdings FROM fund_holdings WHERE seq = $1`, int64(seq)).Scan(&hs)
	if isNoRows(err) {
		return nil, store.NotFound("no fund holdings set %d", seq)
	}
	if err != nil {
		return nil, s.wrap(err)
	}
	return store.DecodeHoldings(hs)
}

// ---- storage: health, cost, retention

// Writable reports whether the database takes writes now: reachable, not a
// standby in recovery, not read-only. (Free disk space is the database
// server's to watch; a full disk shows as a failing write.)
func (s *Store) Writable() error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	var recovery bool
	var ro string
	if err := s.pool.QueryRow(ctx, `SELECT pg_is_in_recovery(), current_setting('transaction_read_only')`).Scan(&recovery, &ro); err != nil {
		return s.wrap(err)
	}
	if recovery || ro == "on" {
		return screener.Errorf(screener.KindConflict, "%s is read-only (a standby, or default_transaction_read_only): writes would fail", s.Path())
	}
	return nil
}

// AuditBackup records a copy of the whole database taken by actor.
func (s *Store) AuditBackup(actor string, detail map[string]string) error {
	return s.write(func(w *wtx) error {
		return w.audit(actor, store.ActionBackup, "database", detail)
	})
}

// Usage returns the bytes principal's saved runs take (their record,
// report and holdings as stored), for a storage quota.
func (s *Store) Usage(principal string) (int64, error) {
	var n int64
	err := s.pool.QueryRow(context.Background(), `SELECT coalesce(sum(octet_length(info::text) + octet_length(report) + octet_length(holdings)), 0)
		FROM runs WHERE info->>'user' = $1`, principal).Scan(&n)
	return n, s.wrap(err)
}

// PurgeRuns removes the runs saved before before, keeping each portfolio's
// latest run and every run an open review points at, in one transaction
// with an audit record by actor (also when nothing is removed). With dry
// set it only reports what it would remove.
func (s *Store) PurgeRuns(actor string, before time.Time, dry bool) (store.PurgeResult, error) {
	res := store.PurgeResult{Removed: []uint64{}}
	plan := func(ctx context.Context, db q) error {
		// SavedAt is compared in Go, to the nanosecond, as the bbolt store
		// does (timestamptz keeps microseconds).
		rows, err := db.Query(ctx, `SELECT r.info, octet_length(r.info::text) + octet_length(r.report) + octet_length(r.holdings),
			(r.id IN (SELECT latest_run FROM portfolios) OR r.id IN (SELECT (record->>'run')::bigint FROM open_reviews))
			FROM runs r ORDER BY r.id`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var raw []byte
			var size int64
			var keep bool
			if err := rows.Scan(&raw, &size, &keep); err != nil {
				return err
			}
			var info store.RunInfo
			if err := json.Unmarshal(raw, &info); err != nil {
				return fmt.Errorf("run: %w", err)
			}
			if !info.SavedAt.Before(before) {
				continue
			}
			if keep {
				res.Kept++
				continue
			}
			res.Removed = append(res.Removed, info.ID)
			res.Bytes += size
		}
		return rows.Err()
	}
	if dry {
		err := s.read(func(ctx context.Context, tx pgx.Tx) error { return plan(ctx, tx) })
		return res, err
	}
	err := s.write(func(w *wtx) error {
		res = store.PurgeResult{Removed: []uint64{}}
		if err := plan(w.ctx, w); err != nil {
			return err
		}
		ids := make([]int64, len(res.Removed))
		for i, id := range res.Removed {
			ids[i] = int64(id)
		}
		if _, err := w.Exec(w.ctx, `DELETE FROM runs WHERE id = ANY($1)`, ids); err != nil {
			return err
		}
		detail := map[string]string{"before": before.UTC().Format(time.RFC3339), "removed": strconv.Itoa(len(res.Removed)),
			"bytes": strconv.FormatInt(res.Bytes, 10), "kept": strconv.Itoa(res.Kept)}
		if n := len(res.Removed); n > 0 {
			detail["first"], detail["last"] = strconv.FormatUint(res.Removed[0], 10), strconv.FormatUint(res.Removed[n-1], 10)
		}
		return w.audit(actor, store.ActionPurge, "runs", detail)
	})
	return res, err
}

// ---- replicas

// Heartbeat records that replica is alive now (by the database server's
// clock, which every replica shares), forgets replicas silent for longer
// than ttl, and returns how many are alive.
func (s *Store) Heartbeat(replica string, ttl time.Duration) (int, error) {
	var n int
	err := pgx.BeginFunc(context.Background(), s.pool, func(tx pgx.Tx) error {
		ctx := context.Background()
		if _, err := tx.Exec(ctx, `INSERT INTO replicas (id, seen) VALUES ($1, now()) ON CONFLICT (id) DO UPDATE SET seen = now()`, replica); err != nil {
			return err
		}
		iv := fmt.Sprintf("%d milliseconds", ttl.Milliseconds())
		if _, err := tx.Exec(ctx, `DELETE FROM replicas WHERE seen < now() - $1::interval`, iv); err != nil {
			return err
		}
		return tx.QueryRow(ctx, `SELECT count(*) FROM replicas`).Scan(&n)
	})
	return n, s.wrap(err)
}
