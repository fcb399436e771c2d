package main

// The db command: schema migrations and status of a store, and copies
// between the embedded file and PostgreSQL. It wires flags to
// screener/store and screener/store/postgres.

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/screener/screener/screener"
	"github.com/screener/screener/screener/store"
	"github.com/screener/screener/screener/store/postgres" // registers postgres:// with store.OpenDSN
)

const dbHelp = `
Usage: screener db migrate [--db FILE|URL]
       screener db status  [--db FILE|URL]
       screener db copy    --from FILE|URL --to FILE|URL

The database is a bbolt file (the default, screener.db) or a PostgreSQL
database named by a URL (postgres://user@host:5432/name?sslmode=...), from
--db or $SCREENER_DB.

migrate applies the schema migrations the database lacks (every command
also does this when it opens the database; PostgreSQL migrations run under
an advisory lock, so replicas starting together apply each step once).
status lists the migrations and whether the database has them, without
changing anything.

copy moves a whole store from one database to another: a bbolt file into
PostgreSQL (to run replicas), PostgreSQL back into a file, or file to file
and database to database. It reads the source in one consistent read and
never writes to it (a file is opened read-only, so stop a server holding
it first), and writes the destination in one transaction, so a failed copy
leaves nothing behind. The destination must be empty: a new file (created
for the copy) or a PostgreSQL database with no records beyond what the
migrations make (create it with createdb). Everything carries over as it
was: snapshot, run and fund ids, report bytes, users and password hashes,
sessions, keys, sign-in throttles, decisions, open reviews, portfolios and
their grants, the fund registry and the audit log byte for byte, so its
hash chain goes on; the destination's id counters are set past the copied
ids. The copy is then verified: the records of each kind counted and
digested in both, the destination's audit chain verified to the source's
head. It prints the counts and the chain's length and head.

Examples:
  screener db status --db postgres://screener@db.internal/screener
  SCREENER_DB=postgres://screener@db.internal/screener screener db migrate
  screener db copy --from screener.db --to postgres://screener@db.internal/screener
  screener db copy --from postgres://screener@db.internal/screener --to screener-copy.db
`

func runDB(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) > 0 && args[0] == "copy" {
		return runDBCopy(ctx, args[1:], stdout, stderr)
	}
	if len(args) == 0 || (args[0] != "migrate" && args[0] != "status") {
		if len(args) > 0 && (args[0] == "help" || args[0] == "-h" || args[0] == "--help") {
			fmt.Fprint(stdout, strings.TrimLeft(dbHelp, "\n"))
			return nil
		}
		fmt.Fprint(stderr, strings.TrimLeft(dbHelp, "\n"))
		return errUsage
	}
	sub := args[0]
	fs := newFlags("screener db "+sub, dbHelp, stderr)
	db := dbFlag(fs)
	pos, err := parseArgs(fs, args[1:])
	if err != nil {
		return err
	}
	if len(pos) != 0 {
		fs.Usage()
		return errUsage
	}
	if !store.IsURL(*db) {
		create := sub == "migrate"
		s, err := openStore(*db, create)
		if err != nil {
			return err
		}
		defer s.Close()
		v, err := s.Schema()
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%s: bbolt file, schema version %d (this program's: %d), up to date\n", s.Path(), v, store.SchemaVersion)
		return nil
	}
	switch sub {
	case "migrate":
		done, err := postgres.Migrate(ctx, *db, nil)
		if err != nil {
			return err
		}
		for _, m := range done {
			fmt.Fprintf(stdout, "applied %04d %s\n", m.Version, m.Name)
		}
		fmt.Fprintf(stdout, "%s: schema version %d, up to date (%d applied now)\n", store.RedactDSN(*db), postgres.SchemaVersion(), len(done))
		return nil
	default:
		st, top, err := postgres.Status(ctx, *db, nil)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "VERSION\tNAME\tAPPLIED")
		pending := 0
		for _, m := range st {
			at := "pending"
			if m.Applied {
				at = m.AppliedAt.UTC().Format(time.RFC3339)
			} else {
				pending++
			}
			fmt.Fprintf(tw, "%04d\t%s\t%s\n", m.Version, m.Name, at)
		}
		tw.Flush()
		switch {
		case top > postgres.SchemaVersion():
			return screener.Errorf(screener.KindConflict, "%s has schema version %d, newer than this program's %d: use a newer screener", store.RedactDSN(*db), top, postgres.SchemaVersion())
		case pending > 0:
			fmt.Fprintf(stdout, "%d pending: run 'screener db migrate' (or any command that opens the database)\n", pending)
		default:
			fmt.Fprintf(stdout, "up to date at version %d\n", top)
		}
		return nil
	}
}

// runDBCopy wires 'screener db copy' to store.Copy.
func runDBCopy(ctx context.Context, args []string, stdout, stderr io.Writer) (err error) {
	fs := newFlags("screener db copy", dbHelp, stderr)
	from := fs.String("from", "", "the source: a bbolt `FILE` or a postgres://... URL")
	to := fs.String("to", "", "the destination, empty: a new bbolt `FILE` or a postgres://... URL")
	pos, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 0 || *from == "" || *to == "" {
		fs.Usage()
		return errUsage
	}
	src, err := openStoreRead(*from)
	if err != nil {
		return err
	}
	defer src.Close()
	created := false
	if !store.IsURL(*to) {
		if _, serr := os.Stat(*to); errors.Is(serr, os.ErrNotExist) {
			created = true
		}
	}
	dst, err := openStore(*to, true)
	if err != nil {
		return err
	}
	defer func() {
		dst.Close()
		if err != nil && created {
			os.Remove(*to) // the file was made for the copy: leave nothing behind
		}
	}()
	res, err := store.Copy(ctx, src, dst)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "copied %s to %s (%d bytes of records)\n", src.Path(), dst.Path(), res.Bytes)
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "KIND\tSOURCE\tCOPY")
	for _, c := range res.Counts {
		fmt.Fprintf(tw, "%s\t%d\t%d\n", c.Kind, c.Source, c.Copy)
	}
	tw.Flush()
	fmt.Fprintf(stdout, "audit chain verified: %d records, head %s\n", res.AuditSeq, res.AuditHead)
	return nil
}
