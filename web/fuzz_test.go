package web

import (
	"bytes"
	"encoding/json"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzCheck sends arbitrary bodies to POST /api/v1/check: the answer is
// always JSON, 200 or a 4xx with the error shape, never a 5xx or a panic.
func FuzzCheck(f *testing.F) {
	for _, s := range []string{
		`{"items":[{"id":"HK0941009539","side":"buy","exchange":"","us_person":true}],"as_of":"2023-01-01","us_person":true}`,
		`{"items":[{"id":"941 HK","side":"hold"}],"as_of":"2022-01-10T09:30:00-05:00"}`,
		`{"items":[{"id":"2357","exchange":"XTAI","side":"sell"}]}`,
		`{"items":[{"id":"Megvii Technology Ltd","side":"buy","us_person":false}]}`,
		`{"items":[{"id":"CNE100000PM8","side":"BUY"},{"id":"US0378331005","side":"sell"}]}`,
		`{"items":[]}`, `[]`, `null`, `{"items":[{"id":"","side":"buy"}]}`,
	} {
		f.Add([]byte(s))
	}
	fx := newFixtureTB(f)
	f.Fuzz(func(t *testing.T, body []byte) {
		req := httptest.NewRequest("POST", "/api/v1/check", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set(apiKeyHeader, fx.keys[RoleBroker])
		w := httptest.NewRecorder()
		fx.srv.ServeHTTP(w, req)
		if w.Code >= 500 {
			t.Fatalf("status %d for %q: %s", w.Code, body, w.Body)
		}
		var m map[string]any
		if err := json.Unmarshal(w.Body.Bytes(), &m); err != nil {
			t.Fatalf("status %d, not JSON: %v", w.Code, err)
		}
		if w.Code != 200 {
			if _, ok := m["error"]; !ok {
				t.Fatalf("status %d without the error shape: %s", w.Code, w.Body)
			}
		}
	})
}

// FuzzDisplayName: a client's file name becomes a short printable label
// with no path in it.
func FuzzDisplayName(f *testing.F) {
	for _, s := range []string{"holdings.csv", "../../etc/passwd", `C:\Users\a\fund.xlsx`, "<script>.csv", "", "..", "a\x00b\nc"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		got := displayName(name)
		if got == "" || got == "." || got == ".." || strings.ContainsAny(got, "/\\\x00\n\r") || utf8.RuneCountInString(got) > 120 {
			t.Fatalf("displayName(%q) = %q", name, got)
		}
	})
}

// FuzzCheckDecode: whatever body parseCheck reads, encoding/json (as
// decodeJSON uses it) reads too, to the same request.
func FuzzCheckDecode(f *testing.F) {
	for _, s := range []string{
		`{"items":[{"id":"HK0941009539","side":"buy","exchange":"","us_person":true}],"as_of":"2023-01-01","us_person":true}`,
		`{"items":[{"id":"941 HK","side":"hold"}],"as_of":"2022-01-10T09:30:00-05:00"}`,
		` { "items" : [ { "id" : "2357" , "exchange" : "XTAI" , "side" : "sell" , "us_person" : null } ] , "us_person" : false } `,
		`{"items":[]}`, `{}`, `{"items":[{}]}`, `{"items":[{"id":"A","id":"B"}]}`, `{"ITEMS":[]}`,
		`{"items":[{"id":"a\"b","side":"buy"}]}`, `{"items":[{"id":"華為","side":"buy"}]}`, `{"items":null}`,
		`{"items":[{"id":"A","side":"buy"}]} x`, `{"items":[{"id":"A","side":"buy","us_person":truex}]}`, `[]`, `null`, ``,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		var fast checkRequest
		if !parseCheck(body, &fast) {
			return
		}
		var slow checkRequest
		if err := decodeJSONFrom(bytes.NewReader(body), &slow); err != nil {
			t.Fatalf("parseCheck read %q, encoding/json refuses it: %v", body, err)
		}
		if !reflect.DeepEqual(fast, slow) {
			t.Fatalf("%q: parseCheck read %+v, encoding/json %+v", body, fast, slow)
		}
	})
}
