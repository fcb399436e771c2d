package web

// A security lookup for a person (the API's pre-trade check), and the
// decisions reviewers made.

import (
	"net/http"
	"sort"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/screener/screener/screener"
	"github.com/screener/screener/screener/listage"
)

type lookupView struct {
	Q, Exchange, USPerson, AsOf string
	Error                       string
	Result                      *screener.CheckResult
	Finding                     *screener.Finding // the result as a finding, for the shared cells
	Ages                        []listage.Age
}

// lookupPage answers GET /lookup?q=: what the screener says of one
// security, and whether this account may buy, sell or hold it.
func (s *Server) lookupPage(c echo.Context) error {
	v := lookupView{Q: strings.TrimSpace(c.QueryParam("q")), Exchange: strings.TrimSpace(c.QueryParam("exchange")),
		USPerson: c.QueryParam("us_person"), AsOf: strings.TrimSpace(c.QueryParam("as_of"))}
	status := http.StatusOK
	if v.Q != "" {
		res, ages, err := s.lookup(v)
		v.Ages = ages
		if err != nil && screener.KindOf(err) == screener.KindInvalid {
			v.Error, status = err.Error(), http.StatusBadRequest
		} else if err != nil {
			return err
		} else {
			v.Result = res
			f := screener.Finding{Status: res.Status, Basis: res.Basis, Entry: res.Entry, Evidence: res.Evidence,
				DivestmentDate: res.Divest, DaysLeft: res.DaysLeft, Warnings: res.Warnings}
			if us, _ := parseUSPerson(v.USPerson); us == screener.USPersonNo {
				f.USPerson = us.String()
			}
			v.Finding = &f
		}
	}
	return s.renderStatus(c, status, "lookup", pageData{Title: "Look up a security", Data: v})
}

func (s *Server) lookup(v lookupView) (*screener.CheckResult, []listage.Age, error) {
	if len(v.Q) > 200 {
		return nil, nil, invalid("the query is %d characters long: give an ISIN, CUSIP, SEDOL, FIGI, ticker or name of at most 200", len(v.Q))
	}
	at, err := s.parseAsOf(v.AsOf)
	if err != nil {
		return nil, nil, err
	}
	us, err := parseUSPerson(v.USPerson)
	if err != nil {
		return nil, nil, err
	}
	res, err := screener.Check(s.engine().m, v.Q, v.Exchange, at, us)
	if err != nil {
		return nil, nil, invalid("%v", err)
	}
	return &res, s.listAges(at), nil
}

// decisionRow is one reviewer decision, with whether it still holds.
type decisionRow struct {
	screener.ReviewDecision
	EntryName string
	Reopened  bool // the entry changed since: the finding is open again
	Gone      bool // the entry is not in the lists in use
}

func (s *Server) decisionsPage(c echo.Context) error {
	ds, err := s.st.Decisions()
	if err != nil {
		return err
	}
	entries := map[[2]string]*screener.Entry{}
	for _, l := range s.engine().lists {
		for i := range l.Entries {
			e := &l.Entries[i]
			entries[[2]string{e.List, e.ID}] = e
		}
	}
	rows := make([]decisionRow, len(ds))
	for i, d := range ds {
		r := decisionRow{ReviewDecision: d}
		if e := entries[[2]string{d.List, d.EntryID}]; e != nil {
			r.EntryName, r.Reopened = e.Name, !d.Applies(e)
		} else {
			r.Gone = true
		}
		rows[i] = r
	}
	sort.SliceStable(rows, func(i, j int) bool { return rows[i].Decision.At > rows[j].Decision.At })
	return s.render(c, "decisions", pageData{Title: "Decisions", Data: rows})
}
