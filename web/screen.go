package web

import (
	"bytes"
	"context"
	"errors"
	"io"
	"mime"
	"net/http"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/labstack/echo/v4"
	"github.com/screener/screener/screener"
	"github.com/screener/screener/screener/holdings"
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
}

// screened is the outcome of a saved screening run.
type screened struct {
	RunID  uint64
	Report *screener.Report
	JSON   []byte
}

// runSink streams rows through the matcher into a report builder and keeps
// a copy of each holding for the stored run.
type runSink struct {
	ctx       context.Context
	m         *screener.Matcher
	b         *screener.ReportBuilder
	at        time.Time
	opt       screener.Options
	portfolio string
	held      []screener.Holding
	n         int
}

func (s *runSink) Holding(h *screener.Holding) error {
	s.n++
	if s.n%4096 == 0 {
		if err := s.ctx.Err(); err != nil {
			return err
		}
	}
	if h.Portfolio == "" {
		h.Portfolio = s.portfolio
	}
	s.b.Add(s.m.Match(h, s.at, s.opt))
	s.held = append(s.held, h.Clone())
	return nil
}

func (s *runSink) Reject(e *screener.ParseError) error {
	s.n++
	s.b.Reject(*e)
	return nil
}

// newRun prepares a sink for one run against the current lists and the
// reviewers' stored decisions.
func (s *Server) newRun(ctx context.Context, job screenJob) (*runSink, *engine, error) {
	eng := s.engine()
	decisions, err := s.st.Decisions()
	if err != nil {
		return nil, nil, err
	}
	opt := screener.Options{USPerson: job.USPerson, Decisions: decisions}
	return &runSink{ctx: ctx, m: eng.m, b: screener.NewReportBuilder(eng.lists, job.AsOf, opt), at: job.AsOf,
		opt: opt, portfolio: job.Portfolio}, eng, nil
}

// finishRun builds the report and saves the run.
func (s *Server) finishRun(job screenJob, sink *runSink, eng *engine, files []string) (*screened, error) {
	rep := sink.b.Report()
	var buf bytes.Buffer
	if err := rep.WriteJSON(&buf); err != nil {
		return nil, err
	}
	id, err := s.st.SaveRun(store.Run{Portfolio: job.Portfolio, User: job.User, AsOf: job.AsOf, Files: files,
		Holdings: sink.held, Report: buf.Bytes(), SnapshotIDs: eng.ids, AnyPortfolio: job.Any})
	if err != nil {
		return nil, err
	}
	s.reports.put(id, rep)
	return &screened{RunID: id, Report: rep, JSON: buf.Bytes()}, nil
}

// screenFile screens one holdings file read from r and saves the run.
func (s *Server) screenFile(ctx context.Context, job screenJob, name string, r io.Reader) (*screened, error) {
	if err := s.claimPortfolio(&job, name); err != nil {
		return nil, err
	}
	sink, eng, err := s.newRun(ctx, job)
	if err != nil {
		return nil, err
	}
	if _, err := holdings.Read(name, r, sink); err != nil {
		return nil, err
	}
	sink.b.AddFile(name)
	if job.Portfolio == "" {
		job.Portfolio = name
	}
	return s.finishRun(job, sink, eng, []string{name})
}

// formFields are the small fields of a multipart form read before its file.
type formFields map[string]string

// maxField bounds one non-file field of a multipart form.
const maxField = 4 << 10

// streamForm reads a multipart/form-data body part by part: small fields
// into a map, and the part named fileField handed to file as a stream with
// the fields read so far (so forms put their fields before the file). A
// client's file name is only ever displayed (see displayName), never used
// as a path. When csrf is set, the _csrf field must come before the file and
// match the cookie.
func streamForm(c echo.Context, fileField string, csrf bool, file func(f formFields, name string, r io.Reader) error) (formFields, error) {
	mt, _, _ := mime.ParseMediaType(c.Request().Header.Get(echo.HeaderContentType))
	if mt != "multipart/form-data" {
		return nil, echo.NewHTTPError(http.StatusUnsupportedMediaType, "send the file as multipart/form-data")
	}
	mr, err := c.Request().MultipartReader()
	if err != nil {
		return nil, invalid("read the form: %v", err)
	}
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
