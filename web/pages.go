package web

import (
	"errors"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/labstack/echo/v4"
	"github.com/screener/screener/screener"
	"github.com/screener/screener/screener/lists"
	"github.com/screener/screener/screener/store"
)

// safeNext keeps a post-login redirect on this site: only a relative path
// that starts with one "/" followed by something that is not a slash,
// backslash or control character, with no control character anywhere
// (browsers drop tabs and newlines, so "/\t/evil.example" is
// "//evil.example"), and that parses with no scheme and no host.
func safeNext(next string) string {
	if len(next) < 1 || len(next) > 2048 || next[0] != '/' {
		return "/"
	}
	for _, r := range next {
		if r < 0x20 || r == 0x7f || r == '\\' || (r >= 0x80 && r < 0xa0) || r == utf8.RuneError {
			return "/"
		}
	}
	if len(next) > 1 && next[1] == '/' {
		return "/"
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" {
		return "/"
	}
	return next
}

type loginData struct {
	Next  string
	Name  string
	Error string
}

func (s *Server) loginPage(c echo.Context) error {
	return s.render(c, "login", pageData{Title: "Sign in", Data: loginData{Next: safeNext(c.QueryParam("next"))}})
}

func (s *Server) loginPost(c echo.Context) error {
	name, pw := trimName(c.FormValue("name")), c.FormValue("password")
	next := safeNext(c.FormValue("next"))
	err := s.login(c, name, pw)
	var te *errThrottled
	if errors.As(err, &te) {
		return s.loginRefused(c, te, next, clipRunes(name, 64))
	}
	if errors.Is(err, errBadLogin) {
		return s.renderStatus(c, http.StatusUnauthorized, "login", pageData{Title: "Sign in",
			Data: loginData{Next: next, Name: clipRunes(name, 64), Error: "Wrong name or password."}})
	}
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, next)
}

func (s *Server) logoutPost(c echo.Context) error {
	if err := s.logout(c); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/login")
}

type uploadData struct {
	Lists []listInfo
	Today string
	Error string
}

func (s *Server) uploadPage(c echo.Context) error {
	return s.render(c, "upload", pageData{Title: "Screen a holdings file",
		Data: uploadData{Lists: s.listsInUse(), Today: s.cfg.Now().In(screener.Eastern).Format("2006-01-02")}})
}

// uploadPost streams the uploaded file through the screener and saves the
// run, then redirects to its report.
func (s *Server) uploadPost(c echo.Context) error {
	p := who(c)
	var res *screened
	_, err := streamForm(c, "file", true, func(f formFields, name string, r io.Reader) error {
		at, err := s.parseAsOf(f["as_of"])
		if err != nil {
			return err
		}
		us, err := parseUSPerson(f["us_person"])
		if err != nil {
			return err
		}
		// The page's script names the upload so that it can ask how far
		// it has come (GET /upload/progress).
		tok := f[progressField]
		track := s.progress.start(p.Name, tok)
		if track != nil {
			defer s.progress.end(p.Name, tok, track)
		}
		res, err = s.screenFile(c.Request().Context(), screenJob{Portfolio: trimName(f["portfolio"]), AsOf: at,
			USPerson: us, User: p.Name, Any: p.has(RoleCompliance, RoleAdmin), Track: track, Size: c.Request().ContentLength}, name, r)
		return err
	})
	if err != nil {
		return err
	}
	defer res.done()
	return c.Redirect(http.StatusSeeOther, "/runs/"+strconv.FormatUint(res.RunID, 10))
}

func (s *Server) runsPage(c echo.Context) error {
	p := who(c)
	runs, err := s.st.Runs()
	if err != nil {
		return err
	}
	own, err := s.ownPortfolios(p)
	if err != nil {
		return err
	}
	var vis []store.RunInfo
	for _, r := range runs {
		if own == nil || r.User == p.Name || own[r.Portfolio] {
			vis = append(vis, r)
		}
	}
	return s.render(c, "runs", pageData{Title: "Runs", Data: vis})
}

// loadRun reads a run the caller may see.
func (s *Server) loadRun(c echo.Context) (store.RunInfo, []byte, error) {
	id, err := runID(c)
	if err != nil {
		return store.RunInfo{}, nil, err
	}
	info, err := s.st.RunInfo(id)
	if err != nil {
		return info, nil, err
	}
	ok, err := s.ownsRun(who(c), info)
	if err != nil {
		return info, nil, err
	}
	if !ok {
		return info, nil, forbidden("run %d is not one of your portfolios'", id)
	}
	raw, err := s.st.RunReport(id)
	return info, raw, err
}

// accessPost grants or revokes a principal's access to a portfolio
// (compliance, admin), audited by the store.
func (s *Server) accessPost(c echo.Context) error {
	portfolio, principal := strings.TrimSpace(c.FormValue("portfolio")), strings.TrimSpace(c.FormValue("principal"))
	action := c.FormValue("action")
	if action != "grant" && action != "revoke" {
		return invalid("action %q: grant or revoke", action)
	}
	name, isKey := strings.CutPrefix(principal, "key:")
	if !validUserName(name) {
		return invalid("principal %q: a user name, or key:NAME for an API key", principal)
	}
	if !isKey {
		if _, err := s.st.User(name); err != nil {
			return err
		}
	}
	if err := s.st.GrantPortfolio(who(c).Name, portfolio, principal, action == "grant"); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/portfolios?done="+urlQueryEscape(action+" "+principal+" on "+portfolio))
}

func (s *Server) reviewsPage(c echo.Context) error {
	q, err := parseFindingQuery(c.QueryParams(), pageRows)
	if err != nil {
		return err
	}
	rs, err := s.st.OpenReviews()
	if err != nil {
		return err
	}
	v := reviewsView{Query: q, All: len(rs)}
	for i := range rs {
		// The portfolio filter takes the run's portfolio (shown first on
		// the page) as well as the one the file's row names.
		qi := q
		if qi.Portfolio == rs[i].Portfolio {
			qi.Portfolio = ""
		}
		if qi.match(&rs[i].Finding) {
			v.Total++
			if v.Total > q.Offset && len(v.Reviews) < q.Limit {
				v.Reviews = append(v.Reviews, rs[i])
			}
		}
	}
	v.Pager = newPager(c.Request().URL.Path, q, v.Total)
	return s.render(c, "reviews", pageData{Title: "Review queue", Flash: c.QueryParam("done"), Data: v})
}

type reviewsView struct {
	Query      findingQuery
	Reviews    []store.Review
	Total, All int
	Pager      pager
}

// decidePost records a reviewer's decision on a finding of a saved run.
func (s *Server) decidePost(c echo.Context) error {
	run, err := strconv.ParseUint(c.FormValue("run"), 10, 64)
	if err != nil {
		return invalid("run %q: not a run id", c.FormValue("run"))
	}
	line, err := strconv.Atoi(c.FormValue("line"))
	if err != nil {
		return invalid("line %q: not a line number", c.FormValue("line"))
	}
	outcome := c.FormValue("outcome")
	if outcome != store.OutcomeCleared && outcome != store.OutcomeConfirmed {
		return invalid("outcome %q: confirm or clear", outcome)
	}
	reason := strings.TrimSpace(c.FormValue("reason"))
	if reason == "" {
		return invalid("give a reason for the decision")
	}
	d, err := s.st.DecideFinding(store.FindingRef{Run: run, File: c.FormValue("file"), Line: line, EntryID: c.FormValue("entry")},
		screener.Decision{Outcome: outcome, Reviewer: who(c).Name, At: s.cfg.Now().UTC().Format(time.RFC3339), Reason: reason})
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/reviews?done="+urlQueryEscape(d.Decision.Outcome+" "+d.Key+" against "+d.List+" "+d.EntryID))
}

type listsView struct {
	Lists     []listInfo
	Snapshots map[string][]store.Snapshot
	Names     []string
	Result    []store.ImportResult
}

func (s *Server) listsView() (listsView, error) {
	v := listsView{Lists: s.listsInUse(), Snapshots: map[string][]store.Snapshot{}}
	snaps, err := s.st.Snapshots("")
	if err != nil {
		return v, err
	}
	for _, sn := range snaps {
		if _, ok := v.Snapshots[sn.List]; !ok {
			v.Names = append(v.Names, sn.List)
		}
		v.Snapshots[sn.List] = append(v.Snapshots[sn.List], sn)
	}
	sort.Strings(v.Names)
	return v, nil
}

func (s *Server) listsPage(c echo.Context) error {
	v, err := s.listsView()
	if err != nil {
		return err
	}
	return s.render(c, "lists", pageData{Title: "Lists and snapshots", Data: v})
}

type diffView struct {
	List string
	Diff screener.ListDiff
}

func (s *Server) diffPage(c echo.Context) error {
	d, err := s.diff(c.Param("list"), c.QueryParam("from"), c.QueryParam("to"))
	if err != nil {
		return err
	}
	return s.render(c, "diff", pageData{Title: "Diff of " + c.Param("list"), Data: diffView{List: c.Param("list"), Diff: d}})
}

// importPost stores an uploaded list file as a new snapshot and rebuilds
// the matcher.
func (s *Server) importPost(c echo.Context) error {
	var res []store.ImportResult
	_, err := streamForm(c, "file", true, func(f formFields, name string, r io.Reader) error {
		l, err := lists.Read(name, r)
		if err != nil {
			return err
		}
		res, err = s.st.Import([]*screener.List{l}, store.ImportOptions{User: who(c).Name, Force: f["force"] == "yes"})
		return err
	})
	if err != nil {
		return err
	}
	if err := s.reload(); err != nil {
		return err
	}
	v, err := s.listsView()
	if err != nil {
		return err
	}
	v.Result = res
	return s.render(c, "lists", pageData{Title: "Lists and snapshots", Data: v})
}

type auditView struct {
	Records  []store.AuditRecord
	Verified string
	Total    int
}

// auditLimit is how many of the newest audit records the page shows.
const auditLimit = 500

func (s *Server) auditPage(c echo.Context) error {
	v := auditView{Verified: "the hash chain verifies"}
	if err := s.st.VerifyAudit(); err != nil {
		v.Verified = "VERIFICATION FAILED: " + err.Error()
	}
	seq, _, err := s.st.AuditHead()
	if err != nil {
		return err
	}
	v.Total = int(seq)
	since := uint64(0)
	if seq > auditLimit {
		since = seq - auditLimit
	}
	recs, err := s.st.Audit(since, 0)
	if err != nil {
		return err
	}
	for i, j := 0, len(recs)-1; i < j; i, j = i+1, j-1 {
		recs[i], recs[j] = recs[j], recs[i]
	}
	v.Records = recs
	return s.render(c, "audit", pageData{Title: "Audit log", Data: v})
}

type usersView struct {
	Throttles []throttleRow
	Users     []store.User
	Keys      []store.APIKey
	Roles     []string
	NewKey    string
	KeyFor    string
}

func (s *Server) usersView() (usersView, error) {
	v := usersView{Roles: Roles}
	var err error
	if v.Users, err = s.st.Users(); err != nil {
		return v, err
	}
	if v.Throttles, err = s.throttlesView(); err != nil {
		return v, err
	}
	v.Keys, err = s.st.APIKeys()
	return v, err
}

func (s *Server) usersPage(c echo.Context) error {
	v, err := s.usersView()
	if err != nil {
		return err
	}
	return s.render(c, "users", pageData{Title: "Users and API keys", Flash: c.QueryParam("done"), Data: v})
}

func (s *Server) userPost(c echo.Context) error {
	name, role := trimName(c.FormValue("name")), c.FormValue("role")
	if !validUserName(name) {
		return invalid("user name %q: 1 to 64 letters, digits, dots, dashes, underscores or @", name)
	}
	if !ValidRole(role) {
		return invalid("role %q: want one of %s", role, strings.Join(Roles, ", "))
	}
	if _, err := s.st.User(name); err == nil {
		return screener.Errorf(screener.KindConflict, "user %q exists already", name)
	}
	hash, err := HashPassword(c.FormValue("password"))
	if err != nil {
		return err
	}
	if _, err := s.st.PutUser(who(c).Name, store.User{Name: name, Role: role, PasswordHash: hash}); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/admin/users?done="+urlQueryEscape("added "+name+" ("+role+")"))
}

// keyPost creates an API key and shows it once, on this response.
func (s *Server) keyPost(c echo.Context) error {
	name, role := trimName(c.FormValue("name")), c.FormValue("role")
	if !validUserName(name) {
		return invalid("key name %q: 1 to 64 letters, digits, dots, dashes, underscores or @", name)
	}
	if !ValidRole(role) {
		return invalid("role %q: want one of %s", role, strings.Join(Roles, ", "))
	}
	key, _, err := s.st.CreateAPIKey(who(c).Name, name, role)
	if err != nil {
		return err
	}
	v, err := s.usersView()
	if err != nil {
		return err
	}
	v.NewKey, v.KeyFor = key, name
	return s.render(c, "users", pageData{Title: "Users and API keys", Data: v})
}

func (s *Server) keyRevokePost(c echo.Context) error {
	hash := c.FormValue("hash")
	if err := s.st.RevokeAPIKey(who(c).Name, hash); err != nil {
		return err
	}
	s.keys.drop(hash)
	return c.Redirect(http.StatusSeeOther, "/admin/users?done="+urlQueryEscape("revoked a key"))
}

// validUserName accepts short names of letters, digits and . _ - @.
func validUserName(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for _, r := range s {
		ok := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("._-@", r)
		if !ok {
			return false
		}
	}
	return true
}

// ValidName reports whether s may name a user or an API key.
func ValidName(s string) bool { return validUserName(s) }
