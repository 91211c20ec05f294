#!/usr/bin/env bash
# tailfold-sim's command line: one JSON line per run, one table of several
# runs, bad input named (trace lines with their numbers, settings with
# their keys), nothing crashes.  No Slurm daemon needed.
set -uo pipefail
top=${top_builddir:?run through make check}
sim=$top/src/programs/tailfold-sim
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

# Slurm accounting: fields by header, a job that never ran counted, not an error.
cat > "$tmp/sacct.txt" <<'IN'
JobIDRaw|Submit|Start|End|ElapsedRaw|TimelimitRaw|AllocCPUS|ReqCPUS|UID|GID|State
10|2026-01-01T10:00:00|2026-01-01T10:00:05|2026-01-01T10:01:45|100|2|2|2|1000|1000|COMPLETED
11|2026-01-01T10:00:01|2026-01-01T10:01:45|2026-01-01T10:03:25|100|2|4|4|1001|1001|COMPLETED
12|2026-01-01T10:00:02|Unknown|Unknown|0|2|0|2|1000|1000|CANCELLED by 0
13|2026-01-01T10:00:03|2026-01-01T10:00:05|nonsense|50|1|2|2|1000|1000|COMPLETED
IN
out=$("$sim" --sacct "$tmp/sacct.txt" --cpus 4 --policy easy 2>"$tmp/err")
python3 -c 'import json,sys; d=json.loads(sys.argv[1]); sys.exit(0 if d["jobs"] == 3 and d["recorded_wait_mean_s"] > 0 else 1)' "$out" ||
    bad "sacct input: $out $(cat "$tmp/err")"
# Several runs: one JSON line each with the per-user fields, and one table
# on stderr, a row per run, easy's ratios 1.00.  A bag of 120 tasks is one
# user (0) of 120 >= 50 jobs: Jain's index 1.
out=$("$sim" --quiet --bag 120:10:100 --cpus 4 --policy easy,tailfold \
    --priority-params duration_weight=1000 --priority-params duration_weight=10 2>"$tmp/table")
rc=$?
[ $rc = 0 ] || bad "several runs: exit $rc: $(cat "$tmp/table")"
python3 - "$out" "$tmp/table" <<'PY' || fail=1
import json, sys
runs = [json.loads(l) for l in sys.argv[1].splitlines()]
names = [r["run"] for r in runs]
if names != ["easy", "tailfold[duration_weight=1000]", "tailfold[duration_weight=10]"]:
    print("FAIL: runs", names); sys.exit(1)
for r in runs:
    for k in ["wait_p99_s", "user_min_jobs", "users_counted", "worst_user", "worst_user_bsld", "jain_bsld"]:
        if k not in r: print("FAIL: missing", k, r); sys.exit(1)
    if r["user_min_jobs"] != 50 or r["users_counted"] != 1 or r["worst_user"] != 0 or r["jain_bsld"] != 1:
        print("FAIL: per-user fields", r); sys.exit(1)
    if not r["wait_p95_s"] <= r["wait_p99_s"] <= r["wait_max_s"]:
        print("FAIL: p95 <= p99 <= max", r); sys.exit(1)
lines = open(sys.argv[2]).read().splitlines()
head = [l for l in lines if l.startswith("run ")]
if len(head) != 1: print("FAIL: no table header:", lines); sys.exit(1)
cols = head[0].split()
rows = {l.split()[0]: l.split() for l in lines if l.split() and l.split()[0] in names}
if sorted(rows) != sorted(names): print("FAIL: table rows", lines); sys.exit(1)
ratios = [i for i, c in enumerate(cols) if c == "/easy"]
if len(ratios) != 8 or any(rows["easy"][i] != "1.00" for i in ratios):
    print("FAIL: easy's ratios", cols, rows["easy"]); sys.exit(1)
if "/easy: ratio to easy" not in lines[0]: print("FAIL: table title", lines[0]); sys.exit(1)
PY
# Without easy: no ratio columns, said so; --table-format md; none: no table.
"$sim" --quiet --bag 20:10:100 --cpus 4 --policy fcfs,tailfold --table-format md >/dev/null 2>"$tmp/table"
grep -q "no easy run: no ratios" "$tmp/table" || bad "no easy run not said: $(cat "$tmp/table")"
grep -q "^| fcfs | " "$tmp/table" || bad "no Markdown row: $(cat "$tmp/table")"
grep -q "/easy" "$tmp/table" && bad "ratio columns without easy"
# 20 jobs: nobody has 50, per-user fields null, "-" in the table.
grep -q "^| tailfold | .* | - | - | - | 0 |$" "$tmp/table" || bad "per-user cells not -: $(cat "$tmp/table")"
out=$("$sim" --quiet --bag 20:10:100 --cpus 4 --policy fcfs --table-format none 2>"$tmp/table")
python3 -c 'import json,sys; d=json.loads(sys.argv[1]); sys.exit(0 if d["jain_bsld"] is None and d["worst_user"] is None and d["users_counted"] == 0 else 1)' "$out" ||
    bad "no eligible user: $out"
"$sim" --quiet --bag 20:10:100 --cpus 4 --policy fcfs,easy --table-format none >/dev/null 2>"$tmp/table"
[ -s "$tmp/table" ] && bad "--table-format none printed: $(cat "$tmp/table")"
"$sim" --bag 20:10:100 --cpus 4 --table-format html >/dev/null 2>&1 && bad "--table-format html accepted"
"$sim" --bag 20:10:100 --cpus 4 --priority-params duration_weight=1 --priority-params duration_weight=x \
    >/dev/null 2>"$tmp/err" && bad "a bad second --priority-params accepted"
grep -q "duration_weight=x" "$tmp/err" || bad "bad second --priority-params not named: $(cat "$tmp/err")"

"$sim" --bag 4:x --cpus 2 >/dev/null 2>"$tmp/err" && bad "bad --bag accepted"
grep -q -- "--bag 4:x" "$tmp/err" || bad "bad --bag not named"
"$sim" --lumi 100:30:1 >/dev/null 2>"$tmp/err" && bad "--lumi without --cpus accepted"

"$sim" --swf "$tmp/t.swf" --policy sjf >/dev/null 2>"$tmp/err" && bad "unknown policy accepted"
grep -q "unknown policy 'sjf'" "$tmp/err" || bad "unknown policy not named"
"$sim" --swf "$tmp/t.swf" --scheduler-params bf_window=soon >/dev/null 2>"$tmp/err" && bad "bad bf_window accepted"
grep -q "bf_window=soon" "$tmp/err" || bad "bad bf_window not named: $(cat "$tmp/err")"
"$sim" --swf "$tmp/missing.swf" >/dev/null 2>"$tmp/err" && bad "missing trace accepted"
grep -q "missing.swf: No such file" "$tmp/err" || bad "missing trace not named: $(cat "$tmp/err")"
printf 'PriorityWeightAge=lots\n' > "$tmp/slurm.conf"
"$sim" --swf "$tmp/t.swf" --slurm-conf "$tmp/slurm.conf" >/dev/null 2>"$tmp/err" && bad "bad slurm.conf accepted"
grep -q "slurm.conf:1: PriorityWeightAge=lots" "$tmp/err" || bad "bad slurm.conf line not named"
# A workflow owned by the trace's heaviest user (1: 100 s x 2 CPUs + 50 x 2
# against user 2's 100 x 4 + ... by hand: user 1 has 300 CPU-s, user 2 400).
out=$("$sim" --swf "$tmp/t.swf" --policy tailfold --priority-params chain_credit=on \
    --workflow 10:3:2:60:owner=heaviest 2>"$tmp/err") || bad "workflow run failed: $(cat "$tmp/err")"
python3 - "$out" <<'PY' || fail=1
import json, sys
r = json.loads(sys.argv[1])
want = {"workflow_jobs": 3, "workflow_owner": 2}
for k, v in want.items():
    if r.get(k) != v: print("FAIL: %s is %r, want %r" % (k, r.get(k), v)); sys.exit(1)
for k in ("workflow_tts_s", "workflow_wait_s", "others_bsld_mean"):
    if not isinstance(r.get(k), (int, float)): print("FAIL: no", k, r); sys.exit(1)
if r["workflow_tts_s"] < 180: print("FAIL: three 60 s links done in", r["workflow_tts_s"]); sys.exit(1)
PY
for spec in 10:3:2:60:owner=nobody 10:3:2:60:owner= 10:3:2:60:wrapped:wrapped 10:3:2:60:later; do
    "$sim" --swf "$tmp/t.swf" --workflow "$spec" >/dev/null 2>"$tmp/err" && bad "--workflow $spec accepted"
    grep -q "workflow" "$tmp/err" || bad "--workflow $spec: not named: $(cat "$tmp/err")"
done
"$sim" --swf "$tmp/t.swf" --priority-params chain_credit=maybe >/dev/null 2>"$tmp/err" && bad "chain_credit=maybe accepted"
grep -q "chain_credit=maybe: must be on or off" "$tmp/err" || bad "bad chain_credit not named: $(cat "$tmp/err")"
printf 'garbage\x00\x01' | gzip -c | head -c 20 > "$tmp/cut.swf.gz"
"$sim" --swf "$tmp/cut.swf.gz" --cpus 4 >/dev/null 2>"$tmp/err"
rc=$?
[ $rc -le 1 ] || bad "a cut .gz crashed the simulator (exit $rc)"
exit $fail
