package screener

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

// Rejected rows spilled to disk come back as json.Marshal wrote them, in
// order, a row longer than the read buffer too; each decodes them again.
func TestSpillLines(t *testing.T) {
	rows := []*ParseError{
		{File: "h.csv", Line: 2, Column: 3, Field: "quantity", Reason: `quantity "12,x" is not a number <&>`},
		{File: "h.csv", Line: 5, Reason: "bad \xff byte, tab\tand\nnewline"},
		{File: "h.csv", Line: 9, Reason: strings.Repeat("long reason ", 20000)}, // 240 KB
		{File: "h.csv", Line: 10, Reason: "after the long one"},
	}
	var s spill
	for _, e := range rows {
		if err := s.add(e); err != nil {
			t.Fatal(err)
		}
	}
	i := 0
	if err := s.eachLine(func(line []byte) error {
		want, _ := json.Marshal(rows[i])
		if !bytes.Equal(line, want) {
			t.Errorf("row %d: spilled line differs from json.Marshal:\n got  %.200s\n want %.200s", i, line, want)
		}
		i++
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if i != len(rows) {
		t.Fatalf("%d rows read back, %d spilled", i, len(rows))
	}

	for _, e := range rows {
		if err := s.add(e); err != nil {
			t.Fatal(err)
		}
	}
	i = 0
	if err := s.each(func(e *ParseError) error {
		if e.Line != rows[i].Line || e.Field != rows[i].Field || (i != 1 && e.Reason != rows[i].Reason) {
			t.Errorf("row %d read back as %+v", i, e)
		}
		i++
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if i != len(rows) {
		t.Fatalf("each read %d rows back, %d spilled", i, len(rows))
	}
}
