package listage

import (
	"strings"
	"testing"
	"time"

	"github.com/screener/screener/screener"
	"github.com/screener/screener/screener/lists"
)

func TestOf(t *testing.T) {
	l := []screener.ListInfo{{Name: "NS-CMIC", AsOf: screener.NewDate(2025, 12, 19)}}
	at := func(s string) time.Time {
		tm, err := screener.ParseAsOf(s)
		if err != nil {
			t.Fatal(err)
		}
		return tm
	}
	for _, c := range []struct {
		on   string
		max  int
		days int
		want string // part of the warning; "" for none
	}{
		{"2025-12-19", 30, 0, ""},
		{"2026-01-18", 30, 30, ""},
		{"2026-01-19", 30, 31, "as of 2025-12-19 is 31 days old on 2026-01-19 (more than 30)"},
		{"2026-01-19", 0, 31, "is 31 days old"}, // 0 = the default, 30
		{"2026-01-19", 40, 31, ""},
		{"2022-01-10", 30, -1439, "outside the snapshot's validity"},
	} {
		a := Of(l, at(c.on), c.max)
		if len(a) != 1 || a[0].Days != c.days {
			t.Errorf("%s: %+v, want %d days", c.on, a, c.days)
			continue
		}
		if c.want == "" && a[0].Warning != "" || c.want != "" && !strings.Contains(a[0].Warning, c.want) {
			t.Errorf("%s max %d: warning %q, want %q", c.on, c.max, a[0].Warning, c.want)
		}
		if got := Warnings(a); (len(got) == 1) != (c.want != "") {
			t.Errorf("%s: Warnings %q", c.on, got)
		}
	}
	if a := Of([]screener.ListInfo{{Name: "firm"}}, at("2026-01-01"), 30); !strings.Contains(a[0].Warning, "no as-of date") {
		t.Errorf("undated list: %+v", a)
	}
}

// The embedded snapshot is a real list: its age is counted from its own date.
func TestOfEmbedded(t *testing.T) {
	l, err := lists.Default()
	if err != nil {
		t.Fatal(err)
	}
	on := l.AsOf.Time(screener.Eastern).AddDate(0, 0, 45)
	a := OfLists([]*screener.List{l}, on, 30)
	if len(a) != 1 || a[0].Days != 45 || !strings.Contains(a[0].Warning, "is 45 days old") || !strings.Contains(a[0].Warning, l.AsOf.String()) {
		t.Fatalf("%+v", a)
	}
}
