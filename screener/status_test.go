package screener

import (
	"encoding/json"
	"testing"
	"time"
)

func TestParseAsOf(t *testing.T) {
	tests := []struct {
		in      string
		want    string // RFC 3339 in UTC, "" for an error
		wantErr bool
	}{
		{"2022-01-10", "2022-01-10T17:00:00Z", false}, // noon EST
		{"2022-06-03", "2022-06-03T16:00:00Z", false}, // noon EDT
		{"2022-06-03T00:01:00-04:00", "2022-06-03T04:01:00Z", false},
		{"03 Jun 2022", "", true},
		{"2022-13-01", "", true},
		{"", "", true},
	}
	for _, tc := range tests {
		got, err := ParseAsOf(tc.in)
		if (err != nil) != tc.wantErr {
			t.Errorf("ParseAsOf(%q) error %v, want error %v", tc.in, err, tc.wantErr)
			continue
		}
		if err == nil && got.UTC().Format(time.RFC3339) != tc.want {
			t.Errorf("ParseAsOf(%q) = %s, want %s", tc.in, got.UTC().Format(time.RFC3339), tc.want)
		}
		if err != nil && KindOf(err) != KindInvalid {
			t.Errorf("ParseAsOf(%q): kind %s, want invalid", tc.in, KindOf(err))
		}
	}
}

func TestDaysLeftFloorsAtZero(t *testing.T) {
	d := NewDate(2022, 6, 3)
	for _, c := range []struct {
		at   string
		want int
	}{{"2022-01-10", 144}, {"2022-06-02", 1}, {"2022-06-03", 0}, {"2023-01-01", 0}} {
		if got := DaysLeft(d, AsOfDate(mustDate(c.at))); got != c.want {
			t.Errorf("DaysLeft(%s) = %d, want %d", c.at, got, c.want)
		}
	}
}

func mustDate(s string) Date {
	d, err := ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

// FuzzParseAsOf: no input panics; a parsed date round-trips through its
// JSON form.
func FuzzParseAsOf(f *testing.F) {
	for _, s := range []string{"2022-01-10", "2022-06-03T00:01:00-04:00", "0000-00-00", "9999-12-31", "2022-02-30", "x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if _, err := ParseAsOf(s); err != nil {
			return
		}
		if d, err := ParseDate(s); err == nil {
			b, err := json.Marshal(d)
			if err != nil {
				t.Fatal(err)
			}
			var back Date
			if err := json.Unmarshal(b, &back); err != nil || back != d {
				t.Fatalf("%q: JSON round trip gave %v, %v", s, back, err)
			}
		}
	})
}
