package issuers

import (
	"encoding/json"
	"io"
	"strings"
)

// FIGIJob is one job of an OpenFIGI /v3/mapping request, as sent.
type FIGIJob struct {
	IDType   string `json:"idType"`             // ID_ISIN, ID_CUSIP, ID_SEDOL, TICKER...
	IDValue  string `json:"idValue"`            // the identifier asked for
	ExchCode string `json:"exchCode,omitempty"` // Bloomberg exchange code, if the job named one
}

// FIGIInstrument is one instrument in an OpenFIGI mapping result.
type FIGIInstrument struct {
	FIGI                string `json:"figi"`
	Name                string `json:"name"`
	Ticker              string `json:"ticker"`
	ExchCode            string `json:"exchCode"`
	CompositeFIGI       string `json:"compositeFIGI"`
	ShareClassFIGI      string `json:"shareClassFIGI"`
	SecurityType        string `json:"securityType"`
	SecurityType2       string `json:"securityType2"`
	MarketSector        string `json:"marketSector"`
	SecurityDescription string `json:"securityDescription"`
}

// FIGIResult is the answer to one mapping job: instruments, or an error
// such as "Invalid idValue format." or "No identifier found.".
type FIGIResult struct {
	Data    []FIGIInstrument `json:"data,omitempty"`
	Error   string           `json:"error,omitempty"`
	Warning string           `json:"warning,omitempty"`
}

// ReadOpenFIGIMapping reads an OpenFIGI v3 /mapping response: an array with
// one result per job, in job order. name labels errors.
func ReadOpenFIGIMapping(r io.Reader, name string) ([]FIGIResult, error) {
	var out []FIGIResult
	if err := json.NewDecoder(r).Decode(&out); err != nil {
		return nil, jsonError(name, err)
	}
	for i, res := range out {
		for j, in := range res.Data {
			if strings.TrimSpace(in.FIGI) == "" {
				return nil, &FileError{File: name, Field: "figi", Reason: "result " + itoa(i) + " instrument " + itoa(j) + ": empty figi"}
			}
		}
	}
	return out, nil
}

// FIGISecurities turns mapping results into directory records: FIGI, ticker
// on its Bloomberg exchange code, name as issuer name. When jobs (the request,
// same order) are given, an ID_ISIN/ID_CUSIP/ID_SEDOL job's identifier is put
// on every instrument it returned. Results with an error give no record.
func FIGISecurities(results []FIGIResult, jobs []FIGIJob, from Provenance) []Security {
	var out []Security
	for i, res := range results {
		var job FIGIJob
		if i < len(jobs) {
			job = jobs[i]
		}
		for _, in := range res.Data {
			s := Security{FIGI: in.FIGI, Name: in.SecurityDescription, IssuerName: in.Name, Category: in.SecurityType, From: from}
			switch job.IDType {
			case "ID_ISIN":
				s.ISIN = job.IDValue
			case "ID_CUSIP":
				s.CUSIP = job.IDValue
			case "ID_SEDOL":
				s.SEDOL = job.IDValue
			}
			if t, ok := tickerOn(in.Ticker, in.ExchCode); ok {
				s.Tickers = []Ticker{t}
			}
			out = append(out, s)
		}
	}
	return out
}

func itoa(i int) string {
	const d = "0123456789"
	if i < 10 {
		return d[i : i+1]
	}
	return itoa(i/10) + d[i%10:i%10+1]
}
