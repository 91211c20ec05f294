#!/usr/bin/env bash
# Backfill scenarios, stock sched/backfill and sched/tailfold side by side.
# Two mini-clusters (4 nodes x 4 CPUs, test/cluster/backfill-cluster.conf)
# run at the same time, one per scheduler, with the same priority plugin
# (priority/multifactor, priorities set only by --nice) and the same
# SchedulerParameters (bf_interval=2, bf_resolution=1); tailfold plans with
# bf_reservations=10 so that it is comparable with stock, which holds a
# start for every job it tests.  Each cluster gets the same jobs at the
# same moments relative to its own first job.
#
# Phase A, a hole: R runs on bf1 (limit 2 min, sleeps 110 s); B (top
# priority) needs all 16 CPUs and waits for R.  Then, lower:
#   L  4 CPUs, limit 3 min: longer than the hole, must wait for B
#   S  4 CPUs, limit 1 min: fits the hole, must start at once, by backfill
#   H  held (sbatch -H): fits the hole, must not start until released
#   D  afterok:R: fits the hole, must not start before R ends
#   T  --begin=now+30: fits the hole, must not start before its begin time,
#      and starts within a few seconds of it
# Checked: B's planned start (squeue --start) is shown within a few seconds
# and is R's end by its limit; B starts no later than planned; sdiag counts
# backfill cycles and backfilled jobs.
#
# Phase E, what the plan must respect: bf4 is down, bf3 has an advanced
# reservation for alice from now+40 s for 1 min; F runs on bf1 (limit 3
# min, sleeps 25 s); W (top, 8 CPUs) waits.  Lower: K (3 CPUs), K2 and X
# (4 CPUs: only the down node or the reservation's node would take them
# now), H held, D afterok:F, T begin=now+15, P in the down partition
# `spare`, RJ in the reservation.  Checked: no job on bf4, no job outside
# the reservation runs (by its limit) into it on bf3, RJ runs on bf3 once
# the reservation starts, P never starts, H, D and T as above.
#
# Then every job's start (relative to the phase's first job) under
# tailfold is at most stock's + 3 s.
source "$(dirname "$0")/lib.sh"
cluster_file=$top/test/cluster/backfill-cluster.conf
stock_dir=$mc_dir/stock
tf_dir=$mc_dir/tailfold
slack=3
trap 'mc down --dir "$stock_dir" >/dev/null 2>&1 || true; mc down --dir "$tf_dir" >/dev/null 2>&1 || true' EXIT

# Jobs of DIR still in the queue, but those given.
left_but() {  # DIR ids...
    local d=$1; shift
    on "$d" squeue -h -o %i | grep -vxF -f <(printf '%s\n' "$@" 0) || true
}
# sacct rows "label id submit start end state nodes flags limit_min" (times
# in epoch seconds, - if none) for the given ids, into DIR/jobs.txt.
record_jobs() {  # DIR ids...
    local d=$1; shift
    local ids rows
    ids=$(IFS=,; echo "$*")
    sleep 2
    rows=$(on "$d" sacct -X -n -P -j "$ids" -o JobName,JobID,Submit,Start,End,State,NodeList,Flags,TimelimitRaw)
    while IFS='|' read -r name id sub st en state nodes flags lim; do
        echo "$name $id $(ep "$sub") $(ep "$st") $(ep "$en") ${state%% *} ${nodes// /_} ${flags:--} $lim"
    done <<<"$rows" >> "$d/jobs.txt"
}
# A field of a recorded job: col LABEL FIELD (fields as in record_jobs).
col() {
    awk -v l="$1" -v f="$2" 'BEGIN { split("label id submit start end state nodes flags limit", n, " ")
        for (i in n) c[n[i]] = i } $1 == l { print $c[f]; exit }' "$d/jobs.txt"
}
expand_nodes() { on "$d" scontrol show hostnames "$1" 2>/dev/null | tr '\n' ' '; }

# Both phases on one cluster (stock or tailfold, by DIR's name), with its
# checks; run_on_both runs it on both clusters at once.
scenarios() {  # dir
    local d=$1 name
    name=$(basename "$d")
    set +e
    test_name="$test_name/$name"
    : > "$d/jobs.txt"

    # ---- Phase A: a hole before the top job.
    local R B L S H D T
    R=$(csub "$d" alice -w bf1 -n 4 -t 2 -J A_R --wrap 'sleep 110')
    wait_state "$d" "$R" RUNNING 20 || fail "A: R did not start"
    B=$(csub "$d" bob -n 16 -t 1 -J A_B --wrap 'sleep 5')
    local b_sub
    b_sub=$(date +%s)
    sleep 1
    L=$(csub "$d" alice -n 4 -t 3 --nice=100 -J A_L --wrap 'sleep 3')
    H=$(csub "$d" alice -H -n 1 -t 1 --nice=300 -J A_H --wrap 'sleep 2')
    D=$(csub "$d" alice -d "afterok:$R" -n 1 -t 1 --nice=300 -J A_D --wrap 'sleep 2')
    T=$(csub "$d" alice --begin=now+30 -n 1 -t 1 --nice=300 -J A_T --wrap 'sleep 2')
    S=$(csub "$d" alice -n 4 -t 1 --nice=200 -J A_S --wrap 'sleep 10')
    # Watch B's planned start while it waits.
    local plans=() first_plan=- first_seen=- p now released=-
    local end=$((SECONDS + 200))
    while :; do
        p=$(on "$d" squeue -h -j "$B" -t PD -o %S 2>/dev/null)
        now=$(date +%s)
        if [ -n "$p" ] && [ "$(ep "$p")" != - ]; then
            plans+=("$(ep "$p")")
            [ "$first_plan" != - ] || { first_plan=$(ep "$p"); first_seen=$now; }
        fi
        # H is released once B has started (the hole is gone by then).
        if [ "$released" = - ] && [ "$(on "$d" squeue -h -j "$B" -o %T)" != PENDING ]; then
            on "$d" scontrol release "$H"; released=$(date +%s)
        fi
        [ -z "$(left_but "$d")" ] && break
        [ $SECONDS -lt $end ] || { fail "A: jobs left after 200 s: $(left_but "$d" | tr '\n' ' ')"; break; }
        sleep 1
    done
    record_jobs "$d" "$R" "$B" "$L" "$S" "$H" "$D" "$T"
    local r_start r_end b_start s_sub s_start
    r_start=$(col A_R start); r_end=$(col A_R end); b_start=$(col A_B start)
    s_sub=$(col A_S submit); s_start=$(col A_S start)
    local min_plan=-
    [ ${#plans[@]} -gt 0 ] && min_plan=$(printf '%s\n' "${plans[@]}" | sort -n | head -1)
    echo "planA $first_plan $first_seen $min_plan $b_sub $released" >> "$d/jobs.txt"
    log "A: R $r_start-$r_end, B submitted $b_sub, planned first $first_plan (seen $first_seen), min $min_plan, started $b_start"
    check "A: every job completed" test "$(awk '$1 ~ /^A_/ && $6 != "COMPLETED"' "$d/jobs.txt")" = ""
    check "A(c): B's planned start is shown within 8 s of its submission" \
        test "$first_seen" != - -a "${first_seen:-0}" -le $((b_sub + 8))
    check "A(c): B's planned start ($first_plan) is R's end by its limit ($((r_start + 120))) +-$slack s" \
        awk -v p="$first_plan" -v w=$((r_start + 120)) -v s=$slack 'BEGIN { exit !(p != "-" && p - w <= s && w - p <= s) }'
    check "A(a): B started ($b_start) no later than its earliest planned start ($min_plan) + $slack s" \
        awk -v b="$b_start" -v p="$min_plan" -v s=$slack 'BEGIN { exit !(b != "-" && p != "-" && b <= p + s) }'
    check "A(a): S (fits the hole) started within 5 s of its submission ($s_sub -> $s_start)" \
        awk -v a="$s_sub" -v b="$s_start" 'BEGIN { exit !(b != "-" && b - a <= 5) }'
    check "A(a): S was started by backfill (sacct Flags: $(col A_S flags))" \
        grep -q SchedBackfill <<<"$(col A_S flags)"
    check "A(a): S ended before B started" test "$(col A_S end)" -le "$b_start"
    check "A(b): L (longer than the hole) did not start before B ($(col A_L start) >= $b_start)" \
        test "$(col A_L start)" -ge "$b_start"
    check "A(e): the held job did not start before its release ($(col A_H start) >= $released)" \
        test "$released" != - -a "$(col A_H start)" -ge "$released"
    check "A(e): D (afterok:R) did not start before R ended ($(col A_D start) >= $r_end)" \
        test "$(col A_D start)" -ge "$r_end"
    local t_begin=$(( $(col A_T submit) + 30 ))
    check "A(e): T did not start before its begin time ($(col A_T start) >= $t_begin)" \
        test "$(col A_T start)" -ge "$t_begin"
    check "A(e): T started within 5 s of its begin time, in the hole" \
        test "$(col A_T start)" -le $((t_begin + 5))
    local sd cycles bfjobs
    sd=$(on "$d" sdiag)
    echo "$sd" > "$d/sdiag.txt"
    cycles=$(awk '/^Backfilling stats/ { b = 1 } b && /Total cycles:/ { print $NF; exit }' <<<"$sd")
    bfjobs=$(awk '/^Backfilling stats/ { b = 1 } b && /Total backfilled jobs \(since last slurm start\)/ { print $NF; exit }' <<<"$sd")
    log "A: sdiag backfill: total cycles ${cycles:-?}, backfilled jobs ${bfjobs:-?}"
    check "A(d): sdiag shows backfill cycles (${cycles:-none})" test "${cycles:-0}" -gt 0
    check "A(d): sdiag shows backfilled jobs (${bfjobs:-none})" test "${bfjobs:-0}" -ge 1

    # ---- Phase E: down node, advanced reservation, down partition.
    on "$d" scontrol update nodename=bf4 state=down reason=test
    on "$d" scontrol create reservation reservationname=res1 starttime=now+40 duration=1 \
        nodes=bf3 users=alice >/dev/null || fail "E: could not create the reservation"
    local rs re resv
    resv=$(on "$d" scontrol show reservation res1 -o)
    rs=$(ep "$(sed -n 's/.*StartTime=\([^ ]*\).*/\1/p' <<<"$resv")")
    re=$(ep "$(sed -n 's/.*EndTime=\([^ ]*\).*/\1/p' <<<"$resv")")
    local F W K K2 X P RJ
    F=$(csub "$d" alice -w bf1 -n 4 -t 3 -J E_F --wrap 'sleep 25')
    wait_state "$d" "$F" RUNNING 20 || fail "E: F did not start"
    W=$(csub "$d" bob -n 8 -t 1 -J E_W --wrap 'sleep 5')
    sleep 1
    K=$(csub "$d" bob -n 3 -t 1 --nice=100 -J E_K --wrap 'sleep 10')
    K2=$(csub "$d" bob -n 4 -t 1 --nice=100 -J E_K2 --wrap 'sleep 3')
    X=$(csub "$d" bob -n 4 -t 2 --nice=100 -J E_X --wrap 'sleep 3')
    H=$(csub "$d" alice -H -n 1 -t 1 --nice=300 -J E_H --wrap 'sleep 2')
    D=$(csub "$d" alice -d "afterok:$F" -n 1 -t 1 --nice=300 -J E_D --wrap 'sleep 2')
    T=$(csub "$d" alice --begin=now+15 -n 1 -t 1 --nice=300 -J E_T --wrap 'sleep 2')
    P=$(csub "$d" alice -p spare -n 1 -t 1 --nice=300 -J E_P --wrap 'sleep 2')
    RJ=$(csub "$d" alice --reservation=res1 -n 2 -t 1 --nice=300 -J E_RJ --wrap 'sleep 3')
    released=-
    end=$((SECONDS + 150))
    while :; do
        if [ "$released" = - ] && [ "$(on "$d" squeue -h -j "$W" -o %T)" != PENDING ]; then
            on "$d" scontrol release "$H"; released=$(date +%s)
        fi
        [ -z "$(left_but "$d" "$P")" ] && break
        [ $SECONDS -lt $end ] || { fail "E: jobs left after 150 s: $(left_but "$d" "$P" | tr '\n' ' ')"; break; }
        sleep 1
    done
    local p_state
    p_state=$(on "$d" squeue -h -j "$P" -o '%T %r')
    on "$d" scancel "$P"
    record_jobs "$d" "$F" "$W" "$K" "$K2" "$X" "$H" "$D" "$T" "$RJ"
    echo "planE $rs $re $released" >> "$d/jobs.txt"
    log "E: reservation res1 on bf3 $rs-$re, F $(col E_F start)-$(col E_F end), W started $(col E_W start)"
    check "E: every job completed" test "$(awk '$1 ~ /^E_/ && $6 != "COMPLETED"' "$d/jobs.txt")" = ""
    local on_down=() into_resv=() lab nodes st lim
    while read -r lab _ _ st _ _ nodes _ lim; do
        [[ $lab == E_* ]] || continue
        [ "$st" != - ] || continue
        case " $(expand_nodes "$nodes") " in *" bf4 "*) on_down+=("$lab") ;; esac
        if [ "$lab" != E_RJ ] && [[ " $(expand_nodes "$nodes") " == *" bf3 "* ]] &&
            [ "$st" -lt "$re" ] && [ $((st + lim * 60)) -gt "$rs" ]; then
            into_resv+=("$lab")
        fi
    done < "$d/jobs.txt"
    check "E(e): no job ran on the down node bf4 (${on_down[*]:-none})" test ${#on_down[@]} = 0
    check "E(e): no job outside res1 was placed on bf3 to run into it (${into_resv[*]:-none})" \
        test ${#into_resv[@]} = 0
    check "E(e): RJ ran on the reservation's node bf3 ($(col E_RJ nodes))" test "$(col E_RJ nodes)" = bf3
    check "E(e): RJ started within 8 s of the reservation's start ($(col E_RJ start), res1 starts $rs)" \
        test "$(col E_RJ start)" -ge "$rs" -a "$(col E_RJ start)" -le $((rs + 8))
    check "E(e): the job in the down partition stayed pending ($p_state)" grep -q '^PENDING' <<<"$p_state"
    check "E(e): the held job did not start before its release ($(col E_H start) >= $released)" \
        test "$released" != - -a "$(col E_H start)" -ge "$released"
    check "E(e): D (afterok:F) did not start before F ended" test "$(col E_D start)" -ge "$(col E_F end)"
    t_begin=$(( $(col E_T submit) + 15 ))
    check "E(e): T did not start before its begin time ($(col E_T start) >= $t_begin)" \
        test "$(col E_T start)" -ge "$t_begin"
    check "E(e): W started no later than F's end by its limit" \
        test "$(col E_W start)" -le $(( $(col E_F start) + 180 + slack ))
    echo "failures $failures" >> "$d/jobs.txt"
}

log "starting both clusters"
mc down --dir "$stock_dir" >/dev/null 2>&1 || true
mc down --dir "$tf_dir" >/dev/null 2>&1 || true
mc up --dir "$stock_dir" --port-base "$port_base" --fresh --cluster-file "$cluster_file" \
    --set SchedulerType=sched/backfill >/dev/null
# TF_BF_SCHED=sched/backfill runs stock on both (to check the test itself).
tf_sched=${TF_BF_SCHED:-sched/tailfold}
tf_params=bf_interval=2,bf_resolution=1,bf_window=60
[ "$tf_sched" = sched/backfill ] || tf_params+=,bf_reservations=10
mc up --dir "$tf_dir" --port-base "$((port_base + 50))" --fresh --cluster-file "$cluster_file" \
    --set SchedulerType="$tf_sched" --set SchedulerParameters="$tf_params" >/dev/null
check "stock runs sched/backfill" grep -Eq '^SchedulerType += sched/backfill$' <(on "$stock_dir" scontrol show config)
check "the other runs $tf_sched" grep -Eq "^SchedulerType += $tf_sched\$" <(on "$tf_dir" scontrol show config)

run_on_both scenarios "$stock_dir" "$tf_dir"

# ---- Tailfold no later than stock, job by job, from each phase's first job.
rel_starts() {  # dir: "label start-relative"
    awk '$1 ~ /^A_/ { a[$1] = $4 } $1 ~ /^E_/ { e[$1] = $4 }
         END { for (l in a) if (a[l] != "-" && a["A_R"] != "-") print l, a[l] - a["A_R"]
               for (l in e) if (e[l] != "-" && e["E_F"] != "-") print l, e[l] - e["E_F"] }' "$1/jobs.txt" | sort
}
cmp_rows=$(join <(rel_starts "$stock_dir") <(rel_starts "$tf_dir"))
log "start, seconds after the phase's first job (label stock tailfold):"
sed 's/^/    /' <<<"$cmp_rows"
later=$(awk -v s=$slack '$1 != "A_H" && $1 != "E_H" && $3 > $2 + s' <<<"$cmp_rows")
[ -z "$later" ] || log "later under tailfold than under stock + $slack s: $(tr '\n' ';' <<<"$later")"
check "every job starts under tailfold no later than under stock + $slack s" test -z "$later"
check "both clusters ran the same $(wc -l <<<"$cmp_rows") jobs" test "$(wc -l <<<"$cmp_rows")" -ge 15
finish
