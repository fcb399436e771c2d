package funds

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/screener/screener/screener"
	"github.com/screener/screener/screener/holdings"
)

// Given is what a person says of a holdings file to register: the fund's
// identifiers and name, the date of the holdings, and whether to register
// it though the file states another date.
type Given struct {
	ISINs, CUSIPs, Tickers, LEIs, Series []string
	Exchange                             string // of bare tickers
	Name                                 string
	AsOf                                 screener.Date
	Force                                bool
}

// ReadRegistration reads the holdings file name (its bytes raw, in any
// format package holdings reads) for registration under what g says. It
// returns the registration, warnings for people, or an error when an
// identifier is malformed, the file has no holdings, or the file states a
// date other than g.AsOf and g.Force is false. An N-PORT file adds its own
// series id and series LEI to the identifiers.
func ReadRegistration(name string, raw []byte, g Given) (Registration, []string, error) {
	var reg Registration
	if g.AsOf.IsZero() {
		return reg, nil, screener.Errorf(screener.KindInvalid, "give the date of the holdings (--holdings-as-of)")
	}
	var ids []screener.ID
	for _, a := range []struct {
		typ  string
		vals []string
		exch string
	}{{IDISIN, g.ISINs, ""}, {IDCUSIP, g.CUSIPs, ""}, {IDTicker, g.Tickers, g.Exchange}, {IDLEI, g.LEIs, ""}, {IDSeries, g.Series, ""}} {
		for _, v := range a.vals {
			if strings.TrimSpace(v) == "" {
				continue
			}
			id, err := NormalID(a.typ, v, a.exch)
			if err != nil {
				return reg, nil, screener.Errorf(screener.KindInvalid, "%s %q: %v", strings.ToLower(a.typ), v, err)
			}
			if !hasID(ids, id) {
				ids = append(ids, id)
			}
		}
	}
	sum := sha256.Sum256(raw)
	c := &collector{}
	info, err := holdings.Read(name, bytes.NewReader(raw), c)
	if err != nil {
		return reg, nil, err
	}
	if len(c.held) == 0 {
		return reg, nil, screener.Errorf(screener.KindInvalid, "%s: no holdings read (%d rows rejected): nothing to look through", name, len(c.rejected))
	}
	if err := CheckDate(g.AsOf, info.AsOf, name, g.Force); err != nil {
		return reg, nil, err
	}
	var warn []string
	forced := !info.AsOf.IsZero() && info.AsOf != g.AsOf
	if forced {
		warn = append(warn, fmt.Sprintf("%s states %s; registered as %s (forced)", name, info.AsOf, g.AsOf))
	}
	if len(c.rejected) > 0 {
		warn = append(warn, fmt.Sprintf("%s: %d rows rejected (first: %s): this set is incomplete, so a fund whose other constituents are clear is review", name, len(c.rejected), c.rejected[0].Error()))
	}
	for _, x := range info.FundIDs {
		if !hasID(ids, x) {
			ids = append(ids, x)
		}
	}
	if len(ids) == 0 {
		return reg, nil, screener.Errorf(screener.KindInvalid, "%s: give the fund's identifiers (ISIN, CUSIP, ticker, LEI or N-PORT series id); only N-PORT files carry their own", name)
	}
	fundName := g.Name
	if fundName == "" {
		fundName = info.Portfolio
	}
	reg = Registration{Name: fundName, IDs: ids, Holdings: c.held, Set: SetInfo{
		AsOf: g.AsOf, FileAsOf: info.AsOf, Forced: forced,
		File: filepath.Base(name), SHA256: hex.EncodeToString(sum[:]), Size: int64(len(raw)), Format: info.Format,
		Rows: info.Rows, Holdings: len(c.held), Rejected: len(c.rejected), Weighted: Weighted(c.held)}}
	return reg, warn, nil
}

func hasID(ids []screener.ID, x screener.ID) bool {
	for _, y := range ids {
		if y == x {
			return true
		}
	}
	return false
}

// collector keeps every row read.
type collector struct {
	held     []screener.Holding
	rejected []screener.ParseError
}

func (c *collector) Holding(h *screener.Holding) error {
	c.held = append(c.held, h.Clone())
	return nil
}

func (c *collector) Reject(e *screener.ParseError) error {
	c.rejected = append(c.rejected, *e)
	return nil
}
