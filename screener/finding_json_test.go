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
