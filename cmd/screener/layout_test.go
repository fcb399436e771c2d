package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/screener/screener/screener"
)

// The report says which column was used as what, and counts the layout
// lines it skipped; a column of identifiers left unused is an error unless
// --ignore-column names it.
func TestScreenColumnsAndIgnoreColumn(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "h.csv")
	content := "Holdings report\n\nISIN,Name,Underlying,Quantity\nHK0941009539,CHINA MOBILE,US0378331005,1\nUS0378331005,APPLE,US5949181045,2\n"
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	defer func() { readOptions.IgnoreColumns = nil }()
	var out, errb bytes.Buffer
	err := run(context.Background(), []string{"screen", "--quiet", "--format", "json", "--as-of", "2023-01-01", path}, &out, &errb)
	if err == nil || !strings.Contains(err.Error(), `"Underlying" holds ISIN values`) {
		t.Fatalf("err = %v, want the unused ISIN column named", err)
	}
	out.Reset()
	if err := run(context.Background(), []string{"screen", "--quiet", "--format", "json", "--as-of", "2023-01-01", "--ignore-column", "Underlying", path}, &out, &errb); err != nil {
		t.Fatal(err)
	}
	var rep screener.Report
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		t.Fatal(err)
	}
	if len(rep.FileColumns) != 1 || len(rep.FileColumns[0].Columns) != 4 {
		t.Fatalf("file_columns = %+v", rep.FileColumns)
	}
	cols := rep.FileColumns[0].Columns
	if cols[0].Field != "ISIN" || cols[2].Header != "Underlying" || cols[2].Field != "" {
		t.Errorf("columns = %+v, want ISIN used and Underlying ignored", cols)
	}
	if rep.Summary.Skipped["title or preamble line above the header"] != 1 || rep.Summary.Rows != 2 {
		t.Errorf("summary = %+v, want 2 rows and the title line counted as skipped", rep.Summary)
	}
}
