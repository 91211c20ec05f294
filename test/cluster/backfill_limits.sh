#!/usr/bin/env bash
# Slurm's per-pass backfill limits, stock sched/backfill and sched/tailfold
# side by side with the same SchedulerParameters, on two mini-clusters
# (4 nodes x 4 CPUs, test/cluster/backfill-cluster.conf, priorities by
# --nice only; bf_interval=3).
#
# Limits on what one pass looks at and starts.  R (alice) runs on bf1;
# then, eligible at once: B (alice, top, all 16 CPUs) waits for R, so
# slurmctld's main scheduler stops at B and only the backfill starts the
# rest: 9 one-CPU jobs of bob (next in priority), then 9 of alice, each
# done well before B's planned start.  12 CPUs are free, so without the
# limits the first pass would start all 12.  Per phase, the starts
# (sacct, SchedBackfill) grouped into passes (starts less than 2 s apart),
# as "bob:alice" per pass:
#   bf_max_job_user=3,bf_max_job_start=4       3:1 3:1 ... (B counts for alice)
#   bf_max_job_assoc=3,bf_max_job_part=5       3:1 3:1 ... (B + 3 + 1 = 5)
#   bf_max_job_user_part=3                     3:2 3:2 ...
# Each line tells its limits apart: without the first limit of a line its
# first pass would be 4:0 (or 9:3), without the second 3:2.
#
# bf_max_job_array_resv, how many tasks of a pending array are held: R
# holds bf1-bf3 (limit 3 min); A, an array of 4 tasks of 2 nodes each
# (top), waits for it; L (one node, limit 10 min) fits on bf4 now.  With
# bf_max_job_array_resv=1 only A's first task is held (on bf1 and bf2), so
# L starts; with the default (20) the second task is held on bf3 and bf4
# at R's end too, and L waits.
#
# Checked on each cluster: these figures; then stock and tailfold alike.
source "$(dirname "$0")/lib.sh"
base_params=bf_interval=3,bf_resolution=1,bf_window=60

phases=(
    "user_start bf_max_job_user=3,bf_max_job_start=4 3:1 3:1"
    "assoc_part bf_max_job_assoc=3,bf_max_job_part=5 3:1 3:1"
    "user_part bf_max_job_user_part=3 3:2 3:2"
)

# set_params DIR PARAMS: SchedulerParameters=base,PARAMS, reconfigured.
set_params() {
    mc conf --dir "$1" --set "SchedulerParameters=$base_params${2:+,$2}"
    on "$1" scontrol reconfigure
}
# cancel_all DIR [KEEP]: cancel every job but KEEP and wait until they are gone.
cancel_all() {
    local d=$1 keep=${2:-0} left end=$((SECONDS + 60))
    while left=$(on "$d" squeue -h -o %i | grep -vx "$keep" || true); [ -n "$left" ]; do
        # shellcheck disable=SC2086
        on "$d" scancel $left 2>/dev/null || true
        [ $SECONDS -lt $end ] || { fail "$(basename "$d"): jobs left: $(tr '\n' ' ' <<<"$left")"; return; }
        sleep 0.5
    done
}
# passes DIR IDS: the listed jobs that started, grouped into passes (starts
# less than 2 s apart), one "bob:alice" per pass; started jobs without
# SchedBackfill go to DIR/not_backfilled.
passes() {
    local d=$1 ids=$2
    on "$d" sacct -X -n -P -j "$ids" -o JobID,User,Start,Flags |
        awk -F'|' -v nb="$d/not_backfilled" '$3 ~ /^[0-9]/ {
            s = $3; gsub(/[-T:]/, " ", s); print mktime(s), $2
            if ($4 !~ /SchedBackfill/) print $1 >> nb }' |
        sort -n |
        awk 'NR > 1 && $1 - last >= 2 { print b + 0 ":" a + 0; a = b = 0 }
             { last = $1; if ($2 == "bob") b++; else a++ }
             END { if (NR) print b + 0 ":" a + 0 }' | tr '\n' ' ' | sed 's/ $//'
}

# The whole scenario on one cluster; what it measured goes to DIR/result.
limits_run() {
    local d=$1 name R B ids p label params i A L state
    name=$(basename "$d")
    export SLURM_CONF=$d/etc/slurm.conf
    : > "$d/result"
    : > "$d/not_backfilled"
    R=$(csub "$d" alice -w bf1 -n 4 -t 10 -J R --wrap 'sleep 600')
    wait_state "$d" "$R" RUNNING 20 || fail "$name: R did not start"
    for p in "${phases[@]}"; do
        read -r label params _ <<<"$p"
        set_params "$d" "$params"
        on "$d" scontrol update PartitionName=main State=DOWN
        B=$(csub "$d" alice -n 16 -t 5 -J B --wrap 'sleep 5')
        ids=()
        for i in $(seq 9); do ids+=("$(csub "$d" bob -n 1 -t 2 --nice=100 -J "b$i" --wrap 'sleep 300')"); done
        for i in $(seq 9); do ids+=("$(csub "$d" alice -n 1 -t 2 --nice=200 -J "a$i" --wrap 'sleep 300')"); done
        on "$d" scontrol update PartitionName=main State=UP
        sleep 12   # four passes
        state=$(on "$d" squeue -h -j "$B" -o %T)
        sleep 1    # the last starts reach slurmdbd
        echo "$label $(passes "$d" "$(IFS=,; echo "${ids[*]}")") B=$state" >> "$d/result"
        log "$name, $params: starts per pass (bob:alice) $(tail -1 "$d/result" | cut -d' ' -f2-)"
        cancel_all "$d" "$R"
    done
    cancel_all "$d"
    for params in bf_max_job_array_resv=1 ""; do
        set_params "$d" "$params"
        R=$(csub "$d" alice -w 'bf[1-3]' -N 3 -n 12 -t 3 -J R2 --wrap 'sleep 600')
        wait_state "$d" "$R" RUNNING 20 || fail "$name: R2 did not start"
        on "$d" scontrol update PartitionName=main State=DOWN
        A=$(csub "$d" bob --array=1-4 -N 2 -n 8 -t 2 -J A --wrap 'sleep 5')
        L=$(csub "$d" alice -N 1 -n 4 -t 10 --nice=100 -J L --wrap 'sleep 300')
        on "$d" scontrol update PartitionName=main State=UP
        state=PENDING
        for i in $(seq 24); do   # four passes
            state=$(on "$d" squeue -h -j "$L" -o %T)
            [ "$state" = PENDING ] || break
            sleep 0.5
        done
        echo "array_resv${params:+_1} L=$state A=$(on "$d" squeue -h -j "$A" -r -t PD -o %i | wc -l)" >> "$d/result"
        log "$name, ${params:-bf_max_job_array_resv default}: L $state"
        cancel_all "$d"
    done
}

log "starting both clusters"
# TF_BF_SCHED=sched/backfill runs stock on both (to check the test itself).
tf_sched=${TF_BF_SCHED:-sched/tailfold}
two_clusters_up "$top/test/cluster/backfill-cluster.conf" --set "SchedulerParameters=$base_params" -- \
    --set SchedulerType="$tf_sched" --set "SchedulerParameters=$base_params"
check "the other cluster runs $tf_sched" grep -Eq "^SchedulerType += $tf_sched\$" <(on "$tf_dir" scontrol show config)

run_on_both limits_run "$stock_dir" "$tf_dir"

for d in "$stock_dir" "$tf_dir"; do
    name=$(basename "$d")
    for p in "${phases[@]}"; do
        read -r label params want <<<"$p"
        got=$(awk -v l="$label" '$1 == l { $1 = ""; print substr($0, 2) }' "$d/result")
        seen=${got% B=*}
        check "$name, $params: the first two passes start $want (bob:alice; all: $seen)" \
            test "$(cut -d' ' -f1-2 <<<"$seen")" = "$want"
        check "$name, $params: no pass starts more (all: $seen)" \
            awk -v w="${want%% *}" -v s="$seen" 'BEGIN { split(w, m, ":"); n = split(s, p, " ")
                for (i = 1; i <= n; i++) { split(p[i], c, ":"); if (c[1] > m[1] || c[2] > m[2]) exit 1 } }'
        check "$name, $params: B still waits for R ($got)" grep -q 'B=PENDING$' <<<"$got"
    done
    check "$name: every start was the backfill's ($(wc -l < "$d/not_backfilled") without SchedBackfill)" \
        test ! -s "$d/not_backfilled"
    check "$name, bf_max_job_array_resv=1: only A's first task is held, L starts ($(grep '^array_resv_1 ' "$d/result"))" \
        grep -q '^array_resv_1 L=RUNNING' "$d/result"
    check "$name, bf_max_job_array_resv default (20): A's second task is held, L waits ($(grep '^array_resv ' "$d/result"))" \
        grep -q '^array_resv L=PENDING' "$d/result"
done
check "stock and tailfold measure the same" diff <(cut -d' ' -f1-3 "$stock_dir/result") <(cut -d' ' -f1-3 "$tf_dir/result")
finish
