// Package funds is the fund registry and the fund look-through (RULES.md
// §5.2 F-1..F-5): a fund's dated holdings sets, registered
// under the fund's identifiers, and a screener.FundLookThrough that screens
// a fund position's constituents with the same matcher, recursively for
// funds inside funds.
//
// It does no I/O: the store keeps funds and their holdings, the CLI and the
// web app read files and hand the rows here.
package funds

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/screener/screener/issuers"
	"github.com/screener/screener/screener"
)

// Identifier types a fund is registered under.
const (
	IDISIN   = "ISIN"
	IDCUSIP  = "CUSIP"
	IDTicker = "TICKER" // a ticker with its market ("US:EEM") or a bare code ("EEM")
	IDLEI    = "LEI"
	IDSeries = "SERIES" // SEC N-PORT series id, e.g. S000004289
)

// Fund is one registered fund: its identifiers and its dated holdings sets,
// oldest first. A set is never changed or removed.
type Fund struct {
	ID      uint64        `json:"id"`
	Name    string        `json:"name"`
	IDs     []screener.ID `json:"ids"`
	Sets    []SetInfo     `json:"sets"`
	Created time.Time     `json:"created"`
	By      string        `json:"by"`
}

// SetInfo describes one holdings set of a fund and where it came from.
type SetInfo struct {
	Seq      uint64        `json:"seq"`        // store-wide number of the set
	AsOf     screener.Date `json:"as_of"`      // the date of the holdings (--holdings-as-of)
	FileAsOf screener.Date `json:"file_as_of"` // the date the file states, if any
	Forced   bool          `json:"forced,omitempty"`
	File     string        `json:"file"` // base name of the file registered
	SHA256   string        `json:"sha256"`
	Size     int64         `json:"size"`
	Format   string        `json:"format"`
	Rows     int           `json:"rows"` // rows read = holdings + rejected
	Holdings int           `json:"holdings"`
	Rejected int           `json:"rejected"`
	Weighted bool          `json:"weighted"` // every holding has a weight or a value to weigh it by
	By       string        `json:"by"`
	At       time.Time     `json:"at"`
}

// Registration is one holdings file to register for a fund.
type Registration struct {
	Name     string
	IDs      []screener.ID
	Set      SetInfo
	Holdings []screener.Holding
}

// NormalID returns the identifier typ=value in the registry's form, or an
// error saying what is wrong with it. exchange qualifies a ticker.
func NormalID(typ, value, exchange string) (screener.ID, error) {
	v := strings.ToUpper(strings.TrimSpace(value))
	if v == "" {
		return screener.ID{}, fmt.Errorf("%s is empty", strings.ToLower(typ))
	}
	switch typ {
	case IDISIN:
		if err := issuers.CheckISIN(v); err != nil {
			return screener.ID{}, err
		}
	case IDCUSIP:
		if err := issuers.CheckCUSIP(v); err != nil {
			return screener.ID{}, err
		}
	case IDLEI:
		if len(v) != 20 {
			return screener.ID{}, fmt.Errorf("LEI %q: want 20 characters", v)
		}
	case IDSeries:
		if len(v) < 2 || v[0] != 'S' || !allDigits(v[1:]) {
			return screener.ID{}, fmt.Errorf("N-PORT series id %q: want S followed by digits (S000004289)", v)
		}
	case IDTicker:
		var t issuers.Ticker
		var err error
		if exchange != "" {
			t, err = issuers.TickerOn(value, exchange)
		} else {
			t, err = issuers.ParseTicker(value)
		}
		if err != nil {
			return screener.ID{}, err
		}
		if k := t.Key(); k != "" {
			return screener.ID{Type: IDTicker, Value: k}, nil
		}
		return screener.ID{Type: IDTicker, Value: t.Code}, nil
	default:
		return screener.ID{}, fmt.Errorf("identifier type %q: want ISIN, CUSIP, TICKER, LEI or SERIES", typ)
	}
	return screener.ID{Type: typ, Value: v}, nil
}

func allDigits(s string) bool {
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return s != ""
}

// IndexKeys returns the lookup keys an identifier of a fund is found by:
// the identifier itself, and for a US or Canadian ISIN its CUSIP (and the
// reverse), so a position given by either finds the fund.
func IndexKeys(id screener.ID) []string {
	keys := []string{id.Type + ":" + id.Value}
	switch id.Type {
	case IDISIN:
		if c, err := issuers.CUSIPFromISIN(id.Value); err == nil {
			keys = append(keys, IDCUSIP+":"+c)
		}
	case IDCUSIP:
		if v, err := issuers.ISINFromCUSIP(id.Value, "US"); err == nil {
			keys = append(keys, IDISIN+":"+v)
		}
	}
	return keys
}

// Key returns the display key of an identifier ("ISIN:US4642872349").
func Key(id screener.ID) string { return id.Type + ":" + id.Value }

// Latest returns the set with the latest date on or before d (F-1), and
// whether there is one.
func (f *Fund) Latest(d screener.Date) (SetInfo, bool) {
	var best SetInfo
	ok := false
	for _, s := range f.Sets {
		if d.Before(s.AsOf) {
			continue
		}
		if !ok || best.AsOf.Before(s.AsOf) || (s.AsOf == best.AsOf && s.Seq > best.Seq) {
			best, ok = s, true
		}
	}
	return best, ok
}

// Newest returns the set with the latest date, if any.
func (f *Fund) Newest() (SetInfo, bool) {
	if len(f.Sets) == 0 {
		return SetInfo{}, false
	}
	return f.Latest(screener.NewDate(9999, 12, 31))
}

// SortSets orders f's sets by date, then by registration.
func (f *Fund) SortSets() {
	sort.SliceStable(f.Sets, func(i, j int) bool {
		if f.Sets[i].AsOf != f.Sets[j].AsOf {
			return f.Sets[i].AsOf.Before(f.Sets[j].AsOf)
		}
		return f.Sets[i].Seq < f.Sets[j].Seq
	})
}

// Label names f for people: its name and first identifier.
func (f *Fund) Label() string {
	id := ""
	if len(f.IDs) > 0 {
		id = Key(f.IDs[0])
	}
	switch {
	case f.Name == "":
		return id
	case id == "":
		return f.Name
	}
	return fmt.Sprintf("%s (%s)", f.Name, id)
}

// CheckDate compares the date given for a holdings file with the date the
// file states. A disagreement is an error unless force.
func CheckDate(given, inFile screener.Date, file string, force bool) error {
	if inFile.IsZero() || inFile == given {
		return nil
	}
	if force {
		return nil
	}
	return screener.Errorf(screener.KindInvalid, "%s states its holdings are as of %s, but --holdings-as-of is %s: give the file's date, or --force to register it as %s anyway", file, inFile, given, given)
}

// Weighted reports whether every holding has a weight, or every one has a
// market value (weights are then each value's share of the total).
func Weighted(hs []screener.Holding) bool {
	if len(hs) == 0 {
		return false
	}
	w, v := true, true
	for i := range hs {
		w = w && hs[i].HasWeight
		v = v && hs[i].HasValue
	}
	return w || v
}

// Summary is one line of the fund list: a fund, its latest holdings date
// and their age, and whether they are stale.
type Summary struct {
	ID           uint64        `json:"id"`
	Name         string        `json:"name"`
	IDs          []screener.ID `json:"ids"`
	Keys         []string      `json:"keys"`
	Sets         int           `json:"sets"`
	HoldingsAsOf screener.Date `json:"holdings_as_of"` // of the newest set
	File         string        `json:"file,omitempty"`
	Rows         int           `json:"rows"`
	AgeDays      *int          `json:"age_days"`
	Stale        bool          `json:"stale"`
	State        string        `json:"state"` // "current", "stale" or "no holdings"
}

// Summarise lists funds with the age of their newest holdings on day;
// holdings older than maxAge days are stale.
func Summarise(fl []Fund, day screener.Date, maxAge int) []Summary {
	if maxAge <= 0 {
		maxAge = DefaultMaxAge
	}
	var out []Summary
	for i := range fl {
		f := &fl[i]
		s := Summary{ID: f.ID, Name: f.Name, IDs: f.IDs, Sets: len(f.Sets), State: "no holdings"}
		for _, id := range f.IDs {
			s.Keys = append(s.Keys, Key(id))
		}
		if n, ok := f.Newest(); ok {
			s.HoldingsAsOf, s.File, s.Rows = n.AsOf, n.File, n.Rows
			age := day.Sub(n.AsOf)
			s.AgeDays = &age
			s.Stale = age > maxAge
			s.State = "current"
			if s.Stale {
				s.State = "stale"
			}
		}
		out = append(out, s)
	}
	return out
}
