package web

import (
	"net/http"
	"testing"
)

// parseCheck reads the bodies brokers send (the load test's among them)
// and leaves to encoding/json every body outside its plain form, which the
// API then answers as before: escapes, non-ASCII, keys in another case or
// twice, null strings, trailing data.
func TestParseCheckTakesThePlainForm(t *testing.T) {
	for _, body := range []string{
		`{"items":[{"id":"HK0941009539","side":"buy"}],"as_of":"2023-01-01"}`,
		"{\n  \"items\": [\n    {\"id\": \"941\", \"exchange\": \"XHKG\", \"side\": \"sell\", \"us_person\": false},\n    {\"id\": \"US0378331005\", \"side\": \"hold\", \"us_person\": null}\n  ],\n  \"us_person\": true\n}\n",
		`{"items":[]}`,
	} {
		var req checkRequest
		if !parseCheck([]byte(body), &req) {
			t.Errorf("parseCheck left %q to encoding/json", body)
		}
	}
	for _, body := range []string{
		`{"items":[{"id":"HK0941009539\u0000","side":"buy"}]}`, `{"items":[{"id":"華為","side":"buy"}]}`,
		`{"Items":[{"id":"A","side":"buy"}]}`, `{"items":[{"id":"A","ID":"B","side":"buy"}]}`,
		`{"items":[{"id":"A","id":"B","side":"buy"}]}`, `{"items":[{"id":null,"side":"buy"}]}`,
		`{"items":[{"id":"A","side":"buy"}]}{}`, `{"items":[{"id":"A","side":"buy","extra":1}]}`, `{"as_of":"x",}`,
	} {
		var req checkRequest
		if parseCheck([]byte(body), &req) {
			t.Errorf("parseCheck read %q, which is encoding/json's to read", body)
		}
	}
	// And the API's answers to those stay encoding/json's.
	f := newFixture(t)
	for body, code := range map[string]int{
		`{"items":[{"id":"HK0941009539","side":"buy"}],"as_of":"2023-01-01"}`: http.StatusOK,
		`{"ITEMS":[{"ID":"HK0941009539","SIDE":"buy"}],"as_of":"2023-01-01"}`: http.StatusOK, // encoding/json folds case
		`{"items":[{"id":"HK0941009539","side":"buy","extra":1}]}`:            http.StatusBadRequest,
		`{"items":[{"id":"HK0941009539","side":"buy"}]} trailing`:             http.StatusBadRequest,
		``: http.StatusBadRequest,
	} {
		w := f.api(http.MethodPost, "/api/v1/check", RoleBroker, body)
		if w.Code != code {
			t.Errorf("%q: status %d, want %d: %s", body, w.Code, code, w.Body)
		}
	}
}

// The security headers are set by map assignment, which takes keys as
// given: they must be canonical, or a response would carry both spellings.
func TestSecurityHeaderKeysAreCanonical(t *testing.T) {
	for _, kv := range securityHeaderValues {
		if http.CanonicalHeaderKey(kv.key) != kv.key || len(kv.value) != 1 || cap(kv.value) != 1 {
			t.Errorf("header %q = %q (cap %d): want a canonical key and one value of capacity 1", kv.key, kv.value, cap(kv.value))
		}
	}
	f := newFixture(t)
	w := f.api(http.MethodPost, "/api/v1/check", RoleBroker, `{"items":[{"id":"HK0941009539","side":"buy"}]}`)
	for _, kv := range securityHeaderValues {
		if got := w.Header().Values(kv.key); len(got) != 1 || got[0] != kv.value[0] {
			t.Errorf("%s: %q, want %q", kv.key, got, kv.value[0])
		}
	}
}
