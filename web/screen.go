package web

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/labstack/echo/v4"
	"github.com/screener/screener/screener"
	"github.com/screener/screener/screener/funds"
	"github.com/screener/screener/screener/holdings"
	"github.com/screener/screener/screener/pipeline"
	"github.com/screener/screener/screener/store"
)

// screenJob is one screening request: what to call the holdings, as of
// when, and the US-person status of rows that do not say.
type screenJob struct {
	Portfolio string
	AsOf      time.Time
	USPerson  screener.USPerson
	User      string
	// Any lets User save into a portfolio another principal owns
	// (compliance, admin).
	Any bool
	// Track, when set, is given the run while it screens (the upload
	// page's progress bar).
	Track *uploadProgress
	// Size is the request body's size when the client gave it (0 when
	// not): the report's buffer is sized from it.
	Size int64
}

// screened is the outcome of a saved screening run.
type screened struct {
	RunID  uint64
	Report *screener.Report // summary and totals; its findings streamed into JSON
	JSON   []byte           // the report
	big    bool             // a big upload: release its memory once answered
}

// done is deferred by a handler once it has res, so that a big upload's
// memory is given back after the response is written.
func (res *screened) done() {
	if res == nil {
		return
	}
	// The answer is written: the report's buffer is free for the next
	// upload. A buffer kept on the shelf goes back to the system with the
	// rest, releaseAfter after the last upload.
	if kept := reportBufs.give(res.JSON); kept || res.big {
		releaseMemory()
	}
}

// webRun is one screening run of the web app or the API: the same pipeline
// the CLI runs, with the report written as JSON while rows stream past (as
// the CLI's --format json writes it), so that neither the findings nor the
// rows are held.
type webRun struct {
	*pipeline.Run
	eng     *engine
	buf     *bytes.Buffer
	js      *screener.JSONSink
	reviews *reviewTee
}

// reviewTee passes findings to the report's sink and keeps the review
// findings, which the store keeps as open reviews (so it need not decode
// the report again to find them).
type reviewTee struct {
	screener.ReportSink
	reviews []screener.Finding
}

func (t *reviewTee) Finding(f *screener.Finding) error {
	if f.Status == screener.StatusReview && f.Entry != nil {
		t.reviews = append(t.reviews, *f)
	}
	return t.ReportSink.Finding(f)
}

// newRun prepares one screening run against the current lists and the
// reviewers' stored decisions.
func (s *Server) newRun(job screenJob, rowPortfolio string) (*webRun, error) {
	eng := s.engine()
	decisions, err := s.st.Decisions()
	if err != nil {
		return nil, err
	}
	// Fund look-through as the CLI does it with --db: the funds registered
	// in the store, stale after Config.LookthroughMaxAge days (as for the
	// pre-trade check; funds.DefaultMaxAge when 0).
	fl, err := s.st.Funds()
	if err != nil {
		return nil, err
	}
	opt := screener.Options{USPerson: job.USPerson, Decisions: decisions,
		Funds: funds.New(fl, s.st.FundHoldings, funds.Options{MaxAge: s.cfg.LookthroughMaxAge})}
	run := pipeline.New(pipeline.Config{Matcher: eng.m, Lists: eng.lists, At: job.AsOf, Options: opt,
		Portfolio: rowPortfolio, Read: holdings.Options{MaxBytes: s.cfg.MaxUpload}})
	// A report buffer that doubles as it fills copies the report again at
	// every step and touches fresh memory for each copy, which costs more
	// than the copying on this kind of machine (a quarter of a second for
	// a 24 MB report). It is reserved once from the upload's size instead,
	// and taken from an upload before it when one left a big enough one
	// (reportBufs): memory reserved afresh from the heap is cleared whole
	// (30 ms of a 500,000-row upload).
	need := int(min(job.Size/2, maxReportReserve))
	w := &webRun{Run: run, eng: eng, buf: bytes.NewBuffer(reportBufs.take(need))}
	w.buf.Grow(need)
	w.js = screener.NewJSONSink(w.buf)
	if err := w.js.Head(&screener.Report{AsOf: job.AsOf.Format(time.RFC3339), Lists: listInfos(eng.lists)}); err != nil {
		return nil, err
	}
	w.reviews = &reviewTee{ReportSink: w.js}
	run.Stream(w.reviews)
	return w, nil
}

// maxReportReserve bounds the report buffer reserved before an upload is
// screened (a client names any size it likes; memory reused from the heap
// is cleared whole); a larger report grows it as it comes.
const maxReportReserve = 64 << 20

// finishRun ends the report and saves the run: its report and its inputs
// by size and digest, not its rows.
func (s *Server) finishRun(job screenJob, w *webRun, files []string, inputs []store.Input) (*screened, error) {
	rep := w.Report()
	if err := w.js.Close(rep); err != nil {
		return nil, err
	}
	// Uploads list every position that is not clear.
	findings := rep.Summary.Screened - rep.Summary.ByStatus[screener.StatusClear]
	id, err := s.st.SaveRun(store.Run{Portfolio: job.Portfolio, User: job.User, AsOf: job.AsOf, Files: files,
		Inputs: inputs, Report: w.buf.Bytes(), SnapshotIDs: w.eng.ids, Summary: &rep.Summary, Findings: findings, Reviews: w.reviews.reviews,
		AnyPortfolio: job.Any})
	if err != nil {
		return nil, err
	}
	// The report's findings streamed past: the report cache fills from
	// the store when the run is first viewed.
	return &screened{RunID: id, Report: rep, JSON: w.buf.Bytes()}, nil
}

// listInfos describes lists as a report's head names them.
func listInfos(lists []*screener.List) []screener.ListInfo {
	out := []screener.ListInfo{}
	for _, l := range lists {
		out = append(out, screener.ListInfo{Name: l.Name, AsOf: l.AsOf, SHA256: l.SHA256(), Entries: len(l.Entries)})
	}
	return out
}

// screenFile screens one holdings file read from r as it arrives, hashing
// it on the way, and saves the run.
func (s *Server) screenFile(ctx context.Context, job screenJob, name string, r io.Reader) (*screened, error) {
	// Rows that name no portfolio take the one asked for, if any (as the
	// CLI's rows do); the run is saved under the claimed name.
	rows := job.Portfolio
	if err := s.claimPortfolio(&job, name); err != nil {
		return nil, err
	}
	run, err := s.newRun(job, rows)
	if err != nil {
		return nil, err
	}
	start := time.Now()
	if job.Track != nil {
		job.Track.run.Store(run.Run)
	}
	d := pipeline.NewDigest()
	tee := io.TeeReader(r, d)
	if err := run.Reader(ctx, name, tee); err != nil {
		return nil, err
	}
	// What the reader left (nothing, for every format that reads to the
	// end) still counts in the digest and the body limit.
	if _, err := io.Copy(io.Discard, tee); err != nil {
		return nil, wrapBodyErr(err, "read the file")
	}
	screened := time.Now()
	res, err := s.finishRun(job, run, []string{name}, []store.Input{{Name: name, Bytes: d.Size(), SHA256: d.SHA256()}})
	if err == nil {
		s.log.Debug("upload screened", "portfolio", job.Portfolio, "bytes", d.Size(), "rows", res.Report.Summary.Rows,
			"read_and_screen", screened.Sub(start), "save", time.Since(screened), "report_bytes", len(res.JSON))
	}
	if err == nil && d.Size() >= bigUpload {
		// Its memory goes back once the answer is written (done), not
		// before: on this kind of machine touching memory afresh is what
		// costs (a 47 MB buffer takes 0.2-0.4 s to fault in), so giving it
		// back before the answer made the save and the answer slower.
		res.big = true
	}
	return res, err
}

// formFields are the small fields of a multipart form read before its file.
type formFields map[string]string

// maxField bounds one non-file field of a multipart form.
const maxField = 4 << 10

// formBufs are the buffers streamForm reads request bodies through.
var formBufs = sync.Pool{New: func() any { return bufio.NewReaderSize(nil, 256<<10) }}

// streamForm reads a multipart/form-data body part by part: small fields
// into a map, and the part named fileField handed to file as a stream with
// the fields read so far (so forms put their fields before the file). A
// client's file name is only ever displayed (see displayName), never used
// as a path. When csrf is set, the _csrf field must come before the file and
// match the cookie.
func streamForm(c echo.Context, fileField string, csrf bool, file func(f formFields, name string, r io.Reader) error) (formFields, error) {
	mt, params, _ := mime.ParseMediaType(c.Request().Header.Get(echo.HeaderContentType))
	if mt != "multipart/form-data" {
		return nil, echo.NewHTTPError(http.StatusUnsupportedMediaType, "send the file as multipart/form-data")
	}
	boundary := params["boundary"]
	if boundary == "" {
		return nil, invalid("read the form: no multipart boundary in the Content-Type")
	}
	// mime/multipart reads its body 4 KB at a time, and net/http hands a
	// read that size straight to the connection: 12,000 system calls for
	// a 50 MB upload. A large buffer between them makes those reads copies.
	br := formBufs.Get().(*bufio.Reader)
	br.Reset(c.Request().Body)
	defer func() { br.Reset(nil); formBufs.Put(br) }()
	mr := multipart.NewReader(br, boundary)
	f := formFields{}
	seen := false
	for {
		p, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, wrapBodyErr(err, "read the form")
		}
		name := p.FormName()
		if name == fileField && !seen {
			if csrf {
				if err := checkCSRF(csrfToken(c), f[csrfField]); err != nil {
					return nil, err
				}
			}
			seen = true
			if err := file(f, displayName(p.FileName()), p); err != nil {
				return nil, err
			}
			// Drain what the reader left, so the limit still applies.
			if _, err := io.Copy(io.Discard, p); err != nil {
				return nil, wrapBodyErr(err, "read the file")
			}
			continue
		}
		b, err := io.ReadAll(io.LimitReader(p, maxField+1))
		if err != nil {
			return nil, wrapBodyErr(err, "read the form")
		}
		if len(b) > maxField {
			return nil, invalid("form field %q is longer than %d bytes", name, maxField)
		}
		if !utf8.ValidString(name) || !utf8.Valid(b) {
			return nil, invalid("form field %q is not valid UTF-8", strings.ToValidUTF8(name, "\uFFFD"))
		}
		f[name] = string(b)
	}
	if csrf && !seen {
		if err := checkCSRF(csrfToken(c), f[csrfField]); err != nil {
			return nil, err
		}
	}
	if !seen {
		return f, invalid("choose a file to upload (form field %q)", fileField)
	}
	return f, nil
}

// wrapBodyErr keeps echo's 413 from the body limit, and calls anything else
// the caller's broken request.
func wrapBodyErr(err error, what string) error {
	var he *echo.HTTPError
	if errors.As(err, &he) {
		return he
	}
	return invalid("%s: %v", what, err)
}

// displayName turns a client's file name into a label: its last path
// element, printable characters only, at most 120 of them. It is shown
// (escaped) and used in reports, never opened.
func displayName(name string) string {
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	name = strings.Map(func(r rune) rune {
		if !unicode.IsPrint(r) {
			return -1
		}
		return r
	}, name)
	name = strings.TrimSpace(name)
	if r := []rune(name); len(r) > 120 {
		name = string(r[:120])
	}
	if name == "" || name == "." || name == ".." {
		name = "upload"
	}
	return name
}

// parseAsOf reads an as-of date or instant; empty means now.
func (s *Server) parseAsOf(v string) (time.Time, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return s.cfg.Now(), nil
	}
	t, err := screener.ParseAsOf(v)
	if err != nil {
		return time.Time{}, invalid("as_of %q: want YYYY-MM-DD or an RFC 3339 instant", v)
	}
	return t, nil
}

// parseUSPerson reads yes/no/unknown (and true/false, us/non-us).
func parseUSPerson(v string) (screener.USPerson, error) {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "", "unknown":
		return screener.USPersonUnknown, nil
	case "yes", "true", "us", "on", "1", "us_person":
		return screener.USPersonYes, nil
	case "no", "false", "non-us", "0", "non_us_person":
		return screener.USPersonNo, nil
	}
	return 0, invalid("us_person %q: want yes, no or unknown", v)
}
