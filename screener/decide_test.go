package screener_test

import (
	"strings"
	"testing"

	"github.com/screener/screener/issuers"
	"github.com/screener/screener/screener"
	"github.com/screener/screener/screener/lists"
)

// TestDecisionsAsAComplianceOfficer: identity from identifiers outranks
// name similarity, a name on a list that is not a ban is a risk flag, one
// shared word or another market is not a possible match; where nothing
// resolves, a similar name stays a review.
func TestDecisionsAsAComplianceOfficer(t *testing.T) {
	dir, err := issuers.Default()
	if err != nil {
		t.Fatal(err)
	}
	// The embedded OFAC consolidated snapshot (Dec 2025): real names,
	// aliases, addresses and identifiers.
	l, err := lists.Default()
	if err != nil {
		t.Fatal(err)
	}
	m := screener.NewMatcher([]*screener.List{l}, dir)
	asOf, err := screener.ParseAsOf("2023-01-01")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name  string
		h     screener.Holding
		want  screener.Status
		entry string // "" = none
		note  string // in the evidence
	}{
		{"CREC H-share: HKEX knows the line (no issuer), its name is CREC's legal name",
			screener.Holding{Name: "CHINA RAILWAY GROUP LTD H", Ticker: "390", Exchange: "Hong Kong Exchanges And Clearing Ltd"}, screener.StatusClear, "", "legal name of China Railway Group Limited"},
		{"an exchange line with no issuer and a name alike stays a review",
			screener.Holding{Name: "CHINA RAILWAY GRP H", Ticker: "390", Exchange: "XHKG"}, screener.StatusReview, "30959", ""},
		{"CREC A-share resolved by its Shanghai code",
			screener.Holding{Name: "CHINA RAILWAY GROUP LTD A", Ticker: "601390", Exchange: "XSHG"}, screener.StatusClear, "", "identifiers resolve to"},
		{"CREC's full legal name is an issuer the master knows",
			screener.Holding{Name: "China Railway Group Limited"}, screener.StatusClear, "", "legal name of China Railway Group Limited"},
		{"a name alike with nothing resolved stays a review",
			screener.Holding{Name: "CHINA RAILWAY GRP"}, screener.StatusReview, "30959", ""},
		{"CRCC's own line is still prohibited",
			screener.Holding{Name: "CHINA RAILWAY CONSTRUCTION CORP LTD-H", Ticker: "1186", Exchange: "XHKG"}, screener.StatusProhibitedLocked, "30959", ""},
		{"confirmed subsidiary: the relation explains the likeness",
			screener.Holding{Name: "CHINA NATIONAL NUCLEAR POWER LTD A", Ticker: "601985", Exchange: "XSHG"}, screener.StatusInfo, "30954", "relation above explains"},
		{"exact alias under another program",
			screener.Holding{Name: "SBERBANK ROSSII", Ticker: "SBER", Exchange: "Standard-Classica-Forts"}, screener.StatusRiskFlag, "17018", "not an investment ban"},
		{"list name with its legal form left off, another program",
			screener.Holding{Name: "GAZPROM"}, screener.StatusRiskFlag, "17250", "not an investment ban"},
		{"a weak alias is not a risk flag", screener.Holding{Name: "SBERBANK MUMBAI"}, screener.StatusReview, "17018", ""},
		{"one shared word: OIL INDIA is not SBERBANK INDIA",
			screener.Holding{Name: "OIL INDIA LTD", Ticker: "OIL", Exchange: "National Stock Exchange Of India"}, screener.StatusClear, "", ""},
		{"one shared word: KUNLUN TECH is not BANK OF KUNLUN",
			screener.Holding{Name: "KUNLUN TECH LTD A", Ticker: "300418", Exchange: "Shenzhen Stock Exchange"}, screener.StatusClear, "", ""},
		{"a shared description: BARWA is not VTB",
			screener.Holding{Name: "BARWA REAL ESTATE", Ticker: "BRES", Exchange: "Qatar Exchange"}, screener.StatusClear, "", ""},
		{"another market: ORION of Korea is not KONTSERN ORION of Russia",
			screener.Holding{Name: "ORION CORP", Ticker: "271560", Exchange: "Korea Exchange (Stock Market)"}, screener.StatusClear, "", "trades in KR"},
		{"another market and legal form: CoStar Group Inc on NASDAQ",
			screener.Holding{Name: "COSTAR GROUP INC", Ticker: "CSGP", Exchange: "NASDAQ"}, screener.StatusClear, "", "trades in US"},
		{"Bloomberg short name, a prefix of one listed name only",
			screener.Holding{Name: "HANGZHOU HIKVISION DIGITAL-A"}, screener.StatusProhibitedLocked, "30946", "a short name cut"},
		{"Bloomberg short name, a prefix of one listed name only (2)",
			screener.Holding{Name: "INNER MONGOLIA FIRST MACHIN-A"}, screener.StatusProhibitedLocked, "32078", "a short name cut"},
		{"Bloomberg short name that begins two listed names stays a review",
			screener.Holding{Name: "CHINA COMMUNICATIONS CONST-H"}, screener.StatusReview, "30930", ""},
		{"Bloomberg short name that begins a known issuer's name too stays a review",
			screener.Holding{Name: "CHINA RAILWAY CONSTRUCTION-H"}, screener.StatusReview, "30959", ""},
		{"a description tail does not hide the name",
			screener.Holding{Name: "CHINA MOBILE LTD COMMON STOCK HKD 0.00001"}, screener.StatusProhibitedLocked, "30923", "COMMON STOCK HKD 0.00001"},
		{"an ADR is marked as a depositary receipt",
			screener.Holding{Name: "CHINA MOBILE LTD-SPON ADR"}, screener.StatusProhibitedLocked, "30923", "depositary receipt"},
		{"a bond tranche the master lacks, known by its CUSIP issuer number",
			screener.Holding{Name: "CNOOC FIN 4.25% S/A 26JAN2021 REGS", ISIN: "USG2353WAA92"}, screener.StatusReview, "30926", "CUSIP issuer number G2353W"},
		{"a financing vehicle's bond from the curated relation table",
			screener.Holding{Name: "COSL FINANCE BVI LTD 3.25% S/A 06SEP2022 REGS", ISIN: "USG2444PAA50"}, screener.StatusReview, "30956", "curated/related.csv"},
		{"an unrelated issuer's bond stays clear",
			screener.Holding{Name: "THREE GORGES FINANCE I CAYMAN ISLANDS LTD 2.3% S/A 02JUN2021 REGS", ISIN: "USG8850LAB65"}, screener.StatusClear, "", ""},
		{"CoStar's Chinese legal name is still its entry",
			screener.Holding{Name: "COSTAR GROUP CO LTD"}, screener.StatusProhibitedLocked, "32107", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := tc.h
			h.File, h.Line = "t", 1
			f := m.Match(&h, asOf, screener.Options{All: true})
			id := ""
			if f.Entry != nil {
				id = f.Entry.ID
			}
			if f.Status != tc.want || id != tc.entry {
				t.Errorf("%s entry %q, want %s entry %q\nevidence: %s", f.Status, id, tc.want, tc.entry, strings.Join(f.Evidence, "\n  "))
			}
			if tc.note != "" && !strings.Contains(strings.Join(f.Evidence, "\n"), tc.note) {
				t.Errorf("evidence lacks %q:\n  %s", tc.note, strings.Join(f.Evidence, "\n  "))
			}
		})
	}
}
