package store

import (
	"bytes"
	"strings"
	"testing"
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
}
