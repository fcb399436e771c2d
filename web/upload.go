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

// releaseMemory returns the heap a big upload used (its chunks, memo and
// report buffer) to the system releaseAfter after the last such upload,
// instead of keeping it until the runtime's background scavenger gets to
// it. At most one release is pending.
func releaseMemory() {
	releaseMu.Lock()
	defer releaseMu.Unlock()
	if releaseTimer == nil {
		releaseTimer = time.AfterFunc(releaseAfter, func() { release() })
		return
	}
	releaseTimer.Reset(releaseAfter)
}
