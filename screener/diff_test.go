package screener_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/screener/screener/issuers"
	"github.com/screener/screener/screener"
)

// dawning is OFAC entry 33113 as the 2025-12 CSV publishes it.
func dawning() screener.Entry {
	return screener.Entry{List: screener.ListOFACConsolidated, ID: "33113", Name: "DAWNING INFORMATION INDUSTRY CO., LTD",
		Type: "entity", Programs: []string{screener.ProgramCMIC}, TargetType: "",
		Aliases:     []screener.Alias{{Name: "SUGON", Type: "aka", Strength: "weak"}},
		ISINs:       []string{"CNE100001TW7"},
		Tickers:     []issuers.Ticker{{Raw: "603019CN"}},
		IssuerNames: []string{"Sugon Information Industry Co., Ltd."},
		USCCs:       []string{"91120000783342508F"},
		Addresses:   []screener.Address{{Address: "Zhongguancun Software Park", City: "Beijing 100193", Country: "China"}},
		ListingDate: screener.NewDate(2021, 12, 16), EffectiveDate: screener.NewDate(2022, 2, 14), DivestmentDate: screener.NewDate(2022, 12, 16),
		Remarks: "Equity Ticker 603019CN; Issuer Name Sugon Information Industry Co., Ltd.; ISIN CNE100001TW7",
	}
}

// rosneft is OFAC entry 17022 as the March 2025 XML publishes it.
func rosneft() screener.Entry {
	return screener.Entry{List: screener.ListOFACConsolidated, ID: "17022", Name: "OPEN JOINT-STOCK COMPANY ROSNEFT OIL COMPANY",
		Type: "entity", Programs: []string{"UKRAINE-EO13662"},
		OtherIDs: []screener.ID{{Type: "Tax ID No.", Value: "7706107510", Country: "Russia"}}}
}

func list(format string, es ...screener.Entry) *screener.List {
	return &screener.List{Name: screener.ListOFACConsolidated, Format: format, Entries: es}
}

func TestDiffLists(t *testing.T) {
	tests := []struct {
		name      string
		old, new  *screener.List
		added     []string
		removed   []string
		changed   map[string]string // id → FieldChange strings joined by "; "
		skipped   []string
		noteMatch string
	}{
		{name: "identical", old: list("ofac-csv", dawning(), rosneft()), new: list("ofac-csv", rosneft(), dawning())},
		{name: "removed and added",
			old: list("ofac-csv", dawning(), rosneft()), new: list("ofac-csv", dawning(), func() screener.Entry { e := rosneft(); e.ID = "17023"; return e }()),
			added: []string{"17023"}, removed: []string{"17022"}},
		{name: "program gained, order of programs does not matter",
			old: list("ofac-xml", rosneft()),
			new: list("ofac-xml", func() screener.Entry {
				e := rosneft()
				e.Programs = []string{"RUSSIA-EO14024", "UKRAINE-EO13662"}
				return e
			}()),
			changed: map[string]string{"17022": "programs +RUSSIA-EO14024"}},
		{name: "name, date and ISIN",
			old: list("ofac-csv", dawning()),
			new: list("ofac-csv", func() screener.Entry {
				e := dawning()
				e.Name = "DAWNING INFORMATION INDUSTRY CO LTD"
				e.DivestmentDate = screener.NewDate(2022, 12, 17)
				e.ISINs = append(e.ISINs, "CNE100001TW7", "CND10002K094") // duplicates count once
				return e
			}()),
			changed: map[string]string{"33113": `name "DAWNING INFORMATION INDUSTRY CO., LTD" → "DAWNING INFORMATION INDUSTRY CO LTD"; isins +CND10002K094; divestment_date "2022-12-16" → "2022-12-17"`}},
		{name: "remarks count within one format",
			old:     list("ofac-csv", dawning()),
			new:     list("ofac-csv", func() screener.Entry { e := dawning(); e.Remarks = "ISIN CNE100001TW7"; return e }()),
			changed: map[string]string{"33113": `remarks "Equity Ticker 603019CN; Issuer Name Sugon Information Industry Co., Ltd.; ISIN CNE100001TW7" → "ISIN CNE100001TW7"`}},
		{name: "remarks and other IDs do not count across formats",
			old:     list("ofac-xml", func() screener.Entry { e := dawning(); e.Remarks = ""; return e }(), rosneft()),
			new:     list("ofac-csv", dawning(), func() screener.Entry { e := rosneft(); e.OtherIDs[0].Country = ""; return e }()),
			skipped: []string{"other_ids", "remarks"}, noteMatch: "different formats (ofac-xml → ofac-csv)"},
		{name: "a field only one format carries is not a change",
			old:     list("csl-csv", func() screener.Entry { e := dawning(); e.Addresses = nil; e.TargetType = ""; return e }()),
			new:     list("ofac-csv", func() screener.Entry { e := dawning(); e.TargetType = "Public Company"; return e }()),
			skipped: []string{"target_type", "addresses", "other_ids", "remarks"}, noteMatch: "only the ofac-csv snapshot carries it"},
		{name: "but within one format an emptied field is a change",
			old:     list("ofac-csv", dawning()),
			new:     list("ofac-csv", func() screener.Entry { e := dawning(); e.Addresses = nil; return e }()),
			changed: map[string]string{"33113": "addresses -Zhongguancun Software Park | Beijing 100193 | China"}},
		{name: "double quotes of the XML are the single quotes of the CSV",
			old: list("ofac-xml", func() screener.Entry {
				e := rosneft()
				e.Aliases = []screener.Alias{{Name: `OPEN JOINT-STOCK COMPANY "OIL TRUNK PIPELINES 'DRUZHBA'"`, Type: "aka", Strength: "strong"}}
				return e
			}()),
			new: list("ofac-csv", func() screener.Entry {
				e := rosneft()
				e.Aliases = []screener.Alias{{Name: `OPEN JOINT-STOCK COMPANY 'OIL TRUNK PIPELINES 'DRUZHBA''`, Type: "aka", Strength: "strong"}}
				return e
			}()),
			skipped: []string{"other_ids", "remarks"}},
		{name: "nil old list: everything added", old: nil, new: list("ofac-csv", dawning()), added: []string{"33113"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := screener.DiffLists(tt.old, tt.new)
			var added, removed []string
			for _, e := range d.Added {
				added = append(added, e.ID)
			}
			for _, e := range d.Removed {
				removed = append(removed, e.ID)
			}
			if !slices.Equal(added, tt.added) || !slices.Equal(removed, tt.removed) {
				t.Errorf("added %v removed %v, want %v %v", added, removed, tt.added, tt.removed)
			}
			changed := map[string]string{}
			for _, c := range d.Changed {
				var s []string
				for _, f := range c.Fields {
					s = append(s, f.String())
				}
				changed[c.ID] = strings.Join(s, "; ")
			}
			if len(changed) != len(tt.changed) {
				t.Errorf("changed %v, want %v", changed, tt.changed)
			}
			for id, w := range tt.changed {
				if changed[id] != w {
					t.Errorf("entry %s: got %s, want %s", id, changed[id], w)
				}
			}
			if !slices.Equal(d.Skipped, tt.skipped) {
				t.Errorf("skipped %v, want %v", d.Skipped, tt.skipped)
			}
			if tt.noteMatch != "" && !strings.Contains(strings.Join(d.Notes, "\n"), tt.noteMatch) {
				t.Errorf("notes %q lack %q", d.Notes, tt.noteMatch)
			}
		})
	}
}

func TestSameFormatOnlyFields(t *testing.T) {
	if got := screener.SameFormatOnlyFields(); !slices.Equal(got, []string{"other_ids", "remarks"}) {
		t.Errorf("got %v", got)
	}
}

func TestDiffJSON(t *testing.T) {
	old := list("ofac-xml", rosneft())
	e := rosneft()
	e.Programs = append(e.Programs, "RUSSIA-EO14024")
	e.Name = "ROSNEFT"
	d := screener.DiffLists(old, list("ofac-xml", e))
	b, err := json.Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	want := `"changed":[{"id":"17022","name":"ROSNEFT","fields":[{"field":"name","old":"OPEN JOINT-STOCK COMPANY ROSNEFT OIL COMPANY","new":"ROSNEFT"},{"field":"programs","added":["RUSSIA-EO14024"],"removed":[]}]}]`
	if !strings.Contains(string(b), want) {
		t.Errorf("got %s\nwant it to contain %s", b, want)
	}
	if !strings.Contains(string(b), `"added":[],"removed":[]`) {
		t.Errorf("empty added/removed must be [] not null: %s", b)
	}
	var back screener.ListDiff
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	again, _ := json.Marshal(back)
	if string(again) != string(b) {
		t.Errorf("round trip changed the diff:\n%s\n%s", b, again)
	}
}

func TestEntryFingerprint(t *testing.T) {
	base := screener.EntryFingerprint(ptr(dawning()))
	tests := []struct {
		name   string
		edit   func(e *screener.Entry)
		change bool
	}{
		{"nothing", func(e *screener.Entry) {}, false},
		{"set order", func(e *screener.Entry) { e.Programs = []string{screener.ProgramCMIC, screener.ProgramCMIC} }, false},
		{"remarks (format-bound)", func(e *screener.Entry) { e.Remarks = "" }, false},
		{"other IDs (format-bound)", func(e *screener.Entry) { e.OtherIDs = []screener.ID{{Type: "Website", Value: "sugon.com"}} }, false},
		{"ISIN added", func(e *screener.Entry) { e.ISINs = append(e.ISINs, "CNE1000002F5") }, true},
		{"date changed", func(e *screener.Entry) { e.ListingDate = screener.NewDate(2021, 12, 17) }, true},
		{"name changed", func(e *screener.Entry) { e.Name = "SUGON" }, true},
		{"alias strength changed", func(e *screener.Entry) { e.Aliases[0].Strength = "strong" }, true},
		{"value moved between fields", func(e *screener.Entry) { e.USCCs, e.LEIs = nil, e.USCCs }, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := dawning()
			tt.edit(&e)
			if got := screener.EntryFingerprint(&e) != base; got != tt.change {
				t.Errorf("fingerprint changed = %v, want %v", got, tt.change)
			}
		})
	}
	if len(base) != 64 {
		t.Errorf("fingerprint %q is not a hex SHA-256", base)
	}
}

func ptr[T any](v T) *T { return &v }

func TestCompareFindings(t *testing.T) {
	f := func(portfolio, key, entryID string) screener.Finding {
		x := screener.Finding{Portfolio: portfolio, Key: key, Status: screener.StatusDivestOnly}
		if entryID != "" {
			x.Entry = &screener.EntryRef{ID: entryID, List: screener.ListOFACConsolidated}
		}
		return x
	}
	old := []screener.Finding{f("A", "HK0941009539", "30923"), f("A", "CNE100001TW7", "33113"), f("A", "US0000000000", "")}
	new := []screener.Finding{f("A", "HK0941009539", "30923"), f("B", "CNE100001TW7", "33113"), f("A", "XS1233275194", "32091")}
	new[0].Status = screener.StatusProhibitedLocked // a status change is neither new nor gone
	appeared, gone := screener.CompareFindings(old, new)
	keys := func(fs []screener.Finding) (s []string) {
		for _, x := range fs {
			s = append(s, x.Portfolio+"/"+x.Key)
		}
		return s
	}
	if got := keys(appeared); !slices.Equal(got, []string{"B/CNE100001TW7", "A/XS1233275194"}) {
		t.Errorf("appeared %v", got)
	}
	if got := keys(gone); !slices.Equal(got, []string{"A/CNE100001TW7"}) {
		t.Errorf("gone %v", got)
	}
}

func TestReviewDecisionApplies(t *testing.T) {
	e := dawning()
	d := screener.ReviewDecision{Key: "CNE100001TW7", List: e.List, EntryID: e.ID, Fingerprint: screener.EntryFingerprint(&e)}
	f := screener.Finding{Key: "CNE100001TW7", Entry: &screener.EntryRef{ID: "33113", List: screener.ListOFACConsolidated}}
	if !d.Matches(&f) || !d.Applies(&e) {
		t.Error("decision does not apply to its own finding and entry")
	}
	e.ISINs = append(e.ISINs, "CNE1000002F5")
	if d.Applies(&e) {
		t.Error("decision applies after the entry changed")
	}
}

// FuzzDiffLists diffs two lists decoded from fuzzed JSON: it must not
// panic, a list diffed with itself is empty, and every id is either in both
// lists, added or removed.
func FuzzDiffLists(f *testing.F) {
	a, _ := json.Marshal(list("ofac-csv", dawning(), rosneft()))
	b, _ := json.Marshal(list("ofac-xml", rosneft()))
	f.Add(a, b)
	f.Add([]byte(`{"entries":[{"id":"1","name":"A","programs":["X"]},{"id":"1","name":"B"}]}`), []byte(`{"format":"x","entries":[{"id":"1","isins":["",""]}]}`))
	f.Add([]byte(`{}`), []byte(`null`))
	f.Fuzz(func(t *testing.T, x, y []byte) {
		var l1, l2 screener.List
		if json.Unmarshal(x, &l1) != nil || json.Unmarshal(y, &l2) != nil {
			return
		}
		if d := screener.DiffLists(&l1, &l1); !d.Empty() {
			t.Fatalf("a list differs from itself: %+v", d)
		}
		d := screener.DiffLists(&l1, &l2)
		in1, in2 := map[string]bool{}, map[string]bool{}
		for _, e := range l1.Entries {
			in1[e.ID] = true
		}
		for _, e := range l2.Entries {
			in2[e.ID] = true
		}
		for _, e := range d.Added {
			if in1[e.ID] || !in2[e.ID] {
				t.Fatalf("added %s is wrong", e.ID)
			}
		}
		for _, e := range d.Removed {
			if !in1[e.ID] || in2[e.ID] {
				t.Fatalf("removed %s is wrong", e.ID)
			}
		}
		if _, err := json.Marshal(d); err != nil {
			t.Fatal(err)
		}
		for i := range l2.Entries {
			screener.EntryFingerprint(&l2.Entries[i])
		}
	})
}
