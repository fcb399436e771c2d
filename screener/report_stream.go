package screener

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"

	"github.com/gocarina/gocsv"
)

// ReportSink receives a report's findings and rejected rows as they are
// made, so that a report over millions of rows is written without holding
// them: only totals stay in memory. Close writes what comes last (summary,
// totals) and must be called once, with the finished report.
type ReportSink interface {
	Finding(f *Finding) error
	Rejected(e *ParseError) error
	Close(r *Report) error
}

// spill keeps rejected rows in a temporary file until Close, since both
// output formats list them after the findings.
type spill struct {
	f   *os.File
	w   *bufio.Writer
	buf []byte
	n   int
}

func (s *spill) add(e *ParseError) error {
	if s.f == nil {
		f, err := os.CreateTemp("", "screener-rejected-*.jsonl")
		if err != nil {
			return err
		}
		s.f, s.w = f, bufio.NewWriterSize(f, 64<<10)
	}
	s.n++
	s.buf = append(e.AppendJSON(s.buf[:0]), '\n')
	_, err := s.w.Write(s.buf)
	return err
}

// each calls fn for every spilled row, in order, then removes the file.
func (s *spill) each(fn func(e *ParseError) error) error {
	return s.eachLine(func(line []byte) error {
		var e ParseError
		if err := json.Unmarshal(line, &e); err != nil {
			return fmt.Errorf("read back rejected rows: %w", err)
		}
		return fn(&e)
	})
}

// eachLine calls fn with the JSON of every spilled row (json.Marshal's
// bytes: one line each, since JSON strings escape their newlines), in
// order, then removes the file. The line is fn's only for the call.
func (s *spill) eachLine(fn func(line []byte) error) error {
	if s.f == nil {
		return nil
	}
	defer func() {
		s.f.Close()
		os.Remove(s.f.Name())
		s.f, s.n = nil, 0
	}()
	if err := s.w.Flush(); err != nil {
		return err
	}
	if _, err := s.f.Seek(0, io.SeekStart); err != nil {
		return err
	}
	r := bufio.NewReaderSize(s.f, 64<<10)
	var long []byte
	for i := 0; i < s.n; i++ {
		line, err := r.ReadSlice('\n')
		if err == bufio.ErrBufferFull { // a row longer than the buffer
			long = append(long[:0], line...)
			for err == bufio.ErrBufferFull {
				line, err = r.ReadSlice('\n')
				long = append(long, line...)
			}
			line = long
		}
		if err != nil {
			return fmt.Errorf("read back rejected rows: %w", err)
		}
		if err := fn(line[:len(line)-1]); err != nil {
			return err
		}
	}
	return nil
}

// JSONSink writes schema screener.report/v1 as findings arrive. Keys come
// in this order: schema, as_of, lists, findings, rejected, files, summary,
// totals (JSON object order carries no meaning; the schema is the same as
// Report's).
type JSONSink struct {
	w    *bufio.Writer
	buf  []byte // a finding's JSON
	n    int
	rej  spill
	err  error
	head bool
}

// NewJSONSink starts a JSON report on w.
func NewJSONSink(w io.Writer) *JSONSink {
	return &JSONSink{w: bufio.NewWriterSize(w, 256<<10)}
}

func (s *JSONSink) start(r *Report) {
	if s.head {
		return
	}
	s.head = true
	s.field("{\n  \"schema\": ", ReportSchema)
	s.field(",\n  \"as_of\": ", r.AsOf)
	lists := r.Lists
	if lists == nil {
		lists = []ListInfo{}
	}
	s.field(",\n  \"lists\": ", lists)
	s.write(",\n  \"findings\": [")
}

func (s *JSONSink) write(v string) {
	if s.err == nil {
		_, s.err = s.w.WriteString(v)
	}
}

func (s *JSONSink) field(prefix string, v any) {
	s.write(prefix)
	if s.err != nil {
		return
	}
	b, err := json.Marshal(v)
	if err != nil {
		s.err = err
		return
	}
	_, s.err = s.w.Write(b)
}

// Head writes the report's opening (schema, as_of, lists); it is written
// by the first Finding otherwise.
func (s *JSONSink) Head(r *Report) error { s.start(r); return s.err }

// Finding writes one finding.
func (s *JSONSink) Finding(f *Finding) error {
	if !s.head {
		return fmt.Errorf("JSONSink: Head must be called before Finding")
	}
	sep := ",\n    "
	if s.n == 0 {
		sep = "\n    "
	}
	s.n++
	s.write(sep)
	if s.err != nil {
		return s.err
	}
	s.buf, s.err = f.AppendJSON(s.buf[:0])
	if s.err == nil {
		_, s.err = s.w.Write(s.buf)
	}
	return s.err
}

// Rejected keeps one rejected row for the end of the report.
func (s *JSONSink) Rejected(e *ParseError) error { return s.rej.add(e) }

// Close writes the rejected rows, files, summary and totals, and flushes.
func (s *JSONSink) Close(r *Report) error {
	s.start(r)
	if s.n > 0 {
		s.write("\n  ")
	}
	s.write("],\n  \"rejected\": [")
	i := 0
	// Each row is written as it was spilled: json.Marshal's bytes, which
	// field would write again.
	if err := s.rej.eachLine(func(line []byte) error {
		sep := ",\n    "
		if i == 0 {
			sep = "\n    "
		}
		i++
		s.write(sep)
		if s.err == nil {
			_, s.err = s.w.Write(line)
		}
		return s.err
	}); err != nil && s.err == nil {
		s.err = err
	}
	if i > 0 {
		s.write("\n  ")
	}
	s.write("]")
	files := r.Files
	if files == nil {
		files = []string{}
	}
	s.field(",\n  \"files\": ", files)
	if len(r.FileColumns) > 0 {
		s.field(",\n  \"file_columns\": ", r.FileColumns)
	}
	s.field(",\n  \"summary\": ", r.Summary)
	s.write(",\n  \"totals\": ")
	s.buf = r.Totals.appendJSON(s.buf[:0], func(b []byte) []byte {
		if s.err == nil {
			_, s.err = s.w.Write(b)
		}
		return b[:0]
	})
	if s.err == nil {
		_, s.err = s.w.Write(s.buf)
	}
	s.write("\n}\n")
	if s.err == nil {
		s.err = s.w.Flush()
	}
	return s.err
}

// CSVSink writes the divestment CSV (see Report.WriteCSV) as findings
// arrive: one row per finding, then one per rejected row.
type CSVSink struct {
	out   io.Writer
	w     *gocsv.SafeCSVWriter
	rows  []*csvRow
	rej   spill
	asOf  string
	lists string
	head  bool
}

// NewCSVSink starts a CSV report on w for a report as of asOf over lists.
func NewCSVSink(w io.Writer, asOf string, lists []ListInfo) *CSVSink {
	return &CSVSink{out: w, w: gocsv.DefaultCSVWriter(w), asOf: asOf, lists: listsCell(lists)}
}

// Finding writes one finding (in batches, to spread gocsv's reflection).
func (s *CSVSink) Finding(f *Finding) error {
	s.rows = append(s.rows, findingRow(f, s.asOf, s.lists))
	if len(s.rows) >= 1024 {
		return s.flush()
	}
	return nil
}

func (s *CSVSink) flush() error {
	if len(s.rows) == 0 && s.head {
		return nil
	}
	var err error
	if !s.head {
		err = gocsv.MarshalCSV(s.rows, s.w)
		s.head = true
	} else {
		err = gocsv.MarshalCSVWithoutHeaders(s.rows, s.w)
	}
	s.rows = s.rows[:0]
	return err
}

// Rejected keeps one rejected row for the end of the report.
func (s *CSVSink) Rejected(e *ParseError) error { return s.rej.add(e) }

// Close writes the rejected rows and flushes.
func (s *CSVSink) Close(r *Report) error {
	if err := s.flush(); err != nil {
		return err
	}
	if err := s.rej.each(func(e *ParseError) error {
		s.rows = append(s.rows, rejectedRow(e, s.asOf, s.lists))
		if len(s.rows) >= 1024 {
			return s.flush()
		}
		return nil
	}); err != nil {
		return err
	}
	if err := s.flush(); err != nil {
		return err
	}
	s.w.Flush()
	return s.w.Error()
}
