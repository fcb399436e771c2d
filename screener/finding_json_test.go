package screener

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"

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

// fill sets every settable field of v, at every depth, to a value that is
// not its zero: a field added to Finding (or to a type inside it) then
// shows in encoding/json's output, and the test fails until AppendJSON
// writes it too.
func fill(v reflect.Value, n *int) {
	*n++
	switch v.Interface().(type) {
	case decimal.Decimal:
		v.Set(reflect.ValueOf(decimal.New(int64(*n)*1234, -2)))
		return
	case Date:
		v.Set(reflect.ValueOf(Date{Year: 2021, Month: 6, Day: 3 + *n%20}))
		return
	}
	switch v.Kind() {
	case reflect.String:
		v.SetString("s" + string(rune('a'+*n%26)) + ` <&> "q" \ é → ` + "\u2028\x01\xff")
	case reflect.Int, reflect.Int64, reflect.Int32:
		v.SetInt(int64(*n))
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Pointer:
		p := reflect.New(v.Type().Elem())
		fill(p.Elem(), n)
		v.Set(p)
	case reflect.Slice:
		s := reflect.MakeSlice(v.Type(), 2, 2)
		fill(s.Index(0), n)
		fill(s.Index(1), n)
		v.Set(s)
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Field(i).CanSet() {
				fill(v.Field(i), n)
			}
		}
	}
}

func TestFindingJSONEveryField(t *testing.T) {
	var f Finding
	n := 0
	fill(reflect.ValueOf(&f).Elem(), &n)
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

// FuzzJSONString holds appendJSONString to encoding/json on any string.
func FuzzJSONString(f *testing.F) {
	for _, s := range []string{"", "plain", `"quoted" \ back`, "<script>&</script>", "\b\f\n\r\t\x00\x1f\x7f",
		"é → 中文", "\u2028\u2029", "\xff\xfe bad", "\xe2\x80", "a\xc3"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		if got := appendJSONString(nil, s); !bytes.Equal(got, want) {
			t.Fatalf("appendJSONString(%q) = %s, want %s", s, got, want)
		}
	})
}
