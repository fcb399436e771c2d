package store

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"slices"
	"sort"

	"github.com/screener/screener/screener"
	bolt "go.etcd.io/bbolt"
)

// Portfolio owners. A portfolio belongs to the principal whose run created
// it (Portfolio.Owner: a user name, or "key:" + an API key's name); others
// may save runs into it only when granted access (Portfolio.Access), which
// compliance or an admin gives, audited. SaveRun enforces it in its write
// transaction, so two uploads racing for a new name cannot both own it.

// Audit actions of portfolio access.
const (
	ActionPortfolioGrant  = "portfolio.grant"
	ActionPortfolioRevoke = "portfolio.revoke"
)

// mayWrite reports whether principal may save a run into p.
func (p *Portfolio) mayWrite(principal string) bool {
	return p.Owner == "" || p.Owner == principal || slices.Contains(p.Access, principal)
}

// MayRead reports whether principal owns p or was granted access to it.
// (Compliance and admin read every portfolio: the caller checks roles.)
func (p Portfolio) MayRead(principal string) bool {
	return p.Owner == principal || slices.Contains(p.Access, principal)
}

// Portfolio returns the stored portfolio name, without its holdings.
func (s *Store) Portfolio(name string) (Portfolio, error) {
	var p Portfolio
	err := s.db.View(func(tx *bolt.Tx) error {
		ok, err := getJSON(tx.Bucket(bucketPortfolios), []byte(name), &p)
		if err == nil && !ok {
			err = notFound("no portfolio %q", name)
		}
		return err
	})
	return p, err
}

// PortfoliosOf returns the names of the portfolios principal owns or was
// granted access to.
func (s *Store) PortfoliosOf(principal string) ([]string, error) {
	var out []string
	err := s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketPortfolios).ForEach(func(k, v []byte) error {
			var p Portfolio
			if err := json.Unmarshal(v, &p); err != nil {
				return fmt.Errorf("portfolio %q: %w", k, err)
			}
			if p.MayRead(principal) {
				out = append(out, p.Name)
			}
			return nil
		})
	})
	return out, err
}

// GrantPortfolio gives principal access to portfolio (grant) or takes it
// away, with an audit record by actor. The portfolio must exist; its owner
// cannot be granted or revoked.
func (s *Store) GrantPortfolio(actor, portfolio, principal string, grant bool) error {
	if principal == "" {
		return screener.Errorf(screener.KindInvalid, "portfolio access: name the user or key (key:NAME)")
	}
	return s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketPortfolios)
		var p Portfolio
		ok, err := getJSON(b, []byte(portfolio), &p)
		if err != nil {
			return err
		}
		if !ok {
			return notFound("no portfolio %q", portfolio)
		}
		if p.Owner == principal {
			return screener.Errorf(screener.KindConflict, "portfolio %q: %s owns it", portfolio, principal)
		}
		action := ActionPortfolioGrant
		if grant {
			if !slices.Contains(p.Access, principal) {
				p.Access = append(p.Access, principal)
				sort.Strings(p.Access)
			}
		} else {
			action = ActionPortfolioRevoke
			p.Access = slices.DeleteFunc(p.Access, func(x string) bool { return x == principal })
		}
		if err := putJSON(b, []byte(portfolio), p); err != nil {
			return err
		}
		return s.audit(tx, actor, action, portfolio, map[string]string{"principal": principal, "owner": p.Owner})
	})
}

// openReviewKey keys an open review: portfolio, security key, list, entry.
func openReviewKey(portfolio, key, list, entry string) []byte {
	return []byte(portfolio + "\x00" + key + "\x00" + list + "\x00" + entry)
}

// openReview is a review finding waiting for a decision, from the latest
// run of its portfolio that had it. A later run without the row leaves it
// open: only a decision settles it.
type openReview struct {
	Run     uint64           `json:"run"`
	Finding screener.Finding `json:"finding"`
}

// noteReviews records a saved run's review findings in tx.
func noteReviews(tx *bolt.Tx, portfolio string, reviews []OpenReview) error {
	b := tx.Bucket(bucketOpenReviews)
	for _, o := range reviews {
		if err := putJSON(b, openReviewKey(portfolio, o.Finding.Key, o.Finding.Entry.List, o.Finding.Entry.ID), openReview(o)); err != nil {
			return err
		}
	}
	return nil
}

// migrateOwners gives each portfolio the user of its first run as owner,
// and records the review findings of every saved run, oldest first, so a
// review a later upload lacked is open again.
func migrateOwners(tx *bolt.Tx) error {
	if _, err := tx.CreateBucketIfNotExists(bucketOpenReviews); err != nil {
		return err
	}
	first := map[string]string{}
	rb := tx.Bucket(bucketRuns)
	reports := tx.Bucket(bucketRunReports)
	c := rb.Cursor()
	for k, v := c.First(); k != nil; k, v = c.Next() {
		var info RunInfo
		if err := json.Unmarshal(v, &info); err != nil {
			return fmt.Errorf("run %d: %w", binary.BigEndian.Uint64(k), err)
		}
		if _, ok := first[info.Portfolio]; !ok {
			first[info.Portfolio] = info.User
		}
		if packed := reports.Get(k); packed != nil {
			rep, err := UnpackReport(packed)
			if err != nil {
				return fmt.Errorf("run %d: %w", info.ID, err)
			}
			if err := noteReviews(tx, info.Portfolio, ReportReviews(info.ID, rep)); err != nil {
				return err
			}
		}
	}
	pb := tx.Bucket(bucketPortfolios)
	var names [][]byte
	if err := pb.ForEach(func(k, _ []byte) error { names = append(names, copyBytes(k)); return nil }); err != nil {
		return err
	}
	for _, k := range names {
		var p Portfolio
		if _, err := getJSON(pb, k, &p); err != nil {
			return err
		}
		if p.Owner == "" {
			p.Owner = first[p.Name]
			if err := putJSON(pb, k, p); err != nil {
				return err
			}
		}
	}
	return nil
}
