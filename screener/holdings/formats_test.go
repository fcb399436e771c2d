package holdings

import (
	"strings"
	"testing"

	"github.com/screener/screener/screener"
)

// Each case reads one real file from ../shared/data and checks the count,
// the header information and a few exact rows.
func TestRealFiles(t *testing.T) {
	const acwi22 = "iShares MSCI ACWI ETF"
	const geneva = "12XXXChinaLifeOverseasBondGroup"
	tests := []struct {
		name      string
		file      string
		format    string
		asOf      string
		portfolio string
		rows      int
		rejected  int
		warned    int // holdings with at least one warning
		rowsWant  []want
	}{
		{
			name: "iShares ACWI 2022 with preamble and disclaimer", file: "holdings/ishares/ishares_ACWI_holdings_2022-03-10.csv",
			format: "ishares", asOf: "2022-03-10", portfolio: acwi22, rows: 2369,
			rowsWant: []want{
				{line: 11, portfolio: acwi22, name: "APPLE INC", ticker: "AAPL", exchange: "NASDAQ", currency: "USD", assetCls: "Equity",
					qty: "4716646", price: "158.52", value: "747682723.92", weight: "4.15"},
				// 2357 is ASUSTeK on TWSE and AviChina on HKEX: the exchange tells them apart.
				{line: 1215, portfolio: acwi22, name: "ASUSTEK COMPUTER INC", ticker: "2357", exchange: "Taiwan Stock Exchange", currency: "USD", assetCls: "Equity",
					qty: "202000", price: "12.93", value: "2611485.41", weight: "0.01"},
				{line: 2204, portfolio: acwi22, name: "AVICHINA INDUSTRY & TECHNOLOGY LTD", ticker: "2357", exchange: "Hong Kong Exchanges And Clearing Ltd", currency: "USD", assetCls: "Equity",
					qty: "856000", price: "0.53", value: "457402.91", weight: "0.00"},
				{line: 1533, portfolio: acwi22, name: "CGN POWER LTD H", ticker: "1816", exchange: "Hong Kong Exchanges And Clearing Ltd", currency: "USD", assetCls: "Equity",
					qty: "6382000", price: "0.27", value: "1754058.75", weight: "0.01"},
			},
		},
		{
			name: "iShares EEM all quoted, no preamble", file: "holdings/ishares/ishares_EEM_holdings_2025-01.csv",
			format: "ishares", rows: 1243,
			rowsWant: []want{
				{line: 1125, name: "CGN POWER LTD A", ticker: "003816", exchange: "Shenzhen Stock Exchange", currency: "USD", assetCls: "Equity",
					qty: "1481900", price: "0.49", value: "732022.16", weight: "0.00"},
				{line: 984, name: "INSPUR ELECTRONIC INFORMATION INDU", ticker: "000977", exchange: "Shenzhen Stock Exchange", currency: "USD", assetCls: "Equity",
					qty: "201590", price: "6.82", value: "1375421.31", weight: "0.01"},
				// "-" ticker and "-" in other cells read as empty.
				{line: 1230, name: "KANGMEI PHARMACEUTICAL RIGHTS OF I", exchange: "NO MARKET (E.G. UNLISTED)", currency: "USD", assetCls: "Equity",
					qty: "244577", price: "0.00", value: "0.33", weight: "0.00"},
				{line: 1244, name: "USD CASH", ticker: "USD", currency: "USD", assetCls: "Cash",
					qty: "-99211485", price: "100", value: "-99211485.31", weight: "-0.64"},
			},
		},
		{
			name: "iShares ACWI early 2025 re-saved, zeros lost", file: "holdings/ishares/ishares_ACWI_holdings_undated_early-2025.csv",
			format: "ishares", rows: 2333, warned: 94,
			rowsWant: []want{
				{line: 1215, name: "HANWHA AEROSPACE LTD", ticker: "012450", exchange: "Korea Exchange (Stock Market)", currency: "USD", assetCls: "Equity",
					qty: "7732", price: "268.37", value: "2075065.21", weight: "0.01", warnings: 1},
				{line: 2152, name: "AVICHINA INDUSTRY & TECHNOLOGY LTD", ticker: "2357", exchange: "Hong Kong Exchanges And Clearing Ltd", currency: "USD", assetCls: "Equity",
					qty: "898000", price: "0.48", value: "426923.99", weight: "0.00"},
			},
		},
		{
			name: "iShares Canada XWD with ISIN and SEDOL", file: "holdings/ishares/ishares_canada_XWD_holdings_mid-2022_excel-resaved.csv",
			format: "ishares", rows: 1368, warned: 28,
			rowsWant: []want{
				{line: 2, name: "APPLE INC", isin: "US0378331005", sedol: "2046251", ticker: "AAPL", exchange: "NASDAQ", currency: "CAD",
					qty: "183475", price: "189.95", value: "34851096.85", weight: "4.71"},
				// Excel dropped the SEDOL's leading zero: restored, with a warning.
				{line: 33, name: "ASTRAZENECA PLC", isin: "GB0009895292", sedol: "0989529", ticker: "AZN", exchange: "London Stock Exchange", currency: "CAD",
					qty: "17623", price: "171.38", value: "3020152.19", weight: "0.41", warnings: 1},
				{line: 1366, name: "MAPLETREE COMMERCIAL TRUST", isin: "SGXZ54603493", ticker: "2091753D", exchange: "Singapore Exchange", currency: "CAD",
					qty: "2286064", price: "0", value: "0", weight: "0"},
			},
		},
		{
			name: "DEGIRO decimal commas and split Local value", file: "holdings/broker/degiro_portfolio_export.csv",
			format: "degiro", rows: 22,
			rowsWant: []want{
				{line: 2, name: "CASH & CASH FUND & FTX CASH (CHF)", currency: "CHF", assetCls: "Cash", value: "960.35"},
				{line: 3, name: "AMAZON.COM INC", isin: "US0231351067", currency: "USD", qty: "65", price: "313", value: "20345"},
				{line: 23, name: "UBS ETF (CH) SMI UCITS ETF", isin: "CH0032912732", currency: "EUR", qty: "20", price: "146.88", value: "2937.60"},
			},
		},
		{
			name: "IBKR Flex CSV paper account, all quoted", file: "holdings/broker/ibkr_flex_positions_paper_account_2018-10-26.csv",
			format: "ibkr-csv", asOf: "2018-10-26", portfolio: "DU1237908", rows: 12,
			rowsWant: []want{
				{line: 2, portfolio: "DU1237908", name: "SPDR S&P 500 ETF TRUST", ticker: "SPY", exchange: "ARCA", currency: "USD", assetCls: "STK",
					qty: "500", price: "265.33", value: "132665"},
				{line: 9, portfolio: "DU1237908", name: "DAX 15MAR19", ticker: "FDXM MAR 19", currency: "EUR", assetCls: "FUT",
					qty: "-10", price: "11142", value: "-557100"},
			},
		},
		{
			name: "IBKR Flex CSV summary with conid", file: "holdings/broker/ibkr_flex_OpenPositions_Summary_sample_2012-11-19.csv",
			format: "ibkr-csv", asOf: "2012-11-19", portfolio: "U1234567", rows: 30,
			rowsWant: []want{
				{line: 2, portfolio: "U1234567", name: "CHINACAST EDUCATION CORP", ticker: "CAST", currency: "USD", assetCls: "STK",
					qty: "42700", price: "0.185", value: "7899.5", otherIDs: []screener.ID{{Type: "IB conid", Value: "42865194"}}},
				{line: 4, portfolio: "U1234567", name: "CHINA XD PLASTICS CO LTD", ticker: "CXDC", currency: "USD", assetCls: "STK",
					qty: "113841", price: "4.21", value: "479270.61", otherIDs: []screener.ID{{Type: "IB conid", Value: "57697895"}}},
				{line: 12, portfolio: "U1234567", name: "BRK B 18JAN14 70.0 P", ticker: "BRKB  140118P00070000", currency: "USD", assetCls: "OPT",
					qty: "-83", price: "1.64313", value: "-13637.98", otherIDs: []screener.ID{{Type: "IB conid", Value: "97399367"}}},
			},
		},
		{
			name: "Geneva UTF-16 positions", file: "holdings/geneva/geneva_investment_positions_12XXX_bond_group_2020-11-30.utf16le.txt",
			format: "geneva", asOf: "2020-11-30", portfolio: geneva, rows: 256,
			rowsWant: []want{
				{line: 2, portfolio: geneva, name: "Chinese Renminbi Yuan", currency: "HKD", assetCls: "Cash and Equivalents",
					qty: "77794477.31", price: "1", value: "91659108.88", weight: "0.04", otherIDs: []screener.ID{{Type: "Geneva InvestID", Value: "CNY"}}},
				// Nexen (CNOOC subsidiary) bond: ISIN with the HTM lot suffix stripped, price NA.
				{line: 107, portfolio: geneva, name: "CNOOC 5.875 03/10/35", isin: "US65334HAE27", currency: "HKD", assetCls: "Corporate Bond",
					qty: "16626000", value: "168393139.15", weight: "0.08", otherIDs: []screener.ID{{Type: "Geneva InvestID", Value: "US65334HAE27 HTM"}}},
				{line: 70, portfolio: geneva, name: "CHINA 2.125 12/03/29", isin: "XS2084425110", currency: "HKD", assetCls: "Corporate Bond",
					qty: "15000000", value: "118111601.16", weight: "0.06", otherIDs: []screener.ID{{Type: "Geneva InvestID", Value: "XS2084425110 HTM"}}},
				{line: 67, portfolio: geneva, name: "CFELEC 5 09/29/36", isin: "XS1505143393", currency: "HKD", assetCls: "Corporate Bond",
					qty: "312000000", value: "2403849782.25", weight: "1.17", otherIDs: []screener.ID{{Type: "Geneva InvestID", Value: "XS1505143393 HTM TEST"}}},
				{line: 257, portfolio: geneva, name: "United States Dollar", currency: "HKD", assetCls: "Cash and Equivalents",
					qty: "-62645068.33", price: "1", value: "-485586982.65", weight: "99.94", otherIDs: []screener.ID{{Type: "Geneva InvestID", Value: "USD"}}},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			info, c := readShared(t, tt.file)
			if info.Format != tt.format || info.AsOf.String() != tt.asOf || info.Portfolio != tt.portfolio {
				t.Errorf("info = %+v, want format %s as of %q portfolio %q", info, tt.format, tt.asOf, tt.portfolio)
			}
			if info.Rows != tt.rows || info.Rejected != tt.rejected {
				t.Errorf("rows = %d rejected = %d, want %d and %d", info.Rows, info.Rejected, tt.rows, tt.rejected)
			}
			for _, r := range c.rejects {
				t.Logf("reject: %v", r)
			}
			warned := 0
			for _, h := range c.holdings {
				if len(h.Warnings) > 0 {
					warned++
				}
			}
			if warned != tt.warned {
				t.Errorf("%d holdings with warnings, want %d", warned, tt.warned)
			}
			for _, w := range tt.rowsWant {
				checkHolding(t, c.byLine(t, w.line), w)
			}
		})
	}
}

// The Geneva report names a CNOOC group issuer (Nexen) on three lines; all
// keep their ISIN.
func TestGenevaCNOOCBonds(t *testing.T) {
	_, c := readShared(t, "holdings/geneva/geneva_investment_positions_12XXX_bond_group_2020-11-30.utf16le.txt")
	wantISINs := []string{"USG23530AA92", "US12591DAC56", "US12634MAE03", "USQ25738AA54", "USG23530AB75",
		"US65334HAE27", "US65334HAG74", "US65334HAJ14"}
	have := map[string]string{}
	for _, h := range c.holdings {
		have[h.ISIN] = h.Name
	}
	for _, isin := range wantISINs {
		if !strings.HasPrefix(have[isin], "CNOOC") {
			t.Errorf("ISIN %s: name %q, want a CNOOC bond", isin, have[isin])
		}
	}
}
