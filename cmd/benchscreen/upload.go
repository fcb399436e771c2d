package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// server is a `screener serve` child process on a loopback port with its
// own database and a broker key, for the upload path.
type server struct {
	cmd  *exec.Cmd
	url  string
	key  string
	done chan error
}

var keyRe = regexp.MustCompile(`[A-Za-z0-9_.-]{20,}`)

// startServer creates a broker key in a fresh database under tmp and starts
// `screener serve` on it, waiting until it answers /healthz.
func startServer(ctx context.Context, screener, tmp string) (*server, error) {
	db := filepath.Join(tmp, "bench.db")
	os.Remove(db)
	out, err := exec.CommandContext(ctx, screener, "keys", "create", "--db", db, "--role", "broker", "benchscreen").CombinedOutput()
	if err != nil {
		return nil, fmt.Errorf("keys create: %v\n%s", err, out)
	}
	keys := keyRe.FindAllString(string(out), -1)
	if len(keys) == 0 {
		return nil, fmt.Errorf("keys create printed no key:\n%s", out)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	addr := ln.Addr().String()
	ln.Close()
	log, err := os.Create(filepath.Join(tmp, "serve.log"))
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(screener, "serve", "--addr", addr, "--db", db, "--rate-limit", "-1", "--log-level", "warn")
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	s := &server{cmd: cmd, url: "http://" + addr, key: keys[len(keys)-1], done: make(chan error, 1)}
	go func() { s.done <- cmd.Wait(); log.Close() }()
	for i := 0; i < 100; i++ {
		if resp, err := http.Get(s.url + "/healthz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return s, nil
			}
		}
		select {
		case err := <-s.done:
			return nil, fmt.Errorf("screener serve exited: %v (see %s)", err, filepath.Join(tmp, "serve.log"))
		case <-time.After(100 * time.Millisecond):
		}
	}
	s.stop()
	return nil, fmt.Errorf("screener serve did not answer /healthz in 10 s")
}

// upload posts file to POST /api/v1/screen as multipart/form-data, streamed
// from disk as curl -F does, reads the whole report and returns the wall
// time from the first byte sent to the last byte received.
func (s *server) upload(ctx context.Context, file, query string) (time.Duration, error) {
	f, err := os.Open(file)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	go func() {
		part, err := mw.CreateFormFile("file", filepath.Base(file))
		if err == nil {
			_, err = io.Copy(part, bufio.NewReaderSize(f, 1<<20))
		}
		if err == nil {
			err = mw.Close()
		}
		pw.CloseWithError(err)
	}()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.url+"/api/v1/screen?"+query, pr)
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("X-API-Key", s.key)
	start := time.Now()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	n, err := io.Copy(io.Discard, resp.Body)
	wall := time.Since(start)
	if err != nil {
		return 0, err
	}
	if resp.StatusCode != http.StatusCreated {
		return 0, fmt.Errorf("upload answered %s (%d bytes)", resp.Status, n)
	}
	return wall, nil
}

// rss returns the server's resident set now and its peak, in KiB
// (/proc/PID/status VmRSS and VmHWM).
func (s *server) rss() (now, peak int64) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", s.cmd.Process.Pid))
	if err != nil {
		return 0, 0
	}
	for _, l := range strings.Split(string(b), "\n") {
		f := strings.Fields(l)
		if len(f) < 2 {
			continue
		}
		v, _ := strconv.ParseInt(f[1], 10, 64)
		switch f[0] {
		case "VmRSS:":
			now = v
		case "VmHWM:":
			peak = v
		}
	}
	return now, peak
}

func (s *server) stop() {
	s.cmd.Process.Signal(os.Interrupt)
	select {
	case <-s.done:
	case <-time.After(20 * time.Second):
		s.cmd.Process.Kill()
		<-s.done
	}
}
