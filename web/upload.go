package web

import (
	"fmt"
	"io"
	"net/http"
	"runtime/debug"
	"sync"
	"time"

	"github.com/labstack/echo/v4"
)

// uploadLimit bounds an upload's request body at Config.MaxUpload: a body
// that says (Content-Length) or turns out (while it streams) to be larger
// is refused with a 413 that names the limit and the setting, so a user
// knows what to ask for.
func (s *Server) uploadLimit() echo.MiddlewareFunc {
	limit := s.cfg.MaxUpload
	msg := fmt.Sprintf("the upload is larger than this server's limit of %s (the upload limit: screener serve --max-upload, in MB)", byteSize(limit))
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			req := c.Request()
			if req.ContentLength > limit {
				return echo.NewHTTPError(http.StatusRequestEntityTooLarge, msg)
			}
			req.Body = &limitedBody{rc: req.Body, left: limit, msg: msg}
			return next(c)
		}
	}
}

// limitedBody fails every read past its limit with the 413.
type limitedBody struct {
	rc   io.ReadCloser
	left int64
	msg  string
}

func (b *limitedBody) Read(p []byte) (int, error) {
	if b.left < 0 {
		return 0, echo.NewHTTPError(http.StatusRequestEntityTooLarge, b.msg)
	}
	if int64(len(p)) > b.left+1 {
		p = p[:b.left+1]
	}
	n, err := b.rc.Read(p)
	b.left -= int64(n)
	if b.left < 0 {
		return n, echo.NewHTTPError(http.StatusRequestEntityTooLarge, b.msg)
	}
	return n, err
}

func (b *limitedBody) Close() error { return b.rc.Close() }

// byteSize writes n bytes for people: "1 GiB", "32 MiB", "4096 bytes".
func byteSize(n int64) string {
	switch {
	case n >= 1<<30 && n%(1<<30) == 0:
		return fmt.Sprintf("%d GiB", n>>30)
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

// bigUpload is the body size from which an upload gives its memory back to
// the system when it is done.
const bigUpload = 16 << 20

// releaseAfter is how long after the last big upload its memory is given
// back: uploads that come one after another (a month-end batch) reuse it
// instead of each faulting its megabytes in afresh, which on this kind of
// machine costs more than the copying (a 24 MB report buffer took a tenth
// of a second), while a server that screens a few large uploads a day
// does not hold their peak for long.
var releaseAfter = 10 * time.Second

var (
	releaseMu    sync.Mutex
	releaseTimer *time.Timer
	release      = debug.FreeOSMemory // what the timer runs (tests count it)
)

// reportBufs keeps the report buffers of answered uploads for later ones,
// until releaseMemory gives the memory back.
var reportBufs bufShelf

// bufShelf is a few byte buffers kept for reuse, the largest ones.
type bufShelf struct {
	mu   sync.Mutex
	bufs [][]byte
}

// bufShelfMin is the least capacity worth keeping (a small upload's
// report buffer is cheap to clear), and bufShelfLen how many are kept (one
// per upload that may run at once on a small server).
const (
	bufShelfMin = 1 << 20
	bufShelfLen = 4
)

// take returns an empty buffer with room for n bytes from the shelf, or
// nil when none is that large or n is under bufShelfMin (a small report,
// or one of no known size, leaves the big buffers to big uploads).
func (s *bufShelf) take(n int) []byte {
	if n < bufShelfMin {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, b := range s.bufs {
		if cap(b) >= n {
			s.bufs = append(s.bufs[:i], s.bufs[i+1:]...)
			return b[:0]
		}
	}
	return nil
}

// give puts b on the shelf, replacing the smallest when it is full, and
// reports whether it kept b. b must not be used after.
func (s *bufShelf) give(b []byte) bool {
	if cap(b) < bufShelfMin {
		return false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.bufs) < bufShelfLen {
		s.bufs = append(s.bufs, b[:0])
		return true
	}
	small := 0
	for i := range s.bufs {
		if cap(s.bufs[i]) < cap(s.bufs[small]) {
			small = i
		}
	}
	if cap(b) > cap(s.bufs[small]) {
		s.bufs[small] = b[:0]
		return true
	}
	return false
}

// empty drops every buffer on the shelf.
func (s *bufShelf) empty() {
	s.mu.Lock()
	s.bufs = nil
	s.mu.Unlock()
}

// releaseMemory returns the heap a big upload used (its chunks, memo and
// report buffer) to the system releaseAfter after the last such upload,
// instead of keeping it until the runtime's background scavenger gets to
// it. At most one release is pending.
func releaseMemory() {
	releaseMu.Lock()
	defer releaseMu.Unlock()
	if releaseTimer == nil {
		releaseTimer = time.AfterFunc(releaseAfter, func() {
			reportBufs.empty() // their memory goes back too
			release()
		})
		return
	}
	releaseTimer.Reset(releaseAfter)
}
