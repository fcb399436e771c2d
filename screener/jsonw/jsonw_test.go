package jsonw

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/shopspring/decimal"
)

// FuzzString holds String to encoding/json on any string.
func FuzzString(f *testing.F) {
	for _, s := range []string{"", "plain", `"quoted" \ back`, "<script>&</script>", "\b\f\n\r\t\x00\x1f\x7f",
		"é → 中文", "\u2028\u2029", "\xff\xfe bad", "\xe2\x80", "a\xc3"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		if got := String(nil, s); !bytes.Equal(got, want) {
			t.Fatalf("String(%q) = %s, want %s", s, got, want)
		}
	})
}

type kind string

func TestValues(t *testing.T) {
	n := 7
	for _, c := range []struct {
		got []byte
		v   any
	}{
		{Strings[string](nil, nil), []string(nil)},
		{Strings(nil, []string{}), []string{}},
		{Strings(nil, []kind{"isin_listed", "a<b"}), []kind{"isin_listed", "a<b"}},
		{Int(nil, -42), -42},
		{IntPtr(nil, nil), (*int)(nil)},
		{IntPtr(nil, &n), &n},
		{Decimal(nil, decimal.RequireFromString("-1234.5600")), decimal.RequireFromString("-1234.5600")},
		{Decimal(nil, decimal.Zero), decimal.Zero},
	} {
		want, err := json.Marshal(c.v)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(c.got, want) {
			t.Errorf("%#v: wrote %s, encoding/json %s", c.v, c.got, want)
		}
	}
}
