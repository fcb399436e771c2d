package pipeline

import (
	"hash/maphash"
	"runtime"
	"sync/atomic"
	"unsafe"
)

// memo maps byte keys to uint32 values for the screening workers: any
// number of goroutines read and write it without locks (a read is two
// hashes of the key and one 16-byte slot; see memoWriter). Entries are
// never changed or removed; once full it takes no more (a miss is only
// slower, never wrong).
//
// A key is known by its fingerprint, not by its bytes: two 64-bit hashes
// of it under seeds drawn afresh for every memo (hash/maphash; AES rounds
// on this machine's CPU), of which a slot keeps 112 bits. Two different
// keys are taken for one only when both hashes agree on all 111 of them:
// a probe meets at most 768 Ki (1.5 x 2^19) entries, a file of 10 million
// rows makes fewer than 2^26 probes (a row makes a few: its identity key,
// its clear key, its key with the US-person cell), so the chance that this
// happens once in such a file is below 1.5 x 2^-66 (about 2 x 10^-20), an
// estimate far below the rate
// of undetected memory errors of the hardware it runs on; and the seeds
// are never seen outside the process, so no file can be made to collide.
// A table of positions of whole keys in an arena, compared byte for byte on
// every hit (what the memo was until 2026-12-07), cost a load of the
// slot, then of the entry, and the comparison: 53 ms of CPU and 22 ms of
// the wall time of a 1M-row screen (a sixth of what was left above the
// encoding/csv floor), and 8 MB more memory (README, "Speed").
//
// Layout: an open-addressing table of 16-byte slots, four to a cache
// line. A slot's first word is the first hash with its lowest bit set
// (0: empty; memoReserved: a writer is filling it), its second the top 48
// bits of the second hash and the value. The table lives in memory of its
// own, in 2 MiB pages where the kernel gives them (see hugeBytes): every
// probe lands on a random slot of its 16 MiB.
type memo struct {
	seed, seed2 maphash.Seed
	slots       []memoSlot
	mask        uint64
	n           atomic.Int64 // slots in use
}

type memoSlot struct{ a, b atomic.Uint64 }

const (
	memoSlotsLog = 20 // 1 Mi slots: 16 MiB, up to 768 Ki entries
	memoReserved = 2  // a slot being filled (a first word always has its lowest bit set)
	memoValBits  = 16 // the low bits of a slot's second word: the value
	memoMaxValue = 1<<memoValBits - 1
)

func newMemo() *memo {
	sb, free := hugeBytes(int(unsafe.Sizeof(memoSlot{})) << memoSlotsLog)
	m := &memo{seed: maphash.MakeSeed(), seed2: maphash.MakeSeed(),
		slots: unsafe.Slice((*memoSlot)(unsafe.Pointer(unsafe.SliceData(sb))), 1<<memoSlotsLog)}
	m.mask = uint64(len(m.slots) - 1)
	// The memory is the memo's alone: give it back when the memo goes.
	runtime.AddCleanup(m, func(free func()) { free() }, free)
	return m
}

// reset empties the memo, keeping its slots for reuse, with new seeds.
// No goroutine may be using it.
func (m *memo) reset() {
	clear(unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(m.slots))), len(m.slots)*int(unsafe.Sizeof(memoSlot{}))))
	m.n.Store(0)
	m.seed, m.seed2 = maphash.MakeSeed(), maphash.MakeSeed()
}

// get returns the value stored for key.
func (m *memo) get(key []byte) (uint32, bool) { return m.getHashed(key, m.hash(key)) }

// hash is the first hash of key, which picks its slot: callers that probe
// a batch of keys make it once and warm the slots with it.
func (m *memo) hash(key []byte) uint64 { return maphash.Bytes(m.seed, key) }

// second is the part of key's second hash a slot keeps.
func (m *memo) second(key []byte) uint64 {
	return maphash.Bytes(m.seed2, key) &^ memoMaxValue
}

// warm loads the slot of each hash in hs, so that the gets of those keys
// that follow find them in the cache. Each probe of a memo tens of
// megabytes wide is a cache miss; loaded one key after another they wait
// for memory one after another, loaded here together they overlap. It
// changes nothing: a key put after warm is still found by get. It returns
// a byte of what it loaded, for the caller to keep (so the loads are not
// dropped as unused) where no other goroutine writes.
func (m *memo) warm(hs []uint64) byte {
	var acc uint64
	for _, h := range hs {
		acc += m.slots[h&m.mask].a.Load()
	}
	return byte(acc)
}

// getHashed is get of key whose first hash is h.
func (m *memo) getHashed(key []byte, h uint64) (uint32, bool) {
	a0, b0 := h|1, m.second(key)
	for i := h & m.mask; ; i = (i + 1) & m.mask {
		s := &m.slots[i]
		a := s.a.Load()
		if a == 0 {
			return 0, false
		}
		if a == a0 {
			if b := s.b.Load(); b&^memoMaxValue == b0 {
				return uint32(b & memoMaxValue), true
			}
		}
	}
}

// put stores v for key unless key is there already, v is too large or the
// memo is full; it reports whether key is in the memo afterwards.
func (m *memo) put(key []byte, v uint32) bool { return m.putHashed(key, m.hash(key), v) }

// putHashed is put of key whose first hash is h, for a goroutine that puts
// seldom (a worker has a memoWriter).
func (m *memo) putHashed(key []byte, h uint64, v uint32) bool {
	w := memoWriter{m: m}
	ok := w.putHashed(key, h, v)
	w.flush()
	return ok
}

// memoWriter puts into a memo for one goroutine. Writers take no lock (two
// workers putting the new securities of a file at once queued on one) and
// share no counter on the way a put takes (an atomic add on a line both
// cores write was as slow): a writer adds its entries to the memo's count
// in batches. It reserves an empty slot with a compare-and-swap, writes
// the second word and publishes the first last; readers pass a reserved
// slot by, and a writer waits for it to be filled (a few stores), so that
// two writers of one key at once leave it in one slot.
type memoWriter struct {
	m *memo
	n int64 // entries not yet added to m.n
}

const memoCount = 256 // entries a writer counts before it adds them to the memo's

// putHashed is memo.put of key whose first hash is h.
func (w *memoWriter) putHashed(key []byte, h uint64, v uint32) bool {
	m := w.m
	if v > memoMaxValue {
		return false
	}
	a0, b0 := h|1, m.second(key)
	i := h & m.mask
	for ; ; i = (i + 1) & m.mask {
		a := m.settled(i)
		if a == 0 {
			break
		}
		if a == a0 && m.slots[i].b.Load()&^memoMaxValue == b0 {
			return true
		}
	}
	// Each writer counts at most memoCount entries it has not added:
	// with a few writers the table stays well under full, and probes end.
	if m.n.Load()+w.n >= int64(len(m.slots)*3/4) {
		return false
	}
	for ; ; i = (i + 1) & m.mask {
		s := &m.slots[i]
		if !s.a.CompareAndSwap(0, memoReserved) {
			// Taken by another writer since: by this key, it is done.
			if m.settled(i) == a0 && s.b.Load()&^memoMaxValue == b0 {
				return true
			}
			continue
		}
		s.b.Store(b0 | uint64(v))
		s.a.Store(a0)
		if w.n++; w.n >= memoCount {
			w.flush()
		}
		return true
	}
}

// settled returns the first word of slot i once no writer is filling it.
func (m *memo) settled(i uint64) uint64 {
	for {
		if a := m.slots[i].a.Load(); a != memoReserved {
			return a
		}
		runtime.Gosched()
	}
}

// flush adds the entries the writer counted to the memo's count.
func (w *memoWriter) flush() {
	if w.n > 0 {
		w.m.n.Add(w.n)
		w.n = 0
	}
}
