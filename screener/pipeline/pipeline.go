// Package pipeline is the one screening run of the CLI, the web upload and
// POST /api/v1/screen: read → resolve → screen → report, streaming, with a
// bounded number of positions in flight and resolution memoised per
// distinct security.
//
// A plain UTF-8 table (a file or a stream, such as an upload as it arrives)
// is cut into chunks of whole records that every core decodes and matches;
// rows whose identity cells were seen before are counted or copied from the
// first such row's finding without being matched again. Every other format
// is read on one goroutine and matched on another. Both give the same
// report, to the byte, as matching one row at a time (Config.Serial, kept
// as the reference the tests hold the fast path to).
package pipeline

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"io"
	"os"
	"sync/atomic"
	"time"

	"github.com/screener/screener/screener"
	"github.com/screener/screener/screener/holdings"
)

// Config is what a run screens against and how.
type Config struct {
	Matcher *screener.Matcher
	Lists   []*screener.List // named in the report
	At      time.Time
	Options screener.Options
	// Portfolio names the portfolio of rows (and files) that name none;
	// "" leaves them as the file says.
	Portfolio string
	// Progress, when set, is called from time to time with the rows done
	// so far (on the goroutine that runs the file), and once with Done set.
	Progress func(Progress)
	// Serial matches one row at a time on one goroutine: the reference the
	// parallel path is tested against.
	Serial bool
	// Read are the holdings readers' options (--ignore-column, a size
	// limit for spreadsheets).
	Read holdings.Options
}

// Progress is how far a run has come.
type Progress struct {
	File  string
	Rows  int   // rows of this run read and screened so far (all files)
	Bytes int64 // bytes of File screened so far, when known (plain tables)
	Size  int64 // File's size, when known (0 otherwise)
	Done  bool
}

// Run is one screening run over one or more files, into one report.
type Run struct {
	cfg   Config
	b     *screener.ReportBuilder
	rows  int          // rows of files finished
	cur   atomic.Int64 // rows of the run so far, for Rows
	files []string
	// layout of the file being read, for the report (set by the reader,
	// taken by endFile).
	cols    []screener.FileColumn
	skipped map[string]int
}

// New starts a run.
func New(cfg Config) *Run {
	return &Run{cfg: cfg, b: screener.NewReportBuilder(cfg.Lists, cfg.At, cfg.Options)}
}

// Stream sends findings and rejected rows to sink as they come, instead of
// keeping them in the report (see screener.ReportBuilder.Stream). The
// caller closes sink with Report's result.
func (r *Run) Stream(sink screener.ReportSink) { r.b.Stream(sink) }

// Rows returns the rows screened so far; it may be called from any
// goroutine while the run goes on.
func (r *Run) Rows() int { return int(r.cur.Load()) }

// File screens the holdings file at path (rows name it by path).
func (r *Run) File(ctx context.Context, path string) error {
	if !r.cfg.Serial {
		t, ok, err := holdings.OpenTable(path)
		if err != nil {
			return err
		}
		if ok {
			defer t.Close()
			var size int64
			if st, err := os.Stat(path); err == nil {
				size = st.Size()
			}
			return r.table(ctx, t, path, size)
		}
	}
	return r.rows1(ctx, path, func(s holdings.Sink) error {
		info, err := holdings.ReadFileWith(path, s, r.cfg.Read)
		r.cols, r.skipped = info.Columns, info.Skipped
		return err
	})
}

// Reader screens a holdings file read once from rd as it arrives (an
// upload); rows name it name. Of a plain table nothing is held beyond the
// chunks in flight; other formats are read as holdings.Read reads them.
func (r *Run) Reader(ctx context.Context, name string, rd io.Reader) error {
	if !r.cfg.Serial {
		t, rest, ok := holdings.OpenTableReader(name, rd)
		if ok {
			return r.table(ctx, t, name, 0)
		}
		rd = rest
	}
	return r.rows1(ctx, name, func(s holdings.Sink) error {
		info, err := holdings.ReadWith(name, rd, s, r.cfg.Read)
		r.cols, r.skipped = info.Columns, info.Skipped
		return err
	})
}

// Sink returns a sink that screens holdings made by the caller (positions
// sent as JSON) into the run, one at a time; call Close with the name
// they go under when done.
func (r *Run) Sink(ctx context.Context, file string) *Sink {
	return &Sink{s: r.rowSink(ctx, file), r: r, file: file}
}

// Sink screens holdings given one at a time.
type Sink struct {
	s    *rowSink
	r    *Run
	file string
}

// Holding screens one holding.
func (s *Sink) Holding(h *screener.Holding) error { return s.s.Holding(h) }

// Reject counts one row the caller could not use.
func (s *Sink) Reject(e *screener.ParseError) error { return s.s.Reject(e) }

// Close ends the holdings of the sink's file.
func (s *Sink) Close() error { return s.r.endFile(s.file, s.s.n) }

// rows1 screens one file that read decodes row by row: on another
// goroutine (pipelined), or on this one when the run is serial.
func (r *Run) rows1(ctx context.Context, name string, read func(holdings.Sink) error) error {
	s := r.rowSink(ctx, name)
	var err error
	if r.cfg.Serial {
		err = read(s)
	} else {
		err = pipelined(read, s)
	}
	if err != nil {
		return err
	}
	return r.endFile(name, s.n)
}

func (r *Run) endFile(name string, n int) error {
	if err := r.b.Err(); err != nil {
		return fmt.Errorf("write report: %w", err)
	}
	r.b.AddFile(name)
	r.b.AddFileLayout(name, r.cols, r.skipped)
	r.cols, r.skipped = nil, nil
	r.rows += n
	r.cur.Store(int64(r.rows))
	return nil
}

// Report finishes the run and returns its report (with no findings or
// rejected rows when they were streamed).
func (r *Run) Report() *screener.Report {
	if r.cfg.Progress != nil {
		r.cfg.Progress(Progress{Rows: r.rows, Done: true})
	}
	return r.b.Report()
}

// progress reports n rows (and bytes of size, when known) done in the
// current file.
func (r *Run) progress(file string, n int, bytes, size int64) {
	r.cur.Store(int64(r.rows + n))
	if r.cfg.Progress != nil {
		r.cfg.Progress(Progress{File: file, Rows: r.rows + n, Bytes: bytes, Size: size})
	}
}

func (r *Run) rowSink(ctx context.Context, file string) *rowSink {
	return &rowSink{ctx: ctx, r: r, file: file}
}

// rowSink matches one row at a time into the run's report.
type rowSink struct {
	ctx  context.Context
	r    *Run
	file string
	n    int
}

func (s *rowSink) Holding(h *screener.Holding) error {
	s.n++
	if s.n%16384 == 0 {
		if err := s.ctx.Err(); err != nil {
			return err
		}
		s.r.progress(s.file, s.n, 0, 0)
	}
	if h.Portfolio == "" {
		h.Portfolio = s.r.cfg.Portfolio
	}
	s.r.b.Add(s.r.cfg.Matcher.Match(h, s.r.cfg.At, s.r.cfg.Options))
	return nil
}

func (s *rowSink) Reject(e *screener.ParseError) error {
	s.n++
	s.r.b.Reject(*e)
	return nil
}

// table screens a plain table on every core.
func (r *Run) table(ctx context.Context, t *holdings.Table, name string, size int64) error {
	if r.cfg.Portfolio != "" {
		t.SetPortfolio(r.cfg.Portfolio)
	}
	prog := func(n int, bytes int64) { r.progress(name, n, bytes, size) }
	n, err := screenTable(ctx, t, r.cfg.Matcher, r.b, r.cfg.At, r.cfg.Options, prog)
	if err != nil {
		return err
	}
	r.cols = t.Columns()
	return r.endFile(name, n)
}

// DigestFile returns the size and SHA-256 (hex) of the file at path, by
// which a saved run names what it screened.
func DigestFile(path string) (size int64, sha string, err error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, "", err
	}
	defer f.Close()
	d := NewDigest()
	if _, err := io.Copy(d, f); err != nil {
		return 0, "", fmt.Errorf("digest %s: %w", path, err)
	}
	return d.Size(), d.SHA256(), nil
}

// Digest counts and hashes the bytes written to it (an upload as it is
// screened, through io.TeeReader).
type Digest struct {
	h hash.Hash
	n int64
}

// NewDigest returns an empty digest.
func NewDigest() *Digest { return &Digest{h: sha256.New()} }

func (d *Digest) Write(p []byte) (int, error) {
	d.n += int64(len(p))
	return d.h.Write(p)
}

// Size returns the bytes written.
func (d *Digest) Size() int64 { return d.n }

// SHA256 returns the hex SHA-256 of the bytes written.
func (d *Digest) SHA256() string { return hex.EncodeToString(d.h.Sum(nil)) }
