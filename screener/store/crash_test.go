package store_test

import (
	"bufio"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/screener/screener/screener"
	"github.com/screener/screener/screener/store"
)

// envCrashChild makes the test binary a child that imports list
// generations into the named database until it is killed.
const envCrashChild = "SCREENER_STORE_CRASH_CHILD"

// entriesPerGen makes each import a write of about 0.5 MB.
const entriesPerGen = 1500

// generation builds a list of n entries that all carry generation g, so a
// snapshot mixing two imports would show.
func generation(g, n int) *screener.List {
	tag := fmt.Sprintf("gen %d", g)
	l := &screener.List{Name: screener.ListOFACConsolidated, Format: "ofac-csv", Warnings: []string{tag},
		Sources: []screener.SourceFile{{Path: "cons_prim.csv", SHA256: fmt.Sprintf("%064x", g), Size: int64(n)}}}
	for i := 0; i < n; i++ {
		e := entry(fmt.Sprint(30000+i), fmt.Sprintf("ENTRY %d OF %s", i, tag), screener.ProgramCMIC)
		e.Remarks = tag + strings.Repeat(" padding", 20)
		e.ISINs = []string{fmt.Sprintf("CNE%09d", g*100000+i)}
		l.Entries = append(l.Entries, e)
	}
	return l
}

func crashChild(path string) {
	s, err := store.Open(path, &store.Options{Timeout: 10 * time.Second})
	if err != nil {
		fmt.Println("open:", err)
		os.Exit(3)
	}
	start := int(time.Now().UnixNano() % 1e6)
	fmt.Println("ready")
	for g := start; ; g++ {
		if _, err := s.Import([]*screener.List{generation(g, entriesPerGen)}, store.ImportOptions{Force: true, User: "child"}); err != nil {
			fmt.Println("import:", err)
			os.Exit(4)
		}
	}
}

// TestCrashDuringImport kills a child process with SIGKILL at random points
// while it imports snapshots, many times, and checks after each kill that
// the file opens, passes bbolt's consistency check, and holds only whole
// snapshots: every stored snapshot has all its entries, all of one
// generation, and the audit chain verifies with one record per snapshot.
func TestCrashDuringImport(t *testing.T) {
	if p := os.Getenv(envCrashChild); p != "" {
		crashChild(p)
		return
	}
	if testing.Short() {
		t.Skip("kills child processes; skipped with -short")
	}
	path := filepath.Join(t.TempDir(), "crash.db")
	s, err := store.Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Import([]*screener.List{generation(0, entriesPerGen)}, store.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	s.Close()

	const kills = 15
	checked := map[uint64]bool{}
	for k := 0; k < kills; k++ {
		cmd := exec.Command(os.Args[0], "-test.run=^TestCrashDuringImport$")
		cmd.Env = append(os.Environ(), envCrashChild+"="+path)
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		line, _ := bufio.NewReader(out).ReadString('\n')
		if strings.TrimSpace(line) != "ready" {
			cmd.Process.Kill()
			cmd.Wait()
			t.Fatalf("child said %q", line)
		}
		time.Sleep(time.Duration(rand.IntN(400)) * time.Millisecond)
		cmd.Process.Signal(syscall.SIGKILL)
		err = cmd.Wait()
		if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() {
			t.Fatalf("kill %d: child ended on its own: %v", k, err)
		}
		checkWhole(t, path, k, checked)
	}
}

func checkWhole(t *testing.T, path string, k int, checked map[uint64]bool) {
	t.Helper()
	s, err := store.Open(path, nil)
	if err != nil {
		t.Fatalf("kill %d: open: %v", k, err)
	}
	defer s.Close()
	if err := s.Check(); err != nil {
		t.Fatalf("kill %d: %v", k, err)
	}
	snaps, err := s.Snapshots("")
	if err != nil {
		t.Fatalf("kill %d: %v", k, err)
	}
	for _, sn := range snaps {
		if checked[sn.ID] {
			continue // a committed snapshot is never written again
		}
		checked[sn.ID] = true
		l, err := s.List(sn.ID)
		if err != nil {
			t.Fatalf("kill %d: snapshot %d: %v", k, sn.ID, err)
		}
		tag := l.Warnings[0]
		if len(l.Entries) != entriesPerGen {
			t.Fatalf("kill %d: snapshot %d has %d entries, want %d", k, sn.ID, len(l.Entries), entriesPerGen)
		}
		for _, e := range l.Entries {
			if !strings.HasPrefix(e.Remarks, tag+" ") {
				t.Fatalf("kill %d: snapshot %d (%s) holds entry %s of %q", k, sn.ID, tag, e.ID, e.Remarks[:8])
			}
		}
	}
	if err := s.VerifyAudit(); err != nil {
		t.Fatalf("kill %d: %v", k, err)
	}
	if n, _, _ := s.AuditHead(); n != uint64(len(snaps)) {
		t.Fatalf("kill %d: %d audit records for %d snapshots", k, n, len(snaps))
	}
	t.Logf("kill %d: %d whole snapshots", k, len(snaps))
}
