// Command screener screens holdings files against OFAC's NS-CMIC list and the
// other prohibited-securities lists, and writes divestment reports.
//
// main is three lines; run is the program, so tests drive it end to end.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/screener/screener/screener"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(exitCode(err, os.Stderr))
}

const usage = `screener: screens holdings against OFAC's NS-CMIC list (E.O. 13959 as amended by E.O. 14032)
and other prohibited-securities lists, and writes divestment reports.

Usage: screener COMMAND [flags] [args]

Commands:
  screen    screen holdings files into a divestment report
  check     may I buy or sell this security today? (one query at a time)
  funds     register funds' holdings for look-through (with --db)
  lists     show, import, list the history of and diff list snapshots
  runs      list saved screening runs (with --db)
  review    list open reviews and record decisions (with --db)
  audit     verify the audit log's hash chain (with --db)
  backup    write a consistent copy of the database
  serve     run the web app and the broker API
  users     add users of the web app
  keys      create API keys for brokers
  generate  write a realistic holdings CSV for benchmarks
  db        migrate, show or copy a database (bbolt file or postgres://)

Run 'screener COMMAND --help' for a command's flags and examples.
`

// run is the whole program: it parses args and writes to stdout and stderr.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return errUsage
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "screen":
		return runScreen(ctx, rest, stdout, stderr)
	case "check":
		return runCheck(ctx, rest, stdout, stderr)
	case "funds":
		return runFunds(ctx, rest, stdout, stderr)
	case "lists":
		return runLists(ctx, rest, stdout, stderr)
	case "runs":
		return runRuns(ctx, rest, stdout, stderr)
	case "review":
		return runReview(ctx, rest, stdout, stderr)
	case "audit":
		return runAudit(ctx, rest, stdout, stderr)
	case "backup":
		return runBackup(ctx, rest, stdout, stderr)
	case "serve":
		return runServe(ctx, rest, stdout, stderr)
	case "users":
		return runUsers(ctx, rest, stdout, stderr)
	case "keys":
		return runKeys(ctx, rest, stdout, stderr)
	case "generate":
		return runGenerate(ctx, rest, stdout, stderr)
	case "db":
		return runDB(ctx, rest, stdout, stderr)
	case "help", "-h", "--help", "-help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprintf(stderr, "screener: unknown command %q\n\n%s", cmd, usage)
	return errUsage
}

const listsUsage = `Usage: screener lists SUBCOMMAND [flags]

Subcommands:
  show      print list entries (the embedded default, or --list files)
  import    store a list snapshot in the database (--db)
  history   list stored snapshots (--db)
  diff      compare two stored snapshots (--db)
`

func runLists(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, listsUsage)
		return errUsage
	}
	switch args[0] {
	case "show":
		return runListsShow(ctx, args[1:], stdout, stderr)
	case "import":
		return runListsImport(ctx, args[1:], stdout, stderr)
	case "history":
		return runListsHistory(ctx, args[1:], stdout, stderr)
	case "diff":
		return runListsDiff(ctx, args[1:], stdout, stderr)
	case "help", "-h", "--help", "-help":
		fmt.Fprint(stdout, listsUsage)
		return nil
	}
	fmt.Fprintf(stderr, "screener lists: unknown subcommand %q\n\n%s", args[0], listsUsage)
	return errUsage
}

// errUsage means the command line was wrong; the message is already printed.
var errUsage = errors.New("usage")

// exitError carries an exit status other than 0, 1 or 2 (e.g. 3 for --fail-on).
type exitError struct {
	code int
	msg  string
}

func (e *exitError) Error() string { return e.msg }

// exitCode renders err once, for people, and returns the process's exit
// status: 0 ran, 2 usage or unreadable input, 3 findings at or above
// --fail-on, 1 anything else.
func exitCode(err error, stderr io.Writer) int {
	if err == nil {
		return 0
	}
	if errors.Is(err, errUsage) || errors.Is(err, flag.ErrHelp) {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.msg != "" {
			fmt.Fprintln(stderr, "screener:", ee.msg)
		}
		return ee.code
	}
	fmt.Fprintln(stderr, "screener:", err)
	if screener.KindOf(err) == screener.KindInvalid || errors.Is(err, os.ErrNotExist) {
		return 2
	}
	return 1
}

// newFlags returns a FlagSet that prints help to stderr and returns errors.
func newFlags(name, help string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, strings.TrimLeft(help, "\n"))
		fmt.Fprintln(stderr, "\nFlags:")
		fs.PrintDefaults()
	}
	return fs
}

// parseFlags parses args, mapping a parse failure to errUsage.
func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return errUsage
	}
	return nil
}

// multiFlag is a flag that may repeat (--list A --list B).
type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }
