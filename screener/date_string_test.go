package screener

import (
	"fmt"
	"testing"
	"time"
)

// Date.String formats without fmt; it must say what fmt would.
func TestDateString(t *testing.T) {
	for _, d := range []Date{{2022, time.June, 3}, {1, time.January, 1}, {9999, time.December, 31}, {2026, time.November, 9},
		{10000, time.January, 1}, {2026, 13, 1}, {-5, time.March, 2}} {
		want := fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day)
		if got := d.String(); got != want {
			t.Errorf("%#v.String() = %q, want %q", d, got, want)
		}
		if b, err := d.MarshalJSON(); err != nil || string(b) != `"`+want+`"` {
			t.Errorf("%#v.MarshalJSON() = %s, %v, want %q", d, b, err, want)
		}
	}
	if (Date{}).String() != "" {
		t.Error("the zero date is not empty")
	}
}
