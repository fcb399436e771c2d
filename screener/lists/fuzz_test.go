package lists

import (
	"bytes"
	"errors"
	"testing"

	"github.com/screener/screener/screener"
)

// fuzzRead reads data as name and checks the contract: a list or a
// *screener.ParseError naming the file, never a panic.
func fuzzRead(t *testing.T, name string, data []byte) {
	l, err := Read(name, bytes.NewReader(data))
	if err != nil {
		var pe *screener.ParseError
		if !errors.As(err, &pe) || pe.File != name {
			t.Fatalf("error %v (%T) is not a ParseError naming %s", err, err, name)
		}
		return
	}
	for _, e := range l.Entries {
		if e.ID == "" || e.Name == "" {
			t.Fatalf("entry without id or name: %+v", e)
		}
	}
}

// FuzzOFACPrim feeds a single in-memory cons_prim.csv.
func FuzzOFACPrim(f *testing.F) {
	f.Add([]byte(`33113,"DAWNING INFORMATION INDUSTRY CO., LTD",-0- ,"CMIC-EO13959",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,"Equity Ticker 603019CN; Issuer Name Sugon Information Industry Co., Ltd.; ISIN CNE100001TW7; Effective Date (CMIC) 14 Feb 2022; Purchase/Sales For Divestment Date (CMIC) 16 Dec 2022; Listing Date (CMIC) 16 Dec 2021; Unified Social Credit Code (USCC) 91120000783342508F (China); a.k.a. 'SUGON'."` + "\r\n\x1a"))
	f.Add([]byte(`9647,"ZAHHAR, Mahmoud Khaled","individual","SDGT] [NS-PLC",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,"DOB 1945; POB Gaza Strip; a.k.a. 'ZAHAR, Mahmoud'; Linked To: HAMAS."` + "\n"))
	f.Add([]byte(`4234,"HERMANN","vessel","CUBA",-0- ,"CL2685","General Cargo","2597","1098","Cuba","Compania Navegacion Golfo S.A.",-0- ` + "\r\n"))
	f.Fuzz(func(t *testing.T, data []byte) { fuzzRead(t, "cons_prim.csv", data) })
}

// FuzzOFACXML feeds sdnList XML.
func FuzzOFACXML(f *testing.F) {
	f.Add([]byte(`<?xml version="1.0" standalone="yes"?>
<sdnList xmlns="https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/XML">
  <publshInformation><Publish_Date>03/28/2025</Publish_Date><Record_Count>1</Record_Count></publshInformation>
  <sdnEntry><uid>32091</uid><lastName>PROVEN HONOUR CAPITAL LIMITED</lastName><sdnType>Entity</sdnType>
    <remarks>(Linked To: HUAWEI INVESTMENT &amp; HOLDING CO., LTD.)</remarks>
    <programList><program>CMIC-EO13959</program></programList>
    <idList><id><uid>141022</uid><idType>ISIN</idType><idNumber>XS1233275194</idNumber></id>
      <id><uid>141005</uid><idType>Listing Date (CMIC)</idType><idNumber>03 Jun 2021</idNumber></id></idList>
    <akaList><aka><uid>1</uid><type>a.k.a.</type><category>weak</category><lastName>PHC</lastName></aka></akaList>
    <addressList><address><uid>48332</uid><address1>C/O Vistra Corporate Services Centre</address1><city>Road Town</city><postalCode>VG1110</postalCode><country>Virgin Islands, British</country></address></addressList>
  </sdnEntry>
</sdnList>`))
	f.Fuzz(func(t *testing.T, data []byte) { fuzzRead(t, "consolidated.xml", data) })
}

// FuzzAdvancedXML feeds advanced XML.
func FuzzAdvancedXML(f *testing.F) {
	f.Add([]byte(`<?xml version="1.0" encoding="utf-8"?>
<Sanctions xmlns="http://www.un.org/sanctions/1.0" Version="3">
  <DateOfIssue CalendarTypeID="1"><Year>2020</Year><Month>3</Month><Day>17</Day></DateOfIssue>
  <ReferenceValueSets>
    <AliasTypeValues><AliasType ID="1400">A.K.A.</AliasType><AliasType ID="1403">Name</AliasType></AliasTypeValues>
    <NamePartTypeValues><NamePartType ID="1520">Last Name</NamePartType><NamePartType ID="1521">First Name</NamePartType></NamePartTypeValues>
    <PartySubTypeValues><PartySubType ID="4" PartyTypeID="1">Unknown</PartySubType></PartySubTypeValues>
    <PartyTypeValues><PartyType ID="1">Individual</PartyType></PartyTypeValues>
    <SanctionsTypeValues><SanctionsType ID="1">Program</SanctionsType></SanctionsTypeValues>
    <IDRegDocTypeValues><IDRegDocType ID="1585">Registration ID</IDRegDocType></IDRegDocTypeValues>
  </ReferenceValueSets>
  <IDRegDocuments><IDRegDocument ID="9477" IDRegDocTypeID="1585" IdentityID="1978"><IDRegistrationNo>1027739609391</IDRegistrationNo></IDRegDocument></IDRegDocuments>
  <DistinctParties><DistinctParty FixedRef="9639"><Profile ID="9639" PartySubTypeID="4"><Identity ID="1978" FixedRef="9639" Primary="true">
    <Alias FixedRef="9639" AliasTypeID="1403" Primary="true" LowQuality="false"><DocumentedName ID="1978">
      <DocumentedNamePart><NamePartValue NamePartGroupID="38251">HANIYA</NamePartValue></DocumentedNamePart>
      <DocumentedNamePart><NamePartValue NamePartGroupID="38252">Ismail Abdul Salah</NamePartValue></DocumentedNamePart></DocumentedName></Alias>
    <NamePartGroups><MasterNamePartGroup><NamePartGroup ID="38251" NamePartTypeID="1520" /></MasterNamePartGroup><MasterNamePartGroup><NamePartGroup ID="38252" NamePartTypeID="1521" /></MasterNamePartGroup></NamePartGroups>
  </Identity></Profile></DistinctParty></DistinctParties>
  <SanctionsEntries><SanctionsEntry ID="70009639" ProfileID="9639" ListID="91512"><SanctionsMeasure ID="1" SanctionsTypeID="1"><Comment>NS-PLC</Comment></SanctionsMeasure></SanctionsEntry></SanctionsEntries>
</Sanctions>`))
	f.Fuzz(func(t *testing.T, data []byte) { fuzzRead(t, "cons_advanced.xml", data) })
}

// FuzzCSL feeds trade.gov CSL CSV in both layouts.
func FuzzCSL(f *testing.F) {
	f.Add([]byte("_id,source,entity_number,type,programs,name,title,addresses,federal_register_notice,start_date,end_date,standard_order,license_requirement,license_policy,call_sign,vessel_type,gross_tonnage,gross_registered_tonnage,vessel_flag,vessel_owner,remarks,source_list_url,alt_names,citizenships,dates_of_birth,nationalities,places_of_birth,source_information_url,ids\n" +
		`"52291","Specially Designated Nationals (SDN) - Treasury Department","52291","Individual","NPWMD","RIM, Ryong Nam","","Shenyang, CN; Pyongyang, KP","","","","","","","","","","","","","","https://sanctionslist.ofac.treas.gov/Home/SdnList","","","1978-12-05","KP","","","Passport, 836238033, KP; Gender, Male"` + "\n"))
	f.Add([]byte("source,entity_number,type,programs,name,title,addresses,federal_register_notice,start_date,end_date,standard_order,license_requirement,license_policy,call_sign,vessel_type,gross_tonnage,gross_registered_tonnage,vessel_flag,vessel_owner,remarks,source_list_url,alt_names,citizenships,dates_of_birth,nationalities,places_of_birth,source_information_url,ids\n" +
		`Sectoral Sanctions Identifications List (SSI) - Treasury Department,18792,Entity,UKRAINE-EO13662,90 EKSPERIMENTALNY ZAVOD OAO,,"P. Rassudovo, Moscow, 143396, RU",,,,,,,,,,,,,"(Linked To: ROSTEC)",http://bit.ly/1QWTIfE,90 EXPERIMENTAL PLANT OPEN JOINT STOCK COMPANY,"","","","",http://bit.ly/1MLgou0,"5030056754, Tax ID No.; http://www.90zavod.ru, Website"` + "\n"))
	f.Fuzz(func(t *testing.T, data []byte) { fuzzRead(t, "csl.csv", data) })
}

// FuzzCustom feeds a firm's custom list CSV.
func FuzzCustom(f *testing.F) {
	f.Add([]byte("id,name,aliases,isins,tickers,issuer_names,lei,uscc,program,reason,listing_date,effective_date,divestment_date\n" +
		`R-002,CNOOC LIMITED,CNOOC LTD,HK0883013259;BRC1EODR004,00883 HK;CEO US,CNOOC Limited,549300XIVJCBIGMRUD48,,FIRM,"Firm policy",2021-06-03,2021-08-02,2022-06-03` + "\n"))
	f.Add([]byte("list,id,name\nMY-LIST,1,A\nMY-LIST,2,B\n"))
	f.Fuzz(func(t *testing.T, data []byte) { fuzzRead(t, "custom.csv", data) })
}
