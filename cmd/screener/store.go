package main

// The database commands: lists import/history/diff, runs, review, audit and
// backup. They wire flags to screener/store; the store does the work.

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/screener/screener/screener"
	"github.com/screener/screener/screener/store"
	"github.com/screener/screener/web"
)

var errNotYet = errors.New("not implemented yet")

// defaultDB is the database file used when neither --db nor SCREENER_DB
// is given.
const defaultDB = "screener.db"

// dbFlag adds --db to fs; its default is $SCREENER_DB, else screener.db.
func dbFlag(fs *flag.FlagSet) *string {
	def := defaultDB
	if v := os.Getenv("SCREENER_DB"); v != "" {
		def = v
	}
	return fs.String("db", def, "database: a bbolt `FILE` or a postgres://... URL (default: $SCREENER_DB, else screener.db in the current folder)")
}

// openStore opens the database dsn names: a postgres:// URL or a bbolt
// file. Unless create is set, a missing file is an error rather than a new
// empty database.
func openStore(dsn string, create bool) (store.Interface, error) {
	if !create && !store.IsURL(dsn) {
		if _, err := os.Stat(dsn); err != nil {
			return nil, openMissing(dsn, err)
		}
	}
	st, err := store.OpenDSN(context.Background(), dsn, nil)
	return st, lockAdvice(err)
}

// openStoreRead opens the database dsn names for a command that only
// reads: a bbolt file read-only (it waits at most 3 s for a writing
// process, which bbolt lets no reader share), PostgreSQL as usual.
func openStoreRead(dsn string) (store.Interface, error) {
	if store.IsURL(dsn) {
		return openStore(dsn, false)
	}
	if _, err := os.Stat(dsn); err != nil {
		return nil, openMissing(dsn, err)
	}
	st, err := store.Open(dsn, &store.Options{ReadOnly: true, Timeout: 3 * time.Second})
	if err != nil {
		return nil, lockAdvice(err)
	}
	return st, nil
}

// lockAdvice adds to the refusal of a file another process holds what to
// do instead.
func lockAdvice(err error) error {
	var le *store.LockedError
	if !errors.As(err, &le) {
		return err
	}
	msg := le.Error()
	if le.ReadOnly {
		msg += ". A bbolt file admits no reader beside a writing process: read it through the running server " +
			"(its web pages or the API), or take a copy with 'screener backup --server URL OUT' and run this command with --db OUT"
	} else {
		msg += ". Do this through the running server instead (its web pages or the API with a key), or stop it first"
	}
	msg += "; to run the CLI and several servers on one store at once, run them all on PostgreSQL: --db postgres://… (or SCREENER_DB), after moving this file there with 'screener db copy --from FILE --to postgres://…'"
	return &screener.Error{Kind: screener.KindConflict, Message: msg, Err: err}
}

// openMissing explains a database file that cannot be found.
func openMissing(path string, err error) error {
	if errors.Is(err, os.ErrNotExist) {
		return screener.Errorf(screener.KindNotFound, "no database at %s: create one with 'screener lists import --db %s PATH'", path, path)
	}
	return err
}

// readCmd is a command that reads the database: --db, --format text|json
// and its own flags, then a fixed number of positional arguments.
type readCmd struct {
	fs      *flag.FlagSet
	db      *string
	format  *string
	formats []string // the formats it takes besides text and json
}

func newReadCmd(name, help, defaultFormat, formatHelp string, stderr io.Writer) *readCmd {
	fs := newFlags(name, help, stderr)
	return &readCmd{fs: fs, db: dbFlag(fs), format: fs.String("format", defaultFormat, formatHelp)}
}

// parse parses args and checks that there are exactly want positional
// arguments and a known format.
func (c *readCmd) parse(args []string, want int) ([]string, error) {
	pos, err := parseArgs(c.fs, args)
	if err != nil {
		return nil, err
	}
	if len(pos) != want || (*c.format != "text" && *c.format != "json" && !slices.Contains(c.formats, *c.format)) {
		c.fs.Usage()
		return nil, errUsage
	}
	return pos, nil
}

// open is parse, then opens the database, which must exist.
func (c *readCmd) open(args []string, want int) (store.Interface, []string, error) {
	pos, err := c.parse(args, want)
	if err != nil {
		return nil, nil, err
	}
	s, err := openStoreRead(*c.db)
	return s, pos, err
}

// parseArgs parses flags that may come before, between or after the
// positional arguments, and returns the positional ones.
func parseArgs(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := parseFlags(fs, args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return pos, nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

func currentUser() string {
	for _, k := range []string{"SCREENER_USER", "USER", "USERNAME"} {
		if v := os.Getenv(k); v != "" {
			return v
		}
	}
	return "cli"
}

const listsImportHelp = `
Usage: screener lists import [--db FILE] [--force] [--user NAME] [PATH...]

Stores each list read from PATH (a list file, or a folder holding an OFAC CSV
set) as a new snapshot in the database, with its source files' SHA-256, its
as-of date and the import time. All lists of one command land in one
transaction: all or nothing. With no PATH it imports the embedded default list.

Importing the same files again writes nothing and says "already imported".
An import that would remove more than 5% of the entries of the list's
previous snapshot is refused (a download or parse fault must not clear
anyone); --force imports it anyway, and the audit log records that.

The database is screener.db in the current folder unless --db names another.

Examples:
  screener lists import --db screener.db ../shared/data/lists/ofac-cons-xml-2025-03/consolidated.xml
  screener lists import --db screener.db ../shared/data/lists/ofac-cons-csv-2025-12
  screener lists import --force cons-after-mass-delisting/
`

func runListsImport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("lists import", listsImportHelp, stderr)
	db := dbFlag(fs)
	force := fs.Bool("force", false, "import even if more than 5% of the previous snapshot's entries disappear")
	user := fs.String("user", currentUser(), "who imports, for the audit log")
	paths, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	lists, err := loadLists(paths)
	if err != nil {
		return err
	}
	s, err := openStore(*db, true)
	if err != nil {
		return err
	}
	defer s.Close()
	res, err := s.Import(lists, store.ImportOptions{Force: *force, User: *user})
	if err != nil {
		return err
	}
	for _, r := range res {
		sn := r.Snapshot
		if r.Existing {
			fmt.Fprintf(stdout, "%s %s as of %s: already imported (snapshot %d), nothing written\n", sn.List, sn.Format, dateOr(sn.AsOf), sn.ID)
			continue
		}
		fmt.Fprintf(stdout, "snapshot %d: %s %s as of %s, %d entries", sn.ID, sn.List, sn.Format, dateOr(sn.AsOf), sn.Entries)
		if sn.Previous != 0 {
			fmt.Fprintf(stdout, " (%d added, %d removed since snapshot %d)", sn.Added, sn.Removed, sn.Previous)
		}
		if sn.Forced {
			fmt.Fprint(stdout, " [forced]")
		}
		fmt.Fprintln(stdout)
	}
	return nil
}

const listsHistoryHelp = `
Usage: screener lists history [--db FILE] [--list NAME] [--format text|json]

Lists the stored list snapshots, oldest first: id, list, format, as-of date,
entries, entries added and removed since the previous snapshot, import time
and user, and the SHA-256 of the source files.

Examples:
  screener lists history --db screener.db
  screener lists history --list OFAC-CONSOLIDATED --format json
`

func runListsHistory(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	c := newReadCmd("lists history", listsHistoryHelp, "text", "output: text or json", stderr)
	list := c.fs.String("list", "", "only snapshots of list `NAME`")
	format := c.format
	s, _, err := c.open(args, 0)
	if err != nil {
		return err
	}
	defer s.Close()
	snaps, err := s.Snapshots(*list)
	if err != nil {
		return err
	}
	if *format == "json" {
		return writeJSON(stdout, snaps)
	}
	if len(snaps) == 0 {
		fmt.Fprintln(stdout, "no snapshots stored")
		return nil
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tLIST\tFORMAT\tAS OF\tENTRIES\tADDED\tREMOVED\tIMPORTED\tBY\tSHA256")
	for _, sn := range snaps {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%d\t%d\t%d\t%s\t%s\t%s\n", sn.ID, sn.List, sn.Format, dateOr(sn.AsOf), sn.Entries,
			sn.Added, sn.Removed, sn.ImportedAt.Format("2006-01-02 15:04:05Z"), sn.ImportedBy, short(sn.SHA256, 16))
	}
	return tw.Flush()
}

// dateOr prints d, or "unknown" when the list did not say.
func dateOr(d screener.Date) string {
	if d.IsZero() {
		return "unknown"
	}
	return d.String()
}

func short(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

const listsDiffHelp = `
Usage: screener lists diff [--db FILE] [--list NAME] [--format text|json] OLD NEW

Compares two stored snapshots: entries added, removed and changed, with the
changed fields named (programs gained or lost, an ISIN added, a date or a
name changed). OLD and NEW are snapshot ids (see 'screener lists history'),
or "latest" and "previous" of --list (default: the list imported last).

Remarks and other IDs are compared only between snapshots of the same format
(the CSV keeps all remarks, the XML only leftover text), and a field only one
of the two snapshots carries is not compared: the output says so.

Examples:
  screener lists diff --db screener.db previous latest
  screener lists diff --format json 1 2
`

func runListsDiff(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	c := newReadCmd("lists diff", listsDiffHelp, "text", "output: text or json", stderr)
	list := c.fs.String("list", "", "list `NAME` for latest/previous (default: the list imported last)")
	format := c.format
	s, pos, err := c.open(args, 2)
	if err != nil {
		return err
	}
	defer s.Close()
	from, err := s.ResolveSnapshot(*list, pos[0])
	if err != nil {
		return err
	}
	name := *list
	if name == "" {
		name = from.List // "latest" then means the same list as OLD
	}
	to, err := s.ResolveSnapshot(name, pos[1])
	if err != nil {
		return err
	}
	d, err := s.Diff(from.ID, to.ID)
	if err != nil {
		return err
	}
	if *format == "json" {
		return writeJSON(stdout, d)
	}
	writeDiffText(stdout, &d)
	return nil
}

func writeDiffText(w io.Writer, d *screener.ListDiff) {
	fmt.Fprintf(w, "%s: snapshot %d (%s, as of %s, %d entries) → snapshot %d (%s, as of %s, %d entries)\n",
		d.List, d.From.ID, d.From.Format, dateOr(d.From.AsOf), d.From.Entries, d.To.ID, d.To.Format, dateOr(d.To.AsOf), d.To.Entries)
	fmt.Fprintf(w, "%d added, %d removed, %d changed\n", len(d.Added), len(d.Removed), len(d.Changed))
	for _, e := range d.Added {
		fmt.Fprintf(w, "+ %s %s\n", e.ID, e.Name)
	}
	for _, e := range d.Removed {
		fmt.Fprintf(w, "- %s %s\n", e.ID, e.Name)
	}
	for _, c := range d.Changed {
		fmt.Fprintf(w, "~ %s %s\n", c.ID, c.Name)
		for _, f := range c.Fields {
			fmt.Fprintf(w, "    %s\n", f)
		}
	}
	for _, n := range d.Notes {
		fmt.Fprintf(w, "note: %s\n", n)
	}
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

const runsHelp = `
Usage: screener runs [--db FILE] [--format text|json]
       screener runs show [--db FILE] [--format json|text|xlsx|html|pdf] [--paper a4|letter] ID

Lists the saved screening runs (screener screen --db FILE --save), newest
first; 'runs show' prints one run's report exactly as it was saved (json),
a summary of it (text), or renders the saved report as a workbook, an HTML
page or a PDF (xlsx, html, pdf: the same saved run renders the same bytes).

Examples:
  screener runs --db screener.db
  screener runs show --db screener.db 3 > report-3.json
  screener runs show 3 --format text
  screener runs show --db screener.db --format pdf --paper letter 3 > run-3.pdf
`

func runRuns(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) > 0 && args[0] == "show" {
		return runRunsShow(args[1:], stdout, stderr)
	}
	if len(args) > 0 && args[0] == "purge" {
		return runRunsPurge(args[1:], stdout, stderr)
	}
	c := newReadCmd("runs", runsHelp, "text", "output: text or json", stderr)
	format := c.format
	s, _, err := c.open(args, 0)
	if err != nil {
		return err
	}
	defer s.Close()
	runs, err := s.Runs()
	if err != nil {
		return err
	}
	if *format == "json" {
		return writeJSON(stdout, runs)
	}
	if len(runs) == 0 {
		fmt.Fprintln(stdout, "no runs saved")
		return nil
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tSAVED\tPORTFOLIO\tUSER\tAS OF\tHOLDINGS\tFINDINGS\tREVIEW\tSNAPSHOTS")
	for _, r := range runs {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%d\t%d\t%d\t%s\n", r.ID, r.SavedAt.Format("2006-01-02 15:04Z"), r.Portfolio, r.User,
			r.AsOf.Format("2006-01-02 15:04Z"), r.Holdings, r.Findings, r.ByStatus[screener.StatusReview], joinIDs(r.SnapshotIDs))
	}
	return tw.Flush()
}

func joinIDs(ids []uint64) string {
	s := make([]string, len(ids))
	for i, id := range ids {
		s[i] = strconv.FormatUint(id, 10)
	}
	return strings.Join(s, ",")
}

func runRunsShow(args []string, stdout, stderr io.Writer) error {
	c := newReadCmd("runs show", runsHelp, "json", "output: json (the saved report, byte for byte), text, xlsx, html or pdf", stderr)
	c.formats = []string{"xlsx", "html", "pdf"}
	var doc docFlags
	doc.register(c.fs)
	format := c.format
	pos, err := c.parse(args, 1)
	if err != nil {
		return err
	}
	id, err := strconv.ParseUint(pos[0], 10, 64)
	if err != nil {
		return screener.Errorf(screener.KindInvalid, "run id %q: want a number", pos[0])
	}
	s, err := openStoreRead(*c.db)
	if err != nil {
		return err
	}
	defer s.Close()
	if *format == "json" {
		b, err := s.RunReport(id)
		if err != nil {
			return err
		}
		_, err = stdout.Write(b)
		return err
	}
	if slices.Contains(c.formats, *format) {
		if err := doc.check(); err != nil {
			return err
		}
		b, err := s.RunReport(id)
		if err != nil {
			return err
		}
		var rep screener.Report
		if err := json.Unmarshal(b, &rep); err != nil {
			return fmt.Errorf("run %d: the saved report is not a screener report: %w", id, err)
		}
		return doc.write(stdout, *format, &rep, b)
	}
	run, err := s.Run(id)
	if err != nil {
		return err
	}
	var rep screener.Report
	if err := json.Unmarshal(run.Report, &rep); err != nil {
		return fmt.Errorf("run %d: the saved report is not a screener report: %w", id, err)
	}
	fmt.Fprintf(stdout, "run %d: portfolio %s, by %s, as of %s, saved %s\nfiles: %s\nsnapshots: %s\n",
		run.ID, run.Portfolio, run.User, rep.AsOf, run.SavedAt.Format("2006-01-02 15:04:05Z"), strings.Join(run.Files, ", "), joinIDs(run.SnapshotIDs))
	for _, l := range rep.Lists {
		fmt.Fprintf(stdout, "list: %s as of %s, %d entries, sha256 %s\n", l.Name, l.AsOf, l.Entries, short(l.SHA256, 16))
	}
	fmt.Fprintf(stdout, "rows %d = screened %d + rejected %d\n", rep.Summary.Rows, rep.Summary.Screened, rep.Summary.Rejected)
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "FILE:LINE\tSTATUS\tSECURITY\tENTRY\tDECISION")
	for _, f := range rep.Findings {
		entry, dec := "", ""
		if f.Entry != nil {
			entry = f.Entry.ID + " " + f.Entry.Name
		}
		if f.Decision != nil {
			dec = f.Decision.Outcome + " by " + f.Decision.Reviewer
		}
		fmt.Fprintf(tw, "%s:%d\t%s\t%s\t%s\t%s\n", f.File, f.Line, f.Status, securityLabel(f.Security), entry, dec)
	}
	return tw.Flush()
}

func securityLabel(s screener.Security) string {
	id := s.ISIN
	if id == "" {
		id = s.Ticker
	}
	if id == "" {
		return s.Name
	}
	return s.Name + " (" + id + ")"
}

const reviewHelp = `
Usage: screener review [--db FILE] [--format text|json]
       screener review decide --db FILE --run ID --line N --entry ID
                              --outcome confirmed|cleared --reviewer NAME --reason TEXT [--file F]

'review' lists the open reviews: findings with status review in the saved
runs of each portfolio that no decision settles (a later run without the row
does not settle it), including decisions re-opened because the listed entry
changed since.

'review decide' records a reviewer's decision on one finding of a saved run
(the row's line, and --file when several files have that line). The decision
is kept with the entry's fingerprint and applies to later runs for the same
security and entry until the entry changes in a newer list snapshot.

Examples:
  screener review --db screener.db
  screener review decide --db screener.db --run 3 --line 17 --entry 32091 \
      --outcome cleared --reviewer "J. Smith" --reason "bond of a different issuer, checked prospectus"
`

func runReview(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) > 0 && args[0] == "decide" {
		return runReviewDecide(args[1:], stdout, stderr)
	}
	c := newReadCmd("review", reviewHelp, "text", "output: text or json", stderr)
	format := c.format
	s, _, err := c.open(args, 0)
	if err != nil {
		return err
	}
	defer s.Close()
	revs, err := s.OpenReviews()
	if err != nil {
		return err
	}
	if *format == "json" {
		if revs == nil {
			revs = []store.Review{}
		}
		return writeJSON(stdout, revs)
	}
	if len(revs) == 0 {
		fmt.Fprintln(stdout, "no open reviews")
		return nil
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "RUN\tPORTFOLIO\tFILE:LINE\tSECURITY\tENTRY\tNOTE")
	for _, r := range revs {
		f := r.Finding
		note := ""
		if r.Reopened != nil {
			note = fmt.Sprintf("re-opened: entry changed since %s %s it", r.Reopened.Decision.Reviewer, r.Reopened.Decision.Outcome)
		}
		fmt.Fprintf(tw, "%d\t%s\t%s:%d\t%s\t%s %s %s\t%s\n", r.Run, r.Portfolio, f.File, f.Line, securityLabel(f.Security),
			f.Entry.List, f.Entry.ID, f.Entry.Name, note)
	}
	fmt.Fprintf(tw, "%d open\n", len(revs))
	return tw.Flush()
}

func runReviewDecide(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("review decide", reviewHelp, stderr)
	db := dbFlag(fs)
	run := fs.Uint64("run", 0, "saved run `ID`")
	file := fs.String("file", "", "holdings `FILE` of the row (when several files have the line)")
	line := fs.Int("line", 0, "line `N` of the holdings row")
	entry := fs.String("entry", "", "listed entry `ID` the finding reached")
	outcome := fs.String("outcome", "", "confirmed or cleared")
	reviewer := fs.String("reviewer", "", "who decides")
	reason := fs.String("reason", "", "why (kept with the decision)")
	pos, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	var missing []string
	for _, m := range []struct {
		name string
		ok   bool
	}{{"--run", *run != 0}, {"--line", *line > 0}, {"--entry", *entry != ""}, {"--outcome", *outcome != ""},
		{"--reviewer", *reviewer != ""}, {"--reason", *reason != ""}} {
		if !m.ok {
			missing = append(missing, m.name)
		}
	}
	if len(pos) > 0 || len(missing) > 0 {
		if len(missing) > 0 {
			fmt.Fprintf(stderr, "screener review decide: missing %s\n", strings.Join(missing, ", "))
		}
		fs.Usage()
		return errUsage
	}
	if *outcome != store.OutcomeConfirmed && *outcome != store.OutcomeCleared {
		return screener.Errorf(screener.KindInvalid, "--outcome %q: want confirmed or cleared", *outcome)
	}
	s, err := openStore(*db, false)
	if err != nil {
		return err
	}
	defer s.Close()
	d, err := s.DecideFinding(store.FindingRef{Run: *run, File: *file, Line: *line, EntryID: *entry},
		screener.Decision{Outcome: *outcome, Reviewer: *reviewer, Reason: *reason})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "recorded: %s %s → %s %s by %s at %s (entry fingerprint %s)\n",
		d.Decision.Outcome, d.Key, d.List, d.EntryID, d.Decision.Reviewer, d.Decision.At, short(d.Fingerprint, 12))
	return nil
}

const auditHelp = `
Usage: screener audit verify [--db FILE]
       screener audit list [--db FILE] [--since SEQ] [--limit N] [--format text|json]

The audit log records every import, saved run, review decision, login and
user or API-key change, each chained to the one before by a SHA-256 hash.
'verify' checks the whole chain and prints the number of records; if a
record was altered, removed or inserted it names every bad one (on stderr)
and exits with status 1. It opens the file read-only, so it checks a
read-only copy (a backup on write-protected media) as well. 'list' prints the records.

Examples:
  screener audit verify --db screener.db
  screener audit list --db screener.db --limit 20
`

func runAudit(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, strings.TrimLeft(auditHelp, "\n"))
		return errUsage
	}
	switch args[0] {
	case "verify":
		return runAuditVerify(args[1:], stdout, stderr)
	case "list":
		return runAuditList(args[1:], stdout, stderr)
	case "help", "-h", "--help", "-help":
		fmt.Fprint(stdout, strings.TrimLeft(auditHelp, "\n"))
		return nil
	}
	fmt.Fprintf(stderr, "screener audit: unknown subcommand %q\n\n%s", args[0], strings.TrimLeft(auditHelp, "\n"))
	return errUsage
}

func runAuditVerify(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("audit verify", auditHelp, stderr)
	db := dbFlag(fs)
	pos, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		fs.Usage()
		return errUsage
	}
	// Read-only: verify a copy on read-only media, or a file another
	// reader has open, and never change what is being checked.
	var s store.Interface
	if store.IsURL(*db) {
		s, err = openStore(*db, false)
	} else if _, err = os.Stat(*db); err != nil {
		return openMissing(*db, err)
	} else {
		s, err = store.Open(*db, &store.Options{ReadOnly: true, Timeout: 3 * time.Second})
		err = lockAdvice(err)
	}
	if err != nil {
		return err
	}
	defer s.Close()
	if err := s.VerifyAudit(); err != nil {
		var all store.AuditErrors
		if errors.As(err, &all) {
			for _, ae := range all {
				fmt.Fprintf(stderr, "bad: %v\n", ae)
			}
			return &exitError{code: 1, msg: fmt.Sprintf("audit log of %s does not verify: %d bad record(s), first: %v", *db, len(all), all[0])}
		}
		return err
	}
	n, head, err := s.AuditHead()
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "audit log verified: %d records, head %s\n", n, short(head, 16))
	return nil
}

func runAuditList(args []string, stdout, stderr io.Writer) error {
	c := newReadCmd("audit list", auditHelp, "text", "output: text or json", stderr)
	since := c.fs.Uint64("since", 0, "only records after sequence number `SEQ`")
	limit := c.fs.Int("limit", 0, "at most `N` records (0: all)")
	format := c.format
	s, _, err := c.open(args, 0)
	if err != nil {
		return err
	}
	defer s.Close()
	recs, err := s.Audit(*since, *limit)
	if err != nil {
		return err
	}
	if *format == "json" {
		return writeJSON(stdout, recs)
	}
	for _, r := range recs {
		fmt.Fprintf(stdout, "%d %s %s %s %s", r.Seq, r.At, r.Actor, r.Action, r.Subject)
		keys := make([]string, 0, len(r.Detail))
		for k := range r.Detail {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			fmt.Fprintf(stdout, " %s=%q", k, r.Detail[k])
		}
		fmt.Fprintln(stdout)
	}
	return nil
}

const runsPurgeHelp = `
Usage: screener runs purge [--db FILE] --retention DAYS [--dry-run] [--user NAME]

Removes the saved runs older than DAYS days, with their holdings and
reports, in one transaction with a run.purge audit record (who, how many,
how many bytes). Each portfolio's latest run and every run with a review no
decision settles are kept. --dry-run only says what it would remove. The
file does not shrink: bbolt reuses the freed pages (a backup is compact).
While 'screener serve' runs, use its --retention flag or
POST /api/v1/admin/purge with an admin key instead.

Examples:
  screener runs purge --db screener.db --retention 365 --dry-run
  screener runs purge --db screener.db --retention 365 --user "J. Smith"
`

func runRunsPurge(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("runs purge", runsPurgeHelp, stderr)
	db := dbFlag(fs)
	days := fs.Int("retention", 0, "keep runs saved in the last `DAYS` days")
	dry := fs.Bool("dry-run", false, "only say what would be removed")
	user := fs.String("user", currentUser(), "who purges, for the audit log")
	pos, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 || *days < 1 {
		if *days < 1 {
			fmt.Fprintln(stderr, "screener runs purge: --retention DAYS (at least 1) is required")
		}
		fs.Usage()
		return errUsage
	}
	s, err := openStore(*db, false)
	if err != nil {
		return err
	}
	defer s.Close()
	res, err := s.PurgeRuns(*user, time.Now().AddDate(0, 0, -*days), *dry)
	if err != nil {
		return err
	}
	verb := "removed"
	if *dry {
		verb = "would remove"
	}
	fmt.Fprintf(stdout, "%s %d run(s) older than %d days (%d bytes); kept %d old run(s): latest of a portfolio or with an open review\n",
		verb, len(res.Removed), *days, res.Bytes, res.Kept)
	return nil
}

const backupHelp = `
Usage: screener backup [--db FILE] OUT
       screener backup --server URL [--key-file FILE] OUT

Writes a consistent copy of the database to the new file OUT (never
overwriting one) from a single read transaction. The copy is a database
file: open it with --db OUT.

The bbolt file is locked while 'screener serve' runs, so a backup of a
serving database goes through the server: --server URL asks it
(POST /api/v1/admin/backup, with the admin API key in SCREENER_API_KEY or
the file --key-file), which streams its own read transaction and keeps
serving. The copy is written to OUT.partial, opened and its audit chain
verified, then renamed to OUT.

Examples:
  screener backup --db screener.db backups/screener-2026-01-31.db
  SCREENER_API_KEY=sk_... screener backup --server http://127.0.0.1:8080 backups/screener-2026-01-31.db
`

func runBackup(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("backup", backupHelp, stderr)
	db := dbFlag(fs)
	server := fs.String("server", "", "back up through the server at `URL` (while it serves)")
	keyFile := fs.String("key-file", "", "read the admin API key from `FILE` (default: $SCREENER_API_KEY)")
	pos, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		fs.Usage()
		return errUsage
	}
	if *server != "" {
		key, err := apiKeyFrom(*keyFile)
		if err != nil {
			return err
		}
		n, err := web.FetchBackup(ctx, *server, key, pos[0])
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "backup from %s written to %s (%d bytes, audit chain verified)\n", *server, pos[0], n)
		return nil
	}
	// A backup writes its audit record, so the file opens for writing: while
	// a server holds it, the refusal points at --server.
	s, err := openStore(*db, false)
	if err != nil {
		if screener.KindOf(err) == screener.KindConflict {
			return fmt.Errorf("%w; for a backup while it serves: screener backup --server URL OUT", err)
		}
		return err
	}
	defer s.Close()
	b, ok := s.(store.Backuper)
	if !ok {
		return screener.Errorf(screener.KindInvalid, "backup: %s is not a database file; back PostgreSQL up with its own tools (pg_dump)", s.Path())
	}
	n, err := b.BackupFile(pos[0])
	if err != nil {
		return err
	}
	// The record lands after the copy, so the copy does not hold it.
	if err := s.AuditBackup(currentUser(), map[string]string{"to": pos[0], "bytes": strconv.FormatInt(n, 10)}); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "backup of %s written to %s (%d bytes)\n", *db, pos[0], n)
	return nil
}

// apiKeyFrom reads an API key from file, or from $SCREENER_API_KEY.
func apiKeyFrom(file string) (string, error) {
	if file == "" {
		if k := os.Getenv("SCREENER_API_KEY"); k != "" {
			return k, nil
		}
		return "", screener.Errorf(screener.KindInvalid, "give the admin API key in SCREENER_API_KEY or --key-file FILE")
	}
	b, err := os.ReadFile(file)
	if err != nil {
		return "", err
	}
	return strings.TrimSpace(string(b)), nil
}
