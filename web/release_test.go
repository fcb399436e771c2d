package web

import (
	"sync/atomic"
	"testing"
	"time"
)

// Big uploads one after another give their memory back once, after the
// last of them, not after each.
func TestReleaseMemoryAfterTheLastUpload(t *testing.T) {
	oldAfter, oldRelease := releaseAfter, release
	defer func() {
		releaseMu.Lock()
		if releaseTimer != nil {
			releaseTimer.Stop()
			releaseTimer = nil
		}
		releaseMu.Unlock()
		releaseAfter, release = oldAfter, oldRelease
	}()
	releaseMu.Lock()
	if releaseTimer != nil {
		releaseTimer.Stop()
		releaseTimer = nil
	}
	releaseMu.Unlock()
	var n atomic.Int32
	releaseAfter, release = time.Second, func() { n.Add(1) }
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
