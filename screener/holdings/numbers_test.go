package holdings

import (
	"strings"
	"testing"
)

func TestParseNumber(t *testing.T) {
	tests := []struct {
		name     string
		in       string
		european bool
		want     string // "" = no value
		err      string // substring of the error
	}{
		{"plain", "256.5", false, "256.5", ""},
		{"thousands", "1,234.56", false, "1234.56", ""},
		{"big thousands", "2,000,000,000.00", false, "2000000000", ""},
		{"negative", "-1,234.56", false, "-1234.56", ""},
		{"quoted negative geneva", "-2,513,764.12", false, "-2513764.12", ""},
		{"parentheses", "(1,234.56)", false, "-1234.56", ""},
		{"percent", "4.15%", false, "4.15", ""},
		{"percent negative", "-0.64 %", false, "-0.64", ""},
		{"european", "1.234,56", true, "1234.56", ""},
		{"european no thousands", "20345,00", true, "20345", ""},
		{"european parentheses", "(1.234,50)", true, "-1234.5", ""},
		{"plus", "+5", false, "5", ""},
		{"leading point", ".5", false, "0.5", ""},
		{"spaces", "  42 ", false, "42", ""},
		{"20 digits", "12345678901234567890.5", false, "12345678901234567890.5", ""},
		{"30 digits", "123456789012345678901234567890", false, "123456789012345678901234567890", ""},
		{"leading zeros do not count", "0000000000000000000000000000001", false, "1", ""},
		{"empty", "", false, "", ""},
		{"dash", "-", false, "", ""},
		{"NA", "NA", false, "", ""},
		{"N/A", "N/A", false, "", ""},
		{"31 digits", "1234567890123456789012345678901", false, "", "more than 30 digits"},
		{"NaN", "NaN", false, "", "NaN"},
		{"Inf", "-Inf", false, "", "infinity"},
		{"exponent", "1e5", false, "", "exponent"},
		{"two points", "1.2.3", false, "", "more than one decimal point"},
		{"bad grouping", "1,23", false, "", "misplaced thousands separator"},
		{"bad grouping long", "1234,567", false, "", "misplaced thousands separator"},
		{"group after point", "1.234,5", false, "", "more than one decimal point"},
		{"european given US", "1.234,56", false, "", ""},
		{"letters", "12abc", false, "", "unexpected"},
		{"double minus", "(-5)", false, "", "two minus signs"},
		{"sign only", "-%", false, "", "not a number"},
		{"comma only", ",", false, "", "misplaced thousands separator"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, ok, err := parseNumber(tt.in, tt.european)
			if tt.name == "european given US" {
				if err == nil {
					t.Errorf("parseNumber(%q) = %s, want an error", tt.in, d)
				}
				return
			}
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Errorf("parseNumber(%q) error = %v, want %q", tt.in, err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatalf("parseNumber(%q): %v", tt.in, err)
			}
			if tt.want == "" {
				if ok {
					t.Errorf("parseNumber(%q) = %s, want no value", tt.in, d)
				}
				return
			}
			if !ok || !d.Equal(dec(tt.want)) {
				t.Errorf("parseNumber(%q) = %s, %v; want %s", tt.in, d, ok, tt.want)
			}
		})
	}
}
