#!/usr/bin/env bash
# Licences in the plan (sbatch -L): stock sched/backfill and sched/tailfold
# side by side, each on its own cluster (4 nodes x 4 CPUs,
# test/cluster/backfill-cluster.conf, priorities by --nice only) with
# Licenses=fluent:4 and SchedulerParameters with bf_licenses (the key that
# makes slurmctld's main scheduler stop at a job whose licences are busy;
# stock's backfill also plans licences with it).
#
# R holds 2 licences (limit 2 min, sleeps 100 s).  Then, with every CPU
# free but 14, in priority order:
#   B  all 4 licences, 1 CPU: its licences are busy, not its CPUs; it must
#      be planned at R's end by its limit (squeue --start) and start no
#      later than that
#   S  1 licence, limit 1 min: done before B's planned start: starts at once
#   L  1 licence, limit 5 min: would keep a licence B needs past B's
#      planned start: must not start before B does
#   N  no licence, 4 CPUs: starts at once (a licence wait blocks no one else)
# Then each job's start (from the moment the four became eligible) under
# tailfold is at most stock's + 3 s.  Last, tailfold's slurmctld restarted
# without bf_licenses says, in one line, what that costs.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/held_start_scenario.sh"
slack=3
sched_params=bf_interval=2,bf_resolution=1,bf_window=60,bf_licenses
two_clusters_up "$top/test/cluster/backfill-cluster.conf" \
    --set Licenses=fluent:4 --set "SchedulerParameters=$sched_params" -- \
    --set Licenses=fluent:4 --set "SchedulerParameters=$sched_params,bf_reservations=10"

R_args=(-n 1 -L fluent:2)
B_args=(-n 1 -L fluent:4)
S_args=(-n 1 -L fluent:1)
L_args=(-n 1 -L fluent:1)
N_args=(-n 4)
run_on_both held_start_run "$stock_dir" "$tf_dir"
held_start_checks "$stock_dir" "$tf_dir" licence licences $slack

# Without bf_licenses the main scheduler would start L at once: one line says so.
export SLURM_CONF=$tf_dir/etc/slurm.conf
before=$(wc -l < "$tf_dir/log/slurmctld.log")
mc restart --dir "$tf_dir" --set "SchedulerParameters=bf_interval=2,bf_resolution=1" >/dev/null
said=$(tail -n +"$((before + 1))" "$tf_dir/log/slurmctld.log" | grep -c 'has no bf_licenses' || true)
check "without bf_licenses, slurmctld's log says what it costs, once ($said)" test "$said" = 1
check "... and with it (before the restart), nothing" \
    test "$(head -n "$before" "$tf_dir/log/slurmctld.log" | grep -c 'has no bf_licenses' || true)" = 0
finish
