package web

import (
	"sync"
	"sync/atomic"
	"time"

	"github.com/screener/screener/screener"
	"github.com/screener/screener/screener/funds"
)

// checkMemo keeps the answers of Matcher.Query for one engine (lists and
// matcher), one fund registry and one minute of as-of time, so a broker
// asking about the same securities all day has each matched once a
// minute, not once a request.
//
// Why a minute: an answer depends on the as-of time only through the US
// Eastern date (days left, the age of fund holdings) and comparisons with
// the cut-offs of screener.CMICStatus (12:00 and 12:01 a.m. Eastern),
// which fall on whole minutes. Eastern's offsets from UTC are whole hours
// (since 1883; earlier instants are not memoised), so every instant of one
// UTC minute gets the same answer. Importing a list builds a new engine
// and registering fund holdings a new resolver; either starts a new memo,
// as does the next minute.
type checkMemo struct {
	eng    *engine
	funds  *funds.Resolver
	minute int64 // Unix time / 60 of the as-of times answered

	mu sync.RWMutex
	m  map[checkKey]*checkEntry
}

// checkEntry is one memoised answer, and the JSON of its result for each
// side, written by the first request that asked.
type checkEntry struct {
	ans  screener.QueryAnswer
	json [3]atomic.Pointer[[]byte] // buy, sell, hold
}

// resultJSON returns r's JSON, r being the result check made of e for
// side: every such result is the same (its id, US-person status and side
// are the entry's key and side), so its bytes are written once.
func (e *checkEntry) resultJSON(side screener.Side, r *checkResult) ([]byte, error) {
	i := 0
	switch side {
	case screener.SideSell:
		i = 1
	case screener.SideHold:
		i = 2
	}
	if p := e.json[i].Load(); p != nil {
		return *p, nil
	}
	b, err := r.appendJSON(nil)
	if err != nil {
		return nil, err
	}
	e.json[i].Store(&b)
	return b, nil
}

// checkKey is what Query reads besides the engine and the time.
type checkKey struct {
	id, exchange string
	us           screener.USPerson
}

// maxCheckMemo bounds a minute's memo; past it, answers are not kept.
const maxCheckMemo = 10000

// query is eng.m.Query(id, exchange, at, us), from the memo when it has
// the answer. The answer is shared: callers must not modify it.
func (s *Server) query(eng *engine, id, exchange string, at time.Time, us screener.USPerson) (*checkEntry, error) {
	if _, off := at.In(screener.Eastern).Zone(); off%60 != 0 {
		// Before 1883 New York kept local mean time (-4:56:02): a UTC
		// minute may then span two Eastern dates. No memo.
		ans, err := eng.m.Query(id, exchange, at, us)
		if err != nil {
			return nil, err
		}
		return &checkEntry{ans: ans}, nil
	}
	cm := s.checkMemoFor(eng, at)
	k := checkKey{id: id, exchange: exchange, us: us}
	cm.mu.RLock()
	a, ok := cm.m[k]
	cm.mu.RUnlock()
	if ok {
		return a, nil
	}
	ans, err := eng.m.Query(id, exchange, at, us)
	if err != nil {
		return nil, err // not kept: a refusal is cheap and rare
	}
	e := &checkEntry{ans: ans}
	cm.mu.Lock()
	if len(cm.m) < maxCheckMemo {
		cm.m[k] = e
	}
	cm.mu.Unlock()
	return e, nil
}

// checkMemoFor returns the memo of eng, the current fund registry and the
// minute of at, starting a new one when any of them changed.
func (s *Server) checkMemoFor(eng *engine, at time.Time) *checkMemo {
	var res *funds.Resolver
	if s.funds != nil {
		res = s.funds.Resolver()
	}
	minute := at.Truncate(time.Minute).Unix() / 60 // a floor, before 1970 too
	if cm := s.checks.Load(); cm != nil && cm.eng == eng && cm.funds == res && cm.minute == minute {
		return cm
	}
	cm := &checkMemo{eng: eng, funds: res, minute: minute, m: map[checkKey]*checkEntry{}}
	s.checks.Store(cm)
	return cm
}
