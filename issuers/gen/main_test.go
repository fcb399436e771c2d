package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/screener/screener/issuers"
	"github.com/screener/screener/screener/holdings"
	"github.com/screener/screener/screener/shareddata"
)

// TestCommittedDataIsCurrent regenerates the reference data from the shared
// files and compares it byte for byte with issuers/refdata. On a difference,
// run `go generate ./issuers/` and review the diff.
func TestCommittedDataIsCurrent(t *testing.T) {
	root := filepath.Dir(filepath.Dir(shareddata.Path(t, "reference/cmic-related-issuers.csv")))
	files, err := generate(root)
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != len(issuers.RefFiles) {
		t.Errorf("generated %d files, issuers.RefFiles names %d", len(files), len(issuers.RefFiles))
	}
	for _, name := range issuers.RefFiles {
		got, ok := files[name]
		if !ok {
			t.Errorf("%s not generated", name)
			continue
		}
		want, err := os.ReadFile(filepath.Join("..", "refdata", name))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("refdata/%s is stale (%d bytes committed, %d generated): run go generate ./issuers/", name, len(want), len(got))
		}
	}
}

// TestReadCSI300 pins rows of the CSI 300 file that github.com/extrame/xls
// v0.0.1 reads shifted (from row 289 on), through the reader the generator
// uses (screener/holdings).
func TestReadCSI300(t *testing.T) {
	rows, err := holdings.ReadCSIConstituents(shareddata.Path(t, "holdings/index/csi300_constituents_000300cons_2023-06-01.xls"))
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 300 {
		t.Fatalf("rows = %d, want 300", len(rows))
	}
	for _, tc := range []struct {
		row                int
		code, name, nameZH string
	}{
		{0, "601985", "China National Nuclear Power Co.,Ltd.", "中国核电"},
		{293, "603019", "Dawning Information Industry Co., Ltd.", "中科曙光"}, // extrame/xls reads this row shifted
		{299, "300433", "Lens Technology Co., Ltd.", "蓝思科技"},
	} {
		r := rows[tc.row]
		if r.Date != "20230601" || r.Code != tc.code || r.NameCN != tc.nameZH || r.NameEN != tc.name {
			t.Errorf("row %d = %+v, want %s %s %s", tc.row, r, tc.code, tc.nameZH, tc.name)
		}
	}
}
