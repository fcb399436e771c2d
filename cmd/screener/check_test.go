package main

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/screener/screener/screener"
)

// TestCheckNeverAllowsTheUnidentified: screener check answers review, with
// the reason, for an identifier that fails its check or a code without an
// exchange, and screens an identifier hidden behind invisible or
// full-width characters as the identifier it is.
func TestCheckNeverAllowsTheUnidentified(t *testing.T) {
	for _, tc := range []struct {
		name, q, reason string
		status          screener.Status
	}{
		{"ISIN with a bad check digit", "HK0941009538", screener.ReasonNotIdentified, screener.StatusReview},
		{"Apple ISIN with a bad check digit", "US0378331006", screener.ReasonNotIdentified, screener.StatusReview},
		{"bare Hong Kong code", "941", screener.ReasonAmbiguous, screener.StatusReview},
		{"bare Taiwan code", "2357", screener.ReasonAmbiguous, screener.StatusReview},
		{"bare letter ticker", "AAPL", screener.ReasonAmbiguous, screener.StatusReview},
		{"bare letter ticker with a class", "BRK.B", screener.ReasonAmbiguous, screener.StatusReview},
		{"ticker with its market", "AAPL US", "", screener.StatusClear},
		{"a name in small letters is a name", "Apple Inc", "", screener.StatusClear},
		{"zero-width space", "HK0941009539\u200b", "", screener.StatusProhibitedLocked},
		{"full-width", "\uff28\uff2b0941009539", "", screener.StatusProhibitedLocked},
		{"valid unlisted ISIN", "US0378331005", "", screener.StatusClear},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			if err := run(context.Background(), []string{"check", "--format", "json", "--as-of", "2023-01-01", tc.q}, &out, &errb); err != nil {
				t.Fatalf("check: %v (%s)", err, errb.String())
			}
			var r screener.CheckResult
			if err := json.Unmarshal(out.Bytes(), &r); err != nil {
				t.Fatal(err)
			}
			if r.Status != tc.status || r.Reason != tc.reason {
				t.Errorf("status %s, reason %q; want %s, %q", r.Status, r.Reason, tc.status, tc.reason)
			}
			for _, tr := range r.Trades {
				if tc.reason != "" && tr.Decision != screener.DecisionReview {
					t.Errorf("%s: %s, want review", tr.Side, tr.Decision)
				}
				if tc.status == screener.StatusClear && tr.Decision != screener.DecisionAllow {
					t.Errorf("%s of an identified unlisted security: %s, want allow", tr.Side, tr.Decision)
				}
			}
		})
	}
	var out, errb bytes.Buffer
	if err := run(context.Background(), []string{"check", "--as-of", "2023-01-01", "941"}, &out, &errb); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"reason:   ambiguous", "candidate: XHKG:941", "buy  → review"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("text answer lacks %q:\n%s", want, out.String())
		}
	}
}
