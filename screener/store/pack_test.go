package store

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"fmt"
	"io"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/screener/screener/screener"
)

func TestPackReport(t *testing.T) {
	small := []byte(`{"summary":{"rows":1},"findings":[]}`)
	if p, err := PackReport(small); err != nil || !bytes.Equal(p, small) {
		t.Errorf("a small report is kept as it is: %q, %v", p, err)
	}
	big := []byte(`{"findings":[` + strings.Repeat(`{"status":"review","line":7},`, 10000) + `{}]}`)
	p, err := PackReport(big)
	if err != nil || len(p) >= len(big)/4 || !bytes.HasPrefix(p, gzipMagic) {
		t.Fatalf("a big report: %d bytes kept of %d, %v", len(p), len(big), err)
	}
	for _, kept := range [][]byte{p, big, small} { // reports saved before packing are JSON
		got, err := UnpackReport(kept)
		if err != nil || !bytes.Equal(got, big) && !bytes.Equal(got, small) {
			t.Errorf("unpack %d bytes: %d back, %v", len(kept), len(got), err)
		}
	}
	if b, err := UnpackReport(nil); b != nil || err != nil {
		t.Errorf("nothing kept: %q, %v", b, err)
	}
	if _, err := UnpackReport(p[:len(p)/2]); err == nil {
		t.Error("a cut-off compressed report read without an error")
	}

	// A report of several parts is several gzip members, which read back
	// as the report; cut anywhere, at a member's end too, it is an error.
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(4))
	huge := []byte(`{"findings":[` + strings.Repeat(`{"status":"review","line":7,"name":"CHINA MOBILE LTD"},`, 400000) + `{}]}`)
	p, err = PackReport(huge)
	if err != nil {
		t.Fatal(err)
	}
	var ends []int // where each member ends
	for i := 0; i < len(p); {
		rest := bytes.NewReader(p[i:])
		zr, err := gzip.NewReader(rest)
		if err != nil {
			t.Fatal(err)
		}
		zr.Multistream(false)
		if _, err := io.Copy(io.Discard, zr); err != nil {
			t.Fatal(err)
		}
		i = len(p) - rest.Len()
		ends = append(ends, i)
	}
	if len(ends) < 2 {
		t.Fatalf("a %d MB report was packed as %d gzip member(s), want one per part", len(huge)>>20, len(ends))
	}
	got, err := UnpackReport(p)
	if err != nil || !bytes.Equal(got, huge) {
		t.Fatalf("unpack of the parts: %d bytes back of %d, %v", len(got), len(huge), err)
	}
	for _, cut := range append(ends[:len(ends)-1], len(p)-10, len(p)/3) {
		if b, err := UnpackReport(p[:cut]); err == nil {
			t.Errorf("the report cut at byte %d of %d read back %d bytes without an error", cut, len(p), len(b))
		}
	}
}

// TestUnpackStdlibReport: reports saved before PackReport moved to
// klauspost/compress were written by compress/gzip, with the length in
// the first member's header; they read back as they were saved.
func TestUnpackStdlibReport(t *testing.T) {
	report := []byte(`{"findings":[` + strings.Repeat(`{"status":"prohibited_locked","line":9,"name":"HIKVISION"},`, 50000) + `{}]}`)
	var b bytes.Buffer
	half := len(report) / 2
	for i, part := range [][]byte{report[:half], report[half:]} {
		w, err := gzip.NewWriterLevel(&b, gzip.BestSpeed)
		if err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			w.Extra = append([]byte{'S', 'L', 8, 0}, byte(len(report)), byte(len(report)>>8), byte(len(report)>>16), 0, 0, 0, 0, 0)
		}
		if _, err := w.Write(part); err != nil {
			t.Fatal(err)
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
	}
	got, err := UnpackReport(b.Bytes())
	if err != nil || !bytes.Equal(got, report) {
		t.Fatalf("a report compress/gzip packed: %d bytes back of %d, %v", len(got), len(report), err)
	}
}

// BenchmarkPlanRun measures what a big run's save does before its write
// transaction (hash and compress its report), against the two one after
// the other (the "serial" case) in the same run.
//
//	go test -run '^$' -bench PlanRun ./screener/store/
func BenchmarkPlanRun(b *testing.B) {
	var r bytes.Buffer
	r.WriteString(`{"findings":[`)
	for i := range 120000 { // some 24 MB, a 500,000-row upload's report
		fmt.Fprintf(&r, `{"file":"h.csv","line":%d,"portfolio":"P%04d","status":"review","quantity":"%d","market_value":"%d.%02d","security":{"isin":"HK0941009539","name":"CHINA MOBILE LTD"},"evidence":["ISIN HK0941009539 is listed"]},`, i+2, i%2000, i*7%10007, i*31%100003, i%100)
	}
	r.WriteString(`{}]}`)
	sum := &screener.Summary{Rows: 120000}
	b.Run("serial", func(b *testing.B) {
		b.SetBytes(int64(r.Len()))
		for b.Loop() {
			_ = sha256.Sum256(r.Bytes())
			if _, err := PackReport(r.Bytes()); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("PlanRun", func(b *testing.B) {
		b.SetBytes(int64(r.Len()))
		for b.Loop() {
			run := Run{Report: r.Bytes(), Summary: sum}
			if _, _, err := PlanRun(&run, time.Time{}); err != nil {
				b.Fatal(err)
			}
		}
	})
}
