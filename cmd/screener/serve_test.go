package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// lockedBuf is a bytes.Buffer safe for the server's goroutines.
type lockedBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuf) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuf) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func serveCmd(t *testing.T, args ...string) (string, string, error) {
	t.Helper()
	var out, errb bytes.Buffer
	err := run(context.Background(), args, &out, &errb)
	return out.String(), errb.String(), err
}

var keyRE = regexp.MustCompile(`^[A-Za-z0-9_.-]{20,}\n$`)

func TestUsersAndKeys(t *testing.T) {
	db := filepath.Join(t.TempDir(), "s.db")
	t.Setenv("SCREENER_PASSWORD", "correct-horse-battery")
	tests := []struct {
		name    string
		args    []string
		stdin   string
		env     string
		wantErr bool
	}{
		{"add from the environment", []string{"users", "add", "--db", db, "--role", "compliance", "alice"}, "", "correct-horse-battery", false},
		{"add from stdin", []string{"users", "add", "--db", db, "--role", "fund_manager", "bob"}, "another-long-one\n", "", false},
		{"existing user", []string{"users", "add", "--db", db, "--role", "admin", "alice"}, "", "correct-horse-battery", true},
		{"existing user with --update", []string{"users", "add", "--db", db, "--role", "admin", "--update", "alice"}, "", "correct-horse-battery", false},
		{"bad role", []string{"users", "add", "--db", db, "--role", "root", "carol"}, "", "correct-horse-battery", true},
		{"short password", []string{"users", "add", "--db", db, "--role", "admin", "carol"}, "", "short", true},
		{"no password", []string{"users", "add", "--db", db, "--role", "admin", "carol"}, "", "", true},
		{"no name", []string{"users", "add", "--db", db, "--role", "admin"}, "", "correct-horse-battery", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("SCREENER_PASSWORD", tc.env)
			stdin = strings.NewReader(tc.stdin)
			defer func() { stdin = os.Stdin }()
			_, _, err := serveCmd(t, tc.args...)
			if (err != nil) != tc.wantErr {
				t.Errorf("err %v, want error %v", err, tc.wantErr)
			}
		})
	}
	out, _, err := serveCmd(t, "users", "list", "--db", db)
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`alice\s+admin`).MatchString(out) || !regexp.MustCompile(`bob\s+fund_manager`).MatchString(out) || strings.Contains(out, "carol") {
		t.Errorf("users list:\n%s", out)
	}

	key, _, err := serveCmd(t, "keys", "create", "--db", db, "--role", "broker", "bars")
	if err != nil {
		t.Fatal(err)
	}
	if !keyRE.MatchString(key) {
		t.Fatalf("keys create printed %q, want one key line", key)
	}
	if _, _, err := serveCmd(t, "keys", "create", "--db", db, "--role", "pirate", "x"); err == nil {
		t.Error("a key with a bad role was created")
	}
	out, _, _ = serveCmd(t, "keys", "list", "--db", db)
	m := regexp.MustCompile(`bars\s+broker\s+\S+\s+([0-9a-f]{16})\s+active`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("keys list:\n%s", out)
	}
	if _, _, err := serveCmd(t, "keys", "revoke", "--db", db, m[1][:4]); err == nil {
		t.Error("revoke with a 4-character prefix worked")
	}
	if _, _, err := serveCmd(t, "keys", "revoke", "--db", db, m[1]); err != nil {
		t.Fatal(err)
	}
	out, _, _ = serveCmd(t, "keys", "list", "--db", db)
	if !strings.Contains(out, "revoked") {
		t.Errorf("after revoke:\n%s", out)
	}
}

// TestServe starts the server on a free port, creates the first admin,
// answers a check with a key made on the command line, and stops cleanly
// when its context is cancelled (as on SIGINT).
func TestServe(t *testing.T) {
	db := filepath.Join(t.TempDir(), "s.db")
	key, _, err := serveCmd(t, "keys", "create", "--db", db, "--role", "broker", "bars")
	if err != nil {
		t.Fatal(err)
	}
	key = strings.TrimSpace(key)
	t.Setenv("SCREENER_ADMIN_PASSWORD", "")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stderr lockedBuf
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--addr", "127.0.0.1:0", "--db", db, "--log-sample", "1"}, io.Discard, &stderr)
	}()
	urlRE := regexp.MustCompile(`url=(http://127\.0\.0\.1:\d+)/`)
	var base string
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline) && base == ""; time.Sleep(50 * time.Millisecond) {
		if m := urlRE.FindStringSubmatch(stderr.String()); m != nil {
			base = m[1]
		}
		select {
		case err := <-done:
			t.Fatalf("serve stopped: %v\n%s", err, stderr.String())
		default:
		}
	}
	if base == "" {
		t.Fatalf("serve did not start:\n%s", stderr.String())
	}
	if !regexp.MustCompile(`created user admin with password [A-Za-z0-9_-]{20,}`).MatchString(stderr.String()) {
		t.Errorf("first admin's password not printed:\n%s", stderr.String())
	}
	tests := []struct {
		name, key, body string
		status          int
		decision        string
	}{
		{"buy", key, `{"items":[{"id":"HK0941009539","side":"buy"}],"as_of":"2023-01-01"}`, 200, "reject"},
		{"hold", key, `{"items":[{"id":"HK0941009539","side":"hold"}],"as_of":"2023-01-01"}`, 200, "allow"},
		{"wrong key", "wrong-key", `{"items":[{"id":"HK0941009539","side":"buy"}]}`, 401, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req, _ := http.NewRequest("POST", base+"/api/v1/check", strings.NewReader(tc.body))
			req.Header.Set("X-API-Key", tc.key)
			req.Header.Set("Content-Type", "application/json")
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			var body struct {
				Results []struct{ Decision string }
			}
			json.NewDecoder(resp.Body).Decode(&body)
			if resp.StatusCode != tc.status {
				t.Fatalf("status %d, want %d", resp.StatusCode, tc.status)
			}
			if tc.decision != "" && (len(body.Results) != 1 || body.Results[0].Decision != tc.decision) {
				t.Errorf("results %+v, want %s", body.Results, tc.decision)
			}
		})
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("serve returned %v after cancel", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("serve did not stop")
	}
	if !strings.Contains(stderr.String(), "request_id=") {
		t.Errorf("request logs carry no request id:\n%s", stderr.String())
	}
}
