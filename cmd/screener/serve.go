package main

// The web commands: serve runs the web app and the broker API; users and
// keys set up who may use them. The web package does the work.

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/screener/screener/issuers"
	"github.com/screener/screener/screener"
	"github.com/screener/screener/screener/funds"
	"github.com/screener/screener/screener/listage"
	"github.com/screener/screener/screener/store"
	"github.com/screener/screener/web"
)

// stdin is where users add reads a password when SCREENER_PASSWORD is not
// set; tests replace it.
var stdin io.Reader = os.Stdin

const serveHelp = `
Usage: screener serve [flags]

Runs the web app (upload, reports, review queue, portfolios, lists, audit
log, users and keys) and the broker API (/api/v1, OpenAPI document at
/api/v1/openapi.json) on one port. Lists: the embedded OFAC snapshot (or
--list files) plus the latest stored snapshot of each list.

On first run (no users in --db) it creates the user "admin" with the
password in SCREENER_ADMIN_PASSWORD, or a random one printed once on stderr.
Stops cleanly on SIGINT or SIGTERM. The bbolt database is locked while it
runs: other commands on the same --db wait for it, so take a backup through
the server ('screener backup --server URL OUT' with an admin key) and purge
old runs with --retention or POST /api/v1/admin/purge.

Limits: sign-in back-off and lockout per name and per address; at most
--uploads-per-user uploads of one user or key at once (429 beyond); a
storage quota per user or key (--quota, 413 beyond). Request logs: errors
and slow requests always, one in --log-sample of the others.

Examples:
  screener serve
  screener serve --addr 127.0.0.1:8080 --db screener.db
  SCREENER_ADMIN_PASSWORD=change-me-now screener serve --addr :8443 --tls-cert cert.pem --tls-key key.pem
`

func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var listPaths multiFlag
	fs := newFlags("screener serve", serveHelp, stderr)
	addr := fs.String("addr", "127.0.0.1:8080", "address to listen on")
	db := dbFlag(fs)
	fs.Var(&listPaths, "list", "list file or folder (repeatable); default: the embedded OFAC snapshot")
	cert := fs.String("tls-cert", "", "TLS certificate file (with --tls-key): serve HTTPS, cookies Secure")
	key := fs.String("tls-key", "", "TLS key file")
	rate := fs.Float64("rate-limit", web.DefaultRateLimit, "API requests per second allowed per key (negative: no limit)")
	maxUpload := fs.Int64("max-upload", 1024, "largest upload in MB (a larger one gets a 413 naming this limit)")
	level := fs.String("log-level", "info", "log level: debug, info, warn or error")
	maxAge := fs.Int("list-max-age", listage.DefaultMaxAge, "warn (pages, API Warning header, log) when a list snapshot in use is more than this many days old")
	perUser := fs.Int("uploads-per-user", web.DefaultUploadsPerPrincipal, "uploads one user or API key may run at once")
	uploadWait := fs.Duration("upload-wait", web.DefaultUploadWait, "how long an upload beyond --uploads-per-user waits for a slot before its 429 (negative: none)")
	quota := fs.Int64("quota", web.DefaultQuota>>20, "stored MB one user's or key's runs may take before uploads are refused (negative: none)")
	retention := fs.Int("retention", 0, "purge runs older than `DAYS` at start and daily (0: keep every run)")
	sample := fs.Int("log-sample", 100, "log one in N requests that went well (errors and slow requests always)")
	trustProxy := fs.Bool("trust-proxy", false, "behind a reverse proxy: take the client address from X-Forwarded-For (sign-in throttling)")
	ltMaxAge := fs.Int("lookthrough-max-age", funds.DefaultMaxAge, "fund holdings older than this many days are stale: review (RULES.md F-3)")
	cpuprofile := fs.String("cpuprofile", "", "write a pprof CPU profile of the whole time the server runs to `FILE` (written at shutdown)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "screener serve: unexpected argument %q\n", fs.Arg(0))
		return errUsage
	}
	if (*cert == "") != (*key == "") {
		return screener.Errorf(screener.KindInvalid, "--tls-cert and --tls-key go together")
	}
	var lv slog.Level
	if err := lv.UnmarshalText([]byte(*level)); err != nil {
		return screener.Errorf(screener.KindInvalid, "--log-level %q: want debug, info, warn or error", *level)
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: lv}))
	if *cpuprofile != "" {
		stop, err := startCPUProfile(*cpuprofile)
		if err != nil {
			return err
		}
		defer stop()
	}

	st, err := openStore(*db, true)
	if err != nil {
		return err
	}
	defer st.Close()
	ls, err := loadLists(listPaths)
	if err != nil {
		return err
	}
	dir, err := issuers.Default()
	if err != nil {
		return fmt.Errorf("load reference data: %w", err)
	}
	if err := firstAdmin(st, stderr); err != nil {
		return err
	}
	srv, err := web.New(web.Config{Store: st, Lists: ls, Dir: dir, Logger: log, Secure: *cert != "",
		MaxUpload: *maxUpload << 20, RateLimit: *rate, ListMaxAge: *maxAge, UploadsPerPrincipal: *perUser, UploadWait: *uploadWait, Quota: quotaBytes(*quota),
		Retention: time.Duration(*retention) * 24 * time.Hour, LogSample: *sample, TrustProxy: *trustProxy,
		LookthroughMaxAge: *ltMaxAge})
	if err != nil {
		return err
	}
	bg, stopBG := context.WithCancel(ctx)
	defer stopBG()
	go srv.Background(bg) // follow the other replicas on a shared store
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	hs := &http.Server{Handler: srv, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 5 * time.Minute,
		WriteTimeout: 5 * time.Minute, IdleTimeout: 2 * time.Minute, MaxHeaderBytes: 64 << 10,
		ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)}
	scheme := "http"
	if *cert != "" {
		scheme = "https"
	}
	go srv.RetentionLoop(ctx)
	log.Info("serving", "url", scheme+"://"+ln.Addr().String()+"/", "db", *db)
	done := make(chan error, 1)
	go func() {
		if *cert != "" {
			done <- hs.ServeTLS(ln, *cert, *key)
		} else {
			done <- hs.Serve(ln)
		}
	}()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-done; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// firstAdmin creates the user admin when the store has no users.
func firstAdmin(st store.Interface, stderr io.Writer) error {
	users, err := st.Users()
	if err != nil || len(users) > 0 {
		return err
	}
	pw, shown := os.Getenv("SCREENER_ADMIN_PASSWORD"), false
	if pw == "" {
		b := make([]byte, 18)
		if _, err := rand.Read(b); err != nil {
			return err
		}
		pw, shown = base64.RawURLEncoding.EncodeToString(b), true
	}
	hash, err := web.HashPassword(pw)
	if err != nil {
		return fmt.Errorf("SCREENER_ADMIN_PASSWORD: %w", err)
	}
	if _, err := st.PutUser("screener serve", store.User{Name: "admin", Role: web.RoleAdmin, PasswordHash: hash}); err != nil {
		return err
	}
	if shown {
		fmt.Fprintf(stderr, "created user admin with password %s (shown once: keep it, or add users with 'screener users add')\n", pw)
	} else {
		fmt.Fprintln(stderr, "created user admin with the password in SCREENER_ADMIN_PASSWORD")
	}
	return nil
}

const usersHelp = `
Usage: screener users add --db FILE --role ROLE [--update] NAME
       screener users list --db FILE

Adds a user of the web app (or, with --update, changes an existing user's
role and password). The password comes from SCREENER_PASSWORD, or is read
from a line on stdin. Roles: fund_manager (its own portfolios), compliance
(everything, decides reviews), admin (everything, plus users, keys and list
imports), broker (the API only; give brokers keys instead).

Examples:
  SCREENER_PASSWORD=correct-horse-battery screener users add --db screener.db --role compliance alice
  echo "$PW" | screener users add --role fund_manager bob
  screener users list
`

func runUsers(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || (args[0] != "add" && args[0] != "list") {
		if len(args) > 0 && (args[0] == "help" || args[0] == "-h" || args[0] == "--help") {
			fmt.Fprint(stdout, strings.TrimLeft(usersHelp, "\n"))
			return nil
		}
		fmt.Fprint(stderr, strings.TrimLeft(usersHelp, "\n"))
		return errUsage
	}
	sub := args[0]
	fs := newFlags("screener users "+sub, usersHelp, stderr)
	db := dbFlag(fs)
	role := fs.String("role", "", "role: fund_manager, compliance, broker or admin")
	update := fs.Bool("update", false, "change an existing user instead of refusing")
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	if sub == "list" {
		st, err := openStore(*db, true)
		if err != nil {
			return err
		}
		defer st.Close()
		us, err := st.Users()
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "NAME\tROLE\tCREATED\tSTATE")
		for _, u := range us {
			state := "active"
			if u.Disabled {
				state = "disabled"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", u.Name, u.Role, u.Created.UTC().Format(time.RFC3339), state)
		}
		return tw.Flush()
	}
	if fs.NArg() != 1 {
		fmt.Fprintln(stderr, "screener users add: name one user")
		fs.Usage()
		return errUsage
	}
	name := fs.Arg(0)
	if !web.ValidName(name) {
		return screener.Errorf(screener.KindInvalid, "user name %q: 1 to 64 letters, digits, dots, dashes, underscores or @", name)
	}
	if !web.ValidRole(*role) {
		return screener.Errorf(screener.KindInvalid, "--role %q: want one of %s", *role, strings.Join(web.Roles, ", "))
	}
	pw := os.Getenv("SCREENER_PASSWORD")
	if pw == "" {
		fmt.Fprintf(stderr, "password for %s: ", name)
		line, err := bufio.NewReader(stdin).ReadString('\n')
		if err != nil && !(errors.Is(err, io.EOF) && line != "") {
			return screener.Errorf(screener.KindInvalid, "no password: set SCREENER_PASSWORD or type one on stdin")
		}
		pw = strings.TrimRight(line, "\r\n")
	}
	hash, err := web.HashPassword(pw)
	if err != nil {
		return err
	}
	st, err := openStore(*db, true)
	if err != nil {
		return err
	}
	defer st.Close()
	if _, err := st.User(name); err == nil && !*update {
		return screener.Errorf(screener.KindConflict, "user %q exists already (give --update to change it)", name)
	} else if err != nil && screener.KindOf(err) != screener.KindNotFound {
		return err
	}
	if _, err := st.PutUser(actor(), store.User{Name: name, Role: *role, PasswordHash: hash}); err != nil {
		return err
	}
	fmt.Fprintf(stderr, "user %s (%s) saved in %s\n", name, *role, *db)
	return nil
}

const keysHelp = `
Usage: screener keys create --db FILE --role ROLE NAME
       screener keys list --db FILE
       screener keys revoke --db FILE HASH

create makes an API key for the broker API and prints it once on stdout (the
store keeps only its SHA-256). Send it in the X-API-Key header. list shows
keys by name, role and hash prefix; revoke takes a hash or a unique prefix
of at least 8 characters.

Examples:
  KEY=$(screener keys create --db screener.db --role broker acme-broker)
  curl -H "X-API-Key: $KEY" -d '{"items":[{"id":"HK0941009539","side":"buy"}]}' http://127.0.0.1:8080/api/v1/check
  screener keys revoke --db screener.db 3fa9c1d2
`

func runKeys(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || (args[0] != "create" && args[0] != "list" && args[0] != "revoke") {
		if len(args) > 0 && (args[0] == "help" || args[0] == "-h" || args[0] == "--help") {
			fmt.Fprint(stdout, strings.TrimLeft(keysHelp, "\n"))
			return nil
		}
		fmt.Fprint(stderr, strings.TrimLeft(keysHelp, "\n"))
		return errUsage
	}
	sub := args[0]
	fs := newFlags("screener keys "+sub, keysHelp, stderr)
	db := dbFlag(fs)
	role := fs.String("role", web.RoleBroker, "role of the key: broker, fund_manager, compliance or admin")
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	want := 1
	if sub == "list" {
		want = 0
	}
	if fs.NArg() != want {
		fmt.Fprintf(stderr, "screener keys %s: wrong number of arguments\n", sub)
		fs.Usage()
		return errUsage
	}
	if sub == "create" {
		if !web.ValidName(fs.Arg(0)) {
			return screener.Errorf(screener.KindInvalid, "key name %q: 1 to 64 letters, digits, dots, dashes, underscores or @", fs.Arg(0))
		}
		if !web.ValidRole(*role) {
			return screener.Errorf(screener.KindInvalid, "--role %q: want one of %s", *role, strings.Join(web.Roles, ", "))
		}
	}
	st, err := openStore(*db, true)
	if err != nil {
		return err
	}
	defer st.Close()
	switch sub {
	case "create":
		k, info, err := st.CreateAPIKey(actor(), fs.Arg(0), *role)
		if err != nil {
			return err
		}
		fmt.Fprintf(stderr, "API key %s (%s, hash %.12s) saved in %s; it is shown once:\n", info.Name, info.Role, info.Hash, *db)
		fmt.Fprintln(stdout, k)
		return nil
	case "list":
		keys, err := st.APIKeys()
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "NAME\tROLE\tCREATED\tHASH\tSTATE")
		for _, k := range keys {
			state := "active"
			if k.Revoked {
				state = "revoked"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%.16s\t%s\n", k.Name, k.Role, k.Created.UTC().Format(time.RFC3339), k.Hash, state)
		}
		return tw.Flush()
	}
	prefix := strings.ToLower(fs.Arg(0))
	if len(prefix) < 8 {
		return screener.Errorf(screener.KindInvalid, "give at least 8 characters of the key's hash (see 'screener keys list')")
	}
	keys, err := st.APIKeys()
	if err != nil {
		return err
	}
	var hit []store.APIKey
	for _, k := range keys {
		if strings.HasPrefix(k.Hash, prefix) {
			hit = append(hit, k)
		}
	}
	if len(hit) != 1 {
		return screener.Errorf(screener.KindInvalid, "hash prefix %q matches %d keys: give more of it", prefix, len(hit))
	}
	if err := st.RevokeAPIKey(actor(), hit[0].Hash); err != nil {
		return err
	}
	fmt.Fprintf(stderr, "revoked API key %s (%.12s)\n", hit[0].Name, hit[0].Hash)
	return nil
}

// actor names the person running a set-up command, for the audit log.
func actor() string {
	if u := os.Getenv("USER"); u != "" {
		return "cli:" + u
	}
	return "cli"
}

// quotaBytes turns --quota MB into Config.Quota (negative: none).
func quotaBytes(mb int64) int64 {
	if mb < 0 {
		return -1
	}
	return mb << 20
}
