#!/usr/bin/env bash
# A submit storm: 10,000 jobs through Slurm's C API (bench/submit_jobs.c)
# into a full cluster while backfill runs, under stock Slurm
# (priority/multifactor + sched/backfill) and under tailfold with the same
# settings, both storms at the same time so that both controllers share
# the machine's load.  slurmctld must keep answering: the latency of
# `squeue -j` (one job), sampled every 50 ms on each cluster over the same
# wall-clock window (from the start until 4 s after the first storm ends),
# is no worse under tailfold than under stock (median and 95th percentile,
# with 25% or 5 ms of slack).  No job may be lost: every submission is
# accepted and every job is in the queue afterwards.
# run-all: alone (its checks measure time)
source "$(dirname "$0")/lib.sh"
count=${TF_STORM_JOBS:-10000}
sched_params=SchedulerParameters=bf_interval=2,bf_max_job_test=2000,bf_continue
mkdir -p "$mc_dir"
in_slurm gcc -O2 -o "$mc_dir/submit_jobs" "$top/bench/submit_jobs.c" -lslurm
ready=$mc_dir/ready stop=$mc_dir/stop
rm -f "$ready".* "$stop"

# pct FILE P: the P-th percentile of the numbers in FILE.
pct() { sort -n "$1" | awk -v p="$2" '{ a[NR] = $1 } END { i = int(NR * p / 100 + 0.999); if (i < 1) i = 1; print a[i] }'; }
ms_of() { local t0 t1; t0=$(date +%s%N); "$@" >/dev/null 2>&1 || echo fail; t1=$(date +%s%N); echo $(((t1 - t0) / 1000000)); }

# storm DIR: the storm on one cluster; latencies into DIR/latency.txt.
storm() {
    local d=$1 kind block lat=$1/latency.txt out sampler queued i
    kind=$(basename "$d")
    export SLURM_CONF=$d/etc/slurm.conf
    block=$(csub "$d" bob -n 16 -t 10 --wrap 'sleep 600')
    wait_state "$d" "$block" RUNNING 20 || fail "$kind: the blocking job did not start"
    # Both storms start together.
    touch "$ready.$kind"
    for i in $(seq 600); do [ -e "$ready.stock" ] && [ -e "$ready.tailfold" ] && break; sleep 0.1; done
    : > "$lat"
    ( while [ ! -e "$stop" ]; do ms_of squeue -h -j "$block" >> "$lat"; sleep 0.05; done ) &
    sampler=$!
    out=$(in_slurm "$mc_dir/submit_jobs" "$count" 5 alice:physics,bob:chemistry,carol:theory "$d/jobs") || true
    # The first storm to end closes the window after a backfill pass or
    # two over its whole queue.
    [ -e "$stop" ] || { sleep 4; touch "$stop"; }
    wait "$sampler"
    log "$kind: $out"
    check "$kind: every submission was accepted" grep -q "\"submitted\": $count, \"failed\": 0" <<<"$out"
    check "$kind: slurmctld answered every squeue" test -z "$(grep fail "$lat")"
    queued=$(squeue -h -t PD -o %i | wc -l)
    check "$kind: all $count jobs are in the queue ($queued)" test "$queued" = "$count"
    log "$kind: squeue -j latency over $(wc -l < "$lat") samples: median $(pct "$lat" 50) ms, p95 $(pct "$lat" 95) ms, max $(pct "$lat" 100) ms"
    log "$kind: backfill $(sdiag | awk '/Backfilling stats/{b=1} b && /Total cycles|Last depth cycle:/{gsub(/^[ \t]+/, ""); printf "%s; ", $0}')"
}

two_clusters_up "$top/etc/minicluster/cluster.conf" \
    --set PriorityType=priority/multifactor --set "$sched_params" --set MaxJobCount=$((count * 2)) -- \
    --set "$sched_params" --set MaxJobCount=$((count * 2))
run_on_both storm "$stock_dir" "$tf_dir"
no_worse() { awk -v t="$1" -v s="$2" 'BEGIN { exit !(t <= s * 1.25 || t <= s + 5) }'; }
for p in 50 95; do
    s=$(pct "$stock_dir/latency.txt" $p) t=$(pct "$tf_dir/latency.txt" $p)
    check "p$p squeue latency under tailfold ($t ms) no worse than stock's ($s ms)" no_worse "$t" "$s"
done
finish
