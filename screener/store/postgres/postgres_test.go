package postgres_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/screener/screener/screener"
	"github.com/screener/screener/screener/funds"
	"github.com/screener/screener/screener/store"
	"github.com/screener/screener/screener/store/pgtest"
	"github.com/screener/screener/screener/store/postgres"
	"github.com/screener/screener/screener/store/storetest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

func exec(t *testing.T, dsn, sql string, args ...any) {
	t.Helper()
	ctx := context.Background()
	c, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(ctx)
	if _, err := c.Exec(ctx, sql, args...); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
}

// TestMigrationsOnceUnderTheLock starts four stores at once on a new
// database: the advisory lock lets one apply each migration, and Status
// reports them applied.
func TestMigrationsOnceUnderTheLock(t *testing.T) {
	dsn := pgtest.DSN(t)
	st, top, err := postgres.Status(context.Background(), dsn, nil)
	if err != nil || top != 0 || len(st) == 0 || st[0].Applied {
		t.Fatalf("status of a new database: %+v, %d, %v", st, top, err)
	}
	var wg sync.WaitGroup
	errs := make([]error, 4)
	for i := range errs {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			s, err := postgres.Open(context.Background(), dsn, nil)
			if err == nil {
				s.Close()
			}
			errs[i] = err
		}(i)
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Errorf("concurrent open: %v", err)
		}
	}
	st, top, err = postgres.Status(context.Background(), dsn, nil)
	if err != nil || top != postgres.SchemaVersion() {
		t.Fatalf("status: %d, %v; want version %d", top, err, postgres.SchemaVersion())
	}
	for _, m := range st {
		if !m.Applied || m.AppliedAt.IsZero() {
			t.Errorf("migration %d %s not applied", m.Version, m.Name)
		}
	}
	if done, err := postgres.Migrate(context.Background(), dsn, nil); err != nil || len(done) != 0 {
		t.Errorf("migrate again applied %d, %v; want none", len(done), err)
	}
	// A database from a newer program is refused, not written.
	exec(t, dsn, `INSERT INTO schema_migrations (version, name) VALUES ($1, 'future')`, int64(postgres.SchemaVersion()+1))
	if _, err := postgres.Open(context.Background(), dsn, nil); err == nil || screener.KindOf(err) != screener.KindConflict || !strings.Contains(err.Error(), "newer") {
		t.Errorf("open of a newer schema: %v, want a conflict naming it newer", err)
	}
}

func TestOpenErrorsNameTheDatabaseNotThePassword(t *testing.T) {
	_, err := postgres.Open(context.Background(), "postgres://u:s3cret@127.0.0.1:1/db?sslmode=disable&connect_timeout=2", nil)
	if err == nil || strings.Contains(err.Error(), "s3cret") || !strings.Contains(err.Error(), "127.0.0.1") {
		t.Errorf("open of nothing: %v, want an error naming the host without the password", err)
	}
	if _, err := store.OpenDSN(context.Background(), "postgresql://u:s3cret@127.0.0.1:1/db?connect_timeout=2", nil); err == nil || strings.Contains(err.Error(), "s3cret") {
		t.Errorf("OpenDSN postgresql://: %v", err)
	}
}

// TestVerifyAuditNamesTamperedRecord alters, removes and appends audit rows
// behind the store's back; VerifyAudit names the record each time.
func TestVerifyAuditNamesTamperedRecord(t *testing.T) {
	for _, tt := range []struct {
		name, sql string
		seq       uint64
		reason    string
	}{
		{"a byte changed", `UPDATE audit SET record = convert_to(replace(convert_from(record, 'UTF8'), 'bad password', 'bad passw0rd'), 'UTF8') WHERE seq = 3`, 3, "hash mismatch"},
		{"a record removed", `DELETE FROM audit WHERE seq = 2`, 2, "missing"},
		{"the last record removed", `DELETE FROM audit WHERE seq = 5`, 4, "the chain head row says 5"},
		{"a record added", `INSERT INTO audit (seq, record) SELECT 6, record FROM audit WHERE seq = 5`, 6, "record says seq 5"},
		{"reformatted", `UPDATE audit SET record = convert_to(replace(convert_from(record, 'UTF8'), ',', ', '), 'UTF8') WHERE seq = 1`, 1, "canonical"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dsn := pgtest.DSN(t)
			s, err := postgres.Open(context.Background(), dsn, &store.Options{Now: storetest.Clock()})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			for i := 0; i < 5; i++ {
				if _, err := s.LoginFailed("mallory", "", "bad password", 0); err != nil {
					t.Fatal(err)
				}
			}
			if err := s.VerifyAudit(); err != nil {
				t.Fatal(err)
			}
			exec(t, dsn, tt.sql)
			err = s.VerifyAudit()
			var ae *store.AuditError
			if !errors.As(err, &ae) || ae.Seq != tt.seq || !strings.Contains(ae.Reason, tt.reason) {
				t.Errorf("got %v, want record %d: …%s…", err, tt.seq, tt.reason)
			}
		})
	}
}

// TestWatchSeesAnotherHandlesImport: an import through one store reaches
// a Watch on another (a second replica) as a snapshots notice, and a key
// revocation as a keys notice.
func TestWatchSeesAnotherHandlesImport(t *testing.T) {
	dsn := pgtest.DSN(t)
	a, err := postgres.Open(context.Background(), dsn, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := postgres.Open(context.Background(), dsn, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	got := make(chan string, 10)
	go b.Watch(ctx, func(topic string) { got <- topic })
	next := func() string {
		select {
		case topic := <-got:
			return topic
		case <-time.After(10 * time.Second):
			t.Fatal("no notice within 10 s")
			return ""
		}
	}
	if topic := next(); topic != "" {
		t.Fatalf("first notice %q, want the empty one of a (re)connection", topic)
	}
	if _, err := a.Import([]*screener.List{storetest.CMICList(3, "x")}, store.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	if topic := next(); topic != postgres.TopicSnapshots {
		t.Errorf("after an import: %q, want %q", topic, postgres.TopicSnapshots)
	}
	_, k, err := a.CreateAPIKey("admin", "k", "broker")
	if err != nil {
		t.Fatal(err)
	}
	if err := a.RevokeAPIKey("admin", k.Hash); err != nil {
		t.Fatal(err)
	}
	if topic := next(); topic != postgres.TopicKeys {
		t.Errorf("after a revocation: %q, want %q", topic, postgres.TopicKeys)
	}
	reg := funds.Registration{Name: "F", IDs: []screener.ID{{Type: funds.IDISIN, Value: "US0378331005"}},
		Set:      funds.SetInfo{AsOf: screener.Date{Year: 2024, Month: 1, Day: 2}, File: "f.csv", SHA256: "ab", Rows: 1},
		Holdings: []screener.Holding{{Name: "APPLE INC", ISIN: "US0378331005"}}}
	if _, _, _, err := a.AddFundHoldings("admin", reg); err != nil {
		t.Fatal(err)
	}
	if topic := next(); topic != postgres.TopicFunds {
		t.Errorf("after fund holdings were registered: %q, want %q", topic, postgres.TopicFunds)
	}
	cancel()
}

// TestHeartbeatCountsLiveReplicas: two processes' heartbeats count two; one
// silent past the ttl is forgotten.
func TestHeartbeatCountsLiveReplicas(t *testing.T) {
	dsn := pgtest.DSN(t)
	a, err := postgres.Open(context.Background(), dsn, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if n, err := a.Heartbeat("a", time.Minute); err != nil || n != 1 {
		t.Fatalf("first heartbeat: %d, %v", n, err)
	}
	if n, _ := a.Heartbeat("b", time.Minute); n != 2 {
		t.Errorf("two replicas count %d", n)
	}
	time.Sleep(300 * time.Millisecond)
	if n, _ := a.Heartbeat("a", 200*time.Millisecond); n != 1 {
		t.Errorf("after b fell silent: %d, want 1", n)
	}
}
