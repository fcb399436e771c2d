#!/usr/bin/env bash
# Pre-trade checks per second through two `serve` replicas on one PostgreSQL
# database against one replica, measured in the same run on this machine:
#
#   web/loadtest/replicas.sh            # 10 s per phase
#   SECONDS_EACH=20 web/loadtest/replicas.sh
#
# It starts a throwaway PostgreSQL cluster (initdb/pg_ctl from
# /usr/lib/postgresql/*/bin, as the postgres user when run as root), two
# replicas with the rate limit off, a broker key, then runs wrk (check.lua,
# POST /api/v1/check) against replica A alone, then against A and B at once
# (half the connections each), and prints both rates and their ratio. On a
# machine with few cores the replicas share the same CPUs: the ratio then
# shows the cost of the second process, not the gain of a second machine.
set -euo pipefail
SECONDS_EACH=${SECONDS_EACH:-10}
CONNECTIONS=${CONNECTIONS:-64}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -x "$PGBIN/initdb" ] || { echo "replicas.sh: no PostgreSQL server binaries (apt-get install postgresql)" >&2; exit 2; }
tmp=$(mktemp -d /tmp/screener-replicas.XXXXXX); chmod 755 "$tmp"
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
[ "$(id -u)" = 0 ] && chown postgres "$tmp"
pids=""
cleanup() { for p in $pids; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
  as_pg "$PGBIN/pg_ctl" -D "$tmp/data" -m immediate stop >/dev/null 2>&1 || true; rm -rf "$tmp"; }
trap cleanup EXIT
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
(cd "$repo" && go build -o "$tmp/screener" ./cmd/screener)
as_pg "$PGBIN/initdb" -D "$tmp/data" -A trust -U postgres >/dev/null
PGP=$(port); A=$(port); B=$(port)
as_pg "$PGBIN/pg_ctl" -D "$tmp/data" -l "$tmp/pg.log" -w -o "-p $PGP -k $tmp -c listen_addresses=127.0.0.1" start >/dev/null
as_pg "$PGBIN/createdb" -h 127.0.0.1 -p "$PGP" -U postgres screener
URL="postgres://postgres@127.0.0.1:$PGP/screener?sslmode=disable"
export API_KEY=$("$tmp/screener" keys create --db "$URL" --role broker load 2>/dev/null)
for p in $A $B; do "$tmp/screener" serve --addr "127.0.0.1:$p" --db "$URL" --rate-limit -1 --log-level error >"$tmp/serve-$p.log" 2>&1 & pids="$pids $!"; done
for p in $A $B; do for i in $(seq 1 100); do curl -sf "http://127.0.0.1:$p/healthz" >/dev/null && break; sleep 0.1; done; done
rps() { grep -o 'rps=[0-9]*' "$1" | cut -d= -f2; }
t=$(( $(getconf _NPROCESSORS_ONLN) < 4 ? $(getconf _NPROCESSORS_ONLN) : 4 ))
wrk -t"$t" -c"$CONNECTIONS" -d"${SECONDS_EACH}s" -s "$here/check.lua" "http://127.0.0.1:$A" >"$tmp/one" 2>&1
half=$((CONNECTIONS / 2)); ht=$(( t > 1 ? t / 2 : 1 ))
wrk -t"$ht" -c"$half" -d"${SECONDS_EACH}s" -s "$here/check.lua" "http://127.0.0.1:$A" >"$tmp/twoA" 2>&1 &
wa=$!
wrk -t"$ht" -c"$half" -d"${SECONDS_EACH}s" -s "$here/check.lua" "http://127.0.0.1:$B" >"$tmp/twoB" 2>&1
wait "$wa"
one=$(rps "$tmp/one"); two=$(( $(rps "$tmp/twoA") + $(rps "$tmp/twoB") ))
echo "pre-trade checks/s: one replica $one, two replicas $two (A $(rps "$tmp/twoA") + B $(rps "$tmp/twoB")), ratio $(python3 -c "print(round($two/$one, 2))")"
