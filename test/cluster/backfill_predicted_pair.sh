#!/usr/bin/env bash
# bf_runtime=predicted against bf_runtime=limit, side by side (the pair to
# backfill_predicted.sh, which runs one after the other): two mini-clusters
# (test/cluster/backfill-cluster.conf, priority/tailfold with
# duration_source=auto and a negligible duration weight, priorities by
# --nice), both sched/tailfold with bf_reservations=1, one planning with
# time limits, the other with learned runtimes.  Both start from the same
# seeded estimate store (src/programs/tailfold-estimates seed, slurmctld stopped):
#   alice/lab/rlearn: two runs of 40 s (limit 3 min)
#   alice/lab/shorty: two runs of 4 s (limit 5 min)
# Jobs, the same on both:
#   R  rlearn on bf1, 4 CPUs, limit 3 min, sleeps 40 s
#   B  bob, all 16 CPUs, top priority: waits for R
#   V  shorty, 4 CPUs, limit 5 min, sleeps 4 s (learned: 4 s)
#   V2 bob, no history, 4 CPUs, limit 1 min, sleeps 3 s
# With limits, B's start is held at R's end by its limit (+180 s): V (5 min)
# does not fit the hole and waits for B; V2 (1 min) is backfilled at once.
# With predictions, B's start is held at R's learned end (+40 s): V (4 s)
# is backfilled at once; V2 (1 min) does not fit and waits for B.  B
# starts no later than its planned start in both, and its planned start
# never moves later while it waits.  R outlives its 40 s prediction by the
# moment a job takes to start and end: it is then planned as long again as
# it has overrun (never to its limit at once, which would move B's held
# start by minutes for one pass and let V2 in ahead of it).
source "$(dirname "$0")/lib.sh"
cluster_file=$top/test/cluster/backfill-cluster.conf
lim_dir=$mc_dir/limit
pred_dir=$mc_dir/predicted
slack=3
trap 'for d in "$lim_dir" "$pred_dir"; do mc down --dir "$d" >/dev/null 2>&1 || true; done' EXIT


# The seeded history, as `sacct -P` prints it: R_S and V_S are the learned
# runtimes of rlearn and shorty.
uid=$(id -u alice 2>/dev/null || echo 0)
mkdir -p "$mc_dir"
write_history() {  # file rlearn_s shorty_s
    {
        echo 'JobID|UID|Account|JobName|ElapsedRaw|TimelimitRaw|State|End'
        echo "9001|$uid|lab|rlearn|$2|3|COMPLETED|2026-01-01T10:00:00"
        echo "9002|$uid|lab|rlearn|$2|3|COMPLETED|2026-01-01T11:00:00"
        echo "9003|$uid|lab|shorty|$3|5|COMPLETED|2026-01-01T10:00:00"
        echo "9004|$uid|lab|shorty|$3|5|COMPLETED|2026-01-01T11:00:00"
    } > "$1"
}

up_seeded() {  # dir port runtime rlearn_s shorty_s
    local d=$1 port=$2 rt=$3 history=$1.history est=learned
    # The expected starts (squeue --start) with the plan's own runtimes,
    # so B's shows its held start.
    [ "$rt" = limit ] && est=limit
    local sets=(--cluster-file "$cluster_file" --set PriorityType=priority/tailfold
        --set PriorityParameters=duration_weight=1,duration_source=auto,duration_history_runs=2
        --set SchedulerType=sched/tailfold
        --set "SchedulerParameters=bf_interval=2,bf_resolution=1,bf_window=60,bf_reservations=1,bf_runtime=$rt,bf_estimate=$est")
    mc down --dir "$d" >/dev/null 2>&1 || true
    # uid is 0 only if alice does not exist yet: the first up creates her.
    mc up --dir "$d" --port-base "$port" --fresh "${sets[@]}" >/dev/null
    mc down --dir "$d" >/dev/null
    [ "$uid" != 0 ] || uid=$(id -u alice)
    write_history "$history" "$4" "$5"
    "$top/src/programs/tailfold-estimates" seed --store "$d/state/tailfold_estimates.json" "$history" \
        > "$d/seed.out" 2>&1 || { cat "$d/seed.out"; fail "$rt: seeding the estimate store failed"; }
    mc up --dir "$d" --port-base "$port" "${sets[@]}" >/dev/null
}

# The jobs and checks on one cluster (limit or predicted, by DIR's name);
# run_on_both runs it on both clusters at once.
run_case() {  # dir
    local d=$1 name r_learned=40  # R's runtime in the seeded history
    name=$(basename "$d")
    set +e
    test_name="$test_name/$name"
    local R B V V2
    : > "$d/b_plans.txt"
    R=$(csub "$d" alice -w bf1 -n 4 -t 3 -J rlearn --wrap 'sleep 40')
    local end=$((SECONDS + 20))
    until [ "$(on "$d" squeue -h -j "$R" -o %T)" = RUNNING ]; do
        [ $SECONDS -lt $end ] || { fail "R did not start"; break; }
        sleep 0.2
    done
    B=$(csub "$d" bob -n 16 -t 1 -J big --wrap 'sleep 3')
    sleep 1
    V=$(csub "$d" alice -n 4 -t 5 --nice=100 -J shorty --wrap 'sleep 4')
    V2=$(csub "$d" bob -n 4 -t 1 --nice=200 -J fresh --wrap 'sleep 3')
    local first_plan=- plans=() p
    end=$((SECONDS + 120))
    while [ -n "$(on "$d" squeue -h -o %i)" ]; do
        p=$(ep "$(on "$d" squeue -h -j "$B" -t PD -o %S)")
        if [ "$p" != - ]; then
            plans+=("$p"); [ "$first_plan" != - ] || first_plan=$p
            echo "$(date +%s.%N) $p" >> "$d/b_plans.txt"
        fi
        [ $SECONDS -lt $end ] || { fail "jobs left after 120 s"; break; }
        sleep 1
    done
    sleep 2
    local rows
    rows=$(on "$d" sacct -X -n -P -j "$R,$B,$V,$V2" -o JobName,Submit,Start,End,State,Flags)
    declare -A sub st en state flags
    local n a b c s f
    while IFS='|' read -r n a b c s f; do
        sub[$n]=$(ep "$a"); st[$n]=$(ep "$b"); en[$n]=$(ep "$c"); state[$n]=${s%% *}; flags[$n]=$f
    done <<<"$rows"
    local min_plan=-
    [ ${#plans[@]} -gt 0 ] && min_plan=$(printf '%s\n' "${plans[@]}" | sort -n | head -1)
    local r0=${st[rlearn]}
    log "B's planned starts while it waited (poll time: plan): $(awk '$2 != last { printf "%d: %s, ", $1, $2; last = $2 }' "$d/b_plans.txt")"
    log "R $r0-${en[rlearn]}; B planned $first_plan (min $min_plan), started ${st[big]}; V ${sub[shorty]} -> ${st[shorty]}-${en[shorty]} (${flags[shorty]}); V2 ${sub[fresh]} -> ${st[fresh]}-${en[fresh]} (${flags[fresh]})"
    check "all four jobs completed" test "${state[rlearn]}${state[big]}${state[shorty]}${state[fresh]}" = COMPLETEDCOMPLETEDCOMPLETEDCOMPLETED
    local want_b fits waits
    if [ "$name" = limit ]; then want_b=$((r0 + 180)); fits=fresh; waits=shorty
    else want_b=$((r0 + r_learned)); fits=shorty; waits=fresh; fi
    check "B's held start ($first_plan) is R's end by its $( [ "$name" = limit ] && echo limit || echo learned runtime) ($want_b) +-$slack s" \
        awk -v p="$first_plan" -v w="$want_b" -v s=$slack 'BEGIN { exit !(p != "-" && p - w <= s && w - p <= s) }'
    check "B started (${st[big]}) no later than its earliest planned start ($min_plan) + $slack s" \
        awk -v b="${st[big]}" -v p="$min_plan" -v s=$slack 'BEGIN { exit !(b != "-" && p != "-" && b <= p + s) }'
    local later
    later=$(awk -v s=$slack 'NR == 1 || $2 < m { m = $2; next } $2 > m + s && m > $1 { printf "%d: %s (was %s) ", $1, $2, m }' "$d/b_plans.txt")
    check "B's planned start never moved later while it waited${later:+: $later}" test -z "$later"
    check "$fits fits the hole: backfilled within 5 s of its submission" \
        awk -v a="${sub[$fits]}" -v b="${st[$fits]}" 'BEGIN { exit !(b != "-" && b - a <= 5) }'
    check "$fits was started by backfill (${flags[$fits]})" grep -q SchedBackfill <<<"${flags[$fits]}"
    check "$waits does not fit the hole: it did not start before B (${st[$waits]} >= ${st[big]})" \
        test "${st[$waits]}" -ge "${st[big]}"
}

log "starting both clusters with the seeded estimates"
up_seeded "$lim_dir" "$port_base" limit 40 4
up_seeded "$pred_dir" "$((port_base + 50))" predicted 40 4
check "the seeded store holds the two histories" \
    test "$(python3 -c 'import json, sys
print(sorted({e.get("name") for e in json.load(open(sys.argv[1]))["entries"]} & {"rlearn", "shorty"}))' \
        "$pred_dir/state/tailfold_estimates.json" 2>&1)" = "['rlearn', 'shorty']"
check "no error about bf_runtime=predicted in slurmctld's log" \
    test -z "$(grep 'bf_runtime=predicted needs' "$pred_dir/log/slurmctld.log")"
run_on_both run_case "$lim_dir" "$pred_dir"
finish
