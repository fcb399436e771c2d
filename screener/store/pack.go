package store

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
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

// PackReport returns what a store keeps for report r.
func PackReport(r []byte) ([]byte, error) {
	if len(r) < packMin {
		return r, nil
	}
	var b bytes.Buffer
	b.Grow(len(r) / 8)
	w, err := gzip.NewWriterLevel(&b, gzip.BestSpeed)
	if err != nil {
		return nil, err
	}
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
	out := bytes.NewBuffer(make([]byte, 0, 8*len(b)))
	if _, err := io.Copy(out, r); err != nil {
		return nil, fmt.Errorf("stored report: %w", err)
	}
	return out.Bytes(), nil
}
