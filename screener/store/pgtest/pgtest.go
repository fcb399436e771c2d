// Package pgtest starts a throwaway PostgreSQL cluster for tests: initdb
// into a temporary folder, pg_ctl start on a loopback port, one fresh
// database per test, and pg_ctl stop when the test binary ends. As root it
// runs the server binaries as the postgres user (initdb refuses root).
//
// Tests that need PostgreSQL call DSN; it skips them, saying why, when no
// server can be started, unless SCREENER_REQUIRE_POSTGRES=1 (set by CI),
// which makes that a failure. A package using it wraps its tests with Main
// so the cluster stops at the end:
//
//	func TestMain(m *testing.M) { pgtest.Main(m) }
package pgtest

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// Server is a running throwaway cluster.
type Server struct {
	Bin  string // the folder of initdb, pg_ctl, postgres
	Dir  string // the temporary folder holding data/ and the log
	Port int
	asPG bool // run the binaries as the postgres user
}

// BinDir returns the newest /usr/lib/postgresql/*/bin holding initdb, or
// $SCREENER_PG_BIN.
func BinDir() (string, error) {
	if d := os.Getenv("SCREENER_PG_BIN"); d != "" {
		return d, nil
	}
	ms, _ := filepath.Glob("/usr/lib/postgresql/*/bin/initdb")
	if len(ms) == 0 {
		if p, err := exec.LookPath("initdb"); err == nil {
			return filepath.Dir(p), nil
		}
		return "", errors.New("no PostgreSQL server binaries (/usr/lib/postgresql/*/bin/initdb; Debian package postgresql)")
	}
	sort.Slice(ms, func(i, j int) bool {
		vi, _ := strconv.Atoi(filepath.Base(filepath.Dir(filepath.Dir(ms[i]))))
		vj, _ := strconv.Atoi(filepath.Base(filepath.Dir(filepath.Dir(ms[j]))))
		return vi < vj
	})
	return filepath.Dir(ms[len(ms)-1]), nil
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func (s *Server) cmd(name string, args ...string) *exec.Cmd {
	bin := filepath.Join(s.Bin, name)
	if s.asPG {
		return exec.Command("runuser", append([]string{"-u", "postgres", "--", bin}, args...)...)
	}
	return exec.Command(bin, args...)
}

// Start initialises and starts a new cluster in a temporary folder.
func Start() (*Server, error) {
	bin, err := BinDir()
	if err != nil {
		return nil, err
	}
	s := &Server{Bin: bin, asPG: os.Geteuid() == 0}
	var pgUser *user.User
	if s.asPG {
		if pgUser, err = user.Lookup("postgres"); err != nil {
			return nil, fmt.Errorf("running as root, and there is no postgres user to run the server as: %w", err)
		}
	}
	if s.Dir, err = os.MkdirTemp("", "pgtest."); err != nil {
		return nil, err
	}
	if err := os.Chmod(s.Dir, 0o755); err != nil {
		return nil, err
	}
	if s.asPG {
		uid, _ := strconv.Atoi(pgUser.Uid)
		gid, _ := strconv.Atoi(pgUser.Gid)
		if err := os.Chown(s.Dir, uid, gid); err != nil {
			os.RemoveAll(s.Dir)
			return nil, err
		}
	}
	if out, err := s.cmd("initdb", "-D", filepath.Join(s.Dir, "data"), "-A", "trust", "-U", "postgres", "--no-sync").CombinedOutput(); err != nil {
		os.RemoveAll(s.Dir)
		return nil, fmt.Errorf("initdb: %v: %s", err, lastLine(out))
	}
	for try := 0; ; try++ {
		if s.Port, err = freePort(); err != nil {
			return nil, err
		}
		opts := fmt.Sprintf("-p %d -k %s -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300", s.Port, s.Dir)
		out, err := s.cmd("pg_ctl", "-D", filepath.Join(s.Dir, "data"), "-l", filepath.Join(s.Dir, "log"), "-w", "-t", "60", "-o", opts, "start").CombinedOutput()
		if err == nil {
			return s, nil
		}
		if try == 2 {
			log, _ := os.ReadFile(filepath.Join(s.Dir, "log"))
			os.RemoveAll(s.Dir)
			return nil, fmt.Errorf("pg_ctl start: %v: %s %s", err, lastLine(out), lastLine(log))
		}
	}
}

func lastLine(b []byte) string {
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	return lines[len(lines)-1]
}

// URL returns the URL of database db on the server.
func (s *Server) URL(db string) string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/%s?sslmode=disable", s.Port, db)
}

// CreateDatabase makes a new empty database and returns its URL.
func (s *Server) CreateDatabase(name string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c, err := pgx.Connect(ctx, s.URL("postgres"))
	if err != nil {
		return "", err
	}
	defer c.Close(ctx)
	if _, err := c.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()); err != nil {
		return "", err
	}
	return s.URL(name), nil
}

// Stop stops the server at once and removes its folder.
func (s *Server) Stop() {
	s.cmd("pg_ctl", "-D", filepath.Join(s.Dir, "data"), "-m", "immediate", "-w", "stop").Run()
	os.RemoveAll(s.Dir)
}

var (
	once    sync.Once
	shared  *Server
	failed  error
	counter atomic.Int64
)

// Shared returns the package's cluster, starting it on first use.
func Shared() (*Server, error) {
	once.Do(func() { shared, failed = Start() })
	return shared, failed
}

// Required reports whether SCREENER_REQUIRE_POSTGRES=1 asks for tests to
// fail rather than skip when PostgreSQL cannot be started.
func Required() bool { return os.Getenv("SCREENER_REQUIRE_POSTGRES") == "1" }

// DSN returns the URL of a new empty database on the shared cluster. It
// skips the test when the cluster cannot start (fails when Required).
func DSN(t testing.TB) string {
	t.Helper()
	s, err := Shared()
	if err != nil {
		if Required() {
			t.Fatalf("PostgreSQL is required (SCREENER_REQUIRE_POSTGRES=1) but could not be started: %v", err)
		}
		t.Skipf("PostgreSQL could not be started, skipping (set SCREENER_REQUIRE_POSTGRES=1 to fail instead): %v", err)
	}
	name := fmt.Sprintf("t%d_%d", os.Getpid(), counter.Add(1))
	dsn, err := s.CreateDatabase(name)
	if err != nil {
		t.Fatalf("create database %s: %v", name, err)
	}
	return dsn
}

// Main runs the tests of m and stops the shared cluster if one started.
func Main(m *testing.M) {
	code := m.Run()
	if shared != nil {
		shared.Stop()
	}
	os.Exit(code)
}
