package holdings

import (
	"bytes"
	"os"
	"testing"
	"unsafe"

	"github.com/screener/screener/screener"
)

func BenchmarkZZIdentityClearKey(b *testing.B) {
	data, err := os.ReadFile("/tmp/perf/h.csv")
	if err != nil {
		b.Skip(err)
	}
	data = data[:4<<20]
	data = data[bytes.IndexByte(data, '\n')+1 : bytes.LastIndexByte(data, '\n')+1]
	header := []string{"portfolio", "us_person", "isin", "ticker", "exchange", "name", "quantity", "price", "market_value", "currency", "asset_class"}
	c, err := newColumns("h.csv", 1, header)
	if err != nil {
		b.Fatal(err)
	}
	var rows []Row
	l := &lineSplitter{data: data, comma: ','}
	for {
		line, ok := l.next()
		if !ok {
			break
		}
		rec := split(nil, unsafe.String(unsafe.SliceData(line), len(line)), ',')
		if len(rec) == 11 {
			rows = append(rows, Row{c: c, rec: rec, line: 2})
		}
	}
	m := screener.NewMatcher(nil, nil)
	var h screener.Holding
	var key []byte
	b.ResetTimer()
	n := 0
	for b.Loop() {
		for _, r := range rows {
			if !r.Identity(&h) {
				continue
			}
			key, _ = m.ClearKey(key[:0], &h, screener.Options{})
			n++
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(n), "ns/row")
}
