package main

import (
	"flag"
	"io"

	"github.com/screener/screener/screener"
	"github.com/screener/screener/screener/report"
	"github.com/screener/screener/screener/report/html"
	"github.com/screener/screener/screener/report/pdf"
	"github.com/screener/screener/screener/report/xlsx"
)

// docFlags are the flags of the reports people open and sign (xlsx, html,
// pdf): the paper and the sign-off block.
type docFlags struct {
	paper      string
	preparedBy string
	reviewedBy string
	date       string
}

func (d *docFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&d.paper, "paper", "a4", "PDF paper size: a4 or letter")
	fs.StringVar(&d.preparedBy, "prepared-by", "", "name for the sign-off block's \"prepared by\" (html, pdf); default: a line to sign")
	fs.StringVar(&d.reviewedBy, "reviewed-by", "", "name for the sign-off block's \"reviewed by\" (html, pdf); default: a line to sign")
	fs.StringVar(&d.date, "sign-date", "", "date for the sign-off block (html, pdf); default: a line to fill in")
}

func (d *docFlags) check() error {
	_, err := pdf.ParsePaper(d.paper)
	return err
}

// write renders rep as xlsx, html or pdf. raw, when given, is the report's
// JSON as saved: its digest goes in the sign-off block.
func (d *docFlags) write(w io.Writer, format string, rep *screener.Report, raw []byte) error {
	m := report.Meta{SignOff: report.SignOff{PreparedBy: d.preparedBy, ReviewedBy: d.reviewedBy, Date: d.date}}
	if raw != nil {
		m.Digest = report.DigestBytes(raw)
	}
	switch format {
	case "xlsx":
		return xlsx.Write(w, rep)
	case "html":
		return html.Write(w, rep, m)
	case "pdf":
		return pdf.Write(w, rep, m, pdf.Options{Paper: d.paper})
	}
	return screener.Errorf(screener.KindInvalid, "no report format %q", format)
}
