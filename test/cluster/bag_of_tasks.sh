#!/usr/bin/env bash
# Longest first folds the tail: a bag of 80 one-CPU tasks of one user on 16
# CPUs, durations heavy-tailed (56 x 1, 14 x 2, 6 x 5, 4 x 12 "minutes", 10 s
# each), submitted in a shuffled order to a partition that is down, which
# then comes up: every task becomes eligible at once.
# Measured per run: makespan from the partition coming up, the lower bound
# max(work / CPUs, longest task), and waste = 1 - work / (CPUs x makespan).
# The makespan is the schedule's: each task counts its nominal duration from
# its start (sacct Start), as the bound does.  How long slurmd took to launch
# it and report its end is not the schedulers' doing, and one hiccup there
# (slurmstepd retries a failed job-complete RPC after 15 s) is 12% of the
# bound; the wall-clock makespan and the largest such overrun are logged.
#   stock       priority/multifactor + sched/backfill, exact limits
#   limit       priority/tailfold, duration_source=limit, exact limits
#   one-bit     tailfold with limits that say only "short" (2) or "long" (12)
#   history     tailfold, every limit 15 (no information), estimates learned
#               from a first run of each task (job names give the task)
# tailfold must finish within 10% of the lower bound and waste less than stock.
# Three clusters run side by side (stock; limit then one-bit; history, which
# first runs its teaching pass), each on its own ports: the tasks sleep, so
# the machine's two cores are not what limits them.
# run-all: alone (its checks measure time)
source "$(dirname "$0")/lib.sh"
cluster_file=$top/test/cluster/bag-cluster.conf
cpus=16
scale=10   # seconds of sleep per "minute" of task
# The bag, in a fixed shuffled order (seeded, so every run is the same).
mapfile -t bag < <(python3 -c '
import random
tasks = [1] * 56 + [2] * 14 + [5] * 6 + [12] * 4
random.Random(20261122).shuffle(tasks)
print("\n".join(map(str, tasks)))')
work=$(( $(IFS=+; echo "$((${bag[*]}))") * scale ))
longest=$(( $(printf '%s\n' "${bag[@]}" | sort -n | tail -1) * scale ))
bound=$(( work / cpus > longest ? work / cpus : longest ))
log "bag: ${#bag[@]} tasks, work ${work} CPU-s, longest ${longest} s, lower bound ${bound} s"
declare -A makespan_of waste_of
results=$mc_dir/results
mkdir -p "$mc_dir"
: > "$results"

# run_bag NAME LIMIT_MODE (in a variant's subshell, SLURM_CONF set): submit the bag, make it eligible, wait, measure.
run_bag() {
    local name=$1 mode=$2 ids=() i d lim
    # The partition is down while the bag is submitted and comes up in one
    # update, so every task becomes eligible at the same instant (releasing
    # held jobs is one request per job, and a prompt scheduler would start
    # the first released before the last is).
    scontrol update PartitionName=work State=DOWN
    for i in "${!bag[@]}"; do
        d=${bag[$i]}
        case $mode in
            exact) lim=$d ;;
            onebit) lim=$(( d <= 2 ? 2 : 12 )) ;;
            flat) lim=15 ;;
        esac
        ids+=("$(submit alice -n 1 -t "$lim" -J "task$d" --wrap "sleep $((d * scale))")")
    done
    local t0
    t0=$(date +%s)
    scontrol update PartitionName=work State=UP
    wait_queue_empty $((bound * 4)) || { fail "$name: the bag did not finish in $((bound * 4)) s"; return; }
    sleep 2
    # Per task: start, end, state, nominal end (start + its sleep), job id.
    local ends
    ends=$(sacct -X -n -P -j "$(IFS=,; echo "${ids[*]}")" -o Start,End,State,JobName,JobID |
        awk -F'|' -v scale=$scale '{ cmd = "date -d " $1 " +%s"; cmd | getline s; close(cmd)
                     cmd = "date -d " $2 " +%s"; cmd | getline e; close(cmd)
                     d = $4; sub(/^task/, "", d)
                     print s, e, $3, s + d * scale, $5 }')
    local done_count
    done_count=$(grep -c COMPLETED <<<"$ends")
    check "$name: all ${#bag[@]} tasks completed" test "$done_count" = "${#bag[@]}"
    local ms wall
    ms=$(awk -v t0="$t0" '{ if ($4 > m) m = $4 } END { print m - t0 }' <<<"$ends")
    wall=$(awk -v t0="$t0" '{ if ($2 > m) m = $2 } END { print m - t0 }' <<<"$ends")
    local waste
    waste=$(awk -v w=$work -v c=$cpus -v m="$ms" 'BEGIN { printf "%.3f", 1 - w / (c * m) }')
    echo "$name $ms $waste" >> "$results"
    log "$name: makespan ${ms} s = $(awk -v m="$ms" -v b=$bound 'BEGIN { printf "%.2f", m / b }') x bound, waste $waste"
    # What a miss needs explained: when the longest tasks started, and the
    # wall clock with slurmd's launch and end reports.
    log "$name: from the partition up: longest tasks started at +$(awk -v t0="$t0" -v l=$longest '$4 - $1 == l { printf "%s%d", n++ ? ",+" : "", $1 - t0 }' <<<"$ends") s; wall-clock makespan ${wall} s; largest overrun $(awk '{ o = $2 - $4; if (NR == 1 || o > m) { m = o; j = $5 } } END { printf "%d s (job %s)", m, j }' <<<"$ends")"
}

within_10pct() { awk -v m="${makespan_of[$1]}" -v b=$bound 'BEGIN { exit !(m <= 1.10 * b) }'; }
wastes_less() { awk -v a="${waste_of[$1]}" -v b="${waste_of[stock]}" 'BEGIN { exit !(a < b) }'; }

# variant NAME PORT_OFFSET minicluster-options...: a cluster of its own
# (<test dir>/bag_of_tasks/NAME, where the EXIT trap takes it down), in the
# current (sub)shell.
bag_dir=$mc_dir
variant() {
    local name=$1 off=$2; shift 2
    mc_dir=$bag_dir/$name test_name="$test_name/$name"
    mc up --dir "$mc_dir" --port-base $((port_base + off)) --fresh --cluster-file "$cluster_file" "$@" >/dev/null
    export SLURM_CONF=$mc_dir/etc/slurm.conf
}

run_history() {
    # Limits say nothing; a first pass teaches.  The tasks' real runtimes
    # are 10 s to 2 min here (scaled), so the factor's lower bound comes
    # down from its default minute.
    variant history 60 --set PriorityParameters=duration_weight=100000,duration_source=auto,duration_history_runs=1,duration_min=5s
    local teach=() d store=$mc_dir/state/tailfold_estimates.json
    for d in 1 2 5 12; do teach+=("$(submit alice -n 1 -t 15 -J "task$d" --wrap "sleep $((d * scale))")"); done
    wait_queue_empty $((longest * 3)) || fail "history: the teaching pass did not finish"
    # Learned at the next priority pass (PriorityCalcPeriod=1).
    for _ in $(seq 90); do
        [ "$(python3 -c 'import json,sys; print(sum(1 for e in json.load(open(sys.argv[1]))["entries"] if e.get("name", "").startswith("task")))' "$store" 2>/dev/null)" -ge 4 ] 2>/dev/null && break
        sleep 1
    done
    run_bag history flat
}

names=(stock tailfold history)
trap 'for n in "${names[@]}"; do mc down --dir "$mc_dir/$n" >/dev/null 2>&1 || true; done' EXIT
declare -A part
( test_part_here
  variant stock 0 --set PriorityType=priority/multifactor --set SchedulerType=sched/backfill
  run_bag stock exact ) > "$mc_dir/stock.out" 2>&1 &
part[stock]=$!
( test_part_here
  variant tailfold 30 --set PriorityParameters=duration_weight=100000,duration_source=limit
  run_bag limit exact
  run_bag one-bit onebit ) > "$mc_dir/tailfold.out" 2>&1 &
part[tailfold]=$!
( test_part_here; run_history ) > "$mc_dir/history.out" 2>&1 &
part[history]=$!
for n in "${names[@]}"; do
    status=0
    wait "${part[$n]}" || status=$?
    cat "$mc_dir/$n.out"
    [ $status = 0 ] || fail "$n: its part of the test ended early with status $status"
    failures=$((failures + $(grep -c 'FAIL:' "$mc_dir/$n.out" || true)))
    mc down --dir "$mc_dir/$n" >/dev/null 2>&1 || true
done
while read -r name ms waste; do makespan_of[$name]=$ms waste_of[$name]=$waste; done < "$results"
for r in stock limit one-bit history; do
    [ -n "${makespan_of[$r]:-}" ] || { fail "$r: no makespan measured"; makespan_of[$r]=999999 waste_of[$r]=1; }
done

for r in limit one-bit history; do
    check "$r: makespan ${makespan_of[$r]} s within 10% of the lower bound $bound s" within_10pct "$r"
    check "$r: waste ${waste_of[$r]} below stock's ${waste_of[stock]}" wastes_less "$r"
done
{
    echo "bag of tasks, $(date -u +%F), 16 CPUs, ${#bag[@]} tasks, lower bound $bound s"
    for r in stock limit one-bit history; do
        printf '%-8s makespan %4s s  %.2f x bound  waste %s\n' "$r" "${makespan_of[$r]}" \
            "$(awk -v m="${makespan_of[$r]}" -v b=$bound 'BEGIN { print m / b }')" "${waste_of[$r]}"
    done
} | tee "$bag_dir.results"
# A miss keeps its clusters' logs (the next run's --fresh wipes the clusters).
if [ $failures -gt 0 ]; then
    keep=$bag_dir.failed-$(date -u +%Y%m%dT%H%M%S)
    for n in "${names[@]}"; do mkdir -p "$keep/$n" && cp -a "$bag_dir/$n/log" "$keep/$n/" 2>/dev/null || true; done
    log "the clusters' logs are kept in $keep"
fi
finish
