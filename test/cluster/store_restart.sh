#!/usr/bin/env bash
# The estimate store across a restart of slurmctld: a job still COMPLETING
# (its epilog running) when the store is saved, with an earlier end than a
# job counted, is learned once it is done after the restart, and the job
# counted before is not counted again; each run's time limit (which the
# forecast carries learned runs to other limits with) is kept across it.
# While slurmctld runs, its plugin holds the store's lock and
# tailfold-estimates seed is refused.
source "$(dirname "$0")/lib.sh"

mkdir -p "$mc_dir/slow"
# The epilog of a job with a mark in slow/ runs 90 s: the job stays
# COMPLETING past the next priority pass (PriorityCalcPeriod=1: a minute).
printf '#!/bin/sh\n[ -e "%s/slow/$SLURM_JOB_ID" ] && sleep 90\nexit 0\n' "$mc_dir" > "$mc_dir/epilog.sh"
chmod 755 "$mc_dir/epilog.sh"
cluster_up --set PriorityParameters=duration_weight=10000,duration_source=history \
    --set Epilog="$mc_dir/epilog.sh" >/dev/null
store=$mc_dir/state/tailfold_estimates.json
uid=$(id -u alice)

# 1. The lock: a seed is refused while slurmctld runs.
printf 'JobID|UID|Account|JobName|ElapsedRaw|TimelimitRaw|State|End\n1|%s|a|seeded|60|10|COMPLETED|2026-01-01T00:00:00\n' "$uid" > "$mc_dir/seed.txt"
rc=0
"$top/src/programs/tailfold-estimates" seed --store "$store" "$mc_dir/seed.txt" >/dev/null 2>"$mc_dir/seed.err" || rc=$?
check "seed refused while slurmctld runs (exit $rc): $(cat "$mc_dir/seed.err")" \
    grep -q "holds $mc_dir/state/tailfold_estimates.lock: stop slurmctld before seeding" "$mc_dir/seed.err"

# runs NAME: "runs:last" of alice's entry for job NAME in the store.
runs() { python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
print(" ".join(str(e["runs"]) + ":" + ",".join(map(str, e["last"])) for e in d["entries"]
               if e.get("name") == sys.argv[3] and e["uid"] == int(sys.argv[2])))' "$store" "$uid" "$1" 2>/dev/null; }
# limits NAME: the time limits (s) of the runs kept in alice's entry for NAME.
limits() { python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
print(" ".join(",".join(map(str, e.get("limits", []))) for e in d["entries"]
               if e.get("name") == sys.argv[3] and e["uid"] == int(sys.argv[2])))' "$store" "$uid" "$1" 2>/dev/null; }
field() { python3 -c 'import json, sys; print(json.load(open(sys.argv[1])).get(sys.argv[2]))' "$store" "$1" 2>/dev/null; }

# 2. A ends first but stays COMPLETING; B ends after it and is counted.
a=$(submit alice -n 1 -t 10 -J slowepi --wrap 'sleep 2')
touch "$mc_dir/slow/$a"
wait_state "$mc_dir" "$a" COMPLETING 30 || fail "job $a did not reach COMPLETING"
a_end=$(ep "$(squeue -h -j "$a" -o %e)")
b=$(submit alice -n 1 -t 10 -J fast --wrap 'sleep 1')
for _ in $(seq 80); do [ -n "$(runs fast)" ] && break; sleep 1; done
check "B ($b) is learned before the restart ($(runs fast))" test -n "$(runs fast)"
check "A ($a) is still COMPLETING" test "$(squeue -h -j "$a" -o %T)" = COMPLETING
until_s=$(field learned_until)
check "the store's watermark ($until_s) is below A's end ($a_end)" test "${until_s:-0}" -lt "$a_end"
check "the store lists B among learned_ids ($(field learned_ids))" grep -qw "$b" <<<"$(field learned_ids)"
check "B's run keeps its limit of 10 min ($(limits fast))" test "$(limits fast)" = 600

# 3. Restart while A is COMPLETING; once done it is learned, B only once.
mc restart --dir "$mc_dir" >/dev/null
for _ in $(seq 120); do [ "$(squeue -h -j "$a" -o %T 2>/dev/null)" != COMPLETING ] && break; sleep 1; done
for _ in $(seq 90); do [ -n "$(runs slowepi)" ] && break; sleep 1; done
check "A ($a), COMPLETING at the restart, is learned once done ($(runs slowepi))" grep -Eq '^1:[1-9]' <<<"$(runs slowepi)"
check "B ($b) is not counted again ($(runs fast))" grep -Eq '^1:' <<<"$(runs fast)"
check "B's limit survives the restart ($(limits fast))" test "$(limits fast)" = 600
check "slurmctld logged no store error" \
    test -z "$(grep -h 'tailfold.*\(skipped\|damaged\|cannot\|holds\)' "$mc_dir"/log/slurmctld*.log)"

finish
