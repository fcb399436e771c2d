// Package issuers is reference data: identifier checks (ISIN, CUSIP, SEDOL,
// LEI, FIGI, USCC), tickers with their market, and the directory that maps a
// security to its issuer and parents.
package issuers

import "errors"

var errTODO = errors.New("not implemented yet")

// CheckISIN reports what is wrong with an ISIN, or nil.
func CheckISIN(s string) error { return errTODO }

// CheckCUSIP reports what is wrong with a CUSIP, or nil.
func CheckCUSIP(s string) error { return errTODO }

// CheckSEDOL reports what is wrong with a SEDOL, or nil.
func CheckSEDOL(s string) error { return errTODO }

// CheckLEI reports what is wrong with an LEI, or nil.
func CheckLEI(s string) error { return errTODO }

// CheckFIGI reports what is wrong with a FIGI, or nil.
func CheckFIGI(s string) error { return errTODO }

// CheckUSCC reports what is wrong with a Chinese Unified Social Credit Code, or nil.
func CheckUSCC(s string) error { return errTODO }
