package issuers

import (
	"bytes"
	"os"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/screener/screener/screener/shareddata"
)

func TestBondIssuerShortName(t *testing.T) {
	cases := []struct {
		desc, short string
		ok          bool
	}{
		{"CNOOC 4.375 05/02/28", "CNOOC", true},
		{"CNOOC 5.875 03/10/35", "CNOOC", true}, // a Nexen note (US65334HAE27): the short name is not the issuer
		{"CHINA 2.125 12/03/29", "CHINA", true},
		{"CATIC 6 09/12/23", "CATIC", true},
		{"CATIC 6 09/12/23 10Y", "CATIC", true},
		{"CHGDNU 3.125 12/11/22", "CHGDNU", true},
		{"CNOOC 3.875 05/02/22 REGS", "CNOOC", true},
		{"ACAFP V4 01/10/33 REGS", "ACAFP", true},
		{"BCHINA V3.6 PERP", "BCHINA", true},
		{"CHINAM V5.2 PERP 1", "CHINAM", true},
		{"CHINLP 2.5 06/30/35 emtn", "CHINLP", true},
		{"ADBCH 2.96 04/17/30 2004", "ADBCH", true},
		{"B 0 01/19/21", "B", true},
		{"T 5 3/8 02/15/31", "T", true},
		{"BPLN 2.75 05/10/23 *", "BPLN", true},
		{"XYZ FRN 01/15/2030", "XYZ", true},
		{"SHNTN 2015-1X B", "", false},
		{"United States Dollar", "", false},
		{"CHINA MOBILE LTD", "", false},
		{"CNOOC 4.375", "", false},
		{"CNOOC 4.375 13/02/28", "", false},
		{"CNOOC 4.375. 05/02/28", "", false},
		{"", "", false},
	}
	for _, c := range cases {
		short, ok := BondIssuerShortName(c.desc)
		if short != c.short || ok != c.ok {
			t.Errorf("BondIssuerShortName(%q) = %q, %v; want %q, %v", c.desc, short, ok, c.short, c.ok)
		}
	}
}

func TestIsSovereignShortName(t *testing.T) {
	for _, s := range []string{"CHINA", "china", "PRC", "CGB", "KOREA", "KSA", "UKT"} {
		if !IsSovereignShortName(s) {
			t.Errorf("IsSovereignShortName(%q) = false", s)
		}
	}
	for _, s := range []string{"CNOOC", "BCHINA", "CHINAM", "CHGDNU", "T", "B", "CATIC", ""} {
		if IsSovereignShortName(s) {
			t.Errorf("IsSovereignShortName(%q) = true", s)
		}
	}
}

// TestGenevaBondDescriptions reads every bond description of the Geneva
// positions report (UTF-16 LE): all but one have a short name, and the
// sovereigns are CHINA, KOREA and KSA.
func TestGenevaBondDescriptions(t *testing.T) {
	raw, err := os.ReadFile(shareddata.Path(t, "holdings/geneva/geneva_investment_positions_12XXX_bond_group_2020-11-30.utf16le.txt"))
	if err != nil {
		t.Fatal(err)
	}
	raw = bytes.TrimPrefix(raw, []byte{0xFF, 0xFE})
	u := make([]uint16, len(raw)/2)
	for i := range u {
		u[i] = uint16(raw[2*i]) | uint16(raw[2*i+1])<<8
	}
	text := string(utf16.Decode(u))
	var n int
	var failed []string
	sov := map[string]int{}
	for _, line := range strings.Split(text, "\r\n") {
		f := strings.Split(line, "\t")
		if len(f) < 7 || !strings.HasSuffix(f[2], "Bond") {
			continue
		}
		n++
		short, ok := BondIssuerShortName(f[5])
		if !ok {
			failed = append(failed, f[5])
			continue
		}
		if IsSovereignShortName(short) {
			sov[short]++
		}
	}
	if strings.Join(failed, "|") != "SHNTN 2015-1X B" {
		t.Errorf("descriptions without a short name: %q, want only the ABS line", failed)
	}
	if sov["CHINA"] != 5 || sov["KOREA"] != 2 || sov["KSA"] != 1 || len(sov) != 3 {
		t.Errorf("sovereign short names %v, want CHINA 5, KOREA 2, KSA 1", sov)
	}
	if n < 200 {
		t.Errorf("read %d bond lines, want about 210", n)
	}
}

func FuzzBondIssuerShortName(f *testing.F) {
	f.Add("CNOOC 4.375 05/02/28")
	f.Add("T 5 3/8 02/15/31")
	f.Add("BCHINA V3.6 PERP")
	f.Fuzz(func(t *testing.T, desc string) {
		short, ok := BondIssuerShortName(desc)
		if ok != (short != "") {
			t.Fatalf("BondIssuerShortName(%q) = %q, %v", desc, short, ok)
		}
		if ok && !strings.HasPrefix(strings.ToUpper(strings.TrimSpace(desc)), short) {
			t.Fatalf("BondIssuerShortName(%q) = %q, not the first word", desc, short)
		}
	})
}
