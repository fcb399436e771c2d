package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
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

	"github.com/shopspring/decimal"

	"github.com/screener/screener/screener"
	"github.com/screener/screener/screener/funds"
	"github.com/screener/screener/screener/store"
	"github.com/screener/screener/screener/store/pgtest"
	"github.com/screener/screener/screener/store/postgres"
)

// listSnapshot returns the snapshot id a server uses for list (0: none).
func listSnapshot(base, key, list string) uint64 {
	req, _ := http.NewRequest("GET", base+"/api/v1/lists", nil)
	req.Header.Set("X-API-Key", key)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0
	}
	defer resp.Body.Close()
	var v struct {
		Lists []struct {
			Name       string `json:"name"`
			SnapshotID uint64 `json:"snapshot_id"`
		} `json:"lists"`
	}
	json.NewDecoder(resp.Body).Decode(&v)
	for _, l := range v.Lists {
		if l.Name == list {
			return l.SnapshotID
		}
	}
	return 0
}

// checkStatus returns a server's pre-trade status for id as of asOf ("" on
// any failure).
func checkStatus(base, key, id, asOf string) string {
	body := `{"items":[{"id":"` + id + `","side":"buy"}],"as_of":"` + asOf + `"}`
	req, _ := http.NewRequest("POST", base+"/api/v1/check", strings.NewReader(body))
	req.Header.Set("X-API-Key", key)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return ""
	}
	defer resp.Body.Close()
	var v struct {
		Results []struct {
			Status string `json:"status"`
		} `json:"results"`
	}
	if json.NewDecoder(resp.Body).Decode(&v) != nil || len(v.Results) != 1 {
		return ""
	}
	return v.Results[0].Status
}

// TestReplicasOnPostgres runs two `screener serve` replicas on one
// PostgreSQL database: a list imported through the store while both serve
// is in use on both within seconds; then uploads go to both and one
// replica is killed with SIGKILL in the middle of them. Every run either
// replica acknowledged is in the database, whole; the other replica keeps
// serving (uploads to it after the kill succeed); the audit chain verifies.
func TestReplicasOnPostgres(t *testing.T) {
	if testing.Short() {
		t.Skip("starts PostgreSQL and two servers")
	}
	dsn := pgtest.DSN(t)
	demo, err := os.ReadFile(filepath.Join("..", "..", "testdata", "demo", "holdings.csv"))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := run(context.Background(), []string{"keys", "create", "--db", dsn, "--role", "admin", "replicas"}, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	key := strings.TrimSpace(out.String())
	start := func(name string) (*replica, string) {
		addr := freePort(t)
		cmd := child(t, "serve", "--addr", addr, "--db", dsn, "--log-level", "warn")
		var stderr lockedBuf
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		base := "http://" + addr
		if !waitHealthy(base) {
			cmd.Process.Kill()
			cmd.Wait()
			t.Fatalf("replica %s did not come up: %s", name, stderr.String())
		}
		return &replica{cmd: cmd, stderr: &stderr}, base
	}
	a, baseA := start("A")
	b, baseB := start("B")
	defer func() {
		for _, x := range []*replica{a, b} {
			x.cmd.Process.Kill()
			x.cmd.Wait()
		}
	}()

	// A list import by another process (the CLI, or replica A's admin
	// page) reaches both replicas.
	st, err := postgres.Open(context.Background(), dsn, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	sdn := &screener.List{Name: screener.ListOFACSDN, Format: "ofac-csv", AsOf: screener.NewDate(2026, 1, 2),
		Entries: []screener.Entry{{List: screener.ListOFACSDN, ID: "306", Name: "BANCO NACIONAL DE CUBA", Programs: []string{"CUBA"}}}}
	res, err := st.Import([]*screener.List{sdn}, store.ImportOptions{User: "test"})
	if err != nil {
		t.Fatal(err)
	}
	want := res[0].Snapshot.ID
	deadline := time.Now().Add(10 * time.Second)
	for _, base := range []string{baseA, baseB} {
		for listSnapshot(base, key, screener.ListOFACSDN) != want {
			if time.Now().After(deadline) {
				t.Fatalf("%s does not use snapshot %d of %s 10 s after the import", base, want, screener.ListOFACSDN)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}

	// So do fund holdings registered through the store: both replicas
	// look through the fund within seconds (a new registry also empties
	// the pre-trade check's memo).
	reg := funds.Registration{Name: "CMIC test fund", IDs: []screener.ID{{Type: funds.IDISIN, Value: "XS0000CMICF6"}},
		Set:      funds.SetInfo{AsOf: screener.NewDate(2022, 12, 20), File: "fund.csv", SHA256: "00", Rows: 1},
		Holdings: []screener.Holding{{Name: "CHINA MOBILE LTD", ISIN: "HK0941009539", Weight: decimal.NewFromInt(100), HasWeight: true}}}
	if _, _, _, err := st.AddFundHoldings("test", reg); err != nil {
		t.Fatal(err)
	}
	deadline = time.Now().Add(10 * time.Second)
	for _, base := range []string{baseA, baseB} {
		for checkStatus(base, key, "XS0000CMICF6", "2023-01-01") != string(screener.StatusProhibitedExposure) {
			if time.Now().After(deadline) {
				t.Fatalf("%s does not look through the fund registered 10 s before: %q", base, checkStatus(base, key, "XS0000CMICF6", "2023-01-01"))
			}
			time.Sleep(50 * time.Millisecond)
		}
	}

	var mu sync.Mutex
	acked := map[uint64]bool{}
	var afterKill, failedB int
	killed := make(chan struct{})
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for w := 0; w < 4; w++ {
		base := baseA
		if w%2 == 1 {
			base = baseB
		}
		wg.Add(1)
		go func(base string) {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				dead := false
				select {
				case <-killed:
					dead = true
				default:
				}
				id, ok := upload(base, key, demo)
				mu.Lock()
				if ok {
					acked[id] = true
					if dead && base == baseB {
						afterKill++
					}
				} else if dead && base == baseB {
					failedB++
				}
				mu.Unlock()
				if dead && base == baseA {
					return // its replica is gone
				}
			}
		}(base)
	}
	time.Sleep(700 * time.Millisecond)
	a.cmd.Process.Signal(syscall.SIGKILL)
	a.cmd.Wait()
	close(killed)
	time.Sleep(700 * time.Millisecond)
	close(stop)
	wg.Wait()

	if afterKill == 0 || failedB > 0 {
		t.Errorf("after replica A was killed, B acknowledged %d uploads and failed %d: %s", afterKill, failedB, b.stderr.String())
	}
	if len(acked) < 4 {
		t.Fatalf("only %d uploads acknowledged: the test proved little", len(acked))
	}
	for id := range acked {
		raw, err := st.RunReport(id)
		if err != nil {
			t.Fatalf("acknowledged run %d lost: %v", id, err)
		}
		var r struct {
			Summary struct{ Rows, Screened, Rejected int }
		}
		if err := json.Unmarshal(raw, &r); err != nil || r.Summary.Rows != 13 || r.Summary.Screened+r.Summary.Rejected != 13 {
			t.Fatalf("run %d is not whole: %v %+v", id, err, r.Summary)
		}
	}
	// Replica B serves a run A saved.
	for id := range acked {
		req, _ := http.NewRequest("GET", baseB+"/api/v1/runs/"+strconv.FormatUint(id, 10), nil)
		req.Header.Set("X-API-Key", key)
		resp, err := http.DefaultClient.Do(req)
		if err != nil || resp.StatusCode != 200 {
			t.Errorf("run %d from replica B: %v %v", id, err, resp)
		}
		if resp != nil {
			resp.Body.Close()
		}
		break
	}
	if err := st.VerifyAudit(); err != nil {
		t.Errorf("audit chain: %v", err)
	}
	if err := st.Check(); err != nil {
		t.Errorf("check: %v", err)
	}
	t.Logf("%d acknowledged runs kept through a SIGKILL of one replica; %d uploads to the other after it", len(acked), afterKill)
}

type replica struct {
	cmd    *exec.Cmd
	stderr *lockedBuf
}
