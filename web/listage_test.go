package web

import (
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/screener/screener/screener/listage"
)

// listAges keeps the last day's answer: the next day, and after the lists
// change, it is worked out again; the Warning header says the same.
func TestListAgesByDay(t *testing.T) {
	now := testNow
	f := newFixture(t, func(c *Config) { c.Now = func() time.Time { return now } })
	a := f.srv.listAges(now)
	if len(a) == 0 {
		t.Fatal("no lists in use")
	}
	if b := f.srv.listAges(now.Add(time.Hour)); &b[0] != &a[0] {
		t.Error("the same day's ages were worked out again")
	}
	next := f.srv.listAges(now.Add(24 * time.Hour))
	if next[0].Days != a[0].Days+1 {
		t.Errorf("next day: %d days, want %d", next[0].Days, a[0].Days+1)
	}
	want := listage.OfLists(f.srv.engine().lists, now.Add(24*time.Hour), f.srv.cfg.ListMaxAge)
	if next[0] != want[0] {
		t.Errorf("cached %+v, want %+v", next[0], want[0])
	}
	// The header, from the cached values and from ages made elsewhere.
	for _, ages := range [][]listage.Age{next, want} {
		rec := httptest.NewRecorder()
		c := f.srv.e.NewContext(httptest.NewRequest("GET", "/", nil), rec)
		f.srv.warnHeader(c, ages)
		got := rec.Header().Values("Warning")
		if ws := listage.Warnings(ages); len(got) != len(ws) {
			t.Fatalf("Warning headers %q for warnings %q", got, ws)
		}
		for i, w := range listage.Warnings(ages) {
			if !strings.Contains(got[i], w) || !strings.HasPrefix(got[i], "299 screener ") {
				t.Errorf("Warning header %q for %q", got[i], w)
			}
		}
	}
}

// The dashboard says a snapshot dated after the date screened is that, not
// a negative age.
func TestDashboardListDatedAfter(t *testing.T) {
	f := newFixture(t) // the clock says 2023-01-01; the embedded list is of 2025-12-19
	body := f.login(RoleCompliance).get("/").Body.String()
	if !strings.Contains(body, "dated 1,083 days after the date screened") || strings.Contains(body, "−1,083") || strings.Contains(body, "-1,083") {
		i := strings.Index(body, "Lists in use")
		t.Errorf("list age on the dashboard: %.400s", body[max(i, 0):])
	}
}
