#!/usr/bin/env bash
# A submit storm: 10,000 jobs through Slurm's C API (bench/submit_jobs.c)
# into a full cluster while backfill runs, under stock Slurm
# (priority/multifactor + sched/backfill) and under tailfold, one after the
# other with the same settings.  slurmctld must keep answering: the latency
# of `squeue -j` (one job), sampled all through the storm, is no worse under
# tailfold than under stock (median and 95th percentile, with 25% or 5 ms
# of slack for the noise of one run).  No job may be lost: every submission
# is accepted and every job is in the queue afterwards.
source "$(dirname "$0")/lib.sh"
count=${TF_STORM_JOBS:-10000}
sched_params=SchedulerParameters=bf_interval=2,bf_max_job_test=2000,bf_continue
mkdir -p "$mc_dir"
gcc -O2 -o "$mc_dir/submit_jobs" "$top/bench/submit_jobs.c" -lslurm
declare -A p50 p95

# pct FILE P: the P-th percentile of the numbers in FILE.
pct() { sort -n "$1" | awk -v p="$2" '{ a[NR] = $1 } END { i = int(NR * p / 100 + 0.999); if (i < 1) i = 1; print a[i] }'; }
ms_of() { local t0 t1; t0=$(date +%s%N); "$@" >/dev/null 2>&1 || echo fail; t1=$(date +%s%N); echo $(((t1 - t0) / 1000000)); }

storm() {  # KIND minicluster-options...
    local kind=$1; shift
    cluster_up "$@" --set "$sched_params" --set MaxJobCount=$((count * 2)) >/dev/null
    local block lat=$mc_dir/$kind-latency.txt stop=$mc_dir/stop out sampler
    block=$(submit bob -n 16 -t 10 --wrap 'sleep 600')
    for _ in $(seq 40); do [ "$(squeue -h -j "$block" -o %T)" = RUNNING ] && break; sleep 0.5; done
    rm -f "$stop"; : > "$lat"
    # The sampler: one squeue -j every 50 ms until told to stop.
    ( while [ ! -e "$stop" ]; do ms_of squeue -h -j "$block" >> "$lat"; sleep 0.05; done ) &
    sampler=$!
    out=$("$mc_dir/submit_jobs" "$count" 5 alice:physics,bob:chemistry,carol:theory "$mc_dir/jobs") || true
    sleep 4  # and a backfill pass or two over the whole queue
    touch "$stop"; wait "$sampler"
    log "$kind: $out"
    check "$kind: every submission was accepted" grep -q "\"submitted\": $count, \"failed\": 0" <<<"$out"
    check "$kind: slurmctld answered every squeue" test -z "$(grep fail "$lat")"
    local queued
    queued=$(squeue -h -t PD -o %i | wc -l)
    check "$kind: all $count jobs are in the queue ($queued)" test "$queued" = "$count"
    p50[$kind]=$(pct "$lat" 50) p95[$kind]=$(pct "$lat" 95)
    log "$kind: squeue -j latency over $(wc -l < "$lat") samples: median ${p50[$kind]} ms, p95 ${p95[$kind]} ms, max $(pct "$lat" 100) ms"
    log "$kind: backfill $(sdiag | awk '/Backfilling stats/{b=1} b && /Total cycles|Last depth cycle:/{gsub(/^[ \t]+/, ""); printf "%s; ", $0}')"
    mc down --dir "$mc_dir" >/dev/null
}

storm stock --set PriorityType=priority/multifactor --set SchedulerType=sched/backfill
storm tailfold
no_worse() { awk -v t="$1" -v s="$2" 'BEGIN { exit !(t <= s * 1.25 || t <= s + 5) }'; }
check "median squeue latency under tailfold (${p50[tailfold]} ms) no worse than stock's (${p50[stock]} ms)" \
    no_worse "${p50[tailfold]}" "${p50[stock]}"
check "p95 squeue latency under tailfold (${p95[tailfold]} ms) no worse than stock's (${p95[stock]} ms)" \
    no_worse "${p95[tailfold]}" "${p95[stock]}"
finish
