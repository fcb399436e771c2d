package web

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"

	"github.com/screener/screener/screener"
	"github.com/screener/screener/screener/store"
)

// FetchBackup asks the server at baseURL for a backup (POST
// /api/v1/admin/backup with the admin key) and writes it to out: first to
// out+".partial", which must open as a database whose consistency check
// and audit chain pass, then renamed to out. It never overwrites out and
// returns the bytes written.
func FetchBackup(ctx context.Context, baseURL, key, out string) (int64, error) {
	if _, err := os.Stat(out); err == nil {
		return 0, screener.Errorf(screener.KindConflict, "backup: %s exists already", out)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, strings.TrimRight(baseURL, "/")+"/api/v1/admin/backup", nil)
	if err != nil {
		return 0, screener.Errorf(screener.KindInvalid, "backup: server %q: %v", baseURL, err)
	}
	req.Header.Set(apiKeyHeader, key)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, fmt.Errorf("backup: %w", err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		var e apiError
		_ = json.NewDecoder(io.LimitReader(res.Body, 64<<10)).Decode(&e)
		return 0, screener.Errorf(screener.KindInvalid, "backup: the server answered %s: %s", res.Status, e.Error.Message)
	}
	tmp := out + ".partial"
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return 0, fmt.Errorf("backup: %w", err)
	}
	n, err := io.Copy(f, res.Body)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = checkBackup(tmp)
	}
	if err != nil {
		os.Remove(tmp)
		return 0, fmt.Errorf("backup from %s: %w", baseURL, err)
	}
	if err := os.Rename(tmp, out); err != nil {
		os.Remove(tmp)
		return 0, fmt.Errorf("backup: %w", err)
	}
	return n, nil
}

// checkBackup opens a fetched copy read-only and checks it whole.
func checkBackup(path string) error {
	st, err := store.Open(path, &store.Options{ReadOnly: true})
	if err != nil {
		return fmt.Errorf("the copy does not open (cut short?): %w", err)
	}
	defer st.Close()
	if err := st.Check(); err != nil {
		return err
	}
	if err := st.VerifyAudit(); err != nil {
		var ae store.AuditErrors
		if errors.As(err, &ae) {
			return fmt.Errorf("the copy's audit chain does not verify: %w", err)
		}
		return err
	}
	return nil
}
