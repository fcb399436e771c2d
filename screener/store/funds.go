package store

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/screener/screener/screener"
	"github.com/screener/screener/screener/funds"
	bolt "go.etcd.io/bbolt"
)

// The fund registry's buckets, made by the first registration (a file that
// never registers a fund has none, and needs no migration):
//
//	funds/              u64 fund id → funds.Fund (identifiers, sets' provenance)
//	fund_index/         identifier key ("ISIN:…", "CUSIP:…", "TICKER:…",
//	                    "LEI:…", "SERIES:…") → u64 fund id
//	fund_holdings/      u64 set seq → []holding (the set's rows)
var (
	bucketFunds        = []byte("funds")
	bucketFundIndex    = []byte("fund_index")
	bucketFundHoldings = []byte("fund_holdings")
)

// AddFundHoldings registers a holdings set for a fund, creating the fund
// when none of reg's identifiers is registered yet, and adding new
// identifiers to it otherwise. Identifiers of two different funds are an
// error. A set with the same date and SHA-256 as one the fund has is not
// stored again: the existing fund is returned with added false. History is
// never overwritten. The audit record is written in the same transaction.
func (s *Store) AddFundHoldings(actor string, reg funds.Registration) (fund funds.Fund, set funds.SetInfo, added bool, err error) {
	if len(reg.IDs) == 0 {
		return fund, set, false, screener.Errorf(screener.KindInvalid, "a fund needs at least one identifier (ISIN, CUSIP, ticker, LEI or N-PORT series id)")
	}
	if reg.Set.AsOf.IsZero() {
		return fund, set, false, screener.Errorf(screener.KindInvalid, "a holdings set needs its date (--holdings-as-of)")
	}
	err = s.db.Update(func(tx *bolt.Tx) error {
		fb, err := tx.CreateBucketIfNotExists(bucketFunds)
		if err != nil {
			return err
		}
		ib, err := tx.CreateBucketIfNotExists(bucketFundIndex)
		if err != nil {
			return err
		}
		hb, err := tx.CreateBucketIfNotExists(bucketFundHoldings)
		if err != nil {
			return err
		}
		var id uint64
		for _, x := range reg.IDs {
			for _, k := range funds.IndexKeys(x) {
				v := ib.Get([]byte(k))
				if v == nil {
					continue
				}
				got := binary.BigEndian.Uint64(v)
				if id != 0 && got != id {
					return screener.Errorf(screener.KindConflict, "%s belongs to fund %d, another identifier given to fund %d: register them one fund at a time", k, got, id)
				}
				id = got
			}
		}
		now := s.stamp()
		if id == 0 {
			if id, err = fb.NextSequence(); err != nil {
				return err
			}
			fund = funds.Fund{ID: id, Name: reg.Name, Created: now, By: actor}
		} else if fund, err = getByID[funds.Fund](tx, bucketFunds, id, "fund"); err != nil {
			return err
		}
		if fund.Name == "" {
			fund.Name = reg.Name
		}
		for _, x := range reg.IDs {
			if !hasID(fund.IDs, x) {
				fund.IDs = append(fund.IDs, x)
			}
			for _, k := range funds.IndexKeys(x) {
				if ib.Get([]byte(k)) == nil {
					if err := ib.Put([]byte(k), u64(id)); err != nil {
						return err
					}
				}
			}
		}
		for _, old := range fund.Sets {
			if old.AsOf == reg.Set.AsOf && old.SHA256 == reg.Set.SHA256 {
				set = old
				return putJSON(fb, u64(id), fund)
			}
		}
		seq, err := hb.NextSequence()
		if err != nil {
			return err
		}
		set = reg.Set
		set.Seq, set.By, set.At = seq, actor, now
		if err := putJSON(hb, u64(seq), toStored(reg.Holdings)); err != nil {
			return err
		}
		fund.Sets = append(fund.Sets, set)
		fund.SortSets()
		if err := putJSON(fb, u64(id), fund); err != nil {
			return err
		}
		added = true
		return s.audit(tx, actor, "fund.holdings.add", "fund/"+strconv.FormatUint(id, 10), map[string]string{
			"name": fund.Name, "as_of": set.AsOf.String(), "file": set.File, "sha256": set.SHA256,
			"rows": strconv.Itoa(set.Rows), "set": strconv.FormatUint(seq, 10)})
	})
	return fund, set, added, err
}

func hasID(ids []screener.ID, x screener.ID) bool {
	for _, y := range ids {
		if y.Type == x.Type && y.Value == x.Value {
			return true
		}
	}
	return false
}

// Funds returns every registered fund, by id.
func (s *Store) Funds() ([]funds.Fund, error) {
	var out []funds.Fund
	err := s.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketFunds)
		if b == nil {
			return nil
		}
		return b.ForEach(func(k, v []byte) error {
			var f funds.Fund
			if err := json.Unmarshal(v, &f); err != nil {
				return fmt.Errorf("fund %d: %w", binary.BigEndian.Uint64(k), err)
			}
			out = append(out, f)
			return nil
		})
	})
	return out, err
}

// Fund returns the fund with id.
func (s *Store) Fund(id uint64) (funds.Fund, error) {
	var f funds.Fund
	err := s.db.View(func(tx *bolt.Tx) error {
		if tx.Bucket(bucketFunds) == nil {
			return notFound("no fund %d", id)
		}
		var err error
		f, err = getByID[funds.Fund](tx, bucketFunds, id, "fund")
		return err
	})
	return f, err
}

// FundByKey returns the fund registered under an identifier key
// ("ISIN:US4642872349").
func (s *Store) FundByKey(key string) (funds.Fund, error) {
	var f funds.Fund
	err := s.db.View(func(tx *bolt.Tx) error {
		ib := tx.Bucket(bucketFundIndex)
		if ib == nil {
			return notFound("no fund registered as %s", key)
		}
		v := ib.Get([]byte(key))
		if v == nil {
			return notFound("no fund registered as %s", key)
		}
		var err error
		f, err = getByID[funds.Fund](tx, bucketFunds, binary.BigEndian.Uint64(v), "fund")
		return err
	})
	return f, err
}

// FundHoldings returns the rows of the holdings set numbered seq.
func (s *Store) FundHoldings(seq uint64) ([]screener.Holding, error) {
	var hs []holding
	err := s.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketFundHoldings)
		if b == nil {
			return notFound("no fund holdings set %d", seq)
		}
		ok, err := getJSON(b, u64(seq), &hs)
		if err != nil {
			return err
		}
		if !ok {
			return notFound("no fund holdings set %d", seq)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return fromStored(hs), nil
}
