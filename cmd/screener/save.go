package main

import (
	"bytes"
	"fmt"
	"time"

	"github.com/screener/screener/screener"
	"github.com/screener/screener/screener/pipeline"
	"github.com/screener/screener/screener/store"
)

// storeLists returns the latest stored snapshot of every list in st, or nil
// when st holds none.
func storeLists(st store.Interface) ([]*screener.List, error) {
	ls, _, err := st.LatestLists()
	if err != nil {
		return nil, fmt.Errorf("read stored lists: %w", err)
	}
	return ls, nil
}

// saveRun keeps a screening run — the files screened by size and digest,
// the report byte for byte and the snapshot ids it used — importing the
// lists first (a no-op for lists already stored).
func saveRun(st store.Interface, user, portfolio string, at time.Time, files []string,
	rep *screener.Report, lists []*screener.List) (uint64, error) {
	res, err := st.Import(lists, store.ImportOptions{User: user})
	if err != nil {
		return 0, fmt.Errorf("store the lists the run used: %w", err)
	}
	var ids []uint64
	for _, r := range res {
		ids = append(ids, r.Snapshot.ID)
	}
	var inputs []store.Input
	for _, f := range files {
		size, sum, err := pipeline.DigestFile(f)
		if err != nil {
			return 0, err
		}
		inputs = append(inputs, store.Input{Name: f, Bytes: size, SHA256: sum})
	}
	var buf bytes.Buffer
	if err := rep.WriteJSON(&buf); err != nil {
		return 0, err
	}
	return st.SaveRun(store.Run{Portfolio: portfolio, User: user, AsOf: at, Files: files, Inputs: inputs,
		Report: buf.Bytes(), SnapshotIDs: ids})
}
