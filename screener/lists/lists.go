// Package lists reads published prohibited-party lists into screener.List
// snapshots: OFAC's legacy CSV sets (SDN and Consolidated, with their add,
// alt and comments files), OFAC's sdnList XML, OFAC's advanced XML, the
// trade.gov Consolidated Screening List CSV, and a firm's own restricted-list
// CSV. It detects the format of a file or folder by content and ships the
// 2025-12 OFAC Consolidated list as an embedded default (Default).
//
// Every reader maps its format onto one model, screener.Entry, so the same
// data in two formats gives equal entries wherever both formats carry a
// field. Bad input is a *screener.ParseError naming the file and line.
//
// It leaves matching holdings to package screener, identifier and ticker
// rules to package issuers, and storing snapshots to screener/store.
package lists

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/screener/screener/screener"
)

// Format names returned by Detect and stored in screener.List.Format.
const (
	FormatOFACCSV      = "ofac-csv"          // OFAC legacy CSV set (sdn.csv or cons_prim.csv and companions)
	FormatOFACXML      = "ofac-xml"          // OFAC sdnList XML (sdn.xml, consolidated.xml)
	FormatOFACAdvanced = "ofac-advanced-xml" // OFAC advanced XML (sdn_advanced.xml, cons_advanced.xml)
	FormatCSL          = "csl-csv"           // trade.gov Consolidated Screening List CSV
	FormatCustom       = "custom-csv"        // a firm's own restricted list (see custom.go)
)

// sniffSize is how much of a file detection looks at.
const sniffSize = 8 << 10

// ReadPath reads the list or lists at path. A file gives one List; an OFAC
// main CSV file (sdn.csv, cons_prim.csv) is read together with its companion
// files (add, alt, comments) found beside it. A folder gives one List per
// list it holds: an OFAC CSV set in the folder is one List, and every other
// .csv or .xml file in it is read on its own. Other files in a folder
// (.md, .txt, .xsd...) are ignored; sub-folders are not entered.
func ReadPath(path string) ([]*screener.List, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, &screener.ParseError{File: path, Reason: "cannot open: " + errText(err), Err: err}
	}
	if !st.IsDir() {
		format, err := Detect(path)
		if err != nil {
			return nil, err
		}
		if format == FormatOFACCSV {
			l, err := readOFACCSVFile(path)
			if err != nil {
				return nil, err
			}
			return []*screener.List{l}, nil
		}
		l, err := readFile(path, format)
		if err != nil {
			return nil, err
		}
		return []*screener.List{l}, nil
	}
	files, err := folderFiles(path)
	if err != nil {
		return nil, err
	}
	var out []*screener.List
	set, err := findOFACSet(path, files)
	if err != nil {
		return nil, err
	}
	used := map[string]bool{}
	if set != nil {
		l, err := readOFACCSVSet(set)
		if err != nil {
			return nil, err
		}
		out = append(out, l)
		for _, f := range set.files() {
			used[f] = true
		}
	}
	for _, f := range files {
		if used[f] {
			continue
		}
		format, err := Detect(f)
		if err != nil {
			return nil, err
		}
		if format == FormatOFACCSV {
			// A second OFAC set, or a companion file without its main file.
			return nil, &screener.ParseError{File: f, Reason: "an OFAC CSV file that belongs to no set in this folder (only one sdn.csv or cons_prim.csv set per folder)"}
		}
		l, err := readFile(f, format)
		if err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	if len(out) == 0 {
		return nil, &screener.ParseError{File: path, Reason: "folder holds no list file (.csv or .xml)"}
	}
	return out, nil
}

// Read reads one list file of a single-file format (OFAC XML, OFAC advanced
// XML, trade.gov CSL CSV, custom CSV, or an OFAC main CSV file on its own)
// from r. name is used in errors and as the source path.
func Read(name string, r io.Reader) (*screener.List, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, &screener.ParseError{File: name, Reason: "cannot read: " + errText(err), Err: err}
	}
	format, err := detectBytes(name, data)
	if err != nil {
		return nil, err
	}
	return readBytes(name, format, data)
}

// Detect returns the format of the file or folder at path, by content: one
// of the Format constants. A folder holding an OFAC CSV set is
// FormatOFACCSV; a folder whose list files share one format has that format.
// The error names the file when no format fits.
func Detect(path string) (string, error) {
	st, err := os.Stat(path)
	if err != nil {
		return "", &screener.ParseError{File: path, Reason: "cannot open: " + errText(err), Err: err}
	}
	if st.IsDir() {
		files, err := folderFiles(path)
		if err != nil {
			return "", err
		}
		set, err := findOFACSet(path, files)
		if err != nil {
			return "", err
		}
		if set != nil {
			return FormatOFACCSV, nil
		}
		formats := map[string]bool{}
		for _, f := range files {
			format, err := Detect(f)
			if err != nil {
				return "", err
			}
			formats[format] = true
		}
		if len(formats) == 0 {
			return "", &screener.ParseError{File: path, Reason: "folder holds no list file (.csv or .xml)"}
		}
		if len(formats) > 1 {
			var fs []string
			for f := range formats {
				fs = append(fs, f)
			}
			sort.Strings(fs)
			return "", &screener.ParseError{File: path, Reason: "folder mixes list formats: " + strings.Join(fs, ", ")}
		}
		for f := range formats {
			return f, nil
		}
	}
	f, err := os.Open(path)
	if err != nil {
		return "", &screener.ParseError{File: path, Reason: "cannot open: " + errText(err), Err: err}
	}
	defer f.Close()
	head := make([]byte, sniffSize)
	n, err := io.ReadFull(f, head)
	if err != nil && err != io.ErrUnexpectedEOF && err != io.EOF {
		return "", &screener.ParseError{File: path, Reason: "cannot read: " + errText(err), Err: err}
	}
	return detectBytes(path, head[:n])
}

// detectBytes decides the format from the first bytes of a file.
func detectBytes(name string, data []byte) (string, error) {
	head := data
	if len(head) > sniffSize {
		head = head[:sniffSize]
	}
	head = bytes.TrimPrefix(head, []byte("\xef\xbb\xbf"))
	trimmed := bytes.TrimLeft(head, " \t\r\n")
	if bytes.HasPrefix(trimmed, []byte("<")) {
		switch rootElement(trimmed) {
		case "sdnList":
			return FormatOFACXML, nil
		case "Sanctions":
			return FormatOFACAdvanced, nil
		case "":
			return "", &screener.ParseError{File: name, Line: 1, Reason: "XML file with no root element in its first 8 KiB"}
		default:
			return "", &screener.ParseError{File: name, Line: 1, Reason: fmt.Sprintf("unknown XML list: root element <%s>, want <sdnList> (OFAC XML) or <Sanctions> (OFAC advanced XML)", rootElement(trimmed))}
		}
	}
	line := firstLine(head)
	if line == "" {
		return "", &screener.ParseError{File: name, Line: 1, Reason: "empty file: not a list"}
	}
	if kind := ofacCSVKind(line); kind != "" {
		return FormatOFACCSV, nil
	}
	cols := headerColumns(line)
	if isCSLHeader(cols) {
		return FormatCSL, nil
	}
	if isCustomHeader(cols) {
		return FormatCustom, nil
	}
	return "", &screener.ParseError{File: name, Line: 1, Reason: "format not recognised: not OFAC CSV (no header, ent_num first), OFAC XML, OFAC advanced XML, trade.gov CSL CSV (header _id,source,... or source,entity_number,...) or custom list CSV (header with id and name columns)"}
}

// rootElement returns the local name of the first element of an XML prefix.
func rootElement(b []byte) string {
	for len(b) > 0 {
		i := bytes.IndexByte(b, '<')
		if i < 0 {
			return ""
		}
		b = b[i+1:]
		if len(b) == 0 {
			return ""
		}
		if b[0] == '?' || b[0] == '!' {
			continue
		}
		end := bytes.IndexAny(b, " \t\r\n/>")
		if end < 0 {
			return ""
		}
		name := string(b[:end])
		if j := strings.LastIndexByte(name, ':'); j >= 0 {
			name = name[j+1:]
		}
		return name
	}
	return ""
}

// firstLine returns the first non-empty line of b, without its line end.
func firstLine(b []byte) string {
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 0, len(b)+1), len(b)+1)
	for sc.Scan() {
		s := strings.TrimRight(sc.Text(), "\r\x1a")
		if strings.TrimSpace(s) != "" {
			return strings.TrimPrefix(s, "\ufeff")
		}
	}
	return ""
}

// headerColumns splits a header line on commas, unquoting and lower-casing.
func headerColumns(line string) []string {
	parts := strings.Split(line, ",")
	for i, p := range parts {
		parts[i] = strings.ToLower(strings.Trim(strings.TrimSpace(p), `"`))
	}
	return parts
}

// readFile reads a single-file list of a known format from disk.
func readFile(path, format string) (*screener.List, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, &screener.ParseError{File: path, Reason: "cannot read: " + errText(err), Err: err}
	}
	return readBytes(path, format, data)
}

// readBytes dispatches on format.
func readBytes(name, format string, data []byte) (*screener.List, error) {
	var l *screener.List
	var err error
	switch format {
	case FormatOFACXML:
		l, err = readOFACXML(name, bytes.NewReader(data))
	case FormatOFACAdvanced:
		l, err = readAdvanced(name, bytes.NewReader(data))
	case FormatCSL:
		l, err = readCSL(name, data)
	case FormatCustom:
		l, err = readCustom(name, data)
	case FormatOFACCSV:
		if role := ofacCSVKind(firstLine(data)); role != rolePrim {
			return nil, notPrim(name, role)
		}
		s := &ofacSet{kind: ofacKindFromName(name)}
		s.prim = name
		l, err = s.read(map[string][]byte{name: data})
	default:
		return nil, &screener.ParseError{File: name, Reason: "unknown format " + format}
	}
	if err != nil {
		return nil, err
	}
	if format != FormatOFACCSV {
		l.Sources = []screener.SourceFile{sourceOf(name, data)}
	}
	return l, nil
}

// sourceOf describes a file that was read.
func sourceOf(name string, data []byte) screener.SourceFile {
	sum := sha256.Sum256(data)
	return screener.SourceFile{Path: name, SHA256: hex.EncodeToString(sum[:]), Size: int64(len(data))}
}

// folderFiles lists the candidate list files of a folder (.csv, .xml), sorted.
func folderFiles(dir string) ([]string, error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, &screener.ParseError{File: dir, Reason: "cannot list folder: " + errText(err), Err: err}
	}
	var out []string
	for _, e := range ents {
		if e.IsDir() {
			continue
		}
		switch strings.ToLower(filepath.Ext(e.Name())) {
		case ".csv", ".xml":
			out = append(out, filepath.Join(dir, e.Name()))
		}
	}
	sort.Strings(out)
	return out, nil
}

// errText is err's message without the path os errors repeat.
func errText(err error) string {
	if pe, ok := err.(*os.PathError); ok {
		return pe.Err.Error()
	}
	return err.Error()
}
