#!/usr/bin/env bash
# GPUs in the plan (--gres=gpu:N): stock sched/backfill and sched/tailfold
# side by side, each on its own cluster (test/cluster/gpu-cluster.conf:
# 4 nodes x 4 CPUs x 2 GPUs, priorities by --nice only).
#
# R holds both GPUs of three nodes and one CPU on each (limit 2 min,
# sleeps 100 s): the fourth node's 2 GPUs and 13 CPUs are free.  Then, in
# priority order:
#   B  2 GPUs on each of the 4 nodes, 1 CPU a node: its GPUs are busy, not
#      its CPUs; it must be planned at R's end by its limit (squeue --start)
#      and start no later than that
#   S  1 GPU, limit 1 min: done before B's planned start: starts at once
#   L  1 GPU, limit 5 min: would keep a GPU B needs past B's planned
#      start: must not start before B does
#   N  no GPU, 2 CPUs: starts at once (a GPU wait blocks no one else)
# The previous glue, which planned CPUs and memory only, fails this (run
# by hand): it planned B 3 s after eligibility, where its CPUs were free,
# and started L at once (L sleeps 10 s only; run to its limit, it would
# have kept B waiting).  Then each job's start (from the moment the four
# became eligible) under tailfold is at most stock's + 3 s.
source "$(dirname "$0")/lib.sh"
cluster_file=$top/test/cluster/gpu-cluster.conf
stock_dir=$mc_dir/stock
tf_dir=$mc_dir/tailfold
slack=3
trap 'mc down --dir "$stock_dir" >/dev/null 2>&1 || true; mc down --dir "$tf_dir" >/dev/null 2>&1 || true' EXIT

mc down --dir "$stock_dir" >/dev/null 2>&1 || true
mc down --dir "$tf_dir" >/dev/null 2>&1 || true
mc up --dir "$stock_dir" --port-base "$port_base" --fresh --cluster-file "$cluster_file" \
    --set SchedulerType=sched/backfill >/dev/null
mc up --dir "$tf_dir" --port-base $((port_base + 50)) --fresh --cluster-file "$cluster_file" \
    --set "SchedulerParameters=bf_interval=2,bf_resolution=1,bf_window=60,bf_reservations=10" >/dev/null
for d in "$stock_dir" "$tf_dir"; do
    gpus=$(on "$d" sinfo -h -N -o '%G %T' | grep -c '^gpu:2 idle$' || true)
    [ "$gpus" = 4 ] || { fail "$(basename "$d"): 4 idle nodes with gpu:2 expected, sinfo says:"; on "$d" sinfo -N -o '%N %G %T %E'; finish; }
done

R_args=(-N 3 --ntasks-per-node=1 --gres=gpu:2)
B_args=(-N 4 --ntasks-per-node=1 --gres=gpu:2)
S_args=(-n 1 --gres=gpu:1)
L_args=(-n 1 --gres=gpu:1)
N_args=(-n 2)
run_on_both held_start_run "$stock_dir" "$tf_dir"
held_start_checks "$stock_dir" "$tf_dir" GPU GPUs $slack
finish
