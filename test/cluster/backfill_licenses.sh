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
cluster_file=$top/test/cluster/backfill-cluster.conf
stock_dir=$mc_dir/stock
tf_dir=$mc_dir/tailfold
slack=3
sched_params=bf_interval=2,bf_resolution=1,bf_window=60,bf_licenses
trap 'mc down --dir "$stock_dir" >/dev/null 2>&1 || true; mc down --dir "$tf_dir" >/dev/null 2>&1 || true' EXIT

mc down --dir "$stock_dir" >/dev/null 2>&1 || true
mc down --dir "$tf_dir" >/dev/null 2>&1 || true
mc up --dir "$stock_dir" --port-base "$port_base" --fresh --cluster-file "$cluster_file" \
    --set Licenses=fluent:4 --set SchedulerType=sched/backfill \
    --set "SchedulerParameters=$sched_params" >/dev/null
mc up --dir "$tf_dir" --port-base $((port_base + 50)) --fresh --cluster-file "$cluster_file" \
    --set Licenses=fluent:4 --set "SchedulerParameters=$sched_params,bf_reservations=10" >/dev/null

# run DIR: the scenario on one cluster; "label id" lines into DIR/ids, the
# eligibility time into DIR/t_up, B's planned start into DIR/planned.
run() {
    local d=$1 R B S L N planned=- i
    export SLURM_CONF=$d/etc/slurm.conf
    R=$(csub "$d" alice -n 1 -L fluent:2 -t 2 -J R --wrap 'sleep 100')
    wait_state "$d" "$R" RUNNING 20 || fail "$(basename "$d"): R did not start"
    # The four become eligible in one update (see bag_of_tasks.sh).
    on "$d" scontrol update PartitionName=main State=DOWN
    B=$(csub "$d" alice -n 1 -L fluent:4 -t 3 -J B --wrap 'sleep 20')
    S=$(csub "$d" bob -n 1 -L fluent:1 -t 1 --nice=100 -J S --wrap 'sleep 20')
    L=$(csub "$d" bob -n 1 -L fluent:1 -t 5 --nice=200 -J L --wrap 'sleep 10')
    N=$(csub "$d" bob -n 4 -t 10 --nice=300 -J N --wrap 'sleep 10')
    date +%s > "$d/t_up"
    on "$d" scontrol update PartitionName=main State=UP
    printf '%s\n' "R $R" "B $B" "S $S" "L $L" "N $N" > "$d/ids"
    for i in $(seq 40); do
        planned=$(ep "$(on "$d" squeue -h -j "$B" -o %S 2>/dev/null)")
        [ "$planned" != - ] && [ "$(on "$d" squeue -h -j "$B" -o %T)" = PENDING ] && break
        planned=-
        sleep 0.25
    done
    echo "$planned" > "$d/planned"
    wait_queue_empty 240 || fail "$(basename "$d"): jobs still queued after 240 s"
    sleep 2  # the last ends reach slurmdbd
}
( test_part_here; run "$stock_dir" ) > "$mc_dir/stock.out" 2>&1 &
stock_part=$!
( test_part_here; run "$tf_dir" ) > "$mc_dir/tailfold.out" 2>&1 &
tf_part=$!
for part in "stock $stock_part" "tailfold $tf_part"; do
    status=0
    wait "${part#* }" || status=$?
    cat "$mc_dir/${part% *}.out"
    failures=$((failures + $(grep -c 'FAIL:' "$mc_dir/${part% *}.out" || true)))
    [ $status = 0 ] || fail "${part% *}: its part of the test ended early with status $status"
done

# job_times DIR: R_start R_end B_start S_start L_start N_start from sacct,
# epoch seconds; a time that is missing fails, and counts as a day later.
job_times() {
    local d=$1 jf id t
    for jf in R:Start R:End B:Start S:Start L:Start N:Start; do
        id=$(awk -v l="${jf%:*}" '$1 == l { print $2 }' "$d/ids")
        t=$(ep "$(on "$d" sacct -X -n -P -j "$id" -o "${jf#*:}" | sed -n 1p)")
        if [ "$t" = - ]; then
            fail "$(basename "$d"): ${jf%:*} (job $id) has no ${jf#*:} time"
            t=$((t_up + 86400))
        fi
        printf -v "${jf%:*}_$(tr A-Z a-z <<<"${jf#*:}")" '%s' "$t"
    done
}
for d in "$stock_dir" "$tf_dir"; do
    name=$(basename "$d")
    t_up=$(cat "$d/t_up") planned=$(cat "$d/planned")
    job_times "$d"
    log "$name: from eligibility: B planned $([ "$planned" = - ] && echo never || echo "+$((planned - t_up)) s") (R's limit ends +$((R_start + 120 - t_up)) s), starts: B +$((B_start - t_up)) S +$((S_start - t_up)) L +$((L_start - t_up)) N +$((N_start - t_up)); R ended +$((R_end - t_up))"
    printf '%s\n' "$((B_start - t_up)) $((S_start - t_up)) $((L_start - t_up)) $((N_start - t_up))" > "$d/offsets"
    [ "$name" = tailfold ] || continue
    check "tailfold: B (licences busy) is planned, shown by squeue --start" test "$planned" != -
    [ "$planned" = - ] && planned=0
    check "tailfold: B is planned at R's end by its limit ($((planned - R_start)) s after R's start, limit 120 s)" \
        test $((planned - R_start - 120)) -ge -1 -a $((planned - R_start - 120)) -le 1
    check "tailfold: B starts no later than planned ($((planned - B_start)) s before)" test "$B_start" -le $((planned + slack))
    check "tailfold: S (done before B's start) starts at once (+$((S_start - t_up)) s)" test $((S_start - t_up)) -le 5
    check "tailfold: N (no licence) starts at once (+$((N_start - t_up)) s)" test $((N_start - t_up)) -le 5
    check "tailfold: L (would hold a licence past B's start) does not start before B" test "$L_start" -ge "$B_start"
    flags=$(on "$d" sacct -X -n -P -j "$(awk '$1 == "S" { print $2 }' "$d/ids")" -o Flags)
    check "tailfold: S was started by the backfill (flags: $flags)" grep -q SchedBackfill <<<"$flags"
done
read -r sb ss sl sn < "$stock_dir/offsets"
read -r tb ts tl tn < "$tf_dir/offsets"
for pair in "B $tb $sb" "S $ts $ss" "L $tl $sl" "N $tn $sn"; do
    set -- $pair
    check "$1 starts under tailfold (+$2 s) no later than under stock (+$3 s) + $slack s" test "$2" -le $(($3 + slack))
done

# Without bf_licenses the main scheduler would start L at once: one line says so.
export SLURM_CONF=$tf_dir/etc/slurm.conf
before=$(wc -l < "$tf_dir/log/slurmctld.log")
mc restart --dir "$tf_dir" --set "SchedulerParameters=bf_interval=2,bf_resolution=1" >/dev/null
said=$(tail -n +"$((before + 1))" "$tf_dir/log/slurmctld.log" | grep -c 'has no bf_licenses' || true)
check "without bf_licenses, slurmctld's log says what it costs, once ($said)" test "$said" = 1
check "... and with it (before the restart), nothing" \
    test "$(head -n "$before" "$tf_dir/log/slurmctld.log" | grep -c 'has no bf_licenses' || true)" = 0
finish
