package store

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"syscall"
	"time"

	"github.com/screener/screener/screener"
)

// bbolt locks its file for one writing process (a reader waits for it too),
// so a second process cannot tell who holds it. The process that opens the
// file for writing leaves a note beside it (FILE.owner) naming itself; a
// process that times out waiting reads the note and names the holder.

// Holder describes the process holding a database file.
type Holder struct {
	PID     int       `json:"pid"`
	Host    string    `json:"host"`
	Command string    `json:"command"`
	Since   time.Time `json:"since"`
}

// HolderPath is the note beside a database file naming its holder.
func HolderPath(path string) string { return path + ".owner" }

// LockedError is the refusal to open a file another process holds; it is a
// screener.KindConflict error.
type LockedError struct {
	Path     string
	ReadOnly bool
	Holder   *Holder // nil when the holder left no note
	Gone     bool    // the note names a process that no longer runs
}

func (e *LockedError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "open %s: the database is in use by another process", e.Path)
	if h := e.Holder; h != nil {
		fmt.Fprintf(&b, " (pid %d on %s, %q, since %s", h.PID, h.Host, h.Command, h.Since.UTC().Format(time.RFC3339))
		if e.Gone {
			b.WriteString("; that pid no longer runs, so another process holds it now")
		}
		b.WriteString(")")
	}
	return b.String()
}

// Unwrap classifies the refusal as a conflict.
func (e *LockedError) Unwrap() error {
	return &screener.Error{Kind: screener.KindConflict, Message: e.Error()}
}

func writeHolder(path string) {
	host, _ := os.Hostname()
	b, _ := json.Marshal(Holder{PID: os.Getpid(), Host: host, Command: strings.Join(os.Args, " "), Since: time.Now().UTC()})
	_ = os.WriteFile(HolderPath(path), append(b, '\n'), 0o600) // a note only: the lock itself is bbolt's
}

func removeHolder(path string) {
	if h := readHolder(path); h != nil && h.PID == os.Getpid() {
		os.Remove(HolderPath(path))
	}
}

func readHolder(path string) *Holder {
	b, err := os.ReadFile(HolderPath(path))
	if err != nil {
		return nil
	}
	var h Holder
	if json.Unmarshal(b, &h) != nil || h.PID <= 0 {
		return nil
	}
	return &h
}

func lockedError(path string, readOnly bool) *LockedError {
	e := &LockedError{Path: path, ReadOnly: readOnly, Holder: readHolder(path)}
	if e.Holder != nil {
		host, _ := os.Hostname()
		if e.Holder.Host == host && syscall.Kill(e.Holder.PID, 0) == syscall.ESRCH {
			e.Gone = true
		}
	}
	return e
}
