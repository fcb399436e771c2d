// Command gen writes screener/lists/default.json, the embedded default list,
// from OFAC's Consolidated CSV set in shared/data. Run it with
// `go generate ./screener/lists` from the repository root.
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/screener/screener/screener/lists"
)

func main() {
	src := flag.String("src", "../../../shared/data/lists/ofac-cons-csv-2025-12", "folder holding the OFAC CSV set")
	out := flag.String("out", "default.json", "snapshot file to write")
	flag.Parse()
	b, err := lists.BuildSnapshot(*src)
	if err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
	if err := os.WriteFile(*out, b, 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
	fmt.Printf("gen: wrote %s (%d bytes)\n", *out, len(b))
}
