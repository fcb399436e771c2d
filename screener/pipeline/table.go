package pipeline

import (
	"context"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/screener/screener/screener"
	"github.com/screener/screener/screener/holdings"
)

// screenTable screens a plain table on every core: one goroutine cuts the
// file into chunks of whole records, workers decode and match chunks, and
// this goroutine adds their findings and rejected rows to b in file order.
// Clear rows are counted in each worker's tally, merged at the end. The
// report is the same as the one-row-at-a-time path gives (a test holds the
// two to the byte). It returns the rows read.
func screenTable(ctx context.Context, t *holdings.Table, m *screener.Matcher, b *screener.ReportBuilder,
	at time.Time, opt screener.Options, prog func(rows int, bytes int64)) (int, error) {
	workers := runtime.GOMAXPROCS(0)
	type result struct {
		seq   int
		size  int
		items []chunkItem
		final bool // the chunk's last part: rows and err are set
		rows  int
		err   error
	}
	jobs := make(chan *holdings.Chunk, workers)
	results := make(chan result, workers)
	tokens := make(chan struct{}, 2*workers+2) // chunks read and not yet merged
	stop := make(chan struct{})
	var stopOnce sync.Once
	halt := func() { stopOnce.Do(func() { close(stop) }) }
	defer halt()

	var readErr error
	go func() {
		defer close(jobs)
		for {
			select {
			case tokens <- struct{}{}:
			case <-stop:
				return
			}
			ch, err := t.Next()
			if err != nil {
				readErr = err
				return
			}
			if ch == nil {
				return
			}
			select {
			case jobs <- ch:
			case <-stop:
				return
			}
		}
	}()

	memo := getSeen()
	defer putSeen(memo)
	// The items of results the merge is done with are used again for
	// later chunks: findings are copied into them by value, and no
	// finding is made on the heap for a row.
	parts := make(itemLists, 2*workers+4)
	tallies := make([]*screener.Tally, workers)
	var wg sync.WaitGroup
	for i := range workers {
		s := &chunkSink{m: m, at: at, opt: opt, seen: memo, tally: screener.NewTally()}
		s.w = memoWriter{m: memo.rows}
		tallies[i] = s.tally
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ch := range jobs {
				s.out = parts.get()
				// A chunk with many findings or rejected rows (the
				// tail after a quote that never closes has one per
				// line) is sent in parts, so memory stays bounded.
				s.flush = func() {
					results <- result{seq: ch.Seq, items: s.out}
					s.out = parts.get()
				}
				size := ch.Size()
				n, err := ch.Read(s)
				ch.Release()
				results <- result{seq: ch.Seq, size: size, items: s.out, final: true, rows: n, err: err}
			}
		}()
	}
	go func() {
		wg.Wait()
		close(results)
	}()

	var err error
	rows := 0
	var bytes int64
	next := 0
	waiting := map[int][]result{} // parts of chunks not merged yet, by chunk
	for r := range results {
		waiting[r.seq] = append(waiting[r.seq], r)
		for len(waiting[next]) > 0 {
			r := waiting[next][0]
			waiting[next] = waiting[next][1:]
			if err == nil {
				for i := range r.items {
					if it := &r.items[i]; it.rej != nil {
						b.Reject(*it.rej)
					} else {
						b.Take(&it.f) // which keeps no pointer to it
					}
				}
			}
			parts.put(r.items)
			if !r.final {
				continue
			}
			delete(waiting, next)
			next++
			<-tokens
			if err != nil {
				continue
			}
			if err = r.err; err == nil {
				err = ctx.Err()
			}
			if err != nil {
				halt()
				continue
			}
			rows += r.rows
			bytes += int64(r.size)
			if prog != nil {
				prog(rows, bytes)
			}
		}
	}
	if err != nil {
		return 0, err
	}
	if readErr != nil {
		return 0, readErr
	}
	for _, tl := range tallies {
		b.AddTally(tl)
	}
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	if rows == 0 {
		return 0, t.NoRows()
	}
	return rows, nil
}

// chunkSink is one worker's sink. Most rows repeat a security seen before:
// a row whose identity cells (identifiers, names, ticker, exchange, asset
// class) are known to be clear is only counted, and a row known to match is
// made from the first such row's finding with its own position (file, line,
// portfolio, quantity, value, currency). Every other row is decoded and
// matched, and teaches the memo its outcome.
type chunkSink struct {
	m     *screener.Matcher
	at    time.Time
	opt   screener.Options
	seen  *seen
	w     memoWriter // the worker's writer of seen.rows
	tally *screener.Tally
	out   []chunkItem // findings to report and rejected rows, in order
	flush func()      // sends out as a part of the chunk's result

	key, ukey []byte             // the row's identity key, and with its US-person cell
	keyHash   uint64             // key's hash, when hashed is set
	hashed    bool               // keyHash is key's (a row of a batch)
	ckey      []byte             // the row's Matcher.ClearKey, after clearKeyTag
	ckeyHash  uint64             // ckey's hash, when ckeyDone and ckeyOK
	ckeyBuf   []byte             // ckey's buffer when it is not one of ckeys
	ckeyOK    bool               // ckey is a key (Matcher.ClearKey's ok)
	ckeyDone  bool               // knownClear made ckey for the row Holding gets next
	ident     screener.Holding   // the identity of a row not in a batch whose clear key is made from its lent cells
	idents    []screener.Holding // the identities of the rows of pre whose clear keys Prefetch made, by index
	rowKey    []byte             // key's buffer for a row not in a batch
	learn     int                // what Holding teaches the memo: one of the learn* values
	cur       *prefetched        // the row RawRow has, when it came in a batch

	// The rows of the batch Prefetch was shown, in order, with their keys
	// and hashes, and the clear keys of those whose identity was new:
	// RawRow and knownClear take them instead of making them again.
	pre    []prefetched
	keys   []byte // the keys of pre, one after another
	ckeys  []byte // the clear keys of pre, one after another
	next   int    // the first row of pre not yet given to RawRow
	hashes []uint64
	warmed byte // what memo.warm loaded (kept so the loads are made)

	hits, misses int  // memo probes of identity keys
	off          bool // the memo does not pay here: every row is matched
}

// A worker stops using the memo when, after memoTrial misses, fewer than
// 1 in memoMinHit probes hit (a file whose rows seldom repeat a security).
const (
	memoTrial  = 50000
	memoMinHit = 4
)

const (
	learnNothing = iota
	learnIdentity
	learnTemplate
)

// prefetched is one row of a batch: its line, its key in chunkSink.keys,
// the key's hash and what the memo said of it when Prefetch asked; for a
// row whose identity was new then, what Prefetch made of its clear key
// (clearState), the key in chunkSink.ckeys and its hash.
type prefetched struct {
	line       int
	from, to   int
	hash       uint64
	known      bool   // the memo knew the key when Prefetch asked
	value      uint32 // its value then
	clear      clearState
	cfrom, cto int
	chash      uint64
}

// clearState is what Prefetch made of a row's clear key.
type clearState uint8

const (
	clearNotMade  clearState = iota // the row's identity was known
	clearMade                       // the key is in ckeys
	clearNoKey                      // Matcher.ClearKey's ok was false
	clearIdentity                   // the row must be decoded (Row.Identity's ok was false)
)

// Prefetch makes the keys of a batch of rows and starts the memo's loads
// for all of them at once (see memo.warm); then, for the rows whose
// identity is new, their clear keys (see knownClear), and starts the loads
// of those too. Each probe of the memo, tens of megabytes wide, is two
// cache misses; made one row at a time they wait for memory one after
// another, made here they overlap.
func (s *chunkSink) Prefetch(rows []holdings.Row) {
	s.pre, s.keys, s.ckeys, s.next = s.pre[:0], s.keys[:0], s.ckeys[:0], 0
	if s.opt.All || s.off {
		return
	}
	s.hashes = s.hashes[:0]
	if len(s.idents) < len(rows) {
		s.idents = make([]screener.Holding, len(rows))
	}
	for _, r := range rows {
		from := len(s.keys)
		s.keys = r.Key(s.keys)
		h := s.seen.rows.hash(s.keys[from:])
		s.pre = append(s.pre, prefetched{line: r.Line(), from: from, to: len(s.keys), hash: h})
		s.hashes = append(s.hashes, h)
	}
	s.warmed += s.seen.rows.warm(s.hashes)
	s.hashes = s.hashes[:0]
	for i := range s.pre {
		p := &s.pre[i]
		if v, known := s.seen.rows.getHashed(s.keys[p.from:p.to], p.hash); known {
			p.known, p.value = true, v
			continue
		}
		ident := &s.idents[i]
		if !rows[i].Identity(ident) {
			p.clear = clearIdentity
			continue
		}
		from := len(s.ckeys)
		var ok bool
		if s.ckeys, ok = s.m.ClearKey(append(s.ckeys, clearKeyTag...), ident, s.opt); !ok {
			s.ckeys = s.ckeys[:from]
			p.clear = clearNoKey
			continue
		}
		p.clear, p.cfrom, p.cto = clearMade, from, len(s.ckeys)
		p.chash = s.seen.rows.hash(s.ckeys[from:])
		s.hashes = append(s.hashes, p.chash)
	}
	if len(s.hashes) > 0 {
		s.warmed += s.seen.rows.warm(s.hashes)
	}
}

func (s *chunkSink) RawRow(r holdings.Row) (bool, error) {
	s.learn = learnNothing
	if s.opt.All || s.off {
		return false, nil // every row is reported in full: no shortcut
	}
	var v uint32
	var known bool
	if s.next < len(s.pre) && s.pre[s.next].line == r.Line() {
		p := &s.pre[s.next]
		s.next++
		s.cur = p
		s.key = s.keys[p.from:p.to:p.to] // until the next batch
		s.keyHash, s.hashed = p.hash, true
		if p.known {
			// The memo forgets nothing and changes no value: what
			// Prefetch found holds.
			v, known = p.value, true
		} else {
			v, known = s.seen.rows.getHashed(s.key, p.hash)
		}
	} else {
		s.cur, s.hashed = nil, false
		s.rowKey = r.Key(s.rowKey[:0])
		s.key = s.rowKey
		v, known = s.seen.rows.get(s.key)
	}
	// The finding of a matching row also depends on its US-person cell
	// (the status does, and a cell not understood is warned about).
	ukey := func() []byte {
		s.ukey = r.AppendUSPerson(append(append(s.ukey[:0], s.key...), 0xFF))
		return s.ukey
	}
	if !known {
		s.misses++
		if s.misses >= memoTrial && s.hits*memoMinHit < s.hits+s.misses {
			// Rows here seldom repeat: probing costs more than it saves.
			s.off = true
		}
		ukey()
		s.learn = learnIdentity
		return s.knownClear(r), nil
	}
	s.hits++
	if v == outcomeClear {
		units, ok := r.MarketValueUnits()
		if !ok {
			return false, nil // a number to reject, or to sum as a decimal
		}
		s.tally.AddClear(r.Portfolio(), r.Currency(), units)
		return true, nil
	}
	id, known := s.seen.rows.get(ukey())
	if !known {
		s.learn = learnTemplate
		return false, nil
	}
	q, mv, ok := r.Numbers()
	if !ok {
		return false, nil
	}
	f := *s.seen.finding(id)
	// The row's cells are only lent for this call.
	f.File, f.Line = r.File(), r.Line()
	f.Portfolio, f.Currency = strings.Clone(r.Portfolio()), strings.Clone(r.Currency())
	f.Quantity, f.MarketValue = q, mv
	s.add(&f)
	return true, nil
}

// knownClear counts a row whose cells are new (s.learn is learnIdentity)
// when its security is clear: known to be clear written another way (its
// ticker in another convention, its exchange spelled otherwise;
// Matcher.ClearKey keys what decides), or matched here, from its identity
// alone, and found clear with no basis. The row's identity is read from
// its lent cells: a row counted here is never decoded, copied or given a
// decimal. It reports whether the row was counted; when not, s.ckeyDone
// says the clear key of the row is made (in s.ckey, s.ckeyOK), for Holding,
// which decodes the row and matches it again for its finding.
func (s *chunkSink) knownClear(r holdings.Row) bool {
	s.ckeyDone = false
	var ident *screener.Holding
	if p := s.cur; p != nil && p.clear != clearNotMade {
		// Made by Prefetch, from the same cells.
		switch p.clear {
		case clearIdentity:
			return false
		case clearNoKey:
			s.ckey, s.ckeyOK, s.ckeyDone = s.ckey[:0], false, true
			return false
		}
		s.ckey = s.ckeys[p.cfrom:p.cto:p.cto] // until the next batch
		s.ckeyHash, s.ckeyOK, s.ckeyDone = p.chash, true, true
		ident = &s.idents[s.next-1]
	} else {
		// A row not in a batch (Prefetch makes the clear key of every
		// row of its batch whose identity it did not know, and the memo
		// forgets nothing).
		if !r.Identity(&s.ident) {
			return false // a reject, or a row a format fixes up: decoded as before
		}
		s.ckeyBuf, s.ckeyOK = s.m.ClearKey(append(s.ckeyBuf[:0], clearKeyTag...), &s.ident, s.opt)
		s.ckey, s.ckeyDone = s.ckeyBuf, true
		if !s.ckeyOK {
			return false
		}
		s.ckeyHash = s.seen.rows.hash(s.ckey)
		ident = &s.ident
	}
	v, known := s.seen.rows.getHashed(s.ckey, s.ckeyHash)
	if known && v != outcomeClear {
		return false
	}
	units, ok := r.MarketValueUnits()
	if !ok {
		return false // a number to reject, or to sum as a decimal
	}
	if !known {
		// A security not seen before. What Match reads to decide that a
		// holding is clear with no basis is what the clear key holds
		// (Matcher.ClearKey), all of it in the identity; and a holding
		// found so is only counted, with nothing of its finding kept.
		f := s.m.Match(ident, s.at, s.opt)
		if !clearNoBasis(&f) {
			return false // Holding makes its finding
		}
		s.w.putHashed(s.ckey, s.ckeyHash, outcomeClear)
	}
	s.putKey(outcomeClear)
	s.learn = learnNothing
	s.tally.AddClear(r.Portfolio(), r.Currency(), units)
	return true
}

// putKey teaches the memo the outcome of the row's identity key.
func (s *chunkSink) putKey(v uint32) bool {
	if s.hashed {
		return s.w.putHashed(s.key, s.keyHash, v)
	}
	return s.w.putHashed(s.key, s.seen.rows.hash(s.key), v)
}

func (s *chunkSink) Holding(h *screener.Holding) error {
	// A row whose cells are new may still be a security known to be
	// clear, written another way (knownClear).
	clearKey := false
	if s.learn == learnIdentity {
		if s.ckeyDone {
			clearKey = s.ckeyOK // made by knownClear, from the same cells
		} else {
			s.ckeyBuf, clearKey = s.m.ClearKey(append(s.ckeyBuf[:0], clearKeyTag...), h, s.opt)
			s.ckey = s.ckeyBuf
			if clearKey {
				s.ckeyHash = s.seen.rows.hash(s.ckey)
			}
		}
		s.ckeyDone = false
		if clearKey {
			if v, known := s.seen.rows.getHashed(s.ckey, s.ckeyHash); known && v == outcomeClear {
				s.putKey(outcomeClear)
				s.learn = learnNothing
				s.tally.AddClearHolding(h)
				return nil
			}
		}
	}
	f := s.m.Match(h, s.at, s.opt)
	switch s.learn {
	case learnIdentity:
		// Clear with no basis at all: nothing but the identity cells
		// could have made it otherwise.
		if clearNoBasis(&f) {
			s.putKey(outcomeClear)
			if clearKey {
				s.w.putHashed(s.ckey, s.ckeyHash, outcomeClear)
			}
			break
		}
		if !s.putKey(outcomeMatched) {
			break // the memo is full: keep no finding nobody can find
		}
		fallthrough
	case learnTemplate:
		if id, ok := s.seen.keep(&f); ok {
			s.w.putHashed(s.ukey, s.seen.rows.hash(s.ukey), id)
		}
	}
	s.learn = learnNothing
	s.add(&f)
	return nil
}

// clearNoBasis reports whether f is clear with no basis at all: what only
// a holding's identity cells decide (Matcher.ClearKey), so that every row
// of the same identity, or clear key, is counted clear without a match.
func clearNoBasis(f *screener.Finding) bool {
	return f.Status == screener.StatusClear && len(f.Basis) == 0 && f.Entry == nil
}

func (s *chunkSink) add(f *screener.Finding) {
	if f.Status == screener.StatusClear && !s.opt.All {
		s.tally.AddClearFinding(f)
		return
	}
	s.out = append(s.out, chunkItem{f: *f})
	if len(s.out) >= maxPart {
		s.flush()
	}
}

// maxPart is the most items a chunk's result holds before it is sent.
const maxPart = 4096

func (s *chunkSink) push(it chunkItem) {
	s.out = append(s.out, it)
	if len(s.out) >= maxPart {
		s.flush()
	}
}

func (s *chunkSink) Reject(e *screener.ParseError) error {
	s.learn, s.ckeyDone = learnNothing, false
	c := *e
	s.push(chunkItem{rej: &c})
	return nil
}

// chunkItem is a finding to report or (rej set) a rejected row.
type chunkItem struct {
	f   screener.Finding
	rej *screener.ParseError
}

// itemLists keeps the item lists of chunk results the merge is done
// with, for the workers to fill again.
type itemLists chan []chunkItem

// get returns an empty list, one given back when there is one.
func (l itemLists) get() []chunkItem {
	select {
	case items := <-l:
		return items
	default:
		return nil
	}
}

// put gives items back, emptied (so they keep nothing alive).
func (l itemLists) put(items []chunkItem) {
	if cap(items) == 0 {
		return
	}
	clear(items)
	select {
	case l <- items[:0]:
	default:
	}
}

// clearKeyTag starts the Matcher.ClearKey keys kept in seen.rows beside
// the rows' identity keys, which start with a mask of the identity
// columns (holdings.Row.Key) whose second byte is never 0xFF.
const clearKeyTag = "\xff\xffclear\x00"

// Outcomes of an identity key in seen.rows. A key with the US-person cell
// appended maps to a finding's number in seen.
const (
	outcomeClear   = 0
	outcomeMatched = 1
)

// seen is what the workers of a run share: the outcome of every row key
// matched so far, and the findings rows of a key are made from. Findings
// are kept in blocks that never move, so readers need no lock.
type seen struct {
	rows   *memo
	mu     sync.Mutex
	n      int
	blocks [seenMaxBlocks]atomic.Pointer[[seenBlock]screener.Finding]
}

const (
	seenBlock     = 256
	seenMaxBlocks = 64 // 16,384 findings (matching identities) at most
	// seenShared is how many findings keep the JSON their copies share
	// (some 2 KB each with the finding it was written from).
	seenShared = 4096
)

func newSeen() *seen { return &seen{rows: newMemo()} }

// seenPool keeps the memos of finished runs for later ones: a server
// screening upload after upload reuses its megabytes of slots
// instead of allocating them each time.
var seenPool sync.Pool

func getSeen() *seen {
	if s, ok := seenPool.Get().(*seen); ok {
		s.reset()
		return s
	}
	return newSeen()
}

// putSeen pools s (no goroutine may use it any more). It is emptied when
// taken again, not now: a command that screens once and exits never pays
// for clearing megabytes it will not use.
func putSeen(s *seen) { seenPool.Put(s) }

// reset empties s.
func (s *seen) reset() {
	s.rows.reset()
	for i := range s.blocks {
		s.blocks[i].Store(nil)
	}
	s.n = 0
}

// keep stores f and returns its number; ok is false when seen is full.
// The finding's slices are shared by every row made from it, and no one
// writes to them.
func (s *seen) keep(f *screener.Finding) (uint32, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	bi := s.n / seenBlock
	if bi >= seenMaxBlocks {
		return 0, false
	}
	b := s.blocks[bi].Load()
	if b == nil {
		b = new([seenBlock]screener.Finding)
		s.blocks[bi].Store(b)
	}
	t := &b[s.n%seenBlock]
	*t = *f
	if s.n < seenShared {
		// The rows made from it have their JSON written from its
		// (Finding.ShareJSON).
		t.ShareJSON()
	}
	s.n++
	return uint32(s.n - 1), true
}

// finding returns the finding numbered id by keep.
func (s *seen) finding(id uint32) *screener.Finding {
	return &s.blocks[id/seenBlock].Load()[id%seenBlock]
}
