#!/usr/bin/env bash
# Prompt hand-off: when a job ends, the next waiting job starts at once.
# Six whole-cluster jobs run one after another; the gap between one's end
# and the next one's start (seconds, from sacct) is measured under stock
# sched/backfill and under sched/tailfold, in the same test.
source "$(dirname "$0")/lib.sh"
declare -A mean_gap
run_chain() {  # name
    local ids=() i
    for i in 1 2 3 4 5 6; do ids+=("$(submit alice -n 16 -t 1 -J "chain$i" --wrap 'sleep 2')"); done
    wait_queue_empty 120 || { fail "$1: the chain did not finish"; return; }
    sleep 2
    local rows
    rows=$(sacct -X -n -P -j "$(IFS=,; echo "${ids[*]}")" -o JobID,Start,End,State | sort -n)
    check "$1: all 6 jobs completed" test "$(grep -c '|COMPLETED$' <<<"$rows")" = 6
    mean_gap[$1]=$(awk -F'|' '{ cmd = "date -d " $2 " +%s"; cmd | getline s; close(cmd)
                               cmd = "date -d " $3 " +%s"; cmd | getline e; close(cmd)
                               if (NR > 1) { gap += s - prev; n++ } prev = e }
                             END { printf "%.2f", gap / n }' <<<"$rows")
    log "$1: mean gap between a job's end and the next start: ${mean_gap[$1]} s"
}
cluster_up --set PriorityType=priority/multifactor --set SchedulerType=sched/backfill >/dev/null
run_chain stock
mc down --dir "$mc_dir" >/dev/null
cluster_up >/dev/null
run_chain tailfold
check "tailfold's mean gap (${mean_gap[tailfold]} s) is at most 1 s" \
    awk -v g="${mean_gap[tailfold]}" 'BEGIN { exit !(g <= 1.0) }'
check "tailfold's mean gap is below stock's (${mean_gap[stock]} s)" \
    awk -v a="${mean_gap[tailfold]}" -v b="${mean_gap[stock]}" 'BEGIN { exit !(a < b) }'
finish
