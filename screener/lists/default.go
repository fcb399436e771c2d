package lists

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"path/filepath"

	gojson "github.com/goccy/go-json"

	"github.com/screener/screener/issuers"
	"github.com/screener/screener/screener"
)

//go:generate go run ./internal/gen -src ../../../shared/data/lists/ofac-cons-csv-2025-12 -out default.json

// defaultJSON is the embedded default: OFAC's Consolidated (non-SDN) list,
// legacy CSV set of the 2025-12 edition, as read by this package and
// written by internal/gen. The raw OFAC files are not in the repository.
//
//go:embed default.json
var defaultJSON []byte

// The CSV set carries no publication date. SOURCES.md §1 bounds it: later
// than the 2025-03-28 edition and no later than 2025-12-19, the day the copy
// was committed upstream. The snapshot takes the upper bound.
var (
	defaultAsOf      = screener.NewDate(2025, 12, 19)
	defaultAsOfBasis = "The OFAC CSV files carry no publish date. SOURCES.md section 1: the edition is later than 2025-03-28 and no later than 2025-12-19, the day the copy was committed to moov-io/watchman (commit fca231b099c4b4d5022d03f4d36cdc4cae0f329c); as_of is that upper bound."
)

// Provenance says where the embedded default came from.
type Provenance struct {
	Description string                `json:"description"`
	Generator   string                `json:"generator"`
	Upstream    string                `json:"upstream"`
	AsOf        screener.Date         `json:"as_of"`
	AsOfBasis   string                `json:"as_of_basis"`
	Files       []screener.SourceFile `json:"files"`
}

// Snapshot is the embedded default's file: its provenance and the list.
type Snapshot struct {
	Provenance Provenance    `json:"provenance"`
	List       screener.List `json:"list"`
}

// Default returns the embedded default list: all 442 entries of OFAC's
// Consolidated (non-SDN) list, 2025-12 edition, 68 of them CMIC-EO13959.
// Tickers are normalised again by package issuers at each call, so the
// snapshot keeps only the tickers as printed. Each call returns a new List.
func Default() (*screener.List, error) {
	s, err := DefaultSnapshot()
	if err != nil {
		return nil, err
	}
	return &s.List, nil
}

// DefaultSnapshot returns the embedded default with its provenance. It is
// decoded with goccy/go-json, several times faster than encoding/json at
// start-up (see issuers.Embedded); TestDefaultAsEncodingJSON holds the two
// to the same snapshot.
func DefaultSnapshot() (*Snapshot, error) {
	var s Snapshot
	if err := gojson.Unmarshal(defaultJSON, &s); err != nil {
		return nil, &screener.Error{Kind: screener.KindInternal, Message: "embedded default list is corrupt", Err: err}
	}
	for i := range s.List.Entries {
		e := &s.List.Entries[i]
		for j, t := range e.Tickers {
			e.Tickers[j] = ticker(t.Raw)
		}
	}
	return &s, nil
}

// BuildSnapshot reads the OFAC CSV set in dir and returns the embedded
// default's JSON, byte for byte as internal/gen writes it. Source paths are
// reduced to base names, and tickers to their printed form.
func BuildSnapshot(dir string) ([]byte, error) {
	ls, err := ReadPath(dir)
	if err != nil {
		return nil, err
	}
	if len(ls) != 1 || ls[0].Format != FormatOFACCSV {
		return nil, fmt.Errorf("%s: want one OFAC CSV set, found %d lists", dir, len(ls))
	}
	l := ls[0]
	l.AsOf = defaultAsOf
	for i := range l.Sources {
		l.Sources[i].Path = filepath.Base(l.Sources[i].Path)
	}
	for i := range l.Entries {
		for j, t := range l.Entries[i].Tickers {
			l.Entries[i].Tickers[j] = issuers.Ticker{Raw: t.Raw}
		}
	}
	s := Snapshot{
		Provenance: Provenance{
			Description: "OFAC Consolidated (non-SDN) list, legacy CSV set (cons_prim, cons_add, cons_alt, cons_comments), read by screener/lists. Data: U.S. Government work, public domain.",
			Generator:   "go generate ./screener/lists (go run ./internal/gen -src ../../../shared/data/lists/ofac-cons-csv-2025-12 -out default.json)",
			Upstream:    "github.com/moov-io/watchman test/testdata/cons_*.csv, added in commit fca231b099c4b4d5022d03f4d36cdc4cae0f329c (2025-12-19); copied byte-exact to shared/data/lists/ofac-cons-csv-2025-12",
			AsOf:        defaultAsOf,
			AsOfBasis:   defaultAsOfBasis,
			Files:       l.Sources,
		},
		List: *l,
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", " ")
	if err := enc.Encode(&s); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
