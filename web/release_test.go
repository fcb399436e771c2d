package web

import (
	"sync/atomic"
	"testing"
	"time"
)

// countReleases makes the release timer fire after d and count its runs,
// with no timer pending, until the test ends.
func countReleases(t *testing.T, d time.Duration) *atomic.Int32 {
	stop := func() {
		releaseMu.Lock()
		if releaseTimer != nil {
			releaseTimer.Stop()
			releaseTimer = nil
		}
		releaseMu.Unlock()
	}
	oldAfter, oldRelease := releaseAfter, release
	t.Cleanup(func() { stop(); releaseAfter, release = oldAfter, oldRelease })
	stop()
	var n atomic.Int32
	releaseAfter, release = d, func() { n.Add(1) }
	return &n
}

// Big uploads one after another give their memory back once, after the
// last of them, not after each.
func TestReleaseMemoryAfterTheLastUpload(t *testing.T) {
	n := countReleases(t, time.Second)
	for range 5 {
		releaseMemory()
		time.Sleep(20 * time.Millisecond)
	}
	if got := n.Load(); got != 0 {
		t.Fatalf("memory given back %d times while uploads kept coming", got)
	}
	deadline := time.Now().Add(5 * time.Second)
	for n.Load() == 0 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	time.Sleep(1200 * time.Millisecond)
	if got := n.Load(); got != 1 {
		t.Fatalf("memory given back %d times after the last upload, want once", got)
	}
}

// An upload under bigUpload whose report buffer is kept on the shelf
// still gives it back, releaseAfter later; one whose buffer is too small
// to keep arms nothing.
func TestShelvedBufferIsReleased(t *testing.T) {
	n := countReleases(t, 50*time.Millisecond)
	t.Cleanup(reportBufs.empty)
	(&screened{JSON: make([]byte, 10, bufShelfMin-1)}).done()
	time.Sleep(200 * time.Millisecond)
	if got := n.Load(); got != 0 {
		t.Fatalf("a small upload's answer gave memory back %d times", got)
	}
	(&screened{JSON: make([]byte, 10, bufShelfMin)}).done()
	if reportBufs.take(bufShelfMin) == nil {
		t.Fatal("the buffer was not shelved")
	}
	(&screened{JSON: make([]byte, 10, bufShelfMin)}).done()
	deadline := time.Now().Add(5 * time.Second)
	for n.Load() == 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if got := n.Load(); got != 1 {
		t.Fatalf("memory given back %d times after a shelved buffer, want once", got)
	}
	if reportBufs.take(bufShelfMin) != nil {
		t.Fatal("the shelf kept its buffer past the release")
	}
}
