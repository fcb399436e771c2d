package lists

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/screener/screener/screener"
	"github.com/screener/screener/screener/shareddata"
)

// readOne reads path with ReadPath and wants exactly one list.
func readOne(t testing.TB, path string) *screener.List {
	t.Helper()
	ls, err := ReadPath(path)
	if err != nil {
		t.Fatalf("ReadPath(%s): %v", path, err)
	}
	if len(ls) != 1 {
		t.Fatalf("ReadPath(%s): %d lists, want 1", path, len(ls))
	}
	return ls[0]
}

func entryByID(t testing.TB, l *screener.List, id string) screener.Entry {
	t.Helper()
	for _, e := range l.Entries {
		if e.ID == id {
			return e
		}
	}
	t.Fatalf("%s: no entry %s", l.Name, id)
	return screener.Entry{}
}

func cmicEntries(l *screener.List) []screener.Entry {
	var out []screener.Entry
	for _, e := range l.Entries {
		if e.HasProgram(screener.ProgramCMIC) {
			out = append(out, e)
		}
	}
	return out
}

func tickerRaws(e screener.Entry) []string {
	var out []string
	for _, t := range e.Tickers {
		out = append(out, t.Raw)
	}
	return out
}

func hasAlias(e screener.Entry, name, typ, strength string) bool {
	return slices.Contains(e.Aliases, screener.Alias{Name: name, Type: typ, Strength: strength})
}

// listStats are the counts the issue and FORMATS.md state for the CMIC rows.
type listStats struct {
	entries, cmic, withISIN, isins, withTicker, tickers int
}

func statsOf(l *screener.List) listStats {
	s := listStats{entries: len(l.Entries)}
	for _, e := range cmicEntries(l) {
		s.cmic++
		if len(e.ISINs) > 0 {
			s.withISIN++
		}
		s.isins += len(e.ISINs)
		if len(e.Tickers) > 0 {
			s.withTicker++
		}
		s.tickers += len(e.Tickers)
	}
	return s
}

func TestReadRealFilesCounts(t *testing.T) {
	tests := []struct {
		name   string
		rel    string
		format string
		list   string
		asOf   string
		files  int
		warns  int
		want   listStats
	}{
		{"consolidated CSV 2025-12 (CRLF, 0x1A, spill)", "lists/ofac-cons-csv-2025-12", FormatOFACCSV, screener.ListOFACConsolidated, "", 4, 0,
			listStats{entries: 442, cmic: 68, withISIN: 53, isins: 165, withTicker: 40, tickers: 69}},
		{"consolidated CSV 2025-03 (LF only, prim+add)", "lists/ofac-cons-csv-2025-03", FormatOFACCSV, screener.ListOFACConsolidated, "", 2, 10,
			listStats{entries: 443, cmic: 68, withISIN: 53, isins: 165, withTicker: 40, tickers: 69}},
		{"consolidated XML 2025-03", "lists/ofac-cons-xml-2025-03/consolidated.xml", FormatOFACXML, screener.ListOFACConsolidated, "2025-03-28", 1, 0,
			listStats{entries: 443, cmic: 68, withISIN: 53, isins: 165, withTicker: 40, tickers: 69}},
		{"SDN CSV 2021-07", "lists/ofac-sdn-csv-2021-07", FormatOFACCSV, screener.ListOFACSDN, "", 4, 0,
			listStats{entries: 8976}},
		{"advanced XML 2020-03 (pre-CMIC)", "lists/ofac-cons-advanced-xml-2020-03/cons_advanced.xml", FormatOFACAdvanced, screener.ListOFACConsolidated, "2020-03-17", 1, 0,
			listStats{entries: 375}},
		{"CSL 2025 layout", "lists/trade-gov-csl-samples/consolidated_sample_2025.csv", FormatCSL, screener.ListCSL, "", 1, 0,
			listStats{entries: 13}},
		{"CSL 2019 layout", "lists/trade-gov-csl-samples/csl_sample_2019.csv", FormatCSL, screener.ListCSL, "", 1, 0,
			listStats{entries: 115}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := readOne(t, shareddata.Path(t, tt.rel))
			if l.Format != tt.format || l.Name != tt.list {
				t.Errorf("format, name = %s, %s; want %s, %s", l.Format, l.Name, tt.format, tt.list)
			}
			if got := l.AsOf.String(); got != tt.asOf {
				t.Errorf("AsOf = %q, want %q", got, tt.asOf)
			}
			if got := statsOf(l); got != tt.want {
				t.Errorf("stats = %+v, want %+v", got, tt.want)
			}
			if len(l.Sources) != tt.files {
				t.Fatalf("%d sources, want %d", len(l.Sources), tt.files)
			}
			for _, s := range l.Sources {
				st, err := os.Stat(s.Path)
				if err != nil || st.Size() != s.Size || len(s.SHA256) != 64 {
					t.Errorf("source %+v does not describe the file (%v)", s, err)
				}
			}
			if len(l.Warnings) != tt.warns {
				t.Errorf("%d warnings, want %d: %q", len(l.Warnings), tt.warns, l.Warnings)
			}
		})
	}
}

// TestCMICDates: every CMIC entry has its three dates, Effective = Listing
// + 60 days, Divestment = Listing + 365 days; 59 + 1 + 8 by listing date.
func TestCMICDates(t *testing.T) {
	l := readOne(t, shareddata.Path(t, "lists/ofac-cons-csv-2025-12"))
	byListing := map[string]int{}
	for _, e := range cmicEntries(l) {
		if e.ListingDate.IsZero() || e.EffectiveDate.IsZero() || e.DivestmentDate.IsZero() {
			t.Errorf("%s %s: missing a date", e.ID, e.Name)
			continue
		}
		if got := e.EffectiveDate.Sub(e.ListingDate); got != 60 {
			t.Errorf("%s: effective - listing = %d days, want 60", e.ID, got)
		}
		if got := e.DivestmentDate.Sub(e.ListingDate); got != 365 {
			t.Errorf("%s: divestment - listing = %d days, want 365", e.ID, got)
		}
		byListing[e.ListingDate.String()]++
	}
	want := map[string]int{"2021-06-03": 59, "2021-12-10": 1, "2021-12-16": 8}
	if !reflect.DeepEqual(byListing, want) {
		t.Errorf("listing dates %v, want %v", byListing, want)
	}
}

func TestCMICDateWarning(t *testing.T) {
	row := `1,"X CO",-0- ,"CMIC-EO13959",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,"Listing Date (CMIC) 03 Jun 2021; Effective Date (CMIC) 03 Aug 2021; Purchase/Sales For Divestment Date (CMIC) 03 Jun 2022."` + "\r\n"
	l, err := Read("cons_prim.csv", strings.NewReader(row))
	if err != nil {
		t.Fatal(err)
	}
	if len(l.Warnings) != 1 || !strings.Contains(l.Warnings[0], "+ 61 days, want + 60") {
		t.Errorf("warnings = %q, want one about effective date + 61 days", l.Warnings)
	}
}

// TestOFACCSVEntries checks single entries of the 2025-12 set for each quirk.
func TestOFACCSVEntries(t *testing.T) {
	l := readOne(t, shareddata.Path(t, "lists/ofac-cons-csv-2025-12"))
	tests := []struct {
		name  string
		id    string
		check func(t *testing.T, e screener.Entry)
	}{
		{"33113 Sugon: issuer name, ticker without space, USCC country stripped, weak alias", "33113", func(t *testing.T, e screener.Entry) {
			if !slices.Equal(e.ISINs, []string{"CNE100001TW7"}) || !slices.Equal(e.IssuerNames, []string{"Sugon Information Industry Co., Ltd."}) {
				t.Errorf("ISINs %v, issuer names %v", e.ISINs, e.IssuerNames)
			}
			if !slices.Equal(tickerRaws(e), []string{"603019CN"}) {
				t.Errorf("tickers %v, want [603019CN] as printed", tickerRaws(e))
			}
			if !slices.Equal(e.USCCs, []string{"91120000783342508F"}) {
				t.Errorf("USCCs %q", e.USCCs)
			}
			if e.ListingDate != screener.NewDate(2021, 12, 16) || e.EffectiveDate != screener.NewDate(2022, 2, 14) || e.DivestmentDate != screener.NewDate(2022, 12, 16) {
				t.Errorf("dates %s %s %s", e.ListingDate, e.EffectiveDate, e.DivestmentDate)
			}
			if !hasAlias(e, "SUGON", "aka", "weak") {
				t.Errorf("aliases %+v lack weak SUGON", e.Aliases)
			}
			want := screener.Address{Address: "Zhongguancun Software Park, Sugon Building 36, 8, Dongbeiwang West Road, Haidian District", City: "Beijing 100193", Country: "China"}
			if !slices.Equal(e.Addresses, []screener.Address{want}) {
				t.Errorf("addresses %+v", e.Addresses)
			}
			if e.Type != "entity" || e.TargetType != "" {
				t.Errorf("type %q, target type %q", e.Type, e.TargetType)
			}
		}},
		{"30930 CCCC: spilled remarks rebuilt, malformed ISINs verbatim", "30930", func(t *testing.T, e screener.Entry) {
			if !hasAlias(e, "CCCC", "aka", "weak") {
				t.Errorf("weak alias CCCC not found (spill not joined): %+v", e.Aliases)
			}
			if !slices.Equal(e.USCCs, []string{"91110000710934369E"}) {
				t.Errorf("USCCs %q", e.USCCs)
			}
			if !strings.HasSuffix(e.Remarks, "91110000710934369E (China); a.k.a. 'CCCC'.") {
				t.Errorf("remarks end %q", e.Remarks[len(e.Remarks)-60:])
			}
			if len(e.ISINs) != 20 || !slices.Contains(e.ISINs, "CND10002K094") || !slices.Contains(e.ISINs, "CND10002G601") {
				t.Errorf("%d ISINs %v", len(e.ISINs), e.ISINs)
			}
			if e.ListingDate.IsZero() {
				t.Error("no listing date")
			}
		}},
		{"30926 CNOOC: 11-char ISIN kept, LEI, company number with country", "30926", func(t *testing.T, e screener.Entry) {
			if !slices.Contains(e.ISINs, "BRC1EODR004") {
				t.Errorf("ISINs %v lack BRC1EODR004", e.ISINs)
			}
			if !slices.Equal(e.LEIs, []string{"549300XIVJCBIGMRUD48"}) {
				t.Errorf("LEIs %v", e.LEIs)
			}
			if !slices.Contains(e.OtherIDs, screener.ID{Type: "Company Number", Value: "0685974", Country: "Hong Kong"}) {
				t.Errorf("other IDs %+v", e.OtherIDs)
			}
			if !slices.Equal(e.LinkedTo, []string{"CHINA NATIONAL OFFSHORE OIL CORPORATION"}) {
				t.Errorf("linked to %q", e.LinkedTo)
			}
			if !slices.Equal(tickerRaws(e), []string{"00883 HK", "CEO US", "CNU CA", "NC2B DE"}) {
				t.Errorf("tickers %q", tickerRaws(e))
			}
		}},
		{"32069: ticker with two spaces kept as printed", "32069", func(t *testing.T, e screener.Entry) {
			if !slices.Equal(tickerRaws(e), []string{"601698  CN"}) {
				t.Errorf("tickers %q", tickerRaws(e))
			}
		}},
		{"32091: Linked To keeps the period the Remarks terminator shares", "32091", func(t *testing.T, e screener.Entry) {
			if !slices.Equal(e.LinkedTo, []string{"HUAWEI INVESTMENT & HOLDING CO., LTD."}) {
				t.Errorf("linked to %q", e.LinkedTo)
			}
			if e.TargetType != "Private Company" || len(e.ISINs) != 4 {
				t.Errorf("target type %q, ISINs %v", e.TargetType, e.ISINs)
			}
		}},
		{"9647: programs A] [B, individual, weak aliases, strong alias from alt", "9647", func(t *testing.T, e screener.Entry) {
			if !slices.Equal(e.Programs, []string{"NS-PLC", "SDGT"}) {
				t.Errorf("programs %q", e.Programs)
			}
			if e.Type != "individual" || e.Name != "ZAHHAR, Mahmoud Khaled" {
				t.Errorf("type %q name %q", e.Type, e.Name)
			}
			if !hasAlias(e, "ZAHAR, Mahmoud", "aka", "weak") || !hasAlias(e, "AL ZAHAR, Mahmoud Khaled", "aka", "strong") {
				t.Errorf("aliases %+v", e.Aliases)
			}
			if !slices.Equal(e.LinkedTo, []string{"HAMAS"}) {
				t.Errorf("linked to %q", e.LinkedTo)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.check(t, entryByID(t, l, tt.id)) })
	}
}

func TestSDNCSV2021(t *testing.T) {
	l := readOne(t, shareddata.Path(t, "lists/ofac-sdn-csv-2021-07"))
	types := map[string]int{}
	for _, e := range l.Entries {
		types[e.Type]++
	}
	want := map[string]int{"individual": 4620, "entity": 3673, "vessel": 406, "aircraft": 277}
	if !reflect.DeepEqual(types, want) {
		t.Errorf("types %v, want %v", types, want)
	}
	e := entryByID(t, l, "28263")
	if !hasAlias(e, "snowsjohn", "aka", "weak") || !slices.Equal(e.LinkedTo, []string{"LAZARUS GROUP"}) {
		t.Errorf("28263 spill not rebuilt: aliases %+v, linked to %q", e.Aliases, e.LinkedTo)
	}
	e = entryByID(t, l, "306")
	if !hasAlias(e, "BNC", "aka", "weak") || !hasAlias(e, "NATIONAL BANK OF CUBA", "aka", "strong") {
		t.Errorf("306 aliases %+v", e.Aliases)
	}
	if !slices.Contains(e.Addresses, screener.Address{Address: "Zweierstrasse 35", City: "Zurich CH-8022", Country: "Switzerland"}) {
		t.Errorf("306 addresses %+v", e.Addresses)
	}
	if e := entryByID(t, l, "4307"); !hasAlias(e, "CORTEZ, Oliverio Abril", "fka", "strong") {
		t.Errorf("4307 aliases %+v", e.Aliases)
	}
}

// comparable strips what differs by format by design: the XML keeps only
// leftover remarks.
func comparable(e screener.Entry) screener.Entry {
	e.Remarks = ""
	return e
}

// TestCSVEqualsXML: the same data in two formats gives equal entries.
func TestCSVEqualsXML(t *testing.T) {
	xml := readOne(t, shareddata.Path(t, "lists/ofac-cons-xml-2025-03/consolidated.xml"))
	xmlByID := map[string]screener.Entry{}
	for _, e := range xml.Entries {
		xmlByID[e.ID] = e
	}
	t.Run("68 CMIC entries of CSV 2025-12 equal the XML 2025-03 in every field", func(t *testing.T) {
		csv := readOne(t, shareddata.Path(t, "lists/ofac-cons-csv-2025-12"))
		n := 0
		for _, e := range cmicEntries(csv) {
			n++
			x, ok := xmlByID[e.ID]
			if !ok {
				t.Errorf("%s not in the XML", e.ID)
				continue
			}
			if !reflect.DeepEqual(comparable(e), comparable(x)) {
				t.Errorf("%s differs:\n csv %+v\n xml %+v", e.ID, comparable(e), comparable(x))
			}
		}
		if n != 68 {
			t.Errorf("%d CMIC entries, want 68", n)
		}
	})
	t.Run("443 entries of CSV 2025-03 equal the XML where the CSV set has the field", func(t *testing.T) {
		csv := readOne(t, shareddata.Path(t, "lists/ofac-cons-csv-2025-03"))
		if len(csv.Entries) != len(xml.Entries) {
			t.Fatalf("%d CSV entries, %d XML entries", len(csv.Entries), len(xml.Entries))
		}
		truncated := 0
		defer func() {
			if truncated != len(csv.Warnings) || truncated != 10 {
				t.Errorf("%d entries with cut remarks, %d warnings; want 10 of each", truncated, len(csv.Warnings))
			}
		}()
		for _, e := range csv.Entries {
			x, ok := xmlByID[e.ID]
			if !ok {
				t.Errorf("%s not in the XML", e.ID)
				continue
			}
			// This CSV set has no cons_comments.csv: remarks cut at 1,000
			// characters lose what follows, and the reader says so.
			// Name, program set and ISIN set still agree (FORMATS.md §6).
			if e.Name != x.Name || !slices.Equal(e.Programs, x.Programs) || !slices.Equal(e.ISINs, x.ISINs) {
				t.Errorf("%s: name, programs or ISINs differ: %q %q %q / %q %q %q", e.ID, e.Name, e.Programs, e.ISINs, x.Name, x.Programs, x.ISINs)
			}
			if len(e.Remarks) >= 1000 {
				truncated++
				continue
			}
			// This CSV set has no cons_alt.csv: compare the weak aliases only.
			var weak []screener.Alias
			for _, a := range x.Aliases {
				if a.Strength == "weak" {
					weak = append(weak, a)
				}
			}
			if weak == nil {
				weak = []screener.Alias{}
			}
			x.Aliases = weak
			// 17064's XML prints "(Russia)" inside idNumber; OtherIDs are
			// not part of the contract.
			e.OtherIDs, x.OtherIDs = nil, nil
			if !reflect.DeepEqual(comparable(e), comparable(x)) {
				t.Errorf("%s differs:\n csv %+v\n xml %+v", e.ID, comparable(e), comparable(x))
			}
		}
	})
}

func TestOFACXMLEntry(t *testing.T) {
	l := readOne(t, shareddata.Path(t, "lists/ofac-cons-xml-2025-03/consolidated.xml"))
	weak := 0
	for _, e := range l.Entries {
		for _, a := range e.Aliases {
			if a.Strength == "weak" {
				weak++
			}
		}
	}
	if weak != 70 {
		t.Errorf("%d weak aliases, want 70 (FORMATS.md §2)", weak)
	}
	e := entryByID(t, l, "9639")
	if e.Name != "HANIYA, Ismail Abdul Salah" || e.Type != "individual" {
		t.Errorf("9639: name %q type %q", e.Name, e.Type)
	}
	e = entryByID(t, l, "32091")
	if !slices.Equal(e.LinkedTo, []string{"HUAWEI INVESTMENT & HOLDING CO., LTD."}) || e.Remarks != "(Linked To: HUAWEI INVESTMENT & HOLDING CO., LTD.)" {
		t.Errorf("32091: linked to %q, remarks %q", e.LinkedTo, e.Remarks)
	}
}

func TestAdvancedXML(t *testing.T) {
	l := readOne(t, shareddata.Path(t, "lists/ofac-cons-advanced-xml-2020-03/cons_advanced.xml"))
	e := entryByID(t, l, "9639")
	if e.Name != "HANIYA, Ismail Abdul Salah" || e.Type != "individual" || !slices.Equal(e.Programs, []string{"NS-PLC"}) {
		t.Errorf("9639: name %q type %q programs %q", e.Name, e.Type, e.Programs)
	}
	if !hasAlias(e, "HANIYA, Ismail", "aka", "strong") || !hasAlias(e, "HANIYYA, Ismaeel", "aka", "strong") {
		t.Errorf("9639 aliases %+v", e.Aliases)
	}
	e = entryByID(t, l, "17013")
	if !slices.Contains(e.OtherIDs, screener.ID{Type: "Registration ID", Value: "1027739609391", Country: "Russia"}) {
		t.Errorf("17013 other IDs %+v", e.OtherIDs)
	}
	e = entryByID(t, l, "18267")
	if !slices.Contains(e.LinkedTo, entryByID(t, l, "17022").Name) {
		t.Errorf("18267 linked to %q, want the name of 17022", e.LinkedTo)
	}
	for _, e := range l.Entries {
		if len(e.Programs) == 0 {
			t.Errorf("%s has no program", e.ID)
		}
	}
}

func TestCSL(t *testing.T) {
	t.Run("2025 layout: TYPE, VALUE, COUNTRY", func(t *testing.T) {
		l := readOne(t, shareddata.Path(t, "lists/trade-gov-csl-samples/consolidated_sample_2025.csv"))
		e := entryByID(t, l, "52291")
		if e.Name != "RIM, Ryong Nam" || !slices.Equal(e.Programs, []string{"NPWMD"}) || e.Type != "individual" {
			t.Errorf("52291: %q %q %q", e.Name, e.Programs, e.Type)
		}
		for _, id := range []screener.ID{
			{Type: "Passport", Value: "836238033", Country: "KP"},
			{Type: "Secondary sanctions risk:", Value: "North Korea Sanctions Regulations, sections 510.201 and 510.210"},
			{Type: "Gender", Value: "Male"},
		} {
			if !slices.Contains(e.OtherIDs, id) {
				t.Errorf("52291 lacks %+v in %+v", id, e.OtherIDs)
			}
		}
	})
	t.Run("2019 layout: [COUNTRY, ]VALUE, TYPE", func(t *testing.T) {
		l := readOne(t, shareddata.Path(t, "lists/trade-gov-csl-samples/csl_sample_2019.csv"))
		e := entryByID(t, l, "18792")
		for _, id := range []screener.ID{
			{Type: "Tax ID No.", Value: "5030056754"},
			{Type: "Executive Order 13662 Directive Determination -", Value: "Subject to Directive 3"},
			{Type: "Website", Value: "http://www.90zavod.ru"},
		} {
			if !slices.Contains(e.OtherIDs, id) {
				t.Errorf("18792 lacks %+v in %+v", id, e.OtherIDs)
			}
		}
		if !slices.Equal(e.LinkedTo, []string{"ROSTEC"}) || !slices.Equal(e.Programs, []string{"UKRAINE-EO13662"}) {
			t.Errorf("18792 linked to %q programs %q", e.LinkedTo, e.Programs)
		}
		if !hasAlias(e, "90 EXPERIMENTAL PLANT OPEN JOINT STOCK COMPANY", "aka", "strong") {
			t.Errorf("18792 aliases %+v", e.Aliases)
		}
	})
	t.Run("CMIC row in the older VALUE-first order (watchman test row)", func(t *testing.T) {
		in := "source,entity_number,type,programs,name,title,addresses,federal_register_notice,start_date,end_date,standard_order,license_requirement,license_policy,call_sign,vessel_type,gross_tonnage,gross_registered_tonnage,vessel_flag,vessel_owner,remarks,source_list_url,alt_names,citizenships,dates_of_birth,nationalities,places_of_birth,source_information_url,ids\n" +
			`Non-SDN Chinese Military-Industrial Complex Companies List (CMIC) - Treasury Department,32091,Entity,CMIC-EO13959,PROVEN HONOUR CAPITAL LIMITED,,"C/O Vistra Corporate Services Centre, Wickhams Cay II, Road Town, VG1110, VG",,,,,,,,,,,,,"(Linked To: HUAWEI INVESTMENT & HOLDING CO., LTD.)",,PROVEN HONOUR CAPITAL LTD,,,,,,"Proven Honour Capital Ltd, Issuer Name; Proven Honour Capital Limited, Issuer Name; XS1233275194, ISIN; HK0000216777, ISIN; Private Company, Target Type; XS1401816761, ISIN; HK0000111952, ISIN; 03 Jun 2021, Listing Date (CMIC); 02 Aug 2021, Effective Date (CMIC); 03 Jun 2022, Purchase/Sales For Divestment Date (CMIC)"` + "\n"
		l, err := Read("csl.csv", strings.NewReader(in))
		if err != nil {
			t.Fatal(err)
		}
		e := l.Entries[0]
		if !slices.Equal(e.ISINs, []string{"HK0000111952", "HK0000216777", "XS1233275194", "XS1401816761"}) ||
			e.TargetType != "Private Company" || e.ListingDate != screener.NewDate(2021, 6, 3) ||
			e.DivestmentDate != screener.NewDate(2022, 6, 3) || !slices.Equal(e.LinkedTo, []string{"HUAWEI INVESTMENT & HOLDING CO., LTD."}) {
			t.Errorf("entry %+v", e)
		}
		if len(l.Warnings) != 0 {
			t.Errorf("warnings %q", l.Warnings)
		}
	})
}

func TestCustom(t *testing.T) {
	l := readOne(t, filepath.Join("testdata", "custom-restricted.csv"))
	if l.Name != screener.ListCustom || l.Format != FormatCustom || len(l.Entries) != 3 {
		t.Fatalf("list %s %s with %d entries", l.Name, l.Format, len(l.Entries))
	}
	e := entryByID(t, l, "R-002")
	if !slices.Equal(e.ISINs, []string{"BRC1EODR004", "HK0883013259", "US1261321095"}) || !slices.Equal(tickerRaws(e), []string{"00883 HK", "CEO US"}) ||
		!slices.Equal(e.LEIs, []string{"549300XIVJCBIGMRUD48"}) || !slices.Equal(e.Programs, []string{"FIRM-CHINA-MIL"}) ||
		e.ListingDate != screener.NewDate(2021, 6, 3) || !hasAlias(e, "CNOOC LTD", "aka", "strong") || !strings.HasPrefix(e.Reason, "Firm policy;") {
		t.Errorf("R-002 %+v", e)
	}
	e = entryByID(t, l, "R-003")
	if !e.ListingDate.IsZero() || !slices.Equal(e.ISINs, []string{"KYG875721634"}) {
		t.Errorf("R-003 %+v", e)
	}
}

func TestSpillFixture(t *testing.T) {
	l := readOne(t, filepath.Join("testdata", "ofac-spill-eof"))
	if len(l.Entries) != 2 || len(l.Sources) != 4 || len(l.Warnings) != 0 {
		t.Fatalf("%d entries, %d sources, warnings %q", len(l.Entries), len(l.Sources), l.Warnings)
	}
	e := entryByID(t, l, "33113")
	if !slices.Equal(e.USCCs, []string{"91120000783342508F"}) || !hasAlias(e, "SUGON", "aka", "weak") {
		t.Errorf("33113 %+v", e)
	}
	e = entryByID(t, l, "9647")
	if !slices.Contains(e.Addresses, screener.Address{Country: "Region: Gaza"}) || !hasAlias(e, "AL ZAHAR, Mahmoud Khaled", "aka", "strong") {
		t.Errorf("9647 %+v", e)
	}
	// The main file alone (ReadPath on the file) still finds its companions.
	if l2 := readOne(t, filepath.Join("testdata", "ofac-spill-eof", "cons_prim.csv")); !reflect.DeepEqual(l2.Entries, l.Entries) {
		t.Error("reading cons_prim.csv gave other entries than reading its folder")
	}
}

func TestDetect(t *testing.T) {
	tests := []struct {
		rel, want string
	}{
		{"lists/ofac-cons-csv-2025-12", FormatOFACCSV},
		{"lists/ofac-cons-csv-2025-12/cons_prim.csv", FormatOFACCSV},
		{"lists/ofac-sdn-csv-2021-07/alt.csv", FormatOFACCSV},
		{"lists/ofac-cons-xml-2025-03/consolidated.xml", FormatOFACXML},
		{"lists/ofac-cons-xml-2025-03", FormatOFACXML},
		{"lists/ofac-cons-advanced-xml-2020-03/cons_advanced.xml", FormatOFACAdvanced},
		{"lists/trade-gov-csl-samples/consolidated_sample_2025.csv", FormatCSL},
		{"lists/trade-gov-csl-samples/csl_sample_2019.csv", FormatCSL},
		{"lists/trade-gov-csl-samples", FormatCSL},
	}
	for _, tt := range tests {
		t.Run(tt.rel, func(t *testing.T) {
			got, err := Detect(shareddata.Path(t, tt.rel))
			if err != nil || got != tt.want {
				t.Errorf("Detect = %q, %v; want %q", got, err, tt.want)
			}
		})
	}
	t.Run("custom fixture", func(t *testing.T) {
		if got, err := Detect("testdata/custom-restricted.csv"); err != nil || got != FormatCustom {
			t.Errorf("Detect = %q, %v", got, err)
		}
	})
	for _, rel := range []string{"lists/FORMATS.md", "lists/ofac-specs/consolidated_2018.xsd", "lists/ofac-specs", "lists"} {
		t.Run("no format: "+rel, func(t *testing.T) {
			p := shareddata.Path(t, rel)
			_, err := Detect(p)
			var pe *screener.ParseError
			if !errors.As(err, &pe) || !strings.HasPrefix(pe.File, p) {
				t.Errorf("Detect(%s) error %v, want a ParseError naming the file", rel, err)
			}
		})
	}
}

func TestReadErrors(t *testing.T) {
	const prim = `33113,"DAWNING INFORMATION INDUSTRY CO., LTD",-0- ,"CMIC-EO13959",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ` + "\r\n"
	cslHeader := "_id,source,entity_number,type,programs,name,title,addresses,federal_register_notice,start_date,end_date,standard_order,license_requirement,license_policy,call_sign,vessel_type,gross_tonnage,gross_registered_tonnage,vessel_flag,vessel_owner,remarks,source_list_url,alt_names,citizenships,dates_of_birth,nationalities,places_of_birth,source_information_url,ids\n"
	tests := []struct {
		name, file, in string
		line, col      int
		reason         string
	}{
		{"OFAC short row", "cons_prim.csv", prim + `1,"A",-0- ` + "\r\n", 2, 0, "wrong number of fields"},
		{"OFAC ent_num not a number", "cons_prim.csv", prim + `12a,"A",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ` + "\r\n", 2, 1, "not a number"},
		{"OFAC duplicate ent_num", "cons_prim.csv", prim + prim, 2, 1, "appears twice"},
		{"OFAC null name", "cons_prim.csv", `7,-0- ,-0- ,"X",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ` + "\n", 1, 2, "no name"},
		{"OFAC bare quote", "cons_prim.csv", prim + `8,"A"B",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ` + "\r\n", 2, 5, "quote"},
		{"OFAC companion alone", "cons_alt.csv", `306,220,"aka","NATIONAL BANK OF CUBA",-0- ` + "\r\n", 1, 0, "on its own"},
		{"XML truncated", "consolidated.xml", "<sdnList>\n<sdnEntry><uid>1</uid>\n<lastName>A", 3, 0, "ends too early"},
		{"XML uid not a number", "consolidated.xml", "<sdnList>\n  <sdnEntry><uid>x</uid><lastName>A</lastName></sdnEntry></sdnList>", 2, 0, "not a number"},
		{"XML bad Publish_Date", "consolidated.xml", "<sdnList><publshInformation>\n<Publish_Date>2025-03-28</Publish_Date></publshInformation></sdnList>", 2, 0, "MM/DD/YYYY"},
		{"advanced XML bad FixedRef", "cons_advanced.xml", "<Sanctions>\n<DistinctParties>\n<DistinctParty FixedRef=\"a\"></DistinctParty></DistinctParties></Sanctions>", 3, 0, "not a number"},
		{"CSL wrong column count", "csl.csv", cslHeader + "\"1\",\"S\"\n", 2, 0, "wrong number of fields"},
		{"CSL no name", "csl.csv", cslHeader + strings.Repeat(",", 28) + "\n", 2, 6, "no name"},
		{"custom unknown column", "mine.csv", "id,name,colour\n1,A,red\n", 1, 3, "unknown column"},
		{"custom bad date", "mine.csv", "id,name,listing_date\n1,A,2021-06-03\n2,B,03/06/2021\n", 3, 3, "not a date"},
		{"custom missing id", "mine.csv", "id,name\n1,A\n,B\n", 3, 1, "no id"},
		{"not a list", "notes.csv", "hello,world\n", 1, 0, "not recognised"},
		{"empty", "empty.csv", "", 1, 0, "empty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Read(tt.file, strings.NewReader(tt.in))
			var pe *screener.ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("error %v, want *screener.ParseError", err)
			}
			if pe.File != tt.file || pe.Line != tt.line || (tt.col != 0 && pe.Column != tt.col) || !strings.Contains(pe.Reason, tt.reason) {
				t.Errorf("got %q (line %d col %d), want %s:%d:%d ... %q", pe.Error(), pe.Line, pe.Column, tt.file, tt.line, tt.col, tt.reason)
			}
		})
	}
}

func TestDefault(t *testing.T) {
	l, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	want := listStats{entries: 442, cmic: 68, withISIN: 53, isins: 165, withTicker: 40, tickers: 69}
	if got := statsOf(l); got != want {
		t.Errorf("stats %+v, want %+v", got, want)
	}
	if l.Name != screener.ListOFACConsolidated || l.AsOf != screener.NewDate(2025, 12, 19) || len(l.Sources) != 4 || l.Sources[0].Path != "cons_prim.csv" {
		t.Errorf("list %s as of %s, sources %+v", l.Name, l.AsOf, l.Sources)
	}
	e := entryByID(t, l, "33113")
	if !slices.Equal(tickerRaws(e), []string{"603019CN"}) || !slices.Equal(e.IssuerNames, []string{"Sugon Information Industry Co., Ltd."}) {
		t.Errorf("33113 %+v", e)
	}
	// Default returns a fresh list each time.
	l.Entries[0].Name = "CHANGED"
	if l2, _ := Default(); l2.Entries[0].Name == "CHANGED" {
		t.Error("Default shares its entries between calls")
	}
}

// TestDefaultUpToDate regenerates the snapshot from ../shared and compares
// it with the committed default.json. Run `go generate ./screener/lists`
// when it fails.
func TestDefaultUpToDate(t *testing.T) {
	dir := shareddata.Path(t, "lists/ofac-cons-csv-2025-12")
	got, err := BuildSnapshot(dir)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != string(defaultJSON) {
		t.Errorf("default.json is stale (%d bytes, regenerated %d): run go generate ./screener/lists", len(defaultJSON), len(got))
	}
	s, err := DefaultSnapshot()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range s.Provenance.Files {
		data, err := os.ReadFile(filepath.Join(dir, f.Path))
		if err != nil {
			t.Fatal(err)
		}
		if src := sourceOf(f.Path, data); src != f {
			t.Errorf("provenance %+v, file is %+v", f, src)
		}
	}
}

func BenchmarkReadSDNCSV2021(b *testing.B) {
	dir := shareddata.Path(b, "lists/ofac-sdn-csv-2021-07")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ReadPath(dir); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkReadXML2025(b *testing.B) {
	p := shareddata.Path(b, "lists/ofac-cons-xml-2025-03/consolidated.xml")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ReadPath(p); err != nil {
			b.Fatal(err)
		}
	}
}
