#!/usr/bin/env bash
# sched/tailfold plans holes with learned runtimes when bf_runtime=predicted
# (jobs are still killed at their limits), and with limits otherwise.
#
# The hole: 12 of 16 CPUs run a job with a 1-minute limit; the top job
# wants all 16.  The low-priority 'filler' has a 5-minute limit but has run
# for 10 s each of its last two times (seeded into the estimate store with
# src/programs/tailfold-estimates; duration_source=auto, so the running job, with
# no history of its own, is planned to its limit).  Planned by limits, it
# does not fit before the top job's start and must wait; planned by
# prediction it fits and starts at once.  Both runs use the same cluster file and jobs; only bf_runtime
# differs.  (SchedulerParameters errors: bad_config.sh.)
source "$(dirname "$0")/lib.sh"

prio_params=PriorityParameters=duration_weight=2000,duration_source=auto,duration_history_runs=2
seed_store() {
    local f=$mc_dir/seed.txt now uid
    uid=$(id -u alice)
    now=$(date +%Y-%m-%dT%H:%M:%S)
    {
        echo 'JobID|UID|Account|JobName|ElapsedRaw|TimelimitRaw|State|End'
        echo "901|$uid|physics|filler|10|5|COMPLETED|$now"
        echo "902|$uid|physics|filler|10|5|COMPLETED|$now"
    } > "$f"
    "$top/src/programs/tailfold-estimates" seed --store "$mc_dir/state/tailfold_estimates.json" "$f" >/dev/null
}

# Stop the cluster's slurmctld (SIGTERM, by its PID) and wait for it to end.
stop_ctld() {
    local pid
    pid=$(cat "$mc_dir/pids/slurmctld.pid")
    kill -TERM "$pid"
    for _ in $(seq 300); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
    fail "slurmctld (PID $pid) did not stop in 30 s"
}

job_state() { scontrol show job "$1" | grep -o 'JobState=[A-Z]*' | cut -d= -f2; }

# run_hole RUNTIME: sets filler_started and top_started (1/0) 12 s after
# the filler was submitted.  (Not in a subshell: its teardown must be over
# before the next cluster starts.)
run_hole() {
    local sets=(--set "SchedulerParameters=bf_interval=2,bf_resolution=1,bf_runtime=$1" --set "$prio_params")
    cluster_up "${sets[@]}" >/dev/null
    # The seed wants slurmctld stopped (its plugin holds the store's lock)
    # and alice's UID: slurmctld alone stops, since a down would also
    # remove the OS users the cluster's up made (unless another cluster
    # uses them).  restart starts it on the same state; both plugins read
    # the seed.
    stop_ctld
    seed_store
    mc restart --dir "$mc_dir" >/dev/null
    submit alice -J runner -n12 -t1 --wrap 'sleep 50' >/dev/null
    for _ in $(seq 20); do [ "$(squeue -h -o %t -n runner)" = R ] && break; sleep 0.5; done
    top_id=$(submit alice -J top -n16 -t2 --wrap 'sleep 5')
    fill_id=$(submit alice -J filler -n4 -t5 --nice=5000 --wrap 'sleep 10')
    local tp fp
    tp=$(squeue -h -j "$top_id" -o %Q) fp=$(squeue -h -j "$fill_id" -o %Q)
    sleep 12
    check "$1: the top job ranks above the filler ($tp > $fp)" test "${tp:-0}" -gt "${fp:-0}"
    filler_started=0 top_started=0
    # Started = left PENDING (the 10 s filler may be done already).
    [ "$(job_state "$fill_id")" != PENDING ] && filler_started=1
    [ "$(job_state "$top_id")" != PENDING ] && top_started=1
    check "$1: slurmctld logs the runtimes it plans with" \
        grep -q "sched/tailfold: backfill every 2s.*bf_runtime=$1" "$mc_dir/log/slurmctld.log"
    mc down --dir "$mc_dir" >/dev/null
}

run_hole limit
check "planned by limits, the filler (5 min) waits: the hole is 1 min" test $filler_started = 0
check "planned by limits, the top job waits for the running one" test $top_started = 0
run_hole predicted
check "planned by prediction (10 s), the filler starts in the hole" test $filler_started = 1
check "planned by prediction, the top job still waits for the running one" test $top_started = 0

# The example line of etc/slurm.conf.tailfold is accepted as written; a
# good new line takes effect at reconfigure.  (Bad lines: bad_config.sh.)
example=$(grep '^SchedulerParameters=' "$top/etc/slurm.conf.tailfold")
cluster_up --set "$example" >/dev/null
check "the example's SchedulerParameters load ($example)" \
    grep -q "backfill every 30s, window 1440 min, resolution 60s, 1 reservation(s), bf_runtime=limit" \
    "$mc_dir/log/slurmctld.log"
# awk reads to the end: a reader that leaves early can kill sdiag with SIGPIPE.
cycles() { sdiag | awk '/Backfilling stats/{b=1} b && !n && /Total cycles:/{print $3; n=1}'; }
mc conf --dir "$mc_dir" --set SchedulerParameters=bf_interval=2
scontrol reconfigure
sleep 1
c1=$(cycles); sleep 5; c2=$(cycles)
check "after reconfigure to bf_interval=2, a pass every 2 s ($c1 -> $c2 cycles in 5 s)" \
    test $((c2 - c1)) -ge 2
finish
