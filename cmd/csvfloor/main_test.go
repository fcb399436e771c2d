package main

import (
	"strings"
	"testing"
)

func TestCountRecords(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    int
		wantErr string
	}{
		{"empty", "", 0, ""},
		{"header only", "a,b\n", 1, ""},
		{"no final newline", "a,b\n1,2", 2, ""},
		{"ragged rows", "a,b\n1\n1,2,3\n", 3, ""},
		{"quoted newline", "a,b\n\"x\ny\",2\n", 2, ""},
		{"CRLF", "a,b\r\n1,2\r\n", 2, ""},
		{"unterminated quote", "a,b\n\"x,2\n", 1, "parse error on line 2, column 6: extraneous or missing \" in quoted-field"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := countRecords(strings.NewReader(tt.in))
			if got != tt.want {
				t.Errorf("count = %d, want %d", got, tt.want)
			}
			if tt.wantErr == "" && err != nil || tt.wantErr != "" && (err == nil || err.Error() != tt.wantErr) {
				t.Errorf("err = %v, want %q", err, tt.wantErr)
			}
		})
	}
}

func FuzzCountRecords(f *testing.F) {
	f.Add("portfolio,isin\nUS Growth Fund,HK0941009539\n")
	f.Add("a,\"b\n")
	f.Add("\"\"\"\n,,\r\n")
	f.Fuzz(func(t *testing.T, s string) {
		n, err := countRecords(strings.NewReader(s))
		if n < 0 || (err == nil && n > strings.Count(s, "\n")+1) {
			t.Fatalf("count %d for %d bytes (err %v)", n, len(s), err)
		}
	})
}
