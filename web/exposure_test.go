package web

import (
	"testing"

	"github.com/screener/screener/screener"
)

// TestBucketOf: every status a US-person position can have lands in the
// exposure column the pages say it does; a fund holding CMIC securities is
// prohibited exposure, not left out of the tables.
func TestBucketOf(t *testing.T) {
	for _, tc := range []struct {
		status screener.Status
		want   int
	}{
		{screener.StatusBlocked, bucketProhibited},
		{screener.StatusProhibitedLocked, bucketProhibited},
		{screener.StatusDivestOnly, bucketProhibited},
		{screener.StatusProhibitedExposure, bucketProhibited},
		{screener.StatusPreEffective, bucketPreEffective},
		{screener.StatusReview, bucketReview},
		{screener.StatusInfo, bucketInfo},
		{screener.StatusRiskFlag, bucketInfo},
		{screener.StatusCleared, bucketCleared},
		{screener.StatusClear, -1},
	} {
		f := &screener.Finding{Status: tc.status, USPerson: screener.USPersonYes.String()}
		if got := bucketOf(f); got != tc.want {
			t.Errorf("%s: bucket %d, want %d", tc.status, got, tc.want)
		}
	}
}
