package store

import (
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/screener/screener/screener"
	bolt "go.etcd.io/bbolt"
)

// Decision outcomes.
const (
	OutcomeConfirmed = "confirmed"
	OutcomeCleared   = "cleared"
)

func decisionKey(key, list, entryID string) []byte {
	return []byte(key + "\x00" + list + "\x00" + entryID)
}

// Decide stores a reviewer's decision (replacing an earlier one on the same
// key, list and entry) with its audit record. Key, List, EntryID,
// Fingerprint, Outcome (confirmed or cleared), Reviewer and Reason are
// required; Decision.At is set to now when empty.
func (s *Store) Decide(d screener.ReviewDecision) (screener.ReviewDecision, error) {
	err := s.db.Update(func(tx *bolt.Tx) error {
		var err error
		d, err = s.putDecision(tx, d, nil)
		return err
	})
	return d, err
}

func (s *Store) putDecision(tx *bolt.Tx, d screener.ReviewDecision, extra map[string]string) (screener.ReviewDecision, error) {
	switch {
	case d.Key == "" || d.List == "" || d.EntryID == "":
		return d, screener.Errorf(screener.KindInvalid, "decision: security key, list and entry id are required")
	case d.Fingerprint == "":
		return d, screener.Errorf(screener.KindInvalid, "decision: the entry fingerprint is required")
	case d.Decision.Outcome != OutcomeConfirmed && d.Decision.Outcome != OutcomeCleared:
		return d, screener.Errorf(screener.KindInvalid, "decision: outcome %q, want confirmed or cleared", d.Decision.Outcome)
	case d.Decision.Reviewer == "":
		return d, screener.Errorf(screener.KindInvalid, "decision: the reviewer is required")
	case d.Decision.Reason == "":
		return d, screener.Errorf(screener.KindInvalid, "decision: a reason is required")
	}
	if d.Decision.At == "" {
		d.Decision.At = s.stamp().Format(time.RFC3339)
	}
	if err := putJSON(tx.Bucket(bucketDecisions), decisionKey(d.Key, d.List, d.EntryID), d); err != nil {
		return d, err
	}
	detail := map[string]string{"key": d.Key, "list": d.List, "entry": d.EntryID, "outcome": d.Decision.Outcome,
		"reason": d.Decision.Reason, "at": d.Decision.At, "fingerprint": d.Fingerprint}
	for k, v := range extra {
		detail[k] = v
	}
	return d, s.audit(tx, d.Decision.Reviewer, ActionDecision, d.Key+" → "+d.List+" "+d.EntryID, detail)
}

// Decisions returns every stored decision (the latest per security key,
// list and entry), for the engine to apply.
func (s *Store) Decisions() ([]screener.ReviewDecision, error) {
	var out []screener.ReviewDecision
	err := s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketDecisions).ForEach(func(k, v []byte) error {
			var d screener.ReviewDecision
			if err := json.Unmarshal(v, &d); err != nil {
				return fmt.Errorf("decision %q: %w", k, err)
			}
			out = append(out, d)
			return nil
		})
	})
	return out, err
}

// FindingRef names a finding of a saved run: the run, the holdings row
// (file may be empty when the line is unambiguous) and the entry id.
type FindingRef struct {
	Run     uint64
	File    string
	Line    int
	EntryID string
}

// DecideFinding records a decision on a finding of a saved run: it takes
// the security key and list from the run's report and the fingerprint from
// the entry in the snapshot the run used (the list's newest snapshot when
// the run used none), all in one write transaction.
func (s *Store) DecideFinding(ref FindingRef, d screener.Decision) (screener.ReviewDecision, error) {
	var rd screener.ReviewDecision
	err := s.db.Update(func(tx *bolt.Tx) error {
		info, err := getRunInfo(tx, ref.Run)
		if err != nil {
			return err
		}
		f, err := findFinding(tx, ref)
		if err != nil {
			return err
		}
		e, err := runEntry(tx, info, f.Entry.List, f.Entry.ID)
		if err != nil {
			return err
		}
		if f.Key == "" {
			return screener.Errorf(screener.KindInvalid, "run %d line %d: the finding has no security key to decide on", ref.Run, ref.Line)
		}
		rd = screener.ReviewDecision{Key: f.Key, List: f.Entry.List, EntryID: f.Entry.ID,
			Fingerprint: screener.EntryFingerprint(e), Decision: d}
		rd, err = s.putDecision(tx, rd, map[string]string{"run": strconv.FormatUint(ref.Run, 10),
			"file": f.File, "line": strconv.Itoa(f.Line)})
		return err
	})
	return rd, err
}

// runFindings decodes the findings of a run's report.
func runFindings(tx *bolt.Tx, run uint64) ([]screener.Finding, error) {
	packed := tx.Bucket(bucketRunReports).Get(u64(run))
	if packed == nil {
		return nil, notFound("no run %d", run)
	}
	raw, err := UnpackReport(packed)
	if err != nil {
		return nil, fmt.Errorf("run %d: %w", run, err)
	}
	var rep struct {
		Findings []screener.Finding `json:"findings"`
	}
	if err := json.Unmarshal(raw, &rep); err != nil {
		return nil, fmt.Errorf("run %d report: %w", run, err)
	}
	return rep.Findings, nil
}

func findFinding(tx *bolt.Tx, ref FindingRef) (*screener.Finding, error) {
	fs, err := runFindings(tx, ref.Run)
	if err != nil {
		return nil, err
	}
	var hits []*screener.Finding
	for i := range fs {
		f := &fs[i]
		if f.Line == ref.Line && f.Entry != nil && f.Entry.ID == ref.EntryID && (ref.File == "" || f.File == ref.File) {
			hits = append(hits, f)
		}
	}
	switch len(hits) {
	case 0:
		return nil, notFound("run %d has no finding on line %d with entry %s", ref.Run, ref.Line, ref.EntryID)
	case 1:
		return hits[0], nil
	}
	return nil, screener.Errorf(screener.KindInvalid, "run %d: line %d with entry %s is in %d files (%s, %s...): name the file",
		ref.Run, ref.Line, ref.EntryID, len(hits), hits[0].File, hits[1].File)
}

// runEntry finds the entry a run's finding reached, in the snapshot of that
// list the run used, or in the list's newest snapshot.
func runEntry(tx *bolt.Tx, info RunInfo, list, id string) (*screener.Entry, error) {
	var snapID uint64
	for _, sid := range info.SnapshotIDs {
		snap, err := getSnapshot(tx, sid)
		if err != nil {
			return nil, err
		}
		if snap.List == list {
			snapID = sid
		}
	}
	return snapshotEntry(tx, snapID, list, id)
}

// Review is an open review: a finding with status review in a run of its
// portfolio that no decision settles (the latest run that had the row; a
// later run without it does not settle it).
type Review struct {
	Run       uint64           `json:"run"`
	Portfolio string           `json:"portfolio"`
	Finding   screener.Finding `json:"finding"`
	// Reopened holds the earlier decision when one exists but the entry
	// changed since (its fingerprint differs).
	Reopened *screener.ReviewDecision `json:"reopened,omitempty"`
}

// OpenReviews returns the review findings of each portfolio's runs that no
// decision settles, or whose decision was re-opened because the entry
// changed, by portfolio, file and line. Only a decision settles a review:
// a later upload that lacks the row leaves it open.
func (s *Store) OpenReviews() ([]Review, error) {
	var out []Review
	err := s.db.View(func(tx *bolt.Tx) error {
		db := tx.Bucket(bucketDecisions)
		infos := map[uint64]RunInfo{}
		return tx.Bucket(bucketOpenReviews).ForEach(func(k, v []byte) error {
			var o openReview
			if err := json.Unmarshal(v, &o); err != nil {
				return fmt.Errorf("open review %q: %w", k, err)
			}
			f := o.Finding
			portfolio, _, _ := strings.Cut(string(k), "\x00")
			info, ok := infos[o.Run]
			if !ok {
				var err error
				if info, err = getRunInfo(tx, o.Run); err != nil {
					return err
				}
				infos[o.Run] = info
			}
			r := Review{Run: o.Run, Portfolio: portfolio, Finding: f}
			var d screener.ReviewDecision
			ok, err := getJSON(db, decisionKey(f.Key, f.Entry.List, f.Entry.ID), &d)
			if err != nil {
				return err
			}
			if ok {
				e, err := runEntry(tx, info, f.Entry.List, f.Entry.ID)
				if err == nil && d.Applies(e) {
					return nil // settled
				}
				r.Reopened = &d
			}
			out = append(out, r)
			return nil
		})
	})
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Portfolio != b.Portfolio {
			return a.Portfolio < b.Portfolio
		}
		if a.Finding.File != b.Finding.File {
			return a.Finding.File < b.Finding.File
		}
		return a.Finding.Line < b.Finding.Line
	})
	return out, err
}
