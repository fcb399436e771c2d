// Package holdings reads the holdings files fund managers have (plain
// CSV/TSV tables, iShares exports, Advent Geneva reports, broker exports,
// XLSX/XLS, SEC 13F and N-PORT) into screener.Holding rows, streaming.
//
// Every data row ends as a holding or as a rejected row with file, line,
// column and reason: rows read = holdings + rejected. It leaves matching to
// package screener.
package holdings

import (
	"github.com/screener/screener/screener"
)

// Sink receives rows as a reader decodes them, so files of any size stream.
// The Holding passed to Holding is only valid during the call (readers may
// reuse it); a Sink that keeps it must copy it. An error from the Sink stops
// the read and is returned.
type Sink interface {
	Holding(h *screener.Holding) error
	Reject(e *screener.ParseError) error
}

// Info describes a file that was read.
type Info struct {
	Format    string        // detected format, e.g. "ishares", "geneva", "csv"
	AsOf      screener.Date // as-of date when the file states one
	Portfolio string        // portfolio or account named by the file, if any
	// FundIDs are the identifiers of the fund the file is the holdings of,
	// when the file names them (N-PORT: series id and series LEI).
	FundIDs  []screener.ID
	Rows     int // data rows read (= holdings + rejected)
	Holdings int
	Rejected int
	// Columns says, for a tabular file, what each column of the header
	// was used as and which were ignored.
	Columns []ColumnUse
	// Skipped counts the layout lines that are not data rows (titles,
	// repeated headers, totals, continuation rows), by reason.
	Skipped map[string]int

	ignore   []string // column headers the caller said to leave out
	maxBytes int64    // Options.MaxBytes
}

// skip counts n layout lines skipped for reason.
func (i *Info) skip(reason string, n int) {
	if n <= 0 {
		return
	}
	if i.Skipped == nil {
		i.Skipped = map[string]int{}
	}
	i.Skipped[reason] += n
}
