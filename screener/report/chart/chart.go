// Package chart draws the report's charts with go-analyze/charts, as SVG
// (for HTML pages) or PNG (for the PDF). It is the only package that
// imports the charting library.
//
// A chart never adds two currencies: each currency is a series of its own.
// Values are decimals in the model; they become float64 here only to place
// bars and lines, and every figure a person reads in a report comes from
// the decimals, not from the chart.
package chart

import (
	"bytes"
	"fmt"
	"html"
	"sort"

	"github.com/go-analyze/charts"
	"github.com/shopspring/decimal"

	"github.com/screener/screener/screener"
	"github.com/screener/screener/screener/labels"
	"github.com/screener/screener/screener/report"
)

// Kind is how a chart draws its series.
type Kind int

// Kinds of chart.
const (
	Bar           Kind = iota // vertical bars, one group per category
	HorizontalBar             // horizontal bars, for long category names
	Line                      // one line per series, categories along x
)

// Series is one currency's (or one status's) values, one per category.
type Series struct {
	Name   string
	Values []decimal.Decimal
}

// Chart is the data of one chart, ready to draw.
type Chart struct {
	Title      string
	Kind       Kind
	Categories []string
	Series     []Series
}

// Empty reports whether c has nothing to draw.
func (c Chart) Empty() bool { return len(c.Categories) == 0 || len(c.Series) == 0 }

// ValueByStatus charts the market value of the report's positions by
// status, a series per currency (from the report's totals, so clear
// positions count even when the report does not list them).
func ValueByStatus(r *screener.Report) Chart {
	c := Chart{Title: "Exposure by status (market value)", Kind: Bar}
	keys := map[string]bool{}
	for _, t := range r.Totals.ByStatus {
		keys[t.Key] = true
	}
	for _, st := range screener.Statuses {
		if keys[string(st)] {
			c.Categories = append(c.Categories, string(st))
		}
	}
	c.Series = pivot(r.Totals.ByStatus, c.Categories, func(t screener.Total) string { return t.Key })
	// People's words on the axis (the codes are in the exports' data).
	for i, k := range c.Categories {
		c.Categories[i] = labels.Status(screener.Status(k)).Name
	}
	return c
}

// Other is the category that gathers the entities past the top ones.
const Other = "other"

// ValueByEntity charts the market value held in each listed entity, a
// series per currency: the top entities by number of positions (then by
// name) and one "other" category for the rest.
func ValueByEntity(r *screener.Report, top int) Chart {
	c := Chart{Title: "Value by listed entity (most positions first)", Kind: HorizontalBar}
	label := func(key string) string {
		if ref, name := report.SplitEntityKey(key); name != "" {
			return clip(name, 30)
		} else {
			return ref
		}
	}
	count := map[string]int{}
	for _, t := range r.Totals.ByEntry {
		count[t.Key] += t.Positions
	}
	ids := make([]string, 0, len(count))
	for id := range count {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(a, b int) bool {
		if count[ids[a]] != count[ids[b]] {
			return count[ids[a]] > count[ids[b]]
		}
		return label(ids[a]) < label(ids[b])
	})
	cat := map[string]string{}
	for i, id := range ids {
		if i < top {
			cat[id] = label(id)
			c.Categories = append(c.Categories, label(id))
		} else {
			cat[id] = Other
		}
	}
	if len(ids) > top {
		c.Categories = append(c.Categories, Other)
	}
	c.Series = pivot(r.Totals.ByEntry, c.Categories, func(t screener.Total) string { return cat[t.Key] })
	return c
}

// Deadlines charts the value to divest by each open window's deadline, in
// date order (a timeline), a series per currency.
func Deadlines(r *screener.Report) Chart {
	c := Chart{Title: "Divestment deadlines (value due by date)", Kind: Bar}
	var ts []screener.Total
	seen := map[string]bool{}
	for _, f := range report.Windows(r) {
		d := f.DivestmentDate.String()
		if !seen[d] {
			seen[d] = true
			c.Categories = append(c.Categories, d)
		}
		ts = append(ts, screener.Total{Key: d, Currency: f.Currency, Positions: 1, MarketValue: f.MarketValue})
	}
	c.Series = pivot(ts, c.Categories, func(t screener.Total) string { return t.Key })
	return c
}

// RunPoint is one saved run for the exposure-over-time chart: its date and
// its totals by status.
type RunPoint struct {
	Date     string
	ByStatus []screener.Total
}

// ExposureOverRuns charts the value by status across saved runs, one line
// per status and currency, so the divestment progress shows over time.
// Clear and cleared positions are left out: they are not exposure.
func ExposureOverRuns(points []RunPoint) Chart {
	c := Chart{Title: "Exposure over saved runs (market value by status)", Kind: Line}
	type key struct{ st, ccy string }
	vals := map[key][]decimal.Decimal{}
	var keys []key
	for i, p := range points {
		c.Categories = append(c.Categories, p.Date)
		for _, t := range p.ByStatus {
			st := screener.Status(t.Key)
			if st == screener.StatusClear || st == screener.StatusCleared {
				continue
			}
			k := key{t.Key, t.Currency}
			if _, ok := vals[k]; !ok {
				keys = append(keys, k)
				vals[k] = make([]decimal.Decimal, len(points))
			}
			vals[k][i] = vals[k][i].Add(t.MarketValue)
		}
	}
	sort.Slice(keys, func(a, b int) bool {
		ra, rb := screener.Status(keys[a].st).Rank(), screener.Status(keys[b].st).Rank()
		if ra != rb {
			return ra < rb
		}
		return keys[a].ccy < keys[b].ccy
	})
	for _, k := range keys {
		c.Series = append(c.Series, Series{Name: labels.Status(screener.Status(k.st)).Name + " " + k.ccy, Values: vals[k]})
	}
	return c
}

// pivot turns totals into a series per currency over cats, with catOf
// giving each total's category.
func pivot(ts []screener.Total, cats []string, catOf func(screener.Total) string) []Series {
	pos := map[string]int{}
	for i, c := range cats {
		pos[c] = i
	}
	var out []Series
	idx := map[string]int{}
	for _, ccy := range report.Currencies(ts) {
		idx[ccy] = len(out)
		out = append(out, Series{Name: currencyName(ccy), Values: make([]decimal.Decimal, len(cats))})
	}
	for _, t := range ts {
		i, ok := pos[catOf(t)]
		if !ok {
			continue
		}
		s := &out[idx[t.Currency]]
		s.Values[i] = s.Values[i].Add(t.MarketValue)
	}
	return out
}

func currencyName(c string) string {
	if c == "" {
		return "no currency"
	}
	return c
}

func clip(s string, n int) string {
	r := []rune(s)
	if len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}

// SVG draws c as an SVG document of w×h (its viewBox: it scales to its
// container).
func SVG(c Chart, w, h int) ([]byte, error) { return render(c, w, h, charts.ChartOutputSVG) }

// PNG draws c as a PNG image of w×h pixels.
func PNG(c Chart, w, h int) ([]byte, error) { return render(c, w, h, charts.ChartOutputPNG) }

func render(c Chart, w, h int, format string) ([]byte, error) {
	if c.Empty() {
		if format == charts.ChartOutputSVG {
			return emptySVG(c.Title, w, h), nil
		}
		return nil, fmt.Errorf("chart %q: no data", c.Title)
	}
	values := make([][]float64, len(c.Series))
	names := make([]string, len(c.Series))
	for i, s := range c.Series {
		names[i] = s.Name
		values[i] = make([]float64, len(s.Values))
		for j, v := range s.Values {
			values[i][j] = v.InexactFloat64() // geometry only
		}
	}
	p := charts.NewPainter(charts.PainterOptions{OutputFormat: format, Width: w, Height: h})
	title := charts.TitleOption{Text: c.Title}
	legend := charts.LegendOption{SeriesNames: names, Offset: charts.OffsetRight}
	var err error
	switch c.Kind {
	case Line:
		opt := charts.NewLineChartOptionWithData(values)
		opt.Title, opt.Legend = title, legend
		opt.XAxis.Labels = c.Categories
		if len(c.Categories) <= 12 {
			opt.XAxis.LabelCount = len(c.Categories)
		}
		if len(c.Categories) > 6 {
			opt.XAxis.LabelRotation = charts.DegreesToRadians(30)
		}
		err = p.LineChart(opt)
	default:
		opt := charts.NewBarChartOptionWithData(values)
		opt.Title, opt.Legend = title, legend
		opt.CategoryAxis.Labels = c.Categories
		opt.CategoryAxis.LabelCount = len(c.Categories) // every category named
		opt.Horizontal = c.Kind == HorizontalBar
		if opt.Horizontal {
			// The library draws the first category at the bottom: reverse,
			// so the largest stands on top.
			opt.CategoryAxis.Labels = reversed(c.Categories)
			for i := range values {
				values[i] = reversed(values[i])
			}
			opt.SeriesList = charts.NewSeriesListBar(values, charts.BarSeriesOption{Names: names})
		} else if len(c.Categories) > 3 {
			opt.CategoryAxis.LabelRotation = charts.DegreesToRadians(25)
		}
		opt.Padding = charts.Box{Top: 20, Right: 30, Bottom: 20, Left: 20}
		err = p.BarChart(opt)
	}
	if err != nil {
		return nil, fmt.Errorf("chart %q: %w", c.Title, err)
	}
	return p.Bytes()
}

func reversed[T any](s []T) []T {
	out := make([]T, len(s))
	for i, v := range s {
		out[len(s)-1-i] = v
	}
	return out
}

func emptySVG(title string, w, h int) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d"><text x="20" y="30" font-family="sans-serif" font-size="16">%s</text>`+
		`<text x="20" y="60" font-family="sans-serif" font-size="13" fill="#666">Nothing to chart.</text></svg>`, w, h/4, html.EscapeString(title))
	return b.Bytes()
}
