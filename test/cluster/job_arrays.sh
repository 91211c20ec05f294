#!/usr/bin/env bash
# Job arrays and heterogeneous jobs under sched/tailfold, with stock
# sched/backfill on a second cluster in the same test (4 nodes x 4 CPUs,
# test/cluster/backfill-cluster.conf, priorities by --nice only).
#
# Spread: A holds 3 nodes (limit 3 min), B wants all 4 nodes and is held at
# A's end, and an array X of 24 one-CPU tasks (limit 1 min, 8 s each) is
# backfilled onto the free node.  Once A and B are cancelled, the rest of
# X must spread over all nodes: a backfill start must not leave its
# temporary node exclusion on the array's pending rest (select_nodes()
# splits the array and copies the exclusion into the rest's record).
# Then, on each cluster: a %2 throttle is never exceeded; an array that
# depends on a job starts none of its tasks before that job ends; a
# heterogeneous job (sbatch ... : ...) runs to completion with all its
# components under stock, and is refused at submission under tailfold
# (slurmctld's own rule), with the cluster going on as before.
source "$(dirname "$0")/lib.sh"
params=bf_interval=2,bf_resolution=1,bf_window=60
two_clusters_up "$top/test/cluster/backfill-cluster.conf" --set "SchedulerParameters=$params" -- \
    --set "SchedulerParameters=$params"

# max_running DIR SECONDS ID: the most tasks of array ID running at once,
# and the nodes they ran on, sampled every 0.25 s until none is left.
max_running() {
    local d=$1 end=$((SECONDS + $2)) id=$3 most=0 n rows
    : > "$d/nodes.$id"
    while [ $SECONDS -lt $end ]; do
        rows=$(on "$d" squeue -h -r -j "$id" -o '%T %N' 2>/dev/null || true)
        [ -n "$rows" ] || break
        n=$(grep -c '^RUNNING' <<<"$rows" || true)
        [ "$n" -gt "$most" ] && most=$n
        awk '$1 == "RUNNING" { print $2 }' <<<"$rows" >> "$d/nodes.$id"
        sleep 0.25
    done
    echo "$most $(sort -u "$d/nodes.$id" | grep -c . || true)"
}

# completed DIR ID N: sacct's JobID|State rows of job or array ID, once N
# of them are COMPLETED or after 20 s (records reach slurmdbd a little
# after the jobs end).
completed() {
    local end=$((SECONDS + 20)) rows
    while :; do
        rows=$(on "$1" sacct -n -X -P -j "$2" -o JobID,State | sort)
        [ "$(grep -c '|COMPLETED$' <<<"$rows")" -lt "$3" ] && [ $SECONDS -lt $end ] || break
        sleep 0.5
    done
    tr '\n' ' ' <<<"$rows"
}
n_completed() { grep -o '|COMPLETED' <<<"$1" | wc -l; }

spread_run() {
    local d=$1 name A B X started most nodes i rows
    name=$(basename "$d")
    A=$(csub "$d" alice -N 3 --exclusive -t 3 -J A --wrap 'sleep 300')
    wait_state "$d" "$A" RUNNING 20 || fail "$name: A did not start"
    B=$(csub "$d" alice -N 4 --exclusive -t 2 --nice=10 -J B --wrap 'sleep 5')
    X=$(csub "$d" bob -n 1 -t 1 --nice=100 -J X --array=0-23 --wrap 'sleep 8')
    for i in $(seq 60); do
        started=$(on "$d" squeue -h -r -j "$X" -t RUNNING -o %i | grep -c . || true)
        [ "$started" -gt 0 ] && break
        sleep 0.5
    done
    check "$name: X's first tasks are backfilled onto the free node ($started running)" test "$started" -ge 1
    check "$name: ... and B is still pending" test "$(on "$d" squeue -h -j "$B" -o %T)" = PENDING
    on "$d" scancel "$B" "$A"
    read -r most nodes < <(max_running "$d" 120 "$X")
    log "$name: after A and B went, X ran up to $most tasks at once on $nodes nodes"
    check "$name: the rest of X spreads over the idle nodes (up to $most at once, want >= 8)" test "$most" -ge 8
    check "$name: ... on all 4 nodes ($nodes)" test "$nodes" = 4
    rows=$(completed "$d" "$X" 24)
    check "$name: all 24 tasks of X completed ($(n_completed "$rows"))" test "$(n_completed "$rows")" = 24
}

others_run() {
    local d=$1 name T D Dep H most nodes dep_end first rows
    name=$(basename "$d")
    # A throttle: never more than 2 tasks at once.
    T=$(csub "$d" bob -n 1 -t 1 -J T --array=0-5%2 --wrap 'sleep 3')
    read -r most nodes < <(max_running "$d" 120 "$T")
    check "$name: array with %2 runs at most 2 tasks at once ($most)" test "$most" -le 2 -a "$most" -ge 1
    rows=$(completed "$d" "$T" 6)
    check "$name: ... and all 6 completed ($rows)" test "$(n_completed "$rows")" = 6
    # An array that waits for a job.
    D=$(csub "$d" alice -n 1 -t 1 -J D --wrap 'sleep 6')
    Dep=$(csub "$d" bob -n 1 -t 1 -J Dep --array=0-3 --dependency="afterok:$D" --wrap 'sleep 1')
    wait_queue_empty 120 || fail "$name: D and Dep did not finish"
    rows=$(completed "$d" "$Dep" 4)
    dep_end=$(ep "$(on "$d" sacct -n -X -P -j "$D" -o End)")
    first=$(on "$d" sacct -n -X -P -j "$Dep" -o Start | while read -r t; do ep "$t"; done | sort -n | head -1)
    check "$name: no task of the dependent array starts before its dependency ends ($first >= $dep_end)" \
        test "$first" != - -a "$first" -ge "$dep_end"
    check "$name: ... and all 4 completed ($rows)" test "$(n_completed "$rows")" = 4
    # A heterogeneous job: slurmctld 22.05.8 takes one only when
    # SchedulerType is sched/backfill, by name (proc_req.c), and refuses it
    # at submission otherwise: tailfold's users get sbatch's error, never a
    # job that waits forever.
    if H=$(csub "$d" alice -n 1 -t 1 -J H : -n 2 -t 1 --wrap 'sleep 2' 2>"$d/het.err"); then
        H=${H%%;*}
        wait_queue_empty 60 || fail "$name: the heterogeneous job did not finish"
        rows=$(completed "$d" "$H" 2)
        check "$name: both components of the heterogeneous job completed ($rows)" test "$(n_completed "$rows")" = 2
    else
        log "$name: heterogeneous job refused: $(cat "$d/het.err")"
        check "$name: a refused heterogeneous job is refused as not supported, under tailfold only" \
            test "$name" = tailfold -a "$(grep -c 'not supported' "$d/het.err")" = 1
    fi
    T=$(csub "$d" alice -n 1 -t 1 -J after --wrap 'true')
    wait_queue_empty 60 || fail "$name: a job submitted after the heterogeneous one did not finish"
    rows=$(completed "$d" "$T" 1)
    check "$name: ... and the next job runs as before ($rows)" test "$(n_completed "$rows")" = 1
}

both() { export SLURM_CONF=$1/etc/slurm.conf; spread_run "$1"; others_run "$1"; }
run_on_both both "$stock_dir" "$tf_dir"
finish
