#!/usr/bin/env bash
# Expected starts and reasons for every pending job: stock sched/backfill
# and sched/tailfold side by side (4 nodes x 4 CPUs,
# test/cluster/backfill-cluster.conf, priorities by --nice only).
#
# R takes 12 of the 16 CPUs (limit 2 min, sleeps 45 s).  Then, eligible
# at once, in priority order:
#   B   all 16 CPUs (limit 1 min, sleeps 35 s): held at R's end by its limit
#   S   4 CPUs, limit 3 min: fits in the 4 free now, but would run past
#       B's held start, so it waits
#   W1..W4  8 CPUs each, limit 1 min, sleep 35 s: behind B and S
# After one tailfold pass, every pending job has an expected start
# (squeue --start) and a reason that names its blocker: B the busy nodes,
# S B's held start, the W the jobs ahead of them.  src/programs/tailfold-why
# says the same for S and W1, with S's learned runtime and the shorter
# limit that would start S now.
#
# tailfold's cluster runs priority/tailfold (no duration boost: the same
# order) over an estimate store seeded with two runs of each job's name
# at its real length and bf_estimate=learned, so its expected starts use
# learned runtimes while its plan keeps the limits.
# When all have run, each job's expected start (as first shown) is
# compared with its real start (sacct): stock's are off by what the
# limits overstate, piling up down the queue; tailfold's summed error
# must be at most half of stock's.
# run-all: light (it mostly waits for jobs to run)
source "$(dirname "$0")/lib.sh"
tf_sets=(--set PriorityType=priority/tailfold --set PriorityParameters=duration_history_runs=2
    --set SchedulerParameters=bf_interval=2,bf_resolution=1,bf_window=60,bf_estimate=learned)
two_clusters_up "$top/test/cluster/backfill-cluster.conf" -- "${tf_sets[@]}" >/dev/null
# The seed wants slurmctld stopped (its plugin holds the store's lock).
mc down --dir "$tf_dir" >/dev/null
{
    echo 'JobID|UID|Account|JobName|ElapsedRaw|TimelimitRaw|State|End'
    now=$(date +%Y-%m-%dT%H:%M:%S) n=900
    for job in "alice R 45 2" "alice B 35 1" "bob S 35 3" "bob W1 35 1" "bob W2 35 1" "bob W3 35 1" "bob W4 35 1"; do
        read -r user name secs limit <<<"$job"
        for _ in 1 2; do
            n=$((n + 1))
            echo "$n|$(id -u "$user")|lab|$name|$secs|$limit|COMPLETED|$now"
        done
    done
} > "$mc_dir/seed.txt"
"$top/src/programs/tailfold-estimates" seed --store "$tf_dir/state/tailfold_estimates.json" "$mc_dir/seed.txt" >/dev/null
mc up --dir "$tf_dir" --port-base $((port_base + 50)) --cluster-file "$top/test/cluster/backfill-cluster.conf" "${tf_sets[@]}" >/dev/null

labels=(B S W1 W2 W3 W4)
scenario() {
    local d=$1 R id i seen line
    export SLURM_CONF=$d/etc/slurm.conf
    R=$(csub "$d" alice -n 12 -t 2 -J R --wrap 'sleep 45')
    wait_state "$d" "$R" RUNNING 20 || fail "$(basename "$d"): R did not start"
    on "$d" scontrol update PartitionName=main State=DOWN
    {
        echo "R $R"
        echo "B $(csub "$d" alice -n 16 -t 1 -J B --wrap 'sleep 35')"
        echo "S $(csub "$d" bob -n 4 -t 3 --nice=100 -J S --wrap 'sleep 35')"
        for i in 1 2 3 4; do
            echo "W$i $(csub "$d" bob -n 8 -t 1 --nice=$((200 + i)) -J "W$i" --wrap 'sleep 35')"
        done
    } > "$d/ids"
    date +%s > "$d/t_up"
    on "$d" scontrol update PartitionName=main State=UP
    # The plan as first shown: poll until every pending job has a start
    # (at most 20 s: several passes of bf_interval=2).
    for i in $(seq 80); do
        on "$d" squeue -h -t PD -o '%i|%S|%r' > "$d/plan" 2>/dev/null || true
        seen=$(grep -vc '|N/A|' "$d/plan" || true)
        [ "$seen" -ge ${#labels[@]} ] && ! grep -q '|N/A|' "$d/plan" && break
        sleep 0.25
    done
    # tailfold-why on S (kept back by B's held start) and W1, and on a job
    # that does not exist.
    local S W1
    S=$(awk '$1 == "S" { print $2 }' "$d/ids") W1=$(awk '$1 == "W1" { print $2 }' "$d/ids")
    on "$d" "$top/src/programs/tailfold-why" "$S" --json > "$d/why_S.json" 2>&1 || true
    on "$d" "$top/src/programs/tailfold-why" "$W1" > "$d/why_W1.txt" 2>&1 || true
    local rc=0
    on "$d" "$top/src/programs/tailfold-why" 999999 > "$d/why_none.txt" 2>&1 || rc=$?
    echo "$rc" > "$d/why_none.rc"
    wait_queue_empty 300 || fail "$(basename "$d"): jobs still queued after 300 s"
    sleep 2  # the last ends reach slurmdbd
}
run_on_both scenario "$stock_dir" "$tf_dir"

# errors DIR: per label, |expected - real start| in seconds (or "none");
# prints "label error" lines.
errors() {
    local d=$1 l id planned real
    for l in "${labels[@]}"; do
        id=$(awk -v l="$l" '$1 == l { print $2 }' "$d/ids")
        planned=$(ep "$(awk -F'|' -v id="$id" '$1 == id { print $2 }' "$d/plan")")
        real=$(ep "$(on "$d" sacct -X -n -P -j "$id" -o Start | sed -n 1p)")
        if [ "$planned" = - ] || [ "$real" = - ]; then
            echo "$l none"
        else
            echo "$l $((planned > real ? planned - real : real - planned))"
        fi
    done
}
errors "$stock_dir" > "$stock_dir/errors"
errors "$tf_dir" > "$tf_dir/errors"
log "stock: |expected - real start| (s): $(tr '\n' ' ' < "$stock_dir/errors")"
log "tailfold: |expected - real start| (s): $(tr '\n' ' ' < "$tf_dir/errors")"

id_of() { awk -v l="$1" '$1 == l { print $2 }' "$tf_dir/ids"; }
reason_of() { awk -F'|' -v id="$(id_of "$1")" '$1 == id { print $3 }' "$tf_dir/plan"; }
B=$(id_of B)
for l in "${labels[@]}"; do
    log "tailfold: $l: $(reason_of "$l")"
    check "tailfold: $l has an expected start" \
        test "$(awk -v l="$l" '$1 == l { print $2 }' "$tf_dir/errors")" != none
    check "tailfold: $l's reason keeps a stock code and names what it waits for" \
        grep -qE '^(Priority|Resources|Licenses), .+' <<<"$(reason_of "$l")"
done
check "tailfold: B waits for the nodes R holds" \
    grep -q '^Resources, the nodes it can use are busy until' <<<"$(reason_of B)"
check "tailfold: S would delay B's held start, and says so" \
    grep -q "^Priority, would delay the held start of job $B at " <<<"$(reason_of S)"
check "tailfold: W1 counts the jobs ahead of it in its partition" \
    grep -qE '^Priority, [0-9]+ jobs of higher priority ahead in partition main' <<<"$(reason_of W1)"
check "tailfold: W4 has more jobs ahead than W1" test \
    "$(reason_of W4 | sed -E 's/^Priority, ([0-9]+) .*/\1/')" -gt "$(reason_of W1 | sed -E 's/^Priority, ([0-9]+) .*/\1/')"
# tailfold-why, on tailfold's side.
log "tailfold-why $(id_of W1):"; sed 's/^/    /' "$tf_dir/why_W1.txt"
why() { python3 -c 'import json, sys
r = json.load(open(sys.argv[1]))
print(eval(sys.argv[2]))' "$tf_dir/why_S.json" "$1" 2>/dev/null; }
check "tailfold-why --json S: its reason names B's held start" \
    grep -q "^Priority, would delay the held start of job $B" <<<"$(why 'r["reason"]')"
check "tailfold-why --json S: a shorter limit would start it now ($(why 'r["sooner"]'))" \
    grep -q "a time limit of at most [0-9]* min would let it start now" <<<"$(why 'r["sooner"]')"
check "tailfold-why --json S: its expected runtime is learned ($(why 'r["expected_runtime"]'))" \
    test "$(why 'r["expected_runtime"]["source"]')" = history
check "tailfold-why --json S: an expected start and sprio's factors" \
    test "$(why 'bool(r["expected_start"]) and bool(r["priority"])')" = True
check "tailfold-why W1: what it waits for and when it starts" \
    grep -q "^Waits for: Priority, [0-9]* jobs of higher priority ahead" "$tf_dir/why_W1.txt"
check "tailfold-why on a job slurmctld does not know: exit 1 and says so" \
    test "$(cat "$tf_dir/why_none.rc")" = 1 -a -n "$(grep "tailfold-why: job 999999 is not in slurmctld's queue" "$tf_dir/why_none.txt")"
sum() { awk '$2 != "none" { s += $2 } $2 == "none" { s += 100000 } END { print s + 0 }' "$1"; }
ts=$(sum "$tf_dir/errors") ss=$(sum "$stock_dir/errors")
check "tailfold's summed error ($ts s) is at most half of stock's ($ss s)" test $((2 * ts)) -le "$ss"
finish
