package main

// Owned by the web work (issue 7). Stubs until then.

import (
	"context"
	"io"
)

func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) error { return errNotYet }
func runUsers(ctx context.Context, args []string, stdout, stderr io.Writer) error { return errNotYet }
func runKeys(ctx context.Context, args []string, stdout, stderr io.Writer) error  { return errNotYet }
