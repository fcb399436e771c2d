package main

// Owned by the list-readers work (issue 2). Stubs until then.

import (
	"context"
	"errors"
	"io"

	"github.com/screener/screener/screener"
)

func runListsShow(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return errors.New("lists show: not implemented yet")
}

// loadLists reads the lists named by paths (files or folders), or the
// embedded default when paths is empty.
func loadLists(paths []string) ([]*screener.List, error) {
	return nil, errors.New("lists: not implemented yet")
}
