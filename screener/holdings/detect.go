package holdings

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"os"
	"strings"
	"unicode/utf8"

	"github.com/screener/screener/screener"
	xencoding "golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/traditionalchinese"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

// Format names returned by Detect and set in Info.Format.
const (
	FormatXLSX     = "xlsx"
	FormatXLS      = "xls"
	FormatIBKRXML  = "ibkr-flex-xml"
	Format13F      = "sec-13f"
	FormatNPORT    = "sec-nport"
	FormatGeneva   = "geneva"
	FormatIBKRCSV  = "ibkr-csv"
	FormatDEGIRO   = "degiro"
	FormatIShares  = "ishares"
	FormatTable    = "csv"
	detectHeadSize = 64 << 10
)

// lookedFor is said by every detection error.
const detectLookedFor = "looked for XLSX (PK zip), XLS (D0 CF 11 E0), XML (IBKR Flex, SEC 13F, N-PORT), " +
	"an Advent Geneva report (ReportMode header), an IBKR Flex CSV (ClientAccountID header), " +
	"a DEGIRO export (Product,Symbol/ISIN header), an iShares export, or a CSV/TSV/semicolon table with a header"

// ReadFile opens the holdings file at path, detects its format by content
// and reads it into s. Rows and errors name the file by path.
func ReadFile(path string, s Sink) (Info, error) {
	return ReadFileWith(path, s, Options{})
}

// Options change how a file is read; the zero value is the default.
type Options struct {
	// IgnoreColumns are headers of columns to leave out even though their
	// values look like identifiers (screen --ignore-column).
	IgnoreColumns []string
	// MaxBytes bounds the work a spreadsheet may cost (its uncompressed
	// size and cell count are derived from it); 0 means DefaultMaxBytes.
	MaxBytes int64
}

// ReadFileWith is ReadFile with options.
func ReadFileWith(path string, s Sink, opt Options) (Info, error) {
	f, err := os.Open(path)
	if err != nil {
		return Info{}, &screener.ParseError{File: path, Reason: "cannot open: " + err.Error(), Err: err}
	}
	defer f.Close()
	return ReadWith(path, f, s, opt)
}

// Read detects the format of r by its content (never by name) and reads
// every row into s, as a holding or a rejected row. name is used in rows and
// errors. A file that cannot be read at all gives a *screener.ParseError; an
// error returned by s stops the read and is returned as is. Info counts the
// rows: Rows = Holdings + Rejected.
func Read(name string, r io.Reader, s Sink) (Info, error) {
	return ReadWith(name, r, s, Options{})
}

// ReadWith is Read with options.
func ReadWith(name string, r io.Reader, s Sink, opt Options) (Info, error) {
	br := bufio.NewReaderSize(r, detectHeadSize)
	head, err := br.Peek(detectHeadSize)
	if err != nil && err != io.EOF && !errors.Is(err, bufio.ErrBufferFull) {
		return Info{}, &screener.ParseError{File: name, Reason: "read: " + err.Error(), Err: err}
	}
	format, err := Detect(head)
	if err != nil {
		return Info{}, &screener.ParseError{File: name, Reason: err.Error(), Err: err}
	}
	info := Info{Format: format, ignore: opt.IgnoreColumns, maxBytes: opt.MaxBytes}
	cs := &countSink{s: s}
	switch format {
	case FormatXLSX:
		err = readXLSX(name, br, cs, &info)
	case FormatXLS:
		err = readXLS(name, br, cs, &info)
	case FormatIBKRXML:
		err = readIBKRXML(name, br, cs, &info)
	case Format13F:
		err = read13F(name, br, cs, &info)
	case FormatNPORT:
		err = readNPORT(name, br, cs, &info)
	default:
		// Every text format: a line over MaxLineBytes stops the read
		// (a 50 MB line would otherwise take gigabytes to decode).
		tr := io.Reader(&lineCap{r: textReader(br, head), max: MaxLineBytes})
		switch format {
		case FormatGeneva:
			err = readGeneva(name, tr, cs, &info)
		case FormatIBKRCSV:
			err = readIBKRCSV(name, tr, cs, &info)
		case FormatDEGIRO:
			err = readDEGIRO(name, tr, cs, &info)
		case FormatIShares:
			err = readIShares(name, tr, cs, &info)
		default:
			err = readTable(name, tr, cs, &info)
		}
	}
	info.Holdings, info.Rejected = cs.holdings, cs.rejected
	info.Rows = cs.holdings + cs.rejected
	if err != nil {
		var pe *screener.ParseError
		var tooLong *lineTooLong
		if errors.As(err, &tooLong) && !errors.As(err, &pe) {
			return info, &screener.ParseError{File: name, Line: tooLong.line, Reason: tooLong.Error(), Err: err}
		}
		if cs.err != nil && errors.Is(err, cs.err) || errors.As(err, &pe) {
			return info, err
		}
		return info, &screener.ParseError{File: name, Reason: err.Error(), Err: err}
	}
	return info, nil
}

// countSink counts what a reader sends, so Info's counts do not depend on
// each reader keeping them, and remembers the sink's own error.
type countSink struct {
	s                  Sink
	holdings, rejected int
	err                error
}

func (c *countSink) Holding(h *screener.Holding) error {
	c.holdings++
	if err := c.s.Holding(h); err != nil {
		c.err = err
		return err
	}
	return nil
}

func (c *countSink) Reject(e *screener.ParseError) error {
	c.rejected++
	if err := c.s.Reject(e); err != nil {
		c.err = err
		return err
	}
	return nil
}

// encoding of a text file, from its first bytes.
type encoding int

const (
	encUTF8 encoding = iota
	encUTF8BOM
	encUTF16LE // with or without BOM
	encUTF16BE
	encWindows1252 // not valid UTF-8 but text: Latin-1/Windows-1252
	encGB18030     // Chinese, simplified: GBK/GB2312/GB18030
	encBig5        // Chinese, traditional
)

// sniffEncoding reads the BOM, or guesses UTF-16 without BOM from NUL bytes
// (ASCII text in UTF-16 has a NUL in every other byte), or falls back to
// Windows-1252 for text that is not valid UTF-8.
func sniffEncoding(head []byte) (encoding, bool) {
	switch {
	case bytes.HasPrefix(head, []byte{0xEF, 0xBB, 0xBF}):
		return encUTF8BOM, true
	case bytes.HasPrefix(head, []byte{0xFF, 0xFE}):
		return encUTF16LE, true
	case bytes.HasPrefix(head, []byte{0xFE, 0xFF}):
		return encUTF16BE, true
	}
	n := len(head)
	if n > 4096 {
		n = 4096
	}
	var even, odd int
	for i := 0; i < n; i++ {
		if head[i] == 0 {
			if i%2 == 0 {
				even++
			} else {
				odd++
			}
		}
	}
	if n >= 4 && odd > n/4 && even == 0 {
		return encUTF16LE, false
	}
	if n >= 4 && even > n/4 && odd == 0 {
		return encUTF16BE, false
	}
	if !utf8.Valid(trimPartialRune(head)) {
		return sniffLegacy(head[:n]), false
	}
	return encUTF8, false
}

// commonHan are characters frequent in Chinese company and security names,
// simplified and traditional; a legacy-encoded head that decodes to many of
// them is Chinese text in that encoding.
const commonHan = "中国國股份有限公司银銀行集团團电電业業发發展科技华華东東南西北新能源证證券投资資控金融保险險地产產建设設工程医醫药藥汽车車航空天信息网網络絡通讯訊交易所代码碼名称稱简簡英文成分上海深圳香港市场場值日期数數量价價格权權重一人民币幣元"

// sniffLegacy tells GBK/GB18030 and Big5 from Windows-1252 for text that
// is not UTF-8: the encoding whose decoding of head holds the most common
// Chinese characters, if they are a good part of what it decodes to.
func sniffLegacy(head []byte) encoding {
	best, bestScore := encWindows1252, 0
	for _, c := range []struct {
		enc encoding
		dec *xencoding.Decoder
	}{{encGB18030, simplifiedchinese.GB18030.NewDecoder()}, {encBig5, traditionalchinese.Big5.NewDecoder()}} {
		out, _, err := transform.Bytes(c.dec, trimPartialDBCS(head))
		if err != nil {
			continue
		}
		han, common, bad := 0, 0, 0
		for _, r := range string(out) {
			switch {
			case r == utf8.RuneError:
				bad++
			case r >= 0x3400 && r <= 0x9FFF:
				han++
				if strings.ContainsRune(commonHan, r) {
					common++
				}
			}
		}
		if bad == 0 && han > 0 && common*5 >= han && common > bestScore {
			best, bestScore = c.enc, common
		}
	}
	return best
}

// trimPartialDBCS drops a trailing lead byte of a double-byte character
// cut off at the end of the head.
func trimPartialDBCS(b []byte) []byte {
	i := len(b)
	for i > 0 && b[i-1] >= 0x80 {
		i--
	}
	if (len(b)-i)%2 == 1 {
		return b[:len(b)-1]
	}
	return b
}

// trimPartialRune drops a UTF-8 sequence cut off at the end of head.
func trimPartialRune(b []byte) []byte {
	for i := 1; i <= 3 && i <= len(b); i++ {
		c := b[len(b)-i]
		if c < 0x80 {
			return b
		}
		if c >= 0xC0 { // start byte
			if !utf8.FullRune(b[len(b)-i:]) {
				return b[:len(b)-i]
			}
			return b
		}
	}
	return b
}

// decodeHead returns head as UTF-8 text without BOM, for detection.
func decodeHead(head []byte) []byte {
	enc, _ := sniffEncoding(head)
	switch enc {
	case encUTF8BOM:
		return head[3:]
	case encUTF16LE, encUTF16BE:
		e := unicode.LittleEndian
		if enc == encUTF16BE {
			e = unicode.BigEndian
		}
		h := head[:len(head)&^1]
		out, _, _ := transform.Bytes(unicode.UTF16(e, unicode.ExpectBOM).NewDecoder(), h)
		if bytes.HasPrefix(h, []byte{0xFF, 0xFE}) || bytes.HasPrefix(h, []byte{0xFE, 0xFF}) {
			return out
		}
		out, _, _ = transform.Bytes(unicode.UTF16(e, unicode.IgnoreBOM).NewDecoder(), h)
		return out
	case encWindows1252:
		out, _, _ := transform.Bytes(charmap.Windows1252.NewDecoder(), head)
		return out
	case encGB18030:
		out, _, _ := transform.Bytes(simplifiedchinese.GB18030.NewDecoder(), trimPartialDBCS(head))
		return out
	case encBig5:
		out, _, _ := transform.Bytes(traditionalchinese.Big5.NewDecoder(), trimPartialDBCS(head))
		return out
	}
	return head
}

// textReader returns br decoded to UTF-8 without BOM. Plain UTF-8 is
// passed through untouched (the hot path); UTF-16 and Windows-1252 go
// through golang.org/x/text.
func textReader(br *bufio.Reader, head []byte) io.Reader {
	enc, bom := sniffEncoding(head)
	policy := unicode.IgnoreBOM
	if bom {
		policy = unicode.ExpectBOM
	}
	switch enc {
	case encUTF8BOM:
		_, _ = br.Discard(3)
		return br
	case encUTF16LE:
		return transform.NewReader(br, unicode.UTF16(unicode.LittleEndian, policy).NewDecoder())
	case encUTF16BE:
		return transform.NewReader(br, unicode.UTF16(unicode.BigEndian, policy).NewDecoder())
	case encWindows1252:
		return transform.NewReader(br, charmap.Windows1252.NewDecoder())
	case encGB18030:
		return transform.NewReader(br, simplifiedchinese.GB18030.NewDecoder())
	case encBig5:
		return transform.NewReader(br, traditionalchinese.Big5.NewDecoder())
	}
	return br
}

// Detect names the format of a holdings file from its first bytes (up to
// 64 KiB): "xlsx", "xls", "ibkr-flex-xml", "sec-13f", "sec-nport",
// "geneva", "ibkr-csv", "degiro", "ishares" or "csv" (a generic table). It
// reads BOMs (UTF-8, UTF-16 LE/BE) and guesses BOM-less UTF-16 from NUL
// bytes. An empty file, binary data, or XML of another kind is an error
// saying what it looked for.
func Detect(head []byte) (string, error) {
	if len(head) == 0 {
		return "", errors.New("the file is empty; " + detectLookedFor)
	}
	switch {
	case bytes.HasPrefix(head, []byte("PK\x03\x04")):
		return FormatXLSX, nil
	case bytes.HasPrefix(head, []byte{0xD0, 0xCF, 0x11, 0xE0}):
		return FormatXLS, nil
	}
	text := decodeHead(head)
	trimmed := bytes.TrimLeft(text, " \t\r\n\ufeff")
	trimmed = bytes.TrimPrefix(trimmed, []byte("\ufeff"))
	if len(trimmed) == 0 {
		return "", errors.New("the file has only blank lines; " + detectLookedFor)
	}
	if trimmed[0] == '<' {
		if k := xmlKind(trimmed); k != "" {
			return k, nil
		}
		return "", errors.New("XML or SGML of a kind this reader does not know: looked for an IBKR Flex statement, a SEC 13F information table or submission, or a SEC N-PORT filing")
	}
	if isBinary(trimmed) {
		return "", errors.New("binary data, not a text table; " + detectLookedFor)
	}
	lines := firstLines(trimmed, 12)
	first := lines[0]
	switch {
	case strings.HasPrefix(first, "ReportMode\t") || strings.HasPrefix(first, "\"ReportMode\"\t"):
		return FormatGeneva, nil
	case strings.Contains(first, "ClientAccountID"):
		return FormatIBKRCSV, nil
	case strings.HasPrefix(first, "Product,Symbol/ISIN") || strings.HasPrefix(first, "\"Product\",\"Symbol/ISIN\""):
		return FormatDEGIRO, nil
	}
	for i, l := range lines {
		cells := strings.SplitN(l, ",", 2)
		n := normalise(cells[0])
		if strings.HasSuffix(n, "holdingsasof") && i < 4 {
			return FormatIShares, nil
		}
		if n == "ticker" && strings.Contains(l, "Name") &&
			(strings.Contains(l, "Market Currency") || strings.Contains(l, "Weight (%)")) {
			return FormatIShares, nil
		}
	}
	return FormatTable, nil
}

// isBinary reports whether text has NUL bytes or many control characters.
func isBinary(text []byte) bool {
	n := len(text)
	if n > 8192 {
		n = 8192
	}
	ctrl := 0
	for _, b := range text[:n] {
		if b == 0 {
			return true
		}
		if b < 0x20 && b != '\t' && b != '\r' && b != '\n' && b != '\f' || b == 0x7f {
			ctrl++
		}
	}
	return ctrl*100 > n // more than 1%
}

// firstLines returns up to n non-blank lines of text (at least one).
func firstLines(text []byte, n int) []string {
	var out []string
	for len(text) > 0 && len(out) < n {
		line := text
		if i := bytes.IndexByte(text, '\n'); i >= 0 {
			line, text = text[:i], text[i+1:]
		} else {
			text = nil
		}
		l := strings.TrimRight(string(line), "\r")
		if strings.TrimSpace(l) == "" {
			continue
		}
		out = append(out, strings.TrimPrefix(l, "\ufeff"))
	}
	if len(out) == 0 {
		out = []string{""}
	}
	return out
}
