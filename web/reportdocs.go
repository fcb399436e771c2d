package web

// Reports people open and sign (issue 17): the run page's charts and the
// XLSX, HTML and PDF downloads, all drawn from the saved report by
// screener/report/*, so the page and every file say the same.

import (
	"bytes"
	"encoding/base64"
	"html/template"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/screener/screener/screener"
	"github.com/screener/screener/screener/report"
	"github.com/screener/screener/screener/report/chart"
	rhtml "github.com/screener/screener/screener/report/html"
	"github.com/screener/screener/screener/report/pdf"
	"github.com/screener/screener/screener/report/xlsx"
)

// reportCharts are a run's charts as data: URLs of SVG images: the app's
// Content-Security-Policy allows no inline style, which the charts' SVG
// uses, and an image keeps its own styles.
type reportCharts struct {
	ByStatus, ByEntity, Deadlines template.URL
}

// runCharts draws a report's three charts: exposure by status, value by
// listed entity (top 10 and the rest as "other"), divestment deadlines.
func runCharts(r *screener.Report) (reportCharts, error) {
	var out reportCharts
	var err error
	if out.ByStatus, err = chartImage(chart.ValueByStatus(r), 720, 320); err != nil {
		return out, err
	}
	byEntity := chart.ValueByEntity(r, 10)
	if out.ByEntity, err = chartImage(byEntity, 720, max(320, 120+36*len(byEntity.Categories))); err != nil {
		return out, err
	}
	out.Deadlines, err = chartImage(chart.Deadlines(r), 720, 320)
	return out, err
}

// chartImage draws c as an SVG image for an <img src>. Other pages (the
// dashboard's exposure over saved runs: chart.ExposureOverRuns) draw their
// charts with it too.
func chartImage(c chart.Chart, w, h int) (template.URL, error) {
	svg, err := chart.SVG(c, w, h)
	if err != nil {
		return "", err
	}
	return template.URL("data:image/svg+xml;base64," + base64.StdEncoding.EncodeToString(svg)), nil //nolint:gosec // our own SVG, base64
}

// reportDocs are the download formats the report writers make.
var reportDocs = map[string]struct{ ctype, ext string }{
	"xlsx": {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xlsx"},
	"html": {"text/html; charset=utf-8", ".html"},
	"pdf":  {"application/pdf", ".pdf"},
}

// sendReportDoc renders the saved report as an XLSX, HTML or PDF download
// (?paper=letter for a Letter PDF). The sign-off block's digest is that of
// the saved JSON, and the prepared-by line is left to sign.
func sendReportDoc(c echo.Context, base, format string, rep *screener.Report, raw []byte) error {
	doc := reportDocs[format]
	m := report.Meta{Digest: report.DigestBytes(raw)}
	var buf bytes.Buffer
	var err error
	switch format {
	case "xlsx":
		err = xlsx.Write(&buf, rep)
	case "html":
		err = rhtml.Write(&buf, rep, m)
	case "pdf":
		var paper string
		if paper, err = pdf.ParsePaper(c.QueryParam("paper")); err == nil {
			err = pdf.Write(&buf, rep, m, pdf.Options{Paper: paper})
		}
	}
	if err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderContentDisposition, `attachment; filename="`+base+doc.ext+`"`)
	return c.Blob(http.StatusOK, doc.ctype, buf.Bytes())
}
