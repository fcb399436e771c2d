package main

import (
	"context"
	"io"
)

func runScreen(ctx context.Context, args []string, stdout, stderr io.Writer) error { return errNotYet }
func runCheck(ctx context.Context, args []string, stdout, stderr io.Writer) error  { return errNotYet }
