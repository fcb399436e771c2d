#!/usr/bin/env bash
# A/B of the upload (POST /api/v1/screen) between screener binaries, on this
# machine only (127.0.0.1): one `screener serve` per binary, each with a
# fresh --db and broker key, then ROUNDS rounds in which the file is uploaded
# to each in turn (interleaved, so the machine's load changes hit all
# alike); prints each one's median time and the median of the paired
# differences against the first binary.
#
#   go build -o /tmp/old ./cmd/screener   # at the old commit
#   go build -o /tmp/new ./cmd/screener   # at the new one
#   /tmp/new generate --rows 500000 --seed 11 --out /tmp/h500.csv
#   web/loadtest/abupload.sh /tmp/h500.csv /tmp/old /tmp/new
#
# Environment knobs: ROUNDS (12). Needs: curl, python3.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROUNDS=${ROUNDS:-12}
[ $# -ge 2 ] || { echo "usage: $0 FILE BINARY..." >&2; exit 2; }
file=$1
shift
for tool in curl python3; do
	command -v "$tool" >/dev/null || { echo "abupload.sh: $tool not found" >&2; exit 2; }
done
name=abupload.sh
. "$here/abservers.sh"

for r in $(seq 1 "$ROUNDS"); do
	for i in $(seq 0 $((n - 1))); do
		out=$(curl -sS -o /dev/null -w '%{http_code} %{time_total}' -H "X-API-Key: ${keys[$i]}" -F "file=@$file" \
			"http://127.0.0.1:${ports[$i]}/api/v1/screen?as_of=2022-01-10&portfolio=ab$r")
		[ "${out%% *}" = 201 ] || { echo "abupload.sh: $i answered ${out%% *}" >&2; exit 1; }
		echo "$r $i ${out#* }" >>"$tmp/out"
	done
done
python3 - "$tmp/out" "$@" <<'PY'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1])]
bins = sys.argv[2:]
t = {i: [float(x[2]) for x in rows if int(x[1]) == i] for i in range(len(bins))}
for i, b in enumerate(bins):
    line = f'{b}: median {statistics.median(t[i]) * 1000:.1f} ms, min {min(t[i]) * 1000:.1f} ms'
    if i:
        line += f'; paired difference from {bins[0]}: median {statistics.median(y - x for x, y in zip(t[0], t[i])) * 1000:+.1f} ms'
    print(line)
PY
