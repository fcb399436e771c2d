package lists

import (
	"bytes"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"fmt"
	"io"
	"regexp"
	"strings"

	"github.com/screener/screener/screener"
)

// cslRequired are the columns every trade.gov CSL layout has.
var cslRequired = []string{"source", "entity_number", "type", "programs", "name", "addresses", "remarks", "alt_names", "ids"}

// isCSLHeader reports whether a header is the trade.gov CSL's: the 29-column
// layout starts with _id,source; the 28-column one with source,entity_number.
func isCSLHeader(cols []string) bool {
	if len(cols) >= 2 && cols[0] == "_id" && cols[1] == "source" {
		return true
	}
	return len(cols) >= 2 && cols[0] == "source" && cols[1] == "entity_number"
}

// cslCountry matches a two-letter country code.
var cslCountry = regexp.MustCompile(`^[A-Z]{2}$`)

// readCSL reads the trade.gov Consolidated Screening List CSV, either layout.
func readCSL(name string, data []byte) (*screener.List, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	r := csv.NewReader(bytes.NewReader(data))
	r.ReuseRecord = false
	header, err := r.Read()
	if err != nil {
		return nil, csvError(name, err, "")
	}
	col := map[string]int{}
	for i, h := range header {
		col[strings.ToLower(strings.TrimSpace(h))] = i
	}
	for _, c := range cslRequired {
		if _, ok := col[c]; !ok {
			return nil, &screener.ParseError{File: name, Line: 1, Reason: "trade.gov CSL header lacks column " + c}
		}
	}
	_, typeFirst := col["_id"] // the 2025 layout writes ids as TYPE, VALUE[, COUNTRY]
	r.FieldsPerRecord = len(header)
	l := &screener.List{Name: screener.ListCSL, Format: FormatCSL}
	seen := map[string]int{}
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, csvError(name, err, fmt.Sprintf("want %d columns, as the header", len(header)))
		}
		line, _ := r.FieldPos(0)
		get := func(c string) string {
			if i, ok := col[c]; ok {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		b := &builder{}
		b.e.List = l.Name
		b.e.Name = get("name")
		if b.e.Name == "" {
			return nil, &screener.ParseError{File: name, Line: line, Column: col["name"] + 1, Field: "name", Reason: "row has no name"}
		}
		b.e.ID = get("_id")
		if b.e.ID == "" {
			b.e.ID = get("entity_number")
		}
		if b.e.ID == "" {
			sum := sha256.Sum256([]byte(get("source") + "\x00" + b.e.Name + "\x00" + get("addresses")))
			b.e.ID = "csl-" + hex.EncodeToString(sum[:8])
		}
		if prev, dup := seen[b.e.ID]; dup {
			l.Warnings = append(l.Warnings, fmt.Sprintf("%s:%d: id %s already on line %d", name, line, b.e.ID, prev))
		}
		seen[b.e.ID] = line
		b.e.Type = strings.ToLower(get("type"))
		b.e.Programs = splitPrograms(get("programs"))
		b.e.Remarks = get("remarks")
		for _, m := range linkedTo.FindAllStringSubmatch(b.e.Remarks, -1) {
			b.addID(labelLinkedTo, strings.TrimSpace(m[1]), "")
		}
		if s := get("source"); s != "" {
			b.e.OtherIDs = append(b.e.OtherIDs, screener.ID{Type: "CSL Source", Value: s})
		}
		for _, a := range splitMulti(get("addresses")) {
			b.e.Addresses = append(b.e.Addresses, screener.Address{Address: a})
		}
		for _, a := range splitMulti(get("alt_names")) {
			b.e.Aliases = append(b.e.Aliases, screener.Alias{Name: a, Type: "aka", Strength: "strong"})
		}
		for _, id := range splitMulti(get("ids")) {
			label, value, country := cslID(id, typeFirst)
			b.addID(label, value, country)
		}
		l.Entries = append(l.Entries, b.finish())
		l.Warnings = append(l.Warnings, b.warnings...)
	}
	checkCMIC(l)
	return l, nil
}

// splitMulti splits a CSL multi-value column on "; ".
func splitMulti(s string) []string {
	var out []string
	for _, p := range strings.Split(s, "; ") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// cslID splits one ids item on the known TYPE vocabulary, since values may
// hold commas. typeFirst is the 2025 layout (TYPE, VALUE[, COUNTRY]);
// otherwise the 2019 layout ([COUNTRY, ]VALUE, TYPE).
func cslID(s string, typeFirst bool) (label, value, country string) {
	if typeFirst {
		for _, l := range labelsByLength {
			if strings.HasPrefix(s, l+", ") {
				label, value = l, s[len(l)+2:]
				break
			}
		}
		if label == "" {
			i := strings.Index(s, ", ")
			if i < 0 {
				return "ID", s, ""
			}
			label, value = s[:i], s[i+2:]
		}
		if i := strings.LastIndex(value, ", "); i >= 0 && cslCountry.MatchString(value[i+2:]) {
			value, country = value[:i], value[i+2:]
		}
		return label, strings.TrimSpace(value), country
	}
	for _, l := range labelsByLength {
		if strings.HasSuffix(s, ", "+l) {
			label, value = l, s[:len(s)-len(l)-2]
			break
		}
	}
	if label == "" {
		i := strings.LastIndex(s, ", ")
		if i < 0 {
			return "ID", s, ""
		}
		label, value = s[i+2:], s[:i]
	}
	if i := strings.Index(value, ", "); i >= 0 && cslCountry.MatchString(value[:i]) {
		country, value = value[:i], value[i+2:]
	}
	return label, strings.TrimSpace(value), country
}
