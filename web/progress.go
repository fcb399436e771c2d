package web

import (
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/screener/screener/screener/pipeline"
)

// Issue 15: the upload page's progress bar. The page's script sends the
// form with a token of its choosing (the form field progressField, before
// the file); while the upload is screened its run is found under (user,
// token) and GET /upload/progress?id=TOKEN answers the rows screened so
// far. Only the user who uploaded sees an upload's progress.

// progressField is the upload form's field that names the upload's token.
const progressField = "progress"

// maxProgress bounds the uploads tracked at once. Uploads are bounded by
// the upload slots and their queue long before this; an upload that finds
// the table full is screened untracked (its page shows no row count).
const maxProgress = 256

// progressLinger is how long a finished upload still answers its poll
// (done), so a poll that races the upload's answer sees it end.
const progressLinger = 30 * time.Second

// progressKey names one tracked upload.
type progressKey struct{ user, token string }

// uploadProgress is one tracked upload.
type uploadProgress struct {
	run  atomic.Pointer[pipeline.Run] // set once the run starts
	rows atomic.Int64                 // the rows of a finished run
	done atomic.Bool
}

// Rows returns the rows screened so far.
func (u *uploadProgress) Rows() int {
	if r := u.run.Load(); r != nil {
		return r.Rows()
	}
	return int(u.rows.Load())
}

// progressTable holds the tracked uploads.
type progressTable struct {
	mu sync.Mutex
	m  map[progressKey]*uploadProgress
}

// validToken reports whether t is a token as the page makes them: 16 to 64
// lower-case hexadecimal digits.
func validToken(t string) bool {
	if len(t) < 16 || len(t) > 64 {
		return false
	}
	for _, c := range t {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

// start tracks the upload of user under token and returns it, or nil when
// the token is not one, is in use, or the table is full; the caller calls
// end when the upload is over.
func (t *progressTable) start(user, token string) *uploadProgress {
	if !validToken(token) {
		return nil
	}
	k := progressKey{user, token}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.m == nil {
		t.m = map[progressKey]*uploadProgress{}
	}
	if _, ok := t.m[k]; ok || len(t.m) >= maxProgress {
		return nil
	}
	u := &uploadProgress{}
	t.m[k] = u
	return u
}

// end marks the upload done and forgets it after progressLinger.
func (t *progressTable) end(user, token string, u *uploadProgress) {
	if r := u.run.Load(); r != nil {
		u.rows.Store(int64(r.Rows()))
	}
	u.done.Store(true)
	u.run.Store(nil) // let the run's memory go now
	time.AfterFunc(progressLinger, func() { t.forget(user, token, u) })
}

func (t *progressTable) forget(user, token string, u *uploadProgress) {
	t.mu.Lock()
	defer t.mu.Unlock()
	k := progressKey{user, token}
	if t.m[k] == u {
		delete(t.m, k)
	}
}

func (t *progressTable) get(user, token string) *uploadProgress {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.m[progressKey{user, token}]
}

// progressReply is the JSON of GET /upload/progress.
type progressReply struct {
	Rows int  `json:"rows"`
	Done bool `json:"done"`
}

// uploadProgressPage answers how far the caller's upload id has come: 404
// for a token that is not the caller's running (or just finished) upload,
// including one that has not reached the server yet.
func (s *Server) uploadProgressPage(c echo.Context) error {
	u := s.progress.get(who(c).Name, c.QueryParam("id"))
	if u == nil {
		return echo.NewHTTPError(http.StatusNotFound, "no upload of yours with this id is running")
	}
	c.Response().Header().Set(echo.HeaderCacheControl, "no-store")
	return c.JSON(http.StatusOK, progressReply{Rows: u.Rows(), Done: u.done.Load()})
}
