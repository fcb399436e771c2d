package pipeline

import (
	"fmt"
	"runtime"
	"sync"
	"testing"
)

// The memo answers what was put, from any goroutine, says "not known" for
// keys never put (a tag collision is a probe, not an answer), and forgets
// everything on reset while its memory is reused.
func TestMemo(t *testing.T) {
	m := newMemo()
	const n = 20000
	var wg sync.WaitGroup
	for w := range 2 {
		wg.Go(func() {
			for i := w; i < n; i += 2 {
				if !m.put(fmt.Appendf(nil, "ISIN:CNE%09d|name %d", i, i), uint32(i)) {
					t.Errorf("put %d refused", i)
				}
			}
		})
	}
	wg.Wait()
	for i := range n {
		k := fmt.Appendf(nil, "ISIN:CNE%09d|name %d", i, i)
		if i%3 == 0 {
			m.warm([]uint64{m.hash(k), m.hash([]byte("never put"))}) // changes nothing
		}
		v, ok := m.get(k)
		if !ok || v != uint32(i) {
			t.Fatalf("get %d = %d, %v", i, v, ok)
		}
		if v2, ok2 := m.getHashed(k, m.hash(k)); v2 != v || ok2 != ok {
			t.Fatalf("getHashed %d = %d, %v; get = %d, %v", i, v2, ok2, v, ok)
		}
		if _, ok := m.get(fmt.Appendf(nil, "ISIN:CNE%09d|name %d ", i, i)); ok {
			t.Fatalf("a key never put (%d with a space) is known", i)
		}
	}
	if m.put([]byte("a value too large"), memoMaxValue+1) {
		t.Error("a value over memoMaxValue was kept")
	}
	long := make([]byte, 10000) // a key's length does not matter
	if !m.put(long, 7) {
		t.Error("a long key was refused")
	}
	if v, ok := m.get(long); !ok || v != 7 {
		t.Errorf("get of a long key = %d, %v", v, ok)
	}
	m.reset()
	if _, ok := m.get([]byte("ISIN:CNE000000007|name 7")); ok {
		t.Error("a key is known after reset")
	}
	if !m.put([]byte("k"), 9) {
		t.Fatal("put after reset refused")
	}
	if v, ok := m.get([]byte("k")); !ok || v != 9 {
		t.Fatalf("get after reset = %d, %v", v, ok)
	}
}

// Writers that put the same keys at once (two workers meeting the same
// new security) leave each key in one slot, with a value one of them put,
// and a reader that comes after finds it.
func TestMemoSameKeysAtOnce(t *testing.T) {
	m := newMemo()
	const n = 50000
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Go(func() {
			// Two writers of their own, as workers have, and two
			// that put one entry at a time.
			wr := memoWriter{m: m}
			defer wr.flush()
			for i := range n {
				k := fmt.Appendf(nil, "TICKER:XHKG:%d|CHINA MOBILE %d", i, i%97)
				ok := false
				if w%2 == 0 {
					ok = wr.putHashed(k, m.hash(k), uint32(i))
				} else {
					ok = m.put(k, uint32(i))
				}
				if !ok {
					t.Errorf("worker %d: put %d refused", w, i)
				}
			}
		})
	}
	wg.Wait()
	if got := m.n.Load(); got != n {
		t.Fatalf("%d slots in use for %d keys", got, n)
	}
	for i := range n {
		if v, ok := m.get(fmt.Appendf(nil, "TICKER:XHKG:%d|CHINA MOBILE %d", i, i%97)); !ok || v != uint32(i) {
			t.Fatalf("get %d = %d, %v", i, v, ok)
		}
	}
}

// A memo three quarters full refuses new keys and still answers the old
// (and its probes, which end at an empty slot, all end).
func TestMemoFull(t *testing.T) {
	m := newMemo()
	kept := 0
	for i := 0; ; i++ {
		if !m.put(fmt.Appendf(nil, "%08d", i), uint32(i%memoMaxValue)) {
			break
		}
		kept++
	}
	if want := len(m.slots) * 3 / 4; kept != want {
		t.Fatalf("%d keys kept in %d slots, want %d", kept, len(m.slots), want)
	}
	for _, i := range []int{0, kept / 2, kept - 1} {
		if v, ok := m.get(fmt.Appendf(nil, "%08d", i)); !ok || v != uint32(i%memoMaxValue) {
			t.Fatalf("key %d kept: %d, %v", i, v, ok)
		}
	}
	if _, ok := m.get([]byte("never put")); ok {
		t.Fatal("a key never put is known in a full memo")
	}
}

// A key is known by two hashes under the memo's own seeds: keys that one
// of them cannot tell apart are still told apart (a fingerprint whose
// first hash or second alone agrees is a probe, not an answer), and a
// memo reset draws new seeds.
func TestMemoFingerprint(t *testing.T) {
	m := newMemo()
	k := []byte("ISIN:HK0941009539|CHINA MOBILE LTD")
	if !m.put(k, 1) {
		t.Fatal("put refused")
	}
	// Another key in the same slot, with the first word copied: only the
	// second hash tells them apart.
	other := []byte("ISIN:HK0883013259|CNOOC LTD")
	h := m.hash(k)
	if v, ok := m.getHashed(other, h); ok {
		t.Fatalf("a key with another second hash is known as %d", v)
	}
	// The same key under a first hash that is not its own: another slot.
	if _, ok := m.getHashed(k, h^1<<40); ok {
		t.Fatal("a key is known at a first hash that is not its own")
	}
	s1, s2 := m.seed, m.seed2
	m.reset()
	if m.seed == s1 || m.seed2 == s2 || m.seed == m.seed2 {
		t.Fatal("reset did not draw two new seeds")
	}
}

// hugeBytes gives zeroed, writable memory of the size asked, and a way to
// give it back. (Memos made and dropped in a loop run their cleanups, which
// unmap, while new memos are made; a wrong unmap would crash the test.)
func TestHugeBytes(t *testing.T) {
	b, free := hugeBytes(3 << 20)
	if len(b) != 3<<20 || cap(b) != 3<<20 {
		t.Fatalf("len %d cap %d", len(b), cap(b))
	}
	for i := 0; i < len(b); i += 4096 {
		if b[i] != 0 {
			t.Fatalf("byte %d is %d, not zero", i, b[i])
		}
		b[i] = 1
	}
	free()
	for i := range 8 {
		m := newMemo()
		m.put([]byte("x"), uint32(i))
		if v, ok := m.get([]byte("x")); !ok || v != uint32(i) {
			t.Fatalf("memo %d: get = %d, %v", i, v, ok)
		}
		runtime.GC()
	}
}
