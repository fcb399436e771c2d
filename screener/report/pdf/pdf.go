// Package pdf writes the divestment report as a PDF in pure Go with
// go-pdf/fpdf (no browser at run time): A4 or Letter, landscape, page
// numbers, charts as PNG images, every non-clear finding in full and the
// clear ones summarised, and the sign-off block. It is the only package
// that imports fpdf.
//
// Text is set in the Go fonts (golang.org/x/image/font/gofont, embedded
// TrueType with Latin, Greek and Cyrillic): fpdf's core fonts only know
// cp1252. A character the font has no glyph for (Chinese, for one) is
// written by its decomposition without marks when that has glyphs, and as
// "?" otherwise; the names in full are in the JSON, XLSX and HTML reports.
package pdf

import (
	"bytes"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"time"

	"codeberg.org/go-pdf/fpdf"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/text/unicode/norm"

	"github.com/screener/screener/screener"
	"github.com/screener/screener/screener/report"
	"github.com/screener/screener/screener/report/chart"
)

// Paper sizes.
const (
	A4     = "A4"
	Letter = "Letter"
)

// Options choose the paper.
type Options struct {
	Paper string // A4 (default) or Letter
}

// ParsePaper reads a --paper value.
func ParsePaper(s string) (string, error) {
	switch strings.ToLower(s) {
	case "", "a4":
		return A4, nil
	case "letter", "us-letter":
		return Letter, nil
	}
	return "", screener.Errorf(screener.KindInvalid, "--paper %q: want a4 or letter", s)
}

const (
	family = "go"
	lh     = 4.2 // line height, mm
)

var glyphs = newCoverage(goregular.TTF)

// coverage says which runes the text font can draw.
type coverage struct{ f *sfnt.Font }

func newCoverage(ttf []byte) coverage {
	f, err := sfnt.Parse(ttf)
	if err != nil {
		panic(err) // the embedded font is a constant
	}
	return coverage{f}
}

func (c coverage) has(r rune) bool {
	var b sfnt.Buffer
	i, err := c.f.GlyphIndex(&b, r)
	return err == nil && i != 0
}

// safe returns s with every rune the font cannot draw replaced: by its
// decomposition less combining marks when the font has those glyphs, else
// by "?".
func safe(s string) string {
	ok := true
	for _, r := range s {
		if r >= 0x80 && !glyphs.has(r) {
			ok = false
			break
		}
	}
	if ok {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		switch {
		case r < 0x80 || glyphs.has(r):
			b.WriteRune(r)
		default:
			rep := "?"
			if d := norm.NFKD.String(string(r)); d != string(r) {
				var kept strings.Builder
				good := true
				for _, x := range d {
					if x >= 0x300 && x <= 0x36f {
						continue // combining mark
					}
					if x >= 0x80 && !glyphs.has(x) {
						good = false
						break
					}
					kept.WriteRune(x)
				}
				if good && kept.Len() > 0 {
					rep = kept.String()
				}
			}
			b.WriteString(rep)
		}
	}
	return b.String()
}

type doc struct {
	*fpdf.Fpdf
	w, h, left, right float64 // page size and margins
	images            int
}

// Write writes r as a PDF.
func Write(w io.Writer, r *screener.Report, m report.Meta, opt Options) error {
	m, err := report.Resolve(r, m)
	if err != nil {
		return err
	}
	paper, err := ParsePaper(opt.Paper)
	if err != nil {
		return err
	}
	f := fpdf.New("L", "mm", paper, "")
	f.AddUTF8FontFromBytes(family, "", goregular.TTF)
	f.AddUTF8FontFromBytes(family, "B", gobold.TTF)
	// A saved run renders the same bytes every time: no clock in the file.
	at, _ := time.Parse(time.RFC3339, r.AsOf)
	f.SetCreationDate(at)
	// fpdf writes fonts and images in map order unless told to sort them
	// (fonts by name, images by width: the charts get distinct widths).
	f.SetCatalogSort(true)
	f.SetModificationDate(at)
	f.SetTitle(safe(m.TitleOr()+" as of "+r.AsOf), true)
	f.SetCreator("screener", true)
	f.SetMargins(12, 12, 12)
	f.SetAutoPageBreak(true, 14)
	f.AliasNbPages("{nb}")
	d := &doc{Fpdf: f}
	d.w, d.h = f.GetPageSize()
	d.left, _, d.right, _ = f.GetMargins()
	title := safe(m.TitleOr() + " as of " + r.AsOf)
	f.SetFooterFunc(func() {
		f.SetY(-10)
		f.SetFont(family, "", 8)
		f.SetTextColor(90, 90, 90)
		f.CellFormat(0, 4, title, "", 0, "L", false, 0, "")
		f.CellFormat(0, 4, fmt.Sprintf("Page %d of {nb}", f.PageNo()), "", 0, "R", false, 0, "")
		f.SetTextColor(0, 0, 0)
	})
	f.AddPage()
	d.front(r, m)
	if err := d.charts(r); err != nil {
		return err
	}
	d.exposure(r)
	d.windows(r)
	d.findings(r)
	d.rejected(r)
	d.signOff(r, m)
	if err := f.Error(); err != nil {
		return fmt.Errorf("pdf report: %w", err)
	}
	return f.Output(w)
}

func (d *doc) heading(s string) {
	if d.GetY() > d.h-40 {
		d.AddPage()
	}
	d.Ln(3)
	d.SetFont(family, "B", 13)
	d.SetTextColor(31, 56, 100)
	d.CellFormat(0, 7, safe(s), "B", 1, "L", false, 0, "")
	d.SetTextColor(0, 0, 0)
	d.Ln(1.5)
}

func (d *doc) sub(s string) {
	if d.GetY() > d.h-30 {
		d.AddPage()
	}
	d.Ln(1)
	d.SetFont(family, "B", 10.5)
	d.CellFormat(0, 6, safe(s), "", 1, "L", false, 0, "")
}

func (d *doc) para(s string) {
	d.SetFont(family, "", 9)
	d.MultiCell(0, lh+0.4, safe(s), "", "L", false)
}

func (d *doc) fact(k, v string) {
	d.SetFont(family, "B", 9)
	d.CellFormat(42, lh+0.6, safe(k), "", 0, "L", false, 0, "")
	d.SetFont(family, "", 9)
	d.MultiCell(0, lh+0.6, safe(v), "", "L", false)
}

func (d *doc) front(r *screener.Report, m report.Meta) {
	d.SetFont(family, "B", 18)
	d.SetTextColor(31, 56, 100)
	d.CellFormat(0, 10, safe(m.TitleOr()), "", 1, "L", false, 0, "")
	d.SetTextColor(0, 0, 0)
	d.fact("As of", r.AsOf)
	d.fact("Files", strings.Join(r.Files, ", "))
	d.fact("Rows", fmt.Sprintf("%d read = %d screened + %d rejected", r.Summary.Rows, r.Summary.Screened, r.Summary.Rejected))
	d.fact("Findings listed", fmt.Sprint(len(r.Findings)))
	d.fact("Report digest", "sha256:"+m.Digest)
	d.sub("List snapshots")
	var rows [][]string
	for _, l := range r.Lists {
		rows = append(rows, []string{l.Name, l.AsOf.String(), fmt.Sprint(l.Entries), l.SHA256})
	}
	d.table([]col{{"List", 50, "L"}, {"As of", 24, "L"}, {"Entries", 18, "R"}, {"SHA-256", 0, "L"}}, rows, nil)
	d.sub("Positions and value by status")
	rows = rows[:0]
	var sts []screener.Status
	for _, st := range screener.Statuses {
		n := r.Summary.ByStatus[st]
		if n == 0 {
			continue
		}
		val := []string{}
		for _, t := range r.Totals.ByStatus {
			if t.Key == string(st) {
				val = append(val, report.Money(t.MarketValue)+" "+t.Currency)
			}
		}
		rows = append(rows, []string{string(st), fmt.Sprint(n), strings.Join(val, "\n")})
		sts = append(sts, st)
	}
	d.table([]col{{"Status", 50, "L"}, {"Positions", 24, "R"}, {"Market value", 70, "R"}}, rows, func(i int) screener.Status { return sts[i] })
}

func (d *doc) charts(r *screener.Report) error {
	cs := []chart.Chart{chart.ValueByStatus(r), chart.ValueByEntity(r, 10), chart.Deadlines(r)}
	d.AddPage() // the charts take a page of their own: no heading left alone
	d.heading("Charts")
	// Full width, so the chart's labels print at a readable size.
	cw := d.w - d.left - d.right
	ch := cw * 0.36
	for _, c := range cs {
		if d.GetY()+ch > d.h-16 {
			d.AddPage()
		}
		x, y := d.left, d.GetY()
		if c.Empty() {
			d.SetFont(family, "B", 10)
			d.CellFormat(cw, 6, safe(c.Title), "", 1, "L", false, 0, "")
			d.SetFont(family, "", 9)
			d.CellFormat(cw, 6, "Nothing to chart.", "", 1, "L", false, 0, "")
			continue
		}
		png, err := chart.PNG(c, 1000+d.images, 360)
		if err != nil {
			return err
		}
		d.images++
		name := fmt.Sprintf("chart%d", d.images)
		opt := fpdf.ImageOptions{ImageType: "PNG"}
		d.RegisterImageOptionsReader(name, opt, bytes.NewReader(png))
		d.ImageOptions(name, x, y, cw, ch, false, opt, 0, "")
		d.SetXY(d.left, y+ch+4)
	}
	return nil
}

func (d *doc) exposure(r *screener.Report) {
	d.heading("Exposure by listed entity and by portfolio")
	var rows [][]string
	for _, t := range r.Totals.ByEntry {
		ref, name := report.SplitEntityKey(t.Key)
		rows = append(rows, []string{name, ref, t.Currency, fmt.Sprint(t.Positions), report.Money(t.MarketValue)})
	}
	if len(rows) == 0 {
		d.para("No position reaches a listed entity.")
	} else {
		d.table([]col{{"Listed entity", 0, "L"}, {"Entry", 50, "L"}, {"Currency", 20, "L"}, {"Positions", 22, "R"}, {"Market value", 40, "R"}}, rows, nil)
	}
	rows = nil
	for _, t := range r.Totals.ByPortfolio {
		rows = append(rows, []string{t.Key, t.Currency, fmt.Sprint(t.Positions), report.Money(t.MarketValue)})
	}
	d.sub("By portfolio")
	d.table([]col{{"Portfolio", 0, "L"}, {"Currency", 20, "L"}, {"Positions", 22, "R"}, {"Market value", 40, "R"}}, rows, nil)
}

func (d *doc) windows(r *screener.Report) {
	d.heading("Open divestment windows")
	ws := report.Windows(r)
	if len(ws) == 0 {
		d.para("No open divestment window.")
		return
	}
	var rows [][]string
	for _, f := range ws {
		rows = append(rows, []string{f.DivestmentDate.String(), report.DaysLeft(f), string(f.Status), f.Portfolio,
			report.SecurityLabel(f.Security), report.Money(f.MarketValue) + " " + f.Currency, entry(f), fmt.Sprintf("%s:%d", filepath.Base(f.File), f.Line)})
	}
	d.table([]col{{"Divest by", 22, "L"}, {"Days", 12, "R"}, {"Status", 26, "L"}, {"Portfolio", 30, "L"}, {"Security", 0, "L"},
		{"Market value", 32, "R"}, {"Listed entity", 55, "L"}, {"Row", 30, "L"}}, rows, func(i int) screener.Status { return ws[i].Status })
}

func entry(f *screener.Finding) string {
	if f.Entry == nil {
		return ""
	}
	return f.Entry.Name + " (" + f.Entry.ID + ")"
}

// findings lists every non-clear finding in full, grouped by status, and
// summarises the clear ones.
func (d *doc) findings(r *screener.Report) {
	d.heading("Findings by status")
	listed := false
	for _, g := range report.ByStatus(r) {
		if g.Status == screener.StatusClear {
			continue
		}
		listed = true
		d.sub(fmt.Sprintf("%s: %d finding(s)", g.Status, len(g.Findings)))
		var rows [][]string
		for _, f := range g.Findings {
			ev := report.JoinBasis(f.Basis)
			for _, e := range f.Evidence {
				ev += "\n• " + e
			}
			if f.LegalStatus != "" {
				ev += "\nlegal status: " + string(f.LegalStatus)
			}
			if dc := f.Decision; dc != nil {
				ev += fmt.Sprintf("\n%s by %s at %s: %s", dc.Outcome, dc.Reviewer, dc.At, dc.Reason)
			}
			for _, wn := range f.Warnings {
				ev += "\nwarning: " + wn
			}
			for _, l := range report.LookthroughLines(f.Lookthrough) {
				ev += "\n" + l
			}
			action := f.Action
			if f.Policy != "" {
				action += "\npolicy: " + f.Policy
			}
			dates := strings.TrimSpace(strings.Join([]string{"listed " + orDash(f.ListingDate.String()), "effective " + orDash(f.EffectiveDate.String()),
				"divest by " + orDash(f.DivestmentDate.String())}, "\n"))
			if dl := report.DaysLeft(f); dl != "" {
				dates += "\n" + dl + " days left"
			}
			sec := f.Security.Name
			if ids := report.Identifiers(f.Security); ids != "" {
				sec += "\n" + ids
			}
			rows = append(rows, []string{fmt.Sprintf("%s:%d", filepath.Base(f.File), f.Line), f.Portfolio + "\nUS person: " + f.USPerson, sec,
				report.Quantity(f.Quantity), report.Money(f.MarketValue) + " " + f.Currency, entry(f), dates},
				[]string{"Basis: " + ev + "\nAction: " + action})
		}
		d.table([]col{{"Row", 40, "L"}, {"Portfolio", 32, "L"}, {"Security", 0, "L"}, {"Quantity", 20, "R"}, {"Market value", 32, "R"},
			{"Listed entity", 50, "L"}, {"Dates", 36, "L"}}, rows, nil)
	}
	if !listed {
		d.para("No finding other than clear.")
	}
	n := r.Summary.ByStatus[screener.StatusClear]
	var vals []string
	for _, t := range r.Totals.ByStatus {
		if t.Key == string(screener.StatusClear) {
			vals = append(vals, report.Money(t.MarketValue)+" "+t.Currency)
		}
	}
	d.sub("Clear positions (summarised)")
	if n == 0 {
		d.para("No clear position.")
		return
	}
	d.para(fmt.Sprintf("%d position(s) are clear: no listed entity reached. Market value: %s. They are listed one by one in the XLSX, HTML and JSON reports (with --all).",
		n, orDash(strings.Join(vals, ", "))))
}

func (d *doc) rejected(r *screener.Report) {
	d.heading("Rejected rows")
	if len(r.Rejected) == 0 {
		d.para("None: every row read was screened.")
		return
	}
	var rows [][]string
	for _, e := range r.Rejected {
		c := ""
		if e.Column > 0 {
			c = fmt.Sprint(e.Column)
		}
		rows = append(rows, []string{e.File, fmt.Sprint(e.Line), c, e.Field, e.Reason})
	}
	d.table([]col{{"File", 50, "L"}, {"Line", 14, "R"}, {"Column", 16, "R"}, {"Field", 30, "L"}, {"Reason", 0, "L"}}, rows, nil)
}

func (d *doc) signOff(r *screener.Report, m report.Meta) {
	need := 60 + float64(len(r.Lists))*5
	if d.GetY()+need > d.h-16 {
		d.AddPage()
	} else {
		d.Ln(6)
	}
	x, y := d.left, d.GetY()
	width := d.w - d.left - d.right
	d.SetDrawColor(31, 56, 100)
	d.SetLineWidth(0.5)
	d.SetFont(family, "B", 12)
	d.CellFormat(0, 8, "Sign-off", "", 1, "L", false, 0, "")
	line := func(label, val string) {
		d.Ln(5)
		d.SetFont(family, "B", 10)
		d.CellFormat(32, 7, label, "", 0, "L", false, 0, "")
		d.SetFont(family, "", 10)
		d.CellFormat(110, 7, safe(val), "B", 0, "L", false, 0, "")
		d.CellFormat(8, 7, "", "", 0, "L", false, 0, "")
		d.SetFont(family, "B", 10)
		d.CellFormat(14, 7, "Date", "", 0, "L", false, 0, "")
		d.SetFont(family, "", 10)
		dt := ""
		if label == "Prepared by" {
			dt = m.SignOff.Date
		}
		d.CellFormat(50, 7, safe(dt), "B", 1, "L", false, 0, "")
	}
	line("Prepared by", m.SignOff.PreparedBy)
	line("Reviewed by", m.SignOff.ReviewedBy)
	d.Ln(4)
	d.SetFont(family, "B", 9)
	d.CellFormat(0, 5, "List snapshots", "", 1, "L", false, 0, "")
	d.SetFont(family, "", 8.5)
	for _, l := range r.Lists {
		d.MultiCell(0, 4.5, safe(fmt.Sprintf("%s as of %s: sha256:%s", l.Name, l.AsOf, l.SHA256)), "", "L", false)
	}
	d.SetFont(family, "B", 9)
	d.CellFormat(0, 5, "Report (screener.report/v1 JSON)", "", 1, "L", false, 0, "")
	d.SetFont(family, "", 8.5)
	d.MultiCell(0, 4.5, "sha256:"+m.Digest, "", "L", false)
	d.Ln(2)
	d.Rect(x-2, y-2, width+4, d.GetY()-y+4, "D")
	d.SetLineWidth(0.2)
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// col is a table column; width 0 takes what the others leave.
type col struct {
	name  string
	width float64
	align string
}

var statusFill = map[screener.Status][3]int{
	screener.StatusBlocked:          {127, 0, 0},
	screener.StatusProhibitedLocked: {192, 0, 0},
	screener.StatusDivestOnly:       {244, 177, 131},
	screener.StatusPreEffective:     {255, 230, 153},
	screener.StatusReview:           {217, 195, 233},
	screener.StatusRiskFlag:         {255, 217, 102},
	screener.StatusInfo:             {189, 215, 238},
	screener.StatusCleared:          {226, 239, 218},
	screener.StatusClear:            {198, 224, 180},
}

// table draws rows with wrapped cells, repeating the header on every page
// it spans. With statusOf, the first cell of row i is filled in its
// status's colour.
func (d *doc) table(cols []col, rows [][]string, statusOf func(int) screener.Status) {
	width := d.w - d.left - d.right
	fixed, free := 0.0, 0
	for _, c := range cols {
		if c.width == 0 {
			free++
		}
		fixed += c.width
	}
	ws := make([]float64, len(cols))
	for i, c := range cols {
		ws[i] = c.width
		if c.width == 0 {
			ws[i] = (width - fixed) / float64(free)
		}
	}
	const size = 8
	head := func() {
		d.SetFont(family, "B", size)
		d.SetFillColor(31, 56, 100)
		d.SetTextColor(255, 255, 255)
		for i, c := range cols {
			d.CellFormat(ws[i], 6, c.name, "1", 0, c.align, true, 0, "")
		}
		d.Ln(-1)
		d.SetTextColor(0, 0, 0)
		d.SetFont(family, "", size)
	}
	if d.GetY() > d.h-30 {
		d.AddPage()
	}
	head()
	d.SetDrawColor(190, 195, 205)
	layout := func(row []string) ([]col, []float64, [][]string, float64) {
		rcols, rws := cols, ws
		if len(row) == 1 && len(cols) > 1 {
			// A detail row spans the table.
			rcols, rws = []col{{"", width, "L"}}, []float64{width}
		}
		lines := make([][]string, len(rcols))
		n := 1
		for i := range rcols {
			for _, part := range strings.Split(safe(row[i]), "\n") {
				ls := d.SplitText(part, rws[i])
				if len(ls) == 0 {
					ls = []string{""}
				}
				lines[i] = append(lines[i], ls...)
			}
			n = max(n, len(lines[i]))
		}
		return rcols, rws, lines, float64(n)*3.6 + 1.6
	}
	for ri, row := range rows {
		rcols, rws, lines, h := layout(row)
		keep := h
		if ri+1 < len(rows) && len(rows[ri+1]) == 1 && len(row) > 1 {
			_, _, _, dh := layout(rows[ri+1]) // keep a row with its detail
			keep += dh
		}
		if d.GetY()+keep > d.h-16 {
			d.AddPage()
			head()
		}
		x, y := d.left, d.GetY()
		for i, c := range rcols {
			fill := len(rcols) == 1 && len(cols) > 1
			if fill {
				d.SetFillColor(244, 246, 249)
			}
			if i == 0 && statusOf != nil {
				rgb := statusFill[statusOf(ri)]
				d.SetFillColor(rgb[0], rgb[1], rgb[2])
				if st := statusOf(ri); st == screener.StatusBlocked || st == screener.StatusProhibitedLocked {
					d.SetTextColor(255, 255, 255)
				}
				fill = true
			}
			d.Rect(x, y, rws[i], h, map[bool]string{true: "FD", false: "D"}[fill])
			for j, l := range lines[i] {
				d.SetXY(x, y+0.8+float64(j)*3.6)
				d.CellFormat(rws[i], 3.6, l, "", 0, c.align, false, 0, "")
			}
			d.SetTextColor(0, 0, 0)
			x += rws[i]
		}
		d.SetXY(d.left, y+h)
	}
	d.SetDrawColor(0, 0, 0)
	d.Ln(2)
}
