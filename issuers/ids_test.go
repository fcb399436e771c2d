package issuers

import (
	"encoding/csv"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/screener/screener/screener/shareddata"
)

type idCase struct {
	name, in string
	want     string // "" = valid, else the whole error text
	check    bool   // the error wraps ErrCheckDigit (else ErrFormat)
}

func runIDCases(t *testing.T, f func(string) error, cases []idCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := f(c.in)
			if c.want == "" {
				if err != nil {
					t.Fatalf("got %v, want nil", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("got nil, want %q", c.want)
			}
			if err.Error() != c.want {
				t.Errorf("got %q, want %q", err.Error(), c.want)
			}
			var ie *IDError
			if !errors.As(err, &ie) {
				t.Errorf("got %T, want *IDError", err)
			}
			if got := errors.Is(err, ErrCheckDigit); got != c.check {
				t.Errorf("errors.Is(err, ErrCheckDigit) = %v, want %v", got, c.check)
			}
			if got := errors.Is(err, ErrFormat); got == c.check {
				t.Errorf("errors.Is(err, ErrFormat) = %v, want %v", got, !c.check)
			}
		})
	}
}

func TestCheckISIN(t *testing.T) {
	runIDCases(t, CheckISIN, []idCase{
		{"China Mobile HK line", "HK0941009539", "", false},
		{"China Mobile ADR", "US16941M1099", "", false},
		{"Sugon A-share", "CNE100001TW7", "", false},
		{"China Telecom H", "CNE1000002V2", "", false},
		{"Nexen note", "US65334HAE27", "", false},
		{"SMIC Cayman CINS", "KYG8020E1199", "", false},
		{"Proven Honour Eurobond", "XS1233275194", "", false},
		{"AstraZeneca", "GB0009895292", "", false},
		{"Accenture Irish", "IE00B4BNMY34", "", false},
		{"bad check digit", "HK0941009538", `ISIN "HK0941009538" has a bad check digit (expected 9)`, true},
		{"OFAC CCCC bad check", "CND10002K094", `ISIN "CND10002K094" has a bad check digit (expected 7)`, true},
		{"OFAC CCCC bad check 2", "CND10002G601", `ISIN "CND10002G601" has a bad check digit (expected 8)`, true},
		{"OFAC CNOOC BDR 11 chars", "BRC1EODR004", `ISIN "BRC1EODR004" is 11 characters, want 12`, false},
		{"empty", "", `ISIN "" is empty`, false},
		{"lower case", "hk0941009539", `ISIN "hk0941009539" has "h" at position 1, want a letter (the country prefix)`, false},
		{"digit prefix", "1K0941009539", `ISIN "1K0941009539" has "1" at position 1, want a letter (the country prefix)`, false},
		{"letter check", "HK094100953X", `ISIN "HK094100953X" has "X" at position 12, want a digit (the check digit)`, false},
		{"Geneva HTM suffix", "US65334HAE27 HTM", `ISIN "US65334HAE27 HTM" is 16 characters, want 12`, false},
		// Invisible and full-width characters are cleaned before the check (CleanID).
		{"NUL removed, then too short", "HK09410095\x009", `ISIN "HK094100959" is 11 characters, want 12`, false},
		{"NUL inside", "HK0941\x00009539", "", false},
		{"zero-width space after", "HK0941009539\u200b", "", false},
		{"BOM before", "\ufeffHK0941009539", "", false},
		{"full-width letters", "\uff28\uff2b0941009539", "", false},
		{"full-width all", "\uff28\uff2b\uff10\uff19\uff14\uff11\uff10\uff10\uff19\uff15\uff13\uff19", "", false},
		{"full-width, bad check", "\uff28\uff2b0941009538", `ISIN "HK0941009538" has a bad check digit (expected 9)`, true},
		{"no-break space after", "HK0941009539\u00a0", "", false},
	})
}

func TestCleanID(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"HK0941009539", "HK0941009539"},
		{"  HK0941009539 ", "HK0941009539"},
		{"HK0941009539\u200b", "HK0941009539"},
		{"\u200dHK094\u200c1009539\u2060", "HK0941009539"},
		{"\ufeffUS16941M1099", "US16941M1099"},
		{"HK0941009539\x00\r\n", "HK0941009539"},
		{"\u202aCNE100001TW7\u202c", "CNE100001TW7"}, // bidirectional embedding, as copied from a web page
		{"\uff28\uff2b\uff10\uff19\uff14\uff11\uff10\uff10\uff19\uff15\uff13\uff19", "HK0941009539"},
		{"941\u3000HK", "941 HK"}, // ideographic space
		{"hk0941009539", "hk0941009539"},
		{"", ""},
	} {
		if got := CleanID(c.in); got != c.want {
			t.Errorf("CleanID(%q) = %q, want %q", c.in, got, c.want)
		}
	}
	if got := CleanIDUpper("\uff48\uff4b0941009539\u200b"); got != "HK0941009539" {
		t.Errorf("CleanIDUpper of full-width small letters = %q, want HK0941009539", got)
	}
	for _, in := range []string{"HK0941009539\u200b", "\uff28\uff2b0941009539", " hk0941009539 "} {
		if typ, err := Identify(in); typ != IDISIN || err != nil {
			t.Errorf("Identify(%q) = %s, %v; want a valid ISIN", in, typ, err)
		}
	}
	if tk, err := ParseTicker("\uff19\uff14\uff11 HK\u200b"); err != nil || tk.Key() != "XHKG:941" {
		t.Errorf("ParseTicker of full-width 941 HK = %q, %v; want XHKG:941", tk.Key(), err)
	}
}

func TestCheckCUSIP(t *testing.T) {
	runIDCases(t, CheckCUSIP, []idCase{
		{"Nexen note", "65334HAE2", "", false},
		{"China Mobile ADR", "16941M109", "", false},
		{"Vanguard VT", "922042742", "", false},
		{"CINS SMIC", "G8020E119", "", false},
		{"bad check", "65334HAE3", `CUSIP "65334HAE3" has a bad check digit (expected 2)`, true},
		{"placeholder", "000000000", `CUSIP "000000000" is all zeros, a placeholder for a missing CUSIP`, false},
		{"short", "65334HAE", `CUSIP "65334HAE" is 8 characters, want 9`, false},
		{"bad char", "65334H-E2", `CUSIP "65334H-E2" has "-" at position 7, want a letter, digit, *, @ or #`, false},
	})
}

func TestCheckSEDOL(t *testing.T) {
	runIDCases(t, CheckSEDOL, []idCase{
		// iShares XWD file, SEDOL column (Excel dropped leading zeros: padded here)
		{"AstraZeneca", "0989529", "", false},
		{"Accenture", "B4BNMY3", "", false},
		{"Shell", "BP6MXD8", "", false},
		{"CRH Irish line", "4182249", "", false},
		{"Coca-Cola Europacific US line", "BYQQ3P5", "", false},
		{"Excel lost the zero", "989529", `SEDOL "989529" is 6 characters, want 7`, false},
		{"vowel", "B4BNMA3", `SEDOL "B4BNMA3" has "A" at position 6, want a digit or a consonant`, false},
		{"bad check", "B4BNMY4", `SEDOL "B4BNMY4" has a bad check digit (expected 3)`, true},
		{"placeholder", "0000000", `SEDOL "0000000" is all zeros, a placeholder for a missing SEDOL`, false},
	})
}

func TestCheckLEI(t *testing.T) {
	runIDCases(t, CheckLEI, []idCase{
		{"Bloomberg Finance LP", "5493001KJTIIGC8Y1R12", "", false},
		{"Bloomberg LP", "549300B56MD0ZC402L06", "", false},
		{"Bloomberg Inc", "549300RMUDWPHCUQNE66", "", false},
		{"Amazon.com", "ZXTILKJKG63JELOEG630", "", false},
		{"Apple Inc", "HWUPKR0MPOU8FGXBT394", "", false},
		{"Amazon Digital UK", "254900LNRYNOQ9YPU758", "", false},
		{"bad check", "5493001KJTIIGC8Y1R13", `LEI "5493001KJTIIGC8Y1R13" has bad check digits (expected 12)`, true},
		{"short", "5493001KJTIIGC8Y1R1", `LEI "5493001KJTIIGC8Y1R1" is 19 characters, want 20`, false},
		{"letter check", "5493001KJTIIGC8Y1R1X", `LEI "5493001KJTIIGC8Y1R1X" has "X" at position 20, want a digit (the check digits)`, false},
	})
}

func TestCheckFIGI(t *testing.T) {
	runIDCases(t, CheckFIGI, []idCase{
		{"IBM composite", "BBG000BLNNH6", "", false},
		{"Apple composite", "BBG000B9XRY4", "", false},
		{"Vanguard VT (IBKR)", "BBG000GM5FZ6", "", false},
		{"IBM share class", "BBG001S5S399", "", false},
		{"bad check", "BBG000BLNNH7", `FIGI "BBG000BLNNH7" has a bad check digit (expected 6)`, true},
		{"vowel", "BBG000BLANH6", `FIGI "BBG000BLANH6" has "A" at position 9, want a digit or a consonant`, false},
		{"no G", "BBX000BLNNH6", `FIGI "BBX000BLNNH6" has "X" at position 3, want "G"`, false},
		{"ISIN prefix", "GBG000BLNNH6", `FIGI "GBG000BLNNH6" starts with GB, which FIGI never uses (it is an ISIN country prefix)`, false},
	})
}

func TestCheckUSCC(t *testing.T) {
	runIDCases(t, CheckUSCC, []idCase{
		{"Dawning (Sugon)", "91120000783342508F", "", false},
		{"China Telecom", "9111000071093019X7", "", false},
		{"CCCC (OFAC spill-over)", "91110000710934369E", "", false},
		{"bad check", "91120000783342508G", `USCC "91120000783342508G" has a bad check character (expected F)`, true},
		{"letter I", "9112000078334250IF", `USCC "9112000078334250IF" has "I" at position 17, want a digit or a capital other than I, O, S, V and Z`, false},
		{"region not digits", "911A0000783342508F", `USCC "911A0000783342508F" has "A" at position 4, want a digit (the administrative division code)`, false},
		{"17 chars", "91120000783342508", `USCC "91120000783342508" is 17 characters, want 18`, false},
	})
}

func TestClassify(t *testing.T) {
	cases := []struct {
		in      string
		want    IDType
		wantErr bool
	}{
		{"HK0941009539", IDISIN, false},
		{" us16941m1099 ", IDISIN, false},
		{"HK0941009538", IDISIN, true},
		{"CND10002K094", IDISIN, true}, // OFAC: bad check digit, still an ISIN
		{"BRC1EODR004", IDISIN, true},  // OFAC: 11 characters, still an ISIN
		{"65334HAE2", IDCUSIP, false},
		{"G8020E119", IDCUSIP, false},
		{"653340AE3", IDCUSIP, true}, // digits first: a mistyped CUSIP
		{"G8020E118", IDUnknown, true},
		{"B4BNMY3", IDSEDOL, false},
		{"B4BNMY4", IDUnknown, true}, // a SEDOL only when its check holds
		{"BBG000BLNNH6", IDFIGI, false},
		{"BBG000BLNNH7", IDFIGI, true},
		{"5493001KJTIIGC8Y1R12", IDLEI, false},
		{"5493001KJTIIGC8Y1R13", IDLEI, true},
		{"91120000783342508F", IDUSCC, false},
		{"91120000783342508G", IDUSCC, true},
		{"941", IDUnknown, true},
		{"CHL US", IDUnknown, true},
		{"CHINAMOBILE", IDUnknown, true},
		{"000000000", IDUnknown, true},
		{"", IDUnknown, true},
	}
	for _, c := range cases {
		t.Run(c.in, func(t *testing.T) {
			if got := Classify(c.in); got != c.want {
				t.Errorf("Classify(%q) = %q, want %q", c.in, got, c.want)
			}
			typ, err := Identify(c.in)
			if typ != c.want || (err != nil) != c.wantErr {
				t.Errorf("Identify(%q) = %q, %v; want %q, error %v", c.in, typ, err, c.want, c.wantErr)
			}
		})
	}
}

func TestDerivations(t *testing.T) {
	eq := func(t *testing.T, what, got string, err error, want string) {
		t.Helper()
		if err != nil || got != want {
			t.Errorf("%s = %q, %v; want %q", what, got, err, want)
		}
	}
	s, err := ISINFromCUSIP("65334HAE2", "US")
	eq(t, "ISINFromCUSIP(65334HAE2, US)", s, err, "US65334HAE27")
	s, err = CUSIPFromISIN("US65334HAE27")
	eq(t, "CUSIPFromISIN(US65334HAE27)", s, err, "65334HAE2")
	s, err = CUSIPFromISIN("US16941M1099")
	eq(t, "CUSIPFromISIN(US16941M1099)", s, err, "16941M109")
	s, err = ISINFromCUSIP("780087102", "CA") // Royal Bank of Canada
	eq(t, "ISINFromCUSIP(780087102, CA)", s, err, "CA7800871021")
	s, err = CUSIPFromISIN("KYG8020E1199")
	eq(t, "CUSIPFromISIN(KYG8020E1199)", s, err, "G8020E119")
	s, err = ISINFromSEDOL("0989529", "GB")
	eq(t, "ISINFromSEDOL(0989529, GB)", s, err, "GB0009895292")
	s, err = ISINFromSEDOL("B4BNMY3", "IE")
	eq(t, "ISINFromSEDOL(B4BNMY3, IE)", s, err, "IE00B4BNMY34")
	s, err = SEDOLFromISIN("GB00BP6MXD84")
	eq(t, "SEDOLFromISIN(GB00BP6MXD84)", s, err, "BP6MXD8")
	s, err = SEDOLFromISIN("JE00B4T3BW64") // Glencore
	eq(t, "SEDOLFromISIN(JE00B4T3BW64)", s, err, "B4T3BW6")

	for _, c := range []struct {
		what string
		err  error
	}{
		{"ISINFromCUSIP bad check", func() error { _, err := ISINFromCUSIP("65334HAE3", "US"); return err }()},
		{"ISINFromCUSIP country", func() error { _, err := ISINFromCUSIP("65334HAE2", "HK"); return err }()},
		{"CUSIPFromISIN HK", func() error { _, err := CUSIPFromISIN("HK0941009539"); return err }()},
		{"CUSIPFromISIN bad ISIN", func() error { _, err := CUSIPFromISIN("US65334HAE28"); return err }()},
		{"ISINFromSEDOL country", func() error { _, err := ISINFromSEDOL("0989529", "US"); return err }()},
		{"SEDOLFromISIN US", func() error { _, err := SEDOLFromISIN("US65334HAE27"); return err }()},
		{"SEDOLFromISIN not 00", func() error { _, err := SEDOLFromISIN("GB0009895292"[:4] + "1" + "0009895292"[3:]); return err }()},
	} {
		if c.err == nil {
			t.Errorf("%s: got nil error", c.what)
		}
	}
}

// TestSEDOLsInXWD checks the ISIN and SEDOL columns of the iShares XWD file:
// every ISIN is valid, every SEDOL is valid once Excel's lost zeros are put
// back, and a GB/IE/JE/GG/IM ISIN usually holds the line's SEDOL.
func TestSEDOLsInXWD(t *testing.T) {
	p := shareddata.Path(t, "holdings/ishares/ishares_canada_XWD_holdings_mid-2022_excel-resaved.csv")
	recs := readSharedCSV(t, p)
	h := recs[0]
	ci, cs := columnIndex(h, "ISIN"), columnIndex(h, "SEDOL")
	if ci < 0 || cs < 0 {
		t.Fatalf("no ISIN or SEDOL column in %v", h)
	}
	var n, same, differ int
	var badISINs []string
	for _, r := range recs[1:] {
		if len(r) <= cs || r[ci] == "" || r[ci] == "-" {
			continue
		}
		isin, sedol := r[ci], zeroPad(r[cs], 7)
		n++
		if err := CheckISIN(isin); err != nil {
			badISINs = append(badISINs, isin)
			continue
		}
		if r[cs] != "-" {
			if err := CheckSEDOL(sedol); err != nil {
				t.Errorf("line %q: %v", r[1], err)
			}
		}
		if !sedolCountries[isin[:2]] || isin[2:4] != "00" {
			continue
		}
		got, err := SEDOLFromISIN(isin)
		switch {
		case err != nil:
			t.Errorf("SEDOLFromISIN(%s): %v", isin, err)
		case got == sedol:
			same++
			if back, err := ISINFromSEDOL(sedol, isin[:2]); err != nil || back != isin {
				t.Errorf("ISINFromSEDOL(%s, %s) = %q, %v; want %s", sedol, isin[:2], back, err, isin)
			}
		default:
			differ++ // the line trades under another SEDOL (CCEP on NASDAQ: BYQQ3P5)
		}
	}
	// iShares' own number for an unlisted line is not an ISIN.
	if strings.Join(badISINs, " ") != "MV3357358ZDD" {
		t.Errorf("invalid ISINs %v, want only MV3357358ZDD (BGP Holdings, unlisted)", badISINs)
	}
	t.Logf("%d lines: %d SEDOLs inside their GB/IE/JE/GG/IM ISIN, %d lines trading under another SEDOL", n, same, differ)
	if n < 1000 || same < 80 {
		t.Errorf("read %d lines, %d ISIN-SEDOL pairs; the file has about 1,500 lines and 90 pairs", n, same)
	}
}

// TestCUSIPsInNPORT derives the ISIN of every CUSIP in the Goldman Sachs
// N-PORT filing and compares it with the filing's own ISIN.
func TestCUSIPsInNPORT(t *testing.T) {
	p := shareddata.Path(t, "holdings/sec/NPORT-P_goldman_sachs_bond_fund_2023-03-31.xml")
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	re := regexp.MustCompile(`<cusip>([^<]*)</cusip>\s*<identifiers>\s*<isin value="([^"]*)"`)
	n := 0
	for _, m := range re.FindAllStringSubmatch(string(b), -1) {
		cusip, isin := m[1], m[2]
		if !strings.HasPrefix(isin, "US") || cusip == "000000000" {
			continue
		}
		n++
		got, err := ISINFromCUSIP(cusip, "US")
		if err != nil || got != isin {
			t.Errorf("ISINFromCUSIP(%s, US) = %q, %v; the filing says %s", cusip, got, err, isin)
		}
	}
	if n < 800 {
		t.Errorf("checked %d CUSIP/ISIN pairs, want about 900", n)
	}
	t.Logf("%d CUSIP → ISIN derivations agree with the filing", n)
}

// TestOFACIdentifiers checks every ISIN and USCC in the NS-CMIC entries of
// the Dec 2025 consolidated list: all valid except the three malformed
// ISINs RULES.md D-5 names.
func TestOFACIdentifiers(t *testing.T) {
	p := shareddata.Path(t, "lists/ofac-cons-csv-2025-12/cons_prim.csv")
	remarks := map[string]string{}
	for _, r := range readSharedCSV(t, p) {
		if len(r) >= 12 && strings.Contains(r[3], "CMIC-EO13959") {
			remarks[r[0]] = r[11]
		}
	}
	for _, r := range readSharedCSV(t, filepath.Join(filepath.Dir(p), "cons_comments.csv")) {
		if len(r) >= 2 && remarks[r[0]] != "" {
			remarks[r[0]] += r[1] // spill-over continues mid-word
		}
	}
	if len(remarks) != 68 {
		t.Fatalf("read %d CMIC entries, want 68", len(remarks))
	}
	isinRe := regexp.MustCompile(`(?:^|; )(?:alt\. )?ISIN ([A-Z0-9]+)`)
	usccRe := regexp.MustCompile(`Unified Social Credit Code \(USCC\) ([0-9A-Z]+)`)
	var bad []string
	nISIN, nUSCC := 0, 0
	for _, rem := range remarks {
		for _, m := range isinRe.FindAllStringSubmatch(rem, -1) {
			nISIN++
			if err := CheckISIN(m[1]); err != nil {
				bad = append(bad, m[1])
				if typ := Classify(m[1]); typ != IDISIN {
					t.Errorf("Classify(%s) = %q, want ISIN", m[1], typ)
				}
			}
		}
		for _, m := range usccRe.FindAllStringSubmatch(rem, -1) {
			nUSCC++
			if err := CheckUSCC(m[1]); err != nil {
				t.Errorf("OFAC USCC: %v", err)
			}
		}
	}
	sort.Strings(bad)
	want := []string{"BRC1EODR004", "CND10002G601", "CND10002K094"}
	if strings.Join(bad, " ") != strings.Join(want, " ") {
		t.Errorf("malformed OFAC ISINs: got %v, want %v", bad, want)
	}
	if nISIN != 165 || nUSCC != 58 {
		t.Errorf("read %d ISINs and %d USCCs, want 165 and 58 (FORMATS.md 1.5)", nISIN, nUSCC)
	}
}

// TestReferenceIDs checks every LEI in the GLEIF responses and every FIGI
// in the OpenFIGI responses.
func TestReferenceIDs(t *testing.T) {
	for _, c := range []struct {
		dir   string
		re    *regexp.Regexp
		check func(string) error
		min   int
	}{
		{"reference/gleif", regexp.MustCompile(`\b[0-9A-Z]{18}[0-9]{2}\b`), CheckLEI, 15},
		{"reference/openfigi", regexp.MustCompile(`"(?:figi|compositeFIGI|shareClassFIGI)": ?"([0-9A-Z]{12})"`), CheckFIGI, 500},
	} {
		root := shareddata.Path(t, c.dir)
		seen := map[string]bool{}
		err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(path, ".json") {
				return err
			}
			b, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			for _, m := range c.re.FindAllStringSubmatch(string(b), -1) {
				id := m[len(m)-1]
				if c.dir == "reference/gleif" && !strings.Contains(string(b), `"`+id+`"`) {
					continue // only quoted values, not parts of longer strings
				}
				seen[id] = true
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		for id := range seen {
			if err := c.check(id); err != nil {
				t.Errorf("%s: %v", c.dir, err)
			}
		}
		if len(seen) < c.min {
			t.Errorf("%s: found %d identifiers, want at least %d", c.dir, len(seen), c.min)
		}
		t.Logf("%s: %d identifiers valid", c.dir, len(seen))
	}
}

func readSharedCSV(t testing.TB, path string) [][]string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	s := strings.TrimPrefix(string(b), "\ufeff")
	s = strings.TrimRight(s, "\x1a")
	r := csv.NewReader(strings.NewReader(s))
	r.FieldsPerRecord = -1
	r.LazyQuotes = true
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return recs
}

func columnIndex(h []string, name string) int {
	for i, v := range h {
		if v == name {
			return i
		}
	}
	return -1
}

func FuzzIdentify(f *testing.F) {
	for _, s := range []string{"HK0941009539", "CND10002K094", "BRC1EODR004", "65334HAE2", "B4BNMY3",
		"BBG000BLNNH6", "5493001KJTIIGC8Y1R12", "91120000783342508F", "941 HK", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		typ, err := Identify(s)
		if typ == IDUnknown {
			if err == nil {
				t.Fatalf("Identify(%q): unknown type with nil error", s)
			}
			return
		}
		// Identify reads s as CleanIDUpper gives it (compatibility forms
		// folded, then upper case: "120ʰ004" is the SEDOL 120H004); the
		// checks expect upper case already.
		norm := CleanIDUpper(s)
		if cerr := Check(typ, norm); (cerr == nil) != (err == nil) {
			t.Fatalf("Identify(%q) = %s, %v but Check says %v", s, typ, err, cerr)
		}
		if err != nil && !errors.Is(err, ErrCheckDigit) && !errors.Is(err, ErrFormat) {
			t.Fatalf("Identify(%q) error %v wraps neither sentinel", s, err)
		}
	})
}

func FuzzISINDerivations(f *testing.F) {
	f.Add("65334HAE2", "0989529")
	f.Add("G8020E119", "B4BNMY3")
	f.Fuzz(func(t *testing.T, cusip, sedol string) {
		if CheckCUSIP(cusip) == nil {
			for _, c := range []string{"US", "CA", "KY"} {
				isin, err := ISINFromCUSIP(cusip, c)
				if err != nil {
					continue // private placement numbers (*@#)
				}
				if CheckISIN(isin) != nil {
					t.Fatalf("ISINFromCUSIP(%q, %s) = %q, which fails CheckISIN", cusip, c, isin)
				}
				// Identifiers are cleaned first (controls, zero-width
				// characters, NFKC): the CUSIP comes back as cleaned.
				if back, err := CUSIPFromISIN(isin); err != nil || back != CleanID(cusip) {
					t.Fatalf("CUSIPFromISIN(%q) = %q, %v; want %q", isin, back, err, CleanID(cusip))
				}
			}
		}
		if CheckSEDOL(sedol) == nil {
			isin, err := ISINFromSEDOL(sedol, "GB")
			if err != nil || CheckISIN(isin) != nil {
				t.Fatalf("ISINFromSEDOL(%q) = %q, %v", sedol, isin, err)
			}
			if back, err := SEDOLFromISIN(isin); err != nil || back != CleanID(sedol) {
				t.Fatalf("SEDOLFromISIN(%q) = %q, %v; want %q", isin, back, err, CleanID(sedol))
			}
		}
	})
}

func TestSameCUSIPIssuer(t *testing.T) {
	d, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	// CNOOC Finance (2011)'s 2041 notes (USG2353WAB75) are in the HKEX list;
	// its 2021 notes (USG2353WAA92) are not, but share the issuer number.
	found := false
	for _, s := range d.SameCUSIPIssuer("G2353WAA9") {
		found = found || s.ISIN == "USG2353WAB75"
	}
	if !found {
		t.Errorf("SameCUSIPIssuer(G2353WAA9) lacks USG2353WAB75")
	}
	if got := d.SameCUSIPIssuer("ZZZZZZAA0"); len(got) != 0 {
		t.Errorf("an unknown issuer number found %d securities", len(got))
	}
	if got := d.SameCUSIPIssuer("G23"); got != nil {
		t.Errorf("a short CUSIP found %v", got)
	}
}

// FuzzQuietChecks holds the error-free checks the matcher calls on every
// row to the checks that say why: CUSIPInISIN answers as CUSIPFromISIN
// does, ValidCUSIP as CheckCUSIP, IsCleanID and IsCleanIDUpper as
// comparing CleanID and CleanIDUpper with their input.
func FuzzQuietChecks(f *testing.F) {
	for _, s := range []string{"US0378331005", "CNE1000002V2", "KYG2353WAA92", "USG2353WAB75", "", " US0378331005 ", "us0378331005", "037833100", "G2353WAA9", "00000000000", "9 4 1", "\u200b941", "ＨＫ", "a\x7f", "\t1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want, err := CUSIPFromISIN(s)
		got, ok := CUSIPInISIN(s)
		if ok != (err == nil) || got != want {
			t.Fatalf("CUSIPInISIN(%q) = %q, %v; CUSIPFromISIN = %q, %v", s, got, ok, want, err)
		}
		if validISIN(CleanID(s)) != (CheckISIN(s) == nil) {
			t.Fatalf("validISIN(%q) = %v, CheckISIN = %v", s, validISIN(CleanID(s)), CheckISIN(s))
		}
		if ValidCUSIP(s) != (CheckCUSIP(s) == nil) {
			t.Fatalf("ValidCUSIP(%q) = %v, CheckCUSIP = %v", s, ValidCUSIP(s), CheckCUSIP(s))
		}
		// Sound always, and exact on ASCII (a string with other bytes
		// is cleaned even if CleanID would leave it as it is).
		ascii := !strings.ContainsFunc(s, func(r rune) bool { return r >= utf8.RuneSelf })
		if c := CleanID(s) == s; IsCleanID(s) && !c || ascii && IsCleanID(s) != c {
			t.Fatalf("IsCleanID(%q) = %v; CleanID = %q", s, IsCleanID(s), CleanID(s))
		}
		if c := CleanIDUpper(s) == s; IsCleanIDUpper(s) && !c || ascii && IsCleanIDUpper(s) != c {
			t.Fatalf("IsCleanIDUpper(%q) = %v; CleanIDUpper = %q", s, IsCleanIDUpper(s), CleanIDUpper(s))
		}
	})
}

// FuzzISINCheck holds isinCheck, which reads the body once from the
// right, to isinCheckDigits, which expands the letters as ISO 6166 says.
func FuzzISINCheck(f *testing.F) {
	for _, s := range []string{"HK094100953", "CNE100001TW", "US037833100", "KYG2353WAA9", "", "ZZZZZZZZZZZ", "a-b", "\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := isinCheck(s), isinCheckDigits(s); got != want {
			t.Fatalf("isinCheck(%q) = %c, ISO 6166 gives %c", s, got, want)
		}
	})
}

// TestIsCleanID holds IsCleanID and IsCleanIDUpper to CleanID and
// CleanIDUpper, every byte value in every place of an ISIN (a byte outside
// ASCII is never called clean: the caller cleans, to the same result).
func TestIsCleanID(t *testing.T) {
	for c := range 256 {
		for pos := range 12 {
			w := []byte("HK0941009539")
			w[pos] = byte(c)
			s := string(w)
			want, wantUpper := CleanID(s) == s, CleanIDUpper(s) == s
			if c >= utf8.RuneSelf {
				want, wantUpper = false, false
			}
			if got := IsCleanID(s); got != want {
				t.Fatalf("IsCleanID(%q) = %v, want %v", s, got, want)
			}
			if got := IsCleanIDUpper(s); got != wantUpper {
				t.Fatalf("IsCleanIDUpper(%q) = %v, want %v", s, got, wantUpper)
			}
		}
	}
}
