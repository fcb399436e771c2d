package lists

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/screener/screener/screener"
)

// The four files of an OFAC legacy CSV set, by role.
const (
	rolePrim     = "prim"     // sdn.csv / cons_prim.csv, 12 columns
	roleAdd      = "add"      // add.csv / cons_add.csv, 6 columns
	roleAlt      = "alt"      // alt.csv / cons_alt.csv, 5 columns
	roleComments = "comments" // sdn_comments.csv / cons_comments.csv, 2 columns
)

// ofacFields is the column count of each role.
var ofacFields = map[string]int{rolePrim: 12, roleAdd: 6, roleAlt: 5, roleComments: 2}

// ofacNames is the file name of each role in each set ("cons" or "sdn").
var ofacNames = map[string]map[string]string{
	"cons": {rolePrim: "cons_prim.csv", roleAdd: "cons_add.csv", roleAlt: "cons_alt.csv", roleComments: "cons_comments.csv"},
	"sdn":  {rolePrim: "sdn.csv", roleAdd: "add.csv", roleAlt: "alt.csv", roleComments: "sdn_comments.csv"},
}

// ofacSet names the files of one OFAC CSV set; only prim is required.
type ofacSet struct {
	kind                     string // "cons" or "sdn"
	prim, add, alt, comments string
}

// files returns the set's paths in reading order.
func (s *ofacSet) files() []string {
	var out []string
	for _, f := range []string{s.prim, s.add, s.alt, s.comments} {
		if f != "" {
			out = append(out, f)
		}
	}
	return out
}

// ofacKindFromName guesses the set from a main file's name: "sdn" for
// sdn*.csv, "cons" otherwise.
func ofacKindFromName(name string) string {
	if strings.HasPrefix(strings.ToLower(filepath.Base(name)), "sdn") {
		return "sdn"
	}
	return "cons"
}

// ofacCSVKind returns the role of an OFAC CSV file from its first line
// (no header; ent_num first; 12, 6, 5 or 2 columns), or "".
func ofacCSVKind(line string) string {
	r := csv.NewReader(strings.NewReader(line))
	r.FieldsPerRecord = -1
	rec, err := r.Read()
	if err != nil || len(rec) < 2 {
		return ""
	}
	if _, err := strconv.Atoi(strings.TrimSpace(rec[0])); err != nil {
		return ""
	}
	switch len(rec) {
	case 12:
		return rolePrim
	case 6:
		return roleAdd
	case 5:
		switch aliasType(rec[2]) {
		case "aka", "fka", "nka":
			return roleAlt
		}
	case 2:
		return roleComments
	}
	return ""
}

// fileRole returns the OFAC role of a file by its name, else by content.
func fileRole(path string) string {
	base := strings.ToLower(filepath.Base(path))
	for _, names := range ofacNames {
		for role, n := range names {
			if base == n {
				return role
			}
		}
	}
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	head := make([]byte, sniffSize)
	n, _ := io.ReadFull(f, head)
	line := firstLine(head[:n])
	if line == "" {
		return ""
	}
	return ofacCSVKind(line)
}

// findOFACSet finds the OFAC CSV set in a folder, or nil when it has none.
func findOFACSet(dir string, files []string) (*ofacSet, error) {
	byRole := map[string][]string{}
	for _, f := range files {
		if !strings.EqualFold(filepath.Ext(f), ".csv") {
			continue
		}
		if role := fileRole(f); role != "" {
			byRole[role] = append(byRole[role], f)
		}
	}
	prims := byRole[rolePrim]
	if len(prims) == 0 {
		return nil, nil
	}
	if len(prims) > 1 {
		return nil, &screener.ParseError{File: dir, Reason: fmt.Sprintf("folder holds %d OFAC main files (%s); put each CSV set in a folder of its own",
			len(prims), strings.Join(baseNames(prims), ", "))}
	}
	s := &ofacSet{kind: ofacKindFromName(prims[0]), prim: prims[0]}
	for _, role := range []string{roleAdd, roleAlt, roleComments} {
		cands := byRole[role]
		var pick string
		switch {
		case len(cands) == 1:
			pick = cands[0]
		case len(cands) > 1:
			for _, c := range cands {
				if strings.EqualFold(filepath.Base(c), ofacNames[s.kind][role]) {
					pick = c
				}
			}
			if pick == "" {
				return nil, &screener.ParseError{File: dir, Reason: fmt.Sprintf("folder holds %d OFAC %s files (%s); cannot tell which belongs to %s",
					len(cands), role, strings.Join(baseNames(cands), ", "), filepath.Base(s.prim))}
			}
		}
		switch role {
		case roleAdd:
			s.add = pick
		case roleAlt:
			s.alt = pick
		case roleComments:
			s.comments = pick
		}
	}
	return s, nil
}

// notPrim is the error for an OFAC companion file given on its own.
func notPrim(path, role string) error {
	return &screener.ParseError{File: path, Line: 1, Reason: fmt.Sprintf("an OFAC %s file on its own: give its main file (cons_prim.csv or sdn.csv) or the folder holding the set", role)}
}

func baseNames(paths []string) []string {
	out := make([]string, len(paths))
	for i, p := range paths {
		out[i] = filepath.Base(p)
	}
	return out
}

// readOFACCSVFile reads an OFAC main CSV file with the companion files that
// sit beside it under OFAC's names.
func readOFACCSVFile(path string) (*screener.List, error) {
	if role := fileRole(path); role != rolePrim {
		return nil, notPrim(path, role)
	}
	s := &ofacSet{kind: ofacKindFromName(path), prim: path}
	dir := filepath.Dir(path)
	for _, role := range []string{roleAdd, roleAlt, roleComments} {
		p := filepath.Join(dir, ofacNames[s.kind][role])
		if _, err := os.Stat(p); err != nil {
			continue
		}
		switch role {
		case roleAdd:
			s.add = p
		case roleAlt:
			s.alt = p
		case roleComments:
			s.comments = p
		}
	}
	return readOFACCSVSet(s)
}

// readOFACCSVSet reads the files of s from disk.
func readOFACCSVSet(s *ofacSet) (*screener.List, error) {
	data := map[string][]byte{}
	for _, f := range s.files() {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, &screener.ParseError{File: f, Reason: "cannot read: " + errText(err), Err: err}
		}
		data[f] = b
	}
	return s.read(data)
}

// read parses the set from the files' contents.
func (s *ofacSet) read(data map[string][]byte) (*screener.List, error) {
	l := &screener.List{Name: screener.ListOFACConsolidated, Format: FormatOFACCSV}
	if s.kind == "sdn" {
		l.Name = screener.ListOFACSDN
	}
	for _, f := range s.files() {
		l.Sources = append(l.Sources, sourceOf(f, data[f]))
	}
	var bs []*builder
	byID := map[string]*builder{}
	remarks := map[string]*strings.Builder{}
	prims := map[string]string{} // remarks as in the main file
	err := readOFACRecords(s.prim, data[s.prim], ofacFields[rolePrim], func(line int, rec []string) error {
		id, perr := entNum(s.prim, line, rec[0])
		if perr != nil {
			return perr
		}
		if _, dup := byID[id]; dup {
			return &screener.ParseError{File: s.prim, Line: line, Column: 1, Field: "ent_num", Reason: "ent_num " + id + " appears twice"}
		}
		name := null(rec[1])
		if name == "" {
			return &screener.ParseError{File: s.prim, Line: line, Column: 2, Field: "SDN_Name", Reason: "entry " + id + " has no name"}
		}
		b := &builder{}
		b.e.List = l.Name
		b.e.ID = id
		b.e.Name = name
		b.e.Type = strings.ToLower(null(rec[2]))
		if b.e.Type == "" {
			b.e.Type = "entity"
		}
		b.e.Programs = splitPrograms(null(rec[3]))
		sb := &strings.Builder{}
		sb.WriteString(nullKeep(rec[11]))
		prims[id] = nullKeep(rec[11])
		remarks[id] = sb
		bs = append(bs, b)
		byID[id] = b
		return nil
	})
	if err != nil {
		return nil, err
	}
	var warnings []string
	orphan := func(file string, line int, id string) {
		warnings = append(warnings, fmt.Sprintf("%s:%d: ent_num %s is not in %s; row ignored", filepath.Base(file), line, id, filepath.Base(s.prim)))
	}
	if s.add != "" {
		err := readOFACRecords(s.add, data[s.add], ofacFields[roleAdd], func(line int, rec []string) error {
			id, perr := entNum(s.add, line, rec[0])
			if perr != nil {
				return perr
			}
			b := byID[id]
			if b == nil {
				orphan(s.add, line, id)
				return nil
			}
			a := screener.Address{Address: null(rec[2]), City: null(rec[3]), Country: null(rec[4])}
			if a != (screener.Address{}) {
				b.e.Addresses = append(b.e.Addresses, a)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	if s.alt != "" {
		err := readOFACRecords(s.alt, data[s.alt], ofacFields[roleAlt], func(line int, rec []string) error {
			id, perr := entNum(s.alt, line, rec[0])
			if perr != nil {
				return perr
			}
			b := byID[id]
			if b == nil {
				orphan(s.alt, line, id)
				return nil
			}
			name := null(rec[3])
			if name == "" {
				warnings = append(warnings, fmt.Sprintf("%s:%d: alias of entry %s has no name; row ignored", filepath.Base(s.alt), line, id))
				return nil
			}
			b.e.Aliases = append(b.e.Aliases, screener.Alias{Name: name, Type: aliasType(null(rec[2])), Strength: "strong"})
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	if s.comments != "" {
		err := readOFACRecords(s.comments, data[s.comments], ofacFields[roleComments], func(line int, rec []string) error {
			id, perr := entNum(s.comments, line, rec[0])
			if perr != nil {
				return perr
			}
			sb := remarks[id]
			if sb == nil {
				orphan(s.comments, line, id)
				return nil
			}
			// The continuation starts exactly where the main value stopped.
			sb.WriteString(nullKeep(rec[1]))
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	names := map[string]bool{}
	for _, b := range bs {
		names[b.e.Name] = true
	}
	for _, b := range bs {
		r := remarks[b.e.ID].String()
		if len(prims[b.e.ID]) >= remarksMax && len(r) == len(prims[b.e.ID]) {
			b.warnf("remarks are %d characters, OFAC's limit, and no comments file continues them: identifiers after the cut are lost", len(r))
		}
		b.e.Remarks = r
		parseRemarks(b, r, names)
		l.Entries = append(l.Entries, b.finish())
		l.Warnings = append(l.Warnings, b.warnings...)
	}
	l.Warnings = append(l.Warnings, warnings...)
	checkCMIC(l)
	return l, nil
}

// remarksMax is the length at which OFAC cuts Remarks into the comments file.
const remarksMax = 1000

// readOFACRecords parses one headerless OFAC CSV file with n columns,
// calling fn with each record and its line number.
func readOFACRecords(name string, data []byte, n int, fn func(line int, rec []string) error) error {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	// DOS end-of-file byte after the last record.
	data = bytes.TrimRight(data, "\x1a")
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = n
	r.ReuseRecord = true
	for {
		rec, err := r.Read()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return csvError(name, err, fmt.Sprintf("want %d columns (OFAC %s)", n, filepath.Base(name)))
		}
		line, _ := r.FieldPos(0)
		if err := fn(line, rec); err != nil {
			return err
		}
	}
}

// csvError turns an encoding/csv error into a *screener.ParseError.
func csvError(name string, err error, hint string) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		reason := pe.Err.Error()
		if errors.Is(pe.Err, csv.ErrFieldCount) && hint != "" {
			reason += ": " + hint
		}
		return &screener.ParseError{File: name, Line: pe.Line, Column: pe.Column, Reason: reason, Err: err}
	}
	return &screener.ParseError{File: name, Reason: err.Error(), Err: err}
}

// entNum checks an ent_num field.
func entNum(file string, line int, s string) (string, error) {
	s = strings.TrimSpace(s)
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 {
		return "", &screener.ParseError{File: file, Line: line, Column: 1, Field: "ent_num", Reason: fmt.Sprintf("ent_num %q is not a number", s)}
	}
	return strconv.Itoa(n), nil
}

// null returns the trimmed value, or "" for OFAC's null "-0- ".
func null(s string) string {
	s = strings.TrimSpace(s)
	if s == "-0-" {
		return ""
	}
	return s
}

// nullKeep returns s untouched, or "" for OFAC's null "-0- ". Remarks keep
// their spaces because a spilled value may be cut just after one.
func nullKeep(s string) string {
	if strings.TrimSpace(s) == "-0-" {
		return ""
	}
	return s
}

// parseRemarks reads the identifier segments of an OFAC Remarks value into b.
// names is the set of entry names of the list, used to restore the final
// period of a "Linked To:" value that the Remarks terminator swallowed.
func parseRemarks(b *builder, remarks string, names map[string]bool) {
	r := strings.TrimSpace(remarks)
	if r == "" {
		return
	}
	cutDot := strings.HasSuffix(r, ".")
	r = strings.TrimSuffix(r, ".")
	segs := strings.Split(r, "; ")
	for i, seg := range segs {
		seg = strings.TrimSpace(seg)
		seg = strings.TrimPrefix(seg, "alt. ")
		last := i == len(segs)-1
		if typ, name, ok := weakAlias(seg); ok {
			b.e.Aliases = append(b.e.Aliases, screener.Alias{Name: name, Type: typ, Strength: "weak"})
			continue
		}
		label, value, ok := matchLabel(seg)
		if !ok || value == "" {
			continue
		}
		if label == labelLinkedTo && last && cutDot && names[value+"."] {
			value += "."
		}
		v, country := splitCountry(label, value)
		b.addID(label, v, country)
	}
}

// weakAlias reads a.k.a. 'NAME' (also f.k.a., n.k.a.).
func weakAlias(seg string) (typ, name string, ok bool) {
	for _, p := range []string{"a.k.a.", "f.k.a.", "n.k.a."} {
		if !strings.HasPrefix(seg, p+" '") {
			continue
		}
		rest := seg[len(p)+2:]
		if i := strings.LastIndexByte(rest, '\''); i >= 0 {
			rest = rest[:i]
		}
		rest = strings.TrimSpace(rest)
		if rest == "" {
			return "", "", false
		}
		return aliasType(p), rest, true
	}
	return "", "", false
}
