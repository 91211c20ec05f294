#!/usr/bin/env bash
# sched/tailfold's SchedulerParameters: a bad value stops slurmctld at
# start-up with an error naming the key; at `scontrol reconfigure` it gives
# an error and the last good settings stay.  The settings are seen at work
# through sdiag's backfill cycle count: bf_interval=2 gives a pass every
# 2 s, bf_interval=30 (after a good reconfigure) hardly any in 12 s.
source "$(dirname "$0")/lib.sh"
cluster_file=$top/test/cluster/backfill-cluster.conf
ctl_log=$mc_dir/log/slurmctld.log

# bad_start KEY PARAMS: slurmctld must refuse to start, naming KEY.
bad_start() {
    local key=$1 params=$2 out
    if out=$(mc up --dir "$mc_dir" --port-base "$port_base" --fresh --cluster-file "$cluster_file" \
        --set SchedulerType=sched/tailfold --set "SchedulerParameters=$params" 2>&1); then
        fail "slurmctld started with SchedulerParameters=$params"
        mc down --dir "$mc_dir" >/dev/null 2>&1 || true
        return
    fi
    pass "slurmctld did not start with SchedulerParameters=$params"
    local line
    line=$(grep -i 'error' "$ctl_log" "$mc_dir/log/slurmctld.stderr" 2>/dev/null | grep -F -- "$key" | head -1)
    check "its log has an error naming $key (${line#*: })" test -n "$line"
    mc down --dir "$mc_dir" >/dev/null 2>&1 || true
}
trap 'mc down --dir "$mc_dir" >/dev/null 2>&1 || true' EXIT
bad_start bf_interval bf_interval=abc,bf_resolution=1
bad_start bf_reservations bf_interval=2,bf_reservations=-1
bad_start bf_runtime bf_interval=2,bf_runtime=sometimes
bad_start bf_resolutoin bf_interval=2,bf_resolutoin=1

cycles() {
    sdiag | awk '/^Backfilling stats/ { b = 1 } b && /Total cycles:/ { print $NF; exit }'
}
cycles_in() {  # seconds: backfill passes counted by sdiag in that time
    local a b
    a=$(cycles); sleep "$1"; b=$(cycles)
    echo $((b - a))
}
set_params() {  # the SchedulerParameters line of the running cluster
    sed -i "s/^SchedulerParameters=.*/SchedulerParameters=$1/" "$mc_dir/etc/slurm.conf"
}

cluster_up --cluster-file "$cluster_file" --set SchedulerType=sched/tailfold \
    --set SchedulerParameters=bf_interval=2,bf_resolution=1 >/dev/null
sleep 3
n=$(cycles_in 12)
check "bf_interval=2: $n backfill passes in 12 s (at least 4)" test "$n" -ge 4

set_params bf_interval=abc,bf_resolution=1
errors_before=$(grep -c 'bf_interval' "$ctl_log" || true)
scontrol reconfigure || fail "scontrol reconfigure failed"
sleep 2
ping_quiet() { scontrol ping >/dev/null; }
check "slurmctld still answers after a reconfigure with bf_interval=abc" ping_quiet
check "the reconfigure logged an error naming bf_interval" \
    test "$(grep -c 'bf_interval' "$ctl_log" || true)" -gt "$errors_before"
n=$(cycles_in 12)
check "the last good setting stays: $n backfill passes in 12 s (at least 4)" test "$n" -ge 4

set_params bf_interval=30,bf_resolution=1
scontrol reconfigure || fail "scontrol reconfigure failed"
sleep 3
n=$(cycles_in 12)
check "a good reconfigure takes effect: bf_interval=30 gives $n passes in 12 s (at most 1)" test "$n" -le 1
finish
