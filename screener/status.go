package screener

import (
	"fmt"
	"time"
	_ "time/tzdata" // America/New_York on any machine, with no zoneinfo installed
)

// Eastern is US Eastern time, where every CMIC cut-off falls (12:01 a.m. ET).
var Eastern = mustLoad("America/New_York")

func mustLoad(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		// time/tzdata is embedded, so this cannot happen at run time.
		panic(fmt.Sprintf("load %s: %v", name, err))
	}
	return loc
}

// Cutoff returns the instant 12:01 a.m. US Eastern on d, when CMIC
// prohibitions and windows begin and end (RULES.md T-2, T-3).
func Cutoff(d Date) time.Time {
	return time.Date(d.Year, d.Month, d.Day, 0, 1, 0, 0, Eastern)
}

// AsOfDate returns the instant a date-only as-of means: 12:00 noon US
// Eastern on that day, i.e. the state during that day's trading, after the
// 12:01 a.m. cut-off.
func AsOfDate(d Date) time.Time {
	return time.Date(d.Year, d.Month, d.Day, 12, 0, 0, 0, Eastern)
}

// ParseAsOf reads YYYY-MM-DD (noon US Eastern that day) or an RFC 3339
// instant.
func ParseAsOf(s string) (time.Time, error) {
	if d, err := ParseDate(s); err == nil {
		return AsOfDate(d), nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, Errorf(KindInvalid, "as-of %q: want YYYY-MM-DD or an RFC 3339 instant such as 2022-06-03T09:30:00-04:00", s)
	}
	return t, nil
}

// CMICStatus returns the status of a position in entry e as of the instant
// at (RULES.md §2.1), and whether e was listed at all by then.
func CMICStatus(e *Entry, at time.Time) (Status, bool) {
	if !e.ListingDate.IsZero() && at.Before(Cutoff(e.ListingDate).Add(-time.Minute)) {
		return StatusClear, false
	}
	switch {
	case !e.EffectiveDate.IsZero() && at.Before(Cutoff(e.EffectiveDate)):
		return StatusPreEffective, true
	case !e.DivestmentDate.IsZero() && at.Before(Cutoff(e.DivestmentDate)):
		return StatusDivestOnly, true
	}
	return StatusProhibitedLocked, true
}

// DaysLeft returns the calendar days from the as-of date (in US Eastern) to
// the divestment date, floored at 0 (RULES.md §2.1 "Days left").
func DaysLeft(divest Date, at time.Time) int {
	n := divest.Sub(DateOf(at.In(Eastern)))
	if n < 0 {
		return 0
	}
	return n
}

// Side is a trade direction asked about before a trade.
type Side string

// Sides.
const (
	SideBuy  Side = "buy"
	SideSell Side = "sell"
	SideHold Side = "hold"
)

// Decisions a pre-trade check answers.
const (
	DecisionAllow  = "allow"
	DecisionReject = "reject"
	DecisionReview = "review"
)

// TradeDecision answers the pre-trade question for a finding: may this
// account buy, sell or hold it now? It follows RULES.md §2.1's table; the
// reason says why, for people.
func TradeDecision(f *Finding, side Side) (decision, reason string) {
	nonUS := f.USPerson == USPersonNo.String()
	switch f.Status {
	case StatusClear, StatusCleared:
		return DecisionAllow, "no listed entity matched"
	case StatusInfo:
		return DecisionAllow, "a parent or affiliate is listed; the security itself is not covered (FAQ 857)"
	case StatusRiskFlag:
		return DecisionReview, "on a list that is not an investment ban; firm policy decides"
	case StatusReview:
		return DecisionReview, "possible match: a compliance officer must decide before trading"
	case StatusBlocked:
		if side == SideHold {
			return DecisionAllow, "blocked property: hold frozen and report; no dealing"
		}
		return DecisionReject, "SDN: blocked property, no dealing of any kind"
	}
	if nonUS {
		return DecisionAllow, "non-US-person account: the CMIC prohibitions do not apply (FAQs 863, 902)"
	}
	if side == SideHold {
		return DecisionAllow, "holding is not prohibited (FAQ 1046)"
	}
	switch f.Status {
	case StatusProhibitedExposure:
		return DecisionReject, "the fund holds a CMIC security: a US person may not buy or sell it, whatever the weight (FAQ 861); reject and report within 10 business days (FAQ 1048)"
	case StatusPreEffective:
		if side == SideBuy {
			return DecisionReview, fmt.Sprintf("legal until 12:01 a.m. ET %s; firm policy usually stops new buys from listing (T-6)", f.EffectiveDate)
		}
		return DecisionAllow, "not yet effective; sales allowed"
	case StatusDivestOnly:
		if side == SideBuy {
			return DecisionReject, fmt.Sprintf("purchases prohibited since 12:01 a.m. ET %s (E.O. 14032)", f.EffectiveDate)
		}
		return DecisionReview, fmt.Sprintf("a sale is allowed only to divest, to a non-US person, before 12:01 a.m. ET %s", f.DivestmentDate)
	case StatusProhibitedLocked:
		return DecisionReject, fmt.Sprintf("no purchase or sale without an OFAC licence since 12:01 a.m. ET %s; reject and report within 10 business days (FAQ 1048)", f.DivestmentDate)
	}
	return DecisionReview, "unknown status"
}
