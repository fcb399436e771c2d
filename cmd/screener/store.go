package main

// Owned by the store work (issue 6). Stubs until then.

import (
	"context"
	"errors"
	"io"
)

var errNotYet = errors.New("not implemented yet")

func runListsImport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return errNotYet
}
func runListsHistory(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return errNotYet
}
func runListsDiff(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return errNotYet
}
func runRuns(ctx context.Context, args []string, stdout, stderr io.Writer) error   { return errNotYet }
func runReview(ctx context.Context, args []string, stdout, stderr io.Writer) error { return errNotYet }
func runAudit(ctx context.Context, args []string, stdout, stderr io.Writer) error  { return errNotYet }
func runBackup(ctx context.Context, args []string, stdout, stderr io.Writer) error { return errNotYet }
