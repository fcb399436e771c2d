package web

// Findings that scale: a run's report decoded once and kept (a few runs at a
// time), then filtered, sorted and paged per request, for the report page
// and for GET /api/v1/runs/{id}/findings.

import (
	"encoding/json"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/labstack/echo/v4"
	"github.com/screener/screener/screener"
	"github.com/screener/screener/screener/labels"
)

// pageRows is the report page's rows per page; maxLimit caps the API's.
const (
	pageRows = 100
	maxLimit = 200
)

// reportCache keeps the decoded reports of the most recently used runs. A
// saved report never changes, so an entry never goes stale.
type reportCache struct {
	mu    sync.Mutex
	runs  map[uint64]*cachedRun
	order []uint64 // least recently used first
	rows  int      // findings held
}

// cacheRows bounds the findings the cache holds (a 250,000-row run has
// about 11,000).
const cacheRows = 200_000

type cachedRun struct {
	rep *screener.Report
	// bySeverity is the default order: strictest status first, then the
	// largest market value, then file and line.
	bySeverity []int
	once       sync.Once
	exposure   exposure
}

func newCachedRun(rep *screener.Report) *cachedRun {
	c := &cachedRun{rep: rep, bySeverity: make([]int, len(rep.Findings))}
	for i := range c.bySeverity {
		c.bySeverity[i] = i
	}
	fs := rep.Findings
	sort.SliceStable(c.bySeverity, func(i, j int) bool { return severityLess(&fs[c.bySeverity[i]], &fs[c.bySeverity[j]]) })
	return c
}

func severityLess(a, b *screener.Finding) bool {
	ra, rb := severityRank(a), severityRank(b)
	if ra != rb {
		return ra < rb
	}
	if c := a.MarketValue.Cmp(b.MarketValue); c != 0 {
		return c > 0
	}
	if a.File != b.File {
		return a.File < b.File
	}
	return a.Line < b.Line
}

// severityRank orders findings for a person: a non-US-person account's CMIC
// status is not a prohibition, so it sorts after the reviews.
func severityRank(f *screener.Finding) int {
	if labels.NotUSPerson(f) {
		return screener.StatusInfo.Rank()
	}
	return f.Status.Rank()
}

func (rc *reportCache) get(id uint64) *cachedRun {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	c := rc.runs[id]
	if c != nil {
		rc.touch(id)
	}
	return c
}

func (rc *reportCache) touch(id uint64) {
	for i, v := range rc.order {
		if v == id {
			rc.order = append(rc.order[:i], rc.order[i+1:]...)
			break
		}
	}
	rc.order = append(rc.order, id)
}

func (rc *reportCache) put(id uint64, rep *screener.Report) *cachedRun {
	c := newCachedRun(rep)
	rc.mu.Lock()
	defer rc.mu.Unlock()
	if rc.runs == nil {
		rc.runs = map[uint64]*cachedRun{}
	}
	if old := rc.runs[id]; old != nil {
		rc.rows -= len(old.rep.Findings)
	}
	rc.runs[id] = c
	rc.rows += len(rep.Findings)
	rc.touch(id)
	for rc.rows > cacheRows && len(rc.order) > 1 {
		old := rc.order[0]
		rc.order = rc.order[1:]
		rc.rows -= len(rc.runs[old].rep.Findings)
		delete(rc.runs, old)
	}
	return c
}

// report returns run id's decoded report, from the cache or the store.
func (s *Server) report(id uint64) (*cachedRun, error) {
	if c := s.reports.get(id); c != nil {
		return c, nil
	}
	raw, err := s.st.RunReport(id)
	if err != nil {
		return nil, err
	}
	var rep screener.Report
	if err := json.Unmarshal(raw, &rep); err != nil {
		return nil, err
	}
	return s.reports.put(id, &rep), nil
}

// findingQuery is a filter, an order and a page over a run's findings.
type findingQuery struct {
	Status    []string // status codes, or "non_us_person"
	Portfolio string
	Entity    string // entry id
	Basis     string
	Q         string // name or identifier, case-insensitive, part of it
	Sort      string // severity (default), value, row, deadline
	Offset    int
	Limit     int
}

// parseFindingQuery reads the filter from query parameters. page (1-based)
// sets the offset when offset is absent.
func parseFindingQuery(v url.Values, defLimit int) (findingQuery, error) {
	q := findingQuery{Portfolio: strings.TrimSpace(v.Get("portfolio")), Entity: strings.TrimSpace(v.Get("entity")),
		Basis: strings.TrimSpace(v.Get("basis")), Q: strings.TrimSpace(v.Get("q")), Sort: v.Get("sort"), Limit: defLimit}
	for _, s := range v["status"] {
		for _, p := range strings.Split(s, ",") {
			if p = strings.TrimSpace(p); p == "" {
				continue
			}
			if screener.Status(p).Rank() >= len(screener.Statuses) && p != labels.NonUS.Code {
				return q, invalid("status %q: want one of %v or %s", p, screener.Statuses, labels.NonUS.Code)
			}
			q.Status = append(q.Status, p)
		}
	}
	if q.Basis != "" && screener.Basis(q.Basis).Rank() >= len(screener.Bases) {
		return q, invalid("basis %q: want one of %v", q.Basis, screener.Bases)
	}
	switch q.Sort {
	case "", "severity", "value", "row", "deadline":
	default:
		return q, invalid("sort %q: want severity, value, row or deadline", q.Sort)
	}
	num := func(name string, min, max int) (int, bool, error) {
		s := strings.TrimSpace(v.Get(name))
		if s == "" {
			return 0, false, nil
		}
		n, err := strconv.Atoi(s)
		if err != nil || n < min || n > max {
			return 0, false, invalid("%s %q: want a whole number from %d to %d", name, s, min, max)
		}
		return n, true, nil
	}
	if n, ok, err := num("limit", 1, maxLimit); err != nil {
		return q, err
	} else if ok {
		q.Limit = n
	}
	if n, ok, err := num("offset", 0, 1<<30); err != nil {
		return q, err
	} else if ok {
		q.Offset = n
	} else if p, ok, err := num("page", 1, 1<<20); err != nil {
		return q, err
	} else if ok {
		q.Offset = (p - 1) * q.Limit
	}
	return q, nil
}

// values is q as query parameters, without the page.
func (q findingQuery) values() url.Values {
	v := url.Values{}
	set := func(k, s string) {
		if s != "" {
			v.Set(k, s)
		}
	}
	set("status", strings.Join(q.Status, ","))
	set("portfolio", q.Portfolio)
	set("entity", q.Entity)
	set("basis", q.Basis)
	set("q", q.Q)
	if q.Sort != "severity" {
		set("sort", q.Sort)
	}
	return v
}

func (q findingQuery) match(f *screener.Finding) bool {
	if len(q.Status) > 0 {
		ok := false
		nonUS := labels.NotUSPerson(f)
		for _, s := range q.Status {
			if s == labels.NonUS.Code && nonUS || s == string(f.Status) && !nonUS {
				ok = true
				break
			}
		}
		if !ok {
			return false
		}
	}
	if q.Portfolio != "" && f.Portfolio != q.Portfolio {
		return false
	}
	if q.Entity != "" && (f.Entry == nil || f.Entry.ID != q.Entity) {
		return false
	}
	if q.Basis != "" {
		ok := false
		for _, b := range f.Basis {
			if string(b) == q.Basis {
				ok = true
				break
			}
		}
		if !ok {
			return false
		}
	}
	if q.Q != "" {
		needle := strings.ToUpper(q.Q)
		s := f.Security
		hay := []string{s.Name, s.ISIN, s.CUSIP, s.SEDOL, s.FIGI, s.Ticker, s.Issuer, f.Key}
		if f.Entry != nil {
			hay = append(hay, f.Entry.Name, f.Entry.ID)
		}
		ok := false
		for _, h := range hay {
			if h != "" && strings.Contains(strings.ToUpper(h), needle) {
				ok = true
				break
			}
		}
		if !ok {
			return false
		}
	}
	return true
}

// run applies q to a run's findings: the total that match and the page.
func (q findingQuery) run(c *cachedRun) (int, []*screener.Finding) {
	fs := c.rep.Findings
	idx := make([]int, 0, 256)
	for _, i := range c.bySeverity {
		if q.match(&fs[i]) {
			idx = append(idx, i)
		}
	}
	switch q.Sort {
	case "value":
		sort.SliceStable(idx, func(a, b int) bool { return fs[idx[a]].MarketValue.Cmp(fs[idx[b]].MarketValue) > 0 })
	case "row":
		sort.SliceStable(idx, func(a, b int) bool {
			x, y := &fs[idx[a]], &fs[idx[b]]
			if x.File != y.File {
				return x.File < y.File
			}
			return x.Line < y.Line
		})
	case "deadline":
		sort.SliceStable(idx, func(a, b int) bool {
			x, y := fs[idx[a]].DivestmentDate, fs[idx[b]].DivestmentDate
			if x.IsZero() != y.IsZero() {
				return !x.IsZero()
			}
			return x.Before(y)
		})
	}
	total := len(idx)
	if q.Offset >= total {
		return total, nil
	}
	end := min(q.Offset+q.Limit, total)
	out := make([]*screener.Finding, 0, end-q.Offset)
	for _, i := range idx[q.Offset:end] {
		out = append(out, &fs[i])
	}
	return total, out
}

// findingsPage is the answer of GET /api/v1/runs/{id}/findings.
type findingsPage struct {
	Total    int                 `json:"total"`
	Offset   int                 `json:"offset"`
	Limit    int                 `json:"limit"`
	Findings []*screener.Finding `json:"findings"`
}

// apiFindings pages, filters and sorts a saved run's findings.
func (s *Server) apiFindings(c echo.Context) error {
	id, err := runID(c)
	if err != nil {
		return err
	}
	info, err := s.st.RunInfo(id)
	if err != nil {
		return err
	}
	ok, err := s.ownsRun(who(c), info)
	if err != nil {
		return err
	}
	if !ok {
		return screener.Errorf(screener.KindNotFound, "no run %d", id)
	}
	q, err := parseFindingQuery(c.QueryParams(), maxLimit)
	if err != nil {
		return err
	}
	cr, err := s.report(id)
	if err != nil {
		return err
	}
	total, page := q.run(cr)
	if page == nil {
		page = []*screener.Finding{}
	}
	return c.JSON(http.StatusOK, findingsPage{Total: total, Offset: q.Offset, Limit: q.Limit, Findings: page})
}
