package pipeline

import (
	"syscall"
	"unsafe"
)

// hugePage is the size of a transparent huge page on x86-64 and arm64.
const hugePage = 2 << 20

// hugeBytes returns n zeroed bytes mapped outside the Go heap, aligned to
// 2 MiB and marked MADV_HUGEPAGE, so that a kernel whose transparent huge
// pages are in "madvise" mode (/sys/kernel/mm/transparent_hugepage/enabled;
// this machine's is) backs them with 2 MiB pages: one page fault and one
// TLB entry where 4 KiB pages take 512. Pages are only backed when first
// written. Without mmap it falls back to the heap. The bytes must hold no
// Go pointers; free gives them back, and they must not be used after.
func hugeBytes(n int) (b []byte, free func()) {
	m, err := syscall.Mmap(-1, 0, n+hugePage, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_ANON|syscall.MAP_PRIVATE)
	if err != nil {
		return make([]byte, n), func() {}
	}
	off := (hugePage - int(uintptr(unsafe.Pointer(unsafe.SliceData(m)))%hugePage)) % hugePage
	b = m[off : off+n : off+n]
	_ = syscall.Madvise(b, syscall.MADV_HUGEPAGE) // a hint: refused, the pages are small
	return b, func() { _ = syscall.Munmap(m) }
}
