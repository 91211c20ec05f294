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
# A plan of CPUs and memory alone fails this: it plans B a few seconds
# after eligibility, where its CPUs are free, and starts L at once (L
# sleeps 10 s only; run to its limit, it would keep B waiting).  Then each
# job's start (from the moment the four became eligible) under tailfold is
# at most stock's + 3 s.
#
# Then GPU types: the same nodes with one a100 and one v100 each
# (Gres=gpu:a100:1,gpu:v100:1).  R asks for any GPU on every node and gets
# the a100s (the first devices; checked); B needs the a100 of every node
# (planned at R's end: the plan must know which type R holds although R
# asked for none; slurmctld records its allocation per type); S a v100
# for 1 minute and L any GPU for 5 minutes (it gets a v100): neither takes
# what B needs, both start at once.  Counted by name only, the plan would
# see one free GPU a node, hold B on it one step ahead, and keep S and L
# waiting (5 of the checks fail on such a plan).
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/held_start_scenario.sh"
cluster_file=$top/test/cluster/gpu-cluster.conf
stock_dir=$mc_dir/stock
tf_dir=$mc_dir/tailfold
slack=3
trap 'mc down --dir "$stock_dir" >/dev/null 2>&1 || true; mc down --dir "$tf_dir" >/dev/null 2>&1 || true' EXIT

# clusters_up CLUSTER_FILE GRES: both clusters afresh, every node with GRES.
clusters_up() {
    local d gpus
    for d in "$stock_dir" "$tf_dir"; do mc down --dir "$d" >/dev/null 2>&1 || true; done
    mc up --dir "$stock_dir" --port-base "$port_base" --fresh --cluster-file "$1" \
        --set SchedulerType=sched/backfill >/dev/null
    mc up --dir "$tf_dir" --port-base $((port_base + 50)) --fresh --cluster-file "$1" \
        --set "SchedulerParameters=bf_interval=2,bf_resolution=1,bf_window=60,bf_reservations=10" >/dev/null
    for d in "$stock_dir" "$tf_dir"; do
        gpus=$(on "$d" sinfo -h -N -o '%G %T' | grep -c "^$2 idle\$" || true)
        [ "$gpus" = 4 ] || { fail "$(basename "$d"): 4 idle nodes with $2 expected, sinfo says:"; on "$d" sinfo -N -o '%N %G %T %E'; finish; }
    done
}
clusters_up "$cluster_file" gpu:2

R_args=(-N 3 --ntasks-per-node=1 --gres=gpu:2)
B_args=(-N 4 --ntasks-per-node=1 --gres=gpu:2)
S_args=(-n 1 --gres=gpu:1)
L_args=(-n 1 --gres=gpu:1)
N_args=(-n 2)
run_on_both held_start_run "$stock_dir" "$tf_dir"
held_start_checks "$stock_dir" "$tf_dir" GPU GPUs $slack

log "GPU types: one a100 and one v100 a node"
sed 's/Gres=gpu:2/Gres=gpu:a100:1,gpu:v100:1/' "$cluster_file" > "$mc_dir/types-cluster.conf"
clusters_up "$mc_dir/types-cluster.conf" 'gpu:a100:1,gpu:v100:1'
R_args=(-N 4 --ntasks-per-node=1 --gres=gpu:1)
B_args=(-N 4 --ntasks-per-node=1 --gres=gpu:a100:1)
S_args=(-n 1 --gres=gpu:v100:1)
L_args=(-n 1 --gres=gpu:1)
N_args=(-n 2)
run_on_both held_start_run "$stock_dir" "$tf_dir"
for d in "$stock_dir" "$tf_dir"; do
    check "$(basename "$d"): R (any GPU) got the a100 of each node" grep -q 'JOB_GRES=gpu:a100:4,' "$d/R.detail"
done
held_start_checks "$stock_dir" "$tf_dir" "a100 GPU" "a100 GPUs" $slack "any GPU; a v100 is free"
finish
