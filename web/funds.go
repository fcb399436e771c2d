package web

import (
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/screener/screener/screener"
	"github.com/screener/screener/screener/funds"
)

// reloadFunds rebuilds the fund look-through from the store's registry;
// screens already running finish with the registry they started with.
func (s *Server) reloadFunds() error {
	fl, err := s.st.Funds()
	if err != nil {
		return fmt.Errorf("web: load the fund registry: %w", err)
	}
	r := funds.New(fl, s.st.FundHoldings, funds.Options{MaxAge: s.cfg.LookthroughMaxAge})
	if s.funds == nil {
		s.funds = funds.NewLive(r)
		return nil
	}
	s.funds.Set(r)
	return nil
}

// fundsView is the Funds page: every registered fund with the date and age
// of its newest holdings, stale ones marked.
type fundsView struct {
	Funds  []funds.Summary
	MaxAge int
	Today  string
}

func (s *Server) fundsSummary() ([]funds.Summary, int) {
	maxAge := s.cfg.LookthroughMaxAge
	if maxAge <= 0 {
		maxAge = funds.DefaultMaxAge
	}
	today := screener.DateOf(s.cfg.Now().In(screener.Eastern))
	return funds.Summarise(s.funds.Resolver().Funds(), today, maxAge), maxAge
}

func (s *Server) fundsPage(c echo.Context) error {
	rows, maxAge := s.fundsSummary()
	return s.render(c, "funds", pageData{Title: "Funds", Flash: c.QueryParam("done"),
		Data: fundsView{Funds: rows, MaxAge: maxAge, Today: s.cfg.Now().In(screener.Eastern).Format("2006-01-02")}})
}

// fundsPost registers an uploaded holdings file for a fund (compliance),
// audited by the store, and rebuilds the look-through.
func (s *Server) fundsPost(c echo.Context) error {
	var msg string
	_, err := streamForm(c, "file", true, func(f formFields, name string, r io.Reader) error {
		day, err := screener.ParseDate(strings.TrimSpace(f["holdings_as_of"]))
		if err != nil {
			return invalid("holdings date: %v", err)
		}
		raw, err := io.ReadAll(r)
		if err != nil {
			return wrapBodyErr(err, "read the file")
		}
		g := funds.Given{ISINs: fields(f["isin"]), CUSIPs: fields(f["cusip"]), LEIs: fields(f["lei"]),
			Series: fields(f["series"]), Exchange: strings.TrimSpace(f["exchange"]), Name: strings.TrimSpace(f["name"]),
			AsOf: day, Force: f["force"] == "yes"}
		if t := strings.TrimSpace(f["ticker"]); t != "" {
			g.Tickers = []string{t}
		}
		reg, warn, err := funds.ReadRegistration(name, raw, g)
		if err != nil {
			return err
		}
		fund, set, added, err := s.st.AddFundHoldings(who(c).Name, reg)
		if err != nil {
			return err
		}
		if added {
			msg = fmt.Sprintf("Registered %s holdings as of %s: %d rows from %s.", fund.Label(), set.AsOf, set.Rows, set.File)
		} else {
			msg = fmt.Sprintf("Already registered: %s holdings as of %s from %s.", fund.Label(), set.AsOf, set.File)
		}
		if len(warn) > 0 {
			msg += " " + strings.Join(warn, " ")
		}
		return nil
	})
	if err != nil {
		return err
	}
	if err := s.reloadFunds(); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/funds?done="+urlQueryEscape(msg))
}

// apiFunds lists the registered funds (GET /api/v1/funds).
func (s *Server) apiFunds(c echo.Context) error {
	rows, _ := s.fundsSummary()
	if rows == nil {
		rows = []funds.Summary{}
	}
	return c.JSON(http.StatusOK, map[string]any{"funds": rows})
}

// fields splits a form value of several identifiers (commas or spaces).
func fields(v string) []string {
	return strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ' ' || r == '\n' || r == '\t' || r == ';' })
}
