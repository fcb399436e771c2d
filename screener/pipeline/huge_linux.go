package pipeline

import (
	"syscall"
	"unsafe"
)

// hugePage is the size of a transparent huge page on x86-64 and arm64.
const hugePage = 2 << 20

// hugeBytes returns n zeroed bytes mapped outside the Go heap, aligned to
// 2 MiB and marked MADV_HUGEPAGE, so that a kernel whose transparent huge
// pages are "madvise" (Debian's default) backs them with 2 MiB pages: one
// page fault and one TLB entry where 4 KiB pages take 512. Pages are only
// backed when first written. Without mmap it falls back to the heap. The
// bytes must hold no Go pointers; freeHuge gives them back.
func hugeBytes(n int) []byte {
	b, err := syscall.Mmap(-1, 0, n+hugePage, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_ANON|syscall.MAP_PRIVATE)
	if err != nil {
		return make([]byte, n)
	}
	off := (hugePage - int(uintptr(unsafe.Pointer(unsafe.SliceData(b)))%hugePage)) % hugePage
	a := b[off : off+n : off+n]
	_ = syscall.Madvise(a, syscall.MADV_HUGEPAGE) // a hint: refused, the pages are small
	mapped.Store(unsafe.SliceData(a), b)
	return a
}

// freeHuge unmaps bytes from hugeBytes (and does nothing for heap bytes).
func freeHuge(a []byte) {
	if b, ok := mapped.LoadAndDelete(unsafe.SliceData(a)); ok {
		_ = syscall.Munmap(b.([]byte))
	}
}
