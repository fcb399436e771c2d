package issuers

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"path"
	"sync"

	gojson "github.com/goccy/go-json"
)

//go:generate go run ./gen -shared ../../shared/data -out refdata

// RefSource is one source file a reference data set was derived from.
type RefSource struct {
	File   string `json:"file"`             // path below the shared data folder, e.g. "reference/hkex/..."
	SHA256 string `json:"sha256"`           // of the file's bytes
	Size   int64  `json:"size"`             // bytes
	AsOf   string `json:"as_of,omitempty"`  // date the file states, YYYY-MM-DD
	Origin string `json:"origin,omitempty"` // where the file was published (repository, path, commit)
}

// RefData is one embedded reference data set (issuers/refdata/*.json): the
// rows the generator derived from the files in Sources. Exactly one of the
// row fields is filled per file.
type RefData struct {
	Sources []RefSource      `json:"sources"`
	Note    string           `json:"note,omitempty"`
	HKEX    []HKEXSecurity   `json:"hkex,omitempty"`
	CSI     []CSIConstituent `json:"csi,omitempty"`
	Related []RelatedIssuer  `json:"related,omitempty"`
	GLEIF   *GLEIFData       `json:"gleif,omitempty"`
	SEC     []SECTicker      `json:"sec,omitempty"`
}

// RefFiles are the embedded reference files in the order Default loads them:
// exchange lists first (they carry ISINs), then the relation files that
// attach to them.
var RefFiles = []string{"hkex.json", "csi300.json", "related.json", "gleif.json", "sec.json"}

//go:embed refdata/*.json
var refFS embed.FS

// refOnce decodes the embedded files, each on its own goroutine (the
// decoding is most of a screening run's start-up), with goccy/go-json:
// 1.9 ms against encoding/json's 9.2 ms for sec.json, and a screen of a
// two-row file 70 -> 50 ms. TestEmbeddedAsEncodingJSON holds what it
// decodes to what encoding/json decodes.
var refOnce = sync.OnceValues(func() ([]*RefData, error) {
	out := make([]*RefData, len(RefFiles))
	errs := make([]error, len(RefFiles))
	var wg sync.WaitGroup
	for i, name := range RefFiles {
		wg.Go(func() {
			b, err := refFS.ReadFile(path.Join("refdata", name))
			if err != nil {
				errs[i] = fmt.Errorf("embedded reference data %s: %w", name, err)
				return
			}
			var rd RefData
			dec := gojson.NewDecoder(bytes.NewReader(b))
			dec.DisallowUnknownFields()
			if err := dec.Decode(&rd); err != nil {
				errs[i] = fmt.Errorf("embedded reference data %s: %w", name, err)
				return
			}
			out[i] = &rd
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return out, nil
})

// curatedRelated is the project's own relation table, in the format of
// cmic-related-issuers.csv: listed subsidiaries of NS-CMIC parents found in
// the shared index and ETF files that the shared table does not carry,
// each with its source (see curated/README.md).
//
//go:embed curated/related.csv
var curatedRelated []byte

// CuratedFile names the curated relation table in provenance.
const CuratedFile = "issuers/curated/related.csv"

// Curated returns the rows of the curated relation table.
func Curated() ([]RelatedIssuer, error) {
	return ReadRelated(bytes.NewReader(curatedRelated), CuratedFile)
}

// Embedded returns the embedded reference data sets, decoded once.
// The caller must not modify them.
func Embedded() ([]*RefData, error) { return refOnce() }

// Default returns a new directory built from the embedded reference data:
// the HKEX List of Securities (equities and bonds), the CSI 300
// constituents, cmic-related-issuers.csv, the GLEIF sample records and SEC's
// ticker list. Each call returns a fresh directory the caller may Add to.
func Default() (*Directory, error) {
	sets, err := Embedded()
	if err != nil {
		return nil, err
	}
	n := 0
	for _, rd := range sets {
		n += len(rd.HKEX) + len(rd.CSI) + len(rd.Related) + len(rd.SEC)
	}
	// Each set's rows become securities, and their issuer names keys, on
	// a goroutine of their own while the directory takes in the sets
	// before it (the directory is built one set after another, in order;
	// this is most of a screen's start-up).
	preps := make([]*preparedRefData, len(sets))
	ready := make([]chan struct{}, len(sets))
	for i, rd := range sets {
		ready[i] = make(chan struct{})
		go func() {
			preps[i] = prepareRefData(rd)
			close(ready[i])
		}()
	}
	d := newDirectory(n)
	d.indexLater()
	defer d.indexNow()
	for i := range sets {
		<-ready[i]
		d.keys = append(d.keys, preps[i].keys)
		d.addPrepared(preps[i])
	}
	d.keys = nil
	rows, err := Curated()
	if err != nil {
		return nil, err
	}
	for _, s := range RelatedSecurities(rows, "curated/related.csv") {
		d.Add(s)
	}
	return d, nil
}

// preparedRefData is a reference data set made into securities, in the
// order AddRefData adds them, with the issuer keys of their names.
type preparedRefData struct {
	rd                      *RefData
	hkex, csi, related, sec []Security
	keys                    map[string]string // issuer name → issuerKey
}

func prepareRefData(rd *RefData) *preparedRefData {
	from := refProvenance(rd)
	p := &preparedRefData{rd: rd, hkex: HKEXSecurities(rd.HKEX, from), csi: CSISecurities(rd.CSI, from),
		related: RelatedSecurities(rd.Related, from.Source), sec: SECSecurities(rd.SEC, from), keys: map[string]string{}}
	for _, ss := range [][]Security{p.hkex, p.csi, p.related, p.sec} {
		for i := range ss {
			if name := ss[i].IssuerName; name != "" {
				if _, ok := p.keys[name]; !ok {
					p.keys[name] = issuerKey(name)
				}
			}
		}
	}
	return p
}

func refProvenance(rd *RefData) Provenance {
	if len(rd.Sources) > 0 {
		return Provenance{Source: path.Base(rd.Sources[0].File), AsOf: rd.Sources[0].AsOf}
	}
	return Provenance{}
}

// addPrepared is AddRefData of a prepared set.
func (d *Directory) addPrepared(p *preparedRefData) {
	for _, s := range p.rd.Sources {
		d.AddSource(s)
	}
	add := func(ss []Security) {
		for _, s := range ss {
			d.Add(s)
		}
	}
	add(p.hkex)
	add(p.csi)
	add(p.related)
	if p.rd.GLEIF != nil {
		d.AddGLEIF(p.rd.GLEIF, "GLEIF API v1 responses")
	}
	add(p.sec)
}

// AddRefData puts one reference data set into the directory, with
// provenance from its first source file.
func (d *Directory) AddRefData(rd *RefData) { d.addPrepared(prepareRefData(rd)) }
