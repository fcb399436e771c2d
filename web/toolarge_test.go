package web

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/screener/screener/screener"
)

// A file over the reader's budget (a zip bomb) is a 413 that says why, for
// the API and the upload page alike (both go through classify).
func TestClassifyTooLarge(t *testing.T) {
	err := fmt.Errorf("screen: %w", &screener.Error{Kind: screener.KindTooLarge, Message: "h.xlsx: a cell longer than 256 KB",
		Err: &screener.ParseError{File: "h.xlsx", Reason: "a cell longer than 256 KB"}})
	status, code, msg := (&Server{}).classify(err)
	if status != http.StatusRequestEntityTooLarge || code != "too_large" || !strings.Contains(msg, "a cell longer than") {
		t.Fatalf("classify = %d %q %q, want 413 too_large saying why", status, code, msg)
	}
	if status, _, _ := (&Server{}).classify(&screener.ParseError{File: "h.csv", Reason: "bad"}); status != http.StatusBadRequest {
		t.Errorf("a plain bad file: %d, want 400", status)
	}
}
