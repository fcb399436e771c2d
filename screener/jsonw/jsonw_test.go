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

// FuzzDecimal holds AppendDecimal to decimal.Decimal's String on any
// coefficient and scale, and Decimal to its MarshalJSON.
func FuzzDecimal(f *testing.F) {
	for _, c := range []struct {
		c   int64
		exp int32
	}{{0, 0}, {0, -2}, {0, 3}, {5, -3}, {-5, -3}, {100, -2}, {1230, -2}, {-1234, -9}, {1000000, -2},
		{999999999999999, -18}, {1000000000000000, -2}, {-999999999999999, -1}, {9223372036854775807, -4},
		{-9223372036854775808, -19}, {42, 5}, {7, -19}} {
		f.Add(c.c, c.exp)
	}
	f.Fuzz(func(t *testing.T, c int64, exp int32) {
		d := decimal.New(c, exp)
		if got, want := string(AppendDecimal([]byte("x"), d)), "x"+d.String(); got != want {
			t.Fatalf("AppendDecimal(New(%d, %d)) = %s, want %s", c, exp, got, want)
		}
		want, _ := d.MarshalJSON()
		if got := Decimal(nil, d); !bytes.Equal(got, want) {
			t.Fatalf("Decimal(New(%d, %d)) = %s, want %s", c, exp, got, want)
		}
	})
}

// TestDecimalParsed holds AppendDecimal to String on decimals as the
// readers make them (parsed from text, so the scale is as written) and
// on the results of arithmetic.
func TestDecimalParsed(t *testing.T) {
	for _, s := range []string{"0", "0.00", "-0.0", "1", "1.10", "10660191.96", "-0.000000001", "123456789012345.678",
		"12345678901234567890.12", "0.0000000000000000001", "1e3", "1E-20", "99999999999999.99", "-5.000"} {
		d := decimal.RequireFromString(s)
		for _, v := range []decimal.Decimal{d, d.Neg(), d.Add(decimal.New(1, -9)), d.Mul(decimal.New(3, -1)), d.Shift(7)} {
			if got, want := string(AppendDecimal(nil, v)), v.String(); got != want {
				t.Errorf("AppendDecimal(%s) = %s, want %s", want, got, want)
			}
		}
	}
	var zero decimal.Decimal
	if got := string(AppendDecimal(nil, zero)); got != zero.String() {
		t.Errorf("AppendDecimal(Decimal{}) = %s, want %s", got, zero.String())
	}
}

// TestStringLong holds String to encoding/json on long text that runs
// eight plain bytes at a time and then needs an escape at every offset.
func TestStringLong(t *testing.T) {
	base := "CHINA MOBILE LTD 941 HK → equity ticker of OFAC 30923 (score 0.93; matched CHINA MOBILE)"
	for _, esc := range []string{"\"", "\\", "<", ">", "&", "\n", "\x1f", "\x7f", "é", "\u2028", "\xff"} {
		for i := 0; i <= len(base); i++ {
			s := base[:i] + esc + base[i:]
			want, _ := json.Marshal(s)
			if got := String(nil, s); !bytes.Equal(got, want) {
				t.Fatalf("String(%q) = %s, want %s", s, got, want)
			}
		}
	}
}
