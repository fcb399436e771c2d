// Command benchscreen measures `screener screen` against a floor: in one run
// it builds ./cmd/screener and ./cmd/csvfloor into a temporary directory,
// writes a holdings file of N rows with `screener generate`, then runs the
// floor (encoding/csv counting records) and
// `screener screen --format json --out /dev/null FILE` alternately, several
// times each, measuring the wall time and peak RSS of each child process.
//
// It prints every run, the medians, the ratio screen/floor (target ≤ 2×)
// and the peak RSS of screen (target < 150 MB). With -upload (the default)
// each run also uploads the file to POST /api/v1/screen of a `screener
// serve` child on loopback, and it prints upload/screen (target ≤ 1.3×) and
// the server's RSS after the uploads (target < 300 MB). It asserts nothing about
// time, because the machine is shared and noisy: it reports, and exits
// non-zero only when a build or a run fails.
//
// Usage (from anywhere inside the module):
//
//	go run ./cmd/benchscreen                      # 1,000,000 rows, 3 runs each
//	go run ./cmd/benchscreen -rows 10000000       # the 10M-row figure
//	go run ./cmd/benchscreen -rows 100000,1000000 -runs 5
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Targets from the product brief; reported, never asserted.
const (
	targetRatio       = 2.0
	targetRSSMB       = 150.0
	targetUploadRatio = 1.3   // upload / CLI screen
	targetServerRSSMB = 300.0 // the server after the uploads
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	if err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "benchscreen:", err)
		}
		os.Exit(1)
	}
}

type config struct {
	rows   []int64
	runs   int
	seed   uint64
	keep   bool
	upload bool
	repo   string
	args   []string // extra arguments for screen
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("benchscreen", flag.ContinueOnError)
	fs.SetOutput(stderr)
	rows := fs.String("rows", "1000000", "rows to generate; a comma-separated list runs each size")
	var c config
	fs.IntVar(&c.runs, "runs", 3, "runs of each program per size (alternating)")
	fs.Uint64Var(&c.seed, "seed", 1, "generator seed")
	fs.BoolVar(&c.keep, "keep", false, "keep the temporary directory (binaries and generated files)")
	fs.BoolVar(&c.upload, "upload", true, "also upload each file to POST /api/v1/screen of a `screener serve` child (the web path), in the same alternation")
	fs.StringVar(&c.repo, "repo", "", "module root (default: found from the working directory)")
	screenArgs := fs.String("screen-args", "", "extra flags for screen, space-separated (e.g. \"--as-of 2025-12-31\")")
	if err := fs.Parse(args); err != nil {
		return err
	}
	for _, s := range strings.Split(*rows, ",") {
		n, err := strconv.ParseInt(strings.ReplaceAll(strings.TrimSpace(s), "_", ""), 10, 64)
		if err != nil || n <= 0 {
			return fmt.Errorf("-rows %q: want positive integers", *rows)
		}
		c.rows = append(c.rows, n)
	}
	if c.runs < 1 {
		return fmt.Errorf("-runs %d: want at least 1", c.runs)
	}
	c.args = strings.Fields(*screenArgs)
	if c.repo == "" {
		var err error
		if c.repo, err = moduleRoot(); err != nil {
			return err
		}
	}
	tmp, err := os.MkdirTemp("", "benchscreen-")
	if err != nil {
		return err
	}
	if c.keep {
		fmt.Fprintln(stdout, "keeping", tmp)
	} else {
		defer os.RemoveAll(tmp)
	}
	screener := filepath.Join(tmp, "screener")
	floor := filepath.Join(tmp, "csvfloor")
	for _, b := range []struct{ out, pkg string }{{screener, "./cmd/screener"}, {floor, "./cmd/csvfloor"}} {
		start := time.Now()
		cmd := exec.CommandContext(ctx, "go", "build", "-o", b.out, b.pkg)
		cmd.Dir = c.repo
		if out, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("go build %s: %v\n%s", b.pkg, err, out)
		}
		fmt.Fprintf(stdout, "built %s in %v\n", b.pkg, time.Since(start).Round(time.Millisecond))
	}
	for _, n := range c.rows {
		if err := bench(ctx, c, n, tmp, screener, floor, stdout); err != nil {
			return err
		}
	}
	return nil
}

// measurement is one child process run.
type measurement struct {
	wall  time.Duration
	user  time.Duration
	sys   time.Duration
	rssKB int64 // peak resident set size (Linux: KiB)
}

func bench(ctx context.Context, c config, rows int64, tmp, screener, floor string, stdout io.Writer) error {
	file := filepath.Join(tmp, fmt.Sprintf("holdings-%d.csv", rows))
	gen, _, err := measure(ctx, screener, "generate", "--rows", strconv.FormatInt(rows, 10),
		"--seed", strconv.FormatUint(c.seed, 10), "--out", file)
	if err != nil {
		return err
	}
	st, err := os.Stat(file)
	if err != nil {
		return err
	}
	mb := float64(st.Size()) / 1e6
	fmt.Fprintf(stdout, "\n== %d rows, %.1f MB (generated in %v, seed %d)\n", rows, mb, gen.wall.Round(time.Millisecond), c.seed)
	screenArgs := append([]string{"screen", "--format", "json", "--out", os.DevNull}, c.args...)
	screenArgs = append(screenArgs, file)
	var floors, screens, uploads []measurement
	var srv *server
	if c.upload {
		if srv, err = startServer(ctx, screener, tmp); err != nil {
			return err
		}
		defer srv.stop()
	}
	fmt.Fprintf(stdout, "%-8s %4s %10s %10s %10s %9s\n", "program", "run", "wall", "user", "sys", "peak RSS")
	for i := 1; i <= c.runs; i++ {
		m, out, err := measure(ctx, floor, file)
		if err != nil {
			return err
		}
		if i == 1 {
			fmt.Fprintf(stdout, "floor counted %s records\n", strings.TrimSpace(out))
		}
		floors = append(floors, m)
		fmt.Fprintln(stdout, line("floor", i, m))
		if m, _, err = measure(ctx, screener, screenArgs...); err != nil {
			return err
		}
		screens = append(screens, m)
		fmt.Fprintln(stdout, line("screen", i, m))
		if srv != nil {
			wall, err := srv.upload(ctx, file, "portfolio=bench"+strconv.Itoa(i))
			if err != nil {
				return err
			}
			now, _ := srv.rss()
			m := measurement{wall: wall, rssKB: now}
			uploads = append(uploads, m)
			fmt.Fprintf(stdout, "%-8s %4d %10v %10s %10s %7.1fMB (server RSS after)\n", "upload", i, wall.Round(time.Millisecond), "-", "-", float64(now)/1024)
		}
	}
	f, s := median(floors), median(screens)
	ratio := s.wall.Seconds() / f.wall.Seconds()
	peak := slices.MaxFunc(screens, func(a, b measurement) int { return int(a.rssKB - b.rssKB) }).rssKB
	peakMB := float64(peak) / 1024
	fmt.Fprintf(stdout, "median   floor %v (%.0f MB/s), screen %v (%.0f rows/s, %.0f MB/s)\n",
		f.wall.Round(time.Millisecond), mb/f.wall.Seconds(),
		s.wall.Round(time.Millisecond), float64(rows)/s.wall.Seconds(), mb/s.wall.Seconds())
	fmt.Fprintf(stdout, "ratio    screen/floor %.2fx (target <= %.0fx: %s)\n", ratio, targetRatio, verdict(ratio <= targetRatio))
	fmt.Fprintf(stdout, "peak RSS screen %.1f MB, floor %.1f MB (target < %.0f MB: %s)\n",
		peakMB, float64(median(floors).rssKB)/1024, targetRSSMB, verdict(peakMB < targetRSSMB))
	if srv != nil {
		u := median(uploads)
		ur := u.wall.Seconds() / s.wall.Seconds()
		now, hwm := srv.rss()
		fmt.Fprintf(stdout, "upload   median %v: upload/screen %.2fx (target <= %.1fx: %s)\n",
			u.wall.Round(time.Millisecond), ur, targetUploadRatio, verdict(ur <= targetUploadRatio))
		fmt.Fprintf(stdout, "server   RSS after %d uploads %.1f MB, peak %.1f MB (target < %.0f MB: %s)\n", len(uploads),
			float64(now)/1024, float64(hwm)/1024, targetServerRSSMB, verdict(float64(now)/1024 < targetServerRSSMB))
	}
	return nil
}

func verdict(ok bool) string {
	if ok {
		return "met"
	}
	return "MISSED"
}

func line(name string, i int, m measurement) string {
	return fmt.Sprintf("%-8s %4d %10v %10v %10v %7.1fMB", name, i, m.wall.Round(time.Millisecond),
		m.user.Round(time.Millisecond), m.sys.Round(time.Millisecond), float64(m.rssKB)/1024)
}

// measure runs prog with args and returns its wall time, CPU times and peak
// RSS, and its stdout. A non-zero exit is an error carrying its stderr.
func measure(ctx context.Context, prog string, args ...string) (measurement, string, error) {
	cmd := exec.CommandContext(ctx, prog, args...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	start := time.Now()
	err := cmd.Run()
	wall := time.Since(start)
	if err != nil {
		return measurement{}, "", fmt.Errorf("%s %s: %v\n%s", filepath.Base(prog), strings.Join(args, " "), err, tail(errb.String()))
	}
	m := measurement{wall: wall, user: cmd.ProcessState.UserTime(), sys: cmd.ProcessState.SystemTime()}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		m.rssKB = int64(ru.Maxrss) // KiB on Linux
	}
	return m, out.String(), nil
}

// median returns the run with the median wall time.
func median(ms []measurement) measurement {
	s := slices.Clone(ms)
	slices.SortFunc(s, func(a, b measurement) int { return int(a.wall - b.wall) })
	return s[len(s)/2]
}

func tail(s string) string {
	if len(s) > 2000 {
		return "..." + s[len(s)-2000:]
	}
	return s
}

// moduleRoot finds the directory of go.mod from the working directory up.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod above the working directory; pass -repo")
		}
		dir = parent
	}
}
