package web

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"testing"
	"time"

	"github.com/screener/screener/screener"
)

// asOfField is the answer's as_of, the one field that names the instant.
var asOfField = regexp.MustCompile(`"as_of":"[^"]*"`)

// The pre-trade check's memo answers an instant with an answer computed
// for another instant of the same minute. Around every cut-off of a CMIC
// entry (12:00 and 12:01 a.m. US Eastern on its listing, effective and
// divestment dates), for each side and US-person status, the answer a
// server gives from its memo (asked first 5 seconds into the minute, then
// 55 seconds in) is the answer a fresh server computes for the later
// instant, to the byte apart from as_of; and the answers do change across
// those minutes, so a memo that outlived its minute would be caught.
func TestCheckMemoKeepsAMinute(t *testing.T) {
	f := newFixture(t)
	ask := func(f *fixture, at time.Time, side string, us bool) []byte {
		t.Helper()
		body := fmt.Sprintf(`{"items":[{"id":"HK0941009539","side":%q,"us_person":%v},{"id":"941","exchange":"XHKG","side":%q}],"as_of":%q}`,
			side, us, side, at.Format(time.RFC3339Nano))
		w := f.api(http.MethodPost, "/api/v1/check", RoleBroker, body)
		if w.Code != http.StatusOK {
			t.Fatalf("status %d: %s", w.Code, w.Body)
		}
		return asOfField.ReplaceAll(w.Body.Bytes(), []byte(`"as_of":""`))
	}
	// The entry's dates, from the answer itself.
	var first checkResponse
	if err := json.Unmarshal(ask(f, time.Date(2023, 1, 1, 12, 0, 0, 0, time.UTC), "buy", true), &first); err != nil {
		t.Fatal(err)
	}
	r := first.Results[0]
	if r.Entry == nil || r.ListingDate.IsZero() || r.EffectiveDate.IsZero() || r.DivestmentDate.IsZero() {
		t.Fatalf("HK0941009539 has no CMIC entry with its three dates: %+v", r)
	}
	statuses := map[screener.Status]bool{}
	for _, d := range []screener.Date{r.ListingDate, r.EffectiveDate, r.DivestmentDate} {
		midnight := time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, screener.Eastern)
		for _, minute := range []time.Duration{-2 * time.Minute, -time.Minute, 0, time.Minute, 2 * time.Minute} {
			start := midnight.Add(minute)
			for _, side := range []string{"buy", "sell", "hold"} {
				for _, us := range []bool{true, false} {
					ask(f, start.Add(5*time.Second), side, us)
					memo := ask(f, start.Add(55*time.Second), side, us)
					fresh := ask(newFixture(t), start.Add(55*time.Second), side, us)
					if !bytes.Equal(memo, fresh) {
						t.Fatalf("%s, %s, US person %v: the memo's answer differs from a fresh one:\nmemo:  %s\nfresh: %s",
							start.Add(55*time.Second).Format(time.RFC3339), side, us, memo, fresh)
					}
					var res checkResponse
					if err := json.Unmarshal(memo, &res); err != nil {
						t.Fatal(err)
					}
					statuses[res.Results[0].Status] = true
				}
			}
		}
	}
	// clear before listing, pre_effective, divest_only, prohibited_locked
	if len(statuses) < 4 {
		t.Fatalf("the minutes around the cut-offs gave only the statuses %v: the test does not cross them", statuses)
	}
}

// The memo serves repeated questions of one minute, and starts afresh for
// the next minute, for a new engine (a list imported) and for a new fund
// registry.
func TestCheckMemoIsDropped(t *testing.T) {
	f := newFixture(t)
	s := f.srv
	at := time.Date(2024, 3, 4, 15, 30, 10, 0, time.UTC)
	q := func(at time.Time) *checkEntry {
		t.Helper()
		a, err := s.query(s.engine(), "HK0941009539", "", at, screener.USPersonYes)
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	a := q(at)
	if q(at.Add(40*time.Second)) != a {
		t.Fatal("a second question in the same minute was matched again")
	}
	if q(at.Add(time.Minute)) == a {
		t.Fatal("the next minute was answered from the last minute's memo")
	}
	b := q(at)
	if err := s.reloadFunds(); err != nil {
		t.Fatal(err)
	}
	if q(at) == b {
		t.Fatal("a new fund registry was answered from the old registry's memo")
	}
	c := q(at)
	if err := s.reload(); err != nil {
		t.Fatal(err)
	}
	if q(at) == c {
		t.Fatal("a new engine was answered from the old engine's memo")
	}
	// New York's local mean time, before 1883, is not a whole number of
	// minutes from UTC: such instants are matched every time.
	old := time.Date(1880, 1, 1, 4, 56, 30, 0, time.UTC)
	if q(old) == q(old) {
		t.Fatal("an instant of 1880 was answered from the memo")
	}
	if q(at).ans.Finding.Status != screener.StatusProhibitedLocked {
		t.Fatalf("status %s, want %s", q(at).ans.Finding.Status, screener.StatusProhibitedLocked)
	}
}
