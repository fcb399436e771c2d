package lists

import (
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/screener/screener/issuers"
	"github.com/screener/screener/screener"
)

// OFAC's identifier labels with a field of their own in screener.Entry. The
// same spelling is an idType in the XML, a Remarks label in the CSV, an ids
// TYPE in the CSL and a reference value in the advanced XML.
const (
	labelISIN       = "ISIN"
	labelTicker     = "Equity Ticker"
	labelIssuer     = "Issuer Name"
	labelTarget     = "Target Type"
	labelListing    = "Listing Date (CMIC)"
	labelEffective  = "Effective Date (CMIC)"
	labelDivestment = "Purchase/Sales For Divestment Date (CMIC)"
	labelUSCC       = "Unified Social Credit Code (USCC)"
	labelLEI        = "Legal Entity Number"
	labelLinkedTo   = "Linked To:"
)

// knownLabels is OFAC's vocabulary of identifier labels (the idTypes of the
// 2025 sdnList XML, plus labels seen in the SDN CSV and the CSL). Remarks
// segments are matched against it by longest prefix.
var knownLabels = []string{
	labelISIN, labelTicker, labelIssuer, labelTarget, labelListing, labelEffective,
	labelDivestment, labelUSCC, labelLEI, labelLinkedTo,
	"Secondary sanctions risk:", "Executive Order 13662 Directive Determination -",
	"Executive Order 13846 information:", "Executive Order 14024 Directive Information -",
	"Executive Order 14024 Directive Information", "Executive Order 14014 Directive Information:",
	"Executive Order 14059 information:", "CAATSA Section 235 Information:",
	"Additional Sanctions Information -", "Organization Established Date", "Organization Type:",
	"Transactions Prohibited For Persons Owned or Controlled By U.S. Financial Institutions:",
	"Listing Date (EO 14024 Directive 1a):", "Effective Date (EO 14024 Directive 1a):",
	"Listing Date (EO 14024 Directive 2):", "Effective Date (EO 14024 Directive 2):",
	"Listing Date (EO 14024 Directive 3):", "Effective Date (EO 14024 Directive 3):",
	"Listing Date (EO 14014 Directive 1):", "Effective Date (EO 14014 Directive 1):",
	"Tax ID No.", "Registration ID", "Registration Number", "Public Registration Number",
	"Business Registration Number", "Commercial Registry Number", "Company Number", "C.R. No.",
	"Government Gazette Number", "Website", "Email Address", "SWIFT/BIC", "BIK (RU)",
	"Nationality of Registration", "V.A.T. Number", "Passport", "National ID No.",
	"Driver's License No.", "License", "Gender", "Cedula No.", "NIT #", "RUC #",
	"Matricula Mercantil No", "SSN", "Identification Number", "Vessel Registration Identification",
	"Former Vessel Flag", "Other Vessel Flag", "Other Vessel Type", "MMSI", "Phone Number",
	"Aircraft Construction Number (also called L/N or S/N or F/N)", "Aircraft Manufacturer's Serial Number (MSN)",
	"Aircraft Model", "Aircraft Operator", "Aircraft Manufacture Date", "Aircraft Mode S Transponder Code",
	"Aircraft Tail Number", "Previous Aircraft Tail Number", "Digital Currency Address - XBT",
	"Digital Currency Address - ETH", "Digital Currency Address - USDT", "Digital Currency Address - XMR",
	"Digital Currency Address - LTC", "Digital Currency Address - TRX", "Digital Currency Address - BSV",
	"Digital Currency Address - BCH", "Digital Currency Address - ZEC", "Digital Currency Address - DASH",
	"Digital Currency Address - BTG", "Digital Currency Address - ETC", "Digital Currency Address - XVG",
	"Digital Currency Address - USDC", "Digital Currency Address - ARB", "Digital Currency Address - BSC",
	"Stock Ticker", "Trade License No.", "Immigration No.", "Personal ID Card", "Residency Number",
	"Birth Certificate Number", "Kenyan ID No.", "UK Company Number", "Chinese Commercial Code",
	"Registration Country", "Manufacturer", "IFCA Determination -", "Credit Card",
	"Travel Document Number", "Electoral Registry No.",
}

// noCountryLabels are labels whose values are never followed by "(Country)".
var noCountryLabels = map[string]bool{
	labelISIN: true, labelTicker: true, labelIssuer: true, labelTarget: true,
	labelListing: true, labelEffective: true, labelDivestment: true, labelLinkedTo: true,
	"Secondary sanctions risk:": true, "Website": true, "Email Address": true, "Gender": true,
	"Organization Established Date": true, "Organization Type:": true,
}

// labelsByLength is knownLabels, longest first, for longest-prefix matching.
var labelsByLength = func() []string {
	l := append([]string(nil), knownLabels...)
	sort.SliceStable(l, func(i, j int) bool { return len(l[i]) > len(l[j]) })
	return l
}()

// matchLabel returns the longest known label that seg starts with (followed
// by a space or nothing) and the value after it.
func matchLabel(seg string) (label, value string, ok bool) {
	for _, l := range labelsByLength {
		if seg == l {
			return l, "", true
		}
		if strings.HasPrefix(seg, l) && len(seg) > len(l) && seg[len(l)] == ' ' {
			return l, strings.TrimSpace(seg[len(l):]), true
		}
	}
	return "", "", false
}

// countrySuffix matches a value followed by " (Country)".
var countrySuffix = regexp.MustCompile(`^(.*\S)\s+\(([A-Za-z][A-Za-z .,'&-]*)\)$`)

// splitCountry splits "VALUE (Country)" for labels that carry a country.
func splitCountry(label, value string) (string, string) {
	if noCountryLabels[label] {
		return value, ""
	}
	if m := countrySuffix.FindStringSubmatch(value); m != nil {
		return m[1], m[2]
	}
	return value, ""
}

// builder collects one entry's fields and problems as a reader finds them.
type builder struct {
	e        screener.Entry
	targets  []string
	warnings []string
}

// warnf records a data-quality note about the entry.
func (b *builder) warnf(format string, args ...any) {
	b.warnings = append(b.warnings, fmt.Sprintf("entry %s: ", b.e.ID)+fmt.Sprintf(format, args...))
}

// addID files one identifier under its label.
func (b *builder) addID(label, value, country string) {
	value = strings.TrimSpace(value)
	if value == "" {
		return
	}
	e := &b.e
	switch label {
	case labelISIN:
		e.ISINs = append(e.ISINs, value)
	case labelTicker:
		e.Tickers = append(e.Tickers, ticker(value))
	case labelIssuer:
		e.IssuerNames = append(e.IssuerNames, value)
	case labelTarget:
		b.targets = append(b.targets, value)
	case labelListing:
		b.setDate(&e.ListingDate, label, value)
	case labelEffective:
		b.setDate(&e.EffectiveDate, label, value)
	case labelDivestment:
		b.setDate(&e.DivestmentDate, label, value)
	case labelUSCC:
		e.USCCs = append(e.USCCs, value)
	case labelLEI:
		e.LEIs = append(e.LEIs, value)
	case labelLinkedTo:
		e.LinkedTo = append(e.LinkedTo, value)
	default:
		e.OtherIDs = append(e.OtherIDs, screener.ID{Type: label, Value: value, Country: country})
	}
}

// ticker returns the ticker as printed plus its normalised form when
// issuers can read it.
func ticker(raw string) issuers.Ticker {
	t, err := issuers.ParseTicker(raw)
	if err != nil {
		return issuers.Ticker{Raw: raw}
	}
	t.Raw = raw
	return t
}

// setDate reads an OFAC date ("03 Jun 2021", or ISO) into *d.
func (b *builder) setDate(d *screener.Date, label, value string) {
	v, err := parseListDate(value)
	if err != nil {
		b.warnf("%s %q is not a date (want DD Mon YYYY)", label, value)
		return
	}
	if !d.IsZero() && *d != v {
		b.warnf("two different %s values: %s and %s; kept the first", label, d, v)
		return
	}
	*d = v
}

// parseListDate reads "02 Jan 2006", "2 Jan 2006" or "2006-01-02".
func parseListDate(s string) (screener.Date, error) {
	s = strings.TrimSpace(s)
	for _, layout := range []string{"02 Jan 2006", "2 Jan 2006", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return screener.DateOf(t), nil
		}
	}
	return screener.Date{}, fmt.Errorf("date %q", s)
}

// aliasType maps OFAC's alias type spellings to "aka", "fka" or "nka".
func aliasType(s string) string {
	t := strings.ToLower(strings.ReplaceAll(strings.TrimSpace(s), ".", ""))
	switch t {
	case "aka", "fka", "nka":
		return t
	}
	return t
}

// finish puts the entry in its canonical form: programs sorted, aliases
// sorted, target types joined in order; nil slices become empty so JSON
// shows [] for the keys the issue names.
func (b *builder) finish() screener.Entry {
	e := b.e
	// Order carries no meaning in OFAC's files (the XML and the CSV of
	// one date order them differently), so every multi-value is sorted.
	sort.Strings(e.Programs)
	e.Programs = slices.Compact(e.Programs)
	sortAliases(e.Aliases)
	sort.Strings(e.ISINs)
	sort.Strings(e.IssuerNames)
	sort.Strings(e.USCCs)
	sort.Strings(e.LEIs)
	sort.Strings(e.LinkedTo)
	sort.SliceStable(e.OtherIDs, func(i, j int) bool {
		a, b := e.OtherIDs[i], e.OtherIDs[j]
		if a.Type != b.Type {
			return a.Type < b.Type
		}
		if a.Value != b.Value {
			return a.Value < b.Value
		}
		return a.Country < b.Country
	})
	sort.SliceStable(e.Tickers, func(i, j int) bool { return e.Tickers[i].Raw < e.Tickers[j].Raw })
	if len(b.targets) > 0 {
		t := append([]string(nil), b.targets...)
		sort.Strings(t)
		e.TargetType = strings.Join(t, "; ")
	}
	if e.Programs == nil {
		e.Programs = []string{}
	}
	if e.Aliases == nil {
		e.Aliases = []screener.Alias{}
	}
	if e.ISINs == nil {
		e.ISINs = []string{}
	}
	if e.Tickers == nil {
		e.Tickers = []issuers.Ticker{}
	}
	if e.IssuerNames == nil {
		e.IssuerNames = []string{}
	}
	if e.LinkedTo == nil {
		e.LinkedTo = []string{}
	}
	return e
}

// sortAliases orders aliases by name, then type, then strength.
func sortAliases(a []screener.Alias) {
	sort.SliceStable(a, func(i, j int) bool {
		if a[i].Name != a[j].Name {
			return a[i].Name < a[j].Name
		}
		if a[i].Type != a[j].Type {
			return a[i].Type < a[j].Type
		}
		return a[i].Strength < a[j].Strength
	})
}

// splitPrograms reads OFAC's program field: "A] [B", "[A] [B]" or "A; B".
func splitPrograms(s string) []string {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil
	}
	var out []string
	for _, p := range strings.Split(s, "] [") {
		for _, q := range strings.Split(p, ";") {
			q = strings.TrimSpace(strings.Trim(strings.TrimSpace(q), "[]"))
			if q != "" {
				out = append(out, q)
			}
		}
	}
	return out
}

// checkCMIC adds a warning for each CMIC entry whose three dates are missing
// or not Listing + 60 days (Effective) and Listing + 365 days (Divestment).
// It never fails the read (RULES.md T-9).
func checkCMIC(l *screener.List) {
	for i := range l.Entries {
		e := &l.Entries[i]
		if !e.HasProgram(screener.ProgramCMIC) {
			continue
		}
		if e.ListingDate.IsZero() || e.EffectiveDate.IsZero() || e.DivestmentDate.IsZero() {
			l.Warnings = append(l.Warnings, fmt.Sprintf("entry %s (%s): CMIC entry lacks a date: listing %q, effective %q, divestment %q",
				e.ID, e.Name, e.ListingDate, e.EffectiveDate, e.DivestmentDate))
			continue
		}
		if got := e.EffectiveDate.Sub(e.ListingDate); got != 60 {
			l.Warnings = append(l.Warnings, fmt.Sprintf("entry %s (%s): effective date %s is listing date %s + %d days, want + 60",
				e.ID, e.Name, e.EffectiveDate, e.ListingDate, got))
		}
		if got := e.DivestmentDate.Sub(e.ListingDate); got != 365 {
			l.Warnings = append(l.Warnings, fmt.Sprintf("entry %s (%s): divestment date %s is listing date %s + %d days, want + 365",
				e.ID, e.Name, e.DivestmentDate, e.ListingDate, got))
		}
	}
}

// joinNonEmpty joins the non-empty trimmed parts with sep.
func joinNonEmpty(sep string, parts ...string) string {
	var out []string
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, sep)
}
