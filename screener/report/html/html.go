// Package html writes the divestment report as one self-contained HTML
// file (html/template): inline CSS, inline SVG charts drawn on the server,
// no script and nothing fetched, readable on screen and printed. Every
// value goes through html/template's escaping, so a security named
// =HYPERLINK("http://…") is text, never a link.
package html

import (
	_ "embed"
	"fmt"
	"html/template"
	"io"

	"github.com/screener/screener/screener"
	"github.com/screener/screener/screener/report"
	"github.com/screener/screener/screener/report/chart"
)

//go:embed report.html.tmpl
var reportTmpl string

// Chart sizes (the SVGs scale to the page; these set their proportions).
const (
	chartW, chartH = 720, 320
)

var tmpl = template.Must(template.New("report").Funcs(Funcs).Parse(reportTmpl))

// Funcs are the template functions the report uses, for pages that embed
// parts of it.
var Funcs = template.FuncMap{
	"money":       report.Money,
	"qty":         report.Quantity,
	"days":        report.DaysLeft,
	"basis":       report.JoinBasis,
	"ids":         report.Identifiers,
	"status":      func(s screener.Status) string { return string(s) },
	"inc":         func(i int) int { return i + 1 },
	"entryOf":     entryOf,
	"security":    report.SecurityLabel,
	"lookthrough": report.LookthroughLines,
}

func entryOf(f *screener.Finding) string {
	if f.Entry == nil {
		return ""
	}
	return f.Entry.Name + " (" + f.Entry.List + " " + f.Entry.ID + ")"
}

// Charts are the report's charts as inline SVG, ready for a template.
type Charts struct {
	ByStatus, ByEntity, Deadlines template.HTML
}

// ChartsFor draws r's three charts as SVG: exposure by status, value by
// listed entity (top 10 and the rest as "other") and the divestment
// deadlines on a timeline. The web app's report page shows the same.
func ChartsFor(r *screener.Report) (Charts, error) {
	var c Charts
	for _, x := range []struct {
		dst *template.HTML
		c   chart.Chart
	}{{&c.ByStatus, chart.ValueByStatus(r)}, {&c.ByEntity, chart.ValueByEntity(r, 10)}, {&c.Deadlines, chart.Deadlines(r)}} {
		h := chartH
		if x.c.Kind == chart.HorizontalBar && len(x.c.Categories) > 5 {
			h = 120 + 36*len(x.c.Categories)
		}
		svg, err := SVG(x.c, chartW, h)
		if err != nil {
			return c, err
		}
		*x.dst = svg
	}
	return c, nil
}

// SVG draws one chart as inline SVG. The charting library escapes every
// text it writes; the result is trusted as HTML.
func SVG(c chart.Chart, w, h int) (template.HTML, error) {
	b, err := chart.SVG(c, w, h)
	if err != nil {
		return "", err
	}
	return template.HTML(b), nil //nolint:gosec // escaped by the SVG renderer
}

type view struct {
	R        *screener.Report
	Meta     report.Meta
	Charts   Charts
	Groups   []report.Group
	Windows  []*screener.Finding
	Counts   []count
	Entities []entity
	// StatusTotals are the totals by status, strictest status first.
	StatusTotals []screener.Total
}

type count struct {
	Status screener.Status
	N      int
}

type entity struct {
	screener.Total
	Ref, Name string
}

// Write writes r as one HTML document.
func Write(w io.Writer, r *screener.Report, m report.Meta) error {
	m, err := report.Resolve(r, m)
	if err != nil {
		return err
	}
	v := view{R: r, Meta: m, Groups: report.ByStatus(r), Windows: report.Windows(r)}
	if v.Charts, err = ChartsFor(r); err != nil {
		return err
	}
	for _, st := range screener.Statuses {
		if n := r.Summary.ByStatus[st]; n > 0 {
			v.Counts = append(v.Counts, count{st, n})
		}
	}
	v.StatusTotals = report.StatusTotals(r)
	for _, t := range r.Totals.ByEntry {
		ref, name := report.SplitEntityKey(t.Key)
		v.Entities = append(v.Entities, entity{t, ref, name})
	}
	if err := tmpl.Execute(w, v); err != nil {
		return fmt.Errorf("html report: %w", err)
	}
	return nil
}
