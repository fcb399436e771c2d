package web

// Charts on the server, as inline SVG: no JavaScript, and they print. All
// the app's charts go through barChart, so switching to the reports' chart
// package is a change here only.

import (
	"fmt"
	"html"
	"html/template"
	"strings"

	"github.com/shopspring/decimal"
)

// bar is one bar of a horizontal bar chart.
type bar struct {
	Label string
	Value decimal.Decimal
	Text  string // the value as shown, e.g. "1,557,210,000 HKD"
	Class string // colour class: bar-prohibited, bar-review...
}

// barChart draws horizontal bars scaled to the largest value, each with its
// label on the left and its value on the right. Values are scaled with
// decimals; the float is only the bar's width in pixels.
func barChart(title string, bars []bar) template.HTML {
	if len(bars) == 0 {
		return ""
	}
	const width, labelW, valueW, rowH = 640, 230, 170, 24
	plotW := width - labelW - valueW
	maxV := decimal.Zero
	for _, b := range bars {
		if b.Value.GreaterThan(maxV) {
			maxV = b.Value
		}
	}
	h := len(bars)*rowH + 8
	var sb strings.Builder
	fmt.Fprintf(&sb, `<svg class="chart" role="img" aria-label="%s" viewBox="0 0 %d %d" width="%d" height="%d" xmlns="http://www.w3.org/2000/svg">`,
		html.EscapeString(title), width, h, width, h)
	fmt.Fprintf(&sb, `<title>%s</title>`, html.EscapeString(title))
	for i, b := range bars {
		y := 4 + i*rowH
		w := 0.0
		if maxV.IsPositive() && b.Value.IsPositive() {
			w, _ = b.Value.Div(maxV).Mul(decimal.NewFromInt(int64(plotW))).Float64()
			w = max(w, 2)
		}
		label := b.Label
		if r := []rune(label); len(r) > 34 {
			label = string(r[:33]) + "…"
		}
		fmt.Fprintf(&sb, `<text x="%d" y="%d" text-anchor="end" class="chart-label">%s</text>`, labelW-6, y+16, html.EscapeString(label))
		fmt.Fprintf(&sb, `<rect x="%d" y="%d" width="%.1f" height="%d" class="%s"><title>%s: %s</title></rect>`,
			labelW, y+3, w, rowH-8, html.EscapeString(b.Class), html.EscapeString(b.Label), html.EscapeString(b.Text))
		fmt.Fprintf(&sb, `<text x="%.1f" y="%d" class="chart-value">%s</text>`, float64(labelW)+w+6, y+16, html.EscapeString(b.Text))
	}
	sb.WriteString(`</svg>`)
	return template.HTML(sb.String())
}
