# Sourced by abcheck.sh and abupload.sh: starts one `screener serve` per
# binary given in "$@" on 127.0.0.1, each with a fresh --db, a broker key
# and no rate limit, and waits until each answers /healthz. Sets tmp (a
# temporary directory, removed on exit with the servers), ports and keys
# (one per binary, in order) and n (how many). The caller sets `name`.
tmp=$(mktemp -d "${TMPDIR:-/tmp}/screener-$name.XXXXXX")
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	rm -rf "$tmp"
}
trap cleanup EXIT

ports=() keys=()
n=0
for bin in "$@"; do
	port=$((32000 + RANDOM % 20000))
	key=$("$bin" keys create --db "$tmp/$n.db" --role broker ab 2>&1 | grep -oE 'sk_[A-Za-z0-9_-]+' | head -1)
	[ -n "$key" ] || { echo "$name: $bin keys create gave no key" >&2; exit 1; }
	"$bin" serve --db "$tmp/$n.db" --addr "127.0.0.1:$port" --rate-limit=-1 >"$tmp/$n.log" 2>&1 &
	pids+=($!)
	ports+=("$port")
	keys+=("$key")
	n=$((n + 1))
done
for port in "${ports[@]}"; do
	for _ in $(seq 1 100); do
		curl -fsS -o /dev/null "http://127.0.0.1:$port/healthz" 2>/dev/null && break
		sleep 0.2
	done
done
