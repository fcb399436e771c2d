#!/usr/bin/env bash
# Load test of the broker API, on this machine only (127.0.0.1).
#
#   web/loadtest/load.sh            # 60 s of load
#   LOAD_SECONDS=10 web/loadtest/load.sh
#
# It builds the screener, starts `screener serve` on a free loopback port
# with a fresh --db in a temporary directory, creates a broker API key with
# `screener keys create`, then for LOAD_SECONDS:
#   - runs wrk (64 connections) against POST /api/v1/check for one ISIN
#     (web/loadtest/check.lua sets the method, body and headers), and
#   - in parallel uploads testdata/demo/holdings.csv to POST /api/v1/screen
#     with curl, in a loop.
# Then it checks, and exits 1 if any check fails:
#   - wrk saw no non-2xx response and no socket error;
#   - no upload got a 5xx (or no answer at all);
#   - the server's RSS (VmRSS in /proc/PID/status, sampled before, right after
#     and 5 s after the load) did not grow more than RSS_GROWTH_MAX (3) times;
#   - after SIGTERM the server exits 0 within 20 s, and the database reopens
#     (`screener lists history --db DB`) and its audit chain verifies
#     (`screener audit verify --db DB`).
# Requests/s and p99 latency are printed with their targets (>= 30,000 req/s,
# p99 < 5 ms) and never fail the script: the machine may be shared.
#
# Needs: go, wrk (Debian package wrk), curl. Environment knobs:
#   LOAD_SECONDS    load duration (60)
#   CONNECTIONS     wrk connections (64)
#   UPLOADS         set to 0 to run wrk alone, without the upload loop
#   THREADS         wrk threads (number of CPUs, at most 4)
#   DELAY_MS        pause of each wrk connection between answer and next
#                   request (0: none, wrk saturates the server). With 64
#                   connections, DELAY_MS=2 offers about 20,000 req/s: the
#                   latency at the target rate rather than under saturation
#   SERVE_FLAGS     extra flags for `screener serve` (default: the rate-limit
#                   flag set to -1 when serve --help offers one, since the
#                   default per-key limit is below the target rate)
#   KEEP            set to 1 to keep the temporary directory
set -euo pipefail

LOAD_SECONDS=${LOAD_SECONDS:-60}
CONNECTIONS=${CONNECTIONS:-64}
UPLOADS=${UPLOADS:-1}
RSS_GROWTH_MAX=${RSS_GROWTH_MAX:-3}
cpus=$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 2)
THREADS=${THREADS:-$((cpus < 4 ? cpus : 4))}

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
demo=$repo/testdata/demo/holdings.csv

for tool in go wrk curl; do
	if ! command -v "$tool" >/dev/null; then
		echo "load.sh: $tool not found (apt-get install wrk curl)" >&2
		exit 2
	fi
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/screener-load.XXXXXX")
server_pid=""
upload_pid=""
cleanup() {
	[ -n "$upload_pid" ] && kill "$upload_pid" 2>/dev/null || true
	if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
		kill -TERM "$server_pid" 2>/dev/null || true
		sleep 1
		kill -KILL "$server_pid" 2>/dev/null || true
	fi
	if [ "${KEEP:-0}" = 1 ]; then
		echo "kept $tmp"
	else
		rm -rf "$tmp"
	fi
}
trap cleanup EXIT

failures=0
fail() {
	echo "FAIL: $*" >&2
	failures=$((failures + 1))
}

echo "== building"
(cd "$repo" && go build -o "$tmp/screener" ./cmd/screener)
bin=$tmp/screener
db=$tmp/screener.db

# A free loopback port: bind-test candidates with bash's /dev/tcp (a port
# that accepts a connection is taken).
port=""
for _ in $(seq 1 50); do
	p=$((20000 + RANDOM % 40000))
	if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
		port=$p
		break
	fi
done
[ -n "$port" ] || { echo "load.sh: no free port found" >&2; exit 2; }
base="http://127.0.0.1:$port"

if [ -z "${SERVE_FLAGS+x}" ]; then
	SERVE_FLAGS=""
	help=$("$bin" serve --help 2>&1 || true)
	for f in rate-limit ratelimit; do
		if grep -q -- "-$f" <<<"$help"; then
			SERVE_FLAGS="--$f=-1"
			break
		fi
	done
fi

echo "== creating a broker key"
key_out=$("$bin" keys create --db "$db" --role broker loadtest 2>&1) || {
	echo "$key_out" >&2
	echo "load.sh: screener keys create failed" >&2
	exit 1
}
API_KEY=$(grep -oE 'sk_[A-Za-z0-9_-]+' <<<"$key_out" | head -1 || true)
if [ -z "$API_KEY" ]; then
	echo "$key_out" >&2
	echo "load.sh: no key (sk_...) in the output of screener keys create" >&2
	exit 1
fi
export API_KEY

echo "== starting screener serve on $base ${SERVE_FLAGS}"
# shellcheck disable=SC2086
"$bin" serve --db "$db" --addr "127.0.0.1:$port" $SERVE_FLAGS >"$tmp/serve.log" 2>&1 &
server_pid=$!
ready=""
for _ in $(seq 1 150); do
	if curl -fsS -o /dev/null "$base/healthz" 2>/dev/null; then
		ready=1
		break
	fi
	kill -0 "$server_pid" 2>/dev/null || break
	sleep 0.2
done
if [ -z "$ready" ]; then
	tail -20 "$tmp/serve.log" >&2
	echo "load.sh: the server did not become healthy within 30 s" >&2
	exit 1
fi

rss() { awk '/^VmRSS:/ {print $2}' "/proc/$server_pid/status"; }
threads() { awk '/^Threads:/ {print $2}' "/proc/$server_pid/status"; }

# One request of each kind first, so a broken API fails fast and clearly.
code=$(curl -sS -o "$tmp/check.json" -w '%{http_code}' -X POST "$base/api/v1/check" \
	-H "X-API-Key: $API_KEY" -H 'Content-Type: application/json' \
	-d '{"items":[{"id":"HK0941009539","side":"buy"}],"as_of":"2023-01-01"}')
echo "check once: HTTP $code $(head -c 300 "$tmp/check.json")"
[ "${code:0:1}" = 2 ] || fail "POST /api/v1/check answered $code"
code=$(curl -sS -o "$tmp/screen.json" -w '%{http_code}' -X POST "$base/api/v1/screen" \
	-H "X-API-Key: $API_KEY" -F "file=@$demo")
echo "screen once: HTTP $code ($(wc -c <"$tmp/screen.json") bytes)"
[ "${code:0:1}" = 2 ] || fail "POST /api/v1/screen answered $code"

rss_before=$(rss)
threads_before=$(threads)
echo "server RSS before load: ${rss_before} kB, ${threads_before} threads"

echo "== load: ${LOAD_SECONDS}s, wrk ${THREADS} threads x ${CONNECTIONS} connections on /api/v1/check (pause ${DELAY_MS:-0} ms), uploads: ${UPLOADS}"
: >"$tmp/uploads.txt"
(
	end=$((SECONDS + LOAD_SECONDS))
	[ "$UPLOADS" = 1 ] || end=0
	while [ $SECONDS -lt $end ]; do
		curl -sS -o /dev/null -w '%{http_code}\n' --max-time 30 -X POST "$base/api/v1/screen" \
			-H "X-API-Key: $API_KEY" -F "file=@$demo" >>"$tmp/uploads.txt" 2>/dev/null ||
			echo "000" >>"$tmp/uploads.txt"
	done
) &
upload_pid=$!
wrk -t "$THREADS" -c "$CONNECTIONS" -d "${LOAD_SECONDS}s" --latency -s "$here/check.lua" "$base" | tee "$tmp/wrk.txt"
wait "$upload_pid" || true
upload_pid=""
rss_after=$(rss)
threads_after=$(threads)
sleep 5
rss_later=$(rss)
threads_later=$(threads)

echo "== results"
line=$(grep '^LOADTEST ' "$tmp/wrk.txt" || true)
if [ -z "$line" ]; then
	fail "wrk printed no LOADTEST line (did check.lua run?)"
else
	get() { sed -nE "s/.* $1=([0-9.]+).*/\1/p" <<<"$line"; }
	rps=$(get rps)
	p99=$(get p99_us)
	non2xx=$(get non2xx)
	sockerr=$(get socket_errors)
	rps_ok=$([ "${rps%.*}" -ge 30000 ] && echo met || echo MISSED)
	p99_ok=$([ "$p99" -lt 5000 ] && echo met || echo MISSED)
	echo "check:   ${rps} req/s (target >= 30000: $rps_ok), p99 $((p99 / 1000)).$(printf '%03d' $((p99 % 1000))) ms (target < 5 ms: $p99_ok)"
	echo "check:   $(get requests) requests, non-2xx $non2xx, socket errors $sockerr"
	[ "$non2xx" = 0 ] || fail "wrk saw $non2xx non-2xx responses"
	[ "$sockerr" = 0 ] || fail "wrk saw $sockerr socket errors"
fi
uploads=$(wc -l <"$tmp/uploads.txt")
bad_uploads=$(grep -cvE '^2[0-9][0-9]$' "$tmp/uploads.txt" || true)
server_errors=$(grep -cE '^(5[0-9][0-9]|000)$' "$tmp/uploads.txt" || true)
echo "uploads: $uploads, non-2xx $bad_uploads ($(sort "$tmp/uploads.txt" | uniq -c | tr -s ' \n' ' '))"
[ "$server_errors" = 0 ] || fail "$server_errors uploads got a 5xx or no answer"
[ "$UPLOADS" != 1 ] || [ "$uploads" -gt 0 ] || fail "no upload completed"
echo "RSS:     before ${rss_before} kB, right after ${rss_after} kB, 5 s later ${rss_later} kB"
echo "threads: before ${threads_before}, right after ${threads_after}, 5 s later ${threads_later}"
if [ "$rss_later" -gt $((rss_before * RSS_GROWTH_MAX)) ]; then
	fail "RSS grew from ${rss_before} kB to ${rss_later} kB (more than ${RSS_GROWTH_MAX}x)"
fi

echo "== SIGTERM and store check"
kill -TERM "$server_pid"
stopped=""
for _ in $(seq 1 100); do
	if ! kill -0 "$server_pid" 2>/dev/null; then
		stopped=1
		break
	fi
	sleep 0.2
done
if [ -z "$stopped" ]; then
	fail "the server did not stop within 20 s of SIGTERM"
	kill -KILL "$server_pid" 2>/dev/null || true
fi
status=0
wait "$server_pid" || status=$?
server_pid=""
[ "$status" = 0 ] || fail "the server exited with status $status after SIGTERM"
if grep -E '^(panic: |fatal error: )' "$tmp/serve.log"; then
	fail "the server panicked (see the lines above)"
fi
echo "server log: $(grep -c 'level=ERROR' "$tmp/serve.log" || true) ERROR lines"
if "$bin" lists history --db "$db" >"$tmp/history.txt" 2>&1; then
	echo "lists history: $(wc -l <"$tmp/history.txt") lines"
else
	cat "$tmp/history.txt" >&2
	fail "the database does not reopen (screener lists history)"
fi
if "$bin" audit verify --db "$db" >"$tmp/audit.txt" 2>&1; then
	echo "audit: $(tail -1 "$tmp/audit.txt")"
else
	cat "$tmp/audit.txt" >&2
	fail "the audit chain does not verify (screener audit)"
fi

if [ "$failures" -gt 0 ]; then
	echo "load.sh: $failures check(s) failed" >&2
	exit 1
fi
echo "load.sh: all checks passed"
