// Command csvfloor is the baseline the screener's speed is measured against:
// it reads a CSV file with encoding/csv (ReuseRecord) and counts its
// records, nothing else. No screening, no decoding of values.
//
// Usage: csvfloor FILE
//
// It prints the number of records (the header included) and exits 0, or
// prints the error (with line and column) and exits 1. cmd/benchscreen runs
// it next to `screener screen` on the same file.
package main

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: csvfloor FILE")
		os.Exit(2)
	}
	n, err := count(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, "csvfloor:", err)
		os.Exit(1)
	}
	fmt.Println(n)
}

// count returns the number of CSV records in the file at path.
func count(path string) (int, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	return countRecords(f)
}

// countRecords returns the number of CSV records in r. Rows may have any
// number of fields; a malformed quote is an error naming its line and column.
func countRecords(r io.Reader) (int, error) {
	cr := csv.NewReader(bufio.NewReaderSize(r, 64<<10))
	cr.ReuseRecord = true
	cr.FieldsPerRecord = -1
	n := 0
	for {
		_, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return n, nil
		}
		if err != nil {
			return n, err
		}
		n++
	}
}
