# The held-start scenario of backfill_licenses and backfill_gpus, stock and
# tailfold side by side on a resource other than CPUs (a licence, a GPU).
# Sourced by those tests after lib.sh; not a test itself (run-all skips
# *_scenario.sh).
#
# R holds part of the resource (limit 2 min, sleeps 100 s); then, eligible
# at once, in priority order:
#   B  more of it than is free now: planned at R's end by its limit
#   S  one, limit 1 min: done before B's start: starts at once
#   L  one, limit 5 min: would keep it past B's start: waits for B
#   N  none of it: starts at once
# The test sets R_args, B_args, S_args, L_args and N_args (sbatch options:
# CPUs, nodes and the resource) and calls
#   run_on_both held_start_run STOCK_DIR TAILFOLD_DIR
#   held_start_checks STOCK_DIR TAILFOLD_DIR RESOURCE RESOURCES SLACK [L_NOW]
# L_NOW (backfill_gpus' typed GPUs): L takes something B does not need,
# so it must start at once rather than wait.

# job_times DIR T_UP LABEL:Field...: for each, the sacct time (Start, End)
# of the job labelled LABEL in DIR/ids ("label id" lines), as epoch seconds
# in the variable LABEL_field (B:Start -> B_start); a missing one fails and
# counts as a day after T_UP.
job_times() {
    local d=$1 t_up=$2 jf id t
    shift 2
    for jf in "$@"; do
        id=$(awk -v l="${jf%:*}" '$1 == l { print $2 }' "$d/ids")
        t=$(ep "$(on "$d" sacct -X -n -P -j "$id" -o "${jf#*:}" | sed -n 1p)")
        if [ "$t" = - ]; then
            fail "$(basename "$d"): ${jf%:*} (job $id) has no ${jf#*:} time"
            t=$((t_up + 86400))
        fi
        printf -v "${jf%:*}_$(tr A-Z a-z <<<"${jf#*:}")" '%s' "$t"
    done
}

# held_start_run DIR: the scenario on one cluster; "label id" lines into
# DIR/ids, the eligibility time into DIR/t_up, B's planned start (squeue
# --start) into DIR/planned, R's allocation (scontrol show job -d) into
# DIR/R.detail.
held_start_run() {
    local d=$1 R B S L N planned=- i
    export SLURM_CONF=$d/etc/slurm.conf
    R=$(csub "$d" alice "${R_args[@]}" -t 2 -J R --wrap 'sleep 100')
    wait_state "$d" "$R" RUNNING 20 || fail "$(basename "$d"): R did not start"
    on "$d" scontrol show job -d "$R" > "$d/R.detail"
    # The four become eligible in one update (see bag_of_tasks.sh).
    on "$d" scontrol update PartitionName=main State=DOWN
    B=$(csub "$d" alice "${B_args[@]}" -t 3 -J B --wrap 'sleep 20')
    S=$(csub "$d" bob "${S_args[@]}" -t 1 --nice=100 -J S --wrap 'sleep 20')
    L=$(csub "$d" bob "${L_args[@]}" -t 5 --nice=200 -J L --wrap 'sleep 10')
    N=$(csub "$d" bob "${N_args[@]}" -t 10 --nice=300 -J N --wrap 'sleep 10')
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

# held_start_checks: what tailfold must do, and each start under tailfold
# at most stock's + SLACK s (from the moment the four became eligible).
held_start_checks() {  # stock_dir tailfold_dir resource resources slack [l_now]
    local one=$3 many=$4 slack=$5 l_now=${6:-} d name t_up planned flags sb ss sl sn tb ts tl tn pair
    for d in "$1" "$2"; do
        name=$(basename "$d")
        t_up=$(cat "$d/t_up") planned=$(cat "$d/planned")
        job_times "$d" "$t_up" R:Start R:End B:Start S:Start L:Start N:Start
        log "$name: from eligibility: B planned $([ "$planned" = - ] && echo never || echo "+$((planned - t_up)) s") (R's limit ends +$((R_start + 120 - t_up)) s), starts: B +$((B_start - t_up)) S +$((S_start - t_up)) L +$((L_start - t_up)) N +$((N_start - t_up)); R ended +$((R_end - t_up))"
        printf '%s\n' "$((B_start - t_up)) $((S_start - t_up)) $((L_start - t_up)) $((N_start - t_up))" > "$d/offsets"
        [ "$d" = "$2" ] || continue
        check "tailfold: B ($many busy) is planned, shown by squeue --start" test "$planned" != -
        [ "$planned" = - ] && planned=0
        check "tailfold: B is planned at R's end by its limit ($((planned - R_start)) s after R's start, limit 120 s)" \
            test $((planned - R_start - 120)) -ge -1 -a $((planned - R_start - 120)) -le 1
        check "tailfold: B starts no later than planned ($((planned - B_start)) s before)" test "$B_start" -le $((planned + slack))
        check "tailfold: S (done before B's start) starts at once (+$((S_start - t_up)) s)" test $((S_start - t_up)) -le 5
        check "tailfold: N (no $one) starts at once (+$((N_start - t_up)) s)" test $((N_start - t_up)) -le 5
        if [ -n "$l_now" ]; then
            check "tailfold: L ($l_now) starts at once (+$((L_start - t_up)) s)" test $((L_start - t_up)) -le 5
        else
            check "tailfold: L (would hold a $one past B's start) does not start before B" test "$L_start" -ge "$B_start"
        fi
        flags=$(on "$d" sacct -X -n -P -j "$(awk '$1 == "S" { print $2 }' "$d/ids")" -o Flags)
        check "tailfold: S was started by the backfill (flags: $flags)" grep -q SchedBackfill <<<"$flags"
    done
    read -r sb ss sl sn < "$1/offsets"
    read -r tb ts tl tn < "$2/offsets"
    for pair in "B $tb $sb" "S $ts $ss" "L $tl $sl" "N $tn $sn"; do
        set -- $pair
        check "$1 starts under tailfold (+$2 s) no later than under stock (+$3 s) + $slack s" test "$2" -le $(($3 + slack))
    done
}
