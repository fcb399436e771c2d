package web

// Issue 17: the dashboard's chart of exposure over saved runs.

import (
	"encoding/json"
	"html/template"
	"sort"
	"sync"

	"github.com/screener/screener/screener"
	"github.com/screener/screener/screener/report/chart"
	"github.com/screener/screener/screener/store"
)

// overRunsRuns bounds the saved runs (newest first) the chart reads, and
// overRunsPoints the dates it draws (the latest ones).
const (
	overRunsRuns   = 60
	overRunsPoints = 24
)

// overRunsChart draws exposure over the saved runs the caller may see
// (runs: newest first) as an image and its title, or "" when there are fewer than two runs or
// nothing to draw. There is one point per as-of date: the exposure of the
// latest run of each portfolio as of that date, summed (a portfolio not
// screened that day counts with its run before), so a book of several
// portfolios is drawn as one book, not as a zig-zag between portfolios.
//
// A RunPoint needs market values by status, which store.RunInfo lacks (it
// keeps counts by status only): the values come from each run's saved
// report totals, read once per run and kept (runTotals).
func (s *Server) overRunsChart(runs []store.RunInfo) (template.URL, string, error) {
	if len(runs) < 2 {
		return "", "", nil
	}
	points, err := runPoints(runs[:min(len(runs), overRunsRuns)], s.runTotals)
	if err != nil {
		return "", "", err
	}
	points = points[max(0, len(points)-overRunsPoints):]
	c := chart.ExposureOverRuns(points)
	if len(points) < 2 || c.Empty() {
		return "", "", nil
	}
	src, err := chartImage(c, 720, 320)
	return src, c.Title, err
}

// runPoints makes the chart's points from runs (in any order): one per
// as-of date, oldest first, the totals of each portfolio's latest run as of
// that date, summed.
func runPoints(runs []store.RunInfo, totals func(uint64) ([]screener.Total, error)) ([]chart.RunPoint, error) {
	runs = append([]store.RunInfo(nil), runs...)
	sort.SliceStable(runs, func(i, j int) bool {
		if !runs[i].AsOf.Equal(runs[j].AsOf) {
			return runs[i].AsOf.Before(runs[j].AsOf)
		}
		return runs[i].ID < runs[j].ID
	})
	var points []chart.RunPoint
	now := map[string][]screener.Total{} // portfolio → its latest totals so far
	for i, r := range runs {
		ts, err := totals(r.ID)
		if err != nil {
			return nil, err
		}
		now[r.Portfolio] = ts
		date := r.AsOf.In(screener.Eastern).Format("2006-01-02")
		if i+1 < len(runs) && runs[i+1].AsOf.In(screener.Eastern).Format("2006-01-02") == date {
			continue // the date's point comes after its last run
		}
		p := chart.RunPoint{Date: date}
		for _, pf := range sortedKeys(now) {
			p.ByStatus = append(p.ByStatus, now[pf]...)
		}
		points = append(points, p)
	}
	return points, nil
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// maxRunTotals bounds the runs whose totals are kept.
const maxRunTotals = 1024

// runTotalsCache keeps saved runs' totals by status: a saved run never
// changes, and reading its report again for every dashboard would decode
// up to overRunsRuns reports.
type runTotalsCache struct {
	mu sync.Mutex
	m  map[uint64][]screener.Total
}

// runTotals returns the totals by status of saved run id: from the
// decoded-report cache when it holds the run, else from its saved report
// (decoding the totals only).
func (s *Server) runTotals(id uint64) ([]screener.Total, error) {
	c := &s.totals
	c.mu.Lock()
	ts, ok := c.m[id]
	c.mu.Unlock()
	if ok {
		return ts, nil
	}
	if cr := s.reports.get(id); cr != nil {
		ts = cr.rep.Totals.ByStatus
	} else {
		raw, err := s.st.RunReport(id)
		if err != nil {
			return nil, err
		}
		var rep struct {
			Totals struct {
				ByStatus []screener.Total `json:"by_status"`
			} `json:"totals"`
		}
		if err := json.Unmarshal(raw, &rep); err != nil {
			return nil, err
		}
		ts = rep.Totals.ByStatus
	}
	c.mu.Lock()
	if c.m == nil || len(c.m) >= maxRunTotals {
		c.m = map[uint64][]screener.Total{} // start again: cheap to refill
	}
	c.m[id] = ts
	c.mu.Unlock()
	return ts, nil
}
