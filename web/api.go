package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/screener/screener/issuers"
	"github.com/screener/screener/screener"
	"github.com/screener/screener/screener/listage"
	"github.com/shopspring/decimal"
)

// maxCheckItems bounds one check request.
const maxCheckItems = 1000

// checkRequest is the body of POST /api/v1/check.
type checkRequest struct {
	Items    []checkItem `json:"items"`
	AsOf     string      `json:"as_of"`
	USPerson *bool       `json:"us_person"`
}

type checkItem struct {
	ID       string `json:"id"`
	Side     string `json:"side"`
	Exchange string `json:"exchange"`
	USPerson *bool  `json:"us_person"`
}

// checkResponse is the answer of POST /api/v1/check. Each result puts its
// decision first, before any nested object.
type checkResponse struct {
	AsOf string `json:"as_of"`
	// Lists are the snapshots the answer used, with their age on the as-of
	// date and a warning when too old (also sent as a Warning header).
	Lists   []listage.Age `json:"lists"`
	Results []checkResult `json:"results"`
	// raw holds, where not nil, the JSON of Results[i] (checkEntry.resultJSON).
	raw [][]byte
}

type checkResult struct {
	ID             string               `json:"id"`
	Side           screener.Side        `json:"side"`
	Decision       string               `json:"decision"`
	Reason         string               `json:"reason"`
	Status         screener.Status      `json:"status"`
	ReasonCode     string               `json:"reason_code,omitempty"` // not_identified or ambiguous
	Kind           string               `json:"kind"`
	USPerson       string               `json:"us_person"`
	Basis          []screener.Basis     `json:"basis"`
	Entry          *screener.EntryRef   `json:"entry"`
	ListingDate    screener.Date        `json:"listing_date"`
	EffectiveDate  screener.Date        `json:"effective_date"`
	DivestmentDate screener.Date        `json:"divestment_date"`
	DaysLeft       *int                 `json:"days_left"`
	Action         string               `json:"action"`
	Policy         string               `json:"policy,omitempty"`
	Evidence       []string             `json:"evidence"`
	Candidates     []screener.Candidate `json:"candidates,omitempty"`
	Warnings       []string             `json:"warnings,omitempty"`
	// Lookthrough is a fund's look-through (issue 16): the path from the
	// fund down to the CMIC security, the holdings date, the constituents.
	Lookthrough *screener.Lookthrough `json:"lookthrough,omitempty"`
}

func usOf(b *bool, def screener.USPerson) screener.USPerson {
	switch {
	case b == nil:
		return def
	case *b:
		return screener.USPersonYes
	}
	return screener.USPersonNo
}

// decodeJSON reads a JSON body strictly into v.
func decodeJSON(c echo.Context, v any) error { return decodeJSONFrom(c.Request().Body, v) }

// decodeJSONFrom is decodeJSON of a body read from r.
func decodeJSONFrom(r io.Reader, v any) error {
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var he *echo.HTTPError
		if errors.As(err, &he) {
			return he
		}
		if errors.Is(err, io.EOF) {
			return invalid("the request body is empty: send JSON")
		}
		return invalid("the request body is not the JSON expected: %v", err)
	}
	if dec.More() {
		return invalid("the request body has data after the JSON object")
	}
	return nil
}

// apiCheck answers the pre-trade question for each item: allow, reject or
// review, with the status, basis, entry and dates behind it.
func (s *Server) apiCheck(c echo.Context) error {
	var req checkRequest
	if err := decodeCheck(c, &req); err != nil {
		return err
	}
	res, err := s.check(&req)
	if err != nil {
		return err
	}
	s.warnHeader(c, res.Lists)
	// The bytes c.JSON wrote (encoding/json's, and its newline), written
	// by hand (check_json.go).
	bp := checkBufs.Get().(*[]byte)
	b, err := res.appendJSON((*bp)[:0])
	if err != nil {
		return err
	}
	b = append(b, '\n')
	err = c.Blob(http.StatusOK, echo.MIMEApplicationJSON, b)
	if cap(b) <= 1<<20 { // an answer of a thousand items is not kept
		*bp = b[:0]
		checkBufs.Put(bp)
	}
	return err
}

// checkBufs are the answers' buffers, reused.
var checkBufs = sync.Pool{New: func() any { b := make([]byte, 0, 4096); return &b }}

// check answers a decoded check request (shared with the fuzz target).
func (s *Server) check(req *checkRequest) (*checkResponse, error) {
	if len(req.Items) == 0 {
		return nil, invalid("items: give at least one {\"id\":..., \"side\":...}")
	}
	if len(req.Items) > maxCheckItems {
		return nil, invalid("items: at most %d per request, got %d", maxCheckItems, len(req.Items))
	}
	at, err := s.parseAsOf(req.AsOf)
	if err != nil {
		return nil, err
	}
	def := usOf(req.USPerson, screener.USPersonUnknown)
	eng := s.engine()
	out := &checkResponse{AsOf: at.Format(time.RFC3339), Lists: s.listAges(at), Results: make([]checkResult, len(req.Items))}
	for i := range req.Items {
		it := &req.Items[i]
		side := screener.Side(strings.ToLower(strings.TrimSpace(it.Side)))
		switch side {
		case screener.SideBuy, screener.SideSell, screener.SideHold:
		default:
			return nil, invalid("items[%d].side %q: want buy, sell or hold", i, it.Side)
		}
		id := strings.TrimSpace(it.ID)
		if id == "" || len(id) > 200 {
			return nil, invalid("items[%d].id: give an ISIN, CUSIP, SEDOL, FIGI, ticker or name (at most 200 characters)", i)
		}
		us := usOf(it.USPerson, def)
		e, err := s.query(eng, id, it.Exchange, at, us)
		if err != nil {
			return nil, invalid("items[%d]: %v", i, err)
		}
		a := &e.ans
		f := &a.Finding
		d, why := a.Decision(side)
		r := &out.Results[i]
		*r = checkResult{ID: id, Side: side, Decision: d, Reason: why, Status: f.Status, ReasonCode: a.Reason, Kind: a.Kind,
			USPerson: us.String(), Basis: f.Basis, Entry: f.Entry, ListingDate: f.ListingDate,
			EffectiveDate: f.EffectiveDate, DivestmentDate: f.DivestmentDate, DaysLeft: f.DaysLeft,
			Action: f.Action, Policy: f.Policy, Evidence: f.Evidence, Candidates: a.Candidates, Warnings: f.Warnings,
			Lookthrough: f.Lookthrough}
		if r.ReasonCode == "" {
			r.ReasonCode = f.Reason
		}
		if r.Basis == nil {
			r.Basis = []screener.Basis{}
		}
		if r.Evidence == nil {
			r.Evidence = []string{}
		}
		raw, err := e.resultJSON(side, r)
		if err != nil {
			return nil, err
		}
		if out.raw == nil {
			out.raw = make([][]byte, len(req.Items))
		}
		out.raw[i] = raw
	}
	return out, nil
}

// screenRequest is the JSON body of POST /api/v1/screen.
type screenRequest struct {
	Portfolio string            `json:"portfolio"`
	AsOf      string            `json:"as_of"`
	USPerson  *bool             `json:"us_person"`
	Positions []json.RawMessage `json:"positions"`
}

// position is one holding sent as JSON; numbers are decimal strings or
// JSON numbers, read exactly.
type position struct {
	Portfolio   string           `json:"portfolio"`
	Name        string           `json:"name"`
	ISIN        string           `json:"isin"`
	CUSIP       string           `json:"cusip"`
	SEDOL       string           `json:"sedol"`
	FIGI        string           `json:"figi"`
	LEI         string           `json:"lei"`
	Ticker      string           `json:"ticker"`
	Exchange    string           `json:"exchange"`
	Quantity    *decimal.Decimal `json:"quantity"`
	Price       *decimal.Decimal `json:"price"`
	MarketValue *decimal.Decimal `json:"market_value"`
	Currency    string           `json:"currency"`
	AssetClass  string           `json:"asset_class"`
	USPerson    *bool            `json:"us_person"`
}

// maxPositions bounds a JSON screen request.
const maxPositions = 100000

// apiScreen screens a holdings file (multipart field "file", with portfolio,
// as_of and us_person as query parameters or fields before the file) or
// JSON positions, saves the run, and answers 201 with the report and the
// run's address in Location.
func (s *Server) apiScreen(c echo.Context) error {
	p := who(c)
	ct := c.Request().Header.Get(echo.HeaderContentType)
	var res *screened
	if strings.HasPrefix(ct, echo.MIMEMultipartForm) {
		_, err := streamForm(c, "file", false, func(f formFields, name string, r io.Reader) error {
			job, err := s.apiJob(c, f, p)
			if err != nil {
				return err
			}
			job.Size = c.Request().ContentLength
			res, err = s.screenFile(c.Request().Context(), job, name, r)
			return err
		})
		if err != nil {
			return err
		}
	} else {
		var req screenRequest
		if err := decodeJSON(c, &req); err != nil {
			return err
		}
		var err error
		if res, err = s.screenPositions(c, &req, p); err != nil {
			return err
		}
	}
	defer res.done()
	if at, err := time.Parse(time.RFC3339, res.Report.AsOf); err == nil {
		s.warnHeader(c, s.listAges(at))
	}
	loc := "/api/v1/runs/" + strconv.FormatUint(res.RunID, 10)
	c.Response().Header().Set(echo.HeaderLocation, loc)
	c.Response().Header().Set("X-Run-ID", strconv.FormatUint(res.RunID, 10))
	return c.JSONBlob(http.StatusCreated, res.JSON)
}

// apiJob reads a multipart screen request's settings from the form fields
// or the query string.
func (s *Server) apiJob(c echo.Context, f formFields, p *principal) (screenJob, error) {
	get := func(k string) string {
		if v, ok := f[k]; ok {
			return v
		}
		return c.QueryParam(k)
	}
	at, err := s.parseAsOf(get("as_of"))
	if err != nil {
		return screenJob{}, err
	}
	us, err := parseUSPerson(get("us_person"))
	if err != nil {
		return screenJob{}, err
	}
	return screenJob{Portfolio: trimName(get("portfolio")), AsOf: at, USPerson: us, User: p.Name, Any: p.has(RoleCompliance, RoleAdmin)}, nil
}

func (s *Server) screenPositions(c echo.Context, req *screenRequest, p *principal) (*screened, error) {
	if len(req.Positions) == 0 {
		return nil, invalid("positions: send at least one position, or a file as multipart field \"file\"")
	}
	if len(req.Positions) > maxPositions {
		return nil, invalid("positions: at most %d per request; send larger books as a file", maxPositions)
	}
	at, err := s.parseAsOf(req.AsOf)
	if err != nil {
		return nil, err
	}
	job := screenJob{Portfolio: trimName(req.Portfolio), AsOf: at, USPerson: usOf(req.USPerson, screener.USPersonUnknown), User: p.Name,
		Any: p.has(RoleCompliance, RoleAdmin)}
	if err := s.claimPortfolio(&job, "api"); err != nil {
		return nil, err
	}
	run, err := s.newRun(job, job.Portfolio)
	if err != nil {
		return nil, err
	}
	const file = "request"
	sink := run.Sink(c.Request().Context(), file)
	for i, raw := range req.Positions {
		h, reason := positionHolding(raw, file, i)
		if reason != "" {
			if err := sink.Reject(&screener.ParseError{File: file, Line: i + 1, Field: "positions[" + strconv.Itoa(i) + "]",
				Reason: reason}); err != nil {
				return nil, err
			}
			continue
		}
		if err := sink.Holding(&h); err != nil {
			return nil, err
		}
	}
	if err := sink.Close(); err != nil {
		return nil, err
	}
	return s.finishRun(job, run, []string{file}, nil)
}

// positionHolding reads one JSON position (the i-th) as a holding, or says
// why it is rejected: not the JSON of a position, an identifier that fails
// its check (as a file's row would be), no identifier and no name. One bad
// position is one rejected row, never the whole request refused.
func positionHolding(raw json.RawMessage, file string, i int) (screener.Holding, string) {
	var q position
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&q); err != nil {
		return screener.Holding{}, fmt.Sprintf("positions[%d] is not a position: %v", i, err)
	}
	id := issuers.CleanIDUpper
	h := screener.Holding{File: file, Line: i + 1, Portfolio: q.Portfolio, Name: q.Name,
		ISIN: id(q.ISIN), CUSIP: id(q.CUSIP), SEDOL: id(q.SEDOL), FIGI: id(q.FIGI), LEI: id(q.LEI),
		Ticker: issuers.CleanID(q.Ticker), Exchange: issuers.CleanID(q.Exchange),
		Currency: q.Currency, AssetClass: q.AssetClass, USPerson: usOf(q.USPerson, screener.USPersonUnknown)}
	if q.Quantity != nil {
		h.Quantity, h.HasQuantity = *q.Quantity, true
	}
	if q.Price != nil {
		h.Price, h.HasPrice = *q.Price, true
	}
	if q.MarketValue != nil {
		h.MarketValue, h.HasValue = *q.MarketValue, true
	}
	for _, c := range []struct {
		field, v string
		check    func(string) error
	}{{"isin", h.ISIN, issuers.CheckISIN}, {"cusip", h.CUSIP, issuers.CheckCUSIP}, {"sedol", h.SEDOL, issuers.CheckSEDOL},
		{"figi", h.FIGI, issuers.CheckFIGI}, {"lei", h.LEI, issuers.CheckLEI}} {
		if c.v == "" {
			continue
		}
		if err := c.check(c.v); err != nil {
			return h, fmt.Sprintf("positions[%d].%s: %v: not identified, so not screened as clear", i, c.field, err)
		}
	}
	if h.Name == "" && h.ISIN == "" && h.CUSIP == "" && h.SEDOL == "" && h.FIGI == "" && h.LEI == "" && h.Ticker == "" {
		return h, fmt.Sprintf("positions[%d]: no identifier and no name: give an isin, cusip, sedol, figi, lei, ticker or name", i)
	}
	return h, ""
}

// apiRun returns a saved run's report, byte for byte as saved.
func (s *Server) apiRun(c echo.Context) error {
	id, err := runID(c)
	if err != nil {
		return err
	}
	info, err := s.st.RunInfo(id)
	if err != nil {
		return err
	}
	ok, err := s.ownsRun(who(c), info)
	if err != nil {
		return err
	}
	if !ok {
		// Someone else's run is answered like a missing one.
		return screener.Errorf(screener.KindNotFound, "no run %d", id)
	}
	rep, err := s.st.RunReport(id)
	if err != nil {
		return err
	}
	return c.JSONBlob(http.StatusOK, rep)
}

func runID(c echo.Context) (uint64, error) {
	id, err := strconv.ParseUint(c.Param("id"), 10, 64)
	if err != nil || id == 0 {
		return 0, screener.Errorf(screener.KindNotFound, "no run %q: run ids are positive numbers", c.Param("id"))
	}
	return id, nil
}

// listInfo describes one list in use.
type listInfo struct {
	Name       string                `json:"name"`
	Format     string                `json:"format"`
	AsOf       screener.Date         `json:"as_of"`
	Entries    int                   `json:"entries"`
	SHA256     string                `json:"sha256"`
	SnapshotID uint64                `json:"snapshot_id,omitempty"`
	ImportedAt *time.Time            `json:"imported_at,omitempty"`
	Sources    []screener.SourceFile `json:"sources"`
	// AgeDays is the snapshot's age today; Warning is set when it is more
	// than the server's --list-max-age.
	AgeDays int    `json:"age_days"`
	Warning string `json:"warning,omitempty"`
}

func (s *Server) listsInUse() []listInfo {
	eng := s.engine()
	out := make([]listInfo, len(eng.lists))
	ages := listage.OfLists(eng.lists, s.cfg.Now(), s.cfg.ListMaxAge)
	for i, l := range eng.lists {
		sn := eng.snaps[i]
		out[i] = listInfo{Name: l.Name, Format: l.Format, AsOf: l.AsOf, Entries: len(l.Entries), SHA256: l.SHA256(),
			SnapshotID: sn.ID, Sources: l.Sources}
		if sn.ID != 0 {
			t := sn.ImportedAt
			out[i].ImportedAt = &t
		}
		if out[i].Sources == nil {
			out[i].Sources = []screener.SourceFile{}
		}
		out[i].AgeDays, out[i].Warning = ages[i].Days, ages[i].Warning
	}
	return out
}

func (s *Server) apiLists(c echo.Context) error {
	s.warnHeader(c, s.listAges(s.cfg.Now()))
	return c.JSON(http.StatusOK, map[string]any{"lists": s.listsInUse()})
}

func (s *Server) apiSnapshots(c echo.Context) error {
	snaps, err := s.st.Snapshots(c.Param("list"))
	if err != nil {
		return err
	}
	if len(snaps) == 0 {
		return screener.Errorf(screener.KindNotFound, "no stored snapshots of list %q", c.Param("list"))
	}
	return c.JSON(http.StatusOK, map[string]any{"list": c.Param("list"), "snapshots": snaps})
}

func (s *Server) apiDiff(c echo.Context) error {
	d, err := s.diff(c.Param("list"), c.QueryParam("from"), c.QueryParam("to"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, d)
}

// diff compares two snapshots of list named by id, "latest" or "previous";
// from defaults to previous and to to latest.
func (s *Server) diff(list, from, to string) (screener.ListDiff, error) {
	if from == "" {
		from = "previous"
	}
	if to == "" {
		to = "latest"
	}
	a, err := s.st.ResolveSnapshot(list, from)
	if err != nil {
		return screener.ListDiff{}, err
	}
	b, err := s.st.ResolveSnapshot(list, to)
	if err != nil {
		return screener.ListDiff{}, err
	}
	if a.List != list || b.List != list {
		return screener.ListDiff{}, invalid("snapshots %d and %d are not both of list %q", a.ID, b.ID, list)
	}
	return s.st.Diff(a.ID, b.ID)
}

func (s *Server) healthz(c echo.Context) error {
	return c.JSON(http.StatusOK, map[string]string{"status": "ok"})
}

// readyz answers 200 when the store answers and can take a write (disk
// space, a write transaction) and lists are loaded.
func (s *Server) readyz(c echo.Context) error {
	if _, err := s.st.Schema(); err != nil {
		s.log.Error("readyz: store", "err", err)
		return c.JSON(http.StatusServiceUnavailable, map[string]string{"status": "store unavailable"})
	}
	if err := s.st.Writable(); err != nil {
		s.log.Error("readyz: store cannot write", "err", err)
		return c.JSON(http.StatusServiceUnavailable, map[string]string{"status": "store cannot write"})
	}
	if !s.loaded.Load() {
		return c.JSON(http.StatusServiceUnavailable, map[string]string{"status": "no lists loaded"})
	}
	eng := s.engine()
	return c.JSON(http.StatusOK, map[string]any{"status": "ready", "lists": len(eng.lists)})
}

// openAPI serves the API's OpenAPI 3 document.
func (s *Server) openAPI(c echo.Context) error {
	b, err := embedded.ReadFile("openapi.json")
	if err != nil {
		return err
	}
	return c.Blob(http.StatusOK, echo.MIMEApplicationJSON, b)
}
