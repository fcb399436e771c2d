package holdings

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"io"
	"math/bits"
	"os"
	"sync"
	"unsafe"

	"github.com/screener/screener/screener"
	"github.com/shopspring/decimal"
)

// RawSink is a Sink that can take a table's data rows before they are
// decoded into a Holding. The plain-table readers offer each well-formed
// data row to RawRow first; when it returns done=false the row is decoded
// and sent to Holding or Reject as usual. A screener uses it to count a row
// it has already seen the like of without building a Holding.
type RawSink interface {
	Sink
	RawRow(r Row) (done bool, err error)
}

// Row is one data row of a table, valid only during the RawRow call: the
// strings its methods return may point into a buffer that is reused, so a
// sink that keeps one clones it.
type Row struct {
	c    *columns
	rec  []string
	line int
}

// Line returns the row's line number.
func (r Row) Line() int { return r.line }

// File returns the file name rows of this table carry.
func (r Row) File() string { return r.c.file }

// AppendUSPerson appends the row's US-person cell, as written, to dst.
func (r Row) AppendUSPerson(dst []byte) []byte {
	if i := r.c.idx[fUSPerson]; i >= 0 && i < len(r.rec) {
		return append(dst, r.rec[i]...)
	}
	return dst
}

// Numbers checks the row's numbers as decoding would and returns its
// quantity and market value; ok is false when decoding would reject the
// row (the row must then be decoded, for the reason).
func (r Row) Numbers() (quantity, value decimal.Decimal, ok bool) {
	var err error
	if r.c.idx[fQuantity] >= 0 {
		if quantity, _, err = parseNumber(r.c.cell(r.rec, fQuantity), r.c.european); err != nil {
			return quantity, value, false
		}
	}
	for _, f := range [...]field{fPrice, fWeight} {
		if r.c.idx[f] >= 0 {
			if _, _, err := scanNumber(r.c.cell(r.rec, f), r.c.european); err != nil {
				return quantity, value, false
			}
		}
	}
	if r.c.idx[fMarketValue] >= 0 {
		if value, _, err = parseNumber(r.c.cell(r.rec, fMarketValue), r.c.european); err != nil {
			return quantity, value, false
		}
	}
	return quantity, value, true
}

// identity lists the fields that decide which security a row holds: every
// field Holding takes from a cell except the position's own (portfolio,
// numbers, currency, US person).
var identity = [...]field{fName, fIssuer, fISIN, fCUSIP, fSEDOL, fFIGI, fLEI, fTicker, fSecurityID, fExchange, fAssetClass}

// Key appends to dst a key of the row's identity cells (names,
// identifiers, ticker, exchange, asset class), as written. Two rows with
// the same key decode to holdings with the same identifiers and name,
// within any table: the key starts with which identity columns the table
// has.
func (r Row) Key(dst []byte) []byte {
	k := r.c.keyPlan()
	dst = binary.LittleEndian.AppendUint16(dst, k.mask)
	for _, i := range k.cols {
		v := ""
		if int(i) < len(r.rec) {
			v = r.rec[i]
		}
		if len(v) < 0x80 {
			dst = append(dst, byte(len(v))) // binary.AppendUvarint's one byte
		} else {
			dst = binary.AppendUvarint(dst, uint64(len(v)))
		}
		dst = append(dst, v...)
	}
	return dst
}

// keyPlan is what Key reads of a table: the mask of its identity columns
// and their indexes, in the order of identity.
type keyPlan struct {
	mask uint16
	cols []int
}

// keyPlan returns the table's key plan, made once (the table's columns
// are settled before its rows are read; the workers share it).
func (c *columns) keyPlan() *keyPlan {
	c.keyOnce.Do(func() {
		for i, f := range identity {
			if c.idx[f] >= 0 {
				c.key.mask |= 1 << i
				c.key.cols = append(c.key.cols, c.idx[f])
			}
		}
	})
	return &c.key
}

// Identity fills h with what decoding takes from the row's identity and
// position cells (names, identifiers, ticker, exchange, portfolio,
// currency, asset class), the identifiers checked as decoding checks them;
// not its numbers nor its US-person cell. ok is false when decoding would
// reject the row for its identifiers, or when the table's format fixes
// rows up after decoding them: the row must then be decoded. h's strings
// may be the lent cells: h must not outlive the RawRow call.
func (r Row) Identity(h *screener.Holding) bool {
	if r.c.fix != nil {
		return false
	}
	r.c.decodeIdentity(h, r.line, r.rec)
	return r.c.checkIDs(h, r.line) == nil
}

// Portfolio returns the row's portfolio, as Holding.Portfolio would hold it.
func (r Row) Portfolio() string {
	if p := r.c.cell(r.rec, fPortfolio); p != "" {
		return p
	}
	return r.c.portfolio
}

// Currency returns the row's currency, as Holding.Currency would hold it.
func (r Row) Currency() string { return r.c.cell(r.rec, fCurrency) }

// MarketValueUnits checks the row's numbers (quantity, price, market value,
// weight) as decoding would and returns the market value in units of 1e-9
// (0 when the row has none). ok is false when any number would be rejected
// or does not fit that integer form: the row must then be decoded.
//
// It is called on nearly every row of a large file, and most cells are
// plain digits with a point: those are read here in one loop each, and
// any other cell as decoding reads it (scanNumber).
func (r Row) MarketValueUnits() (units int64, ok bool) {
	point := byte('.')
	if r.c.european {
		point = ','
	}
	for _, f := range [...]field{fQuantity, fPrice, fWeight} {
		i := r.c.idx[f]
		if i < 0 {
			continue
		}
		if i < len(r.rec) && isPlain(r.rec[i], point) {
			continue // what scanNumber reads with no error
		}
		if _, _, err := scanNumber(r.c.cell(r.rec, f), r.c.european); err != nil {
			return 0, false
		}
	}
	i := r.c.idx[fMarketValue]
	if i < 0 {
		return 0, true
	}
	if i < len(r.rec) {
		if u, plain, ok := plainUnits(r.rec[i], point); plain {
			return u, ok
		}
	}
	return scannedUnits(r.c.cell(r.rec, fMarketValue), r.c.european)
}

// scannedUnits is a market value cell as decoding reads it (scanNumber),
// in units of 1e-9: 0 for an empty cell, ok false when decoding would
// reject it or it does not fit.
func scannedUnits(cell string, european bool) (units int64, ok bool) {
	n, has, err := scanNumber(cell, european)
	if err != nil {
		return 0, false
	}
	if !has {
		return 0, true
	}
	return n.Units()
}

// isPlain reports whether scanPlain reads s: at most 18 bytes, ASCII
// digits with at most one point, and a digit. It and plainUnits are
// scanPlain cut down to what the known-row path needs: calling scanPlain
// (and Units) there instead cost 9-28 ms of CPU on the 1M-row screen
// (2026-12-07, two runs of 11 interleaved), for its wider result.
// FuzzMarketValueUnits holds them to scanNumber.
func isPlain(s string, point byte) bool {
	if len(s) == 0 || len(s) > 18 {
		return false
	}
	seenPoint, digit := false, false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			digit = true
		case c == point && !seenPoint:
			seenPoint = true
		default:
			return false
		}
	}
	return digit
}

// plainUnits is scanPlain(s) and Units in one loop: plain is false when
// scanPlain would not read s; ok is Units' ok.
func plainUnits(s string, point byte) (units int64, plain, ok bool) {
	if len(s) == 0 || len(s) > 18 {
		return 0, false, false
	}
	var v uint64
	scale, seenPoint, digit := 0, false, false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			v = v*10 + uint64(c-'0')
			digit = true
			if seenPoint {
				scale++
			}
		case c == point && !seenPoint:
			seenPoint = true
		default:
			return 0, false, false
		}
	}
	if !digit {
		return 0, false, false
	}
	// 18 bytes hold at most 18 digits: Units' digit limit holds.
	if scale > 9 {
		return 0, true, false
	}
	m := uint64(pow10[9-scale])
	if v > (1<<62)/m {
		return 0, true, false
	}
	return int64(v * m), true, true
}

// pow10 are the powers of ten up to 1e9.
var pow10 = [...]int64{1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000, 1000000000}

// Table is a plain table file (the "csv" format in UTF-8, which ReadFile
// reads without transcoding) opened for reading on several goroutines:
// OpenTable reads and maps the header, Next cuts the rest into chunks of
// whole records, and Chunk.Read decodes a chunk's rows on any goroutine.
// Rows, rejects and line numbers are the same as ReadFile's.
type Table struct {
	name    string
	f       io.Reader
	closer  io.Closer
	c       *columns
	comma   rune
	buf     []byte // read and not yet handed out
	line    int    // line number of buf[0]
	eof     bool
	seq     int
	scanned int      // bytes of buf checked for over-long lines
	cur     int      // bytes since the last newline at buf[scanned]
	curLine int      // line number at buf[scanned]
	free    freeList // chunk buffers given back by Release
	done    bool     // the tail chunk has been handed out
}

// chunkBytes is about how much of the file one chunk holds (a variable so
// that tests can cut small files into many chunks).
var chunkBytes = 1 << 20

// OpenTable opens path for parallel reading. ok is false, with the file
// closed, when it is not a plain UTF-8 table or its header cannot be read:
// ReadFile then reads it (and reports what is wrong).
func OpenTable(path string) (t *Table, ok bool, err error) {
	// Only a regular file can be read twice (a pipe, a FIFO or /dev/stdin
	// would lose the bytes read here) and opened without blocking.
	if st, err := os.Stat(path); err != nil || !st.Mode().IsRegular() {
		return nil, false, nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, false, nil
	}
	t, _, ok = OpenTableReader(path, f)
	if !ok {
		f.Close()
		return nil, false, nil
	}
	t.closer = f
	return t, true, nil
}

// OpenTableReader is OpenTable for a stream that can be read only once (an
// upload as it arrives), with rows and errors naming the file name. When ok
// is false, rest gives every byte read from r so far and then the rest of r,
// for Read (which reports what is wrong); when ok is true rest is nil and
// the table reads on from r. Nothing of r is held beyond its header and one
// chunk per reader in flight.
func OpenTableReader(name string, r io.Reader) (t *Table, rest io.Reader, ok bool) {
	rec := &recorder{r: r}
	replay := func() io.Reader { return io.MultiReader(bytes.NewReader(rec.buf), r) }
	head := make([]byte, detectHeadSize)
	n, err := io.ReadFull(rec, head)
	if err != nil && err != io.EOF && err != io.ErrUnexpectedEOF {
		return nil, replay(), false
	}
	head = head[:n]
	if format, err := Detect(head); err != nil || format != FormatTable {
		return nil, replay(), false
	}
	bom := 0
	switch enc, _ := sniffEncoding(head); enc {
	case encUTF8:
	case encUTF8BOM:
		bom = 3
	default:
		return nil, replay(), false
	}
	// The header, read as readTable reads it, from what was recorded and
	// then from r (still recording).
	hr := io.MultiReader(bytes.NewReader(rec.buf[bom:]), rec)
	th, err := readHeader(name, &lineCap{r: hr, max: MaxLineBytes}, nil)
	if err != nil || th.preamble > 0 {
		return nil, replay(), false // a file with a preamble is read by Read
	}
	cr, c := th.cr, th.c
	start := int64(bom) + th.dataStart
	prefix := rec.buf[:start]
	left := bytes.Clone(rec.buf[start:])
	first := 1 + bytes.Count(prefix, []byte{'\n'})
	t = &Table{name: name, f: io.MultiReader(bytes.NewReader(left), r), c: c, comma: cr.Comma, line: first, curLine: first}
	if i := bytes.LastIndexByte(prefix, '\n'); i >= 0 {
		t.cur = len(prefix) - i - 1
	} else {
		t.cur = len(prefix)
	}
	return t, nil, true
}

// recorder passes r through and keeps a copy of what it read.
type recorder struct {
	r   io.Reader
	buf []byte
}

func (c *recorder) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.buf = append(c.buf, p[:n]...)
	return n, err
}

// SetPortfolio names the portfolio of rows that name none (and of a file
// that names none itself), as a caller does for an upload to a portfolio.
func (t *Table) SetPortfolio(p string) {
	if t.c.portfolio == "" {
		t.c.portfolio = p
	}
}

// Columns says what each column of the table was used as.
func (t *Table) Columns() []ColumnUse { return t.c.uses }

// Close closes the file OpenTable opened (a reader given to
// OpenTableReader is the caller's to close).
func (t *Table) Close() error {
	if t.closer != nil {
		return t.closer.Close()
	}
	return nil
}

// NoRows is the error of a table that has a header and no data rows, as
// ReadFile gives it.
func (t *Table) NoRows() error { return noRows(t.c) }

// Chunk is a run of whole records of a Table.
type Chunk struct {
	Seq    int // 0, 1, 2... in file order
	t      *Table
	data   []byte
	stream io.Reader // the tail chunk: the rest of the file, instead of data
	line   int       // line number of data[0]
}

// Size returns the bytes of the chunk (0 for the tail read as a stream).
func (ch *Chunk) Size() int { return len(ch.data) }

// Next returns the next chunk, or nil after the last. It fails as ReadFile
// does on a line longer than MaxLineBytes.
func (t *Table) Next() (*Chunk, error) {
	for {
		if t.done {
			return nil, nil
		}
		if !t.eof && len(t.buf) < chunkBytes {
			if err := t.fill(); err != nil {
				return nil, err
			}
			continue
		}
		if len(t.buf) == 0 || t.done {
			return nil, nil
		}
		end := len(t.buf)
		if !t.eof {
			if end = recordsEnd(t.buf, byte(t.comma)); end == 0 {
				if len(t.buf) >= 4*chunkBytes {
					// A record of megabytes (a quote that never
					// closes): the rest of the file is one last
					// chunk, read as a stream.
					return t.tail(), nil
				}
				// One record longer than a chunk: read on.
				if err := t.fill(); err != nil {
					return nil, err
				}
				continue
			}
		}
		// The chunk is the buffer itself, and the part record after it
		// goes to the front of the next buffer: only that part is
		// copied, not the chunk (a second copy of the whole file).
		ch := &Chunk{Seq: t.seq, t: t, line: t.line, data: t.buf[:end]}
		rest := t.buf[end:]
		next := t.free.get()
		if cap(next) < len(rest)+chunkBytes {
			// A buffer holds a fill of chunkBytes and the part record
			// left from the chunk before: with room for that part,
			// a buffer given back serves the chunks after it.
			next = make([]byte, 0, max(len(rest)+chunkBytes, chunkBytes+chunkBytes/16))
		}
		t.buf = append(next[:0], rest...)
		t.seq++
		t.line += bytes.Count(ch.data, []byte{'\n'})
		t.scanned -= end
		return ch, nil
	}
}

// tail returns the rest of the file as the last chunk: what is buffered,
// then the file itself through lineCap, for encoding/csv to read as a
// stream. Next returns nil after it.
func (t *Table) tail() *Chunk {
	ch := &Chunk{Seq: t.seq, t: t, line: t.line}
	t.seq++
	// lineCap counts lines from the chunk's start, as tableLoop's other
	// line numbers do, and carries on from the last buffered byte.
	lc := &lineCap{r: t.f, max: MaxLineBytes, cur: t.cur, line: t.curLine - t.line + 1}
	ch.stream = io.MultiReader(bytes.NewReader(t.buf), lc)
	t.buf, t.eof, t.done = nil, true, true
	return ch
}

// fill reads up to chunkBytes more and checks the new bytes' line lengths
// (lineCap's rule).
func (t *Table) fill() error {
	n0 := len(t.buf)
	if cap(t.buf)-n0 < chunkBytes {
		nb := make([]byte, n0, n0+2*chunkBytes)
		copy(nb, t.buf)
		t.buf = nb
	}
	n, err := io.ReadFull(t.f, t.buf[n0:n0+chunkBytes])
	t.buf = t.buf[:n0+n]
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		t.eof = true
	} else if err != nil {
		return &screener.ParseError{File: t.name, Reason: "read: " + err.Error(), Err: err}
	}
	if b := t.buf[t.scanned:]; len(b) <= MaxLineBytes {
		// The lines that start and end in b are shorter than b: only
		// the first, which goes on from the bytes before, and the last,
		// which goes on after, are measured.
		i := bytes.IndexByte(b, '\n')
		if i < 0 {
			i = len(b)
		}
		if t.cur+i > MaxLineBytes {
			e := &lineTooLong{line: t.curLine, max: MaxLineBytes}
			return &screener.ParseError{File: t.name, Line: e.line, Reason: e.Error(), Err: e}
		}
		if i == len(b) {
			t.cur += i
		} else {
			t.curLine += bytes.Count(b, []byte{'\n'})
			t.cur = len(b) - bytes.LastIndexByte(b, '\n') - 1
		}
		t.scanned = len(t.buf)
		return nil
	}
	for b := t.buf[t.scanned:]; len(b) > 0; {
		i := bytes.IndexByte(b, '\n')
		seg := len(b)
		if i >= 0 {
			seg = i
		}
		if t.cur+seg > MaxLineBytes {
			e := &lineTooLong{line: t.curLine, max: MaxLineBytes}
			return &screener.ParseError{File: t.name, Line: e.line, Reason: e.Error(), Err: e}
		}
		if i < 0 {
			t.cur += seg
			break
		}
		t.cur = 0
		t.curLine++
		b = b[i+1:]
	}
	t.scanned = len(t.buf)
	return nil
}

// Read decodes the chunk's rows into s, as ReadFile's table reader does,
// and returns how many data rows it saw. It may run on any goroutine.
func (ch *Chunk) Read(s Sink) (int, error) {
	var cr records
	if ch.stream != nil {
		cr = newCSV(bufio.NewReaderSize(ch.stream, 64<<10), ch.t.comma)
	} else if bytes.IndexByte(ch.data, '"') < 0 {
		cr = &lineSplitter{data: ch.data, comma: byte(ch.t.comma)}
	} else {
		cr = newCSV(bytes.NewReader(ch.data), ch.t.comma)
	}
	return tableLoop(cr, ch.t.c, s, nil, ch.line-1)
}

// lineSplitter reads records from text with no quote character, where
// encoding/csv's rules come down to: a record is a line (CRLF or LF), its
// fields are split at every separator, and empty lines are skipped.
//
// The cells it returns point into the chunk's buffer (no copy): they are
// read in place while a RawSink looks at the row, and a row that is
// decoded is copied first (own), since its Holding keeps its cells. Most
// rows of a large file repeat a security seen before and are never copied.
type lineSplitter struct {
	data   []byte
	comma  byte
	line   int // lines consumed
	recLn  int // line of the last record
	cur    []byte
	fields []string
}

func (l *lineSplitter) Read() ([]string, error) {
	b, ok := l.next()
	if !ok {
		return nil, io.EOF
	}
	l.cur = b
	l.fields = split(l.fields[:0], unsafe.String(unsafe.SliceData(b), len(b)), l.comma)
	return l.fields, nil
}

// next returns the next line that is not empty (without its line end),
// its number in recLn.
func (l *lineSplitter) next() ([]byte, bool) {
	for len(l.data) > 0 {
		b := l.data
		if i := bytes.IndexByte(b, '\n'); i >= 0 {
			b, l.data = b[:i], l.data[i+1:]
		} else {
			l.data = nil
		}
		l.line++
		if n := len(b); n > 0 && b[n-1] == '\r' {
			b = b[:n-1]
		}
		if len(b) == 0 {
			continue
		}
		l.recLn = l.line
		return b, true
	}
	return nil, false
}

// split appends the cells of rec to dst. It reads rec eight bytes at a
// time and finds the separators of a word at once: cells are short (a
// row of a holdings file is a dozen cells in a hundred bytes), and a
// search per cell spent more on starting than on searching.
func split(dst []string, rec string, comma byte) []string {
	b := unsafe.Slice(unsafe.StringData(rec), len(rec))
	pat := swarOnes * uint64(comma)
	start, i := 0, 0
	for ; i+8 <= len(b); i += 8 {
		for m := swarZeros(binary.LittleEndian.Uint64(b[i:]) ^ pat); m != 0; m &= m - 1 {
			j := i + bits.TrailingZeros64(m)>>3
			dst = append(dst, rec[start:j])
			start = j + 1
		}
	}
	if i < len(b) && len(b) >= 8 {
		// The last bytes: the word that ends rec, less those done.
		off := len(b) - 8
		m := swarZeros(binary.LittleEndian.Uint64(b[off:])^pat) &^ (1<<(8*(i-off)) - 1)
		for ; m != 0; m &= m - 1 {
			j := off + bits.TrailingZeros64(m)>>3
			dst = append(dst, rec[start:j])
			start = j + 1
		}
		return append(dst, rec[start:])
	}
	for ; i < len(b); i++ {
		if b[i] == comma {
			dst = append(dst, rec[start:i])
			start = i + 1
		}
	}
	return append(dst, rec[start:])
}

const (
	swarOnes = 0x0101010101010101
	swarLow7 = 0x7F7F7F7F7F7F7F7F
)

// swarZeros returns the top bit of each byte of x that is zero, exactly:
// adding 0x7F to a byte's low seven bits carries into its top bit unless
// they are all zero, and never into the next byte.
func swarZeros(x uint64) uint64 {
	return ^((x&swarLow7 + swarLow7) | x | swarLow7)
}

// own returns the last record read with cells of its own, which outlive
// the chunk's buffer.
func (l *lineSplitter) own() []string {
	l.fields = split(l.fields[:0], string(l.cur), l.comma)
	return l.fields
}

// FieldPos returns the line of the last record (the column is not kept).
func (l *lineSplitter) FieldPos(int) (int, int) { return l.recLn, 1 }

// PrefetchSink is a RawSink that is shown the rows of a batch before it
// gets them one at a time: the memory its look-ups of those rows will
// read is far apart (a memo of row identities tens of megabytes wide), and
// loads started together wait for memory together instead of one after
// another.
type PrefetchSink interface {
	RawSink
	Prefetch(rows []Row)
}

// batchRows is how many rows a PrefetchSink is shown at a time.
const batchRows = 32

// batchLoop is tableLoop for a lineSplitter and a PrefetchSink: rows are
// read batchRows at a time, the well-formed ones shown to Prefetch, then
// each handled as tableLoop handles it, in order.
func batchLoop(l *lineSplitter, c *columns, s PrefetchSink, lineOff int) (int, error) {
	h := new(screener.Holding)
	rows := 0
	width := len(c.header)
	var (
		lines  [batchRows][]byte
		nums   [batchRows]int
		recs   [batchRows][]string
		cells  = make([]string, 0, batchRows*(width+1))
		fitted []Row
	)
	for {
		n := 0
		cells = cells[:0]
		fitted = fitted[:0]
		for n < batchRows {
			b, ok := l.next()
			if !ok {
				break
			}
			start := len(cells)
			cells = split(cells, unsafe.String(unsafe.SliceData(b), len(b)), l.comma)
			rec := cells[start:len(cells):len(cells)]
			if allBlank(rec) {
				cells = cells[:start]
				continue
			}
			lines[n], nums[n], recs[n] = b, l.recLn+lineOff, rec
			if len(rec) == width || extraBlank(rec, width) {
				fitted = append(fitted, Row{c: c, rec: rec, line: nums[n]})
			}
			n++
		}
		if n == 0 {
			return rows, nil
		}
		s.Prefetch(fitted)
		for i := range n {
			rows++
			l.cur = lines[i] // for own, which copies it into l.fields (unused here)
			if err := c.record(s, s, h, recs[i], nums[i], l.own); err != nil {
				return rows, err
			}
		}
	}
}

// Release gives the chunk's buffer back for a later chunk. The rows kept
// from it do not point into it (encoding/csv copies each record; a row the
// line splitter lent is copied before it is decoded), so it may be called
// as soon as Read returns.
func (ch *Chunk) Release() {
	if ch.data != nil {
		if PoisonReleased {
			b := ch.data[:cap(ch.data)]
			for i := range b {
				b[i] = 0xFF
			}
		}
		ch.t.free.put(ch.data)
		ch.data = nil
	}
}

// PoisonReleased, set by tests, fills a chunk's buffer with 0xFF bytes
// when the chunk is released: a cell that a row, a finding or a memo kept
// from the chunk without a copy then reads as garbage, and the report
// differs from the one-row path's.
var PoisonReleased bool

// freeList keeps the chunk buffers of a table for reuse. A sync.Pool is
// emptied by every garbage collection, dozens in a large file, and each
// time the next chunks allocated their megabyte again; a table never has
// more buffers than chunks in flight, and they are all kept.
type freeList struct {
	mu   sync.Mutex
	bufs [][]byte
}

func (f *freeList) get() []byte {
	f.mu.Lock()
	defer f.mu.Unlock()
	if n := len(f.bufs); n > 0 {
		b := f.bufs[n-1]
		f.bufs = f.bufs[:n-1]
		return b
	}
	return nil
}

func (f *freeList) put(b []byte) {
	f.mu.Lock()
	f.bufs = append(f.bufs, b[:0])
	f.mu.Unlock()
}

// recordsEnd returns the length of the longest prefix of data (which starts
// at a record) that holds only whole records, as encoding/csv splits them:
// a newline ends a record unless it is inside a quoted cell; a bad quote
// ends its record at the end of that line. 0 means no record ends in data.
func recordsEnd(data []byte, comma byte) int {
	if bytes.IndexByte(data, '"') < 0 {
		return bytes.LastIndexByte(data, '\n') + 1
	}
	last := 0
	i := 0
	// toLineEnd ends the record at the next newline (encoding/csv drops the
	// rest of a line after a quote error).
	toLineEnd := func() bool {
		j := bytes.IndexByte(data[i:], '\n')
		if j < 0 {
			return false
		}
		i += j + 1
		last = i
		return true
	}
	for i < len(data) {
		// At the start of a field.
		if data[i] == '"' {
			i++
			for {
				j := bytes.IndexByte(data[i:], '"')
				if j < 0 {
					return last
				}
				i += j + 1
				if i < len(data) && data[i] == '"' {
					i++ // "" inside quotes
					continue
				}
				break
			}
			if i >= len(data) {
				return last
			}
			switch {
			case data[i] == comma:
				i++
			case data[i] == '\n':
				i++
				last = i
			case data[i] == '\r' && i+1 < len(data) && data[i+1] == '\n':
				i += 2
				last = i
			default:
				if !toLineEnd() {
					return last
				}
			}
			continue
		}
		// An unquoted field runs to the next separator or newline; a quote
		// inside it is an error that ends the record at the line's end.
		j := indexAny3(data[i:], comma, '\n', '"')
		if j < 0 {
			return last
		}
		i += j
		switch data[i] {
		case '"':
			if !toLineEnd() {
				return last
			}
		case '\n':
			i++
			last = i
		default:
			i++
		}
	}
	return last
}

// indexAny3 is the index of the first of a, b or c in s, or -1.
func indexAny3(s []byte, a, b, c byte) int {
	for i, x := range s {
		if x == a || x == b || x == c {
			return i
		}
	}
	return -1
}
