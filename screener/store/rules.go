package store

// The rules both stores apply, exported so that the PostgreSQL store (a
// separate package) keeps records exactly as the bbolt store does: what an
// import, a run, a decision or an audit record is made of, and what each
// refuses. The storage itself (transactions, keys, locks) stays in each
// store.

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/screener/screener/screener"
)

// ImportDigest names a list's content for repeat detection: the sorted
// source SHA-256s, or the SHA-256 of the entries when there are no sources.
func ImportDigest(l *screener.List) (string, error) { return importDigest(l) }

// RemovalLimit is the removal limit in percent that opt sets.
func RemovalLimit(opt ImportOptions) int {
	limit := opt.MaxRemovedPercent
	if limit == 0 {
		limit = DefaultMaxRemovedPercent
	}
	if limit < 0 {
		limit = 0
	}
	return limit
}

// PlanImport describes the snapshot importing l makes (all but its ID):
// prev is the list's latest stored snapshot and prevIDs its entry ids (nil,
// nil for a first import). It returns a *RemovalError when l loses more
// than the limit of prev's entries and opt.Force is not set.
func PlanImport(l *screener.List, digest string, prev *Snapshot, prevIDs map[string]bool, opt ImportOptions, now time.Time) (Snapshot, error) {
	if l == nil || l.Name == "" {
		return Snapshot{}, screener.Errorf(screener.KindInvalid, "import: a list has no name")
	}
	limit := RemovalLimit(opt)
	snap := Snapshot{List: l.Name, Format: l.Format, AsOf: l.AsOf, SHA256: l.SHA256(), Digest: digest,
		Sources: l.Sources, Entries: len(l.Entries), Warnings: l.Warnings,
		ImportedAt: now, ImportedBy: opt.User}
	if prev == nil {
		snap.Added = len(l.Entries)
		return snap, nil
	}
	snap.Previous = prev.ID
	newIDs := make(map[string]bool, len(l.Entries))
	for i := range l.Entries {
		newIDs[l.Entries[i].ID] = true
	}
	for id := range prevIDs {
		if !newIDs[id] {
			snap.Removed++
		}
	}
	for id := range newIDs {
		if !prevIDs[id] {
			snap.Added++
		}
	}
	if snap.Removed*100 > limit*len(prevIDs) {
		if !opt.Force {
			return Snapshot{}, &RemovalError{List: l.Name, Previous: prev.ID, Removed: snap.Removed, Of: len(prevIDs), Limit: limit}
		}
		snap.Forced = true
	}
	return snap, nil
}

// ImportAudit is the audit detail of an imported snapshot.
func ImportAudit(snap Snapshot) map[string]string {
	detail := map[string]string{"snapshot": strconv.FormatUint(snap.ID, 10), "format": snap.Format, "as_of": snap.AsOf.String(),
		"sha256": snap.SHA256, "entries": strconv.Itoa(snap.Entries),
		"added": strconv.Itoa(snap.Added), "removed": strconv.Itoa(snap.Removed)}
	if snap.Previous != 0 {
		detail["previous"] = strconv.FormatUint(snap.Previous, 10)
	}
	if snap.Forced {
		detail["forced"] = "true"
	}
	return detail
}

// ParseSnapshotRef splits a snapshot reference: an id (id > 0), or
// "latest" (skip 0) or "previous" (skip 1).
func ParseSnapshotRef(ref string) (id uint64, skip int, err error) {
	if id, err := strconv.ParseUint(ref, 10, 64); err == nil {
		return id, 0, nil
	}
	switch ref {
	case "latest":
		return 0, 0, nil
	case "previous":
		return 0, 1, nil
	}
	return 0, 0, screener.Errorf(screener.KindInvalid, "snapshot %q: want an id, latest or previous", ref)
}

// PlanRun checks a run to save and describes it (all but its ID): the
// default portfolio name, the counts from the report (or from
// run.Summary), its SHA-256. It also returns what the store keeps of the
// report (PackReport), hashed and packed at once: a big run's report is
// tens of MB, and its save is the tail of an upload while the client waits.
func PlanRun(run *Run, now time.Time) (RunInfo, []byte, error) {
	if len(run.Report) == 0 || run.Summary == nil && !json.Valid(run.Report) {
		return RunInfo{}, nil, screener.Errorf(screener.KindInvalid, "save run: the report is not JSON")
	}
	if run.Portfolio == "" {
		run.Portfolio = defaultPortfolio(run.Files)
	}
	var sum [sha256.Size]byte
	var wg sync.WaitGroup
	wg.Go(func() { sum = sha256.Sum256(run.Report) })
	var rep struct {
		Summary  screener.Summary  `json:"summary"`
		Findings []json.RawMessage `json:"findings"`
	}
	if run.Summary != nil {
		rep.Summary = *run.Summary
	} else {
		_ = json.Unmarshal(run.Report, &rep) // best effort: counts for listings only
	}
	held := len(run.Holdings)
	if held == 0 {
		held = rep.Summary.Screened
	}
	packed, err := PackReport(run.Report)
	wg.Wait()
	if err != nil {
		return RunInfo{}, nil, err
	}
	return RunInfo{Portfolio: run.Portfolio, User: run.User, AsOf: run.AsOf.UTC(), SavedAt: now,
		Files: run.Files, SnapshotIDs: run.SnapshotIDs, Inputs: run.Inputs, Holdings: held,
		Findings: findingCount(*run, len(rep.Findings)), ByStatus: rep.Summary.ByStatus, ReportSHA256: hex.EncodeToString(sum[:])}, packed, nil
}

// RunPortfolio is the portfolio record after saving run (already planned,
// with info.ID set) into p (exists false for a new one): a new portfolio
// belongs to run.User; an existing one refuses a user who neither owns it
// nor was granted access, unless run.AnyPortfolio (KindForbidden).
func RunPortfolio(p Portfolio, exists bool, run Run, info RunInfo) (Portfolio, error) {
	if !exists {
		p = Portfolio{Name: run.Portfolio, Created: info.SavedAt, Owner: run.User}
	} else if !run.AnyPortfolio && !p.mayWrite(run.User) {
		return p, screener.Errorf(screener.KindForbidden, "portfolio %q belongs to another user: ask compliance for access, or choose another name", run.Portfolio)
	}
	p.Updated, p.Runs, p.LatestRun, p.Files = info.SavedAt, p.Runs+1, info.ID, run.Files
	return p, nil
}

// RunAudit is the audit detail of a saved run.
func RunAudit(info RunInfo) map[string]string {
	snaps := make([]string, len(info.SnapshotIDs))
	for i, sid := range info.SnapshotIDs {
		snaps[i] = strconv.FormatUint(sid, 10)
	}
	return map[string]string{
		"run": strconv.FormatUint(info.ID, 10), "files": strings.Join(info.Files, ", "), "snapshots": strings.Join(snaps, ","),
		"holdings": strconv.Itoa(info.Holdings), "findings": strconv.Itoa(info.Findings), "inputs_sha256": inputDigests(info.Inputs),
		"as_of": info.AsOf.Format(time.RFC3339), "report_sha256": info.ReportSHA256}
}

// OpenReview is a review finding of a saved run waiting for a decision,
// kept under its portfolio, key, list and entry until a decision settles it.
type OpenReview struct {
	Run     uint64           `json:"run"`
	Finding screener.Finding `json:"finding"`
}

// RunReviews returns the review findings of run, saved as id: those its
// writer gave (Run.Reviews, when Run.Summary is set), else those decoded
// from its report.
func RunReviews(id uint64, run Run) []OpenReview {
	if run.Summary == nil {
		return ReportReviews(id, run.Report)
	}
	var out []OpenReview
	for _, f := range run.Reviews {
		if f.Status == screener.StatusReview && f.Entry != nil {
			out = append(out, OpenReview{Run: id, Finding: f})
		}
	}
	return out
}

// ReportReviews returns the review findings of a report (none when it is
// not a screener report), as noteReviews keeps them.
func ReportReviews(run uint64, report []byte) []OpenReview {
	var rep struct {
		Findings []json.RawMessage `json:"findings"`
	}
	if err := json.Unmarshal(report, &rep); err != nil {
		return nil
	}
	var out []OpenReview
	for _, raw := range rep.Findings {
		var head struct {
			Status screener.Status `json:"status"`
		}
		if err := json.Unmarshal(raw, &head); err != nil || head.Status != screener.StatusReview {
			continue
		}
		var f screener.Finding
		if err := json.Unmarshal(raw, &f); err != nil || f.Entry == nil {
			continue
		}
		out = append(out, OpenReview{Run: run, Finding: f})
	}
	return out
}

// GrantAccess changes p's access list for GrantPortfolio and returns the
// audit action; the owner cannot be granted or revoked (KindConflict).
func GrantAccess(p *Portfolio, principal string, grant bool) (string, error) {
	if p.Owner == principal {
		return "", screener.Errorf(screener.KindConflict, "portfolio %q: %s owns it", p.Name, principal)
	}
	if grant {
		if !slices.Contains(p.Access, principal) {
			p.Access = append(p.Access, principal)
			sort.Strings(p.Access)
		}
		return ActionPortfolioGrant, nil
	}
	p.Access = slices.DeleteFunc(p.Access, func(x string) bool { return x == principal })
	return ActionPortfolioRevoke, nil
}

// LiveThrottle is t as read at now: zero (with its key) when its last
// failure is older than forget.
func LiveThrottle(t Throttle, now time.Time, forget time.Duration) Throttle {
	if forget > 0 && now.Sub(t.Last) > forget {
		return Throttle{Key: t.Key}
	}
	return t
}

// ClipText makes s valid UTF-8 and at most max bytes (see the audit
// limits MaxAuditName and MaxAuditDetail).
func ClipText(s string, max int) string { return clipText(s, max) }

// The audit log's text limits.
const (
	MaxAuditName   = maxAuditName
	MaxAuditDetail = maxAuditDetail
)

// HasID reports whether ids holds x (same type and value).
func HasID(ids []screener.ID, x screener.ID) bool { return hasID(ids, x) }

// EncodeHoldings encodes holdings with the fields screener.Holding keeps
// out of JSON, so a stored portfolio screens again exactly as it did.
func EncodeHoldings(hs []screener.Holding) ([]byte, error) { return json.Marshal(toStored(hs)) }

// DecodeHoldings decodes what EncodeHoldings wrote.
func DecodeHoldings(b []byte) ([]screener.Holding, error) {
	var hs []holding
	if len(b) > 0 {
		if err := json.Unmarshal(b, &hs); err != nil {
			return nil, err
		}
	}
	return fromStored(hs), nil
}

// CheckDecision validates a decision to store and sets Decision.At to now
// when empty.
func CheckDecision(d screener.ReviewDecision, now time.Time) (screener.ReviewDecision, error) {
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
		d.Decision.At = now.Format(time.RFC3339)
	}
	return d, nil
}

// DecisionAudit is the subject and detail of a decision's audit record;
// extra adds to the detail (the run, file and line of DecideFinding).
func DecisionAudit(d screener.ReviewDecision, extra map[string]string) (string, map[string]string) {
	detail := map[string]string{"key": d.Key, "list": d.List, "entry": d.EntryID, "outcome": d.Decision.Outcome,
		"reason": d.Decision.Reason, "at": d.Decision.At, "fingerprint": d.Fingerprint}
	for k, v := range extra {
		detail[k] = v
	}
	return d.Key + " → " + d.List + " " + d.EntryID, detail
}

// ReportFindings decodes the findings of run's report bytes.
func ReportFindings(run uint64, report []byte) ([]screener.Finding, error) {
	var rep struct {
		Findings []screener.Finding `json:"findings"`
	}
	if err := json.Unmarshal(report, &rep); err != nil {
		return nil, fmt.Errorf("run %d report: %w", run, err)
	}
	return rep.Findings, nil
}

// FindFinding picks the finding ref names among a run's findings.
func FindFinding(fs []screener.Finding, ref FindingRef) (*screener.Finding, error) {
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
		if hits[0].Key == "" {
			return nil, screener.Errorf(screener.KindInvalid, "run %d line %d: the finding has no security key to decide on", ref.Run, ref.Line)
		}
		return hits[0], nil
	}
	return nil, screener.Errorf(screener.KindInvalid, "run %d: line %d with entry %s is in %d files (%s, %s...): name the file",
		ref.Run, ref.Line, ref.EntryID, len(hits), hits[0].File, hits[1].File)
}

// FindingAudit is the extra audit detail of a decision made on a finding.
func FindingAudit(ref FindingRef, f *screener.Finding) map[string]string {
	return map[string]string{"run": strconv.FormatUint(ref.Run, 10), "file": f.File, "line": strconv.Itoa(f.Line)}
}

// SortReviews orders open reviews by portfolio, file and line.
func SortReviews(out []Review) {
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
}

// CheckUser validates a user to store.
func CheckUser(u User) error {
	if u.Name == "" || u.Role == "" {
		return screener.Errorf(screener.KindInvalid, "user: name and role are required")
	}
	return nil
}

// UserAudit is the action and detail of the audit record of PutUser: the
// role, never the hash. old is the stored user, nil when new.
func UserAudit(u User, old *User) (string, map[string]string) {
	action := ActionUserCreate
	if old != nil {
		action = ActionUserUpdate
	}
	return action, map[string]string{"role": u.Role,
		"disabled": strconv.FormatBool(u.Disabled), "password_changed": strconv.FormatBool(old == nil || string(old.PasswordHash) != string(u.PasswordHash))}
}

// NewSessionToken returns a new random session token ("ss_...").
func NewSessionToken() (string, error) { return newSecret("ss_") }

// NewAPIKeySecret returns a new random API key ("sk_...").
func NewAPIKeySecret() (string, error) { return newSecret("sk_") }

// AuditTime formats an audit record's time.
func AuditTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000000000Z07:00") }

// SealAudit makes the audit record seq chained to prev and returns it with
// the bytes to store (its canonical JSON with the hash).
func SealAudit(seq uint64, at time.Time, actor, action, subject string, detail map[string]string, prev string) (AuditRecord, []byte, error) {
	if actor == "" {
		actor = "unknown"
	}
	// As the bbolt store's audit: valid UTF-8 and bounded before hashing.
	actor, subject = clipText(actor, maxAuditName), clipText(subject, maxAuditName)
	if detail != nil {
		clean := make(map[string]string, len(detail))
		for k, v := range detail {
			clean[clipText(k, maxAuditName)] = clipText(v, maxAuditDetail)
		}
		detail = clean
	}
	r := AuditRecord{Seq: seq, At: AuditTime(at), Actor: actor, Action: action, Subject: subject, Detail: detail, Prev: prev}
	c, err := r.canonical()
	if err != nil {
		return AuditRecord{}, nil, err
	}
	r.Hash = hashOf(r.Prev, c)
	b, err := json.Marshal(r)
	return r, b, err
}

// AuditVerifier checks an audit chain record by record as the bbolt
// store's VerifyAudit does, going on past a bad record so that one broken
// record does not hide later tampering. Feed it every stored record in key
// order with Next, then call End with the head the store keeps.
type AuditVerifier struct {
	bad AuditErrors
	// links are the hashes the next record's Prev may equal: the previous
	// record's stored hash and, when that was altered, the hash its content
	// has. known is false after a record that could not be read.
	links          []string
	known, started bool
	last           uint64
	lastHash       string
	want           uint64
}

func (v *AuditVerifier) fail(seq uint64, format string, args ...any) {
	v.bad = append(v.bad, &AuditError{Seq: seq, Reason: fmt.Sprintf(format, args...)})
}

// Fail records a problem the store found itself (a bad key, an unreadable
// head).
func (v *AuditVerifier) Fail(seq uint64, reason string) { v.fail(seq, "%s", reason) }

// Next checks the record stored under seq with bytes raw.
func (v *AuditVerifier) Next(seq uint64, raw []byte) {
	if !v.started {
		v.links, v.known, v.want, v.started = []string{""}, true, 1, true
	}
	if seq != v.want {
		v.fail(v.want, "missing (the next key is %d)", seq)
		v.known = false
	}
	v.want, v.last = seq+1, seq
	var r AuditRecord
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&r); err != nil {
		v.fail(seq, "cannot be decoded: %v", err)
		v.known, v.lastHash = false, ""
		return
	}
	if again, err := json.Marshal(r); err != nil || !bytes.Equal(again, raw) {
		v.fail(seq, "stored bytes are not in canonical form (altered)")
	}
	if r.Seq != seq {
		v.fail(seq, "record says seq %d", r.Seq)
	}
	if v.known && r.Prev != v.links[0] && (len(v.links) < 2 || r.Prev != v.links[1]) {
		v.fail(seq, "prev hash %.12s… does not match the previous record's hash %.12s…", r.Prev, v.links[0])
	}
	v.links, v.known, v.lastHash = []string{r.Hash}, true, r.Hash
	cb, err := r.canonical()
	if err != nil {
		v.fail(seq, "%v", err)
		return
	}
	if got := hashOf(r.Prev, cb); got != r.Hash {
		v.fail(seq, "hash mismatch: stored %.12s…, computed %.12s…", r.Hash, got)
		v.links = append(v.links, got)
	}
}

// End compares the last record with the head the store keeps (where names
// it: "the head in meta") and returns nil or the AuditErrors found.
func (v *AuditVerifier) End(where string, headSeq uint64, headHash string) error {
	if headSeq != v.last || headHash != v.lastHash {
		v.fail(v.last, "the chain ends at record %d but %s says %d (%.12s…): records were removed or added outside the store",
			v.last, where, headSeq, headHash)
	}
	if len(v.bad) > 0 {
		return v.bad
	}
	return nil
}

// NotFound returns a not-found error with a formatted message.
func NotFound(format string, args ...any) error { return notFound(format, args...) }
