package web

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/screener/screener/screener"
)

// A fund of our own: 2.5 % China Mobile (CMIC 30923), the rest Apple.
const fundCSV = `isin,name,quantity,market_value,currency,weight
HK0941009539,CHINA MOBILE LTD,1000,25000.00,USD,2.5
US0378331005,APPLE INC,1000,975000.00,USD,97.5
`

func (s *session) registerFund(fields [][2]string, name string, content []byte) *httptest.ResponseRecorder {
	fields = append([][2]string{{csrfField, s.csrf()}}, fields...)
	ct, body := multipartBody(s.f.t, fields, name, content)
	req := httptest.NewRequest(http.MethodPost, "/funds", body)
	req.Header.Set("Content-Type", ct)
	return s.send(req)
}

func TestFundsPageUploadAndLookThrough(t *testing.T) {
	f := newFixture(t)
	fm := f.login(RoleFundManager)
	fm.get("/funds")
	if w := fm.registerFund([][2]string{{"isin", "XS0000CMICF6"}, {"holdings_as_of", "2022-12-20"}}, "fund.csv", []byte(fundCSV)); w.Code != http.StatusForbidden {
		t.Errorf("fund manager upload: %d, want 403 (compliance registers funds)", w.Code)
	}
	co := f.login(RoleCompliance)
	co.get("/funds")
	w := co.registerFund([][2]string{{"name", "CMIC test fund"}, {"isin", "XS0000CMICF6"}, {"holdings_as_of", "2022-12-20"}}, "fund.csv", []byte(fundCSV))
	if w.Code != http.StatusSeeOther {
		t.Fatalf("register: %d %s", w.Code, w.Body)
	}
	page := co.get("/funds")
	if page.Code != http.StatusOK || !strings.Contains(page.Body.String(), "XS0000CMICF6") || !strings.Contains(page.Body.String(), "2022-12-20") {
		t.Fatalf("funds page lacks the fund: %d %s", page.Code, page.Body)
	}
	// A bad identifier is refused with a message, never stored.
	if w := co.registerFund([][2]string{{"isin", "XS0000CMICF2"}, {"holdings_as_of", "2022-12-20"}}, "fund.csv", []byte(fundCSV)); w.Code != http.StatusBadRequest {
		t.Errorf("bad ISIN check digit: %d, want 400", w.Code)
	}

	// The broker's pre-trade check on the fund's ISIN: reject, with the path.
	w = f.api(http.MethodPost, "/api/v1/check", RoleBroker, `{"items":[{"id":"XS0000CMICF6","side":"buy"}],"as_of":"2023-01-01"}`)
	if w.Code != http.StatusOK {
		t.Fatalf("check: %d %s", w.Code, w.Body)
	}
	var res checkResponse
	if err := json.Unmarshal(w.Body.Bytes(), &res); err != nil {
		t.Fatal(err)
	}
	r := res.Results[0]
	if r.Decision != "reject" || r.Status != screener.StatusProhibitedExposure || r.Lookthrough == nil ||
		strings.Join(r.Lookthrough.Path, " ") != "ISIN:XS0000CMICF6 ISIN:HK0941009539" {
		t.Fatalf("check: %s %s lookthrough %+v, want reject prohibited_exposure via HK0941009539", r.Decision, r.Status, r.Lookthrough)
	}
	// 35 days later the holdings are stale: review, never allow.
	w = f.api(http.MethodPost, "/api/v1/check", RoleBroker, `{"items":[{"id":"XS0000CMICF6","side":"buy"}],"as_of":"2023-03-01"}`)
	res = checkResponse{}
	json.Unmarshal(w.Body.Bytes(), &res)
	if r := res.Results[0]; r.Decision != "review" || r.ReasonCode != screener.ReasonLookthroughStale {
		t.Errorf("stale: %s %q, want review lookthrough_stale", r.Decision, r.ReasonCode)
	}

	// The screen API and the report page show the fund finding, which opens
	// to its constituents.
	body := `{"portfolio":"FoF","as_of":"2023-01-01","us_person":true,"positions":[
		{"isin":"XS0000CMICF6","name":"CMIC TEST FUND","quantity":"100","market_value":"10000.00","currency":"USD"},
		{"isin":"IE00B4L5Y983","name":"ISHARES CORE MSCI WORLD UCITS ETF","quantity":"10","market_value":"800.00","currency":"USD"}]}`
	w = f.api("POST", "/api/v1/screen", RoleCompliance, body)
	if w.Code != http.StatusCreated {
		t.Fatalf("screen: %d %s", w.Code, w.Body)
	}
	var rep screener.Report
	if err := json.Unmarshal(w.Body.Bytes(), &rep); err != nil {
		t.Fatal(err)
	}
	if len(rep.Findings) != 2 || rep.Findings[0].Status != screener.StatusProhibitedExposure || rep.Findings[1].Reason != screener.ReasonLookthroughUnavailable {
		t.Fatalf("findings %+v", rep.Findings)
	}
	lt := rep.Findings[0].Lookthrough
	if lt.ExposureValue == nil || lt.ExposureValue.String() != "250" {
		t.Errorf("exposure value %v, want 250 (2.5 %% of 10000)", lt.ExposureValue)
	}
	if len(rep.Totals.ByEntryViaFunds) != 1 || rep.Totals.ByEntryViaFunds[0].Value.String() != "250" {
		t.Errorf("totals via funds %+v", rep.Totals.ByEntryViaFunds)
	}
	for _, e := range rep.Totals.ByEntry {
		if strings.Contains(e.Key, "30923") {
			t.Errorf("exposure through the fund counted as a direct holding: %+v", e)
		}
	}
	runPage := co.get(w.Header().Get("Location")[len("/api/v1"):])
	if !strings.Contains(runPage.Body.String(), `<details class="lookthrough">`) || !strings.Contains(runPage.Body.String(), "CHINA MOBILE LTD") {
		t.Errorf("report page has no look-through details:\n%s", runPage.Body)
	}
}

// An upload looks through funds with the server's staleness limit, as the
// pre-trade check does: holdings 16 days old are stale under a limit of 10.
func TestUploadUsesTheLookthroughMaxAge(t *testing.T) {
	f := newFixture(t, func(c *Config) { c.LookthroughMaxAge = 10 })
	co := f.login(RoleCompliance)
	co.get("/funds")
	if w := co.registerFund([][2]string{{"name", "CMIC test fund"}, {"isin", "XS0000CMICF6"}, {"holdings_as_of", "2022-12-20"}}, "fund.csv", []byte(fundCSV)); w.Code != http.StatusSeeOther {
		t.Fatalf("register: %d %s", w.Code, w.Body)
	}
	w := f.api(http.MethodPost, "/api/v1/check", RoleBroker, `{"items":[{"id":"XS0000CMICF6","side":"buy"}],"as_of":"2023-01-05"}`)
	var res checkResponse
	if err := json.Unmarshal(w.Body.Bytes(), &res); err != nil || len(res.Results) != 1 {
		t.Fatalf("check: %d %s", w.Code, w.Body)
	}
	if r := res.Results[0]; r.ReasonCode != screener.ReasonLookthroughStale {
		t.Fatalf("check: %s %q, want lookthrough_stale", r.Status, r.ReasonCode)
	}
	body := `{"portfolio":"FoF","as_of":"2023-01-05","positions":[
		{"isin":"XS0000CMICF6","name":"CMIC TEST FUND","quantity":"100","market_value":"10000.00","currency":"USD"}]}`
	w = f.api("POST", "/api/v1/screen", RoleCompliance, body)
	var rep screener.Report
	if err := json.Unmarshal(w.Body.Bytes(), &rep); err != nil || w.Code != http.StatusCreated {
		t.Fatalf("screen: %d %s", w.Code, w.Body)
	}
	if len(rep.Findings) != 1 || rep.Findings[0].Reason != screener.ReasonLookthroughStale {
		t.Fatalf("upload findings %+v, want one, stale look-through (the check's answer)", rep.Findings)
	}
}
