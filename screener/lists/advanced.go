package lists

import (
	"encoding/xml"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/screener/screener/screener"
)

// Elements of OFAC's advanced XML (sdn_advanced.xsd) that the reader keeps.
// Each is decoded on its own as the Decoder reaches it, so the file streams.
type (
	advRefSet struct {
		Values []struct {
			XMLName     xml.Name
			ID          string `xml:"ID,attr"`
			PartyTypeID string `xml:"PartyTypeID,attr"`
			Description string `xml:"Description,attr"`
			Text        string `xml:",chardata"`
		} `xml:",any"`
	}
	advNamePart struct {
		GroupID string `xml:"NamePartGroupID,attr"`
		Value   string `xml:",chardata"`
	}
	advParty struct {
		FixedRef string `xml:"FixedRef,attr"`
		Profiles []struct {
			ID           string `xml:"ID,attr"`
			PartySubType string `xml:"PartySubTypeID,attr"`
			Identities   []struct {
				ID      string `xml:"ID,attr"`
				Aliases []struct {
					TypeID     string `xml:"AliasTypeID,attr"`
					Primary    string `xml:"Primary,attr"`
					LowQuality string `xml:"LowQuality,attr"`
					Names      []struct {
						Parts []advNamePart `xml:"DocumentedNamePart>NamePartValue"`
					} `xml:"DocumentedName"`
				} `xml:"Alias"`
				Groups []struct {
					ID     string `xml:"ID,attr"`
					TypeID string `xml:"NamePartTypeID,attr"`
				} `xml:"NamePartGroups>MasterNamePartGroup>NamePartGroup"`
			} `xml:"Identity"`
			Features []struct {
				TypeID   string `xml:"FeatureTypeID,attr"`
				Versions []struct {
					Detail string  `xml:"VersionDetail"`
					Date   advDate `xml:"DatePeriod>Start>From"`
				} `xml:"FeatureVersion"`
			} `xml:"Feature"`
		} `xml:"Profile"`
	}
	advDate struct {
		Year  string `xml:"Year"`
		Month string `xml:"Month"`
		Day   string `xml:"Day"`
	}
	advDoc struct {
		TypeID     string `xml:"IDRegDocTypeID,attr"`
		IdentityID string `xml:"IdentityID,attr"`
		CountryID  string `xml:"IssuedBy-CountryID,attr"`
		Number     string `xml:"IDRegistrationNo"`
	}
	advRelation struct {
		From   string `xml:"From-ProfileID,attr"`
		To     string `xml:"To-ProfileID,attr"`
		TypeID string `xml:"RelationTypeID,attr"`
	}
	advSanction struct {
		ProfileID string `xml:"ProfileID,attr"`
		ListID    string `xml:"ListID,attr"`
		Measures  []struct {
			TypeID  string `xml:"SanctionsTypeID,attr"`
			Comment string `xml:"Comment"`
		} `xml:"SanctionsMeasure"`
	}
)

// date returns the advanced XML date, or the zero Date.
func (d advDate) date() screener.Date {
	y, err1 := strconv.Atoi(strings.TrimSpace(d.Year))
	m, err2 := strconv.Atoi(strings.TrimSpace(d.Month))
	dd, err3 := strconv.Atoi(strings.TrimSpace(d.Day))
	if err1 != nil || err2 != nil || err3 != nil || m < 1 || m > 12 || dd < 1 || dd > 31 {
		return screener.Date{}
	}
	return screener.NewDate(y, time.Month(m), dd)
}

// readAdvanced reads OFAC's advanced XML (sdn_advanced.xml,
// cons_advanced.xml): entries, names, aliases, programs and identity
// documents, with every coded value resolved through ReferenceValueSets.
// Addresses and locations are not read.
func readAdvanced(name string, r io.Reader) (*screener.List, error) {
	l := &screener.List{Name: screener.ListOFACConsolidated, Format: FormatOFACAdvanced}
	if ofacKindFromName(name) == "sdn" {
		l.Name = screener.ListOFACSDN
	}
	d := xml.NewDecoder(r)
	ref := map[string]map[string]string{} // set element name -> ID -> text
	partyType := map[string]string{}      // PartySubType ID -> PartyType ID
	var order []string                    // profile IDs in file order
	builders := map[string]*builder{}
	identity := map[string]string{} // Identity ID -> profile ID
	var docs []advDoc
	var rels []advRelation
	err := xmlStarts(name, d, "Sanctions", nil, func(se xml.StartElement, line, col int) error {
		switch se.Name.Local {
		case "DateOfIssue":
			var x advDate
			if err := d.DecodeElement(&x, &se); err != nil {
				return xmlError(name, d, err)
			}
			l.AsOf = x.date()
		case "ReferenceValueSets":
			var x struct {
				Sets []struct {
					XMLName xml.Name
					advRefSet
				} `xml:",any"`
			}
			if err := d.DecodeElement(&x, &se); err != nil {
				return xmlError(name, d, err)
			}
			for _, s := range x.Sets {
				for _, v := range s.Values {
					k := v.XMLName.Local
					if ref[k] == nil {
						ref[k] = map[string]string{}
					}
					text := strings.TrimSpace(v.Text)
					if k == "AreaCode" || k == "Country" {
						if v.Description != "" && k == "AreaCode" {
							text = v.Description
						}
					}
					ref[k][v.ID] = text
					if k == "PartySubType" {
						partyType[v.ID] = v.PartyTypeID
					}
				}
			}
		case "DistinctParty":
			var x advParty
			if err := d.DecodeElement(&x, &se); err != nil {
				return xmlError(name, d, err)
			}
			id := strings.TrimSpace(x.FixedRef)
			if n, err := strconv.Atoi(id); err != nil || n < 0 {
				return &screener.ParseError{File: name, Line: line, Column: col, Field: "FixedRef", Reason: fmt.Sprintf("DistinctParty FixedRef %q is not a number", id)}
			}
			if builders[id] != nil {
				return &screener.ParseError{File: name, Line: line, Column: col, Field: "FixedRef", Reason: "DistinctParty " + id + " appears twice"}
			}
			b := &builder{}
			b.e.List = l.Name
			b.e.ID = id
			for _, p := range x.Profiles {
				sub := ref["PartySubType"][p.PartySubType]
				switch sub {
				case "Vessel", "Aircraft":
					b.e.Type = strings.ToLower(sub)
				default:
					b.e.Type = strings.ToLower(ref["PartyType"][partyType[p.PartySubType]])
				}
				if pid := strings.TrimSpace(p.ID); pid != "" && pid != id {
					identity["profile:"+pid] = id
				}
				for _, ident := range p.Identities {
					identity[ident.ID] = id
					groups := map[string]string{}
					for _, g := range ident.Groups {
						groups[g.ID] = ref["NamePartType"][g.TypeID]
					}
					for _, a := range ident.Aliases {
						for _, dn := range a.Names {
							n := advName(dn.Parts, groups)
							if n == "" {
								continue
							}
							if a.Primary == "true" && b.e.Name == "" {
								b.e.Name = n
								continue
							}
							strength := "strong"
							if a.LowQuality == "true" {
								strength = "weak"
							}
							b.e.Aliases = append(b.e.Aliases, screener.Alias{Name: n, Type: aliasType(ref["AliasType"][a.TypeID]), Strength: strength})
						}
					}
				}
				for _, f := range p.Features {
					label := ref["FeatureType"][f.TypeID]
					if !featureLabels[label] {
						continue
					}
					for _, v := range f.Versions {
						val := strings.TrimSpace(v.Detail)
						if val == "" {
							if dt := v.Date.date(); !dt.IsZero() {
								val = dt.String()
							}
						}
						b.addID(label, val, "")
					}
				}
			}
			if b.e.Name == "" {
				return &screener.ParseError{File: name, Line: line, Column: col, Reason: "DistinctParty " + id + " has no primary name"}
			}
			builders[id] = b
			order = append(order, id)
		case "IDRegDocument":
			var x advDoc
			if err := d.DecodeElement(&x, &se); err != nil {
				return xmlError(name, d, err)
			}
			docs = append(docs, x)
		case "ProfileRelationship":
			var x advRelation
			if err := d.DecodeElement(&x, &se); err != nil {
				return xmlError(name, d, err)
			}
			rels = append(rels, x)
		case "SanctionsEntry":
			var x advSanction
			if err := d.DecodeElement(&x, &se); err != nil {
				return xmlError(name, d, err)
			}
			b := builders[strings.TrimSpace(x.ProfileID)]
			if b == nil {
				l.Warnings = append(l.Warnings, fmt.Sprintf("line %d: SanctionsEntry for profile %s, which has no DistinctParty; ignored", line, x.ProfileID))
				return nil
			}
			for _, m := range x.Measures {
				if ref["SanctionsType"][m.TypeID] == "Program" {
					b.e.Programs = append(b.e.Programs, splitPrograms(m.Comment)...)
				}
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, doc := range docs {
		b := builders[identity[doc.IdentityID]]
		if b == nil {
			l.Warnings = append(l.Warnings, fmt.Sprintf("IDRegDocument for identity %s, which no DistinctParty has; ignored", doc.IdentityID))
			continue
		}
		label := ref["IDRegDocType"][doc.TypeID]
		if label == "" {
			label = "IDRegDocType " + doc.TypeID
		}
		b.addID(label, doc.Number, ref["Country"][doc.CountryID])
	}
	for _, rel := range rels {
		from := builders[profileEntry(identity, rel.From)]
		to := builders[profileEntry(identity, rel.To)]
		if from == nil || to == nil {
			continue
		}
		from.addID(labelLinkedTo, to.e.Name, "")
	}
	for _, id := range order {
		b := builders[id]
		l.Entries = append(l.Entries, b.finish())
		l.Warnings = append(l.Warnings, b.warnings...)
	}
	checkCMIC(l)
	return l, nil
}

// featureLabels are the Feature types the reader files (CMIC-era files
// carry the CMIC dates and a few identifiers as Features).
var featureLabels = map[string]bool{
	labelListing: true, labelEffective: true, labelDivestment: true, labelTarget: true,
	labelISIN: true, labelTicker: true, labelIssuer: true, labelUSCC: true, labelLEI: true,
}

// profileEntry returns the entry of a profile ID.
func profileEntry(identity map[string]string, profile string) string {
	if e, ok := identity["profile:"+profile]; ok {
		return e
	}
	return profile
}

// advName writes a documented name the way the CSV does: "LAST, First ..."
// for people, the parts joined with spaces otherwise.
func advName(parts []advNamePart, groups map[string]string) string {
	var last, rest []string
	for _, p := range parts {
		v := strings.TrimSpace(p.Value)
		if v == "" {
			continue
		}
		if groups[p.GroupID] == "Last Name" {
			last = append(last, v)
		} else {
			rest = append(rest, v)
		}
	}
	return personName(strings.Join(last, " "), strings.Join(rest, " "))
}
