package holdings

import (
	"bytes"
	"testing"
)

// Statements in the shapes custodians and fund administrators print them:
// records over several rows, page headers repeated, titles, page numbers,
// subtotals and an aggregate section. Each position is read once; every
// layout line is counted by reason.
func TestLayouts(t *testing.T) {
	type pos struct{ isin, sedol, name, qty, ccy string }
	tests := []struct {
		name    string
		rows    []string
		want    []pos
		skipped map[string]int
	}{
		{
			name: "records over three rows, page headers on every page",
			rows: []string{
				xrow("1", "Custody Statement of Holdings"),
				xrow("2", "Page 1 of 2"),
				xrow("3", "SEDOL", "Security Name", "Units", "Currency"),
				xrow("4", "BMMV2K8", "CHINA MOBILE LTD COMMON STOCK HKD 0.00001", "200"),
				xrow("5", "HK0941009539"),
				xrow("6", "", "", "", "HKD"),
				xrow("7", "2046251", "APPLE INC", "10"),
				xrow("8", "US0378331005", "", "", "USD"),
				xrow("10", "Page 2 of 2"),
				xrow("11", "SEDOL", "Security Name", "Units", "Currency"),
				xrow("12", "B0YBKJ7", "SMIC", "300", "HKD"),
				xrow("13", "Total", "", "510"),
			},
			want: []pos{
				{sedol: "BMMV2K8", isin: "HK0941009539", name: "CHINA MOBILE LTD COMMON STOCK HKD 0.00001", qty: "200", ccy: "HKD"},
				{sedol: "2046251", isin: "US0378331005", name: "APPLE INC", qty: "10", ccy: "USD"},
				{sedol: "B0YBKJ7", name: "SMIC", qty: "300", ccy: "HKD"},
			},
			skipped: map[string]int{skipPreamble: 2, skipContinuation: 3, skipHeading: 1, skipHeader: 1, skipTotal: 1},
		},
		{
			name: "detail lines, subtotal, balance, then an All section",
			rows: []string{
				xrow("1", "Record Type", "Account No", "Securities ID", "Securities Name", "Holding"),
				xrow("2", "Holding Details", "012-1", "CNE100001QS1", "CHINA CINDA-H", "1319000"),
				xrow("3", "Holding Details", "012-1", "CNE100001QS1", "CHINA CINDA-H", "400000"),
				xrow("4", "Sub-Total", "012-1", "CNE100001QS1", "CHINA CINDA-H", "919000"),
				xrow("5", "Available Balance", "012-1", "CNE100001QS1", "CHINA CINDA-H", "919000"),
				xrow("6", "Holding Details", "012-1", "US0378331005", "APPLE INC", "5"),
				xrow("7", "Holding Details", "012-1", "US0378331005", "APPLE INC", "7"), // two lots, no subtotal: two rows
				xrow("8", "Holding Details", "All", "CNE100001QS1", "CHINA CINDA-H", "1319000"),
				xrow("9", "Sub-Total", "All", "CNE100001QS1", "CHINA CINDA-H", "919000"),
				xrow("10", "Grand Total of All Custody A/C", "All"),
			},
			want: []pos{
				{isin: "CNE100001QS1", name: "CHINA CINDA-H", qty: "919000"},
				{isin: "US0378331005", name: "APPLE INC", qty: "5"},
				{isin: "US0378331005", name: "APPLE INC", qty: "7"},
			},
			skipped: map[string]int{skipDetail: 3, skipAggregate: 2, skipTotal: 1},
		},
		{
			name: "stacked header and two-row holdings grouped by asset type",
			rows: []string{
				xrow("1", "VALUATION OF INVESTMENT AS AT 12 Jan 2021"),
				xrow("3", "", "", "NOMINAL", "DEAL", "AVG UNIT"),
				xrow("4", "", "", "QUANTITY/", "CCY/", "PRICE/"),
				xrow("5", "INVESTMENT", "ISIN CODE", "VALUE DATE", "INT RATE", "MATURITY DATE"),
				xrow("6", "Bond"),
				xrow("7", "CNOOC FIN 4.25% S/A 26JAN2021 REGS", "USG2353WAA92      ", "8400000", "USD", "100.122"),
				xrow("8", "", "", "21/01/2011", "4.2500%", "26/01/2021"),
				xrow("9", "", "", "", "", "", "SUBTOTAL"),
			},
			want:    []pos{{isin: "USG2353WAA92", name: "CNOOC FIN 4.25% S/A 26JAN2021 REGS", qty: "8400000", ccy: "USD"}},
			skipped: map[string]int{skipPreamble: 1, skipHeading: 1, skipContinuation: 1, skipTotal: 1},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var c collect
			info, err := Read("s.xlsx", bytes.NewReader(buildXLSX(t, tt.rows...)), &c)
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range c.rejects {
				t.Errorf("reject %v", r)
			}
			if len(c.holdings) != len(tt.want) {
				for _, h := range c.holdings {
					t.Logf("holding line %d %q %s %s %s", h.Line, h.Name, h.ISIN, h.SEDOL, h.Quantity)
				}
				t.Fatalf("%d holdings, want %d", len(c.holdings), len(tt.want))
			}
			for i, w := range tt.want {
				h := c.holdings[i]
				if h.ISIN != w.isin || h.SEDOL != w.sedol || h.Name != w.name || h.Quantity.String() != w.qty || h.Currency != w.ccy {
					t.Errorf("holding %d = %q isin %q sedol %q qty %s ccy %q, want %+v", i, h.Name, h.ISIN, h.SEDOL, h.Quantity, h.Currency, w)
				}
			}
			for k, n := range tt.skipped {
				if info.Skipped[k] != n {
					t.Errorf("skipped[%q] = %d, want %d (all: %v)", k, info.Skipped[k], n, info.Skipped)
				}
			}
			if info.Rows != info.Holdings+info.Rejected {
				t.Errorf("rows %d != holdings %d + rejected %d", info.Rows, info.Holdings, info.Rejected)
			}
		})
	}
}
