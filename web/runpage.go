package web

// The report page of a saved run: a summary, exposure by listed entity split
// by status, and the findings a page at a time, filtered, sorted and
// searched, in people's words.

import (
	"net/http"
	"sort"
	"strconv"

	"github.com/labstack/echo/v4"
	"github.com/screener/screener/screener"
	"github.com/screener/screener/screener/labels"
	"github.com/screener/screener/screener/store"
)

// rejectedShown is how many rejected rows the report page lists.
const rejectedShown = 50

type runView struct {
	Info     store.RunInfo
	Report   *screener.Report
	Statuses []statusCount
	Exposure exposure
	Query    findingQuery
	Total    int
	Findings []*screener.Finding
	Pager    pager
	// Options of the filter form.
	Portfolios []string
	Entities   []entityOption
	Bases      []labels.Label
	AllStatus  []labels.Label
	Rejected   []screener.ParseError
	Charts     reportCharts // issue 17: the report's charts
}

type statusCount struct {
	Label labels.Label
	Count int
}

type entityOption struct{ ID, Name string }

// pager links to the pages of a filtered list.
type pager struct {
	Page, Pages int
	Base        string // the path and query without page=
	First, Last int    // 1-based rows shown
	Total       int
}

func (p pager) Link(n int) string {
	if p.Base == "" {
		return "?page=" + strconv.Itoa(n)
	}
	return p.Base + "&page=" + strconv.Itoa(n)
}

// Near are the page numbers around the current one to link to.
func (p pager) Near() []int {
	var out []int
	for n := max(1, p.Page-3); n <= min(p.Pages, p.Page+3); n++ {
		out = append(out, n)
	}
	return out
}

func newPager(path string, q findingQuery, total int) pager {
	p := pager{Page: q.Offset/q.Limit + 1, Pages: (total + q.Limit - 1) / q.Limit, Total: total}
	if p.Pages == 0 {
		p.Pages = 1
	}
	base := path + "?"
	if v := q.values().Encode(); v != "" {
		base += v
	}
	p.Base = base
	if base[len(base)-1] == '?' {
		p.Base = ""
	}
	if total > 0 {
		p.First = q.Offset + 1
		p.Last = min(q.Offset+q.Limit, total)
	}
	return p
}

func (s *Server) runPage(c echo.Context) error {
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
		return forbidden("run %d is not one of your portfolios'", id)
	}
	q, err := parseFindingQuery(c.QueryParams(), pageRows)
	if err != nil {
		return err
	}
	cr, err := s.report(id)
	if err != nil {
		return err
	}
	v := runView{Info: info, Report: cr.rep, Query: q, Bases: labels.Bases(), AllStatus: labels.Statuses()}
	nonUS := 0
	seenP, seenE := map[string]bool{}, map[string]bool{}
	for i := range cr.rep.Findings {
		f := &cr.rep.Findings[i]
		if labels.NotUSPerson(f) {
			nonUS++
		}
		if !seenP[f.Portfolio] {
			seenP[f.Portfolio] = true
			v.Portfolios = append(v.Portfolios, f.Portfolio)
		}
		if f.Entry != nil && !seenE[f.Entry.ID] {
			seenE[f.Entry.ID] = true
			v.Entities = append(v.Entities, entityOption{f.Entry.ID, f.Entry.Name})
		}
	}
	sort.Strings(v.Portfolios)
	sort.Slice(v.Entities, func(i, j int) bool { return v.Entities[i].Name < v.Entities[j].Name })
	for _, st := range screener.Statuses {
		if n := cr.rep.Summary.ByStatus[st]; n > 0 {
			v.Statuses = append(v.Statuses, statusCount{labels.Status(st), n})
		}
	}
	if nonUS > 0 {
		v.Statuses = append(v.Statuses, statusCount{labels.NonUS, nonUS})
	}
	v.Exposure = s.runExposure(id, cr)
	if v.Charts, err = runCharts(cr.rep); err != nil {
		return err
	}
	v.Total, v.Findings = q.run(cr)
	v.Pager = newPager(c.Request().URL.Path, q, v.Total)
	v.Rejected = cr.rep.Rejected
	if len(v.Rejected) > rejectedShown {
		v.Rejected = v.Rejected[:rejectedShown]
	}
	return s.render(c, "run", pageData{Title: "Run " + strconv.FormatUint(info.ID, 10) + " · " + info.Portfolio, Data: v})
}

// runExposure is the exposure of a cached run, computed once.
func (s *Server) runExposure(id uint64, cr *cachedRun) exposure {
	cr.once.Do(func() { cr.exposure = exposureOf(cr.rep) })
	return cr.exposure
}

// runDownload sends the run's report as JSON (as saved), CSV (with a UTF-8
// byte-order mark, so spreadsheet programs read names and arrows right) or
// text.
func (s *Server) runDownload(c echo.Context) error {
	info, raw, err := s.loadRun(c)
	if err != nil {
		return err
	}
	format := c.Param("format")
	base := "screener-run-" + strconv.FormatUint(info.ID, 10)
	if format == "json" {
		c.Response().Header().Set(echo.HeaderContentDisposition, `attachment; filename="`+base+`.json"`)
		return c.Blob(http.StatusOK, echo.MIMEApplicationJSON, raw)
	}
	cr, err := s.report(info.ID)
	if err != nil {
		return err
	}
	if _, ok := reportDocs[format]; ok {
		return sendReportDoc(c, base, format, cr.rep, raw)
	}
	var ctype, ext string
	switch format {
	case "csv":
		ctype, ext = "text/csv; charset=utf-8", ".csv"
	case "text", "txt":
		ctype, ext = "text/plain; charset=utf-8", ".txt"
	default:
		return screener.Errorf(screener.KindNotFound, "no report format %q: json, csv, text, xlsx, html or pdf", format)
	}
	h := c.Response().Header()
	h.Set(echo.HeaderContentDisposition, `attachment; filename="`+base+ext+`"`)
	h.Set(echo.HeaderContentType, ctype)
	c.Response().WriteHeader(http.StatusOK)
	w := c.Response()
	if format == "csv" {
		if _, err := w.Write([]byte("\ufeff")); err != nil {
			return err
		}
		return cr.rep.WriteCSV(w)
	}
	return cr.rep.WriteText(w)
}
