package funds_test

import (
	"syscall"
	"testing"
	"time"

	"github.com/screener/screener/screener"
	"github.com/screener/screener/screener/funds"
	"github.com/screener/screener/screener/holdings"
	"github.com/screener/screener/screener/report/reporttest"
	"github.com/screener/screener/screener/shareddata"
)

// BenchmarkLookThrough measures what looking through one fund of 2,500
// constituents adds to a screen: a portfolio (the 1,243 rows of the shared
// EEM file plus one position in the fund) screened with a fresh matcher
// each time, without look-through ("direct") and with it ("lookthrough",
// a fresh resolver: the fund's constituents are screened every time). The
// "500accounts" case holds the fund in 500 accounts: it is looked through
// once. Each case reports ns/op and the process CPU time of the screen
// (cpu-ms/op, user + system, all cores: steadier than the wall clock on
// a shared machine); compare them in one run:
//
//	go test -run '^$' -bench LookThrough -benchtime 5x ./screener/funds/
func BenchmarkLookThrough(b *testing.B) {
	read := func(rel string) []screener.Holding {
		c := &collect{}
		if _, err := holdings.ReadFile(shareddata.Path(b, rel), c); err != nil {
			b.Fatal(err)
		}
		return c.hs
	}
	portfolio := read("holdings/ishares/ishares_EEM_holdings_2025-01.csv")
	cons := read("holdings/ishares/ishares_ACWI_holdings_2022-03-10.csv")
	for i := 0; len(cons) < 2500; i++ {
		cons = append(cons, portfolio[i%len(portfolio)])
	}
	cons = cons[:2500]
	l, dir := reporttest.Embedded(b)
	fund := funds.Fund{ID: 1, Name: "2,500-line fund", IDs: []screener.ID{{Type: funds.IDISIN, Value: "XS0000CMICF6"}},
		Sets: []funds.SetInfo{{Seq: 1, AsOf: date(b, "2025-01-31"), File: "fund.csv", Rows: len(cons), Holdings: len(cons)}}}
	pos := screener.Holding{File: "p.csv", Line: 9999, ISIN: "XS0000CMICF6", Name: "TEST FUND", Currency: "USD"}
	at := asOf(b, "2025-02-15")
	run := func(b *testing.B, hs []screener.Holding, look bool) {
		var cpu time.Duration
		defer func() { b.ReportMetric(float64(cpu.Microseconds())/1000/float64(b.N), "cpu-ms/op") }()
		for i := 0; i < b.N; i++ {
			b.StopTimer()
			m := screener.NewMatcher([]*screener.List{l}, dir)
			opt := screener.Options{}
			if look {
				opt.Funds = funds.New([]funds.Fund{fund}, func(uint64) ([]screener.Holding, error) { return cons, nil }, funds.Options{})
			}
			b.StartTimer()
			c0 := cpuTime()
			rb := screener.NewReportBuilder([]*screener.List{l}, at, opt)
			for j := range hs {
				rb.Add(m.Match(&hs[j], at, opt))
			}
			if r := rb.Report(); look && r.Summary.ByStatus[screener.StatusClear] == r.Summary.Screened {
				b.Fatal("the fund was not looked through")
			}
			cpu += cpuTime() - c0
		}
	}
	withFund := append(append([]screener.Holding(nil), portfolio...), pos)
	b.Run("direct", func(b *testing.B) { run(b, withFund, false) })
	b.Run("lookthrough", func(b *testing.B) { run(b, withFund, true) })
	many := append([]screener.Holding(nil), portfolio...)
	for i := 0; i < 500; i++ {
		many = append(many, pos)
	}
	b.Run("500accounts-direct", func(b *testing.B) { run(b, many, false) })
	b.Run("500accounts-lookthrough", func(b *testing.B) { run(b, many, true) })
}

// cpuTime is the process's user + system CPU time so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
