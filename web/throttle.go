package web

import (
	"fmt"
	"math"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/screener/screener/screener/store"
)

// Sign-in throttling. Failed sign-ins are counted per name and per client
// address in the store (so every server on the database sees the same
// counts). Past a few free failures each further attempt must wait an
// exponentially growing delay after the last failure; a name with
// lockoutAfter failures is locked until its count is forgotten (an hour
// without failures) or an admin lifts it. A refused attempt costs no
// password hash and writes nothing, so a flood of guesses neither burns
// CPU nor grows the audit log.
type throttlePolicy struct {
	free   int           // failures allowed before any delay
	lock   int           // failures that lock (0: never)
	max    time.Duration // longest back-off
	forget time.Duration // a count with no failure this long starts again
}

var (
	nameThrottle = throttlePolicy{free: 5, lock: 20, max: 15 * time.Minute, forget: time.Hour}
	// Several people may share an address (an office behind one NAT):
	// more free failures, never a lockout.
	addrThrottle = throttlePolicy{free: 20, max: 15 * time.Minute, forget: time.Hour}
)

// wait is how long after t's last failure the next attempt must wait (0:
// none); locked reports a lockout.
func (p throttlePolicy) wait(t store.Throttle, now time.Time) (time.Duration, bool) {
	if t.Failures < p.free {
		return 0, false
	}
	if p.lock > 0 && t.Failures >= p.lock {
		return t.Last.Add(p.forget).Sub(now), true
	}
	d := p.max
	if n := t.Failures - p.free; n < 30 {
		d = min(time.Duration(math.Pow(2, float64(n)))*time.Second, p.max)
	}
	return t.Last.Add(d).Sub(now), false
}

// errThrottled is a sign-in refused before its password was checked.
type errThrottled struct {
	retry  time.Duration
	locked bool
}

func (e *errThrottled) Error() string {
	if e.locked {
		return "too many failed sign-ins for this name: it is locked; an administrator can lift the lock, or try again later"
	}
	return fmt.Sprintf("too many failed sign-ins: try again in %d seconds", retrySeconds(e.retry))
}

func retrySeconds(d time.Duration) int { return max(1, int(math.Ceil(d.Seconds()))) }

// throttled returns an *errThrottled when name or addr must wait.
func (s *Server) throttled(name, addr string) error {
	ts, err := s.st.Throttles(nameThrottle.forget, store.ThrottleName(name), store.ThrottleAddr(addr))
	if err != nil {
		return err
	}
	now := s.wall()
	var worst *errThrottled
	for i, p := range []throttlePolicy{nameThrottle, addrThrottle} {
		if d, locked := p.wait(ts[i], now); d > 0 {
			if worst == nil || d > worst.retry {
				worst = &errThrottled{retry: d, locked: locked}
			}
		}
	}
	if worst != nil {
		return worst
	}
	return nil
}

// loginRefused answers a throttled sign-in: 429 with Retry-After.
func (s *Server) loginRefused(c echo.Context, e *errThrottled, next, name string) error {
	c.Response().Header().Set("Retry-After", strconv.Itoa(retrySeconds(e.retry)))
	return s.renderStatus(c, http.StatusTooManyRequests, "login", pageData{Title: "Sign in",
		Data: loginData{Next: next, Name: name, Error: e.Error()}})
}

// throttlesView lists names and addresses that are backed off or locked,
// for the admin page.
func (s *Server) throttlesView() ([]throttleRow, error) {
	ts, err := s.st.ListThrottles(nameThrottle.forget, min(nameThrottle.free, addrThrottle.free))
	if err != nil {
		return nil, err
	}
	now := s.wall()
	var out []throttleRow
	for _, t := range ts {
		p := nameThrottle
		if len(t.Key) > 5 && t.Key[:5] == "addr:" {
			p = addrThrottle
		}
		d, locked := p.wait(t, now)
		if t.Failures < p.free {
			continue
		}
		out = append(out, throttleRow{Throttle: t, Locked: locked && d > 0, Waiting: d > 0, Wait: retrySeconds(max(d, 0))})
	}
	return out, nil
}

type throttleRow struct {
	store.Throttle
	Locked  bool
	Waiting bool // the next attempt must wait
	Wait    int  // seconds
}

// unlockPost lifts the throttle of one name or address (admin).
func (s *Server) unlockPost(c echo.Context) error {
	key := c.FormValue("key")
	if len(key) < 6 || (key[:5] != "name:" && key[:5] != "addr:") || len(key) > 300 {
		return invalid("key %q: want name:USER or addr:ADDRESS", key)
	}
	if err := s.st.LiftThrottle(who(c).Name, key); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/admin/users?done="+urlQueryEscape("lifted the sign-in lock of "+key))
}
