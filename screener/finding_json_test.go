package screener

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"

	"github.com/screener/screener/screener/jsonw/jsonwtest"
	"github.com/shopspring/decimal"
)

// plainFinding is Finding without its methods: json.Marshal of one is
// encoding/json's reflection, which Finding.AppendJSON must equal.
type plainFinding Finding

func reflectJSON(t testing.TB, f *Finding) []byte {
	t.Helper()
	b, err := json.Marshal((*plainFinding)(f))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func checkSameJSON(t *testing.T, what string, f *Finding) {
	t.Helper()
	got, err := f.AppendJSON(nil)
	if err != nil {
		t.Fatalf("%s: AppendJSON: %v", what, err)
	}
	if want := reflectJSON(t, f); !bytes.Equal(got, want) {
		t.Fatalf("%s: AppendJSON differs from encoding/json:\n got  %s\n want %s", what, got, want)
	}
	m, err := json.Marshal(f)
	if err != nil || !bytes.Equal(m, got) {
		t.Fatalf("%s: json.Marshal(Finding) = %s, %v; want AppendJSON's %s", what, m, err, got)
	}
}

// fillDate makes a Date a real one (encoding/json writes an impossible
// date through its String form, a path of its own).
func fillDate(v reflect.Value, n int) bool {
	if _, ok := v.Interface().(Date); !ok {
		return false
	}
	v.Set(reflect.ValueOf(Date{Year: 2021, Month: 6, Day: 3 + n%20}))
	return true
}

func TestFindingJSONEveryField(t *testing.T) {
	var f Finding
	jsonwtest.Fill(reflect.ValueOf(&f).Elem(), fillDate)
	checkSameJSON(t, "every field set", &f)

	// Empty and absent: nil slices and pointers, omitempty fields left out.
	checkSameJSON(t, "zero finding", &Finding{})
	g := f
	g.Basis, g.Evidence, g.Warnings = []Basis{}, []string{}, []string{}
	g.Entry, g.DaysLeft, g.Decision, g.Lookthrough = nil, nil, nil, nil
	g.LegalStatus, g.Policy, g.Reason = "", "", ""
	g.Security = Security{Name: "CHINA MOBILE LTD", ISIN: "HK0941009539"}
	g.ListingDate = Date{Year: 12345, Month: 1, Day: 1} // written through Date.String
	checkSameJSON(t, "empty lists", &g)
	for _, q := range []string{"0", "-1.5", "1e-9", "123456789012345678901234567890.000001"} {
		g.Quantity = decimal.RequireFromString(q)
		checkSameJSON(t, "quantity "+q, &g)
	}
}

// TestSharedJSON: a copy of a finding that ShareJSON wrote the shared
// parts of is written from them while its shared fields are unchanged,
// and in full, to the same bytes as reflection, once any field (at any
// depth, through any pointer it shares) differs from the template's.
func TestSharedJSON(t *testing.T) {
	var tmpl Finding
	jsonwtest.Fill(reflect.ValueOf(&tmpl).Elem(), fillDate)
	tmpl.Decision, tmpl.Lookthrough = nil, nil // never shared
	tmpl.ShareJSON()
	if tmpl.shared == nil {
		t.Fatal("ShareJSON kept nothing of a finding with neither a decision nor a look-through")
	}
	copyOf := func() Finding {
		f := tmpl
		f.File, f.Line, f.Portfolio, f.USPerson = "other.csv", 99, "Other <&>", "non_us_person"
		f.Quantity, f.MarketValue, f.Currency = decimal.RequireFromString("12.5"), decimal.RequireFromString("-3"), "EUR"
		return f
	}
	same := copyOf()
	if !same.shared.matches(&same) {
		t.Fatal("a copy with its own position only does not match its template")
	}
	checkSameJSON(t, "a copy", &same)

	// Every field of the finding, one at a time, set to another value.
	v := reflect.ValueOf(&tmpl).Elem()
	for i := range v.NumField() {
		name := v.Type().Field(i).Name
		if !v.Type().Field(i).IsExported() {
			continue
		}
		f := copyOf()
		fv := reflect.ValueOf(&f).Elem().Field(i)
		other := reflect.New(fv.Type()).Elem()
		jsonwtest.Fill(other, fillDate)
		if reflect.DeepEqual(other.Interface(), fv.Interface()) {
			other = reflect.Zero(fv.Type())
		}
		fv.Set(other)
		checkSameJSON(t, "a copy with another "+name, &f)
		if name == "Basis" || name == "Evidence" || name == "Warnings" {
			f := copyOf()
			s := reflect.ValueOf(&f).Elem().Field(i)
			s.Set(reflect.AppendSlice(reflect.MakeSlice(s.Type(), 0, s.Len()), s)) // a copy of the slice...
			if s.Len() > 0 {
				s.Index(0).SetString("changed in place") // ...changed
			}
			checkSameJSON(t, "a copy whose "+name+" changed", &f)
			f = copyOf()
			reflect.ValueOf(&f).Elem().Field(i).Set(reflect.MakeSlice(s.Type(), 0, 0)) // empty, not nil
			checkSameJSON(t, "a copy with an empty "+name, &f)
		}
	}
	// Through the pointers the copies share with the template.
	f := copyOf()
	e := *f.Entry
	e.Name = "changed"
	f.Entry = &e
	checkSameJSON(t, "a copy with another entry name", &f)
	f = copyOf()
	d := *f.DaysLeft + 1
	f.DaysLeft = &d
	checkSameJSON(t, "a copy with other days left", &f)
	f = copyOf()
	f.Security.Issuer = "changed"
	checkSameJSON(t, "a copy with another issuer", &f)
}
