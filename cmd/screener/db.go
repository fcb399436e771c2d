package main

// The db command: schema migrations and status of a store, and copies
// between the embedded file and PostgreSQL. It wires flags to
// screener/store and screener/store/postgres.

import (
	"context"
	"fmt"
	"io"
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

The database is a bbolt file (the default, screener.db) or a PostgreSQL
database named by a URL (postgres://user@host:5432/name?sslmode=...), from
--db or $SCREENER_DB.

migrate applies the schema migrations the database lacks (every command
also does this when it opens the database; PostgreSQL migrations run under
an advisory lock, so replicas starting together apply each step once).
status lists the migrations and whether the database has them, without
changing anything.

Examples:
  screener db status --db postgres://screener@db.internal/screener
  SCREENER_DB=postgres://screener@db.internal/screener screener db migrate
`

func runDB(ctx context.Context, args []string, stdout, stderr io.Writer) error {
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
