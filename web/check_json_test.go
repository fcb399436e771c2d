package web

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"

	"github.com/screener/screener/screener"
	"github.com/screener/screener/screener/jsonw/jsonwtest"
	"github.com/screener/screener/screener/listage"
)

// plainCheckResponse is checkResponse without its methods: json.Marshal of
// one is encoding/json's reflection (checkResult has no methods).
type plainCheckResponse checkResponse

func sameCheckJSON(t *testing.T, what string, r *checkResponse) {
	t.Helper()
	got, err := r.appendJSON(nil)
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	want, err := json.Marshal((*plainCheckResponse)(r))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("%s: appendJSON differs from encoding/json:\n got  %s\n want %s", what, got, want)
	}
}

// The check's answer is written by hand as encoding/json writes it: with
// every field set at every depth (a field added anywhere fails this), with
// none, and as the check answers a listed ISIN and an unknown code.
func TestCheckResponseJSON(t *testing.T) {
	var r checkResponse
	jsonwtest.Fill(reflect.ValueOf(&r).Elem(), func(v reflect.Value, n int) bool {
		if _, ok := v.Interface().(screener.Date); ok {
			v.Set(reflect.ValueOf(screener.Date{Year: 2021, Month: 6, Day: 3 + n%20}))
			return true
		}
		return false
	})
	sameCheckJSON(t, "every field set", &r)
	sameCheckJSON(t, "zero", &checkResponse{})
	sameCheckJSON(t, "empty lists", &checkResponse{Lists: []listage.Age{}, Results: []checkResult{{Basis: []screener.Basis{}, Evidence: []string{}}}})

	f := newFixture(t)
	for _, body := range []string{
		`{"items":[{"id":"HK0941009539","side":"buy"},{"id":"0941 HK","side":"sell"}],"as_of":"2023-01-01"}`,
		`{"items":[{"id":"ZZ0000000000","side":"hold"},{"id":"941","side":"buy"},{"id":"CHINA MOBILE","side":"buy"}]}`,
	} {
		var req checkRequest
		if err := json.Unmarshal([]byte(body), &req); err != nil {
			t.Fatal(err)
		}
		res, err := f.srv.check(&req)
		if err != nil {
			t.Fatal(err)
		}
		sameCheckJSON(t, body, res)
	}
}
