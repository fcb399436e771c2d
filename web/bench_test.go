package web

import (
	"bytes"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

const benchCheckBody = `{"items":[{"id":"HK0941009539","side":"buy"}],"as_of":"2023-01-01"}`

// BenchmarkCheckHandler is one pre-trade check through the whole echo stack
// (request id, log, headers, key look-up, rate limit, JSON in and out),
// without the network.
func BenchmarkCheckHandler(b *testing.B) {
	f := newBenchFixture(b)
	body := []byte(benchCheckBody)
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			req := httptest.NewRequest("POST", "/api/v1/check", bytes.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set(apiKeyHeader, f.keys[RoleBroker])
			w := httptest.NewRecorder()
			f.srv.ServeHTTP(w, req)
			if w.Code != 200 {
				b.Fatalf("status %d", w.Code)
			}
		}
	})
}

// BenchmarkCheckLoopback is the same check over HTTP/1.1 keep-alive on
// 127.0.0.1; it reports requests per second.
func BenchmarkCheckLoopback(b *testing.B) {
	f := newBenchFixture(b)
	ts := httptest.NewServer(f.srv)
	defer ts.Close()
	tr := &http.Transport{MaxIdleConnsPerHost: 64}
	client := &http.Client{Transport: tr}
	body := []byte(benchCheckBody)
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			req, _ := http.NewRequest("POST", ts.URL+"/api/v1/check", bytes.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set(apiKeyHeader, f.keys[RoleBroker])
			resp, err := client.Do(req)
			if err != nil {
				b.Fatal(err)
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 200 {
				b.Fatalf("status %d", resp.StatusCode)
			}
		}
	})
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "req/s")
}

// newBenchFixture is a fixture that logs every request, as serve does by
// default, to nowhere.
func newBenchFixture(b *testing.B) *fixture {
	return newFixtureTB(b, func(c *Config) {
		c.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	})
}
