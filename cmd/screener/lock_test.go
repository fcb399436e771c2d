package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/screener/screener/screener"
	"github.com/screener/screener/screener/store"
)

// TestCommandsWhileTheFileIsHeld: while a process (here this one, as
// `serve` would) holds a bbolt file, a reading command gives up after its
// timeout and a writing one after its own, each naming the holder's pid and
// saying what to do instead.
func TestCommandsWhileTheFileIsHeld(t *testing.T) {
	if testing.Short() {
		t.Skip("waits for lock timeouts")
	}
	db := filepath.Join(t.TempDir(), "held.db")
	st, err := store.Open(db, nil)
	if err != nil {
		t.Fatal(err)
	}
	if h, err := os.ReadFile(store.HolderPath(db)); err != nil || !strings.Contains(string(h), fmt.Sprintf(`"pid":%d`, os.Getpid())) {
		t.Fatalf("holder note %q, %v", h, err)
	}
	pid := fmt.Sprintf("pid %d", os.Getpid())
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"runs", "--db", db}, "screener backup --server URL OUT"},
		{[]string{"keys", "create", "--db", db, "--role", "broker", "k"}, "through the running server"},
		{[]string{"backup", "--db", db, filepath.Join(t.TempDir(), "copy.db")}, "screener backup --server URL OUT"},
		{[]string{"db", "copy", "--from", db, "--to", filepath.Join(t.TempDir(), "copy.db")}, "screener backup --server URL OUT"},
	} {
		err := run(context.Background(), tc.args, io.Discard, io.Discard)
		if err == nil || screener.KindOf(err) != screener.KindConflict {
			t.Fatalf("%v: %v, want a conflict", tc.args, err)
		}
		for _, w := range []string{pid, tc.want, "--db postgres://", "screener db copy --from FILE"} {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%v: %q lacks %q", tc.args, err, w)
			}
		}
	}
	st.Close()
	if _, err := os.Stat(store.HolderPath(db)); !os.IsNotExist(err) {
		t.Errorf("the holder note outlives Close: %v", err)
	}
	if err := run(context.Background(), []string{"runs", "--db", db}, io.Discard, io.Discard); err != nil {
		t.Errorf("runs after the holder closed: %v", err)
	}
}
