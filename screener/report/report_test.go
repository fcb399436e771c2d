package report_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/screener/screener/screener"
	"github.com/screener/screener/screener/report"
	"github.com/screener/screener/screener/report/reporttest"
)

func TestByStatusStrictestFirst(t *testing.T) {
	r := reporttest.Sample()
	gs := report.ByStatus(r)
	n := 0
	for i, g := range gs {
		if i > 0 && gs[i-1].Status.Rank() >= g.Status.Rank() {
			t.Errorf("group %s after %s", g.Status, gs[i-1].Status)
		}
		for _, f := range g.Findings {
			if f.Status != g.Status {
				t.Errorf("finding %d (%s) in group %s", f.Line, f.Status, g.Status)
			}
		}
		n += len(g.Findings)
	}
	if n != len(r.Findings) {
		t.Errorf("groups hold %d findings, report %d", n, len(r.Findings))
	}
}

func TestWindowsOpenOnlySoonestFirst(t *testing.T) {
	r := reporttest.Sample()
	closed := -3
	r.Findings[0].DaysLeft = &closed // a window that has closed is not open
	ws := report.Windows(r)
	var lines []int
	for _, f := range ws {
		lines = append(lines, f.Line)
	}
	if want := []int{3, 4}; len(lines) != 2 || lines[0] != want[0] || lines[1] != want[1] {
		t.Errorf("windows at lines %v, want %v", lines, want)
	}
}

func TestMoneyAndQuantity(t *testing.T) {
	for _, tc := range []struct{ in, money, qty string }{
		{"0", "0.00", "0"},
		{"999", "999.00", "999"},
		{"1000", "1,000.00", "1,000"},
		{"-2513764.125", "-2,513,764.13", "-2,513,764.125"},
		{"12345678901234567.89", "12,345,678,901,234,567.89", "12,345,678,901,234,567.89"},
	} {
		d := decimal.RequireFromString(tc.in)
		if got := report.Money(d); got != tc.money {
			t.Errorf("Money(%s) = %s, want %s", tc.in, got, tc.money)
		}
		if got := report.Quantity(d); got != tc.qty {
			t.Errorf("Quantity(%s) = %s, want %s", tc.in, got, tc.qty)
		}
	}
}

func TestSplitEntityKey(t *testing.T) {
	ref, name := report.SplitEntityKey("OFAC-CONSOLIDATED/30925 AVIATION INDUSTRY CORPORATION OF CHINA, LTD.")
	if ref != "OFAC-CONSOLIDATED/30925" || name != "AVIATION INDUSTRY CORPORATION OF CHINA, LTD." {
		t.Errorf("%q %q", ref, name)
	}
}

func TestDigestIsTheJSONsSHA256(t *testing.T) {
	r := reporttest.Sample()
	var b bytes.Buffer
	if err := r.WriteJSON(&b); err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(b.Bytes())
	d, err := report.Digest(r)
	if err != nil || d != hex.EncodeToString(sum[:]) {
		t.Errorf("Digest %s, %v; want %x", d, err, sum)
	}
	r.Findings[0].MarketValue = r.Findings[0].MarketValue.Add(decimal.New(1, -2))
	if d2, _ := report.Digest(r); d2 == d {
		t.Error("a changed value keeps the digest")
	}
}

func TestStatusTotalsOrder(t *testing.T) {
	ts := report.StatusTotals(reporttest.Sample())
	for i := 1; i < len(ts); i++ {
		a, b := screener.Status(ts[i-1].Key), screener.Status(ts[i].Key)
		if a.Rank() > b.Rank() || (a == b && ts[i-1].Currency > ts[i].Currency) {
			t.Errorf("%v before %v", ts[i-1], ts[i])
		}
	}
}
