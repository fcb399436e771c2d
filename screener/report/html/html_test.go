package html_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/screener/screener/screener/report"
	"github.com/screener/screener/screener/report/html"
	"github.com/screener/screener/screener/report/reporttest"
)

func TestWriteEscapesAndIsSelfContained(t *testing.T) {
	r := reporttest.Sample()
	var b bytes.Buffer
	if err := html.Write(&b, r, report.Meta{SignOff: report.SignOff{PreparedBy: `"><img src=x onerror=alert(1)>`}}); err != nil {
		t.Fatal(err)
	}
	h := b.String()
	for _, bad := range []string{"<script", "<img", "<link", "<iframe", `href="http`, "@import", "url("} {
		if strings.Contains(h, bad) {
			t.Errorf("HTML holds %q", bad)
		}
	}
	if n := strings.Count(h, "<svg"); n != 3 {
		t.Errorf("%d SVG charts, want 3", n)
	}
	d, _ := report.Digest(r)
	for _, want := range []string{"@media print", "thead { display: table-header-group; }", "&lt;script&gt;alert(1)&lt;/script&gt; Hikvision",
		"&#34;&gt;&lt;img src=x onerror=alert(1)&gt;", "sha256:" + d, "sha256:" + r.Lists[0].SHA256, `id="group-divest_only"`, `id="group-clear"`,
		"12,345,678,901,234,567.89 USD", "Société Générale — Ærø 中国"} {
		if !strings.Contains(h, want) {
			t.Errorf("HTML lacks %q", want)
		}
	}
	// Groups come strictest first.
	if strings.Index(h, `id="group-divest_only"`) > strings.Index(h, `id="group-review"`) || strings.Index(h, `id="group-review"`) > strings.Index(h, `id="group-clear"`) {
		t.Error("groups out of order")
	}
}

func TestWriteShowsLookthrough(t *testing.T) {
	var b bytes.Buffer
	if err := html.Write(&b, reporttest.WithLookthrough(), report.Meta{}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"look-through: iShares MSCI China ETF, holdings as of 2021-12-31, exposure 1.25% = 12,500.00 USD",
		"Divest only: =CHINA MOBILE (HK0941009539), 1.25% of the fund → CHINA MOBILE LIMITED (30923)", "and 3 more constituent(s) not listed",
		"look-through (no holdings available)"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("HTML lacks %q", want)
		}
	}
}
