package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/screener/screener/issuers"
	"github.com/screener/screener/screener"
	"github.com/screener/screener/screener/funds"
	"github.com/screener/screener/screener/listage"
	"github.com/screener/screener/screener/store"
)

const checkHelp = `
Usage: screener check [flags] QUERY...

The pre-trade question: may I buy, sell or hold this security today? A QUERY
is an ISIN, CUSIP, SEDOL or FIGI, a ticker in any convention (941 HK, 0941.HK,
600028 CH, CHL US), a bare exchange code with --exchange, or an issuer name.
For each it prints the status, basis, listed entry, dates, days left, the
action, and the answer for a buy, a sell and a hold.

Examples:
  screener check HK0941009539
  screener check --as-of 2022-01-10 "941 HK" 0941.HK
  screener check --exchange XHKG 00941
  screener check --format json "Megvii Technology Ltd"
  screener check --us-person no CNE100000PM8
`

func runCheck(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var lists multiFlag
	fs := newFlags("screener check", checkHelp, stderr)
	fs.Var(&lists, "list", "list file or folder (repeatable); default: the embedded OFAC snapshot")
	asOf := fs.String("as-of", "", "as-of date (YYYY-MM-DD, noon US Eastern) or RFC 3339 instant; default: now")
	exchange := fs.String("exchange", "", "exchange of a bare code: MIC (XHKG, XSHG, XTAI...), market code or name")
	format := fs.String("format", "text", "output format: text or json")
	maxAge := fs.Int("list-max-age", listage.DefaultMaxAge, "warn on stderr when a list snapshot is more than this many days old on the as-of date")
	usp := fs.String("us-person", "unknown", "account's US-person status: yes, no or unknown (unknown counts as US)")
	db := fs.String("db", "", "database file: its fund registry looks through fund queries")
	ltMaxAge := fs.Int("lookthrough-max-age", funds.DefaultMaxAge, "fund holdings older than this many days are stale: review (RULES.md F-3)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		fmt.Fprintln(stderr, "screener check: give at least one QUERY")
		fs.Usage()
		return errUsage
	}
	if *format != "text" && *format != "json" {
		return screener.Errorf(screener.KindInvalid, "--format %q: want text or json", *format)
	}
	at, err := asOfFlag(*asOf)
	if err != nil {
		return err
	}
	us, err := usPersonFlag(*usp)
	if err != nil {
		return err
	}
	ls, err := loadLists(lists)
	if err != nil {
		return err
	}
	warnListAge(stderr, ls, at, *maxAge)
	dir, err := issuers.Default()
	if err != nil {
		return fmt.Errorf("load reference data: %w", err)
	}
	m := screener.NewMatcher(ls, dir)
	var st store.Interface
	if *db != "" {
		if st, err = openStoreRead(*db); err != nil {
			return err
		}
		defer st.Close()
	}
	lt, err := fundLookThrough(st, *ltMaxAge)
	if err != nil {
		return err
	}
	m.SetFunds(lt)
	var results []screener.CheckResult
	for _, q := range fs.Args() {
		res, err := screener.Check(m, q, *exchange, at, us)
		if err != nil {
			return err
		}
		results = append(results, res)
	}
	if *format == "json" {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if len(results) == 1 {
			return enc.Encode(results[0])
		}
		return enc.Encode(results)
	}
	for i, r := range results {
		if i > 0 {
			fmt.Fprintln(stdout)
		}
		writeCheckText(stdout, &r)
	}
	return nil
}

func writeCheckText(w io.Writer, r *screener.CheckResult) {
	fmt.Fprintf(w, "%s (%s) as of %s\n", r.Query, r.Kind, r.AsOf)
	fmt.Fprintf(w, "  status:   %s\n", r.Status)
	if r.Reason != "" {
		fmt.Fprintf(w, "  reason:   %s\n", r.Reason)
	}
	if r.Entry != nil {
		fmt.Fprintf(w, "  entry:    %s %s %s (%s)\n", r.Entry.List, r.Entry.ID, r.Entry.Name, r.Entry.Program)
	}
	if len(r.Basis) > 0 {
		fmt.Fprintf(w, "  basis:    %s\n", joinBases(r.Basis))
	}
	if !r.Listing.IsZero() {
		fmt.Fprintf(w, "  dates:    listed %s, effective %s, divest by %s\n", r.Listing, r.Effect, r.Divest)
	}
	if r.DaysLeft != nil {
		fmt.Fprintf(w, "  days left: %d\n", *r.DaysLeft)
	}
	if r.Action != "" {
		fmt.Fprintf(w, "  action:   %s\n", r.Action)
	}
	if r.Policy != "" {
		fmt.Fprintf(w, "  policy:   %s\n", r.Policy)
	}
	if r.Lookthrough != nil && len(r.Lookthrough.Path) > 1 {
		fmt.Fprintf(w, "  path:     %s (holdings as of %s)\n", strings.Join(r.Lookthrough.Path, " → "), r.Lookthrough.HoldingsAsOf)
	}
	if r.Reason != "" {
		fmt.Fprintf(w, "  reason:   %s\n", r.Reason)
	}
	for _, ev := range r.Evidence {
		fmt.Fprintf(w, "  evidence: %s\n", ev)
	}
	for _, c := range r.Candidates {
		desc := string(c.Status)
		if c.Entry != nil {
			desc += fmt.Sprintf(", %s %s %s", c.Entry.List, c.Entry.ID, c.Entry.Name)
		}
		if c.Issuer != "" {
			desc = c.Issuer + ": " + desc
		}
		fmt.Fprintf(w, "  candidate: %s (%s) → %s\n", c.Query, c.Kind, desc)
	}
	for _, t := range r.Trades {
		fmt.Fprintf(w, "  %-4s → %s: %s\n", t.Side, t.Decision, t.Reason)
	}
	for _, wn := range r.Warnings {
		fmt.Fprintf(w, "  warning:  %s\n", wn)
	}
}

func joinBases(bs []screener.Basis) string {
	s := make([]string, len(bs))
	for i, b := range bs {
		s[i] = string(b)
	}
	return strings.Join(s, ", ")
}
