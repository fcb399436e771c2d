package store

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/screener/screener/screener"
	bolt "go.etcd.io/bbolt"
)

// Run is one saved screening run: the report exactly as produced, the list
// snapshots it used, and what was screened: the input files by name, size
// and SHA-256 (a run costs its findings in the store, not its rows) or,
// when a caller gives them, the holdings themselves.
type Run struct {
	ID uint64 // set by SaveRun
	// Portfolio names the holdings; "" means the files' base names joined
	// with "+".
	Portfolio string
	User      string
	AsOf      time.Time // the report's as-of instant
	Files     []string
	Inputs    []Input            // the bytes screened, by reference and digest
	Holdings  []screener.Holding // optional: kept only when given
	Report    json.RawMessage    // kept byte for byte
	// Summary and Findings, when Summary is set, are the report's summary
	// and number of findings as its writer counted them: SaveRun then
	// takes them as they are instead of decoding the report again (a
	// report of a million rows is tens of megabytes).
	Summary  *screener.Summary
	Findings int
	// Reviews, when Summary is set, are the report's review findings as
	// its writer saw them go past: SaveRun keeps them as open reviews
	// without decoding the report for them.
	Reviews     []screener.Finding
	SnapshotIDs []uint64  // stored snapshots the run screened against
	SavedAt     time.Time // set by SaveRun
	// AnyPortfolio lets User save into a portfolio another principal owns
	// (compliance and admin); otherwise SaveRun refuses that (forbidden)
	// unless User was granted access. A new portfolio belongs to User.
	AnyPortfolio bool
}

// RunInfo describes a saved run without its holdings and report.
type RunInfo struct {
	ID           uint64                  `json:"id"`
	Portfolio    string                  `json:"portfolio"`
	User         string                  `json:"user"`
	AsOf         time.Time               `json:"as_of"`
	SavedAt      time.Time               `json:"saved_at"`
	Files        []string                `json:"files"`
	SnapshotIDs  []uint64                `json:"snapshot_ids"`
	Inputs       []Input                 `json:"inputs,omitempty"`
	Holdings     int                     `json:"holdings"`  // positions screened
	Findings     int                     `json:"findings"`  // findings in the report
	ByStatus     map[screener.Status]int `json:"by_status"` // from the report's summary
	ReportSHA256 string                  `json:"report_sha256"`
}

// Input is one file a run screened, by reference and digest: what was
// screened can be proven later from the file itself without keeping every
// row in the store.
type Input struct {
	Name   string `json:"name"`
	Bytes  int64  `json:"bytes"`
	SHA256 string `json:"sha256"`
}

// Portfolio is a stored portfolio and the holdings of its latest run.
type Portfolio struct {
	Name      string             `json:"name"`
	Created   time.Time          `json:"created"`
	Updated   time.Time          `json:"updated"`
	Runs      int                `json:"runs"`
	LatestRun uint64             `json:"latest_run"`
	Files     []string           `json:"files"`
	Holdings  []screener.Holding `json:"-"` // filled by Portfolios when the latest run kept them
	// Owner is the principal whose run created the portfolio; Access the
	// others granted access to it (see GrantPortfolio).
	Owner  string   `json:"owner,omitempty"`
	Access []string `json:"access,omitempty"`
}

// holding is a screener.Holding with the fields it keeps out of JSON, so a
// stored portfolio screens again exactly as it did.
type holding struct {
	screener.Holding
	HasQuantity bool `json:"has_quantity,omitempty"`
	HasPrice    bool `json:"has_price,omitempty"`
	HasValue    bool `json:"has_value,omitempty"`
	HasWeight   bool `json:"has_weight,omitempty"`
	USPerson    int  `json:"us_person_status,omitempty"`
}

func toStored(hs []screener.Holding) []holding {
	out := make([]holding, len(hs))
	for i, h := range hs {
		out[i] = holding{Holding: h, HasQuantity: h.HasQuantity, HasPrice: h.HasPrice, HasValue: h.HasValue,
			HasWeight: h.HasWeight, USPerson: int(h.USPerson)}
	}
	return out
}

func fromStored(hs []holding) []screener.Holding {
	out := make([]screener.Holding, len(hs))
	for i, h := range hs {
		out[i] = h.Holding
		out[i].HasQuantity, out[i].HasPrice, out[i].HasValue, out[i].HasWeight = h.HasQuantity, h.HasPrice, h.HasValue, h.HasWeight
		out[i].USPerson = screener.USPerson(h.USPerson)
	}
	return out
}

// defaultPortfolio names a run's portfolio from its files.
func defaultPortfolio(files []string) string {
	names := make([]string, 0, len(files))
	for _, f := range files {
		names = append(names, filepath.Base(f))
	}
	if len(names) == 0 {
		return "default"
	}
	return strings.Join(names, "+")
}

// SaveRun stores a screening run, its holdings and its report bytes in one
// write transaction with its audit record, and returns the run id. The
// snapshots it names must exist. The report must be JSON; when it is a
// screener.Report its summary is kept for listings.
func (s *Store) SaveRun(run Run) (uint64, error) {
	// The report is hashed and compressed before the write transaction,
	// which it would hold up.
	info, packed, err := PlanRun(&run, s.stamp())
	if err != nil {
		return 0, err
	}
	err = s.db.Update(func(tx *bolt.Tx) error {
		for _, id := range run.SnapshotIDs {
			if _, err := getSnapshot(tx, id); err != nil {
				return fmt.Errorf("save run: %w", err)
			}
		}
		runs := tx.Bucket(bucketRuns)
		id, err := runs.NextSequence()
		if err != nil {
			return err
		}
		info.ID = id
		runs.FillPercent = 1
		if err := putJSON(runs, u64(id), info); err != nil {
			return err
		}
		if len(run.Holdings) > 0 {
			if err := putJSON(tx.Bucket(bucketRunHoldings), u64(id), toStored(run.Holdings)); err != nil {
				return err
			}
		}
		if err := tx.Bucket(bucketRunReports).Put(u64(id), packed); err != nil {
			return err
		}
		pb := tx.Bucket(bucketPortfolios)
		var p Portfolio
		exists, err := getJSON(pb, []byte(run.Portfolio), &p)
		if err != nil {
			return err
		}
		if p, err = RunPortfolio(p, exists, run, info); err != nil {
			return err
		}
		if err := putJSON(pb, []byte(run.Portfolio), p); err != nil {
			return err
		}
		if err := noteReviews(tx, run.Portfolio, RunReviews(id, run)); err != nil {
			return err
		}
		return s.audit(tx, run.User, ActionRun, run.Portfolio, RunAudit(info))
	})
	if err != nil {
		return 0, err
	}
	return info.ID, nil
}

func findingCount(run Run, decoded int) int {
	if run.Summary != nil {
		return run.Findings
	}
	return decoded
}

// inputDigests lists the inputs' SHA-256 digests for the audit record.
func inputDigests(in []Input) string {
	d := make([]string, len(in))
	for i, x := range in {
		d[i] = x.SHA256
	}
	return strings.Join(d, ",")
}

// Runs returns every saved run, newest first.
func (s *Store) Runs() ([]RunInfo, error) {
	var out []RunInfo
	err := s.db.View(func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketRuns).Cursor()
		for k, v := c.Last(); k != nil; k, v = c.Prev() {
			var r RunInfo
			if err := json.Unmarshal(v, &r); err != nil {
				return fmt.Errorf("run %d: %w", binary.BigEndian.Uint64(k), err)
			}
			out = append(out, r)
		}
		return nil
	})
	return out, err
}

// RunInfo returns the description of run id.
func (s *Store) RunInfo(id uint64) (RunInfo, error) {
	var r RunInfo
	err := s.db.View(func(tx *bolt.Tx) error {
		var err error
		r, err = getRunInfo(tx, id)
		return err
	})
	return r, err
}

func getRunInfo(tx *bolt.Tx, id uint64) (RunInfo, error) {
	return getByID[RunInfo](tx, bucketRuns, id, "run")
}

// Run returns saved run id with its holdings and its report bytes.
func (s *Store) Run(id uint64) (Run, error) {
	var run Run
	err := s.db.View(func(tx *bolt.Tx) error {
		info, err := getRunInfo(tx, id)
		if err != nil {
			return err
		}
		var hs []holding
		if _, err := getJSON(tx.Bucket(bucketRunHoldings), u64(id), &hs); err != nil {
			return fmt.Errorf("run %d holdings: %w", id, err)
		}
		rep, err := UnpackReport(tx.Bucket(bucketRunReports).Get(u64(id)))
		if err != nil {
			return fmt.Errorf("run %d: %w", id, err)
		}
		run = Run{ID: id, Portfolio: info.Portfolio, User: info.User, AsOf: info.AsOf, Files: info.Files,
			Inputs: info.Inputs, Holdings: fromStored(hs), Report: rep,
			SnapshotIDs: info.SnapshotIDs, SavedAt: info.SavedAt}
		return nil
	})
	return run, err
}

// RunReport returns the report bytes of run id, exactly as saved.
func (s *Store) RunReport(id uint64) (json.RawMessage, error) {
	var b []byte
	err := s.db.View(func(tx *bolt.Tx) error {
		raw := tx.Bucket(bucketRunReports).Get(u64(id))
		if raw == nil {
			return notFound("no run %d", id)
		}
		var err error
		if b, err = UnpackReport(raw); err != nil {
			return fmt.Errorf("run %d: %w", id, err)
		}
		return nil
	})
	return b, err
}

// Portfolios returns the stored portfolios, by name, each with the holdings
// of its latest run, so a caller can screen them again after a list import.
func (s *Store) Portfolios() ([]Portfolio, error) {
	var out []Portfolio
	err := s.db.View(func(tx *bolt.Tx) error {
		hb := tx.Bucket(bucketRunHoldings)
		return tx.Bucket(bucketPortfolios).ForEach(func(k, v []byte) error {
			var p Portfolio
			if err := json.Unmarshal(v, &p); err != nil {
				return fmt.Errorf("portfolio %q: %w", k, err)
			}
			var hs []holding
			if _, err := getJSON(hb, u64(p.LatestRun), &hs); err != nil {
				return fmt.Errorf("portfolio %q run %d: %w", k, p.LatestRun, err)
			}
			p.Holdings = fromStored(hs)
			out = append(out, p)
			return nil
		})
	})
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, err
}
