package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/screener/screener/screener"
	"github.com/screener/screener/screener/lists"
)

const listsShowHelp = `
Usage: screener lists show [--list PATH]... [--program CODE] [--format text|json]

Prints the entries of prohibited-party lists. Without --list it prints the
embedded default: OFAC's Consolidated (non-SDN) list, 2025-12 edition
(442 entries, 68 of them CMIC-EO13959). --list takes a file or a folder and
may repeat; the format is detected from the content: OFAC legacy CSV set
(folder, or sdn.csv / cons_prim.csv with its add/alt/comments files beside
it), OFAC XML (sdn.xml, consolidated.xml), OFAC advanced XML, trade.gov CSL
CSV, or a custom restricted-list CSV.

Data-quality warnings (e.g. a CMIC date that is not listing + 60 / + 365
days) go to stderr.

Examples:
  screener lists show --program CMIC-EO13959
  screener lists show --program CMIC-EO13959 --format json
  screener lists show --list ../shared/data/lists/ofac-cons-xml-2025-03/consolidated.xml
  screener lists show --list ofac-folder/ --list firm-restricted.csv --format json
`

func runListsShow(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("lists show", listsShowHelp, stderr)
	var paths multiFlag
	fs.Var(&paths, "list", "list file or folder (repeatable); default: the embedded OFAC Consolidated list")
	program := fs.String("program", "", "show only entries carrying this program code, e.g. CMIC-EO13959")
	format := fs.String("format", "text", "output format: text or json")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "lists show: unexpected argument %q (use --list PATH)\n", fs.Arg(0))
		return errUsage
	}
	if *format != "text" && *format != "json" {
		fmt.Fprintf(stderr, "lists show: --format %q: want text or json\n", *format)
		return errUsage
	}
	ls, err := loadLists(paths)
	if err != nil {
		return err
	}
	for _, l := range ls {
		for _, w := range l.Warnings {
			fmt.Fprintf(stderr, "warning: %s: %s\n", l.Name, w)
		}
	}
	var entries []screener.Entry
	for _, l := range ls {
		for _, e := range l.Entries {
			if *program == "" || e.HasProgram(*program) {
				entries = append(entries, e)
			}
		}
	}
	if *format == "json" {
		if entries == nil {
			entries = []screener.Entry{}
		}
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		return enc.Encode(entries)
	}
	for _, l := range ls {
		asOf := l.AsOf.String()
		if asOf == "" {
			asOf = "unknown"
		}
		fmt.Fprintf(stdout, "# %s (%s), as of %s, %d entries, from %s\n", l.Name, l.Format, asOf, len(l.Entries), sourceNames(l))
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "LIST\tID\tNAME\tPROGRAMS\tLISTED\tEFFECTIVE\tDIVEST\tISINS")
	for _, e := range entries {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%d\n", e.List, e.ID, clip(e.Name, 60), strings.Join(e.Programs, " "),
			dash(e.ListingDate), dash(e.EffectiveDate), dash(e.DivestmentDate), len(e.ISINs))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%d entries\n", len(entries))
	return nil
}

// loadLists reads the lists named by paths (files or folders), or the
// embedded default when paths is empty.
func loadLists(paths []string) ([]*screener.List, error) {
	if len(paths) == 0 {
		l, err := lists.Default()
		if err != nil {
			return nil, err
		}
		return []*screener.List{l}, nil
	}
	var out []*screener.List
	for _, p := range paths {
		ls, err := lists.ReadPath(p)
		if err != nil {
			return nil, err
		}
		out = append(out, ls...)
	}
	return out, nil
}

func sourceNames(l *screener.List) string {
	var s []string
	for _, f := range l.Sources {
		s = append(s, f.Path)
	}
	return strings.Join(s, ", ")
}

func dash(d screener.Date) string {
	if d.IsZero() {
		return "-"
	}
	return d.String()
}

func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
