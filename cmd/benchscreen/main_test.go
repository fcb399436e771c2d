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
