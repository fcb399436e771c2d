package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/screener/screener/screener"
	"github.com/screener/screener/screener/funds"
	"github.com/screener/screener/screener/store"
)

const fundsUsage = `Usage: screener funds SUBCOMMAND [flags]

The fund registry: a fund's dated holdings files, so that screening looks
through fund positions (RULES.md §5.2; FAQ 861).

Subcommands:
  add       register a fund's holdings file (--db)
  list      list registered funds, their holdings dates and ages (--db)
  show      one fund: identifiers and every holdings set with its provenance (--db)
`

const fundsAddHelp = `
Usage: screener funds add --db PATH [--isin ..] [--cusip ..] [--ticker .. [--exchange ..]] [--lei ..] [--series ..]
                          --holdings-as-of YYYY-MM-DD [--name ..] [--force] FILE

Registers FILE (any holdings format screen reads: iShares CSV, N-PORT XML,
XLSX/XLS, CSV) as the holdings of the fund with the identifiers given, as of
the date given. An N-PORT file adds its own series id and series LEI. A fund
keeps every dated set; nothing is overwritten. When the file states its own
date (iShares' "Fund Holdings as of", N-PORT's repPdDate) and it disagrees
with --holdings-as-of, the file is refused unless --force.

Examples:
  screener funds add --db s.db --isin US4642872349 --ticker "EEM US" --holdings-as-of 2025-01-31 EEM.csv
  screener funds add --db s.db --holdings-as-of 2023-03-31 NPORT-P_fund.xml
`

func runFunds(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, fundsUsage)
		return errUsage
	}
	switch args[0] {
	case "add":
		return runFundsAdd(ctx, args[1:], stdout, stderr)
	case "list":
		return runFundsList(ctx, args[1:], stdout, stderr)
	case "show":
		return runFundsShow(ctx, args[1:], stdout, stderr)
	case "help", "-h", "--help", "-help":
		fmt.Fprint(stdout, fundsUsage)
		return nil
	}
	fmt.Fprintf(stderr, "screener funds: unknown subcommand %q\n\n%s", args[0], fundsUsage)
	return errUsage
}

func runFundsAdd(_ context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("screener funds add", fundsAddHelp, stderr)
	db := fs.String("db", "", "database file (required)")
	var isins, cusips, tickers, leis, series multiFlag
	fs.Var(&isins, "isin", "the fund's ISIN (repeatable)")
	fs.Var(&cusips, "cusip", "the fund's CUSIP (repeatable)")
	fs.Var(&tickers, "ticker", `the fund's ticker, with its market ("EEM US", "2800.HK") or --exchange (repeatable)`)
	exchange := fs.String("exchange", "", "exchange of a bare --ticker: MIC, market code or name")
	fs.Var(&leis, "lei", "the fund's LEI (repeatable)")
	fs.Var(&series, "series", "the fund's SEC N-PORT series id, e.g. S000004289 (repeatable)")
	asOf := fs.String("holdings-as-of", "", "date of the holdings, YYYY-MM-DD (required)")
	name := fs.String("name", "", "the fund's name (default: the name the file gives)")
	force := fs.Bool("force", false, "register even when the file states a different date")
	user := fs.String("user", currentUser(), "who registers it, for the audit log")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *db == "" || *asOf == "" || fs.NArg() != 1 {
		fmt.Fprintln(stderr, "screener funds add: give --db, --holdings-as-of and one FILE")
		fs.Usage()
		return errUsage
	}
	day, err := screener.ParseDate(*asOf)
	if err != nil {
		return screener.Errorf(screener.KindInvalid, "--holdings-as-of: %v", err)
	}
	raw, err := os.ReadFile(fs.Arg(0))
	if err != nil {
		return err
	}
	reg, warn, err := funds.ReadRegistration(fs.Arg(0), raw, funds.Given{ISINs: isins, CUSIPs: cusips, Tickers: tickers,
		LEIs: leis, Series: series, Exchange: *exchange, Name: *name, AsOf: day, Force: *force})
	if err != nil {
		return err
	}
	st, err := openStore(*db, true)
	if err != nil {
		return err
	}
	defer st.Close()
	fund, set, added, err := st.AddFundHoldings(*user, reg)
	if err != nil {
		return err
	}
	for _, w := range warn {
		fmt.Fprintln(stderr, "warning:", w)
	}
	if !added {
		fmt.Fprintf(stdout, "fund %d %s: holdings as of %s from %s (sha256 %s) already registered as set %d\n", fund.ID, fund.Label(), set.AsOf, set.File, short(set.SHA256, 16), set.Seq)
		return nil
	}
	fmt.Fprintf(stdout, "fund %d %s: registered holdings as of %s: %d rows (%d holdings, %d rejected) from %s, sha256 %s, set %d\n",
		fund.ID, fund.Label(), set.AsOf, set.Rows, set.Holdings, set.Rejected, set.File, short(set.SHA256, 16), set.Seq)
	return nil
}

func runFundsList(_ context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("screener funds list", "\nUsage: screener funds list --db PATH [--format text|json] [--as-of DATE]\n", stderr)
	db := fs.String("db", "", "database file (required)")
	format := fs.String("format", "text", "text or json")
	asOf := fs.String("as-of", "", "date the ages are counted to (default: today)")
	maxAge := fs.Int("lookthrough-max-age", funds.DefaultMaxAge, "holdings older than this many days are stale")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *db == "" {
		fmt.Fprintln(stderr, "screener funds list: give --db")
		return errUsage
	}
	if *format != "text" && *format != "json" {
		return screener.Errorf(screener.KindInvalid, "--format %q: want text or json", *format)
	}
	at, err := asOfFlag(*asOf)
	if err != nil {
		return err
	}
	st, err := openStoreRead(*db)
	if err != nil {
		return err
	}
	defer st.Close()
	fl, err := st.Funds()
	if err != nil {
		return err
	}
	rows := funds.Summarise(fl, screener.DateOf(at.In(screener.Eastern)), *maxAge)
	if *format == "json" {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if rows == nil {
			rows = []funds.Summary{}
		}
		return enc.Encode(rows)
	}
	if len(rows) == 0 {
		fmt.Fprintln(stdout, "no funds registered")
		return nil
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tNAME\tIDENTIFIERS\tHOLDINGS AS OF\tAGE (DAYS)\tSETS\tROWS\tSTATE")
	for _, r := range rows {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%d\t%d\t%s\n", r.ID, clipText(r.Name, 40), strings.Join(r.Keys, " "), r.HoldingsAsOf, ageText(r.AgeDays), r.Sets, r.Rows, r.State)
	}
	return tw.Flush()
}

func ageText(n *int) string {
	if n == nil {
		return "-"
	}
	return strconv.Itoa(*n)
}

func clipText(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

func runFundsShow(_ context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("screener funds show", "\nUsage: screener funds show --db PATH [--format text|json] ID|IDENTIFIER\n", stderr)
	db := fs.String("db", "", "database file (required)")
	format := fs.String("format", "text", "text or json")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *db == "" || fs.NArg() != 1 {
		fmt.Fprintln(stderr, "screener funds show: give --db and one fund ID (or an identifier such as US4642872349)")
		return errUsage
	}
	st, err := openStoreRead(*db)
	if err != nil {
		return err
	}
	defer st.Close()
	f, err := findFund(st, fs.Arg(0))
	if err != nil {
		return err
	}
	if *format == "json" {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(f)
	}
	fmt.Fprintf(stdout, "fund %d: %s\n", f.ID, f.Name)
	for _, id := range f.IDs {
		fmt.Fprintf(stdout, "  %-8s %s\n", id.Type, id.Value)
	}
	fmt.Fprintf(stdout, "  registered %s by %s\n", f.Created.Format(time.RFC3339), f.By)
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "  SET\tAS OF\tFILE DATE\tFILE\tFORMAT\tROWS\tREJECTED\tWEIGHTS\tSHA-256\tBY\tAT")
	for _, s := range f.Sets {
		fd := s.FileAsOf.String()
		if fd == "" {
			fd = "-"
		}
		if s.Forced {
			fd += " (forced)"
		}
		fmt.Fprintf(tw, "  %d\t%s\t%s\t%s\t%s\t%d\t%d\t%v\t%s\t%s\t%s\n", s.Seq, s.AsOf, fd, s.File, s.Format, s.Rows, s.Rejected, s.Weighted, short(s.SHA256, 16), s.By, s.At.Format(time.RFC3339))
	}
	return tw.Flush()
}

// findFund finds a fund by its number or by one of its identifiers.
func findFund(st store.Interface, ref string) (funds.Fund, error) {
	if n, err := strconv.ParseUint(ref, 10, 64); err == nil {
		return st.Fund(n)
	}
	if strings.Contains(ref, ":") {
		return st.FundByKey(strings.ToUpper(ref))
	}
	h, _, err := screener.QueryHolding(ref, "")
	if err != nil {
		return funds.Fund{}, err
	}
	for _, k := range []string{funds.IDISIN + ":" + h.ISIN, funds.IDCUSIP + ":" + h.CUSIP, funds.IDLEI + ":" + h.LEI} {
		if strings.HasSuffix(k, ":") {
			continue
		}
		if f, err := st.FundByKey(k); err == nil {
			return f, nil
		}
	}
	if f, err := st.FundByKey(funds.IDSeries + ":" + strings.ToUpper(ref)); err == nil {
		return f, nil
	}
	return st.FundByKey(funds.IDTicker + ":" + strings.ToUpper(ref))
}

// fundLookThrough returns the look-through for a run: over the funds
// registered in st, or (st nil) over none, so that a recognisable fund is
// still never clear.
func fundLookThrough(st store.Interface, maxAge int) (*funds.Resolver, error) {
	if st == nil {
		return funds.New(nil, func(uint64) ([]screener.Holding, error) { return nil, nil }, funds.Options{MaxAge: maxAge, NoRegistry: true}), nil
	}
	fl, err := st.Funds()
	if err != nil {
		return nil, err
	}
	return funds.New(fl, st.FundHoldings, funds.Options{MaxAge: maxAge}), nil
}
