package web

// The list-age warning on every page's header, in API responses (a Warning
// header, and lists[].age_days) and in the log when the server starts.

import (
	"strconv"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/screener/screener/screener"
	"github.com/screener/screener/screener/listage"
)

// listAges is the age of each list in use on the instant at. Ages change
// by the day, so the last day's answer is kept for the lists in use (every
// pre-trade check asks); callers must not change the slice.
func (s *Server) listAges(at time.Time) []listage.Age {
	eng := s.engine()
	day := screener.DateOf(at.In(screener.Eastern))
	if c := s.ageCache.Load(); c != nil && c.eng == eng && c.day == day {
		return c.ages
	}
	c := &ageCache{eng: eng, day: day, ages: listage.OfLists(eng.lists, at, s.cfg.ListMaxAge)}
	for _, w := range listage.Warnings(c.ages) {
		c.headers = append(c.headers, warningHeader(w))
	}
	s.ageCache.Store(c)
	return c.ages
}

// ageCache is listAges' answer for one day and one set of lists.
type ageCache struct {
	eng     *engine
	day     screener.Date
	ages    []listage.Age
	headers []string // the Warning header values of ages
}

func warningHeader(w string) string { return "299 screener " + strconv.Quote(w) }

// listWarnings are the warnings about the lists in use today.
func (s *Server) listWarnings() []string {
	return listage.Warnings(s.listAges(s.cfg.Now()))
}

// warnHeader adds an HTTP Warning header (code 299, "miscellaneous
// persistent warning") for each list too old for the instant at.
func (s *Server) warnHeader(c echo.Context, ages []listage.Age) {
	h := c.Response().Header()
	if ac := s.ageCache.Load(); ac != nil && len(ages) > 0 && len(ac.ages) == len(ages) && &ac.ages[0] == &ages[0] {
		for _, v := range ac.headers {
			h.Add("Warning", v)
		}
		return
	}
	for _, w := range listage.Warnings(ages) {
		h.Add("Warning", warningHeader(w))
	}
}

// logListAge logs each list-age warning, once, when the server starts.
func (s *Server) logListAge() {
	for _, w := range s.listWarnings() {
		s.log.Warn("list snapshot in use is old", "warning", w)
	}
}
