package web

import (
	"testing"
	"time"
)

// TestLimiterShare: with two replicas alive each allows half the burst and
// half the rate, so the service as a whole keeps the configured limit.
func TestLimiterShare(t *testing.T) {
	now := time.Date(2026, 1, 15, 9, 30, 0, 0, time.UTC)
	count := func(l *limiter, at time.Time) int {
		n := 0
		for l.allow("k", at) {
			n++
		}
		return n
	}
	alone := newLimiter(10, 10)
	if n := count(alone, now); n != 10 {
		t.Errorf("alone: burst of %d, want 10", n)
	}
	shared := newLimiter(10, 10)
	shared.setReplicas(2)
	if n := count(shared, now); n != 5 {
		t.Errorf("one of two replicas: burst of %d, want 5", n)
	}
	if n := count(shared, now.Add(time.Second)); n != 5 {
		t.Errorf("one of two replicas, a second later: %d more, want 5", n)
	}
	shared.setReplicas(0) // a failed count never lifts the share above the whole limit
	if n := count(shared, now.Add(3*time.Second)); n != 10 {
		t.Errorf("back alone: %d, want 10", n)
	}
}
