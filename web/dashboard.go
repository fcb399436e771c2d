package web

// The home page (a dashboard of exposure now, open reviews, deadlines, lists
// and the last runs) and the portfolios page. Both count the latest run of
// each portfolio once, never every upload of it.

import (
	"html/template"
	"sort"

	"github.com/labstack/echo/v4"
	"github.com/screener/screener/screener"
	"github.com/screener/screener/screener/labels"
	"github.com/screener/screener/screener/listage"
	"github.com/screener/screener/screener/store"
)

// latestRuns returns the runs the caller may see, newest first, and the
// latest run of each portfolio among them.
func (s *Server) latestRuns(c echo.Context) (all, latest []store.RunInfo, err error) {
	p := who(c)
	runs, err := s.st.Runs()
	if err != nil {
		return nil, nil, err
	}
	own, err := s.ownPortfolios(p)
	if err != nil {
		return nil, nil, err
	}
	seen := map[string]bool{}
	for _, r := range runs {
		if own != nil && r.User != p.Name && !own[r.Portfolio] {
			continue
		}
		all = append(all, r)
		if !seen[r.Portfolio] {
			seen[r.Portfolio] = true
			latest = append(latest, r)
		}
	}
	return all, latest, nil
}

// deadline is a position whose divestment window is still open.
type deadline struct {
	Run     uint64
	Finding *screener.Finding
}

type dashboardView struct {
	Exposure exposure
	Charts   []template.HTML
	// OverRuns is the chart of exposure over saved runs (an SVG image),
	// OverRunsTitle its title; empty with fewer than two runs.
	OverRuns      template.URL
	OverRunsTitle string
	Latest        []store.RunInfo
	Recent        []store.RunInfo
	Reviews       int
	CanReview     bool
	Deadlines     []deadline
	Lists         []listInfo
	Ages          []listage.Age
	NonUS         int
	Portfolios    int
}

// dashboardRuns bounds how many portfolios' latest runs the dashboard sums.
const dashboardRuns = 50

func (s *Server) home(c echo.Context) error {
	all, latest, err := s.latestRuns(c)
	if err != nil {
		return err
	}
	v := dashboardView{Lists: s.listsInUse(), Ages: s.listAges(s.cfg.Now()), Portfolios: len(latest)}
	v.Recent = all[:min(len(all), 10)]
	v.Latest = latest[:min(len(latest), dashboardRuns)]
	acc := newExposureAcc()
	today := screener.DateOf(s.cfg.Now().In(screener.Eastern))
	for _, r := range v.Latest {
		cr, err := s.report(r.ID)
		if err != nil {
			return err
		}
		for i := range cr.rep.Findings {
			f := &cr.rep.Findings[i]
			acc.add(f)
			if labels.NotUSPerson(f) {
				v.NonUS++
				continue
			}
			if (f.Status == screener.StatusDivestOnly || f.Status == screener.StatusPreEffective) &&
				!f.DivestmentDate.IsZero() && !f.DivestmentDate.Before(today) {
				v.Deadlines = append(v.Deadlines, deadline{r.ID, f})
			}
		}
	}
	sort.SliceStable(v.Deadlines, func(i, j int) bool {
		return v.Deadlines[i].Finding.DivestmentDate.Before(v.Deadlines[j].Finding.DivestmentDate)
	})
	v.Deadlines = v.Deadlines[:min(len(v.Deadlines), 20)]
	v.Exposure = acc.done()
	v.Charts = exposureCharts(v.Exposure)
	if v.OverRuns, v.OverRunsTitle, err = s.overRunsChart(all); err != nil {
		return err
	}
	if p := who(c); p != nil && (p.Role == RoleAdmin || p.has(RoleCompliance)) {
		v.CanReview = true
		rs, err := s.st.OpenReviews()
		if err != nil {
			return err
		}
		v.Reviews = len(rs)
	}
	return s.render(c, "home", pageData{Title: "Dashboard", Data: v})
}

// exposureCharts draws, per currency, the value in each exposure bucket,
// and the listed entities with the most prohibited value.
func exposureCharts(e exposure) []template.HTML {
	var out []template.HTML
	for _, t := range e.Totals {
		var bars []bar
		for b := 0; b < nBuckets; b++ {
			if t.Cells[b].N == 0 {
				continue
			}
			bars = append(bars, bar{Label: bucketNames[b], Value: t.Cells[b].V, Text: money(t.Cells[b].V, t.Currency), Class: bucketClass[b]})
		}
		out = append(out, barChart("Exposure by status, "+orNone(t.Currency), bars))
	}
	var top []bar
	for _, r := range e.Entities {
		if len(top) == 8 || !r.Prohibited().IsPositive() {
			break
		}
		top = append(top, bar{Label: r.Name, Value: r.Prohibited(), Text: money(r.Prohibited(), r.Currency), Class: bucketClass[bucketProhibited]})
	}
	if len(top) > 0 && sameCurrency(top, e) {
		out = append(out, barChart("Listed entities with the most prohibited value", top))
	}
	return out
}

// sameCurrency reports whether the prohibited exposure is in one currency,
// so one chart's bars compare like with like.
func sameCurrency(_ []bar, e exposure) bool {
	n := 0
	for _, t := range e.Totals {
		if t.Cells[bucketProhibited].N > 0 {
			n++
		}
	}
	return n == 1
}

var bucketClass = [nBuckets]string{"bar-prohibited", "bar-pre", "bar-review", "bar-info", "bar-cleared", "bar-nonus"}

func orNone(ccy string) string {
	if ccy == "" {
		return "no currency given"
	}
	return ccy
}

type portfolioView struct {
	Latest   []portfolioRow
	Exposure exposure
}

type portfolioRow struct {
	Run    store.RunInfo
	Owner  string
	Access []string
}

func (s *Server) portfoliosPage(c echo.Context) error {
	_, latest, err := s.latestRuns(c)
	if err != nil {
		return err
	}
	sort.Slice(latest, func(i, j int) bool { return latest[i].Portfolio < latest[j].Portfolio })
	var v portfolioView
	acc := newExposureAcc()
	for _, r := range latest {
		pf, err := s.st.Portfolio(r.Portfolio)
		if err != nil {
			return err
		}
		v.Latest = append(v.Latest, portfolioRow{Run: r, Owner: pf.Owner, Access: pf.Access})
		cr, err := s.report(r.ID)
		if err != nil {
			return err
		}
		for i := range cr.rep.Findings {
			acc.add(&cr.rep.Findings[i])
		}
	}
	v.Exposure = acc.done()
	return s.render(c, "portfolios", pageData{Title: "Portfolios and exposure", Data: v})
}
