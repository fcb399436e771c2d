package screener

import (
	"strings"
)

// Regions tell a name-only match apart from a namesake in another market:
// the region of a holding's market or ISIN against the regions where the
// listed entity has lines (ISINs, tickers) or addresses. Mainland China,
// Hong Kong and Macau are one region: a listed group's A-shares, H-shares
// and red chips all belong to it.

// offshore ISIN prefixes say where a security is registered, not where it
// trades or its issuer lives; they never conflict.
var offshore = map[string]bool{"XS": true, "KY": true, "BM": true, "VG": true, "JE": true, "GG": true, "IM": true, "LU": true, "IE": true, "EU": true}

func region(cc string) string {
	switch cc {
	case "CN", "HK", "MO":
		return "CN"
	}
	return cc
}

// marketRegion maps a canonical market (issuers.Ticker.Market) to a region.
func marketRegion(market string) string {
	switch market {
	case "XHKG", "XSHG", "XSHE", "BJSE":
		return "CN"
	case "XTAI":
		return "TW"
	case "XKRX":
		return "KR"
	case "XLON":
		return "GB"
	case "XSES":
		return "SG"
	case "XSWX":
		return "CH"
	case "BVMF":
		return "BR"
	case "XBUE":
		return "AR"
	}
	if cc, ok := micCountries[market]; ok {
		return region(cc)
	}
	if len(market) == 2 {
		return region(market)
	}
	return ""
}

// micCountries are the countries of the single-exchange markets
// issuers.Ticker knows by their MIC.
var micCountries = map[string]string{
	"XPAR": "FR", "XAMS": "NL", "XBRU": "BE", "XLIS": "PT", "XMIL": "IT", "XMAD": "ES", "XASX": "AU",
	"XNZE": "NZ", "XWBO": "AT", "XHEL": "FI", "XSTO": "SE", "XCSE": "DK", "XOSL": "NO", "XMEX": "MX",
	"XSGO": "CL", "XBOG": "CO", "XJSE": "ZA", "XTAE": "IL", "XIST": "TR", "XATH": "GR", "XBKK": "TH",
	"XKLS": "MY", "XIDX": "ID", "XPHS": "PH", "XSAU": "SA", "DSMD": "QA", "XADS": "AE", "XDFM": "AE",
	"XKUW": "KW", "XCAI": "EG", "XWAR": "PL", "XPRA": "CZ", "XBUD": "HU", "XDUB": "IE",
}

// countryNames are the address countries as OFAC writes them.
var countryNames = map[string]string{
	"china": "CN", "hong kong": "CN", "macau": "CN", "macao": "CN", "taiwan": "TW", "united states": "US",
	"russia": "RU", "germany": "DE", "singapore": "SG", "united kingdom": "GB", "canada": "CA", "brazil": "BR",
	"argentina": "AR", "japan": "JP", "korea, south": "KR", "india": "IN",
	"ukraine": "UA", "belarus": "BY", "kazakhstan": "KZ", "cyprus": "CY", "switzerland": "CH", "austria": "AT",
	"france": "FR", "netherlands": "NL", "belgium": "BE", "italy": "IT", "spain": "ES", "portugal": "PT",
	"finland": "FI", "sweden": "SE", "denmark": "DK", "norway": "NO", "ireland": "IE", "luxembourg": "LU",
	"poland": "PL", "czech republic": "CZ", "hungary": "HU", "greece": "GR", "turkey": "TR", "israel": "IL",
	"united arab emirates": "AE", "qatar": "QA", "saudi arabia": "SA", "kuwait": "KW", "egypt": "EG",
	"iran": "IR", "syria": "SY", "iraq": "IQ", "lebanon": "LB", "venezuela": "VE", "cuba": "CU",
	"korea, north": "KP", "malaysia": "MY", "indonesia": "ID", "thailand": "TH", "philippines": "PH",
	"vietnam": "VN", "australia": "AU", "new zealand": "NZ", "mexico": "MX", "chile": "CL", "colombia": "CO",
	"south africa": "ZA", "armenia": "AM", "georgia": "GE", "azerbaijan": "AZ", "uzbekistan": "UZ",
	"kyrgyzstan": "KG", "tajikistan": "TJ", "turkmenistan": "TM", "mongolia": "MN", "serbia": "RS",
	"latvia": "LV", "lithuania": "LT", "estonia": "EE", "bulgaria": "BG", "romania": "RO", "moldova": "MD",
}

// entryRegions returns the regions where e has lines or addresses.
func entryRegions(e *Entry) map[string]bool {
	rs := map[string]bool{}
	for _, v := range e.ISINs {
		if len(v) >= 2 && !offshore[strings.ToUpper(v[:2])] {
			rs[region(strings.ToUpper(v[:2]))] = true
		}
	}
	for _, t := range e.Tickers {
		if r := marketRegion(t.Market); r != "" {
			rs[r] = true
		}
	}
	for _, a := range e.Addresses {
		if cc, ok := countryNames[strings.ToLower(strings.TrimSpace(a.Country))]; ok {
			rs[region(cc)] = true
		}
	}
	return rs
}

// holdingRegion is the region of h's market (ticker with exchange) or, with
// no ticker, of its ISIN's country prefix; "" when unknown.
func holdingRegion(h *Holding) string {
	if t, ok := h.NormalTicker(); ok && t.Market != "" {
		return marketRegion(t.Market)
	}
	if len(h.ISIN) == 12 {
		cc := strings.ToUpper(h.ISIN[:2])
		if !offshore[cc] {
			return region(cc)
		}
	}
	return ""
}
