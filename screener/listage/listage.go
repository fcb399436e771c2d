// Package listage says how old the list snapshots in use are, and warns when
// one is too old to trust or does not describe the date being screened.
//
// A snapshot describes a list as published on its as-of date. Screening a
// date long after it misses OFAC's later changes; screening a date before it
// uses entries as they stood later (removed entries missing, later listings
// shown as not yet listed). The CLI (stderr), the web app (every page's
// header) and the API (lists[].age_days and a Warning header) all word it the
// same way, from here.
package listage

import (
	"fmt"
	"time"

	"github.com/screener/screener/screener"
)

// DefaultMaxAge is the age in days above which a snapshot is called stale
// (the --list-max-age default).
const DefaultMaxAge = 30

// Age is one list snapshot's age on the screened date.
type Age struct {
	List string        `json:"name"`
	AsOf screener.Date `json:"as_of"`
	// Days is the calendar days from the snapshot's as-of date to the
	// screened date (US Eastern); negative when the screened date is
	// earlier than the snapshot.
	Days int `json:"age_days"`
	// Warning is empty when the snapshot is fresh enough for the date.
	Warning string `json:"warning,omitempty"`
}

// Of returns the age of each list on the instant on (the screening's as-of,
// or now), warning when a snapshot is more than maxAge days old then
// (maxAge <= 0 means DefaultMaxAge) or is dated after it. A list without an
// as-of date gets a warning too: nothing says how old it is.
func Of(lists []screener.ListInfo, on time.Time, maxAge int) []Age {
	if maxAge <= 0 {
		maxAge = DefaultMaxAge
	}
	day := screener.DateOf(on.In(screener.Eastern))
	out := make([]Age, 0, len(lists))
	for _, l := range lists {
		a := Age{List: l.Name, AsOf: l.AsOf}
		switch {
		case l.AsOf.IsZero():
			a.Warning = fmt.Sprintf("list %s has no as-of date: its age is unknown; import a dated snapshot", l.Name)
		default:
			a.Days = day.Sub(l.AsOf)
			if a.Days > maxAge {
				a.Warning = fmt.Sprintf("list %s as of %s is %d days old on %s (more than %d): OFAC's changes since are not in it; import a newer snapshot",
					l.Name, l.AsOf, a.Days, day, maxAge)
			} else if a.Days < 0 {
				a.Warning = fmt.Sprintf("list %s as of %s is %d days newer than the as-of date %s: it is outside the snapshot's validity (entries removed since are missing, later listings show as not yet listed); screen against the snapshot in force then",
					l.Name, l.AsOf, -a.Days, day)
			}
		}
		out = append(out, a)
	}
	return out
}

// OfLists is Of for lists loaded in memory.
func OfLists(lists []*screener.List, on time.Time, maxAge int) []Age {
	infos := make([]screener.ListInfo, len(lists))
	for i, l := range lists {
		infos[i] = screener.ListInfo{Name: l.Name, AsOf: l.AsOf, Entries: len(l.Entries)}
	}
	return Of(infos, on, maxAge)
}

// Warnings returns the non-empty warnings of ages, in order.
func Warnings(ages []Age) []string {
	var out []string
	for _, a := range ages {
		if a.Warning != "" {
			out = append(out, a.Warning)
		}
	}
	return out
}
