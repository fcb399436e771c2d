package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/screener/screener/screener/store"
	"github.com/screener/screener/screener/store/pgtest"
)

// TestMain lets the test binary act as `screener` when re-executed by a
// test (crash tests kill that child with SIGKILL).
func TestMain(m *testing.M) {
	if args := os.Getenv("SCREENER_TEST_CHILD"); args != "" {
		var argv []string
		if err := json.Unmarshal([]byte(args), &argv); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		ctx, stop := context.WithCancel(context.Background())
		defer stop()
		os.Exit(exitCode(run(ctx, argv, os.Stdout, os.Stderr), os.Stderr))
	}
	pgtest.Main(m) // runs the tests, then stops the PostgreSQL cluster if one started
}

// child starts this test binary as `screener args...`.
func child(t *testing.T, args ...string) *exec.Cmd {
	t.Helper()
	a, _ := json.Marshal(args)
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "SCREENER_TEST_CHILD="+string(a), "SCREENER_ADMIN_PASSWORD=crash-test-password")
	return cmd
}

func freePort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// TestServerCrashKeepsAcknowledgedRuns is issue 8's crash safety for the
// server's writes: uploads run in parallel against `screener serve`, the
// server is killed with SIGKILL in the middle of them, and then every run
// the server acknowledged (201 with a run id) is in the database, whole,
// and the file passes bbolt's consistency check. Repeated a few times at
// different moments.
func TestServerCrashKeepsAcknowledgedRuns(t *testing.T) {
	if testing.Short() {
		t.Skip("starts and kills servers")
	}
	demo, err := os.ReadFile(filepath.Join("..", "..", "testdata", "demo", "holdings.csv"))
	if err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(t.TempDir(), "crash.db")
	var out bytes.Buffer
	if err := run(context.Background(), []string{"keys", "create", "--db", db, "--role", "broker", "crash"}, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	key := strings.TrimSpace(out.String())
	acked := map[uint64]bool{}
	for round := 0; round < 3; round++ {
		addr := freePort(t)
		cmd := child(t, "serve", "--addr", addr, "--db", db, "--log-level", "error")
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		base := "http://" + addr
		if !waitHealthy(base) {
			cmd.Process.Kill()
			cmd.Wait()
			t.Fatalf("round %d: server did not come up: %s", round, stderr.String())
		}
		var mu sync.Mutex
		var wg sync.WaitGroup
		stop := make(chan struct{})
		for w := 0; w < 4; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					select {
					case <-stop:
						return
					default:
					}
					id, ok := upload(base, key, demo)
					if ok {
						mu.Lock()
						acked[id] = true
						mu.Unlock()
					}
				}
			}()
		}
		time.Sleep(time.Duration(300+round*250) * time.Millisecond)
		cmd.Process.Signal(syscall.SIGKILL)
		cmd.Wait()
		close(stop)
		wg.Wait()

		st, err := store.Open(db, nil)
		if err != nil {
			t.Fatalf("round %d: open after SIGKILL: %v", round, err)
		}
		if err := st.Check(); err != nil {
			t.Fatalf("round %d: consistency check after SIGKILL: %v", round, err)
		}
		for id := range acked {
			raw, err := st.RunReport(id)
			if err != nil {
				t.Fatalf("round %d: acknowledged run %d lost: %v", round, id, err)
			}
			var r struct {
				Summary struct{ Rows, Screened, Rejected int }
			}
			if err := json.Unmarshal(raw, &r); err != nil || r.Summary.Rows != 13 || r.Summary.Screened+r.Summary.Rejected != 13 {
				t.Fatalf("round %d: run %d is not whole: %v %+v", round, id, err, r.Summary)
			}
		}
		if err := st.VerifyAudit(); err != nil {
			t.Fatalf("round %d: audit chain after SIGKILL: %v", round, err)
		}
		st.Close()
	}
	if len(acked) == 0 {
		t.Fatal("no upload was acknowledged: the test proved nothing")
	}
	t.Logf("%d acknowledged runs survived 3 SIGKILLs", len(acked))
}

func waitHealthy(base string) bool {
	for i := 0; i < 100; i++ {
		if resp, err := http.Get(base + "/healthz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return true
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	return false
}

// upload posts the demo file to /api/v1/screen and returns the run id the
// server acknowledged.
func upload(base, key string, file []byte) (uint64, bool) {
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, _ := mw.CreateFormFile("file", "holdings.csv")
	fw.Write(file)
	mw.Close()
	req, _ := http.NewRequest("POST", base+"/api/v1/screen?portfolio=crash&as_of=2023-01-01", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("X-API-Key", key)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, false
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, bufio.NewReader(resp.Body))
	if resp.StatusCode != http.StatusCreated {
		return 0, false
	}
	id, err := strconv.ParseUint(resp.Header.Get("X-Run-ID"), 10, 64)
	return id, err == nil
}
