package web

// Template functions that put numbers, dates and codes in people's words.

import (
	"html/template"
	"strconv"
	"strings"
	"time"

	"github.com/screener/screener/screener"
	"github.com/screener/screener/screener/labels"
	"github.com/shopspring/decimal"
)

func init() {
	for k, v := range wordFuncs {
		funcs[k] = v
	}
}

var wordFuncs = template.FuncMap{
	"money":       money,
	"num":         groupDecimal,
	"int":         func(n int) string { return groupDigits(strconv.Itoa(n)) },
	"neg":         func(n int) int { return -n },
	"statusLabel": func(s screener.Status) labels.Label { return labels.Status(s) },
	"basisLabel":  func(b screener.Basis) labels.Label { return labels.Basis(b) },
	"nonUS":       func(f *screener.Finding) bool { return labels.NotUSPerson(f) },
	"nonUSLabel":  func() labels.Label { return labels.NonUS },
	"statusOf":    findingLabel,
	"rowClass":    rowClass,
	"instant":     instant,
	"bucketNames": func() [nBuckets]string { return bucketNames },
	"bucketHelp":  func() [nBuckets]string { return bucketHelp },
	"add":         func(a, b int) int { return a + b },
	"daysLeft":    daysLeft,
	"stamp":       stamp,
}

// money formats a value with thousands separators and its currency: whole
// amounts without decimals, others to the cent (rounded half away from
// zero), never through a float.
func money(d decimal.Decimal, ccy string) string {
	s := groupDecimal(d)
	if ccy != "" {
		s += " " + ccy
	}
	return s
}

func groupDecimal(d decimal.Decimal) string {
	if !d.IsInteger() {
		d = d.Round(2)
	}
	s := d.String()
	if !d.IsInteger() {
		s = d.StringFixed(2)
	}
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	ip, fp, _ := strings.Cut(s, ".")
	out := groupDigits(ip)
	if fp != "" {
		out += "." + fp
	}
	if neg {
		out = "−" + out
	}
	return out
}

// groupDigits puts a comma between each group of three digits.
func groupDigits(s string) string {
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	if len(s) <= 3 {
		if neg {
			return "−" + s
		}
		return s
	}
	var b strings.Builder
	head := len(s) % 3
	if head > 0 {
		b.WriteString(s[:head])
	}
	for i := head; i < len(s); i += 3 {
		if b.Len() > 0 {
			b.WriteByte(',')
		}
		b.WriteString(s[i : i+3])
	}
	if neg {
		return "−" + b.String()
	}
	return b.String()
}

// findingLabel is the status a person reads for a finding: a non-US-person
// account's CMIC status reads as what it is.
func findingLabel(f *screener.Finding) labels.Label {
	if labels.NotUSPerson(f) {
		return labels.NonUS
	}
	return labels.Status(f.Status)
}

func rowClass(f *screener.Finding) string {
	if labels.NotUSPerson(f) {
		return "st-non-us"
	}
	return "st-" + strings.ReplaceAll(string(f.Status), "_", "-")
}

// instant formats an RFC 3339 instant as a date and time in US Eastern
// (where every CMIC cut-off falls), or returns it as it is.
func instant(s string) string {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return s
	}
	return t.In(screener.Eastern).Format("2006-01-02 15:04 MST")
}

// stamp formats an RFC 3339 instant to the second in US Eastern, for the
// audit log, or returns it as it is.
func stamp(s string) string {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return s
	}
	return t.In(screener.Eastern).Format("2006-01-02 15:04:05 MST")
}

// daysLeft words a divestment countdown (RULES.md §2.1: CLOSED at 0).
func daysLeft(n *int) string {
	switch {
	case n == nil:
		return ""
	case *n <= 0:
		return "closed"
	case *n == 1:
		return "1 day left"
	}
	return groupDigits(strconv.Itoa(*n)) + " days left"
}
