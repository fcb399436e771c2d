package lists

import (
	"encoding/json"
	"reflect"
	"testing"
)

// The embedded default is decoded with goccy/go-json for speed: the
// snapshot must be the one encoding/json decodes, field for field.
func TestDefaultAsEncodingJSON(t *testing.T) {
	got, err := DefaultSnapshot()
	if err != nil {
		t.Fatal(err)
	}
	var want Snapshot
	if err := json.Unmarshal(defaultJSON, &want); err != nil {
		t.Fatal(err)
	}
	for i := range want.List.Entries {
		e := &want.List.Entries[i]
		for j, tk := range e.Tickers {
			e.Tickers[j] = ticker(tk.Raw)
		}
	}
	if len(want.List.Entries) != 442 {
		t.Fatalf("encoding/json decodes %d entries, want 442", len(want.List.Entries))
	}
	if !reflect.DeepEqual(got, &want) {
		for i := range want.List.Entries {
			if !reflect.DeepEqual(got.List.Entries[i], want.List.Entries[i]) {
				t.Fatalf("entry %d differs:\n goccy/go-json %+v\n encoding/json %+v", i, got.List.Entries[i], want.List.Entries[i])
			}
		}
		t.Fatal("goccy/go-json and encoding/json decode the snapshot differently")
	}
}
