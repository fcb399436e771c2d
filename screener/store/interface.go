package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/screener/screener/screener"
	"github.com/screener/screener/screener/funds"
)

// Interface is what the web app and the CLI need from a store. Two
// implementations keep the same records with the same rules (audit record
// in the same transaction as its action, one hash chain, repeat imports
// recognised, removal limit): *Store, the embedded bbolt file (the
// default), and the PostgreSQL store in package screener/store/postgres,
// which several processes may share.
//
// The record types (Snapshot, Run, RunInfo, Portfolio, Review, User,
// Session, APIKey, AuditRecord...) are this package's; both stores return
// them. When you add a method here, add it to *Store and to the PostgreSQL
// store (or make it return ErrNotSupported there, and say so in
// STORE-ADDITIONS.md); the contract suite in screener/store/storetest runs
// against both.
type Interface interface {
	// Close releases the store.
	Close() error
	// Path names the store for messages: the file, or the database URL
	// without its password.
	Path() string
	// Schema returns the schema version the store holds.
	Schema() (uint64, error)
	// Check runs the store's consistency check.
	Check() error

	// Lists.
	Import(lists []*screener.List, opt ImportOptions) ([]ImportResult, error)
	Snapshot(id uint64) (Snapshot, error)
	List(id uint64) (*screener.List, error)
	Snapshots(list string) ([]Snapshot, error)
	LatestLists() ([]*screener.List, []Snapshot, error)
	ResolveSnapshot(list, ref string) (Snapshot, error)
	Diff(from, to uint64) (screener.ListDiff, error)

	// Runs and portfolios.
	SaveRun(run Run) (uint64, error)
	Runs() ([]RunInfo, error)
	RunInfo(id uint64) (RunInfo, error)
	Run(id uint64) (Run, error)
	RunReport(id uint64) (json.RawMessage, error)
	Portfolios() ([]Portfolio, error)
	// Portfolio returns one portfolio (owner, access) without holdings.
	Portfolio(name string) (Portfolio, error)
	// PortfoliosOf names the portfolios principal owns or may use.
	PortfoliosOf(principal string) ([]string, error)
	// GrantPortfolio gives (grant) or takes away principal's access to a
	// portfolio, audited.
	GrantPortfolio(actor, portfolio, principal string, grant bool) error

	// Review decisions.
	Decide(d screener.ReviewDecision) (screener.ReviewDecision, error)
	Decisions() ([]screener.ReviewDecision, error)
	DecideFinding(ref FindingRef, d screener.Decision) (screener.ReviewDecision, error)
	OpenReviews() ([]Review, error)

	// Users, sessions and API keys.
	PutUser(actor string, u User) (User, error)
	User(name string) (User, error)
	Users() ([]User, error)
	Login(user string, ttl time.Duration) (string, Session, error)
	// LoginFailed records a failed sign-in (audit record) and counts it on
	// the name's and the address's throttle, returning both (name first).
	LoginFailed(name, addr, reason string, forget time.Duration) ([]Throttle, error)
	// Throttles returns the failed sign-in counts of keys (ThrottleName,
	// ThrottleAddr); counts older than forget read as zero.
	Throttles(forget time.Duration, keys ...string) ([]Throttle, error)
	// ListThrottles returns the counts of at least min failures.
	ListThrottles(forget time.Duration, min int) ([]Throttle, error)
	// LiftThrottle clears a count (an admin lifting a lockout), audited.
	LiftThrottle(actor, key string) error
	Session(token string) (Session, error)
	Logout(token string) error
	CreateAPIKey(actor, name, role string) (string, APIKey, error)
	APIKeyByHash(hash string) (APIKey, error)
	APIKeys() ([]APIKey, error)
	RevokeAPIKey(actor, hash string) error

	// The fund registry (funds.go): funds' dated holdings sets for
	// look-through; a set is never changed or removed.
	AddFundHoldings(actor string, reg funds.Registration) (funds.Fund, funds.SetInfo, bool, error)
	Funds() ([]funds.Fund, error)
	Fund(id uint64) (funds.Fund, error)
	FundByKey(key string) (funds.Fund, error)
	FundHoldings(seq uint64) ([]screener.Holding, error)
	// Storage: health, cost per principal, retention.
	// Writable reports whether a write would succeed now (disk space,
	// a write transaction), for /readyz.
	Writable() error
	// Usage returns the bytes principal's saved runs take.
	Usage(principal string) (int64, error)
	// PurgeRuns removes runs saved before before, keeping each portfolio's
	// latest run and runs with open reviews, audited (run.purge).
	PurgeRuns(actor string, before time.Time, dry bool) (PurgeResult, error)
	// AuditBackup records a copy of the whole database taken by actor
	// (audit action "backup", subject "database").
	AuditBackup(actor string, detail map[string]string) error

	// Replicas: Heartbeat records that server process replica is alive and
	// returns how many are (itself included) within ttl, so a replica can
	// take its share of a limit that is meant for all of them. The bbolt
	// file has one process: it returns 1.
	Heartbeat(replica string, ttl time.Duration) (int, error)

	// The audit log.
	Audit(since uint64, limit int) ([]AuditRecord, error)
	AuditHead() (uint64, string, error)
	VerifyAudit() error
}

// Watcher is a store that several processes share and that tells each of
// them of changes the others make (the PostgreSQL store): Watch calls fn
// with a topic ("snapshots" after a list import, "keys" after a key
// revocation, "funds" after fund holdings are registered, "" after a
// (re)connection: anything may have changed) until ctx ends.
type Watcher interface {
	Watch(ctx context.Context, fn func(topic string)) error
}

// Change topics a Watcher reports.
const (
	TopicSnapshots = "snapshots"
	TopicKeys      = "keys"
	TopicFunds     = "funds"
)

// Backuper is a store that can write a consistent copy of itself as one
// file (the bbolt store; PostgreSQL is backed up with its own tools).
type Backuper interface {
	Backup(w io.Writer) (int64, error)
	BackupFile(path string) (int64, error)
}

var _ Interface = (*Store)(nil)
var _ Backuper = (*Store)(nil)

// ErrNotSupported is in the chain of the error a store returns for a method
// it does not implement yet (errors.Is(err, ErrNotSupported)).
var ErrNotSupported = errors.New("not supported by this store yet")

// NotSupported returns the error of a method a store does not implement yet,
// naming both, for example NotSupported("the PostgreSQL store", "FundHoldings").
func NotSupported(storeName, method string) error {
	return &screener.Error{Kind: screener.KindInvalid, Message: fmt.Sprintf("%s is not supported by %s yet", method, storeName), Err: ErrNotSupported}
}

// Opener opens a store from a data source name.
type Opener func(ctx context.Context, dsn string, opt *Options) (Interface, error)

var (
	openersMu sync.RWMutex
	openers   = map[string]Opener{}
)

// Register makes a store available to OpenDSN under a URL scheme (such as
// "postgres"). The PostgreSQL store registers itself when its package is
// imported, as database/sql drivers do: this package cannot import it.
func Register(scheme string, open Opener) {
	openersMu.Lock()
	defer openersMu.Unlock()
	openers[scheme] = open
}

// IsURL reports whether dsn names a store by URL (scheme://...) rather than
// a bbolt file path.
func IsURL(dsn string) bool {
	i := strings.Index(dsn, "://")
	return i > 0 && !strings.ContainsAny(dsn[:i], `/\.`)
}

// OpenDSN opens the store dsn names: a URL whose scheme a store registered
// (postgres://... or postgresql://...), or else a bbolt file path, opened
// with Open.
func OpenDSN(ctx context.Context, dsn string, opt *Options) (Interface, error) {
	if !IsURL(dsn) {
		s, err := Open(dsn, opt)
		if err != nil {
			return nil, err
		}
		return s, nil
	}
	scheme := dsn[:strings.Index(dsn, "://")]
	openersMu.RLock()
	open := openers[strings.ToLower(scheme)]
	openersMu.RUnlock()
	if open == nil {
		return nil, screener.Errorf(screener.KindInvalid, "database %s: no store for %s:// in this program (want a file path or postgres://...)", RedactDSN(dsn), scheme)
	}
	return open(ctx, dsn, opt)
}

// RedactDSN returns dsn with any password replaced by "xxxxx", for
// messages and logs.
func RedactDSN(dsn string) string {
	i := strings.Index(dsn, "://")
	if i < 0 {
		return dsn
	}
	rest := dsn[i+3:]
	at := strings.IndexByte(rest, '@')
	if at < 0 {
		return dsn
	}
	cred := rest[:at]
	if c := strings.IndexByte(cred, ':'); c >= 0 {
		cred = cred[:c] + ":xxxxx"
	}
	return fmt.Sprintf("%s://%s%s", dsn[:i], cred, rest[at:])
}
