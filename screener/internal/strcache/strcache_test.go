package strcache

import (
	"fmt"
	"sync"
	"testing"
	"unsafe"
)

func TestDoComputesOncePerKey(t *testing.T) {
	c := New[int](100)
	calls := 0
	f := func(s string) int { calls++; return len(s) }
	for range 3 {
		if got := c.Do("abcd", f); got != 4 {
			t.Fatalf("Do = %d, want 4", got)
		}
	}
	if calls != 1 {
		t.Fatalf("f called %d times, want 1", calls)
	}
	if _, ok := c.Get("other"); ok {
		t.Fatal("Get of a key never put found a value")
	}
}

func TestBounded(t *testing.T) {
	c := New[string](10)
	for i := range 1000 {
		k := fmt.Sprint(i)
		c.Put(k, k)
		if n := c.Len(); n > 10 {
			t.Fatalf("after %d puts the cache holds %d keys, more than its 10", i+1, n)
		}
		if v, ok := c.Get(k); !ok || v != k {
			t.Fatalf("Get(%q) = %q, %v right after Put", k, v, ok)
		}
	}
}

// The key is copied: a key that points into a buffer reused afterwards
// (a row's cell, as the table reader lends them) does not change what the
// cache holds.
func TestKeyCopied(t *testing.T) {
	c := New[int](10)
	b := []byte("CHINA MOBILE")
	c.Put(unsafe.String(&b[0], 5), 1)
	copy(b, "XXXXX")
	if v, ok := c.Get("CHINA"); !ok || v != 1 {
		t.Fatalf("Get(CHINA) = %d, %v after the key's buffer changed", v, ok)
	}
	if _, ok := c.Get("XXXXX"); ok {
		t.Fatal("the cache took the buffer's new text as a key")
	}
}

func TestConcurrent(t *testing.T) {
	c := New[int](50)
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Go(func() {
			for i := range 5000 {
				k := fmt.Sprint((i * (w + 1)) % 200)
				if got := c.Do(k, func(s string) int { return len(s) }); got != len(k) {
					t.Errorf("Do(%q) = %d", k, got)
					return
				}
			}
		})
	}
	wg.Wait()
	if n := c.Len(); n > 50 {
		t.Fatalf("cache holds %d keys, more than its 50", n)
	}
}
