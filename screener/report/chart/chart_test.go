package chart_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/screener/screener/screener"
	"github.com/screener/screener/screener/report/chart"
	"github.com/screener/screener/screener/report/reporttest"
)

// sum adds a series' values per category across the chart.
func value(c chart.Chart, series, cat string) decimal.Decimal {
	for _, s := range c.Series {
		if s.Name != series {
			continue
		}
		for i, k := range c.Categories {
			if k == cat {
				return s.Values[i]
			}
		}
	}
	return decimal.Zero
}

func TestValueByStatusKeepsCurrenciesApart(t *testing.T) {
	r := reporttest.Sample()
	c := chart.ValueByStatus(r)
	// People's words on the axis, strictest first.
	if got := strings.Join(c.Categories, ","); got != "Divest only,Listed, not yet effective,Needs review,Clear" {
		t.Errorf("categories %s", got)
	}
	// divest_only holds 50,000 HKD and 71.25 CNY: two series, never 50,071.25.
	if v := value(c, "HKD", "Divest only"); !v.Equal(decimal.RequireFromString("50000")) {
		t.Errorf("divest_only HKD %s", v)
	}
	if v := value(c, "CNY", "Divest only"); !v.Equal(decimal.RequireFromString("71.25")) {
		t.Errorf("divest_only CNY %s", v)
	}
	for _, s := range c.Series {
		if len(s.Values) != len(c.Categories) {
			t.Errorf("series %s has %d values for %d categories", s.Name, len(s.Values), len(c.Categories))
		}
	}
}

func TestValueByEntityTopAndOther(t *testing.T) {
	r := reporttest.Generated(500)
	c := chart.ValueByEntity(r, 10)
	if len(c.Categories) != 11 || c.Categories[10] != chart.Other {
		t.Fatalf("categories %v: want 10 entities and other", c.Categories)
	}
	// The chart's values add up to the totals by entity, per currency.
	want := map[string]decimal.Decimal{}
	for _, t := range r.Totals.ByEntry {
		want[t.Currency] = want[t.Currency].Add(t.MarketValue)
	}
	for _, s := range c.Series {
		got := decimal.Zero
		for _, v := range s.Values {
			got = got.Add(v)
		}
		if !got.Equal(want[s.Name]) {
			t.Errorf("%s: chart sums to %s, totals %s", s.Name, got, want[s.Name])
		}
	}
}

func TestDeadlinesInDateOrder(t *testing.T) {
	c := chart.Deadlines(reporttest.Sample())
	if got := strings.Join(c.Categories, ","); got != "2022-06-03,2022-11-11" {
		t.Errorf("deadlines %s", got)
	}
}

func TestExposureOverRunsLeavesClearOut(t *testing.T) {
	r := reporttest.Sample()
	pts := []chart.RunPoint{{Date: "2022-01-10", ByStatus: r.Totals.ByStatus}, {Date: "2022-02-10", ByStatus: []screener.Total{
		{Key: "divest_only", Currency: "HKD", Positions: 1, MarketValue: decimal.RequireFromString("25000")}}}}
	c := chart.ExposureOverRuns(pts)
	if len(c.Categories) != 2 || c.Kind != chart.Line {
		t.Fatalf("%+v", c)
	}
	for _, s := range c.Series {
		if strings.HasPrefix(s.Name, "Clear") || strings.Contains(s.Name, "_") {
			t.Errorf("series %s: clear is not exposure", s.Name)
		}
	}
	if v := value(c, "Divest only HKD", "2022-02-10"); !v.Equal(decimal.RequireFromString("25000")) {
		t.Errorf("divest_only HKD on the second run: %s", v)
	}
}

func TestSVGEscapesAndPNGIsPNG(t *testing.T) {
	c := chart.Chart{Title: `<script>alert("t")</script>`, Categories: []string{`</text><a href="http://x.invalid">`, "b"},
		Series: []chart.Series{{Name: "USD", Values: []decimal.Decimal{decimal.NewFromInt(3), decimal.NewFromInt(5)}}}}
	svg, err := chart.SVG(c, 600, 300)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(svg, []byte("<svg")) || bytes.Contains(svg, []byte("<script")) || bytes.Contains(svg, []byte(`<a href`)) {
		t.Errorf("SVG not escaped: %.300s", svg)
	}
	png, err := chart.PNG(c, 600, 300)
	if err != nil || !bytes.HasPrefix(png, []byte("\x89PNG")) {
		t.Errorf("PNG: %v %.8q", err, png)
	}
	empty, err := chart.SVG(chart.Chart{Title: "<none>"}, 600, 300)
	if err != nil || !bytes.Contains(empty, []byte("&lt;none&gt;")) {
		t.Errorf("empty chart: %v %s", err, empty)
	}
}
