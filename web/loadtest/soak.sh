#!/usr/bin/env bash
# Soak test of the whole server, on this machine only (127.0.0.1):
# pre-trade checks, uploads and failed sign-ins at the same time.
#
#   web/loadtest/soak.sh                     # 30 s (what CI runs)
#   SOAK_SECONDS=600 web/loadtest/soak.sh    # the 10-minute run for the record
#
# It builds the screener, starts `screener serve` with a fresh --db, a small
# storage quota (QUOTA_MB) and the rate limit off, creates two broker keys,
# then for SOAK_SECONDS runs at once:
#   - wrk, CONNECTIONS (64) connections, POST /api/v1/check (check.lua);
#   - UPLOADERS (4) loops uploading testdata/demo/holdings.csv to
#     POST /api/v1/screen, two per key (so the per-key concurrency limit
#     queues uploads, and later the quota answers 413: expected, not failures);
#   - LOGINS (2) loops of failed sign-ins (wrong passwords for a real user
#     and for made-up names), which the sign-in throttle answers 401 then
#     429.
# It samples the server's RSS every 5 s and fails (exit 1) when:
#   - any answer is a 5xx, a socket error or no answer at all;
#   - the RSS is not flat: after a warm-up (the first sixth of the samples,
#     at least one), the largest sample of the last third is more than
#     RSS_GROWTH_MAX (1.5) times the largest of the first third;
#   - the database grew by more than the keys' quota allows (2 keys x
#     QUOTA_MB, plus DB_SLACK_MB (16) for audit records, sessions and
#     bbolt's free pages);
#   - the server does not stop cleanly on SIGTERM, the database does not
#     reopen, or the audit chain does not verify.
# It prints requests, answers by status, the RSS samples and the growth.
#
# Needs: go, wrk (Debian package wrk), curl. Knobs: SOAK_SECONDS (30),
# CONNECTIONS (64), UPLOADERS (4), LOGINS (2), QUOTA_MB (8), RSS_GROWTH_MAX
# (1.5), DB_SLACK_MB (16), KEEP=1 keeps the temporary directory.
set -euo pipefail

SOAK_SECONDS=${SOAK_SECONDS:-30}
CONNECTIONS=${CONNECTIONS:-64}
UPLOADERS=${UPLOADERS:-4}
LOGINS=${LOGINS:-2}
QUOTA_MB=${QUOTA_MB:-8}
RSS_GROWTH_MAX=${RSS_GROWTH_MAX:-1.5}
DB_SLACK_MB=${DB_SLACK_MB:-16}
cpus=$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 2)
THREADS=${THREADS:-$((cpus < 4 ? cpus : 4))}

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
demo=$repo/testdata/demo/holdings.csv

for tool in go wrk curl; do
	command -v "$tool" >/dev/null || { echo "soak.sh: $tool not found (apt-get install wrk curl)" >&2; exit 2; }
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/screener-soak.XXXXXX")
server_pid=""
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
		kill -TERM "$server_pid" 2>/dev/null || true
		sleep 1
		kill -KILL "$server_pid" 2>/dev/null || true
	fi
	if [ "${KEEP:-0}" = 1 ]; then echo "kept $tmp"; else rm -rf "$tmp"; fi
}
trap cleanup EXIT

failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

echo "== building"
(cd "$repo" && go build -o "$tmp/screener" ./cmd/screener)
bin=$tmp/screener
db=$tmp/soak.db

port=""
for _ in $(seq 1 50); do
	p=$((20000 + RANDOM % 40000))
	if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then port=$p; break; fi
done
[ -n "$port" ] || { echo "soak.sh: no free port found" >&2; exit 2; }
base="http://127.0.0.1:$port"

key() { "$bin" keys create --db "$db" --role broker "$1" 2>&1 | grep -oE 'sk_[A-Za-z0-9_-]+' | head -1; }
KEY1=$(key soak1)
KEY2=$(key soak2)
[ -n "$KEY1" ] && [ -n "$KEY2" ] || { echo "soak.sh: screener keys create printed no key" >&2; exit 1; }
SCREENER_PASSWORD=soak-password-1 "$bin" users add --db "$db" --role fund_manager victim >/dev/null

echo "== starting screener serve on $base (quota ${QUOTA_MB} MB per key)"
"$bin" serve --db "$db" --addr "127.0.0.1:$port" --rate-limit=-1 --quota "$QUOTA_MB" >"$tmp/serve.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 150); do
	curl -fsS -o /dev/null "$base/healthz" 2>/dev/null && break
	kill -0 "$server_pid" 2>/dev/null || break
	sleep 0.2
done
curl -fsS -o /dev/null "$base/readyz" || { tail -20 "$tmp/serve.log" >&2; echo "soak.sh: server not ready" >&2; exit 1; }

rss() { awk '/^VmRSS:/ {print $2}' "/proc/$server_pid/status"; }
db0=$(stat -c %s "$db")
end=$((SECONDS + SOAK_SECONDS))

# RSS every 5 s.
: >"$tmp/rss.txt"
( while [ $SECONDS -lt $end ]; do rss >>"$tmp/rss.txt"; sleep 5; done ) &
pids+=($!)

# Uploads: half on each key.
for i in $(seq 1 "$UPLOADERS"); do
	k=$KEY1; [ $((i % 2)) = 0 ] && k=$KEY2
	( while [ $SECONDS -lt $end ]; do
		curl -sS -o /dev/null -w '%{http_code}\n' --max-time 60 -X POST "$base/api/v1/screen?portfolio=soak-$i" \
			-H "X-API-Key: $k" -F "file=@$demo" 2>/dev/null || echo 000
		done >"$tmp/uploads.$i" ) &
	pids+=($!)
done

# Failed sign-ins: a real user's name and made-up ones, each with its own
# cookie jar and CSRF token.
for i in $(seq 1 "$LOGINS"); do
	( n=0; while [ $SECONDS -lt $end ]; do
		n=$((n + 1)); jar=$tmp/jar.$i
		name=victim; [ $((n % 2)) = 0 ] && name="nobody$((n % 50))"
		curl -sS -c "$jar" -b "$jar" -o /dev/null "$base/login" 2>/dev/null || true
		csrf=$(awk '$6=="screener_csrf"{print $7}' "$jar" 2>/dev/null | tail -1)
		curl -sS -c "$jar" -b "$jar" -o /dev/null -w '%{http_code}\n' --max-time 30 \
			--data "_csrf=$csrf&name=$name&password=wrong-$n&next=/" "$base/login" 2>/dev/null || echo 000
		done >"$tmp/logins.$i" ) &
	pids+=($!)
done

echo "== soak: ${SOAK_SECONDS}s; wrk ${THREADS}x${CONNECTIONS} on /api/v1/check, ${UPLOADERS} uploaders, ${LOGINS} failed-login loops"
API_KEY=$KEY1 wrk -t "$THREADS" -c "$CONNECTIONS" -d "${SOAK_SECONDS}s" --latency -s "$here/check.lua" "$base" >"$tmp/wrk.txt" || fail "wrk failed"
for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
pids=()
rss_end=$(rss)

echo "== results"
line=$(grep '^LOADTEST ' "$tmp/wrk.txt" || true)
get() { sed -nE "s/.* $1=([0-9.]+).*/\1/p" <<<"$line"; }
if [ -z "$line" ]; then
	fail "wrk printed no LOADTEST line"
else
	echo "checks:  $(get requests) requests, $(get rps) req/s, p99 $(($(get p99_us) / 1000)) ms, non-2xx $(get non2xx), socket errors $(get socket_errors)"
	[ "$(get non2xx)" = 0 ] || fail "checks: $(get non2xx) non-2xx answers"
	[ "$(get socket_errors)" = 0 ] || fail "checks: $(get socket_errors) socket errors"
fi
summary() { cat "$@" | sort | uniq -c | awk '{printf "%s×%s ", $2, $1}'; }
echo "uploads: $(cat "$tmp"/uploads.* | wc -l) answers: $(summary "$tmp"/uploads.*)"
echo "logins:  $(cat "$tmp"/logins.* | wc -l) answers: $(summary "$tmp"/logins.*)"
bad=$(cat "$tmp"/uploads.* "$tmp"/logins.* | grep -cE '^(5..|000)$' || true)
[ "$bad" = 0 ] || fail "$bad uploads or sign-ins got a 5xx or no answer"
grep -qE '^2..$' <(cat "$tmp"/uploads.*) || fail "no upload succeeded"
grep -q '^429$' <(cat "$tmp"/logins.*) || fail "failed sign-ins never met a 429"

mapfile -t all <"$tmp/rss.txt"
# The first samples are the warm-up (the first is taken before any load):
# drop one in six, at least one.
warm=$(( ${#all[@]} / 6 )); [ "$warm" -ge 1 ] || warm=1
samples=("${all[@]:$warm}")
n=${#samples[@]}
echo "RSS (kB, every 5 s): ${all[*]} ; at the end $rss_end (the first $warm sample(s) are warm-up)"
if [ "$n" -ge 3 ]; then
	third=$((n / 3))
	first=0; last=0
	for ((i = 0; i < third; i++)); do [ "${samples[i]}" -gt "$first" ] && first=${samples[i]}; done
	for ((i = n - third; i < n; i++)); do [ "${samples[i]}" -gt "$last" ] && last=${samples[i]}; done
	echo "RSS:     largest of the first third ${first} kB, of the last third ${last} kB (flat if <= ${RSS_GROWTH_MAX}x)"
	awk -v a="$first" -v b="$last" -v m="$RSS_GROWTH_MAX" 'BEGIN { exit !(b <= a * m) }' || fail "RSS grew from ${first} kB to ${last} kB"
fi

echo "== SIGTERM and store check"
kill -TERM "$server_pid"
status=0
wait "$server_pid" || status=$?
server_pid=""
[ "$status" = 0 ] || fail "the server exited with status $status after SIGTERM"
grep -E '^(panic: |fatal error: )' "$tmp/serve.log" && fail "the server panicked"
echo "server log: $(wc -l <"$tmp/serve.log") lines, $(wc -c <"$tmp/serve.log") bytes, $(grep -c 'level=ERROR' "$tmp/serve.log" || true) ERROR"
db1=$(stat -c %s "$db")
allow=$(((2 * QUOTA_MB + DB_SLACK_MB) << 20))
echo "database: ${db0} → ${db1} bytes (+$(((db1 - db0) >> 20)) MB; allowed $((allow >> 20)) MB)"
[ $((db1 - db0)) -le "$allow" ] || fail "the database grew $(((db1 - db0) >> 20)) MB, more than the quota allows"
"$bin" lists history --db "$db" >/dev/null 2>"$tmp/h.err" || { cat "$tmp/h.err" >&2; fail "the database does not reopen"; }
if "$bin" audit verify --db "$db" >"$tmp/audit.txt" 2>&1; then
	echo "audit:   $(tail -1 "$tmp/audit.txt")"
else
	cat "$tmp/audit.txt" >&2
	fail "the audit chain does not verify"
fi

if [ "$failures" -gt 0 ]; then
	echo "soak.sh: $failures check(s) failed" >&2
	exit 1
fi
echo "soak.sh: all checks passed"
