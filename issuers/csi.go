package issuers

import (
	"fmt"
	"strings"
)

// CSIConstituent is one constituent of a China Securities Index (CSI 300)
// constituent file, as derived by the generator from the official .xls.
type CSIConstituent struct {
	Code   string `json:"code"`              // 6-digit A-share code with leading zeros ("600941")
	MIC    string `json:"mic"`               // XSHG (Shanghai) or XSHE (Shenzhen)
	Name   string `json:"name"`              // English constituent name, e.g. "China Mobile Limited"
	NameZH string `json:"name_zh,omitempty"` // Chinese short name, e.g. "中国移动"
}

// CSIExchangeMIC maps the exchange column of a CSI file ("Shanghai Stock
// Exchange", "上海证券交易所", "Shenzhen Stock Exchange", ...) to its MIC.
func CSIExchangeMIC(exchange string) (string, error) {
	e := strings.ToLower(strings.TrimSpace(exchange))
	switch {
	case strings.Contains(e, "shanghai") || strings.Contains(e, "上海"):
		return "XSHG", nil
	case strings.Contains(e, "shenzhen") || strings.Contains(e, "深圳"):
		return "XSHE", nil
	}
	return "", fmt.Errorf("exchange %q: want Shanghai or Shenzhen Stock Exchange", exchange)
}

// CSISecurities turns CSI constituents into directory records: ticker on the
// constituent's exchange and the English name as issuer name. A-share ISINs
// are not in the file and are not computed.
func CSISecurities(rows []CSIConstituent, from Provenance) []Security {
	out := make([]Security, 0, len(rows))
	for _, r := range rows {
		s := Security{Name: r.NameZH, IssuerName: r.Name, Category: "A share", From: from}
		if t, ok := tickerOn(r.Code, r.MIC); ok {
			s.Tickers = []Ticker{t}
		}
		out = append(out, s)
	}
	return out
}
