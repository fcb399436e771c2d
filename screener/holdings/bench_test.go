package holdings

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"sync"
	"testing"

	"github.com/screener/screener/screener"
)

const benchRows = 1_000_000

// benchCSV is a 1,000,000-row holdings CSV with realistic values, made
// once per test binary.
var benchCSV = sync.OnceValue(func() []byte {
	isins := []string{"US0378331005", "HK0941009539", "US5949181045", "KYG8020E1199", "CNE1000002V2", "US0231351067", "GB0009895292", "JP3633400001"}
	tickers := []string{"AAPL", "941", "MSFT", "981", "728", "AMZN", "AZN", "7203"}
	exch := []string{"XNAS", "XHKG", "XNAS", "XHKG", "XHKG", "XNAS", "XLON", "XTKS"}
	names := []string{"APPLE INC", "CHINA MOBILE LTD", "MICROSOFT CORP", "SEMICONDUCTOR MANUFACTURING INTL", "CHINA TELECOM CORP LTD H", "AMAZON COM INC", "ASTRAZENECA PLC", "TOYOTA MOTOR CORP"}
	ccy := []string{"USD", "HKD", "USD", "HKD", "HKD", "USD", "GBP", "JPY"}
	var b bytes.Buffer
	b.WriteString("portfolio,isin,ticker,exchange,name,quantity,price,market_value,currency\n")
	for i := 0; i < benchRows; i++ {
		k := i % len(isins)
		qty := 100 + (i*7919)%1_000_000
		price := fmt.Sprintf("%d.%02d", 1+(i*31)%900, i%100)
		fmt.Fprintf(&b, "FUND-%03d,%s,%s,%s,\"%s\",%d,%s,\"%d,%03d.%02d\",%s\n",
			i%250, isins[k], tickers[k], exch[k], names[k], qty, price, 1+i%997, i%1000, i%100, ccy[k])
	}
	return b.Bytes()
})

type nopSink struct{ n int }

func (s *nopSink) Holding(*screener.Holding) error     { s.n++; return nil }
func (s *nopSink) Reject(e *screener.ParseError) error { panic(e) }

// BenchmarkReadGenericCSV reads the 1,000,000-row CSV through Read
// (detection, header mapping, decimals, identifier checks).
func BenchmarkReadGenericCSV(b *testing.B) {
	data := benchCSV()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		var s nopSink
		info, err := Read("bench.csv", bytes.NewReader(data), &s)
		if err != nil || info.Rows != benchRows {
			b.Fatalf("info %+v, err %v", info, err)
		}
	}
	b.ReportMetric(float64(benchRows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

// BenchmarkEncodingCSVFloor only reads the same bytes with encoding/csv
// (ReuseRecord): the floor the reader is measured against.
func BenchmarkEncodingCSVFloor(b *testing.B) {
	data := benchCSV()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		cr := csv.NewReader(bytes.NewReader(data))
		cr.ReuseRecord = true
		n := 0
		for {
			_, err := cr.Read()
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			n++
		}
		if n != benchRows+1 {
			b.Fatalf("%d records", n)
		}
	}
	b.ReportMetric(float64(benchRows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}
