package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"
)

func TestMedian(t *testing.T) {
	tests := []struct {
		name string
		in   []time.Duration
		want time.Duration
	}{
		{"one", []time.Duration{5}, 5},
		{"three unsorted", []time.Duration{9, 1, 4}, 4},
		{"four takes upper middle", []time.Duration{4, 1, 3, 2}, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var ms []measurement
			for _, d := range tt.in {
				ms = append(ms, measurement{wall: d})
			}
			if got := median(ms).wall; got != tt.want {
				t.Errorf("median = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestFlags(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"rows not a number", []string{"-rows", "1e6"}, `-rows "1e6": want positive integers`},
		{"rows zero", []string{"-rows", "1000,0"}, `-rows "1000,0": want positive integers`},
		{"no runs", []string{"-runs", "0"}, "-runs 0: want at least 1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			err := run(context.Background(), tt.args, &out, &errb)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want %q", err, tt.want)
			}
		})
	}
}

func TestMeasure(t *testing.T) {
	m, out, err := measure(context.Background(), "/bin/sh", "-c", "echo hi")
	if err != nil {
		t.Skipf("no /bin/sh: %v", err)
	}
	if out != "hi\n" || m.wall <= 0 || m.rssKB <= 0 {
		t.Errorf("measure = %+v, %q; want output hi and positive wall time and RSS", m, out)
	}
	if _, _, err := measure(context.Background(), "/bin/sh", "-c", "echo oops >&2; exit 3"); err == nil || !strings.Contains(err.Error(), "oops") {
		t.Errorf("failing child: err = %v, want its stderr", err)
	}
}

// A small run end to end: builds both programs, screens and uploads the
// generated file, and prints every figure with its target.
func TestSmallRun(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the screener and starts a server")
	}
	var out, errb bytes.Buffer
	if err := run(context.Background(), []string{"-rows", "3000", "-runs", "1"}, &out, &errb); err != nil {
		t.Fatalf("%v\n%s%s", err, out.String(), errb.String())
	}
	for _, want := range []string{"floor counted 3001 records", "ratio    screen/floor", "upload/screen", "server   RSS after 1 uploads"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
}
