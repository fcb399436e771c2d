package pipeline

import (
	"bytes"
	"encoding/binary"
	"hash/maphash"
	"runtime"
	"sync/atomic"
	"unsafe"
)

// memo maps byte keys to uint32 values for the screening workers: any
// number of goroutines read and write it without locks (a read is a hash,
// an atomic load and one comparison of the key; see memoWriter). Entries are
// never changed or removed; once full it takes no more (a miss is only
// slower, never wrong). Keys are compared whole, so a hash collision costs a
// probe, not a wrong answer.
//
// Layout: an open-addressing table of atomic slots, each holding a tag (the
// hash's top bits) and the position of the entry in an append-only arena;
// an entry is the key's length, the key and the value. A writer fills the
// arena first and publishes the slot last, so a reader that sees a slot
// sees its entry.
//
// Every probe lands on a random slot and a random entry, two cache misses
// and, with 4 KiB pages, two TLB misses over the memo's tens of megabytes;
// so the slots and the arena live in memory of their own, in 2 MiB pages
// where the kernel gives them (see hugeBytes), which also makes touching
// them the first time cheaper. The arena is reserved whole and costs only
// the pages written.
type memo struct {
	seed  maphash.Seed
	slots []atomic.Uint64
	mask  uint64
	n     atomic.Int64 // slots in use
	arena []byte
	pos   atomic.Uint64 // next free arena position
}

const (
	memoSlotsLog = 20
	memoArena    = 32 << 20 // 32 MiB of keys at most (~450,000 row identities)
	memoMaxKey   = 4096     // longer keys are not kept
	memoPosBits  = 40
)

func newMemo() *memo {
	sb, freeSlots := hugeBytes(8 << memoSlotsLog)
	arena, freeArena := hugeBytes(memoArena)
	m := &memo{seed: maphash.MakeSeed(),
		slots: unsafe.Slice((*atomic.Uint64)(unsafe.Pointer(unsafe.SliceData(sb))), 1<<memoSlotsLog),
		arena: arena}
	m.mask = uint64(len(m.slots) - 1)
	// The memory is the memo's alone: give it back when the memo goes.
	runtime.AddCleanup(m, func(free [2]func()) { free[0](); free[1]() }, [2]func(){freeSlots, freeArena})
	return m
}

// reset empties the memo, keeping its slots and arena for reuse. No
// goroutine may be using it.
func (m *memo) reset() {
	clear(m.slots)
	m.n.Store(0)
	m.pos.Store(0)
	m.seed = maphash.MakeSeed()
}

// get returns the value stored for key.
func (m *memo) get(key []byte) (uint32, bool) { return m.getHashed(key, m.hash(key)) }

// hash is the hash get and put use for key.
func (m *memo) hash(key []byte) uint64 { return maphash.Bytes(m.seed, key) }

// warm loads the first slot of each hash in hs, then the entry each
// points to, so that the gets of those keys that follow find them in the
// cache. Each probe of a memo tens of megabytes wide is two cache misses;
// loaded one key after another they wait for memory one after another,
// loaded here together they overlap (a batch of 32 probes took about 40%
// less time than 32 gets in a benchmark of 250,000 keys). It changes
// nothing: a key put after warm is still found by get. It returns a byte
// of what it loaded, for the caller to keep (so the loads are not dropped
// as unused) where no other goroutine writes.
func (m *memo) warm(hs []uint64) byte {
	var slots [64]uint64
	n := min(len(hs), len(slots))
	for i, h := range hs[:n] {
		slots[i] = m.slots[h&m.mask].Load()
	}
	var acc byte
	for i, s := range slots[:n] {
		if s != 0 && s>>memoPosBits == hs[i]>>memoPosBits {
			acc += m.arena[s&(1<<memoPosBits-1)-1]
		}
	}
	return acc
}

// getHashed is get of key whose hash is h.
func (m *memo) getHashed(key []byte, h uint64) (uint32, bool) {
	tag := h >> memoPosBits
	for i := h & m.mask; ; i = (i + 1) & m.mask {
		s := m.slots[i].Load()
		if s == 0 {
			return 0, false
		}
		if s>>memoPosBits != tag {
			continue
		}
		if v, ok := m.entry(s&(1<<memoPosBits-1)-1, key); ok {
			return v, true
		}
	}
}

// entry compares the entry at pos with key and returns its value.
func (m *memo) entry(pos uint64, key []byte) (uint32, bool) {
	e := m.arena[pos:]
	n, w := binary.Uvarint(e)
	if int(n) != len(key) || !bytes.Equal(e[w:w+int(n)], key) {
		return 0, false
	}
	return binary.LittleEndian.Uint32(e[w+int(n):]), true
}

// put stores v for key unless key is there already, too long, or the memo
// is full; it reports whether key is in the memo afterwards.
func (m *memo) put(key []byte, v uint32) bool { return m.putHashed(key, m.hash(key), v) }

// putHashed is put of key whose hash is h, for a goroutine that puts
// seldom (a worker has a memoWriter).
func (m *memo) putHashed(key []byte, h uint64, v uint32) bool {
	w := memoWriter{m: m}
	ok := w.putHashed(key, h, v)
	w.flush()
	return ok
}

// memoWriter puts into a memo for one goroutine. Writers take no lock (two
// workers putting the new securities of a file at once queued on one),
// and share no counter on the way a put takes (an atomic add on a line
// both cores write was as slow): a writer takes the arena's bytes a block
// at a time and adds its entries to the memo's count in batches. It
// writes an entry in its block and publishes the slot with a
// compare-and-swap; a writer that loses a slot to another goes on
// probing, and finds the key there if it was the same key.
type memoWriter struct {
	m        *memo
	block    uint64 // bytes taken from the arena at a time (0: each entry's own)
	off, end uint64 // what is left of the block taken
	n        int64  // entries not yet added to m.n
}

const (
	memoBlock = 16 << 10 // a worker's block of the arena
	memoCount = 256      // entries a writer counts before it adds them to the memo's
)

// putHashed is memo.put of key whose hash is h.
func (w *memoWriter) putHashed(key []byte, h uint64, v uint32) bool {
	m := w.m
	if len(key) > memoMaxKey {
		return false
	}
	tag := h >> memoPosBits
	i, found := m.probe(key, h&m.mask, tag)
	if found {
		return true
	}
	// Each writer counts at most memoCount entries it has not added:
	// with a few writers the table stays well under full, and probes end.
	if m.n.Load()+w.n >= int64(len(m.slots)*3/4) {
		return false
	}
	lw := 1
	if len(key) >= 0x80 {
		lw = 2 // memoMaxKey is under 1<<14
	}
	size := uint64(lw + len(key) + 4)
	if w.end-w.off < size {
		take := max(w.block, size)
		end := m.pos.Add(take)
		if end > memoArena {
			return false
		}
		w.off, w.end = end-take, end
	}
	off := w.off
	w.off += size
	binary.PutUvarint(m.arena[off:off+uint64(lw)], uint64(len(key)))
	copy(m.arena[off+uint64(lw):], key)
	binary.LittleEndian.PutUint32(m.arena[off+uint64(lw)+uint64(len(key)):], v)
	e := tag<<memoPosBits | (off + 1)
	for {
		if m.slots[i].CompareAndSwap(0, e) {
			if w.n++; w.n >= memoCount {
				w.flush()
			}
			return true
		}
		// Another writer published the slot first.
		if i, found = m.probe(key, i, tag); found {
			return true // the same key: its bytes reserved here go unused
		}
	}
}

// flush adds the entries the writer counted to the memo's count.
func (w *memoWriter) flush() {
	if w.n > 0 {
		w.m.n.Add(w.n)
		w.n = 0
	}
}

// probe looks for key from slot i on: the slot holding it (found), or
// the first empty slot.
func (m *memo) probe(key []byte, i, tag uint64) (uint64, bool) {
	for ; ; i = (i + 1) & m.mask {
		s := m.slots[i].Load()
		if s == 0 {
			return i, false
		}
		if s>>memoPosBits == tag {
			if _, ok := m.entry(s&(1<<memoPosBits-1)-1, key); ok {
				return i, true
			}
		}
	}
}
