package issuers

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
)

// GLEIF relationship types (level 2 data).
const (
	GLEIFDirect   = "IS_DIRECTLY_CONSOLIDATED_BY"
	GLEIFUltimate = "IS_ULTIMATELY_CONSOLIDATED_BY"
)

// GLEIFRelationship is one GLEIF relationship record: Child is consolidated
// by Parent.
type GLEIFRelationship struct {
	Child     string `json:"child"`
	Parent    string `json:"parent"`
	Type      string `json:"type"`                 // IS_DIRECTLY_CONSOLIDATED_BY or IS_ULTIMATELY_CONSOLIDATED_BY
	Status    string `json:"status,omitempty"`     // ACTIVE or INACTIVE
	StartDate string `json:"start_date,omitempty"` // relationship period start, YYYY-MM-DD
}

// GLEIFException is a GLEIF reporting exception: LEI reports no parent of
// Category for Reason.
type GLEIFException struct {
	LEI      string `json:"lei"`
	Category string `json:"category"`
	Reason   string `json:"reason"`
}

// LEIISIN is one LEI→ISIN pair from GLEIF's ISIN mapping.
type LEIISIN struct {
	LEI  string `json:"lei"`
	ISIN string `json:"isin"`
}

// GLEIFData is what GLEIF files say: entities (level 1), relationships and
// reporting exceptions (level 2), and LEI→ISIN pairs.
type GLEIFData struct {
	PublishDate   string              `json:"publish_date,omitempty"` // golden copy publish date, YYYY-MM-DD
	Entities      []Entity            `json:"entities,omitempty"`
	Relationships []GLEIFRelationship `json:"relationships,omitempty"`
	Exceptions    []GLEIFException    `json:"exceptions,omitempty"`
	ISINs         []LEIISIN           `json:"isins,omitempty"`
}

// Merge adds o's records to g.
func (g *GLEIFData) Merge(o *GLEIFData) {
	if g.PublishDate == "" {
		g.PublishDate = o.PublishDate
	}
	g.Entities = append(g.Entities, o.Entities...)
	g.Relationships = append(g.Relationships, o.Relationships...)
	g.Exceptions = append(g.Exceptions, o.Exceptions...)
	g.ISINs = append(g.ISINs, o.ISINs...)
}

type gleifDoc struct {
	Meta struct {
		GoldenCopy struct {
			PublishDate string `json:"publishDate"`
		} `json:"goldenCopy"`
	} `json:"meta"`
	Data   json.RawMessage `json:"data"`
	Errors []struct {
		Title  string `json:"title"`
		Detail string `json:"detail"`
	} `json:"errors"`
}

type gleifItem struct {
	Type       string          `json:"type"`
	ID         string          `json:"id"`
	Attributes json.RawMessage `json:"attributes"`
}

type gleifLEIAttrs struct {
	LEI    string `json:"lei"`
	Entity struct {
		LegalName struct {
			Name string `json:"name"`
		} `json:"legalName"`
		OtherNames []struct {
			Name string `json:"name"`
		} `json:"otherNames"`
		Jurisdiction string `json:"jurisdiction"`
		Status       string `json:"status"`
	} `json:"entity"`
	Registration struct {
		Status string `json:"status"`
	} `json:"registration"`
}

type gleifRelAttrs struct {
	Relationship struct {
		StartNode struct{ ID string } `json:"startNode"`
		EndNode   struct{ ID string } `json:"endNode"`
		Type      string              `json:"type"`
		Status    string              `json:"status"`
		Periods   []struct {
			StartDate string `json:"startDate"`
			Type      string `json:"type"`
		} `json:"periods"`
	} `json:"relationship"`
}

// ReadGLEIF reads one GLEIF API v1 JSON:API response: a lei-records
// document (single or list), relationship-records, reporting-exceptions or an
// isins page. Other record types are ignored; an API error document or
// malformed JSON is an error. name labels errors.
func ReadGLEIF(r io.Reader, name string) (*GLEIFData, error) {
	var doc gleifDoc
	dec := json.NewDecoder(r)
	if err := dec.Decode(&doc); err != nil {
		return nil, jsonError(name, err)
	}
	if len(doc.Errors) > 0 {
		return nil, &FileError{File: name, Reason: "GLEIF API error: " + doc.Errors[0].Title + " " + doc.Errors[0].Detail}
	}
	g := &GLEIFData{PublishDate: datePart(doc.Meta.GoldenCopy.PublishDate)}
	var items []gleifItem
	data := bytes.TrimSpace(doc.Data)
	switch {
	case len(data) == 0 || string(data) == "null":
	case data[0] == '[':
		if err := json.Unmarshal(data, &items); err != nil {
			return nil, jsonError(name, err)
		}
	default:
		var it gleifItem
		if err := json.Unmarshal(data, &it); err != nil {
			return nil, jsonError(name, err)
		}
		items = append(items, it)
	}
	for i, it := range items {
		bad := func(why string) error {
			return &FileError{File: name, Reason: fmt.Sprintf("data[%d] (%s %s): %s", i, it.Type, it.ID, why)}
		}
		switch it.Type {
		case "lei-records":
			var a gleifLEIAttrs
			if err := json.Unmarshal(it.Attributes, &a); err != nil {
				return nil, bad(err.Error())
			}
			if a.LEI == "" {
				return nil, bad("no lei")
			}
			e := Entity{LEI: a.LEI, Name: a.Entity.LegalName.Name, Jurisdiction: a.Entity.Jurisdiction,
				Status: a.Entity.Status, RegistrationStatus: a.Registration.Status}
			for _, n := range a.Entity.OtherNames {
				e.OtherNames = append(e.OtherNames, n.Name)
			}
			g.Entities = append(g.Entities, e)
		case "relationship-records":
			var a gleifRelAttrs
			if err := json.Unmarshal(it.Attributes, &a); err != nil {
				return nil, bad(err.Error())
			}
			rel := a.Relationship
			if rel.StartNode.ID == "" || rel.EndNode.ID == "" {
				return nil, bad("relationship without start or end node")
			}
			gr := GLEIFRelationship{Child: rel.StartNode.ID, Parent: rel.EndNode.ID, Type: rel.Type, Status: rel.Status}
			for _, p := range rel.Periods {
				if p.Type == "RELATIONSHIP_PERIOD" {
					gr.StartDate = datePart(p.StartDate)
				}
			}
			g.Relationships = append(g.Relationships, gr)
		case "reporting-exceptions":
			var a GLEIFException
			if err := json.Unmarshal(it.Attributes, &a); err != nil {
				return nil, bad(err.Error())
			}
			if a.LEI == "" || a.Category == "" {
				return nil, bad("reporting exception without lei or category")
			}
			g.Exceptions = append(g.Exceptions, a)
		case "isins":
			var a LEIISIN
			if err := json.Unmarshal(it.Attributes, &a); err != nil {
				return nil, bad(err.Error())
			}
			if a.LEI == "" || a.ISIN == "" {
				return nil, bad("isin record without lei or isin")
			}
			g.ISINs = append(g.ISINs, a)
		}
	}
	return g, nil
}

// ReadGLEIFRelationshipCSV reads GLEIF's relationship-record golden copy CSV
// (columns "Relationship.StartNode.NodeID", "Relationship.EndNode.NodeID",
// "Relationship.RelationshipType", and optionally
// "Relationship.RelationshipStatus" and "Relationship.Period.N.startDate" /
// "...periodType"). Rows whose nodes are not LEIs are skipped only when the
// NodeIDType columns say so. name labels errors.
func ReadGLEIFRelationshipCSV(r io.Reader, name string) ([]GLEIFRelationship, error) {
	t, err := newCSVTable(r, name, func(h string) string { return h })
	if err != nil {
		return nil, err
	}
	const (
		start     = "Relationship.StartNode.NodeID"
		startType = "Relationship.StartNode.NodeIDType"
		end       = "Relationship.EndNode.NodeID"
		endType   = "Relationship.EndNode.NodeIDType"
		typ       = "Relationship.RelationshipType"
		status    = "Relationship.RelationshipStatus"
	)
	if err := t.require(start, end, typ); err != nil {
		return nil, err
	}
	var out []GLEIFRelationship
	for {
		ok, err := t.next()
		if err != nil {
			return nil, err
		}
		if !ok {
			return out, nil
		}
		get := t.get
		if t := get(startType); t != "" && t != "LEI" {
			continue
		}
		if t := get(endType); t != "" && t != "LEI" {
			continue
		}
		gr := GLEIFRelationship{Child: get(start), Parent: get(end), Type: get(typ), Status: get(status)}
		for h, c := range map[string]string{start: gr.Child, end: gr.Parent} {
			if err := CheckLEI(c); err != nil {
				return nil, t.bad(h, fmt.Sprintf("LEI %q: %v", c, err))
			}
		}
		switch gr.Type {
		case GLEIFDirect, GLEIFUltimate:
		default:
			// other level 2 types (fund relations, branches) are not parents
			continue
		}
		for n := 1; ; n++ {
			sd := fmt.Sprintf("Relationship.Period.%d.startDate", n)
			if !t.has(sd) {
				break
			}
			if get(fmt.Sprintf("Relationship.Period.%d.periodType", n)) == "RELATIONSHIP_PERIOD" {
				gr.StartDate = datePart(get(sd))
			}
		}
		out = append(out, gr)
	}
}

// AddGLEIF puts GLEIF data into the directory: entities, parents (active
// relationships only), reporting exceptions and LEI→ISIN securities (issuer
// name from the entity record where known). source names the data in
// provenance.
func (d *Directory) AddGLEIF(g *GLEIFData, source string) {
	from := Provenance{Source: source, AsOf: g.PublishDate}
	for _, e := range g.Entities {
		e.From = from
		d.AddEntity(e)
	}
	for _, x := range g.Exceptions {
		d.AddEntity(Entity{LEI: x.LEI, From: from, Exceptions: []ParentException{{Category: x.Category, Reason: x.Reason}}})
	}
	for _, r := range g.Relationships {
		if r.Status != "" && r.Status != "ACTIVE" {
			continue
		}
		rel := RelDirectParent
		switch r.Type {
		case GLEIFDirect:
		case GLEIFUltimate:
			rel = RelUltimateParent
		default:
			continue
		}
		f := from
		f.Ref = r.Child + " " + r.Type + " " + r.Parent
		d.AddParent(r.Child, Link{Relation: rel, LEI: r.Parent, From: f})
	}
	for _, p := range g.ISINs {
		s := Security{ISIN: p.ISIN, IssuerLEI: p.LEI, From: from}
		if e := d.Entity(p.LEI); e != nil {
			s.IssuerName = e.Name
		}
		d.Add(s)
	}
}

// datePart returns the YYYY-MM-DD part of an RFC 3339 time stamp.
func datePart(s string) string {
	s = strings.TrimSpace(s)
	if len(s) >= 10 && s[4] == '-' && s[7] == '-' {
		return s[:10]
	}
	return s
}

// jsonError turns a JSON decoding error into a *FileError, with the byte
// offset where the decoder stopped.
func jsonError(name string, err error) error {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		return &FileError{File: name, Reason: fmt.Sprintf("invalid JSON at byte %d: %v", se.Offset, err), Err: err}
	case errors.As(err, &te):
		return &FileError{File: name, Reason: fmt.Sprintf("unexpected JSON at byte %d: %v", te.Offset, err), Err: err}
	}
	return &FileError{File: name, Reason: "invalid JSON: " + err.Error(), Err: err}
}
