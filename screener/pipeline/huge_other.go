//go:build !linux

package pipeline

// hugeBytes returns n zeroed bytes from the heap (huge pages are asked
// for on Linux only).
func hugeBytes(n int) []byte { return make([]byte, n) }

func freeHuge([]byte) {}
