package store

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/screener/screener/screener"
	bolt "go.etcd.io/bbolt"
)

// DefaultMaxRemovedPercent is the share of a list's entries an import may
// remove without ImportOptions.Force (RULES.md H-18: a missing entry caused
// by a parse or download fault must not clear anything).
const DefaultMaxRemovedPercent = 5

// Snapshot describes one stored list snapshot (not its entries).
type Snapshot struct {
	ID         uint64                `json:"id"`
	List       string                `json:"list"`
	Format     string                `json:"format"`
	AsOf       screener.Date         `json:"as_of"`
	SHA256     string                `json:"sha256"` // List.SHA256(): the source digests joined with "+"
	Digest     string                `json:"digest"` // what a repeat import is recognised by
	Sources    []screener.SourceFile `json:"sources"`
	Entries    int                   `json:"entries"`
	Warnings   []string              `json:"warnings,omitempty"`
	ImportedAt time.Time             `json:"imported_at"`
	ImportedBy string                `json:"imported_by"`
	Previous   uint64                `json:"previous,omitempty"` // the list's latest snapshot before this one
	Added      int                   `json:"added"`              // entries not in Previous
	Removed    int                   `json:"removed"`            // entries of Previous missing here
	Forced     bool                  `json:"forced,omitempty"`   // imported past the removal limit
}

// ImportOptions tune Import.
type ImportOptions struct {
	// Force imports even when the new snapshot loses more than
	// MaxRemovedPercent of the previous snapshot's entries.
	Force bool
	// MaxRemovedPercent is the removal limit in percent of the previous
	// snapshot's entries; 0 means DefaultMaxRemovedPercent, a negative value
	// refuses any removal.
	MaxRemovedPercent int
	// User is who imports, for the audit log.
	User string
}

// ImportResult is the outcome of importing one list.
type ImportResult struct {
	Snapshot Snapshot
	// Existing is true when the same files of the same list were already
	// imported: nothing was written and Snapshot is the earlier one.
	Existing bool
}

// RemovalError is the refusal of an import that would drop too many
// entries; it is a screener.KindConflict error.
type RemovalError struct {
	List     string
	Previous uint64 // the snapshot the entries would disappear from
	Removed  int
	Of       int
	Limit    int // percent
}

func (e *RemovalError) Error() string {
	return fmt.Sprintf("import %s refused: %d of the %d entries of snapshot %d would disappear (%s%%, more than %d%%); "+
		"if the publisher really removed them, import again with --force",
		e.List, e.Removed, e.Of, e.Previous, permille(e.Removed, e.Of), e.Limit)
}

// Unwrap classifies the refusal as a conflict with stored state.
func (e *RemovalError) Unwrap() error {
	return &screener.Error{Kind: screener.KindConflict, Message: e.Error()}
}

// permille writes a/b as a percentage with one decimal, in integers.
func permille(a, b int) string {
	if b == 0 {
		return "0"
	}
	p := (a*1000 + b/2) / b
	return fmt.Sprintf("%d.%d", p/10, p%10)
}

// importDigest names a list's content for repeat detection: the sorted
// source SHA-256s, or the SHA-256 of the entries when there are no sources.
func importDigest(l *screener.List) (string, error) {
	if len(l.Sources) > 0 {
		ds := make([]string, 0, len(l.Sources))
		for _, s := range l.Sources {
			ds = append(ds, s.SHA256)
		}
		sort.Strings(ds)
		return strings.Join(ds, "+"), nil
	}
	b, err := json.Marshal(l.Entries)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(b)
	return "entries:" + hex.EncodeToString(sum[:]), nil
}

func indexKey(list, digest string) []byte {
	return []byte(list + "\x00" + digest)
}

// Import stores each list as a new snapshot, all in one write transaction:
// every snapshot lands whole or none does. A list whose name and source
// digests match a stored snapshot is not stored again (ImportResult.Existing).
// A list that loses more than the allowed share of its previous snapshot's
// entries is refused with a *RemovalError unless opt.Force is set.
func (s *Store) Import(lists []*screener.List, opt ImportOptions) ([]ImportResult, error) {
	limit := opt.MaxRemovedPercent
	if limit == 0 {
		limit = DefaultMaxRemovedPercent
	}
	if limit < 0 {
		limit = 0
	}
	var out []ImportResult
	err := s.db.Update(func(tx *bolt.Tx) error {
		out = out[:0]
		for _, l := range lists {
			r, err := s.importOne(tx, l, opt, limit)
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

func (s *Store) importOne(tx *bolt.Tx, l *screener.List, opt ImportOptions, limit int) (ImportResult, error) {
	if l == nil || l.Name == "" {
		return ImportResult{}, screener.Errorf(screener.KindInvalid, "import: a list has no name")
	}
	digest, err := importDigest(l)
	if err != nil {
		return ImportResult{}, fmt.Errorf("import %s: %w", l.Name, err)
	}
	idx := tx.Bucket(bucketSnapshotIndex)
	if v := idx.Get(indexKey(l.Name, digest)); v != nil {
		snap, err := getSnapshot(tx, binary.BigEndian.Uint64(v))
		if err != nil {
			return ImportResult{}, err
		}
		return ImportResult{Snapshot: snap, Existing: true}, nil
	}

	snap := Snapshot{List: l.Name, Format: l.Format, AsOf: l.AsOf, SHA256: l.SHA256(), Digest: digest,
		Sources: l.Sources, Entries: len(l.Entries), Warnings: l.Warnings,
		ImportedAt: s.stamp(), ImportedBy: opt.User}
	prev, ok, err := latestSnapshot(tx, l.Name)
	if err != nil {
		return ImportResult{}, err
	}
	if ok {
		snap.Previous = prev.ID
		oldIDs, err := entryIDs(tx, prev.ID)
		if err != nil {
			return ImportResult{}, err
		}
		newIDs := make(map[string]bool, len(l.Entries))
		for i := range l.Entries {
			newIDs[l.Entries[i].ID] = true
		}
		for id := range oldIDs {
			if !newIDs[id] {
				snap.Removed++
			}
		}
		for id := range newIDs {
			if !oldIDs[id] {
				snap.Added++
			}
		}
		if snap.Removed*100 > limit*len(oldIDs) {
			if !opt.Force {
				return ImportResult{}, &RemovalError{List: l.Name, Previous: prev.ID, Removed: snap.Removed, Of: len(oldIDs), Limit: limit}
			}
			snap.Forced = true
		}
	} else {
		snap.Added = len(l.Entries)
	}

	b := tx.Bucket(bucketSnapshots)
	id, err := b.NextSequence()
	if err != nil {
		return ImportResult{}, err
	}
	snap.ID = id
	b.FillPercent = 1 // keys only grow
	if err := putJSON(b, u64(id), snap); err != nil {
		return ImportResult{}, err
	}
	eb, err := tx.Bucket(bucketSnapshotEntries).CreateBucket(u64(id))
	if err != nil {
		return ImportResult{}, fmt.Errorf("import %s: entries of snapshot %d: %w", l.Name, id, err)
	}
	eb.FillPercent = 1
	for i := range l.Entries {
		if err := putJSON(eb, u64(uint64(i)), &l.Entries[i]); err != nil {
			return ImportResult{}, fmt.Errorf("import %s: entry %s: %w", l.Name, l.Entries[i].ID, err)
		}
	}
	if err := idx.Put(indexKey(l.Name, digest), u64(id)); err != nil {
		return ImportResult{}, err
	}
	detail := map[string]string{"snapshot": strconv.FormatUint(id, 10), "format": l.Format, "as_of": l.AsOf.String(),
		"sha256": snap.SHA256, "entries": strconv.Itoa(len(l.Entries)),
		"added": strconv.Itoa(snap.Added), "removed": strconv.Itoa(snap.Removed)}
	if snap.Previous != 0 {
		detail["previous"] = strconv.FormatUint(snap.Previous, 10)
	}
	if snap.Forced {
		detail["forced"] = "true"
	}
	if err := s.audit(tx, opt.User, ActionImport, l.Name, detail); err != nil {
		return ImportResult{}, err
	}
	return ImportResult{Snapshot: snap}, nil
}

func getSnapshot(tx *bolt.Tx, id uint64) (Snapshot, error) {
	return getByID[Snapshot](tx, bucketSnapshots, id, "snapshot")
}

// latestSnapshot returns the newest snapshot of list ("" = of any list).
func latestSnapshot(tx *bolt.Tx, list string) (Snapshot, bool, error) {
	c := tx.Bucket(bucketSnapshots).Cursor()
	for k, v := c.Last(); k != nil; k, v = c.Prev() {
		var snap Snapshot
		if err := json.Unmarshal(v, &snap); err != nil {
			return Snapshot{}, false, fmt.Errorf("snapshot %d: %w", binary.BigEndian.Uint64(k), err)
		}
		if list == "" || snap.List == list {
			return snap, true, nil
		}
	}
	return Snapshot{}, false, nil
}

func entryIDs(tx *bolt.Tx, id uint64) (map[string]bool, error) {
	eb := tx.Bucket(bucketSnapshotEntries).Bucket(u64(id))
	if eb == nil {
		return nil, fmt.Errorf("snapshot %d has no entries bucket", id)
	}
	ids := make(map[string]bool)
	err := eb.ForEach(func(k, v []byte) error {
		var e struct {
			ID string `json:"id"`
		}
		if err := json.Unmarshal(v, &e); err != nil {
			return fmt.Errorf("snapshot %d entry %d: %w", id, binary.BigEndian.Uint64(k), err)
		}
		ids[e.ID] = true
		return nil
	})
	return ids, err
}

func loadList(tx *bolt.Tx, id uint64) (*screener.List, Snapshot, error) {
	snap, err := getSnapshot(tx, id)
	if err != nil {
		return nil, Snapshot{}, err
	}
	eb := tx.Bucket(bucketSnapshotEntries).Bucket(u64(id))
	if eb == nil {
		return nil, Snapshot{}, fmt.Errorf("snapshot %d has no entries bucket", id)
	}
	l := &screener.List{Name: snap.List, Format: snap.Format, AsOf: snap.AsOf, Sources: snap.Sources,
		Warnings: snap.Warnings, Entries: make([]screener.Entry, 0, snap.Entries)}
	err = eb.ForEach(func(k, v []byte) error {
		var e screener.Entry
		if err := json.Unmarshal(v, &e); err != nil {
			return fmt.Errorf("snapshot %d entry %d: %w", id, binary.BigEndian.Uint64(k), err)
		}
		l.Entries = append(l.Entries, e)
		return nil
	})
	if err != nil {
		return nil, Snapshot{}, err
	}
	if len(l.Entries) != snap.Entries {
		return nil, Snapshot{}, fmt.Errorf("snapshot %d holds %d entries, its record says %d", id, len(l.Entries), snap.Entries)
	}
	return l, snap, nil
}

// Snapshot returns snapshot id's description.
func (s *Store) Snapshot(id uint64) (Snapshot, error) {
	var snap Snapshot
	err := s.db.View(func(tx *bolt.Tx) error {
		var err error
		snap, err = getSnapshot(tx, id)
		return err
	})
	return snap, err
}

// List returns snapshot id with its entries, as imported.
func (s *Store) List(id uint64) (*screener.List, error) {
	var l *screener.List
	err := s.db.View(func(tx *bolt.Tx) error {
		var err error
		l, _, err = loadList(tx, id)
		return err
	})
	return l, err
}

// Snapshots returns the stored snapshots of list ("" for every list),
// oldest first.
func (s *Store) Snapshots(list string) ([]Snapshot, error) {
	var out []Snapshot
	err := s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketSnapshots).ForEach(func(k, v []byte) error {
			var snap Snapshot
			if err := json.Unmarshal(v, &snap); err != nil {
				return fmt.Errorf("snapshot %d: %w", binary.BigEndian.Uint64(k), err)
			}
			if list == "" || snap.List == list {
				out = append(out, snap)
			}
			return nil
		})
	})
	return out, err
}

// LatestLists returns the newest snapshot of every stored list with its
// entries, ordered by list name: what a screening run uses by default.
func (s *Store) LatestLists() ([]*screener.List, []Snapshot, error) {
	var lists []*screener.List
	var snaps []Snapshot
	err := s.db.View(func(tx *bolt.Tx) error {
		latest := map[string]uint64{}
		err := tx.Bucket(bucketSnapshots).ForEach(func(k, v []byte) error {
			var snap Snapshot
			if err := json.Unmarshal(v, &snap); err != nil {
				return fmt.Errorf("snapshot %d: %w", binary.BigEndian.Uint64(k), err)
			}
			latest[snap.List] = snap.ID
			return nil
		})
		if err != nil {
			return err
		}
		names := make([]string, 0, len(latest))
		for n := range latest {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			l, snap, err := loadList(tx, latest[n])
			if err != nil {
				return err
			}
			lists, snaps = append(lists, l), append(snaps, snap)
		}
		return nil
	})
	return lists, snaps, err
}

// ResolveSnapshot turns a reference into a snapshot: a snapshot id, or
// "latest" or "previous" (the one before latest) of list. An empty list
// means the list with the most recent import.
func (s *Store) ResolveSnapshot(list, ref string) (Snapshot, error) {
	var snap Snapshot
	err := s.db.View(func(tx *bolt.Tx) error {
		if id, err := strconv.ParseUint(ref, 10, 64); err == nil {
			var gerr error
			snap, gerr = getSnapshot(tx, id)
			return gerr
		}
		if ref != "latest" && ref != "previous" {
			return screener.Errorf(screener.KindInvalid, "snapshot %q: want an id, latest or previous", ref)
		}
		if list == "" {
			last, ok, err := latestSnapshot(tx, "")
			if err != nil {
				return err
			}
			if !ok {
				return notFound("no list snapshots stored: import a list first")
			}
			list = last.List
		}
		skip := 0
		if ref == "previous" {
			skip = 1
		}
		c := tx.Bucket(bucketSnapshots).Cursor()
		for k, v := c.Last(); k != nil; k, v = c.Prev() {
			var x Snapshot
			if err := json.Unmarshal(v, &x); err != nil {
				return fmt.Errorf("snapshot %d: %w", binary.BigEndian.Uint64(k), err)
			}
			if x.List != list {
				continue
			}
			if skip == 0 {
				snap = x
				return nil
			}
			skip--
		}
		return notFound("list %s has no %s snapshot", list, ref)
	})
	return snap, err
}

// Diff compares snapshots from and to (see screener.DiffLists).
func (s *Store) Diff(from, to uint64) (screener.ListDiff, error) {
	var d screener.ListDiff
	err := s.db.View(func(tx *bolt.Tx) error {
		a, _, err := loadList(tx, from)
		if err != nil {
			return err
		}
		b, _, err := loadList(tx, to)
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
func snapshotEntry(tx *bolt.Tx, snapID uint64, list, id string) (*screener.Entry, error) {
	if snapID == 0 {
		snap, ok, err := latestSnapshot(tx, list)
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, notFound("no stored snapshot of list %s: import it first", list)
		}
		snapID = snap.ID
	}
	eb := tx.Bucket(bucketSnapshotEntries).Bucket(u64(snapID))
	if eb == nil {
		return nil, notFound("no snapshot %d", snapID)
	}
	q, _ := json.Marshal(id) // a string always encodes
	want := append([]byte(`"id":`), q...)
	var found *screener.Entry
	err := eb.ForEach(func(k, v []byte) error {
		if found != nil || !bytes.Contains(v, want) {
			return nil
		}
		var e screener.Entry
		if err := json.Unmarshal(v, &e); err != nil {
			return fmt.Errorf("snapshot %d entry %d: %w", snapID, binary.BigEndian.Uint64(k), err)
		}
		if e.ID == id {
			found = &e
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if found == nil {
		return nil, notFound("entry %s is not in snapshot %d of %s", id, snapID, list)
	}
	return found, nil
}
