package main

// Owned by the speed work (issue 8). Stub until then.

import (
	"context"
	"io"
)

func runGenerate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return errNotYet
}
