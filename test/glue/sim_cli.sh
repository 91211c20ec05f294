#!/usr/bin/env bash
# tailfold-sim's command line: one JSON line per policy, bad input named
# (trace lines with their numbers, settings with their keys), nothing
# crashes.  No Slurm daemon needed.
set -uo pipefail
top=${top_builddir:?run through make check}
sim=$top/tools/tailfold-sim
tmp=$(mktemp -d "${TMPDIR:-/tmp}/tailfold-sim.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
fail=0
bad() { echo "FAIL: $*"; fail=1; }

cat > "$tmp/t.swf" <<'IN'
; MaxProcs: 4
1 0 5 100 2 -1 -1 2 100 -1 1 1 1 1 1 -1 -1 -1
2 1 0 100 4 -1 -1 4 100 -1 1 2 1 1 1 -1 -1 -1
3 2 0 50 2 -1 -1 2 50 -1 1 1 1 1 1 -1 -1 -1
4 three 0 50 2 -1 -1 2 50 -1 1 1 1 1 1 -1 -1 -1
5 3 0 50 8 -1 -1 8 50 -1 1 1 1 1 1 -1 -1 -1
IN
out=$("$sim" --swf "$tmp/t.swf" --policy fcfs,easy --scheduler-params bf_resolution=1 2>"$tmp/err")
rc=$?
[ $rc = 0 ] || bad "exit $rc: $(cat "$tmp/err")"
[ "$(wc -l <<<"$out")" = 2 ] || bad "not one line per policy: $out"
python3 - "$out" <<'PY' || fail=1
import json, sys
runs = [json.loads(l) for l in sys.argv[1].splitlines()]
keys = ["jobs", "cpus", "makespan_s", "utilization", "wait_mean_s", "wait_median_s", "wait_p95_s",
        "wait_max_s", "bsld_mean", "bsld_p95", "sim_seconds"]
for r in runs:
    missing = [k for k in keys if k not in r]
    if missing: print("FAIL: missing", missing); sys.exit(1)
fcfs, easy = runs
# By hand: job 3 (2 CPUs, 50 s) waits behind job 2 under fcfs (starts at
# 200), fits the hole before job 2's start under easy (starts at 2).
if fcfs["jobs"] != 3 or fcfs["wait_max_s"] != 198 or easy["wait_max_s"] != 99:
    print("FAIL: fcfs/easy by hand:", fcfs, easy); sys.exit(1)
PY
grep -q "t.swf:5: field 2 'three' is not a number: skipped" "$tmp/err" || bad "bad line not named: $(cat "$tmp/err")"
grep -q "job 5 asks for 8 CPUs, the machine has 4: skipped" "$tmp/err" || bad "big job not named"
grep -q "1 bad lines and 1 jobs larger than the machine skipped; 3 jobs kept" "$tmp/err" || bad "no count"

"$sim" --swf "$tmp/t.swf" --policy sjf >/dev/null 2>"$tmp/err" && bad "unknown policy accepted"
grep -q "unknown policy 'sjf'" "$tmp/err" || bad "unknown policy not named"
"$sim" --swf "$tmp/t.swf" --scheduler-params bf_window=soon >/dev/null 2>"$tmp/err" && bad "bad bf_window accepted"
grep -q "bf_window=soon" "$tmp/err" || bad "bad bf_window not named: $(cat "$tmp/err")"
"$sim" --swf "$tmp/missing.swf" >/dev/null 2>"$tmp/err" && bad "missing trace accepted"
grep -q "missing.swf: No such file" "$tmp/err" || bad "missing trace not named: $(cat "$tmp/err")"
printf 'PriorityWeightAge=lots\n' > "$tmp/slurm.conf"
"$sim" --swf "$tmp/t.swf" --slurm-conf "$tmp/slurm.conf" >/dev/null 2>"$tmp/err" && bad "bad slurm.conf accepted"
grep -q "slurm.conf:1: PriorityWeightAge=lots" "$tmp/err" || bad "bad slurm.conf line not named"
printf 'garbage\x00\x01' | gzip -c | head -c 20 > "$tmp/cut.swf.gz"
"$sim" --swf "$tmp/cut.swf.gz" --cpus 4 >/dev/null 2>"$tmp/err"
rc=$?
[ $rc -le 1 ] || bad "a cut .gz crashed the simulator (exit $rc)"
exit $fail
