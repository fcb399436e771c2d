#!/usr/bin/env bash
# A/B of the pre-trade check between screener binaries, on this machine only
# (127.0.0.1): one `screener serve` per binary, each with a fresh --db and
# broker key, then ROUNDS rounds of wrk against each in turn (interleaved,
# so the machine's load changes hit all alike), and the median req/s and
# p99 of each.
#
#   go build -o /tmp/old ./cmd/screener   # at the old commit
#   go build -o /tmp/new ./cmd/screener   # at the new one
#   web/loadtest/abcheck.sh /tmp/old /tmp/new
#
# Environment knobs: ROUNDS (5), SECONDS_EACH (6), CONNECTIONS (8),
# THREADS (1: with wrk on one thread the server keeps the other core).
# Needs: wrk, python3.
set -euo pipefail
ROUNDS=${ROUNDS:-5}
SECONDS_EACH=${SECONDS_EACH:-6}
CONNECTIONS=${CONNECTIONS:-8}
THREADS=${THREADS:-1}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
[ $# -ge 1 ] || { echo "usage: $0 BINARY..." >&2; exit 2; }
for tool in wrk python3; do
	command -v "$tool" >/dev/null || { echo "abcheck.sh: $tool not found" >&2; exit 2; }
done
name=abcheck.sh
. "$here/abservers.sh"

for _ in $(seq 1 "$ROUNDS"); do
	for i in $(seq 0 $((n - 1))); do
		API_KEY=${keys[$i]} wrk -t "$THREADS" -c "$CONNECTIONS" -d "${SECONDS_EACH}s" --latency -s "$here/check.lua" \
			"http://127.0.0.1:${ports[$i]}" | grep '^LOADTEST' | sed "s|^|$i |" >>"$tmp/out"
	done
done
i=0
for bin in "$@"; do
	grep "^$i " "$tmp/out" | python3 -c "
import re, statistics, sys
r = [dict(re.findall(r'(\w+)=([0-9.]+)', l)) for l in sys.stdin]
rps = [float(x['rps']) for x in r]
print(f'$bin: median {statistics.median(rps):,.0f} req/s (runs {\", \".join(f\"{v:,.0f}\" for v in rps)}), '
      f'median p99 {statistics.median(int(x[\"p99_us\"]) for x in r) / 1000:.2f} ms, '
      f'non-2xx {sum(int(x[\"non2xx\"]) for x in r)}, socket errors {sum(int(x[\"socket_errors\"]) for x in r)}')"
	i=$((i + 1))
done
