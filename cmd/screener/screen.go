package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"strings"
	"time"

	"github.com/screener/screener/issuers"
	"github.com/screener/screener/screener"
	"github.com/screener/screener/screener/funds"
	"github.com/screener/screener/screener/holdings"
	"github.com/screener/screener/screener/listage"
	"github.com/screener/screener/screener/pipeline"
	"github.com/screener/screener/screener/report/xlsx"
	"github.com/screener/screener/screener/store"
)

const screenHelp = `
Usage: screener screen [flags] FILE...

Screens holdings files (CSV/TSV, iShares, Advent Geneva, IBKR, DEGIRO, XLSX,
SEC 13F and N-PORT; the format is detected from the content) against the
embedded OFAC list snapshot (or --list files) and writes a divestment report.

Exit status: 0 when it ran, 2 on usage or unreadable input, 3 when --fail-on
is given and a finding at or above that status exists.

Examples:
  screener screen testdata/demo/holdings.csv
  screener screen --as-of 2022-01-10 --format json --out report.json holdings.csv
  screener screen --as-of 2022-01-10 --format xlsx --out report.xlsx holdings.csv
  screener screen --format pdf --paper letter --prepared-by "A. Officer" --out report.pdf holdings.csv
  screener screen --list ../shared/data/lists/ofac-cons-csv-2025-12 --fail-on review fund.csv
  screener screen --us-person no offshore-fund.csv
`

// screenGCPercent is the GOGC of a screening run: Go's default. With the
// allocation of a row gone from the common ways (2026-12-07), 75 no longer
// saved memory for free: on the generated 1M-row file 75 takes 26 ms more
// for 7 MB less (98 against 91 MB), and on the file of 100,000 security
// names over 1M rows (README) 0.33 s more for 22 MB less (234 against
// 212 MB); interleaved runs, README "Speed". 150 costs 20-30 MB for 6 ms.
const screenGCPercent = 100

type screenConfig struct {
	lists      multiFlag
	asOf       string
	format     string
	out        string
	all        bool
	failOn     string
	usPerson   string
	policy     bool
	db         string
	save       bool
	user       string
	portfolio  string
	quiet      bool
	maxAge     int
	cpuprofile string
	memprofile string
	doc        docFlags
	ltMaxAge   int
}

func runScreen(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var c screenConfig
	fs := newFlags("screener screen", screenHelp, stderr)
	fs.Var(&c.lists, "list", "list file or folder (repeatable); default: the embedded OFAC snapshot")
	fs.StringVar(&c.asOf, "as-of", "", "as-of date (YYYY-MM-DD, noon US Eastern) or RFC 3339 instant; default: now")
	fs.StringVar(&c.format, "format", "text", "report format: text, csv, json, xlsx, html or pdf")
	fs.StringVar(&c.out, "out", "", "write the report to this file instead of stdout")
	fs.BoolVar(&c.all, "all", false, "list every position, clear ones too")
	fs.StringVar(&c.failOn, "fail-on", "", "exit 3 if a finding is at or above this status (e.g. review, divest_only)")
	fs.StringVar(&c.usPerson, "us-person", "unknown", "US-person status of accounts whose file does not say: yes, no or unknown (unknown counts as US)")
	fs.BoolVar(&c.policy, "affiliate-policy", false, "firm policy: mark positions whose parent is listed as restricted (kept apart from the legal status)")
	fs.StringVar(&c.db, "db", "", "database file (with --save, keeps the run)")
	fs.BoolVar(&c.save, "save", false, "save the run in --db")
	fs.StringVar(&c.user, "user", currentUser(), "who ran it, for the audit log (with --save)")
	fs.StringVar(&c.portfolio, "portfolio", "", "portfolio name for a saved run (default: the file names)")
	fs.BoolVar(&c.quiet, "quiet", false, "no progress on stderr")
	fs.IntVar(&c.maxAge, "list-max-age", listage.DefaultMaxAge, "warn on stderr when a list snapshot is more than this many days old on the as-of date")
	fs.StringVar(&c.cpuprofile, "cpuprofile", "", "write a pprof CPU profile of the run to `FILE`")
	fs.Func("ignore-column", "leave out the column with this header although its values look like identifiers (repeatable)", func(v string) error {
		readOptions.IgnoreColumns = append(readOptions.IgnoreColumns, v)
		return nil
	})
	fs.StringVar(&c.memprofile, "memprofile", "", "write a pprof heap profile at the end of the run to `FILE`")
	c.doc.register(fs)
	fs.IntVar(&c.ltMaxAge, "lookthrough-max-age", funds.DefaultMaxAge, "fund holdings older than this many days are stale: review (RULES.md F-3)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		fmt.Fprintln(stderr, "screener screen: name at least one holdings file")
		fs.Usage()
		return errUsage
	}
	if c.save && c.db == "" {
		fmt.Fprintln(stderr, "screener screen: --save needs --db FILE")
		return errUsage
	}
	at, err := asOfFlag(c.asOf)
	if err != nil {
		return err
	}
	// The collector is off while the reference data and the lists load
	// and the matcher is built: their live heap is about 20 MB, and
	// starting from Go's 4 MB goal it was collected nine times on the way
	// there, a fifth of start-up's CPU. It is turned on, at
	// screenGCPercent, before the first row is read.
	screenGC := func() {}
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(-1)
		screenGC = func() {
			// See screenGCPercent. (A soft memory limit was tried
			// to bound the heap instead, and made the collector thrash
			// on files whose live heap came near it.) GOGC overrides it.
			debug.SetGCPercent(screenGCPercent)
		}
	}
	defer screenGC()
	if c.cpuprofile != "" {
		stop, err := startCPUProfile(c.cpuprofile)
		if err != nil {
			return err
		}
		defer stop()
	}
	if c.memprofile != "" {
		defer writeHeapProfile(c.memprofile, stderr)
	}
	opt := screener.Options{All: c.all, AffiliatePolicy: c.policy}
	if opt.USPerson, err = usPersonFlag(c.usPerson); err != nil {
		return err
	}
	var failOn screener.Status
	if c.failOn != "" {
		failOn = screener.Status(c.failOn)
		if failOn.Rank() >= len(screener.Statuses) {
			return screener.Errorf(screener.KindInvalid, "--fail-on %q: want one of %v", c.failOn, screener.Statuses)
		}
	}
	switch c.format {
	case "text", "csv", "json", "xlsx", "html", "pdf":
	default:
		return screener.Errorf(screener.KindInvalid, "--format %q: want text, csv, json, xlsx, html or pdf", c.format)
	}
	if err := c.doc.check(); err != nil {
		return err
	}
	var st store.Interface
	if c.db != "" {
		if st, err = openStore(c.db, c.save); err != nil {
			return err
		}
		defer st.Close()
	}
	// The reference data decodes while the lists load.
	type dirResult struct {
		dir *issuers.Directory
		err error
	}
	dirc := make(chan dirResult, 1)
	go func() {
		d, err := issuers.Default()
		dirc <- dirResult{d, err}
	}()
	var lists []*screener.List
	if len(c.lists) == 0 && st != nil {
		if lists, err = storeLists(st); err != nil {
			return err
		}
	}
	if len(lists) == 0 {
		if lists, err = loadLists(c.lists); err != nil {
			return err
		}
	}
	warnListAge(stderr, lists, at, c.maxAge)
	// The lists are indexed while the reference data is still loading.
	m := screener.NewMatcher(lists, nil)
	dr := <-dirc
	if dr.err != nil {
		return fmt.Errorf("load reference data: %w", dr.err)
	}
	m.UseDirectory(dr.dir)
	screenGC()
	if st != nil {
		if opt.Decisions, err = st.Decisions(); err != nil {
			return err
		}
	}
	// Fund look-through: the funds registered in --db (none without it).
	if opt.Funds, err = fundLookThrough(st, c.ltMaxAge); err != nil {
		return err
	}
	out, commit, err := reportOutput(c.out, stdout)
	if err != nil {
		return err
	}
	defer commit(false)
	// A saved run keeps its findings in the database, so they are kept in
	// memory and the report is written at the end; otherwise findings
	// stream to the report as they come.
	var stream screener.ReportSink
	switch f := c.format; {
	case c.save:
	case f == "json":
		js := screener.NewJSONSink(out)
		if err := js.Head(&screener.Report{AsOf: at.Format(time.RFC3339), Lists: listInfos(lists)}); err != nil {
			return err
		}
		stream = js
	case f == "csv":
		stream = screener.NewCSVSink(out, at.Format(time.RFC3339), listInfos(lists))
	case f == "xlsx":
		if stream, err = xlsx.New(out); err != nil {
			return err
		}
	}
	rep, err := screenWith(ctx, fs.Args(), m, lists, at, opt, progress(stderr, c.quiet), stream)
	if err != nil {
		return err
	}
	if c.save {
		id, err := saveRun(st, c.user, c.portfolio, at, fs.Args(), rep, lists)
		if err != nil {
			return err
		}
		fmt.Fprintf(stderr, "saved as run %d in %s\n", id, c.db)
	}
	switch {
	case stream != nil:
		err = stream.Close(rep)
	case c.format == "json":
		err = rep.WriteJSON(out)
	case c.format == "csv":
		err = rep.WriteCSV(out)
	case c.format == "xlsx" || c.format == "html" || c.format == "pdf":
		err = c.doc.write(out, c.format, rep, nil)
	default:
		err = rep.WriteText(out)
	}
	if err != nil {
		return err
	}
	if err := commit(true); err != nil {
		return err
	}
	if failOn != "" {
		for st, n := range rep.Summary.ByStatus {
			if n > 0 && st.Rank() <= failOn.Rank() && st != screener.StatusClear {
				return &exitError{code: 3, msg: fmt.Sprintf("%d finding(s) with status %s (--fail-on %s)", n, st, failOn)}
			}
		}
	}
	return nil
}

// screenFiles screens each file into one report held in memory.
func screenFiles(ctx context.Context, files []string, lists []*screener.List, dir *issuers.Directory, at time.Time,
	opt screener.Options, prog func(pipeline.Progress)) (*screener.Report, error) {
	return screenFilesTo(ctx, files, lists, dir, at, opt, prog, nil)
}

// screenFilesTo is screenFiles with the findings and rejected rows sent to
// out as they come (when out is not nil), so that memory stays flat.
func screenFilesTo(ctx context.Context, files []string, lists []*screener.List, dir *issuers.Directory, at time.Time,
	opt screener.Options, prog func(pipeline.Progress), out screener.ReportSink) (*screener.Report, error) {
	return screenWith(ctx, files, screener.NewMatcher(lists, dir), lists, at, opt, prog, out)
}

// screenWith is screenFilesTo with the matcher of lists made.
func screenWith(ctx context.Context, files []string, m *screener.Matcher, lists []*screener.List, at time.Time,
	opt screener.Options, prog func(pipeline.Progress), out screener.ReportSink) (*screener.Report, error) {
	run := pipeline.New(pipeline.Config{Matcher: m, Lists: lists, At: at, Options: opt,
		Progress: prog, Serial: serialScreen, Read: readOptions})
	if out != nil {
		run.Stream(out)
	}
	for _, f := range files {
		if err := run.File(ctx, f); err != nil {
			return nil, err
		}
	}
	return run.Report(), nil
}

// serialScreen lets tests compare the parallel path with the one-row path.
var serialScreen = false

// readOptions are the holdings readers' options of this run (screen
// --ignore-column).
var readOptions holdings.Options

// progress returns a reporter that, when stderr is a terminal, writes
// rows screened, rows per second and (for a plain table, whose bytes are
// counted) an ETA on one line of stderr, at most a few times a second,
// once a run has taken more than a second. It never writes to stdout, nor
// to a stderr that is a file or a pipe.
func progress(stderr io.Writer, quiet bool) func(pipeline.Progress) {
	if quiet || !isTerminal(stderr) {
		return nil
	}
	start := time.Now()
	var last time.Time
	shown := false
	return func(p pipeline.Progress) {
		if p.Done {
			if shown {
				fmt.Fprintln(stderr)
			}
			return
		}
		now := time.Now()
		if now.Sub(start) < time.Second || now.Sub(last) < 200*time.Millisecond {
			return
		}
		last, shown = now, true
		el := now.Sub(start).Seconds()
		line := fmt.Sprintf("screening %s: %d rows, %.0f rows/s", p.File, p.Rows, float64(p.Rows)/el)
		if p.Size > 0 && p.Bytes > 0 && p.Bytes <= p.Size {
			eta := time.Duration(el * float64(p.Size-p.Bytes) / float64(p.Bytes) * float64(time.Second))
			line += fmt.Sprintf(", %d%%, ETA %s", p.Bytes*100/p.Size, eta.Round(time.Second))
		}
		fmt.Fprintf(stderr, "\r%s\x1b[K", line)
	}
}

// isTerminal reports whether w is a character device (a terminal).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// reportOutput returns where the report goes: stdout, or a temporary file
// beside out that commit(true) renames to out, so that a failed run never
// leaves half a report behind.
func reportOutput(out string, stdout io.Writer) (io.Writer, func(ok bool) error, error) {
	if out == "" || out == "-" {
		return stdout, func(bool) error { return nil }, nil
	}
	if st, err := os.Stat(out); err == nil && !st.Mode().IsRegular() {
		// /dev/null and the like: write straight through.
		f, err := os.OpenFile(out, os.O_WRONLY, 0)
		if err != nil {
			return nil, nil, err
		}
		return f, func(bool) error { return f.Close() }, nil
	}
	f, err := os.CreateTemp(filepath.Dir(out), "."+filepath.Base(out)+".*")
	if err != nil {
		return nil, nil, err
	}
	done := false
	return f, func(ok bool) error {
		if done {
			return nil
		}
		done = true
		if !ok {
			f.Close()
			os.Remove(f.Name())
			return nil
		}
		if err := f.Close(); err != nil {
			os.Remove(f.Name())
			return err
		}
		return os.Rename(f.Name(), out)
	}, nil
}

func listInfos(lists []*screener.List) []screener.ListInfo {
	var out []screener.ListInfo
	for _, l := range lists {
		out = append(out, screener.ListInfo{Name: l.Name, AsOf: l.AsOf, SHA256: l.SHA256(), Entries: len(l.Entries)})
	}
	return out
}

// warnListAge prints a warning for each list snapshot too old for (or
// newer than) the as-of date.
func warnListAge(stderr io.Writer, lists []*screener.List, at time.Time, maxAge int) {
	for _, w := range listage.Warnings(listage.OfLists(lists, at, maxAge)) {
		fmt.Fprintln(stderr, "warning: "+w)
	}
}

func asOfFlag(s string) (time.Time, error) {
	if s == "" {
		return time.Now(), nil
	}
	return screener.ParseAsOf(s)
}

func usPersonFlag(s string) (screener.USPerson, error) {
	switch strings.ToLower(s) {
	case "", "unknown":
		return screener.USPersonUnknown, nil
	case "yes", "true", "us":
		return screener.USPersonYes, nil
	case "no", "false", "non-us":
		return screener.USPersonNo, nil
	}
	return 0, screener.Errorf(screener.KindInvalid, "--us-person %q: want yes, no or unknown", s)
}

func startCPUProfile(path string) (func(), error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() { pprof.StopCPUProfile(); f.Close() }, nil
}

func writeHeapProfile(path string, stderr io.Writer) {
	f, err := os.Create(path)
	if err == nil {
		runtime.GC()
		err = pprof.WriteHeapProfile(f)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}
	if err != nil {
		fmt.Fprintln(stderr, "screener: heap profile:", err)
	}
}
