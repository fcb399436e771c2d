package store

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"runtime"
	"sync"

	"github.com/klauspost/compress/gzip"
)

// Reports from packMin bytes up are kept gzip-compressed (fastest level):
// a report is JSON with the same keys on every finding, so it shrinks
// about tenfold, and writing it is most of a big run's save (a 1M-row
// upload's report is 47 MB). Smaller ones are kept as they are. Either
// way a store hands back the report's bytes exactly as saved; the report's
// SHA-256 is of those bytes, never of the compressed form. Reports saved
// before this are JSON and read as they are: JSON never starts with gzip's
// magic bytes.
const packMin = 64 << 10

var gzipMagic = []byte{0x1f, 0x8b}

// PackReport returns what a store keeps for report r. A report of several
// megabytes is cut into parts compressed at once, one per core, and kept
// as one gzip member after another (RFC 1952 allows several; compressing
// is most of a big run's save, while its client waits and nothing else
// runs). The first member's header records the report's length (an extra
// subfield "SL", 8 bytes little-endian), and UnpackReport checks it: a
// gzip reader takes a clean end after any member for the end of the data,
// so a copy cut between members would read back short without it.
func PackReport(r []byte) ([]byte, error) {
	if len(r) < packMin {
		return r, nil
	}
	n := max(1, min(runtime.GOMAXPROCS(0), len(r)/packPart))
	parts := make([][]byte, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			var extra []byte
			if i == 0 {
				extra = binary.LittleEndian.AppendUint64([]byte{'S', 'L', 8, 0}, uint64(len(r)))
			}
			parts[i], errs[i] = gzipBytes(r[i*len(r)/n:(i+1)*len(r)/n], extra)
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return bytes.Join(parts, nil), nil
}

// packPart is the least a report part compressed on its own holds.
const packPart = 4 << 20

func gzipBytes(r, extra []byte) ([]byte, error) {
	var b bytes.Buffer
	b.Grow(len(r) / 8)
	w, err := gzip.NewWriterLevel(&b, gzip.BestSpeed)
	if err != nil {
		return nil, err
	}
	w.Extra = extra
	if _, err := w.Write(r); err != nil {
		return nil, err
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// UnpackReport returns the report a store kept as b, in new memory (b may
// be bbolt's, valid only in its transaction).
func UnpackReport(b []byte) ([]byte, error) {
	if !bytes.HasPrefix(b, gzipMagic) {
		return copyBytes(b), nil
	}
	r, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		return nil, fmt.Errorf("stored report: %w", err)
	}
	want, hasLen := reportLength(r.Extra)
	out := bytes.NewBuffer(make([]byte, 0, 8*len(b)))
	if _, err := io.Copy(out, r); err != nil {
		return nil, fmt.Errorf("stored report: %w", err)
	}
	if hasLen && uint64(out.Len()) != want {
		return nil, fmt.Errorf("stored report: %d bytes read back, %d saved: the stored copy is cut short", out.Len(), want)
	}
	return out.Bytes(), nil
}

// reportLength finds the report length PackReport records in the first
// member's extra field (reports packed before it record none).
func reportLength(extra []byte) (uint64, bool) {
	for len(extra) >= 4 {
		n := int(binary.LittleEndian.Uint16(extra[2:4]))
		if len(extra) < 4+n {
			return 0, false
		}
		if extra[0] == 'S' && extra[1] == 'L' && n == 8 {
			return binary.LittleEndian.Uint64(extra[4:12]), true
		}
		extra = extra[4+n:]
	}
	return 0, false
}
