package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/screener/screener/screener"
	"github.com/screener/screener/screener/shareddata"
)

func runListsShowT(t *testing.T, args ...string) (string, string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	err := run(context.Background(), append([]string{"lists", "show"}, args...), &out, &errOut)
	return out.String(), errOut.String(), err
}

func cmicIDs(t *testing.T, out string) ([]string, []screener.Entry) {
	t.Helper()
	var entries []screener.Entry
	if err := json.Unmarshal([]byte(out), &entries); err != nil {
		t.Fatalf("output is not a JSON array of entries: %v", err)
	}
	var ids []string
	for _, e := range entries {
		ids = append(ids, e.ID)
	}
	sort.Strings(ids)
	return ids, entries
}

func TestListsShowEmbeddedJSON(t *testing.T) {
	out, _, err := runListsShowT(t, "--program", screener.ProgramCMIC, "--format", "json")
	if err != nil {
		t.Fatal(err)
	}
	ids, entries := cmicIDs(t, out)
	if len(ids) != 68 {
		t.Fatalf("%d entries, want 68", len(ids))
	}
	for _, key := range []string{`"list"`, `"id"`, `"name"`, `"programs"`, `"aliases"`, `"isins"`, `"tickers"`, `"issuer_names"`, `"linked_to"`, `"listing_date"`, `"effective_date"`, `"divestment_date"`} {
		if !strings.Contains(out, key+":") {
			t.Errorf("JSON lacks key %s", key)
		}
	}
	for _, e := range entries {
		if e.ID != "33113" {
			continue
		}
		if !slices.Contains(e.ISINs, "CNE100001TW7") || !slices.Contains(e.IssuerNames, "Sugon Information Industry Co., Ltd.") ||
			e.ListingDate.String() != "2021-12-16" || e.EffectiveDate.String() != "2022-02-14" || e.DivestmentDate.String() != "2022-12-16" {
			t.Errorf("33113 = %+v", e)
		}
		return
	}
	t.Error("no entry 33113")
}

func TestListsShowXMLSameIDs(t *testing.T) {
	xml := shareddata.Path(t, "lists/ofac-cons-xml-2025-03/consolidated.xml")
	a, _, err := runListsShowT(t, "--program", screener.ProgramCMIC, "--format", "json")
	if err != nil {
		t.Fatal(err)
	}
	b, _, err := runListsShowT(t, "--list", xml, "--program", screener.ProgramCMIC, "--format", "json")
	if err != nil {
		t.Fatal(err)
	}
	ia, _ := cmicIDs(t, a)
	ib, _ := cmicIDs(t, b)
	if !slices.Equal(ia, ib) || len(ib) != 68 {
		t.Errorf("embedded %d ids, XML %d ids; equal %v", len(ia), len(ib), slices.Equal(ia, ib))
	}
}

func TestListsShowText(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want []string
	}{
		{"embedded CMIC", []string{"--program", "CMIC-EO13959"}, []string{
			"# OFAC-CONSOLIDATED (ofac-csv), as of 2025-12-19, 442 entries",
			"33113  DAWNING INFORMATION INDUSTRY CO., LTD", "2021-12-16  2022-02-14  2022-12-16  1", "68 entries"}},
		{"all embedded", nil, []string{"442 entries"}},
		{"two lists", []string{"--list", "../../screener/lists/testdata/custom-restricted.csv", "--list", "../../screener/lists/testdata/ofac-spill-eof"}, []string{
			"# CUSTOM (custom-csv), as of unknown, 3 entries", "# OFAC-CONSOLIDATED (ofac-csv)", "R-003", "5 entries"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, _, err := runListsShowT(t, tt.args...)
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range tt.want {
				if !strings.Contains(out, w) {
					t.Errorf("output lacks %q:\n%s", w, out[:min(len(out), 800)])
				}
			}
		})
	}
}

func TestListsShowErrors(t *testing.T) {
	tests := []struct {
		name string
		args []string
		code int
		msg  string
	}{
		{"bad format", []string{"--format", "xml"}, 2, "want text or json"},
		{"stray argument", []string{"file.csv"}, 2, "use --list"},
		{"missing file", []string{"--list", "no/such/file.csv"}, 2, "no/such/file.csv: cannot open"},
		{"not a list", []string{"--list", "lists.go"}, 2, "lists.go:1: format not recognised"},
		{"help", []string{"--help"}, 0, "Examples:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, errOut, err := runListsShowT(t, tt.args...)
			var msg bytes.Buffer
			code := exitCode(err, &msg)
			if code != tt.code {
				t.Errorf("exit %d, want %d (err %v)", code, tt.code, err)
			}
			if all := errOut + msg.String(); !strings.Contains(all, tt.msg) {
				t.Errorf("stderr %q lacks %q", all, tt.msg)
			}
			if tt.code == 0 && !errors.Is(err, flag.ErrHelp) {
				t.Errorf("err %v, want flag.ErrHelp", err)
			}
		})
	}
}
