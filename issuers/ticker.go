package issuers

// Ticker is an exchange ticker as printed and in normalised form.
type Ticker struct {
	Raw    string `json:"raw"`    // as printed
	Code   string `json:"code"`   // normalised code
	Market string `json:"market"` // normalised market; "" when unknown (ambiguous)
}

// Key returns Market+":"+Code, or "" when the market is unknown.
func (t Ticker) Key() string {
	if t.Market == "" || t.Code == "" {
		return ""
	}
	return t.Market + ":" + t.Code
}

// ParseTicker reads a ticker in any convention.
func ParseTicker(s string) (Ticker, error) { return Ticker{Raw: s}, errTODO }

// TickerOn reads a code on a named exchange.
func TickerOn(code, exchange string) (Ticker, error) { return Ticker{Raw: code}, errTODO }
