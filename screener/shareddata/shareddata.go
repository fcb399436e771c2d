// Package shareddata finds the project's shared real-data folder
// (../shared/data beside the repository's root) for tests.
//
// A clone elsewhere has no ../shared: there, tests that need it skip and say
// why. CI sets SCREENER_REQUIRE_SHARED=1, and then a missing folder fails the
// test instead, so CI never skips them.
package shareddata

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// EnvRequire is the environment variable that makes the shared data required.
const EnvRequire = "SCREENER_REQUIRE_SHARED"

// Root returns the absolute path of ../shared/data, or "" when absent.
// SCREENER_SHARED_DATA overrides the location.
func Root() string {
	if p := os.Getenv("SCREENER_SHARED_DATA"); p != "" {
		return p
	}
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		return ""
	}
	// file is <repo>/screener/shareddata/shareddata.go
	repo := filepath.Dir(filepath.Dir(filepath.Dir(file)))
	p := filepath.Join(filepath.Dir(repo), "shared", "data")
	if st, err := os.Stat(p); err == nil && st.IsDir() {
		return p
	}
	return ""
}

// Path returns the path of rel below the shared data folder. When the
// folder or the file is missing it skips the test, or fails it when
// SCREENER_REQUIRE_SHARED=1.
func Path(tb testing.TB, rel string) string {
	tb.Helper()
	root := Root()
	if root == "" {
		missing(tb, "the shared data folder ../shared/data is not beside this checkout")
		return ""
	}
	p := filepath.Join(root, filepath.FromSlash(rel))
	if _, err := os.Stat(p); err != nil {
		missing(tb, "shared data file "+rel+" is missing: "+err.Error())
	}
	return p
}

func missing(tb testing.TB, why string) {
	tb.Helper()
	if os.Getenv(EnvRequire) == "1" {
		tb.Fatalf("%s (%s=1 makes it required)", why, EnvRequire)
	}
	tb.Skipf("skipped: %s; set %s=1 to make this a failure", why, EnvRequire)
}
