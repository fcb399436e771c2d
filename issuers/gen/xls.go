package main

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"unicode/utf16"

	"github.com/richardlehane/mscfb"
)

// readXLS reads the first sheet of a BIFF8 .xls workbook into rows of cell
// strings. It is a small reader of its own because github.com/extrame/xls
// v0.0.1 mis-indexes the shared string table once a string is split across a
// second CONTINUE record: in the CSI 300 file every string after that point
// is shifted by one (row 294 reads "Jiangsu King's Luck ..." as the code of
// 603019). Only what constituent files use is decoded: shared strings
// (LABELSST), inline strings (LABEL), numbers (NUMBER, RK, MULRK).
func readXLS(path string) ([][]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	doc, err := mscfb.New(f)
	if err != nil {
		return nil, fmt.Errorf("%s: not an OLE2 compound file: %w", path, err)
	}
	var wb []byte
	for e, err := doc.Next(); err == nil; e, err = doc.Next() {
		if e.Name == "Workbook" || e.Name == "Book" {
			wb, err = io.ReadAll(e)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", path, err)
			}
			break
		}
	}
	if wb == nil {
		return nil, fmt.Errorf("%s: no Workbook stream", path)
	}
	type rec struct {
		id   uint16
		data []byte
		pos  int
	}
	var recs []rec
	for p := 0; p+4 <= len(wb); {
		id := binary.LittleEndian.Uint16(wb[p:])
		n := int(binary.LittleEndian.Uint16(wb[p+2:]))
		if p+4+n > len(wb) {
			return nil, fmt.Errorf("%s: record 0x%04x at %d runs past the stream", path, id, p)
		}
		recs = append(recs, rec{id, wb[p+4 : p+4+n], p})
		p += 4 + n
	}
	// shared string table: SST then CONTINUE records
	var sst []string
	var sheetPos = -1
	for i, r := range recs {
		switch r.id {
		case 0x00FC:
			segs := [][]byte{r.data}
			for j := i + 1; j < len(recs) && recs[j].id == 0x003C; j++ {
				segs = append(segs, recs[j].data)
			}
			sst, err = readSST(segs)
			if err != nil {
				return nil, fmt.Errorf("%s: shared strings: %w", path, err)
			}
		case 0x0085: // BOUNDSHEET: first one
			if sheetPos < 0 && len(r.data) >= 4 {
				sheetPos = int(binary.LittleEndian.Uint32(r.data))
			}
		}
	}
	if sheetPos < 0 {
		return nil, fmt.Errorf("%s: no sheet", path)
	}
	cells := map[[2]int]string{}
	maxRow, maxCol := -1, -1
	set := func(row, col int, v string) {
		cells[[2]int{row, col}] = v
		maxRow = max(maxRow, row)
		maxCol = max(maxCol, col)
	}
	started := false
	for _, r := range recs {
		if r.pos < sheetPos {
			continue
		}
		if r.pos == sheetPos {
			started = true
			continue
		}
		if !started {
			continue
		}
		d := r.data
		switch r.id {
		case 0x000A: // EOF of the sheet
			started = false
		case 0x00FD: // LABELSST
			if len(d) < 10 {
				return nil, errors.New("short LABELSST")
			}
			k := int(binary.LittleEndian.Uint32(d[6:]))
			if k >= len(sst) {
				return nil, fmt.Errorf("%s: string index %d of %d", path, k, len(sst))
			}
			set(int(le16(d)), int(le16(d[2:])), sst[k])
		case 0x0204: // LABEL
			if len(d) < 9 {
				return nil, errors.New("short LABEL")
			}
			s, _, err := readXLString(d[6:])
			if err != nil {
				return nil, err
			}
			set(int(le16(d)), int(le16(d[2:])), s)
		case 0x0203: // NUMBER
			if len(d) < 14 {
				return nil, errors.New("short NUMBER")
			}
			set(int(le16(d)), int(le16(d[2:])), num(math.Float64frombits(binary.LittleEndian.Uint64(d[6:]))))
		case 0x027E: // RK
			if len(d) < 10 {
				return nil, errors.New("short RK")
			}
			set(int(le16(d)), int(le16(d[2:])), num(rk(binary.LittleEndian.Uint32(d[6:]))))
		case 0x00BD: // MULRK
			if len(d) < 6 {
				return nil, errors.New("short MULRK")
			}
			row, col := int(le16(d)), int(le16(d[2:]))
			for p := 4; p+6 <= len(d)-2; p += 6 {
				set(row, col, num(rk(binary.LittleEndian.Uint32(d[p+2:]))))
				col++
			}
		}
	}
	out := make([][]string, maxRow+1)
	for i := range out {
		out[i] = make([]string, maxCol+1)
		for j := range out[i] {
			out[i][j] = cells[[2]int{i, j}]
		}
	}
	return out, nil
}

func le16(b []byte) uint16 { return binary.LittleEndian.Uint16(b) }

func num(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

func rk(v uint32) float64 {
	var f float64
	if v&2 != 0 {
		f = float64(int32(v) >> 2)
	} else {
		f = math.Float64frombits(uint64(v&0xFFFFFFFC) << 32)
	}
	if v&1 != 0 {
		f /= 100
	}
	return f
}

// readXLString reads an XLUnicodeString (cch u16, flags u8, chars) from b.
func readXLString(b []byte) (string, int, error) {
	if len(b) < 3 {
		return "", 0, errors.New("short string")
	}
	n := int(le16(b))
	wide := b[2]&1 != 0
	p := 3
	if wide {
		if p+2*n > len(b) {
			return "", 0, errors.New("short string")
		}
		u := make([]uint16, n)
		for i := range u {
			u[i] = le16(b[p+2*i:])
		}
		return string(utf16.Decode(u)), p + 2*n, nil
	}
	if p+n > len(b) {
		return "", 0, errors.New("short string")
	}
	u := make([]uint16, n)
	for i := range u {
		u[i] = uint16(b[p+i])
	}
	return string(utf16.Decode(u)), p + n, nil
}

// sstReader walks the SST record and its CONTINUE records. A string's
// characters may continue in the next record, which then starts with a new
// flags byte (only the high-byte bit matters); other fields split without one.
type sstReader struct {
	segs [][]byte
	seg  int
	pos  int
}

func (r *sstReader) byte1() (byte, error) {
	for r.seg < len(r.segs) && r.pos >= len(r.segs[r.seg]) {
		r.seg++
		r.pos = 0
	}
	if r.seg >= len(r.segs) {
		return 0, io.ErrUnexpectedEOF
	}
	b := r.segs[r.seg][r.pos]
	r.pos++
	return b, nil
}

func (r *sstReader) u16() (uint16, error) {
	a, err := r.byte1()
	if err != nil {
		return 0, err
	}
	b, err := r.byte1()
	return uint16(a) | uint16(b)<<8, err
}

func (r *sstReader) u32() (uint32, error) {
	a, err := r.u16()
	if err != nil {
		return 0, err
	}
	b, err := r.u16()
	return uint32(a) | uint32(b)<<16, err
}

func (r *sstReader) skip(n int) error {
	for ; n > 0; n-- {
		if _, err := r.byte1(); err != nil {
			return err
		}
	}
	return nil
}

func readSST(segs [][]byte) ([]string, error) {
	r := &sstReader{segs: segs}
	if _, err := r.u32(); err != nil { // total references
		return nil, err
	}
	unique, err := r.u32()
	if err != nil {
		return nil, err
	}
	out := make([]string, 0, unique)
	for i := 0; i < int(unique); i++ {
		n, err := r.u16()
		if err != nil {
			return nil, fmt.Errorf("string %d: %w", i, err)
		}
		flags, err := r.byte1()
		if err != nil {
			return nil, err
		}
		var runs uint16
		var ext uint32
		if flags&0x08 != 0 {
			if runs, err = r.u16(); err != nil {
				return nil, err
			}
		}
		if flags&0x04 != 0 {
			if ext, err = r.u32(); err != nil {
				return nil, err
			}
		}
		wide := flags&1 != 0
		u := make([]uint16, 0, n)
		for len(u) < int(n) {
			if r.seg < len(r.segs) && r.pos >= len(r.segs[r.seg]) && r.seg+1 < len(r.segs) {
				// characters continue in the next record, after a flags byte
				r.seg++
				r.pos = 0
				f, err := r.byte1()
				if err != nil {
					return nil, err
				}
				wide = f&1 != 0
			}
			if wide {
				c, err := r.u16()
				if err != nil {
					return nil, err
				}
				u = append(u, c)
			} else {
				c, err := r.byte1()
				if err != nil {
					return nil, err
				}
				u = append(u, uint16(c))
			}
		}
		if err := r.skip(4*int(runs) + int(ext)); err != nil {
			return nil, err
		}
		out = append(out, string(utf16.Decode(u)))
	}
	return out, nil
}
