package holdings

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/screener/screener/screener"
)

// iShares holdings exports (the BlackRock website "Holdings" CSV).
//
// The original download has a preamble (fund name, `Fund Holdings as
// of,"Mar 10, 2022"`, inception date, share counts, a blank line), then the
// header, rows with every cell quoted and "-" for empty, and a multi-line
// quoted legal disclaimer. Copies re-saved by other tools lose the preamble
// and the quoting, strip leading zeros from Korean and Chinese codes (12450
// for 012450), or end with a blank " ,,,," row. Tickers are bare local codes
// that collide across markets (2357 is AviChina on HKEX and ASUSTeK on
// TWSE), so the Exchange column goes to Holding.Exchange.

// isharesPreambleMax is how many records may precede the header.
const isharesPreambleMax = 30

// readIShares reads an iShares export. The fund name from the preamble, when
// present, becomes every row's Portfolio and Info.Portfolio; the
// "Fund Holdings as of" date becomes Info.AsOf.
func readIShares(name string, r io.Reader, s Sink, info *Info) error {
	cr := newCSV(r, ',')
	var fund string
	for n := 0; ; n++ {
		rec, err := cr.Read()
		if err == io.EOF || n >= isharesPreambleMax {
			return &screener.ParseError{File: name,
				Reason: fmt.Sprintf("iShares export without a header: looked for a line starting \"Ticker,Name\" in the first %d lines", isharesPreambleMax)}
		}
		if err != nil {
			if pe, ok := csvReject(name, err); ok {
				return pe
			}
			return &screener.ParseError{File: name, Reason: "read: " + err.Error(), Err: err}
		}
		line, _ := cr.FieldPos(0)
		first := normalise(rec[0])
		switch {
		case first == "ticker" && len(rec) > 2:
			c, err := newColumns(name, line, rec)
			if err != nil {
				return err
			}
			c.portfolio = fund
			info.Portfolio = fund
			c.fix = isharesFix
			rows, err := tableLoop(cr, c, s, isharesFooter, 0)
			if err != nil {
				return err
			}
			if rows == 0 {
				return &screener.ParseError{File: name, Line: line, Reason: "the file has a header but no data rows"}
			}
			return nil
		case strings.HasSuffix(first, "holdingsasof") && len(rec) > 1:
			d, err := parseIShareDate(rec[1])
			if err != nil {
				return &screener.ParseError{File: name, Line: line, Column: 2, Field: trimSpace(rec[0]), Reason: err.Error()}
			}
			info.AsOf = d
		case n == 0 && len(rec) == 1 && trimSpace(rec[0]) != "":
			fund = trimSpace(rec[0])
		}
	}
}

// parseIShareDate reads "Mar 10, 2022".
func parseIShareDate(s string) (screener.Date, error) {
	s = trimSpace(s)
	for _, layout := range []string{"Jan 2, 2006", "Jan 02, 2006", "January 2, 2006", "02/Jan/2006", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return screener.DateOf(t), nil
		}
	}
	return screener.Date{}, fmt.Errorf("holdings date %q not understood (want e.g. \"Mar 10, 2022\")", s)
}

// isharesFooter skips the legal disclaimer: after the data, one quoted cell
// spanning many lines, or single-cell text lines.
func isharesFooter(rec []string) bool { return len(rec) == 1 }

// sixDigitMarkets are the iShares exchange names whose codes always have six
// digits; a re-saved file that dropped the leading zeros gets them back.
var sixDigitMarkets = []string{"korea exchange", "shanghai stock exchange", "shenzhen stock exchange"}

// isharesFix restores leading zeros lost by spreadsheet re-saves (12450 on
// the Korea Exchange is 012450) and says so in the row's warnings.
func isharesFix(h *screener.Holding, _ []string) *screener.ParseError {
	t := h.Ticker
	if t == "" || len(t) >= 6 || !allDigits(t) {
		return nil
	}
	ex := strings.ToLower(h.Exchange)
	for _, m := range sixDigitMarkets {
		if strings.HasPrefix(ex, m) {
			h.Ticker = strings.Repeat("0", 6-len(t)) + t
			h.Warnings = append(h.Warnings, fmt.Sprintf("ticker %q on %s restored to %q (leading zeros lost when the file was re-saved)", t, h.Exchange, h.Ticker))
			return nil
		}
	}
	return nil
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return s != ""
}
