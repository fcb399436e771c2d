package storetest_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/screener/screener/screener/store"
	"github.com/screener/screener/screener/store/pgtest"
	"github.com/screener/screener/screener/store/postgres"
	"github.com/screener/screener/screener/store/storetest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

func openBolt(t *testing.T, now func() time.Time) store.Interface {
	s, err := store.Open(filepath.Join(t.TempDir(), "screener.db"), &store.Options{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func openPostgresAt(t *testing.T, dsn string, now func() time.Time) store.Interface {
	s, err := postgres.Open(context.Background(), dsn, &store.Options{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func openPostgres(t *testing.T, now func() time.Time) store.Interface {
	return openPostgresAt(t, pgtest.DSN(t), now)
}

func TestBolt(t *testing.T) { storetest.Run(t, openBolt) }

func TestPostgres(t *testing.T) { storetest.Run(t, openPostgres) }

// TestBoltConcurrent shares one handle between goroutines: bbolt allows
// one process per file.
func TestBoltConcurrent(t *testing.T) {
	storetest.Concurrent(t, func(t *testing.T) (store.Interface, store.Interface) {
		s := openBolt(t, storetest.Clock())
		return s, s
	})
}

// TestPostgresConcurrent opens two stores (two pools, as two replicas
// would) on one database.
func TestPostgresConcurrent(t *testing.T) {
	storetest.Concurrent(t, func(t *testing.T) (store.Interface, store.Interface) {
		dsn := pgtest.DSN(t)
		clock := storetest.Clock()
		return openPostgresAt(t, dsn, clock), openPostgresAt(t, dsn, clock)
	})
}

func TestCopyBoltToBolt(t *testing.T) { storetest.CopyRoundTrip(t, openBolt, openBolt) }

func TestCopyBoltToPostgres(t *testing.T) { storetest.CopyRoundTrip(t, openBolt, openPostgres) }

func TestCopyPostgresToPostgres(t *testing.T) {
	storetest.CopyRoundTrip(t, openPostgres, openPostgres)
}
