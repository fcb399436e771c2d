package lists

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/screener/screener/screener"
)

// xmlEntry is one <sdnEntry> of OFAC's sdnList XML. Tags carry no namespace,
// so they match whatever namespace URI the file declares.
type xmlEntry struct {
	UID       string   `xml:"uid"`
	FirstName string   `xml:"firstName"`
	LastName  string   `xml:"lastName"`
	SDNType   string   `xml:"sdnType"`
	Remarks   string   `xml:"remarks"`
	Programs  []string `xml:"programList>program"`
	IDs       []struct {
		Type    string `xml:"idType"`
		Number  string `xml:"idNumber"`
		Country string `xml:"idCountry"`
	} `xml:"idList>id"`
	AKAs []struct {
		Type      string `xml:"type"`
		Category  string `xml:"category"`
		LastName  string `xml:"lastName"`
		FirstName string `xml:"firstName"`
	} `xml:"akaList>aka"`
	Addresses []struct {
		Address1 string `xml:"address1"`
		Address2 string `xml:"address2"`
		Address3 string `xml:"address3"`
		City     string `xml:"city"`
		State    string `xml:"stateOrProvince"`
		Postal   string `xml:"postalCode"`
		Country  string `xml:"country"`
	} `xml:"addressList>address"`
}

// linkedTo finds "(Linked To: NAME)" in an XML <remarks>.
var linkedTo = regexp.MustCompile(`\(Linked To: ([^()]*(?:\([^()]*\)[^()]*)*)\)`)

// readOFACXML reads OFAC's sdnList XML (sdn.xml, consolidated.xml),
// streaming one <sdnEntry> at a time.
func readOFACXML(name string, r io.Reader) (*screener.List, error) {
	l := &screener.List{Name: screener.ListOFACConsolidated, Format: FormatOFACXML}
	if ofacKindFromName(name) == "sdn" {
		l.Name = screener.ListOFACSDN
	}
	d := xml.NewDecoder(r)
	seen := map[string]bool{}
	err := xmlStarts(name, d, "sdnList", func(se xml.StartElement) {
		if strings.Contains(se.Name.Space, "sdnList.xsd") {
			l.Name = screener.ListOFACSDN
		}
	}, func(se xml.StartElement, line, col int) error {
		switch se.Name.Local {
		case "Publish_Date":
			var s string
			if err := d.DecodeElement(&s, &se); err != nil {
				return xmlError(name, d, err)
			}
			t, err := time.Parse("01/02/2006", strings.TrimSpace(s))
			if err != nil {
				return &screener.ParseError{File: name, Line: line, Column: col, Field: "Publish_Date", Reason: fmt.Sprintf("Publish_Date %q: want MM/DD/YYYY", s)}
			}
			l.AsOf = screener.DateOf(t)
		case "sdnEntry":
			var x xmlEntry
			if err := d.DecodeElement(&x, &se); err != nil {
				return xmlError(name, d, err)
			}
			uid := strings.TrimSpace(x.UID)
			if n, err := strconv.Atoi(uid); err != nil || n < 0 {
				return &screener.ParseError{File: name, Line: line, Column: col, Field: "uid", Reason: fmt.Sprintf("sdnEntry uid %q is not a number", uid)}
			}
			if seen[uid] {
				return &screener.ParseError{File: name, Line: line, Column: col, Field: "uid", Reason: "sdnEntry uid " + uid + " appears twice"}
			}
			seen[uid] = true
			b := xmlBuilder(l.Name, uid, &x)
			if b.e.Name == "" {
				return &screener.ParseError{File: name, Line: line, Column: col, Field: "lastName", Reason: "sdnEntry " + uid + " has no name"}
			}
			l.Entries = append(l.Entries, b.finish())
			l.Warnings = append(l.Warnings, b.warnings...)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	checkCMIC(l)
	return l, nil
}

// xmlBuilder maps one sdnEntry onto the common model, the way the CSV
// reader does for the same data.
func xmlBuilder(list, uid string, x *xmlEntry) *builder {
	b := &builder{}
	b.e.List = list
	b.e.ID = uid
	b.e.Name = personName(x.LastName, x.FirstName)
	b.e.Type = strings.ToLower(strings.TrimSpace(x.SDNType))
	for _, p := range x.Programs {
		b.e.Programs = append(b.e.Programs, splitPrograms(p)...)
	}
	b.e.Remarks = x.Remarks
	for _, m := range linkedTo.FindAllStringSubmatch(x.Remarks, -1) {
		b.addID(labelLinkedTo, strings.TrimSpace(m[1]), "")
	}
	for _, id := range x.IDs {
		b.addID(strings.TrimSpace(id.Type), strings.TrimSpace(id.Number), strings.TrimSpace(id.Country))
	}
	for _, a := range x.AKAs {
		n := personName(a.LastName, a.FirstName)
		if n == "" {
			b.warnf("alias with no name ignored")
			continue
		}
		strength := strings.ToLower(strings.TrimSpace(a.Category))
		if strength == "" {
			strength = "strong"
		}
		b.e.Aliases = append(b.e.Aliases, screener.Alias{Name: n, Type: aliasType(a.Type), Strength: strength})
	}
	for _, a := range x.Addresses {
		ad := screener.Address{
			Address: joinNonEmpty(", ", a.Address1, a.Address2, a.Address3),
			City:    joinNonEmpty(" ", joinNonEmpty(", ", a.City, a.State), a.Postal),
			Country: strings.TrimSpace(a.Country),
		}
		if ad != (screener.Address{}) {
			b.e.Addresses = append(b.e.Addresses, ad)
		}
	}
	return b
}

// personName writes a name the way OFAC's CSV does: "LAST, First" when
// there is a first name.
func personName(last, first string) string {
	last, first = strings.TrimSpace(last), strings.TrimSpace(first)
	if first == "" {
		return last
	}
	if last == "" {
		return first
	}
	return last + ", " + first
}

// xmlStarts streams the start elements of an XML document whose root
// element must be want: rootFn (which may be nil) sees the root, fn every
// start element below it with its position; fn may decode the element
// through d. The error names the file and the place.
func xmlStarts(name string, d *xml.Decoder, want string, rootFn func(xml.StartElement), fn func(se xml.StartElement, line, col int) error) error {
	root := false
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return xmlError(name, d, err)
		}
		se, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		line, col := d.InputPos()
		if !root {
			if se.Name.Local != want {
				return &screener.ParseError{File: name, Line: line, Column: col, Reason: fmt.Sprintf("root element <%s>, want <%s>", se.Name.Local, want)}
			}
			if rootFn != nil {
				rootFn(se)
			}
			root = true
			continue
		}
		if err := fn(se, line, col); err != nil {
			return err
		}
	}
	if !root {
		return &screener.ParseError{File: name, Line: 1, Reason: fmt.Sprintf("no <%s> element", want)}
	}
	return nil
}

// xmlError turns a decoding error into a *screener.ParseError with a place.
func xmlError(name string, d *xml.Decoder, err error) error {
	var se *xml.SyntaxError
	if errors.As(err, &se) {
		if se.Msg == "unexpected EOF" {
			return &screener.ParseError{File: name, Line: se.Line, Reason: "XML ends too early (file cut short?)", Err: err}
		}
		return &screener.ParseError{File: name, Line: se.Line, Reason: "malformed XML: " + se.Msg, Err: err}
	}
	line, col := d.InputPos()
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return &screener.ParseError{File: name, Line: line, Column: col, Reason: "XML ends too early (file cut short?)", Err: err}
	}
	return &screener.ParseError{File: name, Line: line, Column: col, Reason: err.Error(), Err: err}
}
