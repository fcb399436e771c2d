package storetest_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/screener/screener/screener"
	"github.com/screener/screener/screener/store"
	"github.com/screener/screener/screener/store/pgtest"
	"github.com/screener/screener/screener/store/postgres"
)

// BenchmarkDecide measures review decisions written per second (each one
// transaction with its audit record) on each store, in one run:
//
//	go test -run '^$' -bench Decide -benchtime 2000x ./screener/store/storetest/
func BenchmarkDecide(b *testing.B) {
	for _, tc := range []struct {
		name string
		open func(b *testing.B) store.Interface
	}{
		{"bbolt", func(b *testing.B) store.Interface {
			s, err := store.Open(filepath.Join(b.TempDir(), "bench.db"), nil)
			if err != nil {
				b.Fatal(err)
			}
			b.Cleanup(func() { s.Close() })
			return s
		}},
		{"postgres", func(b *testing.B) store.Interface {
			s, err := postgres.Open(context.Background(), pgtest.DSN(b), nil)
			if err != nil {
				b.Fatal(err)
			}
			b.Cleanup(func() { s.Close() })
			return s
		}},
	} {
		b.Run(tc.name, func(b *testing.B) {
			s := tc.open(b)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				d := screener.ReviewDecision{Key: fmt.Sprint("KEY-", i%500), List: screener.ListOFACConsolidated, EntryID: "30923",
					Fingerprint: "fp", Decision: screener.Decision{Outcome: store.OutcomeCleared, Reviewer: "r", Reason: "benchmark"}}
				if _, err := s.Decide(d); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "decisions/s")
		})
	}
}
