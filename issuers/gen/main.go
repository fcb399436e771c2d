// Command gen derives the issuers package's embedded reference data
// (issuers/refdata/*.json) from the raw files in the shared data folder.
// Run it with `go generate ./issuers/`; the raw files are never copied into
// the repository, only the rows derived from them, with each source file's
// path, SHA-256, size, as-of date and origin.
//
//	go run ./issuers/gen -shared ../shared/data -out issuers/refdata
package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/screener/screener/issuers"
	"github.com/screener/screener/screener/holdings"
)

func main() {
	shared := flag.String("shared", "../../shared/data", "shared data folder")
	out := flag.String("out", "refdata", "output folder")
	flag.Parse()
	files, err := generate(*shared)
	if err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if err := os.WriteFile(filepath.Join(*out, n), files[n], 0o644); err != nil {
			fmt.Fprintln(os.Stderr, "gen:", err)
			os.Exit(1)
		}
		fmt.Printf("wrote %s (%d bytes)\n", filepath.Join(*out, n), len(files[n]))
	}
}

// Paths of the source files below the shared data folder, and where each was
// published (from SOURCES-holdings.md).
const (
	hkexFile    = "reference/hkex/HKEX_ListOfSecurities_2021-12-03.xlsx"
	hkexOrigin  = "HKEX List of Securities; github.com/ming0070913/stock-backtest ListOfSecurities.xlsx @ 1a2bc017a2bbb7f4c135f84c54215a71d4e3e95b"
	csiFile     = "holdings/index/csi300_constituents_000300cons_2023-06-01.xls"
	csiOrigin   = "China Securities Index 000300cons.xls; github.com/Timothy1101/testrepo 000300cons.xls @ f4477e4dae5fbe3bbcf201c09a4c0731520b62f3"
	relFile     = "reference/cmic-related-issuers.csv"
	relOrigin   = "compiled for the project; see reference/cmic-related-issuers.md (information for review, not a legal determination)"
	gleifDir    = "reference/gleif/api_v1_responses"
	gleifOrigin = "api.gleif.org v1 responses; github.com/NotAProfDev/gleif-rs tests/data @ 05a484860e50be997fabfb954b918532a0d8192d"
	secFile     = "reference/sec/sec_company_tickers.json"
	secOrigin   = "SEC company_tickers.json; github.com/dgunning/edgartools data/company_tickers.json @ 10d4826e211e2301554f1b49c5a18ba119851d37 (2024-05-14; download date not recorded)"
)

// generate reads the source files below root and returns the reference
// files by name.
func generate(root string) (map[string][]byte, error) {
	out := map[string][]byte{}
	var err error
	if out["hkex.json"], err = genHKEX(root); err != nil {
		return nil, err
	}
	if out["csi300.json"], err = genCSI(root); err != nil {
		return nil, err
	}
	if out["related.json"], err = genRelated(root); err != nil {
		return nil, err
	}
	if out["gleif.json"], err = genGLEIF(root); err != nil {
		return nil, err
	}
	if out["sec.json"], err = genSEC(root); err != nil {
		return nil, err
	}
	return out, nil
}

func source(root, rel, asOf, origin string) (issuers.RefSource, []byte, error) {
	b, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(rel)))
	if err != nil {
		return issuers.RefSource{}, nil, err
	}
	sum := sha256.Sum256(b)
	return issuers.RefSource{File: rel, SHA256: hex.EncodeToString(sum[:]), Size: int64(len(b)), AsOf: asOf, Origin: origin}, b, nil
}

func genHKEX(root string) ([]byte, error) {
	src, b, err := source(root, hkexFile, "", hkexOrigin)
	if err != nil {
		return nil, err
	}
	l, err := issuers.ReadHKEX(bytes.NewReader(b), hkexFile)
	if err != nil {
		return nil, err
	}
	src.AsOf = l.AsOf
	var rows []issuers.HKEXSecurity
	for _, r := range l.Rows {
		if r.Category == issuers.HKEXEquity || r.Category == issuers.HKEXDebt {
			rows = append(rows, r)
		}
	}
	note := fmt.Sprintf("HKEX List of Securities, categories Equity and Debt Securities only (%d of %d rows)", len(rows), len(l.Rows))
	return encode([]issuers.RefSource{src}, note, "hkex", rows)
}

var sixDigits = regexp.MustCompile(`^[0-9]{6}$`)

func genCSI(root string) ([]byte, error) {
	src, _, err := source(root, csiFile, "", csiOrigin)
	if err != nil {
		return nil, err
	}
	// The screener's own .xls reader: github.com/extrame/xls v0.0.1 shifts
	// every shared string after a CONTINUE record (row 289 on in this file).
	rows, err := holdings.ReadCSIConstituents(filepath.Join(root, filepath.FromSlash(csiFile)))
	if err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		return nil, fmt.Errorf("%s: no data rows", csiFile)
	}
	var out []issuers.CSIConstituent
	for i, r := range rows {
		line := i + 2
		c := issuers.CSIConstituent{Code: r.Code, Name: r.NameEN, NameZH: r.NameCN}
		if !sixDigits.MatchString(c.Code) {
			return nil, fmt.Errorf("%s:%d: constituent code %q: want 6 digits", csiFile, line, c.Code)
		}
		if c.MIC, err = issuers.CSIExchangeMIC(r.Exchange); err != nil {
			return nil, fmt.Errorf("%s:%d: %w", csiFile, line, err)
		}
		if d := r.Date; len(d) == 8 && src.AsOf == "" {
			src.AsOf = d[:4] + "-" + d[4:6] + "-" + d[6:]
		}
		out = append(out, c)
	}
	return encode([]issuers.RefSource{src}, "CSI 300 constituents: code, exchange MIC, English and Chinese name", "csi", out)
}

func genRelated(root string) ([]byte, error) {
	src, b, err := source(root, relFile, "", relOrigin)
	if err != nil {
		return nil, err
	}
	rows, err := issuers.ReadRelated(bytes.NewReader(b), relFile)
	if err != nil {
		return nil, err
	}
	return encode([]issuers.RefSource{src}, "relations only: a row never makes a security prohibited (OFAC FAQ 857)", "related", rows)
}

func genGLEIF(root string) ([]byte, error) {
	paths, err := filepath.Glob(filepath.Join(root, filepath.FromSlash(gleifDir), "*", "*.json"))
	if err != nil {
		return nil, err
	}
	sort.Strings(paths)
	if len(paths) == 0 {
		return nil, fmt.Errorf("no GLEIF files below %s", gleifDir)
	}
	all := &issuers.GLEIFData{}
	var srcs []issuers.RefSource
	for _, p := range paths {
		rel, _ := filepath.Rel(root, p)
		rel = filepath.ToSlash(rel)
		src, b, err := source(root, rel, "", gleifOrigin)
		if err != nil {
			return nil, err
		}
		g, err := issuers.ReadGLEIF(bytes.NewReader(b), rel)
		if err != nil {
			return nil, err
		}
		src.AsOf = g.PublishDate
		srcs = append(srcs, src)
		all.Merge(g)
	}
	return encode(srcs, "GLEIF level 1 and 2 sample records (first page of each ISIN list only)", "gleif", all)
}

func genSEC(root string) ([]byte, error) {
	src, b, err := source(root, secFile, "", secOrigin)
	if err != nil {
		return nil, err
	}
	rows, err := issuers.ReadSECTickers(bytes.NewReader(b), secFile)
	if err != nil {
		return nil, err
	}
	return encode([]issuers.RefSource{src}, "SEC ticker to CIK and company title", "sec", rows)
}

// encode writes a RefData file with one row per line, so diffs stay readable.
func encode(srcs []issuers.RefSource, note, key string, rows any) ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteString("{\n\"sources\": [\n")
	for i, s := range srcs {
		if i > 0 {
			buf.WriteString(",\n")
		}
		if err := compact(&buf, s); err != nil {
			return nil, err
		}
	}
	buf.WriteString("\n],\n\"note\": ")
	if err := compact(&buf, note); err != nil {
		return nil, err
	}
	fmt.Fprintf(&buf, ",\n%q: ", key)
	if g, ok := rows.(*issuers.GLEIFData); ok {
		buf.WriteString("{\n\"publish_date\": ")
		compact(&buf, g.PublishDate)
		for _, part := range []struct {
			k string
			v any
		}{{"entities", g.Entities}, {"relationships", g.Relationships}, {"exceptions", g.Exceptions}, {"isins", g.ISINs}} {
			fmt.Fprintf(&buf, ",\n%q: ", part.k)
			if err := lines(&buf, part.v); err != nil {
				return nil, err
			}
		}
		buf.WriteString("\n}\n}\n")
		return buf.Bytes(), nil
	}
	if err := lines(&buf, rows); err != nil {
		return nil, err
	}
	buf.WriteString("\n}\n")
	return buf.Bytes(), nil
}

// lines writes a JSON array with one compact element per line.
func lines(buf *bytes.Buffer, rows any) error {
	b, err := json.Marshal(rows)
	if err != nil {
		return err
	}
	var elems []json.RawMessage
	if err := json.Unmarshal(b, &elems); err != nil {
		return err
	}
	buf.WriteString("[")
	for i, e := range elems {
		if i > 0 {
			buf.WriteString(",")
		}
		buf.WriteString("\n")
		var v any
		if err := json.Unmarshal(e, &v); err != nil {
			return err
		}
		if err := compactRaw(buf, e); err != nil {
			return err
		}
	}
	buf.WriteString("\n]")
	return nil
}

func compact(buf *bytes.Buffer, v any) error {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return err
	}
	buf.Write(bytes.TrimRight(b.Bytes(), "\n"))
	return nil
}

// compactRaw re-encodes a JSON element without HTML escaping.
func compactRaw(buf *bytes.Buffer, e json.RawMessage) error {
	var out bytes.Buffer
	if err := json.Compact(&out, e); err != nil {
		return err
	}
	s := out.String()
	s = strings.NewReplacer(`\u0026`, "&", `\u003c`, "<", `\u003e`, ">").Replace(s)
	buf.WriteString(s)
	return nil
}
