// Package strcache memoises functions of a string whose values repeat
// over a file and are few (a few dozen exchange names, the spellings of
// yes and no), for the screening workers: every worker asks at once, and
// a read of a key kept takes no lock and writes no memory the other
// workers read, where a mutex both workers take costs more than the work
// it saves.
//
// Layout: a plain map, published through an atomic pointer and never
// changed once published, holds most keys; keys added since sit in a
// second map under a mutex. A new map with both is published when the
// second holds a quarter as many keys as the first, or when reads have
// gone to it under the mutex as many times as there are keys in all (the
// last keys of a file are not left behind the mutex for good); either way
// the copying is paid for by as many puts or reads. sync.Map was tried
// first: its trie of nodes costs a cache miss per level, more than a map's
// one or two.
//
// It is not for large sets: every publish copies the map, and a file of
// 100,000 distinct security names made the matcher's name memos, kept here
// for a while, copy hundreds of megabytes (7.3 s and 205 MB for that file
// with a mutex and a plain map, 11.2 s and 258 MB with this).
//
// The functions memoised must be pure: a value computed twice by two
// workers at once is the same value, so which one is kept does not matter.
package strcache

import (
	"strings"
	"sync"
	"sync/atomic"
)

// Cache maps strings to values of one pure function. It holds at most max
// keys: when full it is emptied and starts again, so a file of millions of
// distinct values costs bounded memory and stays correct (a miss only
// computes again).
type Cache[V any] struct {
	read   atomic.Pointer[map[string]V]
	mu     sync.Mutex
	dirty  map[string]V // keys put since read was published
	misses int          // reads that went to dirty since
	max    int
}

// New returns a cache of at most max keys.
func New[V any](max int) *Cache[V] { return &Cache[V]{max: max} }

// Get returns the value kept for k.
func (c *Cache[V]) Get(k string) (V, bool) {
	if m := c.read.Load(); m != nil {
		if v, ok := (*m)[k]; ok {
			return v, true
		}
	}
	c.mu.Lock()
	v, ok := c.dirty[k]
	if c.dirty != nil {
		c.misses++
		if m := c.read.Load(); m == nil || c.misses >= len(*m)+len(c.dirty) {
			c.publish()
		}
	}
	c.mu.Unlock()
	return v, ok
}

// Put keeps v for k (a copy of k: the caller's may point into a buffer
// that is reused).
func (c *Cache[V]) Put(k string, v V) {
	c.mu.Lock()
	defer c.mu.Unlock()
	var read map[string]V
	if m := c.read.Load(); m != nil {
		read = *m
	}
	if len(read)+len(c.dirty) >= c.max {
		// Full: start again.
		read, c.dirty = nil, nil
		c.read.Store(nil)
	}
	if c.dirty == nil {
		c.dirty = map[string]V{}
	}
	c.dirty[strings.Clone(k)] = v
	if len(c.dirty) >= max(32, len(read)/4) {
		c.publish()
	}
}

// publish makes read a new map of read and dirty (c.mu held).
func (c *Cache[V]) publish() {
	var read map[string]V
	if m := c.read.Load(); m != nil {
		read = *m
	}
	n := make(map[string]V, len(read)+len(c.dirty))
	for k, v := range read {
		n[k] = v
	}
	for k, v := range c.dirty {
		n[k] = v
	}
	c.read.Store(&n)
	c.dirty, c.misses = nil, 0
}

// Do returns f(k), computed once per key while the key is kept.
func (c *Cache[V]) Do(k string, f func(string) V) V {
	if v, ok := c.Get(k); ok {
		return v
	}
	v := f(k)
	c.Put(k, v)
	return v
}

// Len returns how many keys the cache holds.
func (c *Cache[V]) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := len(c.dirty)
	if m := c.read.Load(); m != nil {
		n += len(*m)
	}
	return n
}
