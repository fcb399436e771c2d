// Package jsonwtest helps test JSON writers against encoding/json.
package jsonwtest

import (
	"reflect"

	"github.com/shopspring/decimal"
)

// Fill sets every settable field of v, at every depth, to a value that is
// not its zero, with strings that need escaping: a field added to a type a
// hand-written JSON writer covers then shows in encoding/json's output,
// and the test comparing the two fails until the writer writes it too.
// special, when set, fills the values it knows (and returns true for
// them), such as a date type whose zero-free value must be a real date.
func Fill(v reflect.Value, special func(v reflect.Value, n int) bool) {
	n := 0
	fill(v, &n, special)
}

func fill(v reflect.Value, n *int, special func(reflect.Value, int) bool) {
	*n++
	if special != nil && special(v, *n) {
		return
	}
	if _, ok := v.Interface().(decimal.Decimal); ok {
		v.Set(reflect.ValueOf(decimal.New(int64(*n)*1234, -2)))
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
		fill(p.Elem(), n, special)
		v.Set(p)
	case reflect.Slice:
		s := reflect.MakeSlice(v.Type(), 2, 2)
		fill(s.Index(0), n, special)
		fill(s.Index(1), n, special)
		v.Set(s)
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Field(i).CanSet() {
				fill(v.Field(i), n, special)
			}
		}
	}
}
