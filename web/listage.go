package web

// The list-age warning on every page's header, in API responses (a Warning
// header, and lists[].age_days) and in the log when the server starts.

import (
	"strconv"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/screener/screener/screener/listage"
)

// listAges is the age of each list in use on the instant at.
func (s *Server) listAges(at time.Time) []listage.Age {
	return listage.OfLists(s.engine().lists, at, s.cfg.ListMaxAge)
}

// listWarnings are the warnings about the lists in use today.
func (s *Server) listWarnings() []string {
	return listage.Warnings(s.listAges(s.cfg.Now()))
}

// warnHeader adds an HTTP Warning header (code 299, "miscellaneous
// persistent warning") for each list too old for the instant at.
func (s *Server) warnHeader(c echo.Context, ages []listage.Age) {
	for _, w := range listage.Warnings(ages) {
		c.Response().Header().Add("Warning", "299 screener "+strconv.Quote(w))
	}
}

// logListAge logs each list-age warning, once, when the server starts.
func (s *Server) logListAge() {
	for _, w := range s.listWarnings() {
		s.log.Warn("list snapshot in use is old", "warning", w)
	}
}
