package store

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/screener/screener/screener"
)

func TestOpenDSNPicksTheStoreByName(t *testing.T) {
	path := filepath.Join(t.TempDir(), "dsn.db")
	s, err := OpenDSN(context.Background(), path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := s.(*Store); !ok {
		t.Errorf("a file path opened %T, want the bbolt *Store", s)
	}
	s.Close()

	_, err = OpenDSN(context.Background(), "nosuch://u:secret@h/db", nil)
	if err == nil || screener.KindOf(err) != screener.KindInvalid || strings.Contains(err.Error(), "secret") {
		t.Errorf("unknown scheme: %v, want an invalid-input error without the password", err)
	}

	var got string
	Register("teststore", func(_ context.Context, dsn string, _ *Options) (Interface, error) {
		got = dsn
		return nil, errors.New("opened")
	})
	if _, err := OpenDSN(context.Background(), "TestStore://h/db", nil); err == nil || got != "TestStore://h/db" {
		t.Errorf("registered scheme not used: err %v, dsn %q", err, got)
	}
}

func TestIsURLAndRedact(t *testing.T) {
	for dsn, want := range map[string]bool{
		"postgres://u@h/db": true, "postgresql://h/db": true, "screener.db": false,
		"./x://y.db": false, "/tmp/a://b": false, "": false,
	} {
		if IsURL(dsn) != want {
			t.Errorf("IsURL(%q) = %v, want %v", dsn, !want, want)
		}
	}
	for in, want := range map[string]string{
		"postgres://u:pw@h:5432/db?sslmode=disable": "postgres://u:xxxxx@h:5432/db?sslmode=disable",
		"postgres://u@h/db":                         "postgres://u@h/db",
		"file.db":                                   "file.db",
	} {
		if got := RedactDSN(in); got != want {
			t.Errorf("RedactDSN(%q) = %q, want %q", in, got, want)
		}
	}
}
