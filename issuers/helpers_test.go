package issuers

import (
	"os"
	"testing"

	"github.com/screener/screener/screener/shareddata"
)

// key returns the ticker key of code on exchange, failing the test when the
// ticker cannot be read.
func key(t testing.TB, code, exchange string) string {
	t.Helper()
	tk, err := TickerOn(code, exchange)
	if err != nil || tk.Key() == "" {
		t.Fatalf("TickerOn(%q, %q) = %+v, %v; want a ticker with a key", code, exchange, tk, err)
	}
	return tk.Key()
}

// openShared opens a file of ../shared/data through shareddata.
func openShared(t testing.TB, rel string) *os.File {
	t.Helper()
	p := shareddata.Path(t, rel)
	f, err := os.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// one returns the only security found for id.
func one(t testing.TB, d *Directory, id string) *Security {
	t.Helper()
	got := d.Lookup(id)
	if len(got) != 1 {
		t.Fatalf("Lookup(%q) found %d securities, want 1: %+v", id, len(got), got)
	}
	return got[0]
}

func linkTo(s *Security, entry string) *Link {
	for i := range s.Links {
		if s.Links[i].ListEntry == entry {
			return &s.Links[i]
		}
	}
	return nil
}
