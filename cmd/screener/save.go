package main

import (
	"github.com/screener/screener/screener"
)

// storedDecisions returns reviewers' decisions kept in the database.
func storedDecisions(db string) ([]screener.ReviewDecision, error) { return nil, errNotYet }

// saveRun keeps a screening run (holdings and report) in the database.
func saveRun(db, user string, files []string, held []screener.Holding, rep *screener.Report, lists []*screener.List) (uint64, error) {
	return 0, errNotYet
}
