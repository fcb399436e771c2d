package labels

import (
	"testing"

	"github.com/screener/screener/screener"
)

// Every status and basis the screener knows has its own words, distinct
// from its code and from each other.
func TestEveryCodeHasWords(t *testing.T) {
	seen := map[string]string{}
	for _, l := range append(Statuses(), Bases()...) {
		if l.Name == "" || l.Explain == "" || l.Name == l.Code {
			t.Errorf("%s: %+v", l.Code, l)
		}
		if _, ok := statuses[screener.Status(l.Code)]; !ok {
			if _, ok := bases[screener.Basis(l.Code)]; !ok {
				t.Errorf("%s: no words of its own", l.Code)
			}
		}
		if c, dup := seen[l.Name]; dup {
			t.Errorf("%s and %s share the label %q", c, l.Code, l.Name)
		}
		seen[l.Name] = l.Code
	}
	if l := Status("fund_lookthrough"); l.Name != "Fund lookthrough" || l.Code != "fund_lookthrough" {
		t.Errorf("unknown status: %+v", l)
	}
}

func TestNotUSPerson(t *testing.T) {
	f := screener.Finding{USPerson: screener.USPersonNo.String(), Status: screener.StatusProhibitedLocked}
	if !NotUSPerson(&f) {
		t.Error("non-US prohibited_locked: want true")
	}
	f.Status = screener.StatusReview
	if NotUSPerson(&f) {
		t.Error("non-US review: still a review")
	}
	f.Status, f.USPerson = screener.StatusDivestOnly, screener.USPersonUnknown.String()
	if NotUSPerson(&f) {
		t.Error("unknown US-person status counts as US")
	}
}
