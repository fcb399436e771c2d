package web

import (
	"context"
	"net/http"
	"runtime"
	"strconv"
	"sync"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/screener/screener/screener/store"
)

// Bounded work for uploads: at most Config.UploadsPerPrincipal uploads of
// one user or key at a time and Config.UploadsTotal in all; an upload
// beyond waits up to Config.UploadWait for a slot (a queue of at most
// maxWaitingPer a principal), then gets 429 with Retry-After, and a storage quota per principal (413 once its
// saved runs take Config.Quota bytes). The counters live in this process:
// each replica bounds its own memory.

// Defaults of the upload limits.
const (
	DefaultUploadsPerPrincipal = 2
	DefaultQuota               = 1 << 30
)

// uploadSlots counts running uploads per principal and in all.
type uploadSlots struct {
	mu      sync.Mutex
	per     map[string]int
	waiting map[string]int // uploads of a principal queued for a slot
	total   int
	maxPer  int
	maxAll  int
	freed   chan struct{} // closed (and replaced) whenever a slot frees
}

// maxWaitingPer is how many uploads of one principal may queue for a slot;
// beyond, the next is refused at once (the queue holds connections open).
const maxWaitingPer = 16

// DefaultUploadWait is how long an upload waits for a free slot before
// its 429.
const DefaultUploadWait = 60 * time.Second

func newUploadSlots(per, all int) *uploadSlots {
	return &uploadSlots{per: map[string]int{}, waiting: map[string]int{}, maxPer: per, maxAll: all, freed: make(chan struct{})}
}

// acquire takes a slot for who, or reports which limit is full.
func (u *uploadSlots) acquire(who string) (ok bool, mine bool) {
	u.mu.Lock()
	defer u.mu.Unlock()
	return u.acquireLocked(who)
}

// await takes a slot for who, waiting up to d for one to free (a broker's
// burst of uploads queues instead of failing), unless ctx ends first or
// maxWaitingPer of who's uploads wait already.
func (u *uploadSlots) await(ctx context.Context, who string, d time.Duration) (ok bool, mine bool) {
	u.mu.Lock()
	if ok, mine = u.acquireLocked(who); ok || d <= 0 || u.waiting[who] >= maxWaitingPer {
		u.mu.Unlock()
		return ok, mine
	}
	u.waiting[who]++
	defer func() {
		u.mu.Lock()
		if u.waiting[who]--; u.waiting[who] <= 0 {
			delete(u.waiting, who)
		}
		u.mu.Unlock()
	}()
	timer := time.NewTimer(d)
	defer timer.Stop()
	for {
		freed := u.freed
		u.mu.Unlock()
		select {
		case <-freed:
		case <-timer.C:
			return false, mine
		case <-ctx.Done():
			return false, mine
		}
		u.mu.Lock()
		if ok, mine = u.acquireLocked(who); ok {
			u.mu.Unlock()
			return true, false
		}
	}
}

func (u *uploadSlots) acquireLocked(who string) (ok bool, mine bool) {
	if u.per[who] >= u.maxPer {
		return false, true
	}
	if u.total >= u.maxAll {
		return false, false
	}
	u.per[who]++
	u.total++
	return true, false
}

func (u *uploadSlots) release(who string) {
	u.mu.Lock()
	defer u.mu.Unlock()
	u.total--
	if u.per[who]--; u.per[who] <= 0 {
		delete(u.per, who)
	}
	close(u.freed)
	u.freed = make(chan struct{})
}

// uploadRetryAfter is the Retry-After of a refused upload, in seconds.
const uploadRetryAfter = 5

// uploadGate applies the concurrency limits and the quota to an upload
// route, before its body is read.
func (s *Server) uploadGate(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		p := who(c)
		if p == nil {
			return errUnauthorized
		}
		ok, mine := s.uploads.await(c.Request().Context(), p.Name, s.cfg.UploadWait)
		if !ok {
			c.Response().Header().Set("Retry-After", strconv.Itoa(uploadRetryAfter))
			if mine {
				return echo.NewHTTPError(http.StatusTooManyRequests, "you have "+strconv.Itoa(s.uploads.maxPer)+
					" uploads running already: wait for one to finish")
			}
			return echo.NewHTTPError(http.StatusTooManyRequests, "the server is screening as many uploads as it can: try again in a few seconds")
		}
		defer s.uploads.release(p.Name)
		if s.cfg.Quota > 0 {
			used, err := s.st.Usage(p.Name)
			if err != nil {
				return err
			}
			if used >= s.cfg.Quota {
				return echo.NewHTTPError(http.StatusRequestEntityTooLarge, "storage quota reached: your saved runs take "+
					mb(used)+" of "+mb(s.cfg.Quota)+"; ask an administrator to purge old runs")
			}
		}
		return next(c)
	}
}

func mb(n int64) string { return strconv.FormatInt((n+(1<<20)-1)>>20, 10) + " MB" }

// apiBackup streams a consistent copy of the database (bbolt's read
// transaction; the server keeps serving) to an admin key.
func (s *Server) apiBackup(c echo.Context) error {
	b, ok := s.st.(store.Backuper)
	if !ok {
		return invalid("this store is not a database file: back PostgreSQL up with its own tools (pg_dump)")
	}
	// On record before the first byte leaves: a backup is an export of
	// every record.
	if err := s.st.AuditBackup(who(c).Name, map[string]string{"via": "POST /api/v1/admin/backup", "addr": c.RealIP()}); err != nil {
		return err
	}
	h := c.Response().Header()
	h.Set(echo.HeaderContentType, "application/octet-stream")
	h.Set(echo.HeaderContentDisposition, `attachment; filename="screener-backup-`+time.Now().UTC().Format("20060102T150405Z")+`.db"`)
	h.Set("Cache-Control", "no-store")
	c.Response().WriteHeader(http.StatusOK)
	n, err := b.Backup(c.Response())
	if err != nil {
		// The status is sent: the client sees a short file that does not
		// open. Say why in the log.
		s.log.Error("backup failed mid-stream", "bytes", n, "err", err,
			"request_id", h.Get(echo.HeaderXRequestID))
		return nil
	}
	s.log.Info("backup streamed", "bytes", n, "by", who(c).Name)
	return nil
}

// purgeRequest is the body of POST /api/v1/admin/purge.
type purgeRequest struct {
	RetentionDays int  `json:"retention_days"`
	DryRun        bool `json:"dry_run"`
}

// apiPurge removes runs older than the retention (admin key), audited.
func (s *Server) apiPurge(c echo.Context) error {
	var req purgeRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	if req.RetentionDays < 1 {
		return invalid("retention_days: at least 1")
	}
	res, err := s.st.PurgeRuns(who(c).Name, time.Now().AddDate(0, 0, -req.RetentionDays), req.DryRun)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, res)
}

// RetentionLoop purges runs older than Config.Retention now and then once
// a day until ctx ends (audited as "screener serve (retention)"). It does
// nothing when Config.Retention is 0.
func (s *Server) RetentionLoop(ctx context.Context) {
	if s.cfg.Retention <= 0 {
		return
	}
	t := time.NewTicker(24 * time.Hour)
	defer t.Stop()
	for {
		res, err := s.st.PurgeRuns("screener serve (retention)", time.Now().Add(-s.cfg.Retention), false)
		if err != nil {
			s.log.Error("retention purge", "err", err)
		} else {
			s.log.Info("retention purge", "removed", len(res.Removed), "bytes", res.Bytes, "kept", res.Kept)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// defaultUploadsTotal bounds uploads of all principals together.
func defaultUploadsTotal() int { return max(2, runtime.GOMAXPROCS(0)) }
